// `validate --local` judges a job as `run --local` runs it, and `run --local` names that check (not a plain
// `validate`, which rejects a local output path that a local run accepts).
import { describe, expect, it } from 'vitest';
import { project, runCli } from '../helpers/run-cli.js';

const LOCAL_OUTPUT = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\noutputs:\n  model: ./model\n';

describe('validate --local', () => {
  it('accepts a local output path that plain validate rejects, and says where instance_type came from', async () => {
    const dir = project({ 'job.yaml': LOCAL_OUTPUT, 'main.py': 'print(1)\n' });
    const plain = await runCli(['validate', '-f', 'job.yaml'], { cwd: dir });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('outputs.model: "./model" is a local path');
    const local = await runCli(['validate', '-f', 'job.yaml', '--local', '--json'], { cwd: dir });
    expect(local.code, local.stderr).toBe(0);
    expect((JSON.parse(local.stdout) as { job: { instance_type: string } }).job.instance_type).toBe('local');
    const shown = await runCli(['validate', '-f', 'job.yaml', '--local'], { cwd: dir });
    expect(shown.stdout).toMatch(/instance_type\s+local\s+--local/);
  });

  it('run --local on a broken config names `validate --local`, which reports the same problems and no other', async () => {
    const dir = project({ 'job.yaml': `${LOCAL_OUTPUT}instance_count: two\n`, 'main.py': 'print(1)\n' });
    const run = await runCli(['run', '--local', '-f', 'job.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('→ Fix each one and run `pai-process validate --local -f job.yaml` to check again.');
    const check = await runCli(['validate', '--local', '-f', 'job.yaml'], { cwd: dir });
    expect(check.code).toBe(2);
    const problems = (s: string) =>
      s
        .split('\n')
        .filter((l) => /^\s+job\.yaml:\d+/.test(l))
        .map((l) => l.trim());
    expect(problems(check.stderr)).toEqual(problems(run.stderr));
    expect(problems(check.stderr)).toHaveLength(1);
  });

  it('run --local --dry-run points at validate --local', async () => {
    const dir = project({ 'job.yaml': LOCAL_OUTPUT, 'main.py': 'print(1)\n' });
    const r = await runCli(['run', '--local', '--dry-run', '-f', 'job.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Use `pai-process validate --local` to check the job.');
  });
});
