// Log lines that land after the job's final status (docs/following.md): the service's log store lags the
// status, so the last lines, often the traceback that says why the job failed, are served only after the
// status read that says Failed. The emulator's `afterEndLogReads` step plays that: its lines show only once
// GetTrainingJob has answered the final status and one more ListTrainingJobLogs answer came after it, so a
// follower that reads once after the end and not again (src/core/follow/follow.ts, the drain) loses them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { Script } from '../emulator/pai/script.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const TRACEBACK = ['Traceback (most recent call last):\n', '  File "main.py", line 3, in <module>\n', 'ValueError: learning rate must be positive\n'];

const SCRIPT: Script = [
  { at: 0, status: 'Running', instances: ['worker-0'] },
  { at: 20, logs: ['epoch 1 of 3\n'] },
  { at: 150, status: 'Failed', reasonCode: 'TrainingJobFailed', reasonMessage: 'the user command exited with 1' },
  { afterEndLogReads: 1, logs: TRACEBACK },
];

/** The CLI with stdout and stderr captured in one stream, in the order written. */
async function interleaved(args: string[], cwd?: string): Promise<{ code: number; all: string; stdout: string }> {
  let all = '';
  let stdout = '';
  const r = await runCli(args, {
    env: emu.env(),
    ...(cwd ? { cwd } : {}),
    context: {
      cadence: FAST_CADENCE,
      retry: FAST_RETRY,
      stdout: { write: (s: string) => void ((all += s), (stdout += s)), isTTY: false },
      stderr: { write: (s: string) => void (all += s), isTTY: false },
    },
  });
  return { code: r.code, all, stdout };
}

function expectTracebackBeforeSummary(r: { code: number; all: string; stdout: string }): void {
  expect(r.code, r.all).toBe(1);
  // Every line once, in order, the traceback last.
  expect(r.stdout).toBe(['epoch 1 of 3\n', ...TRACEBACK].join(''));
  const last = r.all.indexOf('ValueError: learning rate must be positive\n');
  const summary = r.all.search(/✖ Job \S+ failed \(Failed\) after/);
  expect(last, r.all).toBeGreaterThan(-1);
  expect(summary, r.all).toBeGreaterThan(last);
}

describe('lines that land after the final status', () => {
  it('run: the traceback served after Failed is printed, before the summary', async () => {
    emu.jobs.script(SCRIPT, { name: /^late_/ });
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n' });
    const r = await interleaved(['run', '-f', 'job.yaml', '--name', 'late'], dir);
    expectTracebackBeforeSummary(r);
    // The lines really came late: the emulator held them until after the final status was read.
    const job = emu.jobs.all().find((j) => j.name.startsWith('late_'))!;
    expect(job.logReadsAfterEndSeen).toBeGreaterThanOrEqual(2);
  });

  it('logs --follow: the same', async () => {
    const job = emu.jobs.create(
      { TrainingJobName: 'late-logs', WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
      { script: SCRIPT },
    );
    const r = await interleaved(['logs', job.id, '--follow']);
    expectTracebackBeforeSummary(r);
  });
});
