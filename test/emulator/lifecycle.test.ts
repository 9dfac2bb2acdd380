// Scripted job lifecycles, logs and events, driven through the real OpenAPI client. A manual
// clock makes every step due exactly when the test says, so nothing here depends on timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paiClient, type PaiClient } from './clients.js';
import { ManualClock, startEmulator, type Emulator } from './index.js';
import { failure, minimalJob } from './test-support.js';

const JOBS = '/api/v1/trainingjobs';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const iso = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('job lifecycle (manual clock)', () => {
  let emu: Emulator;
  let clock: ManualClock;
  let pai: PaiClient;
  beforeAll(async () => {
    clock = new ManualClock(T0);
    emu = await startEmulator({ clock, maxLogPageSize: 5, stopDelayMs: 500 });
    pai = paiClient(emu, { signatureAlgorithm: 'v2' });
  });
  afterAll(async () => emu.close());

  async function createJob(name: string): Promise<string> {
    const res = await pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, name) });
    return String(res.body['TrainingJobId']);
  }
  const get = async (id: string) => (await pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`)).body;
  const logs = async (id: string, query: Record<string, string> = {}) => (await pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`, { query })).body;

  it('moves through the scripted statuses, instances and log lines', async () => {
    clock.set(T0);
    emu.jobs.script(
      [
        { at: 0, status: 'Creating' },
        { at: 1000, status: 'Queuing' },
        { at: 2000, status: 'Running', instances: ['master-0', 'worker-0'] },
        { at: 2500, logs: { 'master-0': ['m1\n', 'm2'], 'worker-0': ['w1\n'] } },
        { at: 3000, logs: { 'worker-0': ['w2\n'], 'master-0': ['m3\n'] } },
        { at: 5000, status: 'Succeed', reasonCode: 'TrainingJobSucceed', reasonMessage: 'KubeDL job runs successfully' },
      ],
      { name: 'scripted' },
    );
    const id = await createJob('scripted');
    expect(await get(id)).toMatchObject({ Status: 'Creating', Instances: [] });

    const early = await failure(pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`));
    expect(early['code']).toBe('TRAINING_JOB_INSTANCE_NOT_FOUND');
    expect(early['statusCode']).toBe(400);

    clock.advance(1000);
    expect((await get(id))['Status']).toBe('Queuing');
    clock.advance(1000);
    const running = await get(id);
    expect(running).toMatchObject({
      Status: 'Running',
      Instances: [
        { Name: `${id}-master-0`, Role: 'master', Status: 'Running' },
        { Name: `${id}-worker-0`, Role: 'worker', Status: 'Running' },
      ],
    });
    expect(await logs(id)).toMatchObject({ TotalCount: '0' });
    expect((await logs(id))['Logs']).toBeUndefined();

    clock.advance(1500); // t = 3500: both log steps are due
    expect(await logs(id, { PageSize: '5' })).toMatchObject({ Logs: ['m1\n', 'm2', 'w1\n', 'w2\n', 'm3\n'], TotalCount: '5' });
    expect(await logs(id, { InstanceId: `${id}-master-0` })).toMatchObject({ Logs: ['m1\n', 'm2', 'm3\n'], TotalCount: '3' });
    expect(await logs(id, { WorkerId: 'worker-0' })).toMatchObject({ Logs: ['w1\n', 'w2\n'], TotalCount: '2' });
    expect(await logs(id, { StartTime: iso(3000) })).toMatchObject({ Logs: ['w2\n', 'm3\n'], TotalCount: '2' });
    expect(await logs(id, { EndTime: new Date(T0 + 2999).toISOString() })).toMatchObject({ Logs: ['m1\n', 'm2', 'w1\n'] });
    const unknown = await failure(pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`, { query: { InstanceId: `${id}-worker-9` } }));
    expect(unknown['code']).toBe('TRAINING_JOB_INSTANCE_NOT_FOUND');
    const badTime = await failure(pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`, { query: { StartTime: 'yesterday' } }));
    expect(badTime['code']).toBe('InvalidParameter');

    clock.advance(1500);
    const done = await get(id);
    expect(done).toMatchObject({ Status: 'Succeed', ReasonCode: 'TrainingJobSucceed', Duration: 3 });
    expect(done['Instances']).toEqual([
      { Name: `${id}-master-0`, Role: 'master', Status: 'Succeeded' },
      { Name: `${id}-worker-0`, Role: 'worker', Status: 'Succeeded' },
    ]);
    expect(done['StatusTransitions']).toEqual([
      { Status: 'Creating', StartTime: iso(0), EndTime: iso(1000) },
      { Status: 'Queuing', StartTime: iso(1000), EndTime: iso(2000) },
      { Status: 'Running', StartTime: iso(2000), EndTime: iso(5000) },
      { Status: 'Succeed', StartTime: iso(5000), EndTime: iso(5000), ReasonCode: 'TrainingJobSucceed', ReasonMessage: 'KubeDL job runs successfully' },
    ]);
    expect(done['GmtModifiedTime']).toBe(iso(5000));

    const events = (await pai.call('ListTrainingJobEvents', 'GET', `${JOBS}/${id}/events`, { query: { PageSize: '50' } })).body;
    expect(events['TotalCount']).toBe('4'); // created, Queuing, Running, Succeed
    expect((events['Events'] as string[]).at(-1)).toContain('status changed to Succeed');
  });

  it('caps the log page size server-side and pages 1-based', async () => {
    emu.jobs.script([{ at: 0, status: 'Running', instances: ['worker-0'], logs: Array.from({ length: 12 }, (_, i) => `line ${i + 1}\n`) }], { once: true });
    const id = await createJob('paged');
    const first = await logs(id, { PageNumber: '1', PageSize: '100' });
    expect(first).toMatchObject({ TotalCount: '12', Logs: ['line 1\n', 'line 2\n', 'line 3\n', 'line 4\n', 'line 5\n'] });
    expect((await logs(id, { PageNumber: '3', PageSize: '100' }))['Logs']).toEqual(['line 11\n', 'line 12\n']);
    expect((await logs(id, { PageNumber: '2', PageSize: '4' }))['Logs']).toEqual(['line 5\n', 'line 6\n', 'line 7\n', 'line 8\n']);
    expect(await logs(id, { PageNumber: '4', PageSize: '5' })).toEqual(expect.not.objectContaining({ Logs: expect.anything() }));
    const bad = await failure(pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`, { query: { PageNumber: '0' } }));
    expect(bad['code']).toBe('InvalidParameter');
  });

  it('applies poll-counted steps at the Nth GetTrainingJob, with failure reasons', async () => {
    emu.jobs.script(
      [
        { atPoll: 1, status: 'Running', instances: ['worker-0'] },
        { atPoll: 3, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'worker-0 exited with code 1' },
      ],
      { name: /^polled-/ },
    );
    const id = await createJob('polled-1');
    expect((await get(id))['Status']).toBe('Running');
    expect((await get(id))['Status']).toBe('Running');
    expect(await get(id)).toMatchObject({ Status: 'Failed', ReasonCode: 'JobFailed', ReasonMessage: 'worker-0 exited with code 1' });
    // Listing does not count as a poll.
    const id2 = await createJob('polled-2');
    await pai.call('ListTrainingJobs', 'GET', JOBS, { query: { TrainingJobName: 'polled-2' } });
    expect((await get(id2))['Status']).toBe('Running');
  });

  it('ends CreateFailed and InitializeFailed jobs with their reasons', async () => {
    emu.jobs.script([{ at: 0, status: 'CreateFailed', reasonCode: 'QuotaNotEnough', reasonMessage: 'no quota' }], { once: true });
    const a = await createJob('create-failed');
    expect(await get(a)).toMatchObject({ Status: 'CreateFailed', ReasonCode: 'QuotaNotEnough' });
    emu.jobs.script(
      [
        { at: 0, status: 'Initializing', instances: ['worker-0'] },
        { at: 10, status: 'InitializeFailed', reasonCode: 'ImagePullFailed', reasonMessage: 'pull failed' },
      ],
      { once: true },
    );
    const b = await createJob('init-failed');
    clock.advance(10);
    expect(await get(b)).toMatchObject({ Status: 'InitializeFailed', ReasonCode: 'ImagePullFailed', Instances: [{ Status: 'Failed' }] });
  });

  it('stops a running job: Stopping, then Stopped, and the rest of the script never happens', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 60_000, status: 'Succeed' },
      ],
      { once: true },
    );
    const id = await createJob('to-stop');
    const res = await pai.call('StopTrainingJob', 'PUT', `${JOBS}/${id}/stop`);
    expect(res.statusCode).toBe(200);
    expect(typeof res.body['RequestId']).toBe('string');
    expect(await get(id)).toMatchObject({ Status: 'Stopping', Instances: [{ Status: 'Stopping' }] });
    clock.advance(500);
    expect(await get(id)).toMatchObject({ Status: 'Stopped', Instances: [{ Status: 'Stopped' }] });
    clock.advance(60_000);
    expect((await get(id))['Status']).toBe('Stopped');
    // Stopping a finished job changes nothing and is not an error.
    await pai.call('StopTrainingJob', 'PUT', `${JOBS}/${id}/stop`);
    expect((await get(id))['Status']).toBe('Stopped');
  });

  it('lets tests push statuses, instances and lines through the JS API', async () => {
    emu.jobs.script([], { once: true });
    const id = await createJob('pushed');
    emu.jobs.push(id, { status: 'Running', instances: [{ name: 'master-0', role: 'master' }] });
    emu.jobs.log(id, 'master-0', 'no newline', 'with newline\n');
    clock.advance(5);
    emu.jobs.setStatus(id, 'Failed', { code: 'JobFailed', message: 'boom' });
    expect(await logs(id)).toMatchObject({ Logs: ['no newline', 'with newline\n'] });
    expect(await get(id)).toMatchObject({ Status: 'Failed', ReasonMessage: 'boom', Instances: [{ Name: `${id}-master-0`, Status: 'Failed' }] });
    expect(emu.jobs.byName('pushed')[0]?.id).toBe(id);
  });

  it('lists jobs filtered by name (substring), status and workspace, paged, newest first', async () => {
    emu.jobs.clear();
    emu.jobs.script([{ at: 0, status: 'Running' }], { name: /^list-/ });
    for (const n of ['list-a', 'list-b', 'list-c']) {
      await createJob(n);
      clock.advance(1000);
    }
    emu.jobs.script([], { name: 'other' });
    await createJob('other');
    const list = async (query: Record<string, string>) => (await pai.call('ListTrainingJobs', 'GET', JOBS, { query })).body;

    const byName = await list({ TrainingJobName: 'list-', WorkspaceId: emu.workspaceId, PageSize: '2' });
    expect(byName['TotalCount']).toBe(3);
    expect((byName['TrainingJobs'] as Array<Record<string, unknown>>).map((j) => j['TrainingJobName'])).toEqual(['list-c', 'list-b']);
    const page2 = await list({ TrainingJobName: 'list-', PageSize: '2', PageNumber: '2' });
    expect((page2['TrainingJobs'] as Array<Record<string, unknown>>).map((j) => j['TrainingJobName'])).toEqual(['list-a']);
    expect((await list({ TrainingJobName: 'list-b' }))['TotalCount']).toBe(1);
    expect((await list({ Status: 'Creating' }))['TotalCount']).toBe(1);
    expect((await list({ WorkspaceId: 'elsewhere' }))['TotalCount']).toBe(0);
    const asc = await list({ SortBy: 'GmtCreateTime', Order: 'asc' });
    expect((asc['TrainingJobs'] as Array<Record<string, unknown>>)[0]).toMatchObject({ TrainingJobName: 'list-a', Status: 'Running' });
  });
});

