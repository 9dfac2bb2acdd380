import { describe, expect, it } from 'vitest';
import { followJob } from '../../src/core/follow/follow.js';
import { ApiError, InterruptedError } from '../../src/core/errors.js';
import { job, START, world } from './follow-world.js';

const W0 = 'job1-worker-0';
const W1 = 'job1-worker-1';

describe('followJob: status reads', () => {
  it('a steady job is read at statusMinMs, then backing off by statusBackoff up to statusMaxMs', async () => {
    const w = world({ statuses: [job('Running', [W0])] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, timeoutMs: 40_000 }));
    expect(result.outcome).toBe('timeout');
    expect(w.gets()).toEqual([0, 2_000, 5_000, 9_500, 16_250, 26_250, 36_250]);
    // Nothing but status reads when logs are not shown, and no heartbeat either.
    expect(w.calls.every((c) => c.kind === 'get')).toBe(true);
    expect(w.emitted.map((e) => e.type)).toEqual(['status']);
  });

  it('a status change, or a job without instances, keeps the reads at statusMinMs', async () => {
    const w = world({ statuses: [job('Queuing'), job('Queuing'), job('Queuing'), job('Running', [W0]), job('Running', [W0])] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, timeoutMs: 12_000 }));
    // Queuing without instances: every 2 s; the change to Running: 2 s again; then steady: 3 s.
    expect(w.gets()).toEqual([0, 2_000, 4_000, 6_000, 8_000, 11_000]);
    expect(w.statuses()).toEqual(['->Queuing', 'Queuing>Running']);
  });

  it('the cadence can be tuned', async () => {
    const w = world({ statuses: [job('Running', [W0])] });
    await w.drive(
      followJob('job1', w.deps, w.emit, { showLogs: false, timeoutMs: 10_000, cadence: { statusMinMs: 1_000, statusMaxMs: 3_000, statusBackoff: 2 } }),
    );
    expect(w.gets()).toEqual([0, 1_000, 3_000, 6_000, 9_000]);
  });

  it('stops following at the timeout, to the millisecond, and returns the last status read', async () => {
    const w = world({ statuses: [job('Queuing'), job('Running', [W0])] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, timeoutMs: 3_100 }));
    expect(result).toEqual({ outcome: 'timeout', job: job('Running', [W0]) });
    expect(w.now() - START).toBe(3_100);
    expect(w.gets()).toEqual([0, 2_000]);
  });

  it('a timeout already reached when the first status is read ends the follow after that one read', async () => {
    const w = world({ statuses: [job('Running', [W0])] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 0 }));
    expect(result.outcome).toBe('timeout');
    expect(w.calls).toHaveLength(1);
  });

  it('ends with the job once it reaches a final status (Reserving counts as ended)', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('SucceededReserving', [W0])] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(result).toEqual({ outcome: 'ended', job: job('SucceededReserving', [W0]) });
    expect(w.gets()).toEqual([0, 2_000]);
    expect(w.now() - START).toBe(2_000);
  });

  it('a job already ended is read once and not polled', async () => {
    const w = world({ statuses: [job('Failed', [W0])] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(result.outcome).toBe('ended');
    expect(w.gets()).toEqual([0]);
    expect(w.statuses()).toEqual(['->Failed']);
  });
});

describe('followJob: a slow status read', () => {
  it('is not sent again while under way; the next is due statusInterval after it answered', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Running', [W0]), job('Succeed', [W0])], getDelayMs: 2_500 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(w.gets()).toEqual([0, 4_500, 10_000]);
    expect(w.now() - START).toBe(12_500);
    // While it is under way nothing else is due: the loop waits for it, it does not spin.
    expect(w.sleeps.length).toBeLessThan(10);
  });

  it('its answer wakes the loop even when the sleep does not honour its signal', async () => {
    const w = world({ statuses: [job('Running', [W0])], getDelayMs: 2_500 });
    const deafSleep = (ms: number) => w.deps.sleep(ms);
    await w.drive(followJob('job1', { ...w.deps, sleep: deafSleep }, w.emit, { showLogs: false, timeoutMs: 12_000 }));
    expect(w.gets()).toEqual([0, 4_500, 10_000]);
  });
});

