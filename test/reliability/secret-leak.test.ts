import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';

/**
 * Every scenario, with --verbose: neither the AccessKey secret nor the STS token may reach stdout, stderr or, under
 * GitHub Actions, the step summary ($GITHUB_STEP_SUMMARY, published with the run outside the runner's masking).
 */

const SECRET = 'sts-secret-value-never-printed-1234';
const TOKEN = 'sts-token-value-never-printed-5678';
let emu: Emulator;
const results: [string, CliResult & { summary?: string }][] = [];

beforeAll(async () => {
  emu = await startEmulator({ accessKeyId: 'STS.EMULATORKEY0001', accessKeySecret: SECRET, securityToken: TOKEN });
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';
const context = { cadence: FAST_CADENCE, retry: FAST_RETRY, lostCreateGraceMs: 200 };

async function scenario(
  name: string,
  args: string[],
  options: { env?: Record<string, string>; files?: Record<string, string>; setup?: () => void; githubActions?: boolean } = {},
) {
  options.setup?.();
  const dir = project(options.files ?? { 'job.yaml': JOB, 'main.py': 'print(1)\n' });
  const summaryFile = join(tempDir('summary-'), 'summary.md');
  writeFileSync(summaryFile, '');
  const actions = options.githubActions ? { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile } : {};
  const r = await runCli([...args, '--verbose'], { cwd: dir, env: { ...emu.env(), ...actions, ...options.env }, context });
  const result = { ...r, ...(options.githubActions ? { summary: readFileSync(summaryFile, 'utf8') } : {}) };
  results.push([name, result]);
  return result;
}

// A local job that prints the credentials it was handed on purpose (--pass-env): the tool masks them.
const LOCAL_JOB =
  'image_uri: python:3.11\ncommand: echo "secret $ALIBABA_CLOUD_ACCESS_KEY_SECRET token $ALIBABA_CLOUD_SECURITY_TOKEN"; exit 3\nsource_dir: .\n';

describe('no secret in any output', () => {
  it('across runs, job commands and error paths', async () => {
    emu.jobs.setDefaultScript([
      { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
      // A job that prints its environment must not be the tool's leak: the tool masks what it knows.
      { at: 10, logs: { 'worker-0': [`token is ${TOKEN}\n`], 'worker-1': ['ok\n'] } },
      { at: 100, status: 'Failed', reasonCode: 'E', reasonMessage: `failed with ${SECRET}` },
    ]);
    const run = await scenario('run (fails)', ['run', '-f', 'job.yaml']);
    expect(run.code).toBe(1);
    await scenario('run --json', ['run', '-f', 'job.yaml', '--json']);
    const actions = await scenario('run under GitHub Actions', ['run', '-f', 'job.yaml'], { githubActions: true });
    expect(actions.code).toBe(1);
    expect(actions.summary).toContain('failed with ****');
    const local = await scenario(
      'run --local',
      ['run', '-f', 'job.yaml', '--local', '--pass-env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', '--pass-env', 'ALIBABA_CLOUD_SECURITY_TOKEN'],
      { files: { 'job.yaml': LOCAL_JOB } },
    );
    expect(local.stdout).toContain('secret **** token ****');
    const localActions = await scenario(
      'run --local under GitHub Actions',
      ['run', '-f', 'job.yaml', '--local', '--pass-env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
      { files: { 'job.yaml': LOCAL_JOB }, githubActions: true },
    );
    expect(localActions.summary).toContain('### PAI job');
    await scenario('run --local --json', ['run', '-f', 'job.yaml', '--local', '--json', '--pass-env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'], {
      files: { 'job.yaml': LOCAL_JOB },
    });
    await scenario('run --detach', ['run', '-f', 'job.yaml', '--detach']);
    await scenario('dry run', ['run', '-f', 'job.yaml', '--dry-run']);
    await scenario('dry run --json', ['run', '-f', 'job.yaml', '--dry-run', '--json']);
    await scenario('validate', ['validate', '-f', 'job.yaml']);
    await scenario('config show', ['config', 'show']);
    await scenario('config show --json', ['config', 'show', '--json']);
    const id = emu.jobs.all()[0]!.id;
    await scenario('logs', ['logs', id]);
    await scenario('logs --follow', ['logs', id, '--follow']);
    await scenario('status', ['status', id]);
    await scenario('status --json', ['status', id, '--json']);
    await scenario('list', ['list']);
    await scenario('stop', ['stop', id, '--yes']);
    await scenario('a refused token', ['run', '-f', 'job.yaml'], { env: { ALIBABA_CLOUD_SECURITY_TOKEN: `${TOKEN}-wrong` } });
    await scenario('a refused secret', ['run', '-f', 'job.yaml'], { env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: `${SECRET}-wrong` } });
    await scenario('the service failing', ['run', '-f', 'job.yaml'], {
      setup: () => void emu.faults.add({ action: 'CreateTrainingJob', times: 10, kind: 'status', status: 500, code: 'InternalError' }),
    });
    await scenario('an unreachable endpoint', ['status', id], { env: { PAI_ENDPOINT: 'http://127.0.0.1:1' } });
    await scenario('a bad config', ['run', '-f', 'job.yaml'], { files: { 'job.yaml': 'image_uri: [\n' } });
    for (const [name, r] of results) {
      for (const s of [SECRET, TOKEN]) {
        expect(r.stdout, `${name}: stdout`).not.toContain(s);
        expect(r.stderr, `${name}: stderr`).not.toContain(s);
        if (r.summary !== undefined) expect(r.summary, `${name}: step summary`).not.toContain(s);
      }
    }
    console.log(`secret-leak scenarios: ${results.length}`);
    // The masking is visible where the job itself printed the token.
    expect(run.stdout).toContain('token is ****');
  });
});
