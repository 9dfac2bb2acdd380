// action.yml run as a GitHub runner runs a composite action: its `run:` steps in order, each through
// `bash --noprofile --norc -eo pipefail {0}` (the runner's `shell: bash`), with ${{ }} expressions substituted,
// the runner's environment (GITHUB_ACTIONS, a GITHUB_OUTPUT file per step, GITHUB_STEP_SUMMARY, RUNNER_TEMP,
// GITHUB_WORKSPACE), and the action's outputs read from the steps' output files.
// Skipped: `uses:` steps (Node is already here), and the install step (`npm ci` needs the registry; the tests run
// the tree this repository's build already made, which is what that step produces in the action path).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, tempDir } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/spawn-cli.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

/** `${{ inputs.x }}`, `${{ github.action_path }}`, `${{ steps.s.outputs.o }}`; anything else fails the test. */
function substitute(text: string, scope: { inputs: Record<string, string>; steps: Record<string, Record<string, string>> }): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    let m: RegExpExecArray | null;
    if ((m = /^inputs\.([\w-]+)$/.exec(expr))) return scope.inputs[m[1]!] ?? '';
    if (expr === 'github.action_path') return ROOT.replace(/\/$/, '');
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return scope.steps[m[1]!]?.[m[2]!] ?? '';
    throw new Error(`action.yml uses an expression this runner stand-in does not know: ${expr}`);
  });
}

/** The runner's reading of a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM` … `DELIM` blocks. */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end === -1) throw new Error(`unterminated ${heredoc[1]} in GITHUB_OUTPUT`);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    } else if (line !== '') {
      throw new Error(`GITHUB_OUTPUT line the runner would refuse: ${line}`);
    }
  }
  return out;
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the action in `workspace` with `with` inputs; returns its outputs, the failing step's code, logs and summary. */
async function runAction(workspace: string, withInputs: Record<string, string>, secrets: Record<string, string> = {}) {
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = withInputs[name] ?? spec.default ?? '';
  const runnerTemp = tempDir('runner-temp-');
  const summary = join(runnerTemp, 'step_summary');
  writeFileSync(summary, '');
  const scope = { inputs, steps: {} as Record<string, Record<string, string>> };
  const skipped: string[] = [];
  let stdout = '';
  let stderr = '';
  let code: number | null = 0;
  for (const [n, step] of action.runs.steps.entries()) {
    if (step.uses) {
      skipped.push(step.uses);
      continue;
    }
    if (step.id === 'install') {
      skipped.push('install');
      continue;
    }
    expect(step.shell).toBe('bash');
    const outputFile = join(runnerTemp, `output_${n}`);
    writeFileSync(outputFile, '');
    const script = join(runnerTemp, `step_${n}.sh`);
    writeFileSync(script, substitute(step.run ?? '', scope));
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: tempDir('home-'),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: ROOT,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ...secrets,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(v, scope);
    const cwd = resolve(workspace, substitute(step['working-directory'] ?? '.', scope));
    const r = await bash(script, cwd, env);
    stdout += r.stdout;
    stderr += r.stderr;
    if (step.id) scope.steps[step.id] = readOutputs(outputFile);
    code = r.code;
    if (code !== 0) break;
  }
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.outputs)) outputs[name] = substitute(spec.value, scope);
  return { outputs, code, stdout, stderr, summary: readFileSync(summary, 'utf8'), skipped };
}

const JOB = (name: string) => `image_uri: python:3.11\ncommand: python train.py\ninstance_type: ecs.c6.large\nsource_dir: src\nbase_job_name: ${name}\n`;