describe('followJob: status events', () => {
  const at = (status: string, startTime?: string) => ({ status, ...(startTime ? { startTime } : {}) });

  it('the first status replays the statuses the job went through before it; later ones those since the previous read', async () => {
    const w = world({
      statuses: [
        job('Queuing', [], { transitions: [at('Creating'), at(''), at('Queuing')] }),
        job('Running', [W0], { transitions: [at('Creating'), at('Queuing'), at('EnvPreparing'), at('Running')] }),
        job('Succeed', [W0], { transitions: [at('Creating'), at('Queuing'), at('EnvPreparing'), at('Running'), at('Succeed')] }),
      ],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(w.statuses()).toEqual(['->Creating', 'Creating>Queuing', 'Queuing>EnvPreparing', 'EnvPreparing>Running', 'Running>Succeed']);
    const last = w.emitted.at(-1);
    expect(last).toMatchObject({ type: 'status', jobId: 'job1', status: 'Succeed', previous: 'Running' });
  });

  it('a previous status missing from the history replays nothing: only the change', async () => {
    const w = world({
      statuses: [job('Queuing'), job('Running', [W0], { transitions: [at('Creating'), at('Running'), at('Failed')] }), job('Failed', [W0])],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(w.statuses()).toEqual(['->Queuing', 'Queuing>Running', 'Running>Failed']);
  });

  it('a status read again unchanged is not reported again', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Running', [W0]), job('Running', [W0]), job('Stopped', [W0])] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(w.statuses()).toEqual(['->Running', 'Running>Stopped']);
  });

  it('a status read still under way when the follow times out prints nothing', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Failed', [W0])], getDelayMs: 1_500 });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, timeoutMs: 4_000 }));
    expect(result.outcome).toBe('timeout');
    await w.flush();
    expect(w.statuses()).toEqual(['->Running']);
  });
});

describe('followJob: log lines', () => {
  it('prints each line without its trailing newline, a multi-line entry as several lines', async () => {
    const w = world({
      statuses: [job('Running', [W0]), job('Succeed', [W0])],
      lines: [
        { at: START, text: 'one\n' },
        { at: START, text: 'two\r\nthree\n' },
        { at: START, text: 'four\r\n' },
        { at: START, text: '' },
        { at: START, text: 'five\n\n' },
      ],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }));
    expect(w.logs()).toEqual(['one', 'two', 'three', 'four', '', 'five', '']);
  });

  it('one instance: one unfiltered stream, lines unprefixed', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines: [{ instance: W0, at: START, text: 'a' }] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }));
    expect(w.logs()).toEqual(['a']);
    expect(w.calls.filter((c) => c.kind === 'logs').every((c) => c.instance === undefined)).toBe(true);
  });

  it('several instances: one stream each, each line prefixed with its worker', async () => {
    const w = world({
      statuses: [job('Running', [W0, W1], { requestedInstances: 2 }), job('Succeed', [W0, W1], { requestedInstances: 2 })],
      lines: [
        { instance: W0, at: START, text: 'zero' },
        { instance: W1, at: START, text: 'one' },
      ],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }));
    expect(w.logs()).toEqual(['worker-0| zero', 'worker-1| one']);
  });

  it('--worker: only that instance, unprefixed', async () => {
    const w = world({
      statuses: [job('Running', [W0, W1], { requestedInstances: 2 }), job('Succeed', [W0, W1], { requestedInstances: 2 })],
      lines: [
        { instance: W0, at: START, text: 'zero' },
        { instance: W1, at: START, text: 'one' },
      ],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, instance: W1 }));
    expect(w.logs()).toEqual(['one']);
    expect(new Set(w.calls.filter((c) => c.kind === 'logs').map((c) => c.instance))).toEqual(new Set([W1]));
  });

  it('a quiet stream is read every logIdleMs, each call a budget slot after the one before', async () => {
    const w = world({ statuses: [job('Running', [W0])] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 5_000 }));
    const logs = w.calls.filter((c) => c.kind === 'logs').map((c) => c.at - START);
    // The first read waits for the budget slot after the status read; then every 1.5 s, the budget permitting.
    expect(logs).toEqual([400, 1_900, 3_400, 4_900]);
    expect(w.gets()).toEqual([0, 2_300]);
  });

  it('a stream that delivered lines is read again after logActiveMs, ranked as due since its last read', async () => {
    const w = world({
      statuses: [job('Running', [W0])],
      lines: [
        { at: START, text: 'a' },
        { at: START + 1_000, text: 'b' },
      ],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 4_000 }));
    const logs = w.calls.filter((c) => c.kind === 'logs').map((c) => c.at - START);
    // 400: 'a' → due at 1 400: 'b' → due at 2 400: nothing → quiet, due 1.5 s later.
    expect(logs).toEqual([400, 1_400, 2_400, 3_900]);
    expect(w.gets()).toEqual([0, 2_000]);
    expect(w.logs()).toEqual(['a', 'b']);
  });

  it('a full page is followed by the next at once, behind the reads already due', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => ({ at: START, text: `l${i}` }));
    const w = world({ statuses: [job('Running', [W0])], lines });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 2_000 }));
    const logs = w.calls.filter((c) => c.kind === 'logs').map((c) => `${c.at - START}:${c.pageNumber}`);
    // Page 2 held 50 lines: a busy stream, due again after logActiveMs.
    expect(logs).toEqual(['400:1', '800:2', '1800:2']);
    expect(w.logs()).toEqual(lines.map((l) => l.text));
  });

  it('with many streams a quiet one waits longer (idleIntervalMs), and each is read in turn', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `job1-worker-${i}`);
    const w = world({ statuses: [job('Running', names, { requestedInstances: 30 })] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 20_000, cadence: { callSpacingMs: 100 } }));
    const reads = (name: string) => w.calls.filter((c) => c.kind === 'logs' && c.instance === name).map((c) => c.at - START);
    // 30 streams, 100 ms slots: a round is 3 s; the idle interval is max(1.5 s, min(15 s - 3 s - 1 s, 3 s)) = 3 s:
    // due at 3 100, behind the status read (due since 2 000).
    expect(reads(names[0]!).slice(0, 2)).toEqual([100, 3_200]);
    for (const name of names) expect(reads(name).length).toBeGreaterThanOrEqual(5);
  });

  it('a status change reads the logs at once instead of at their interval', async () => {
    const w = world({ statuses: [job('Queuing'), job('Running', [W0])], lines: [{ instance: W0, at: START + 1_950, text: 'started' }] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 3_000 }));
    const logs = w.calls.filter((c) => c.kind === 'logs').map((c) => c.at - START);
    // Read at 400 and 1 900 (nothing yet); the status read at 2 300 sees Running: the logs at the next slot, 2 700.
    expect(logs).toEqual([400, 1_900, 2_700]);
    expect(w.logs()).toEqual(['started']);
  });

  it('a slow read no longer holds the next call up once overlapAfterMs has passed', async () => {
    const w = world({ statuses: [job('Running', [W0, W1], { requestedInstances: 2 })], logDelayMs: 2_500 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 2_600 }));
    const starts = w.calls.map((c) => `${c.at - START}:${c.kind}:${c.instance ?? ''}`);
    // The first read starts at 400 and takes 2.5 s: the next (the other worker: this one is still being read) may
    // start 1 s after it, at 1 400, and so on.
    expect(starts).toEqual(['0:get:', `400:logs:${W0}`, `1400:logs:${W1}`, '2400:get:']);
    expect(w.maxInFlight).toBe(2);
  });

  it('quick calls are made one at a time', async () => {
    const w = world({ statuses: [job('Running', [W0, W1], { requestedInstances: 2 })], logDelayMs: 300 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 5_000 }));
    expect(w.maxInFlight).toBe(1);
    const starts = w.calls.map((c) => c.at - START);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(400);
  });
});

