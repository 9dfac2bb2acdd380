// The CLI against PAI answers of the wrong shape (issue 14): the emulator's `html` fault answers 200 with a JSON
// body of our choosing, so each command meets a field of the wrong type exactly where the real client parses it.
// Each must end with exit 5 and "unexpected answer from PAI (<action>, request id <id>): <field> ...", never a
// JavaScript message (exit 70), a stack trace or `[object Object]`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const cli = (args: string[], env: Record<string, string | undefined> = {}, cwd?: string) =>
  runCli(args, { env: { ...emu.env(), ...env }, ...(cwd ? { cwd } : {}), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });

/** The next call of `action` answers 200 with this JSON body. */
function answer(action: string, body: Record<string, unknown>) {
  return emu.faults.add({ action, kind: 'html', status: 200, contentType: 'application/json;charset=utf-8', body: JSON.stringify(body) });
}

function runningJob(name: string) {
  return emu.jobs.create(
    { TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
    { script: [{ at: 0, status: 'Running', instances: ['worker-0'], logs: ['hello\n'] }] },
  );
}

function expectRefused(r: { code: number; stdout: string; stderr: string }, action: string, requestId: string, field: string) {
  expect(r.code, r.stderr).toBe(5);
  expect(r.stderr).toContain(`unexpected answer from PAI (${action}, request id ${requestId}): ${field}`);
  expect(r.stderr).not.toMatch(/TypeError|is not a function|Cannot read|Internal error|\n\s+at /);
  expect(r.stdout + r.stderr).not.toContain('[object Object]');
}

describe('status', () => {
  it('a Status that is a number: exit 5 naming GetTrainingJob, its request id and the field', async () => {
    const job = runningJob('bad-status');
    answer('GetTrainingJob', { RequestId: 'REQ-STATUS-1', TrainingJobId: job.id, TrainingJobName: 'bad-status', Status: 5 });
    expectRefused(await cli(['status', job.id]), 'GetTrainingJob', 'REQ-STATUS-1', 'Status is the number 5, not a string');
  });

  it('an instance Name that is an object: exit 5, not a JavaScript error', async () => {
    const job = runningJob('bad-instance');
    answer('GetTrainingJob', { RequestId: 'REQ-INST-1', TrainingJobId: job.id, TrainingJobName: 'bad-instance', Status: 'Running', Instances: [{ Name: {} }] });
    expectRefused(await cli(['status', job.id]), 'GetTrainingJob', 'REQ-INST-1', 'Instances[0].Name is an object, not a string');
  });

  it('absent optional fields are fine: a job with only an id and a status is shown', async () => {
    const job = runningJob('sparse');
    const fault = answer('GetTrainingJob', { RequestId: 'REQ-SPARSE', TrainingJobId: job.id, Status: 'Running' });
    const r = await cli(['status', job.id, '--json']);
    expect(fault.hits).toBe(1);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: job.id, status: 'Running' });
  });

  it('a request id with terminal controls in it is not shown', async () => {
    const job = runningJob('bad-reqid');
    answer('GetTrainingJob', { RequestId: '\u001b]52;c;aGk=\u0007', TrainingJobId: job.id, Status: [] });
    const r = await cli(['status', job.id]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('unexpected answer from PAI (GetTrainingJob, no request id): Status is an array, not a string');
    expect(r.stderr).not.toContain('\u001b]52');
  });
});