describe('job lifecycle (real time, default script)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => emu.close());

  it('runs an unscripted job from Creating to Succeed (its default script), with logs', async () => {
    const pai = paiClient(emu);
    const id = String((await pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, 'default') })).body['TrainingJobId']);
    const seen: string[] = [];
    const started = Date.now();
    for (;;) {
      const status = String((await pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`)).body['Status']);
      if (seen[seen.length - 1] !== status) seen.push(status);
      // A bound on the wait, not on the time the job takes (its default script plays ~0.9 s; a loaded machine may fire
      // its timers late): a job that never ends fails the status check below rather than the test's timeout.
      if (status === 'Succeed' || Date.now() - started > 15_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen[seen.length - 1]).toBe('Succeed');
    // What the polls saw depends on timing; the transitions do not.
    expect(emu.jobs.must(id).transitions.map((t) => t.status)).toEqual(['Creating', 'Queuing', 'Running', 'Succeed']);
    const res = await pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`, { query: { PageSize: '100' } });
    expect(res.body['TotalCount']).toBe('5');
    expect((res.body['Logs'] as string[])[0]).toBe('Starting the job\n');
  });

  it('ends a stopped job as Terminated when so configured', async () => {
    const emu2 = await startEmulator({ stopFinalStatus: 'Terminated', stopDelayMs: 0 });
    try {
      const pai = paiClient(emu2);
      const id = String((await pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu2, 'term') })).body['TrainingJobId']);
      await pai.call('StopTrainingJob', 'PUT', `${JOBS}/${id}/stop`);
      expect((await pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`)).body['Status']).toBe('Terminated');
    } finally {
      await emu2.close();
    }
  });
});

describe('job lifecycle: behaviours off by default (manual clock)', () => {
  let emu: Emulator;
  let plain: Emulator;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(T0);
    emu = await startEmulator({ clock, emptyInstancesAfterEnd: true, reserving: true, logTotalCountAhead: 2 });
    plain = await startEmulator({ clock });
  });
  afterAll(async () => {
    await emu.close();
    await plain.close();
  });

  async function run(target: Emulator, name: string, steps: Parameters<Emulator['jobs']['script']>[0], extra: Record<string, unknown> = {}) {
    const pai = paiClient(target);
    target.jobs.script(steps, { once: true });
    const id = String((await pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(target, name, extra) })).body['TrainingJobId']);
    return {
      id,
      get: async () => (await pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`)).body,
      logs: async (query: Record<string, string> = {}) => (await pai.call('ListTrainingJobLogs', 'GET', `${JOBS}/${id}/logs`, { query })).body,
      stop: async () => pai.call('StopTrainingJob', 'PUT', `${JOBS}/${id}/stop`),
    };
  }
  const ending: Parameters<Emulator['jobs']['script']>[0] = [
    { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'], logs: { 'worker-0': ['a\n'], 'worker-1': ['b\n'] } },
    { at: 1_000, status: 'Succeed' },
  ];

  it('emptyInstancesAfterEnd: Instances is [] once the job ended, and its logs are still served', async () => {
    const job = await run(emu, 'gone', ending);
    expect(((await job.get())['Instances'] as unknown[]).length).toBe(2);
    clock.advance(1_000);
    expect((await job.get())['Instances']).toEqual([]);
    expect((await job.logs({ PageSize: '100' }))['Logs']).toEqual(['a\n', 'b\n']);
    expect((await job.logs({ PageSize: '100', InstanceId: `${job.id}-worker-1` }))['Logs']).toEqual(['b\n']);
    const other = await run(plain, 'kept', ending);
    clock.advance(1_000);
    expect(((await other.get())['Instances'] as unknown[]).length).toBe(2);
  });

  it('logTotalCountAhead: TotalCount says more lines than are served', async () => {
    const job = await run(emu, 'ahead', ending);
    const page = await job.logs({ PageSize: '100' });
    expect(page).toMatchObject({ TotalCount: '4', Logs: ['a\n', 'b\n'] });
    const other = await run(plain, 'exact', ending);
    expect(await other.logs({ PageSize: '100' })).toMatchObject({ TotalCount: '2' });
  });

  it('reserving: Settings.JobReservedMinutes holds SucceededReserving / FailedReserving that long, then the terminal status', async () => {
    const ok = await run(emu, 'reserve-ok', ending, { Settings: { JobReservedMinutes: 2 } });
    const failed = await run(
      emu,
      'reserve-fail',
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 1_000, status: 'Failed', reasonCode: 'Boom' },
      ],
      { Settings: { JobReservedMinutes: 2 } },
    );
    const unreserved = await run(emu, 'no-reserve', ending);
    const stopped = await run(emu, 'reserve-stop', ending, { Settings: { JobReservedMinutes: 2 } });
    clock.advance(1_000);
    expect((await ok.get())['Status']).toBe('SucceededReserving');
    expect(await failed.get()).toMatchObject({ Status: 'FailedReserving', ReasonCode: 'Boom' });
    expect((await unreserved.get())['Status']).toBe('Succeed');
    expect((await stopped.get())['Status']).toBe('SucceededReserving');
    await stopped.stop();
    expect((await stopped.get())['Status']).toBe('Succeed');
    clock.advance(2 * 60_000);
    expect((await ok.get())['Status']).toBe('Succeed');
    expect((await failed.get())['Status']).toBe('Failed');
    const plainJob = await run(plain, 'plain-reserve', ending, { Settings: { JobReservedMinutes: 2 } });
    clock.advance(1_000);
    expect((await plainJob.get())['Status']).toBe('Succeed');
  });

  it('logIgnorePageNumber and logOverServe play a broken server', async () => {
    const broken = await startEmulator({ clock, logIgnorePageNumber: true, logOverServe: 1 });
    try {
      const lines = Array.from({ length: 12 }, (_, i) => `${i}\n`);
      const job = await run(broken, 'broken', [{ at: 0, status: 'Running', instances: ['worker-0'], logs: lines }]);
      expect((await job.logs({ PageNumber: '1', PageSize: '5' }))['Logs']).toEqual(lines.slice(0, 6));
      expect((await job.logs({ PageNumber: '2', PageSize: '5' }))['Logs']).toEqual(lines.slice(0, 6));
    } finally {
      await broken.close();
    }
  });
});