describe('followJob: heartbeat', () => {
  it('says the job is still running after heartbeatMs without a line, with how long it has been quiet', async () => {
    const w = world({ statuses: [job('Running', [W0])], lines: [{ at: START + 10_000, text: 'x' }] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 75_000 }));
    const beats = w.emitted.flatMap((e, i) => (e.type === 'heartbeat' ? [{ at: w.emittedAt[i], status: e.status, quietMs: e.quietMs }] : []));
    // The line was printed when read (at 10 300, the first read after it): quiet from then on.
    const lineAt = w.emittedAt[w.emitted.findIndex((e) => e.type === 'log')]!;
    expect(beats).toEqual([
      { at: lineAt + 30_000, status: 'Running', quietMs: 30_000 },
      { at: lineAt + 60_000, status: 'Running', quietMs: 60_000 },
    ]);
  });

  it('a tuned heartbeat, and none when the logs are not shown', async () => {
    const w = world({ statuses: [job('Running', [W0])] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 12_500, cadence: { heartbeatMs: 5_000 } }));
    expect(w.emittedAt.filter((_, i) => w.emitted[i]!.type === 'heartbeat')).toEqual([5_000, 10_000]);
    const quiet = world({ statuses: [job('Running', [W0])] });
    await quiet.drive(followJob('job1', quiet.deps, quiet.emit, { showLogs: false, timeoutMs: 12_500, cadence: { heartbeatMs: 5_000 } }));
    expect(quiet.emitted.some((e) => e.type === 'heartbeat')).toBe(false);
  });
});