describe('logs', () => {
  it('Logs that is a string: exit 5 naming ListTrainingJobLogs', async () => {
    const job = runningJob('logs-string');
    answer('ListTrainingJobLogs', { RequestId: 'REQ-LOGS-1', Logs: 'text', TotalCount: '1' });
    expectRefused(await cli(['logs', job.id]), 'ListTrainingJobLogs', 'REQ-LOGS-1', 'Logs is a string, not an array');
  });

  it('a log entry that is an object is refused, never printed as [object Object]', async () => {
    const job = runningJob('logs-object');
    answer('ListTrainingJobLogs', { RequestId: 'REQ-LOGS-2', Logs: [{ a: 1 }], TotalCount: '1' });
    expectRefused(await cli(['logs', job.id]), 'ListTrainingJobLogs', 'REQ-LOGS-2', 'Logs[0] is an object, not a string');
  });

  it('a TotalCount that is not a number: exit 5', async () => {
    const job = runningJob('logs-total');
    answer('ListTrainingJobLogs', { RequestId: 'REQ-LOGS-3', Logs: ['hello\n'], TotalCount: 'x' });
    expectRefused(await cli(['logs', job.id]), 'ListTrainingJobLogs', 'REQ-LOGS-3', 'TotalCount is a string that is not a whole number');
  });
});

describe('list', () => {
  it('TrainingJobs that is an object: exit 5 naming ListTrainingJobs', async () => {
    answer('ListTrainingJobs', { RequestId: 'REQ-LIST-1', TrainingJobs: {}, TotalCount: 0 });
    expectRefused(await cli(['list']), 'ListTrainingJobs', 'REQ-LIST-1', 'TrainingJobs is an object, not an array');
  });

  it('a TotalCount that is not a number: exit 5', async () => {
    answer('ListTrainingJobs', { RequestId: 'REQ-LIST-2', TrainingJobs: [], TotalCount: 'x' });
    expectRefused(await cli(['list']), 'ListTrainingJobs', 'REQ-LIST-2', 'TotalCount is a string that is not a whole number');
  });

  it('an item of the wrong shape names its place in the list', async () => {
    answer('ListTrainingJobs', {
      RequestId: 'REQ-LIST-3',
      TrainingJobs: [
        { TrainingJobId: 'train-a', Status: 'Running' },
        { TrainingJobId: 'train-b', TrainingJobName: ['x'] },
      ],
      TotalCount: 2,
    });
    expectRefused(await cli(['list']), 'ListTrainingJobs', 'REQ-LIST-3', 'TrainingJobs[1].TrainingJobName is an array, not a string');
  });

  it('a numeric-string TotalCount and absent fields are read as they are', async () => {
    const fault = answer('ListTrainingJobs', {
      RequestId: 'REQ-LIST-4',
      TrainingJobs: [{ TrainingJobId: 'train-c', TrainingJobName: 'c', Status: 'Running' }],
      TotalCount: '1',
    });
    const r = await cli(['list', '--json']);
    expect(fault.hits).toBe(1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('train-c');
  });
});

describe('run', () => {
  const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';

  it('ListConfigs with Configs of the wrong type: exit 5 before anything is created', async () => {
    answer('ListConfigs', { RequestId: 'REQ-CFG-1', Configs: 'modelExportPath' });
    const dir = project({ 'job.yaml': JOB, 'main.py': 'print(1)\n' });
    const before = emu.jobs.all().length;
    expectRefused(
      await cli(['run', '-f', 'job.yaml', '--name', 'cfg-bad'], { PAI_OSS_BUCKET_NAME: undefined }, dir),
      'ListConfigs',
      'REQ-CFG-1',
      'Configs is a string, not an array',
    );
    expect(emu.jobs.all().length).toBe(before);
  });

  it('a create answered with a TrainingJobId that is not a string: exit 5, sent once, and the hint says to look with list', async () => {
    answer('CreateTrainingJob', { RequestId: 'REQ-CREATE-1', TrainingJobId: 42 });
    const dir = project({ 'job.yaml': JOB, 'main.py': 'print(1)\n' });
    const from = emu.journal.all().at(-1)?.seq ?? 0;
    const r = await cli(['run', '-f', 'job.yaml', '--name', 'create-bad'], {}, dir);
    expectRefused(r, 'CreateTrainingJob', 'REQ-CREATE-1', 'TrainingJobId is the number 42, not a string');
    expect(r.stderr).toContain('pai-process list');
    expect(emu.journal.all().filter((e) => e.seq > from && e.action === 'CreateTrainingJob')).toHaveLength(1);
  });
});
