import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultSpec } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli, type CliResult } from '../helpers/run-cli.js';

/**
 * Every call the tool makes × every way a call fails: once (the run must still complete, every log line once,
 * one job) and for good (the run must end with the documented exit code and a message naming the call, soon).
 */

const READ_TIMEOUT_MS = 300;
const TUNING = {
  cadence: FAST_CADENCE,
  retry: { ...FAST_RETRY, maxAttempts: 3 },
  lostCreateGraceMs: 1000,
  timeouts: { readMs: READ_TIMEOUT_MS, ossMs: READ_TIMEOUT_MS, multipartThreshold: 300 * 1024, partSize: 100 * 1024, ossRetries: 1 },
};

type Fault = Omit<FaultSpec, 'action'>;
const FAULTS: Record<string, Fault> = {
  '500': { kind: 'status', status: 500, code: 'InternalError' },
  '503': { kind: 'status', status: 503, code: 'ServiceUnavailable' },
  'Throttling.User': { kind: 'status', status: 400, code: 'Throttling.User' },
  reset: { kind: 'drop' },
  'slow answer': { kind: 'delay', delayMs: READ_TIMEOUT_MS * 2 },
};

/** The calls, the command that makes them, and the words that name each in a message. */
const CALLS: { action: string; command: 'run' | 'run-big' | 'stop' | 'list'; names: RegExp }[] = [
  { action: 'HeadObject', command: 'run', names: /HeadObject/ },
  { action: 'PutObject', command: 'run', names: /PutObject/ },
  { action: 'InitiateMultipartUpload', command: 'run-big', names: /Upload of oss:\/\// },
  { action: 'UploadPart', command: 'run-big', names: /Upload of oss:\/\// },
  { action: 'CompleteMultipartUpload', command: 'run-big', names: /Upload of oss:\/\// },
  { action: 'CreateTrainingJob', command: 'run', names: /CreateTrainingJob/ },
  { action: 'GetTrainingJob', command: 'run', names: /GetTrainingJob/ },
  { action: 'ListTrainingJobLogs', command: 'run', names: /ListTrainingJobLogs/ },
  { action: 'StopTrainingJob', command: 'stop', names: /StopTrainingJob/ },
  { action: 'ListTrainingJobs', command: 'list', names: /ListTrainingJobs/ },
];

const LINES = Array.from({ length: 9 }, (_, i) => `line ${i}\n`);
let emu: Emulator;
let counter = 0;

beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 4, stopDelayMs: 20 });
  emu.jobs.setDefaultScript([
    { at: 0, status: 'Creating' },
    { at: 30, status: 'Running', instances: ['worker-0'] },
    { at: 40, logs: LINES.slice(0, 5) },
    { at: 120, logs: LINES.slice(5) },
    { at: 200, status: 'Succeed' },
  ]);
});
afterAll(async () => emu?.close());

/** Runs the command a call belongs to, with fresh code so the upload really happens. */
async function exercise(command: (typeof CALLS)[number]['command']): Promise<{ result: CliResult; name: string }> {
  const name = `m${++counter}`;
  const env = emu.env();
  if (command === 'stop') {
    const job = emu.jobs.create(
      { TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
      { script: [{ at: 0, status: 'Running' }] },
    );
    return { result: await runCli(['stop', job.id, '--yes'], { env, context: TUNING }), name };
  }
  if (command === 'list') return { result: await runCli(['list', '--limit', '5'], { env, context: TUNING }), name };
  const dir = project({
    'job.yaml': `image_uri: x\ncommand: x\ninstance_type: ecs.c6.large\nsource_dir: code\nbase_job_name: ${name}\n`,
    'code/main.py': `# ${name}\n`,
  });
  if (command === 'run-big') writeFileSync(join(dir, 'code', 'weights.bin'), randomBytes(350 * 1024));
  return { result: await runCli(['run', '-f', 'job.yaml'], { cwd: dir, env, context: TUNING }), name };
}

const jobsNamed = (name: string) => emu.jobs.all().filter((j) => j.name.startsWith(`${name}_`) || j.name === name);

describe('one failure: the run completes', () => {
  for (const call of CALLS) {
    for (const [label, fault] of Object.entries(FAULTS)) {
      it(`${call.action} × ${label}`, async () => {
        const f = emu.faults.add({ action: call.action, ...fault });
        const { result, name } = await exercise(call.command);
        emu.faults.remove(f);
        expect(f.hits, 'the fault was hit').toBe(1);
        expect(result.code, result.stderr).toBe(0);
        if (call.command === 'run' || call.command === 'run-big') {
          expect(result.stdout).toBe(LINES.join(''));
          expect(jobsNamed(name)).toHaveLength(1);
        }
      });
    }
  }
});

describe('a failure that lasts: the documented exit code, the call named, in bounded time', () => {
  for (const call of CALLS) {
    for (const [label, fault] of Object.entries(FAULTS)) {
      it(`${call.action} × ${label}`, async () => {
        // Throttling and 5xx are retried then given up (exit 5); so are resets and timeouts.
        const f = emu.faults.add({ action: call.action, times: Infinity, ...fault });
        const { result, name } = await exercise(call.command);
        emu.faults.remove(f);
        // Bounded by attempts, not by the clock (a wall-clock limit flakes on a loaded machine): each call gives
        // up after maxAttempts; ali-oss repeats a reset once itself (×2), and the multipart upload's 4 parts
        // each fail on their own (×4). A policy that never gave up would hit the fault until the test timeout.
        expect(f.hits).toBeGreaterThan(0);
        expect(f.hits).toBeLessThanOrEqual(4 * TUNING.retry.maxAttempts);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        if (call.action === 'CreateTrainingJob') expect(jobsNamed(name).length).toBeLessThanOrEqual(1);
        if (label === 'slow answer' && result.code === 0) {
          // Each answer came too late, but the service did the work: a create found by its label, a stop
          // whose job did stop. Success is the right outcome.
          expect(['CreateTrainingJob', 'StopTrainingJob']).toContain(call.action);
          if (call.action === 'CreateTrainingJob') expect(jobsNamed(name)).toHaveLength(1);
          return;
        }
        expect(result.code, result.stderr).toBe(5);
        expect(result.stderr).toMatch(call.names);
      });
    }
  }
});