describe('followJob: the lines after the end', () => {
  it('reads the lines that trail the final status, until a round brings nothing after drainIntervalMs', async () => {
    const w = world({
      statuses: [job('Running', [W0]), job('Succeed', [W0])],
      lines: [
        { at: START, text: 'before' },
        { at: START + 2_100, text: 'trailing 1' },
        { at: START + 3_200, text: 'trailing 2' },
      ],
    });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }));
    expect(result.outcome).toBe('ended');
    expect(w.logs()).toEqual(['before', 'trailing 1', 'trailing 2']);
    // Ended at the status read at 2 000; drain reads at 2 400 (the slot), 3 400 (a line), 4 400 (nothing): done.
    const after = w.calls.filter((c) => c.kind === 'logs' && c.at - START >= 2_000).map((c) => c.at - START);
    expect(after).toEqual([2_400, 3_400, 4_400]);
    expect(w.now() - START).toBe(4_400);
  });

  it('stops reading after drainMaxMs even while lines keep coming', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({ at: START + 2_000 + i * 500, text: `t${i}` }));
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, cadence: { drainMaxMs: 5_000 } }));
    const after = w.calls.filter((c) => c.kind === 'logs' && c.at - START >= 2_000).map((c) => c.at - START);
    // The status read at 2 300 (after the log read at 1 900) sees the end; the drain reads at 2 700, then every
    // second while before 2 700 + 5 000.
    expect(after).toEqual([2_700, 3_700, 4_700, 5_700, 6_700, 7_700]);
  });

  it('reads no logs at all when they are not shown (status --wait)', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines: [{ at: START, text: 'x' }] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }));
    expect(w.calls.some((c) => c.kind === 'logs')).toBe(false);
    expect(w.logs()).toEqual([]);
  });

  it('waits for the reads under way before the drain', async () => {
    const w = world({
      statuses: [job('Running', [W0]), job('Succeed', [W0])],
      lines: [{ at: START, text: 'a' }],
      logDelayMs: 1_800,
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }));
    // The read started at 400 ends at 2 200; the status read at 2 000 saw the end. Each line once.
    expect(w.logs()).toEqual(['a']);
  });
});

