import { describe, expect, it } from 'vitest';
import { project, runCli, SESSION_ENV } from '../helpers/run-cli.js';

// Hyperparameters that are lists or maps (the SDK accepts any value and sends str(value)) reach the job as JSON text
// with Python's separators, their numbers as written, so a training script can json.loads them.

type Body = { HyperParameters: { Name: string; Value: string }[] };

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n';

async function hyperparameters(yaml: string, extra: string[] = []): Promise<Record<string, string>> {
  const dir = project({ 'job.yaml': JOB + yaml });
  const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json', ...extra], { cwd: dir, env: SESSION_ENV });
  expect(r.stderr).not.toMatch(/✖/);
  expect(r.code).toBe(0);
  const body = (JSON.parse(r.stdout) as { request: Body }).request;
  return Object.fromEntries(body.HyperParameters.map((h) => [h.Name, h.Value]));
}

describe('list and map parameters', () => {
  it('are sent as JSON text with ", " and ": " separators, numbers as written', async () => {
    const hp = await hyperparameters(
      'parameters:\n  hidden: [64, 32]\n  lr: 1.0\n  cfg: {a: 1, b: [1.0, "x", true, null], c: {d: 1e-05}}\n  layers:\n    - 128\n    - 64\n  empty: []\n',
    );
    expect(hp).toEqual({ hidden: '[64, 32]', lr: '1.0', cfg: '{"a": 1, "b": [1.0, "x", true, null], "c": {"d": 1e-05}}', layers: '[128, 64]', empty: '[]' });
    expect(JSON.parse(hp['cfg']!)).toEqual({ a: 1, b: [1, 'x', true, null], c: { d: 1e-5 } });
  });

  it('are accepted from a JSON config and a JavaScript config, and --set keeps the text typed', async () => {
    const dir = project({
      'job.json': JSON.stringify({
        image_uri: 'python:3.11',
        command: 'python main.py',
        instance_type: 'ecs.c6.large',
        parameters: { hidden: [64, 32], m: { a: 1 } },
      }),
      'job.mjs':
        "export default { image_uri: 'python:3.11', command: 'python main.py', instance_type: 'ecs.c6.large', parameters: { hidden: [64, 32], m: { a: 'é' } } };\n",
    });
    for (const file of ['job.json', 'job.mjs']) {
      const r = await runCli(['run', '-f', file, '--dry-run', '--json', '--set', 'parameters.s=[1,2]'], {
        cwd: dir,
        env: SESSION_ENV,
        context: { importFile: (p: string) => import(p) },
      });
      expect(r.code, r.stderr).toBe(0);
      const hp = Object.fromEntries((JSON.parse(r.stdout) as { request: Body }).request.HyperParameters.map((h) => [h.Name, h.Value]));
      expect(hp['hidden']).toBe('[64, 32]');
      expect(hp['m']).toBe(file === 'job.json' ? '{"a": 1}' : '{"a": "é"}');
      expect(hp['s']).toBe('[1,2]');
    }
  });

  it('reach a run --local job as the same text (hyperparameters.json, PAI_HPS_*)', async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: [python3, main.py]\nsource_dir: src\nparameters: {hidden: [64, 32]}\n',
      'src/main.py':
        'import json, os\nprint(os.environ["PAI_HPS_HIDDEN"])\nprint(json.loads(json.load(open(os.environ["PAI_CONFIG_DIR"] + "hyperparameters.json"))["hidden"]))\n',
    });
    const r = await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env: { PATH: process.env['PATH'] } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('[64, 32]\n[64, 32]\n');
  });
});
