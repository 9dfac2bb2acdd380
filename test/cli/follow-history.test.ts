import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, runCli } from '../helpers/run-cli.js';

// `logs --follow` and `status --wait` on a job that started long before: its own times, not the time following
// began; and the status it ends in is printed after its last log lines.

const HOUR = 60 * 60 * 1000;
let emu: Emulator;
let clock: ManualClock;
beforeAll(async () => {
  clock = new ManualClock(Date.now() - 2 * HOUR);
  emu = await startEmulator({ clock });
});
afterAll(async () => emu?.close());

/** A job created two hours ago (by the emulator's clock), running since, that ends at the second status read. */
function jobWithHistory(name: string) {
  clock.set(Date.now() - 2 * HOUR);
  const job = emu.jobs.create(
    { TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
    {
      script: [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 60_000, logs: ['one\n'] },
        { atPoll: 2, status: 'Succeed' },
        { atPoll: 2, logs: ['last\n'] },
      ],
    },
  );
  clock.set(Date.now());
  return job;
}

/** Runs the CLI with stdout and stderr captured in one stream, in the order written. */
async function interleaved(args: string[]): Promise<{ code: number; all: string }> {
  let all = '';
  const write = (s: string) => void (all += s);
  const r = await runCli(args, { env: emu.env(), context: { cadence: FAST_CADENCE, stdout: { write, isTTY: false }, stderr: { write, isTTY: false } } });
  return { code: r.code, all };
}

describe('following a job with a history', () => {
  it("logs --follow: the status says since when, the summary gives the job's duration, the final status after the last line", async () => {
    const job = jobWithHistory('history-logs');
    const r = await interleaved(['logs', job.id, '--follow']);
    expect(r.code, r.all).toBe(0);
    expect(r.all).toMatch(/^\d\d:\d\d:\d\d Status: \w+ \(since \d\d:\d\d:\d\d, 2h 00m ago\)\n/);
    expect(r.all).toMatch(/\none\nlast\n\d\d:\d\d:\d\d Status: Running → Succeed \(2h 00m in Running\)\n/);
    expect(r.all).toMatch(/Job \S+ succeeded after 2h 00m\n/);
  });

  it('status --wait: the same times', async () => {
    const job = jobWithHistory('history-status');
    const r = await interleaved(['status', job.id, '--wait']);
    expect(r.code, r.all).toBe(0);
    expect(r.all).toMatch(/^\d\d:\d\d:\d\d Status: \w+ \(since \d\d:\d\d:\d\d, 2h 00m ago\)\n/);
    expect(r.all).toMatch(/Status: Running → Succeed \(2h 00m in Running\)\n✔ Job \S+ succeeded after 2h 00m\n/);
  });
});