describe('followJob: failures and Ctrl-C', () => {
  const broken = () => new ApiError('boom', { code: 'Broken', retryable: false });

  it('a status read that fails ends the follow with its error', async () => {
    const error = broken();
    const w = world({ statuses: [job('Running', [W0])], failGet: (n) => (n === 3 ? error : undefined) });
    await expect(w.drive(followJob('job1', w.deps, w.emit, { showLogs: false }))).rejects.toBe(error);
    expect(w.gets()).toEqual([0, 2_000, 5_000]);
  });

  it('a log read that fails ends the follow with its error', async () => {
    const error = broken();
    const w = world({ statuses: [job('Running', [W0])], failLogs: (n) => (n === 2 ? error : undefined) });
    await expect(w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }))).rejects.toBe(error);
    expect(w.calls.filter((c) => c.kind === 'logs')).toHaveLength(2);
  });

  it('a read failing while the job ends is still thrown, after the reads under way', async () => {
    const error = broken();
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], logDelayMs: 1_800, failLogs: (n) => (n === 1 ? error : undefined) });
    await expect(w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }))).rejects.toBe(error);
    expect(w.now() - START).toBe(2_200);
  });

  it('Ctrl-C while waiting throws an InterruptedError and makes no call after it', async () => {
    const controller = new AbortController();
    const w = world({ statuses: [job('Running', [W0])] });
    const follow = followJob('job1', w.deps, w.emit, { showLogs: true, signal: controller.signal });
    const error = await w.drive(follow, (now) => now - START >= 3_000 && controller.abort()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(w.calls.every((c) => c.at - START <= 3_000)).toBe(true);
    expect(w.now() - START).toBeLessThan(3_500);
  });

  it('Ctrl-C is noticed even by a sleep that ignores its signal, once it ends', async () => {
    const controller = new AbortController();
    const w = world({ statuses: [job('Running', [W0])] });
    const deafSleep = (ms: number) => w.deps.sleep(ms);
    const follow = followJob('job1', { ...w.deps, sleep: deafSleep }, w.emit, { showLogs: false, signal: controller.signal });
    const error = await w.drive(follow, (now) => now - START >= 1_000 && controller.abort()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(w.gets()).toEqual([0]);
  });

  it('a sleep that fails on its own fails the follow', async () => {
    const w = world({ statuses: [job('Running', [W0])] });
    const error = new Error('clock broken');
    const follow = followJob('job1', { ...w.deps, sleep: () => Promise.reject(error) }, w.emit, { showLogs: false });
    await expect(w.drive(follow)).rejects.toBe(error);
  });

  it('Ctrl-C cuts a long wait short at once', async () => {
    const controller = new AbortController();
    const w = world({ statuses: [job('Running', [W0])] });
    w.at(3_000, () => controller.abort());
    const error = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    // The wait from 2 000 to 5 000 ends at 3 000.
    expect(w.now() - START).toBe(3_000);
    expect(w.gets()).toEqual([0, 2_000]);
  });

  it('a signal already aborted stops the follow before any read is started', async () => {
    const controller = new AbortController();
    controller.abort();
    const w = world({ statuses: [job('Running', [W0])] });
    const follow = followJob('job1', w.deps, w.emit, { showLogs: false, signal: controller.signal, cadence: { callSpacingMs: 0, statusMinMs: 0 } });
    await expect(w.drive(follow)).rejects.toBeInstanceOf(InterruptedError);
    expect(w.gets()).toEqual([0]);
  });

  it('a log read under way when the follow times out prints nothing', async () => {
    const w = world({ statuses: [job('Running', [W0])], lines: [{ at: START, text: 'x' }], logDelayMs: 1_000 });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 1_000 }));
    expect(result.outcome).toBe('timeout');
    await w.flush();
    expect(w.calls.filter((c) => c.kind === 'logs')).toHaveLength(1);
    expect(w.logs()).toEqual([]);
  });

  it('a signal already aborted stops the follow before its first wait', async () => {
    const controller = new AbortController();
    controller.abort();
    const w = world({ statuses: [job('Running', [W0])] });
    await expect(w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, signal: controller.signal }))).rejects.toBeInstanceOf(InterruptedError);
    expect(w.calls.filter((c) => c.kind === 'logs')).toHaveLength(0);
  });
});

describe('followJob: a snapshot (logs without --follow)', () => {
  it('reads the status and every page at once, without the budget, and returns', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => ({ at: START, text: `l${i}` }));
    const w = world({ statuses: [job('Running', [W0])], lines, events: () => ['2026-01-01T00:00:00Z e'] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, once: true, jobEvents: true }));
    expect(result).toEqual({ outcome: 'snapshot', job: job('Running', [W0]) });
    expect(w.calls.map((c) => `${c.at - START}:${c.kind}:${c.pageNumber ?? ''}`)).toEqual(['0:get:', '0:logs:1', '0:logs:2', '0:logs:3']);
    expect(w.logs()).toHaveLength(250);
    expect(w.emitted.some((e) => e.type === 'event')).toBe(false);
  });

  it('without logs: the status alone', async () => {
    const w = world({ statuses: [job('Running', [W0])], lines: [{ at: START, text: 'x' }] });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, once: true }));
    expect(result.outcome).toBe('snapshot');
    expect(w.calls.map((c) => c.kind)).toEqual(['get']);
  });
});

