// `run --detach` prints the job id alone on stdout; `--quiet` keeps only the essential value on stdout (the id
// for run and list, the status for status and stop, the log lines for logs), with nothing else on either stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
  emu.jobs.setDefaultScript([
    { at: 0, status: 'Running', instances: ['worker-0'], logs: ['hello\n'] },
    { at: 30, status: 'Succeed' },
  ]);
});
afterAll(async () => emu?.close());

const cli = (args: string[], cwd?: string) => runCli(args, { env: emu.env(), ...(cwd ? { cwd } : {}), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
const dir = () => project({ 'job.yaml': JOB, 'main.py': 'print(1)\n' });

describe('run --detach', () => {
  it('prints the id of the job it created, alone, on stdout', async () => {
    const r = await cli(['run', '-f', 'job.yaml', '--detach', '--name', 'detach1'], dir());
    expect(r.code, r.stderr).toBe(0);
    const job = emu.jobs.all().find((j) => j.name.startsWith('detach1_'))!;
    expect(r.stdout).toBe(`${job.id}\n`);
    expect(r.stderr).toContain(`pai-process logs ${job.id} --follow`);
  });
});

describe('--quiet', () => {
  it('run: the job id alone on stdout, nothing on stderr, the exit code of the job', async () => {
    const r = await cli(['run', '-f', 'job.yaml', '--quiet', '--name', 'quiet1'], dir());
    expect(r.code, r.stderr).toBe(0);
    const job = emu.jobs.all().find((j) => j.name.startsWith('quiet1_'))!;
    expect(r.stdout).toBe(`${job.id}\n`);
    expect(r.stderr).toBe('');
    const detached = await cli(['run', '-f', 'job.yaml', '-q', '--detach', '--name', 'quiet2'], dir());
    expect(detached.stdout).toBe(`${emu.jobs.all().find((j) => j.name.startsWith('quiet2_'))!.id}\n`);
    expect(detached.stderr).toBe('');
  });

  it('list: one id a line; status and status --wait: the status; logs: the lines; stop: the final status', async () => {
    const done = emu.jobs.create({ TrainingJobName: 'q-done', WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } });
    const list = await cli(['list', '--quiet', '--name', 'q-done']);
    expect(list).toMatchObject({ code: 0, stdout: `${done.id}\n`, stderr: '' });
    const wait = await cli(['status', done.id, '--wait', '--quiet']);
    expect(wait).toMatchObject({ code: 0, stdout: 'Succeed\n', stderr: '' });
    expect(await cli(['status', done.id, '-q'])).toMatchObject({ code: 0, stdout: 'Succeed\n', stderr: '' });
    expect(await cli(['logs', done.id, '-q'])).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });

    const running = emu.jobs.create(
      { TrainingJobName: 'q-run', WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
      { script: [{ at: 0, status: 'Running' }] },
    );
    const stop = await cli(['stop', running.id, '--yes', '--quiet']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stderr).toBe('');
    expect(stop.stdout).toMatch(/^(Stopped|Stopping)\n$/);
  });

  it('validate: nothing when valid, the problems on stderr and exit 2 when not', async () => {
    expect(await cli(['validate', '-f', 'job.yaml', '-q'], dir())).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const bad = project({ 'job.yaml': `${JOB}instance_count: two\n` });
    const r = await cli(['validate', '-f', 'job.yaml', '-q'], bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('instance_count');
  });

  it('with --json: a usage error, exit 2', async () => {
    const r = await cli(['status', 'train-x', '--json', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--quiet and --json both say what stdout holds');
  });
});
