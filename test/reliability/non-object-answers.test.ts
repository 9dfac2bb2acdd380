// A PAI answer that is JSON but not an object at all (`[]`, `"x"`, `null`, a number): the client library refuses
// it before we see it ("The value is not a object"). Each command must still end with exit 5 and the
// "unexpected answer from PAI (<action>, ...)" message, never "failed: Unknown", a stack trace or a second create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const cli = (args: string[], cwd?: string) => runCli(args, { env: emu.env(), ...(cwd ? { cwd } : {}), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });

const BODIES = { 'an array': '[]', 'a string': '"x"', null: 'null', 'a number': '5' };

function runningJob(name: string) {
  return emu.jobs.create(
    { TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
    { script: [{ at: 0, status: 'Running', instances: ['worker-0'], logs: ['hello\n'] }] },
  );
}

function expectUnexpected(r: { code: number; stdout: string; stderr: string }, action: string) {
  expect(r.code, r.stderr).toBe(5);
  expect(r.stderr).toContain(`unexpected answer from PAI (${action}, no request id): the answer is not a JSON object`);
  expect(r.stderr).not.toMatch(/Unknown|not a object|\n\s+at /);
}

describe('GetTrainingJob answered 200 with JSON that is not an object', () => {
  for (const [label, body] of Object.entries(BODIES)) {
    it(`${label} (${body}): exit 5, "unexpected answer from PAI", not retried`, async () => {
      const job = runningJob(`nonobject-${label.replace(/ /g, '-')}`);
      const f = emu.faults.add({ action: 'GetTrainingJob', kind: 'body', body, times: Infinity });
      const before = emu.faults.calls('GetTrainingJob');
      const r = await cli(['status', job.id]);
      emu.faults.remove(f);
      expectUnexpected(r, 'GetTrainingJob');
      // The same call answers the same way: asked once.
      expect(emu.faults.calls('GetTrainingJob') - before).toBe(1);
    });
  }
});

describe('other calls', () => {
  it('ListTrainingJobLogs answered []: exit 5 naming it', async () => {
    const job = runningJob('nonobject-logs');
    const f = emu.faults.add({ action: 'ListTrainingJobLogs', kind: 'body', body: '[]', times: Infinity });
    const r = await cli(['logs', job.id]);
    emu.faults.remove(f);
    expectUnexpected(r, 'ListTrainingJobLogs');
  });

  it('CreateTrainingJob answered null: exit 5, the hint to look for the job, never a second create', async () => {
    const dir = project({
      'job.yaml': 'image_uri: x\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\nbase_job_name: nonobjcreate\n',
      'main.py': 'print(1)\n',
    });
    const f = emu.faults.add({ action: 'CreateTrainingJob', kind: 'body', body: 'null', times: Infinity });
    const before = emu.faults.calls('CreateTrainingJob');
    const r = await cli(['run', '-f', 'job.yaml', '--detach'], dir);
    emu.faults.remove(f);
    expectUnexpected(r, 'CreateTrainingJob');
    expect(r.stderr).toContain('pai-process list');
    expect(emu.faults.calls('CreateTrainingJob') - before).toBe(1);
  });
});