describe('followJob: --tail', () => {
  it('asks how many lines there are, then prints only the last N', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => ({ at: START, text: `l${i}` }));
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, tail: 2 }));
    expect(w.logs()).toEqual(['l3', 'l4']);
    const first = w.calls.find((c) => c.kind === 'logs')!;
    expect(first).toMatchObject({ pageNumber: 1, pageSize: 1, instance: undefined });
    // The count is asked once per stream.
    expect(w.calls.filter((c) => c.kind === 'logs' && c.pageSize === 1)).toHaveLength(1);
  });

  it('a service that does not say how many lines there are: printed from the start', async () => {
    const lines = Array.from({ length: 3 }, (_, i) => ({ at: START, text: `l${i}` }));
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines, noTotal: true });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, tail: 1 }));
    expect(w.logs()).toEqual(['l0', 'l1', 'l2']);
  });

  it('a job that ended before any instance started: the drain asks once more after a pause, then stops', async () => {
    const w = world({ statuses: [job('Queuing'), job('Failed')], notStartedUntil: Infinity });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, tail: 5 }));
    // Seen ended at 2 300 (the log read at 1 900 took the slot before): the drain asks at 2 700 and, after
    // drainIntervalMs, at 3 700: nothing, so it stops.
    expect(w.calls.filter((c) => c.kind === 'logs' && c.at - START >= 2_000).map((c) => c.at - START)).toEqual([2_700, 3_700]);
  });

  it('a tail longer than the stream prints all of it', async () => {
    const lines = Array.from({ length: 3 }, (_, i) => ({ at: START, text: `l${i}` }));
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, tail: 10 }));
    expect(w.logs()).toEqual(['l0', 'l1', 'l2']);
  });

  it('per instance, and asked again while the job has no instance yet', async () => {
    const lines = [
      ...Array.from({ length: 4 }, (_, i) => ({ instance: W0, at: START + 1_000, text: `a${i}` })),
      ...Array.from({ length: 4 }, (_, i) => ({ instance: W1, at: START + 1_000, text: `b${i}` })),
    ];
    const statuses = [
      job('Running', [W0, W1], { requestedInstances: 2 }),
      job('Running', [W0, W1], { requestedInstances: 2 }),
      job('Succeed', [W0, W1], { requestedInstances: 2 }),
    ];
    const w = world({ statuses, lines, notStartedUntil: START + 1_000 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, tail: 1 }));
    expect(w.logs()).toEqual(['worker-0| a3', 'worker-1| b3']);
    const counts = w.calls.filter((c) => c.kind === 'logs' && c.pageSize === 1).map((c) => c.instance);
    // Each stream asked while not started, then once more when it had started.
    expect(counts).toEqual([W0, W1, W0, W1]);
  });
});

