// The CLI against the emulator's service behaviours that a user must be able to act on: the AIWorkspace
// endpoint apart from PaiStudio's, a bucket in another region, not-found / refused / clock-skew answers, the
// not-found right after a create, and `list` with the service's 7-day window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';
const QUICK = [
  { at: 0, status: 'Running', instances: ['worker-0'], logs: ['hi\n'] },
  { at: 50, status: 'Succeed' },
];

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ bucketRegions: { 'sh-bucket': 'cn-shanghai' } });
});
afterAll(async () => emu?.close());

function run(name: string, env: Record<string, string | undefined> = {}) {
  const dir = project({ 'job.yaml': JOB, 'main.py': 'print(1)\n' });
  return runCli(['run', '-f', 'job.yaml', '--name', name], { cwd: dir, env: { ...emu.env(), ...env }, context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
}
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(args, { env: { ...emu.env(), ...env }, context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
const created = (name: string) => emu.jobs.all().filter((j) => j.name.startsWith(`${name}_`));
const calls = (action: string, since: number) => emu.journal.all().filter((e) => e.seq > since && e.action === action);
const lastSeq = () => emu.journal.all().at(-1)?.seq ?? 0;

describe('endpoints', () => {
  it('asks AIWorkspace for the default bucket at PAI_WORKSPACE_ENDPOINT, and the run goes through', async () => {
    emu.jobs.script(QUICK, { name: /^wsok_/ });
    const from = lastSeq();
    const r = await run('wsok', { PAI_OSS_BUCKET_NAME: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(calls('ListConfigs', from).map((e) => e.status)).toEqual([200]);
    expect(created('wsok')).toHaveLength(1);
  });

  it('fails, creating nothing, when the workspace endpoint is the PaiStudio host (which does not serve ListConfigs)', async () => {
    const r = await run('wswrong', { PAI_OSS_BUCKET_NAME: undefined, PAI_WORKSPACE_ENDPOINT: emu.paiEndpoint });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('InvalidAction.NotFound');
    expect(r.stderr).toContain('PAI_WORKSPACE_ENDPOINT');
    expect(created('wswrong')).toHaveLength(0);
  });

  it('config show names the workspace endpoint and where it came from; PAI_ENDPOINT does not route it', async () => {
    const r = await cli(['config', 'show', '--json']);
    const shown = JSON.parse(r.stdout) as Record<string, { value: string; origin: string }>;
    expect(shown['workspace_endpoint']).toEqual({ value: emu.workspaceEndpoint, origin: 'env PAI_WORKSPACE_ENDPOINT' });
    const derived = JSON.parse((await cli(['config', 'show', '--json'], { PAI_WORKSPACE_ENDPOINT: undefined })).stdout) as Record<
      string,
      { value: string; origin: string }
    >;
    expect(derived['workspace_endpoint']).toEqual({ value: 'https://aiworkspace.cn-hangzhou.aliyuncs.com', origin: 'derived from region cn-hangzhou' });
    const flag = JSON.parse((await cli(['config', 'show', '--json', '--workspace-endpoint', 'http://127.0.0.1:1'])).stdout) as Record<
      string,
      { value: string; origin: string }
    >;
    expect(flag['workspace_endpoint']).toEqual({ value: 'http://127.0.0.1:1', origin: '--workspace-endpoint' });
  });
});

describe('a bucket in another region', () => {
  it('ends with exit 2 naming both regions, before any upload or create', async () => {
    const from = lastSeq();
    const r = await run('shreg', { PAI_OSS_BUCKET_NAME: 'sh-bucket' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Bucket sh-bucket is in region cn-shanghai, but the job runs in cn-hangzhou');
    expect(r.stderr).toContain('--region cn-shanghai');
    expect(calls('GetBucketInfo', from)).toHaveLength(1);
    expect(calls('PutObject', from)).toHaveLength(0);
    expect(calls('CreateTrainingJob', from)).toHaveLength(0);
  });

  it('says the same from the first object call when GetBucketInfo is not allowed', async () => {
    const fault = emu.faults.add({
      action: 'GetBucketInfo',
      kind: 'status',
      status: 403,
      code: 'AccessDenied',
      message: 'You have no right to access this bucket.',
    });
    const from = lastSeq();
    const r = await run('shdenied', { PAI_OSS_BUCKET_NAME: 'sh-bucket' });
    emu.faults.remove(fault);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('Bucket sh-bucket is in region cn-shanghai, but the job runs in cn-hangzhou');
    expect(calls('HeadObject', from).map((e) => e.status)).toEqual([403]);
    expect(calls('PutObject', from)).toHaveLength(0);
    expect(calls('CreateTrainingJob', from)).toHaveLength(0);
  });

  it('a bucket that does not exist: exit 2 naming it', async () => {
    const from = lastSeq();
    const r = await run('nobucket', { PAI_OSS_BUCKET_NAME: 'no-such-bucket' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Bucket no-such-bucket does not exist');
    expect(r.stderr).toContain('config show');
    expect(calls('CreateTrainingJob', from)).toHaveLength(0);
  });
});

describe('not found', () => {
  it('a job id that does not exist: status, logs and stop exit 2 naming it and how to find the right one', async () => {
    for (const args of [
      ['status', 'train-nope'],
      ['logs', 'train-nope'],
      ['stop', 'train-nope', '--yes'],
    ]) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('No training job train-nope in region cn-hangzhou');
      expect(r.stderr).toContain('pai-process list');
      expect(r.stderr).not.toMatch(/unreachable|could not reach/);
    }
  });

  it('a workspace that does not exist: exit 2 naming it, from ListConfigs and from CreateTrainingJob', async () => {
    const noBucket = await run('nows1', { PAI_WORKSPACE_ID: '999', PAI_OSS_BUCKET_NAME: undefined });
    expect(noBucket.code, noBucket.stderr).toBe(2);
    expect(noBucket.stderr).toContain('No PAI workspace 999 in region cn-hangzhou (ListConfigs answered WorkspaceNotFound)');
    const withBucket = await run('nows2', { PAI_WORKSPACE_ID: '999' });
    expect(withBucket.code, withBucket.stderr).toBe(2);
    expect(withBucket.stderr).toContain('No PAI workspace 999 in region cn-hangzhou (CreateTrainingJob answered InvalidParameter)');
    expect(withBucket.stderr).toContain('PAI console');
  });

  it('the new job answering not-found right after its create is waited through and followed normally', async () => {
    emu.jobs.script(QUICK, { name: /^lagging_/ });
    const fault = emu.faults.add({
      action: 'GetTrainingJob',
      times: 2,
      kind: 'status',
      status: 404,
      code: 'TRAINING_JOB_NOT_EXIST',
      message: 'Training job does not exist.',
    });
    const r = await run('lagging');
    emu.faults.remove(fault);
    expect(fault.hits).toBe(2);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hi\n');
    expect(created('lagging')).toHaveLength(1);
  });
});

describe('refused and skewed', () => {
  it('Forbidden.RAM and NoPermission: exit 4 naming the refused call', async () => {
    for (const code of ['Forbidden.RAM', 'NoPermission', 'Forbidden']) {
      const fault = emu.faults.add({
        action: 'ListTrainingJobs',
        kind: 'status',
        status: 403,
        code,
        message: 'User not authorized to operate on the specified resource.',
      });
      const r = await cli(['list']);
      emu.faults.remove(fault);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(`ListTrainingJobs was refused: ${code}`);
      expect(r.stderr).toContain('permission for ListTrainingJobs');
    }
  });

  it('a clock 40 minutes off: PAI and OSS refusals say so and by how much', async () => {
    emu.serverTimeOffsetMs = 40 * 60_000;
    try {
      const pai = await cli(['status', 'train-any']);
      expect(pai.code, pai.stderr).toBe(4);
      expect(pai.stderr).toContain("this machine's clock is about 40 minutes behind PAI's");
      // A run meets OSS first (the bucket's region): OSS says both times.
      const from = lastSeq();
      const oss = await run('skewed');
      expect(oss.code, oss.stderr).toBe(4);
      expect(oss.stderr).toContain('GetBucketInfo oss://pai-emulator-bucket was refused');
      expect(calls('HeadObject', from)).toHaveLength(0);
      expect(oss.stderr).toMatch(/this machine's clock is about 40 minutes behind OSS's/);
      expect(oss.stderr).toContain('RequestTimeTooSkewed');
    } finally {
      emu.serverTimeOffsetMs = 0;
    }
  });
});

describe('list', () => {
  const DAY = 24 * 60 * 60 * 1000;
  let listEmu: Emulator;
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 12));
  beforeAll(async () => {
    listEmu = await startEmulator({ clock });
    const make = (name: string, steps: Parameters<Emulator['jobs']['script']>[0]) =>
      listEmu.jobs.create({ TrainingJobName: name, WorkspaceId: listEmu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } }, { script: steps });
    make('old_job', [{ at: 0, status: 'Succeed' }]);
    clock.advance(10 * DAY);
    make('train_a', [
      { at: 0, status: 'Running' },
      { at: 95_000, status: 'Succeed' },
    ]);
    clock.advance(1000);
    make('train_a_2', [{ at: 0, status: 'Running' }]);
    clock.advance(5 * 60_000);
  });
  afterAll(async () => listEmu?.close());
  const list = (args: string[]) => runCli(['list', ...args], { env: listEmu.env(), now: new Date(clock.now()) });
  const names = (stdout: string) => (JSON.parse(stdout) as { name: string }[]).map((j) => j.name);

  it('lists the last 7 days by default, sending StartTime and Order=DESC; --since looks further back', async () => {
    const recent = await list(['--json']);
    expect(recent.code, recent.stderr).toBe(0);
    expect(names(recent.stdout)).toEqual(['train_a_2', 'train_a']);
    const query = listEmu.journal.filter('ListTrainingJobs').at(-1)?.query;
    expect(query).toMatchObject({ Order: 'DESC', StartTime: new Date(clock.now() - 7 * DAY).toISOString().replace(/\.\d+Z$/, 'Z') });
    expect(names((await list(['--json', '--since', '30d'])).stdout)).toEqual(['train_a_2', 'train_a', 'old_job']);
    expect(names((await list(['--json', '--since', '2026-11-01'])).stdout)).toEqual(['train_a_2', 'train_a', 'old_job']);
    expect(listEmu.journal.filter('ListTrainingJobs').at(-1)?.query['StartTime']).toBe('2026-11-01T00:00:00Z');
  });

  it('says so when nothing is listed, and how to look further back', async () => {
    const r = await list(['--since', '1m']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^No jobs in workspace \d+ since 2026-11-30T\d\d:\d\d:\d\dZ \(use --since to look further back, e\.g\. --since 30d; --workspace or PAI_WORKSPACE_ID for another workspace\)/,
    );
  });

  it('--status is checked: case fixed, a typo gets exit 2 and a guess', async () => {
    const ok = await list(['--json', '--status', 'running']);
    expect(names(ok.stdout)).toEqual(['train_a_2']);
    expect(listEmu.journal.filter('ListTrainingJobs').at(-1)?.query['Status']).toBe('Running');
    const before = listEmu.journal.filter('ListTrainingJobs').length;
    const typo = await list(['--status', 'Runing']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--status "Runing" is not a job status; did you mean "Running"?');
    expect(listEmu.journal.filter('ListTrainingJobs')).toHaveLength(before);
    expect((await list(['--since', 'yesterday'])).code).toBe(2);
  });

  it('--name is the exact name, though the service matches more', async () => {
    const r = await list(['--json', '--name', 'train_a']);
    expect(names(r.stdout)).toEqual(['train_a']);
    expect(listEmu.journal.filter('ListTrainingJobs').at(-1)?.query['TrainingJobName']).toBe('train_a');
  });

  it('computes the duration from the times when the answer has none', async () => {
    const r = await list(['--json', '--since', '30d']);
    const jobs = JSON.parse(r.stdout) as { name: string; durationSeconds: number | null }[];
    // train_a ran 95 s; train_a_2 is still running (5 min so far); the table shows the same.
    expect(jobs.find((j) => j.name === 'train_a')?.durationSeconds).toBe(95);
    expect(jobs.find((j) => j.name === 'train_a_2')?.durationSeconds).toBe(300);
    const table = await list([]);
    expect(table.stdout).toMatch(/train_a\s+Succeed\s+\S+\s+1m 35s/);
  });
});