describe('action.yml', () => {
  it('is a composite action: setup-node with the node-version input, an install in the action path, then the run', () => {
    expect(action.runs.using).toBe('composite');
    const [setup, install, run] = action.runs.steps;
    expect(setup?.uses).toBe('actions/setup-node@v4');
    expect(setup?.with?.['node-version']).toBe('${{ inputs.node-version }}');
    expect(install?.['working-directory']).toBe('${{ github.action_path }}');
    expect(install?.run).toContain('npm ci');
    // npm ci builds through the package's prepare script.
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.prepare).toBe('npm run build');
    expect(run?.id).toBe('run');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'config', 'node-version', 'working-directory']);
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'job-id', 'status', 'url']);
    // Inputs go through env, not into the script's text.
    expect(run?.run).not.toContain('${{');
  });

  it('a job that succeeds: the step passes; job-id, status, url and exit-code are set; the summary is written', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'], logs: ['step 1\n'] },
        { at: 100, status: 'Succeed' },
      ],
      { name: /^gha_ok_/ },
    );
    const workspace = project({ 'ml/job.yaml': JOB('gha_ok'), 'ml/src/train.py': 'print(1)\n' });
    const r = await runAction(workspace, { config: 'job.yaml', 'working-directory': 'ml', args: '--label ci=yes   --timeout 10m' }, emu.env());
    expect(r.skipped).toEqual(['actions/setup-node@v4', 'install']);
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    expect(r.outputs['job-id']).toMatch(/^train\w+$/);
    expect(r.outputs).toMatchObject({ status: 'Succeed', 'exit-code': '0' });
    expect(r.outputs['url']).toContain(r.outputs['job-id']);
    // The job's lines, between a stop-commands token and its end, so none of them is a workflow command.
    expect(r.stdout).toMatch(/^::stop-commands::([0-9a-f]{32})\nstep 1\n::\1::\n$/);
    const job = emu.jobs.get(r.outputs['job-id']!);
    expect(job?.spec['Labels']).toEqual(expect.arrayContaining([{ Key: 'ci', Value: 'yes' }]));
    expect(r.summary).toContain(`\`${r.outputs['job-id']}\``);
    expect(r.summary).toContain('Succeed');
  });

  it('a job that fails: the step fails with exit 1, and the outputs are still set; the error is annotated', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 100, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'loss was NaN' },
      ],
      { name: /^gha_fail_/ },
    );
    // No config input: pai-process finds pai-process.config.yaml itself.
    const workspace = project({ 'pai-process.config.yaml': JOB('gha_fail'), 'src/train.py': 'print(1)\n' });
    const r = await runAction(workspace, {}, emu.env());
    expect(r.code).toBe(1);
    expect(r.outputs['job-id']).toMatch(/^train\w+$/);
    expect(r.outputs).toMatchObject({ status: 'Failed', 'exit-code': '1' });
    expect(r.stderr).toMatch(/::error title=PAI job train\w+ Failed::JobFailed: loss was NaN/);
    expect(r.summary).toContain('Failed');
  });

  it('a bad config: exit 2, nothing submitted, no job id', async () => {
    const workspace = project({ 'job.yaml': 'image_uri: python:3.11\ninstance_type: ecs.c6.large\nbogus_key: 1\n' });
    const before = emu.journal.count('CreateTrainingJob');
    const r = await runAction(workspace, { config: 'job.yaml' }, emu.env());
    expect(r.code).toBe(2);
    expect(r.outputs).toEqual({ 'job-id': '', status: '', url: '', 'exit-code': '2' });
    expect(emu.journal.count('CreateTrainingJob')).toBe(before);
  });

  it('GITHUB_OUTPUT set without GITHUB_ACTIONS=true: the CLI writes no outputs (only under GitHub Actions)', async () => {
    const workspace = project({ 'job.yaml': JOB('gha_plain'), 'src/train.py': 'print(1)\n' });
    mkdirSync(join(workspace, 'o'));
    writeFileSync(join(workspace, 'go.sh'), `node ${ROOT}bin/pai-process.cjs run -f job.yaml --detach\n`);
    const r = await bash(join(workspace, 'go.sh'), workspace, {
      PATH: process.env['PATH'] ?? '',
      HOME: tempDir('home-'),
      CI: 'true',
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      GITHUB_OUTPUT: join(workspace, 'o', 'out'),
      ...emu.env(),
    });
    expect(r.code).toBe(0);
    expect(existsSync(join(workspace, 'o', 'out'))).toBe(false);
  });
});