describe('followJob: events of a waiting job', () => {
  const E1 = '2026-01-01T00:00:01Z Insufficient quota';
  const E2 = '2026-01-01T00:00:02Z Still no quota';

  it('reads them once the job has waited eventsAfterMs, each shown once', async () => {
    const w = world({ statuses: [job('Queuing')], events: (now) => (now - START < 45_000 ? [E1] : [E1, E2]) });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, timeoutMs: 55_000 }));
    const events = w.emitted.flatMap((e, i) => (e.type === 'event' ? [`${w.emittedAt[i]} ${e.text}`] : []));
    // Due at 30 000, as is a status read (every 2 s while Queuing): the status read goes first, the events a slot later.
    expect(events).toEqual([`30400 ${E1}`, `50400 ${E2}`]);
    expect(w.emitted.find((e) => e.type === 'event')).toEqual({ type: 'event', jobId: 'job1', eventTime: '2026-01-01T00:00:01Z', text: E1 });
    expect(w.calls.filter((c) => c.kind === 'events').map((c) => c.at - START)).toEqual([30_400, 40_400, 50_400]);
  });

  it('none once the job no longer waits', async () => {
    const w = world({ statuses: [job('Queuing'), job('Running', [W0])], events: () => [E1] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, timeoutMs: 60_000 }));
    expect(w.calls.some((c) => c.kind === 'events')).toBe(false);
  });

  it('the service saying since when the job waits: read as soon as that is eventsAfterMs ago', async () => {
    const since = new Date(START - 60_000).toISOString();
    const w = world({ statuses: [job('Queuing', [], { transitions: [{ status: 'Queuing', startTime: since }] })], events: () => [E1] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, timeoutMs: 1_000 }));
    expect(w.calls.filter((c) => c.kind === 'events').map((c) => c.at - START)).toEqual([400]);
  });

  it('an event read under way when the follow times out prints nothing', async () => {
    const w = world({ statuses: [job('Queuing')], events: () => [E1], eventDelayMs: 5_000 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, jobEvents: true, timeoutMs: 31_000 }));
    await w.flush();
    expect(w.calls.filter((c) => c.kind === 'events')).toHaveLength(1);
    expect(w.emitted.some((e) => e.type === 'event')).toBe(false);
  });

  it('a slow event read is not sent twice', async () => {
    const w = world({ statuses: (n) => job(n < 8 ? 'Queuing' : 'Failed'), events: () => [E1], eventDelayMs: 12_000 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, cadence: { eventsAfterMs: 0 } }));
    // Read at 400 and under way for 12 s, past eventsIntervalMs: not read again until it answered (12 400); the job
    // ended at 14 000 with that read under way, then the one read after the end (no log line came).
    expect(w.calls.filter((c) => c.kind === 'events').map((c) => c.at - START)).toEqual([400, 12_400, 24_400]);
    expect(w.emitted.filter((e) => e.type === 'event')).toHaveLength(1);
  });

  it('after a read failed for good, none after the end either', async () => {
    const w = world({
      statuses: [job('Queuing'), job('Failed')],
      events: () => [E1],
      failEvents: () => new ApiError('no', { code: 'Forbidden', retryable: false }),
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, jobEvents: true, cadence: { eventsAfterMs: 0 } }));
    expect(w.calls.filter((c) => c.kind === 'events')).toHaveLength(1);
  });

  it('none without --events, nor when the API has no events', async () => {
    const w = world({ statuses: [job('Queuing')], events: () => [E1] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, timeoutMs: 40_000 }));
    expect(w.calls.some((c) => c.kind === 'events')).toBe(false);
    const bare = world({ statuses: [job('Queuing')] });
    await bare.drive(followJob('job1', bare.deps, bare.emit, { showLogs: false, jobEvents: true, timeoutMs: 40_000 }));
    expect(bare.emitted.some((e) => e.type === 'event')).toBe(false);
  });

  it('a read that fails for good ends the events, not the follow', async () => {
    const w = world({ statuses: [job('Queuing')], events: () => [E1], failEvents: () => new ApiError('no', { code: 'Forbidden', retryable: false }) });
    const result = await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, timeoutMs: 70_000 }));
    expect(result.outcome).toBe('timeout');
    expect(w.calls.filter((c) => c.kind === 'events')).toHaveLength(1);
  });

  it('an interrupt during an event read is thrown', async () => {
    const w = world({ statuses: [job('Queuing')], events: () => [E1], failEvents: () => new InterruptedError('Interrupted') });
    await expect(w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, timeoutMs: 70_000 }))).rejects.toBeInstanceOf(InterruptedError);
  });

  it('a job that ended without a log line: its events are read once after the end', async () => {
    const w = world({ statuses: [job('Queuing'), job('Failed')], events: () => [E1] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, jobEvents: true }));
    expect(w.emitted.filter((e) => e.type === 'event').map((e) => (e as { text: string }).text)).toEqual([E1]);
    // Shown before the follow returns, after the drain.
    expect(w.emitted.at(-1)!.type).toBe('event');
    expect(w.calls.filter((c) => c.kind === 'events')).toHaveLength(1);
  });

  it('a job that printed lines: no events after the end', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Failed', [W0])], events: () => [E1], lines: [{ at: START, text: 'x' }] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, jobEvents: true }));
    expect(w.calls.some((c) => c.kind === 'events')).toBe(false);
  });

  it('events are read through the retry policy when there is one', async () => {
    let attempts = 0;
    const w = world({ statuses: [job('Queuing'), job('Failed')], events: () => [E1], failEvents: (n) => (n === 1 ? new Error('flaky') : undefined) });
    const retrying = async <T>(fn: () => Promise<T>): Promise<T> => {
      for (;;) {
        attempts++;
        try {
          return await fn();
        } catch (error) {
          if (attempts > 5) throw error;
        }
      }
    };
    await w.drive(followJob('job1', { ...w.deps, retrying }, w.emit, { showLogs: false, jobEvents: true }));
    expect(w.emitted.filter((e) => e.type === 'event')).toHaveLength(1);
  });
});

describe('followJob: the retry policy', () => {
  it('status and log reads go through it, each page on its own', async () => {
    const flaky = new Error('flaky');
    const w = world({
      statuses: [job('Running', [W0]), job('Succeed', [W0])],
      lines: [{ at: START, text: 'a' }],
      failGet: (n) => (n === 2 ? flaky : undefined),
      failLogs: (n) => (n === 1 ? flaky : undefined),
    });
    const retried: unknown[] = [];
    const retrying = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        retried.push(error);
        return fn();
      }
    };
    const result = await w.drive(followJob('job1', { ...w.deps, retrying }, w.emit, { showLogs: true }));
    expect(result.outcome).toBe('ended');
    expect(retried).toEqual([flaky, flaky]);
    expect(w.logs()).toEqual(['a']);
  });
});

