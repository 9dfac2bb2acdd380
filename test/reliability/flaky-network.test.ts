import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultSpec } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

/**
 * A flaky network: a create whose answer is slow is never sent twice, and scattered failures (one call in ten
 * of every action) never end a run, because each call has its own attempts.
 */

let emu: Emulator;
const LINES = Array.from({ length: 12 }, (_, i) => `line ${i}\n`);

beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 3, stopDelayMs: 20 });
  emu.jobs.setDefaultScript([
    { at: 0, status: 'Creating' },
    { at: 40, status: 'Running', instances: ['worker-0'] },
    { at: 60, logs: LINES.slice(0, 4) },
    { at: 160, logs: LINES.slice(4, 8) },
    { at: 260, logs: LINES.slice(8) },
    { at: 400, status: 'Succeed' },
  ]);
});
afterAll(async () => emu?.close());

const jobsNamed = (name: string) => emu.jobs.all().filter((j) => j.name.startsWith(`${name}_`));

function run(name: string, context: Record<string, unknown>, args: string[] = []) {
  const dir = project({ 'job.yaml': 'image_uri: x\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n', 'main.py': `print("${name}")\n` });
  return runCli(['run', '-f', 'job.yaml', '--name', name, ...args], {
    cwd: dir,
    env: emu.env(),
    context: { cadence: FAST_CADENCE, retry: FAST_RETRY, ...context },
  });
}

describe('a slow answer to CreateTrainingJob', () => {
  it('longer than the connect timeout, within the read timeout: waited for, one job', async () => {
    const f = emu.faults.add({ action: 'CreateTrainingJob', kind: 'delay', delayMs: 800 });
    const lists = emu.faults.calls('ListTrainingJobs');
    const creates = emu.faults.calls('CreateTrainingJob');
    const r = await run('slowcreate', { timeouts: { connectMs: 150, readMs: 5000 }, lostCreateGraceMs: 300 }, ['--detach']);
    emu.faults.remove(f);
    expect(f.hits).toBe(1);
    expect(jobsNamed('slowcreate')).toHaveLength(1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Submitted ${jobsNamed('slowcreate')[0]!.id}`);
    // The answer was waited for, not cut at the connect timeout: nothing had to be looked up.
    expect(emu.faults.calls('CreateTrainingJob') - creates, 'CreateTrainingJob sent once').toBe(1);
    expect(emu.faults.calls('ListTrainingJobs') - lists).toBe(0);
    expect(r.stderr).not.toContain('trying again');
  });

  it('longer than every timeout: the job is looked up, never sent again', async () => {
    // The answer comes after both timeouts; the service creates the job after 600 ms, while the tool looks.
    const f = emu.faults.add({ action: 'CreateTrainingJob', kind: 'delay', delayMs: 600 });
    const before = emu.faults.calls('CreateTrainingJob');
    const r = await run('lostcreate', { timeouts: { connectMs: 100, readMs: 250 }, lostCreateGraceMs: 3000 }, ['--detach']);
    emu.faults.remove(f);
    expect(jobsNamed('lostcreate')).toHaveLength(1);
    expect(emu.faults.calls('CreateTrainingJob') - before, 'CreateTrainingJob sent once').toBe(1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Submitted ${jobsNamed('lostcreate')[0]!.id}`);
  });
});

/** Every action a run makes, PAI and OSS. */
const ACTIONS = [
  'ListConfigs',
  'HeadObject',
  'PutObject',
  'GetObject',
  'ListObjects',
  'ListObjectsV2',
  'CreateTrainingJob',
  'ListTrainingJobs',
  'GetTrainingJob',
  'ListTrainingJobLogs',
  'ListTrainingJobEvents',
];
/** The ways a call fails, in turn: the work done but the answer lost, 503, a reset before any work, throttling. */
const KINDS: Omit<FaultSpec, 'action' | 'call'>[] = [
  { kind: 'drop-after' },
  { kind: 'status', status: 503, code: 'ServiceUnavailable' },
  { kind: 'drop' },
  { kind: 'status', status: 400, code: 'Throttling.User' },
];

describe('a create that never gets an answer', () => {
  it('ends with exit 5, saying the job may exist and how to find it, with at most one job', async () => {
    const f = emu.faults.add({ action: 'CreateTrainingJob', kind: 'drop', times: Infinity });
    const r = await run('neveranswered', { retry: { ...FAST_RETRY, maxAttempts: 3 }, lostCreateGraceMs: 100 }, ['--detach']);
    emu.faults.remove(f);
    expect(f.hits).toBe(3);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/the job neveranswered_\d{8}_\d{6} may have been created/);
    expect(r.stderr).toMatch(/pai-process list --name neveranswered_\d{8}_\d{6}/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(jobsNamed('neveranswered').length).toBeLessThanOrEqual(1);
  });
});

describe('one call in ten of every action fails', () => {
  it('the run completes: exit 0, one job, every line once', async () => {
    // The 1st, 11th, 21st... call of each action fails, so the create's answer is lost and the look-up that
    // follows fails too. Two attempts a call: enough for scattered failures only when counted per call.
    const faults = ACTIONS.flatMap((action) => Array.from({ length: 30 }, (_, i) => emu.faults.add({ action, call: 1 + 10 * i, ...KINDS[i % KINDS.length]! })));
    const r = await run('tenth', { retry: { ...FAST_RETRY, maxAttempts: 2 }, lostCreateGraceMs: 1000 });
    const hit = faults.filter((f) => f.hits > 0).map((f) => `${f.action}#${f.call}`);
    for (const f of faults) emu.faults.remove(f);
    expect(r.code, r.stderr).toBe(0);
    expect(jobsNamed('tenth')).toHaveLength(1);
    expect(r.stdout).toBe(LINES.join(''));
    // The failures did happen, where they matter: the create, its look-up, and the follow loop's calls.
    expect(hit).toEqual(expect.arrayContaining(['CreateTrainingJob#1', 'ListTrainingJobs#1', 'GetTrainingJob#1', 'ListTrainingJobLogs#1']));
  });
});
