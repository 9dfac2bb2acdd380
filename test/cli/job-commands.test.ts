import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 2 });
});
afterAll(async () => emu?.close());

const cli = (args: string[], context = {}) => runCli(args, { env: emu.env(), context: { cadence: FAST_CADENCE, ...context } });

function createJob(name: string, steps: Parameters<Emulator['jobs']['script']>[0]) {
  return emu.jobs.create({ TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } }, { script: steps });
}

describe('logs', () => {
  it('prints every line there is, per worker and prefixed, and exits 0', async () => {
    const job = createJob('logs-1', [
      { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
      { at: 0, logs: { 'worker-0': ['a\n', 'b\n', 'c\n'], 'worker-1': ['x\n', 'y'] } },
    ]);
    const r = await cli(['logs', job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[worker-0] a\n[worker-0] b\n[worker-0] c\n[worker-1] x\n[worker-1] y\n');
    expect(r.stderr).toBe('');
  });

  it('--tail N starts at the last N lines; --worker keeps one worker, unprefixed', async () => {
    const job = createJob('logs-2', [
      { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
      { at: 0, logs: { 'worker-0': ['1\n', '2\n', '3\n', '4\n', '5\n'], 'worker-1': ['x\n'] } },
    ]);
    expect((await cli(['logs', job.id, '--tail', '2'])).stdout).toBe('[worker-0] 4\n[worker-0] 5\n[worker-1] x\n');
    expect((await cli(['logs', job.id, '--worker', 'worker-0', '--tail', '3'])).stdout).toBe('3\n4\n5\n');
    const bad = await cli(['logs', job.id, '--worker', 'worker-9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Its workers: worker-0, worker-1');
  });

  it('--follow prints lines as they come and exits with the job\'s result', async () => {
    const job = createJob('logs-3', [
      { at: 0, status: 'Running', instances: ['worker-0'] },
      { at: 0, logs: ['one\n'] },
      { at: 150, logs: ['two\n'] },
      { at: 250, status: 'Failed', reasonCode: 'OOM', reasonMessage: 'out of memory' },
    ]);
    const r = await cli(['logs', job.id, '--follow']);
    expect(r.stdout).toBe('one\ntwo\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Reason   OOM: out of memory');
  });

  it('before the job has an instance, prints nothing and exits 0', async () => {
    const job = createJob('logs-4', [{ at: 0, status: 'Queuing' }]);
    const r = await cli(['logs', job.id]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('status', () => {
  it('shows the job, and --json its documented fields', async () => {
    const job = createJob('status-1', [{ at: 0, status: 'Running', instances: ['worker-0'] }]);
    const r = await cli(['status', job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+Running/);
    expect(r.stdout).toMatch(/worker\s+worker-0/);
    const j = await cli(['status', job.id, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ id: job.id, name: 'status-1', status: 'Running', workers: [{ name: `${job.id}-worker-0` }] });
  });

  it('--wait exits with the job\'s exit code', async () => {
    const job = createJob('status-2', [
      { at: 0, status: 'Running' },
      { at: 100, status: 'Terminated' },
    ]);
    expect((await cli(['status', job.id, '--wait'])).code).toBe(3);
  });

  it('an unknown job is a usage error (exit 2) naming it, with the service\'s code', async () => {
    const r = await cli(['status', 'train-nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No training job train-nope in region cn-hangzhou (GetTrainingJob answered TRAINING_JOB_NOT_EXIST)');
  });
});

describe('stop', () => {
  it('refuses to prompt without a terminal, and stops with --yes', async () => {
    const job = createJob('stop-1', [{ at: 0, status: 'Running' }]);
    const asked = await cli(['stop', job.id]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain(`Pass --yes: pai-process stop ${job.id} --yes`);
    expect(emu.jobs.get(job.id)?.status).toBe('Running');
    const r = await cli(['stop', job.id, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Job ${job.id} is Stopped`);
  });

  it('asks on a terminal, and does nothing on "no"', async () => {
    const job = createJob('stop-2', [{ at: 0, status: 'Running' }]);
    const questions: string[] = [];
    const r = await runCli(['stop', job.id], { env: emu.env(), tty: true, context: { confirm: async (q: string) => (questions.push(q), false) } });
    expect(questions).toEqual([`Stop job ${job.id}?`]);
    expect(r.code).toBe(0);
    expect(emu.jobs.get(job.id)?.status).toBe('Running');
  });
});

describe('list', () => {
  it('lists the workspace\'s jobs, filtered by status and limited', async () => {
    for (let i = 0; i < 3; i++) createJob(`list-run-${i}`, [{ at: 0, status: 'Running' }]);
    createJob('list-done', [{ at: 0, status: 'Succeed' }]);
    const all = await cli(['list', '--json', '--limit', '100']);
    const names = (JSON.parse(all.stdout) as { name: string }[]).map((j) => j.name);
    expect(names).toEqual(expect.arrayContaining(['list-run-0', 'list-run-1', 'list-run-2', 'list-done']));
    const running = await cli(['list', '--json', '--status', 'Succeed', '--name', 'list-done']);
    expect((JSON.parse(running.stdout) as { name: string }[]).map((j) => j.name)).toEqual(['list-done']);
    const two = await cli(['list', '--json', '--limit', '2']);
    expect(JSON.parse(two.stdout)).toHaveLength(2);
    const table = await cli(['list', '--name', 'list-done']);
    expect(table.stdout).toMatch(/ID\s+NAME\s+STATUS/);
    expect(table.stdout).toContain('list-done');
  });
});

describe('status transitions', () => {
  it('lists the statuses the job went through', async () => {
    const job = createJob('status-3', [
      { at: 0, status: 'Creating' },
      { at: 0, status: 'Queuing' },
      { at: 0, status: 'Running', instances: ['worker-0'] },
    ]);
    const r = await cli(['status', job.id, '--json']);
    expect((JSON.parse(r.stdout) as { transitions: { status: string }[] }).transitions.map((t) => t.status)).toEqual(['Creating', 'Queuing', 'Running']);
    const text = await cli(['status', job.id]);
    expect(text.stdout).toMatch(/transition\s+Queuing/);
  });
});