describe('followJob: which read goes first', () => {
  it('a busy stream ranks as due since its last read, ahead of a status read due later', async () => {
    const w = world({
      statuses: [job('Running', [W0])],
      lines: [
        { at: START, text: 'a' },
        { at: START + 1_500, text: 'b' },
      ],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 3_500, cadence: { callSpacingMs: 1_000 } }));
    // The log read at 1 000 brought 'a': due again at 2 000 and ranked as due since 1 000, before the status read
    // due since 2 000.
    expect(w.calls.map((c) => `${c.at - START}:${c.kind}`)).toEqual(['0:get', '1000:logs', '2000:logs', '3000:get']);
    expect(w.logs()).toEqual(['a', 'b']);
  });

  it('after a status change every stream is due at once, in their order', async () => {
    const w = world({
      statuses: [job('Running', [W0, W1], { requestedInstances: 2 }), job('Stopping', [W0, W1], { requestedInstances: 2 })],
      lines: [{ instance: W0, at: START, text: 'a' }],
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 2_900 }));
    // W0 read at 400 (a line) and 1 400 (quiet: next due 2 900), W1 at 800 (quiet: next due 2 300); the status read
    // at 2 000 sees a change: both due then, W0 first.
    expect(w.calls.map((c) => `${c.at - START}:${c.kind}:${c.instance ?? ''}`)).toEqual([
      '0:get:',
      `400:logs:${W0}`,
      `800:logs:${W1}`,
      `1400:logs:${W0}`,
      '2000:get:',
      `2400:logs:${W0}`,
      `2800:logs:${W1}`,
    ]);
  });
});

describe('followJob: what is left behind', () => {
  it('a call that finishes cuts the wait short, and the sleep is cancelled, not left running', async () => {
    const w = world({ statuses: [job('Running', [W0]), job('Succeed', [W0])], lines: [{ at: START, text: 'a' }], logDelayMs: 1_800 });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true }));
    expect(w.pending()).toBe(0);
    expect(w.logs()).toEqual(['a']);
  });

  it('lines of a stream dropped while its count was asked are not printed (--tail)', async () => {
    const statuses = [job('Queuing', [], { requestedInstances: 2 }), job('Running', [W0, W1], { requestedInstances: 2 })];
    const w = world({
      statuses: (n) => (n <= 2 ? statuses[n - 1]! : job(n < 5 ? 'Running' : 'Succeed', [W0, W1], { requestedInstances: 2 })),
      lines: [
        { instance: W0, at: START, text: 'a0' },
        { instance: W0, at: START, text: 'a1' },
        { instance: W1, at: START, text: 'b0' },
        { instance: W1, at: START, text: 'b1' },
      ],
      logDelayMs: 2_500,
    });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, tail: 1 }));
    // The unfiltered stream's count was asked at 400; at 2 000 the job said it runs two instances: one stream each
    // from then on. The unfiltered stream's read, still to come when its count arrived, prints nothing.
    expect(w.calls.filter((c) => c.kind === 'logs' && c.instance === undefined).length).toBeGreaterThan(1);
    expect(w.logs()).toEqual(['worker-0| a1', 'worker-1| b1']);
  });
});

describe('followJob: which read goes first, behind a busy budget', () => {
  it('a backlog page goes behind the reads already due', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => ({ instance: W0, at: START, text: `l${i}` }));
    const w = world({ statuses: [job('Running', [W0, W1], { requestedInstances: 2 })], lines });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: true, timeoutMs: 1_300 }));
    // W0's first page (400) says there is more: its next page ranks as due from then, after W1 (due since 0).
    expect(w.calls.map((c) => `${c.at - START}:${c.kind}:${c.instance ?? ''}:${c.pageNumber ?? ''}`)).toEqual([
      '0:get::',
      `400:logs:${W0}:1`,
      `800:logs:${W1}:1`,
      `1200:logs:${W0}:2`,
    ]);
  });

  it('events due before a status read go first', async () => {
    // The service says the job has queued since 30 s before the start: its events are due at 1 000.
    const since = new Date(START - 30_000).toISOString();
    const w = world({ statuses: [job('Queuing', [], { transitions: [{ status: 'Queuing', startTime: since }] })], events: () => ['e'] });
    await w.drive(followJob('job1', w.deps, w.emit, { showLogs: false, jobEvents: true, timeoutMs: 5_100, cadence: { callSpacingMs: 2_500 } }));
    // The budget frees at 2 500: the events (due 1 000) before the status (due 2 000).
    expect(w.calls.map((c) => `${c.at - START}:${c.kind}`)).toEqual(['0:get', '2500:events', '5000:get']);
  });
});
