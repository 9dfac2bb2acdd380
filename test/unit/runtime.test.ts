import { describe, expect, it } from 'vitest';
import { ApiError, InterruptedError } from '../../src/core/errors.js';
import type { JobsApi, ObjectStore, TrainingJob } from '../../src/core/ports/backends.js';
import { jobsBeneath, retryingBackends } from '../../src/core/retrying-backends.js';
import { createRuntime } from '../../src/core/runtime.js';
import { CADENCE } from '../../src/core/follow/cadence.js';

/** A clock that only moves when the runtime sleeps: no test waits for real time. */
function fakeClock(start = 1_000_000) {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new InterruptedError('Interrupted');
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

const throttled = () => new ApiError('GetTrainingJob failed: Throttling', { code: 'Throttling', status: 429, retryable: true, action: 'GetTrainingJob' });
const JOB = { id: 'j', name: 'n', status: 'Running', instances: [], outputs: [], transitions: [], labels: {} } as TrainingJob;

/** A JobsApi whose getJob fails `failures` times first, and whose createJob always fails; it counts the calls. */
function flaky(failures: number) {
  const calls = { getJob: 0, createJob: 0 };
  const jobs = {
    getJob: async () => {
      calls.getJob++;
      if (calls.getJob <= failures) throw throttled();
      return JOB;
    },
    createJob: async () => {
      calls.createJob++;
      throw throttled();
    },
  } as unknown as JobsApi;
  return { jobs, calls };
}

describe('createRuntime', () => {
  it('measures time on its clock, dates from the same clock unless a calendar date is given, and merges the cadence', () => {
    const clock = fakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, cadence: { callSpacingMs: 7 } });
    expect(runtime.now()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(runtime.date().toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(runtime.cadence.callSpacingMs).toBe(7);
    expect(runtime.cadence.statusMinMs).toBe(CADENCE.statusMinMs);
    const pinned = createRuntime({ now: clock.now, date: () => new Date(Date.UTC(2025, 0, 1)) });
    expect(pinned.date().toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(pinned.now()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
  });

  it('retries on its own clock and tells every subscriber of each retry, until it unsubscribes', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { baseDelayMs: 100, random: () => 1 } });
    const notices: string[] = [];
    const stop = runtime.onRetry((error, attempt, delayMs) => notices.push(`${error.code} ${attempt} ${delayMs}`));
    const { jobs, calls } = flaky(2);
    await expect(runtime.retrying(() => jobs.getJob('j'))).resolves.toBe(JOB);
    expect(calls.getJob).toBe(3);
    expect(clock.slept).toEqual([100, 200]);
    expect(notices).toEqual(['Throttling 1 100', 'Throttling 2 200']);
    stop();
    const again = flaky(1);
    await runtime.retrying(() => again.jobs.getJob('j'));
    expect(notices).toHaveLength(2);
  });

  it('ends retries once interrupted; the through-interrupt policy still sends', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { baseDelayMs: 1 } });
    runtime.interrupt();
    expect(runtime.signal.aborted).toBe(true);
    const { jobs, calls } = flaky(1);
    await expect(runtime.retrying(() => jobs.getJob('j'))).rejects.toBeInstanceOf(InterruptedError);
    expect(calls.getJob).toBe(0);
    await expect(runtime.retryingThroughInterrupt(() => jobs.getJob('j'))).resolves.toBe(JOB);
    expect(calls.getJob).toBe(2);
  });
});

describe('retryingBackends', () => {
  it('retries every call but the create, each wrapped once', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const { jobs, calls } = flaky(2);
    const backends = retryingBackends({ jobs, store: {} as ObjectStore }, runtime.retrying);
    await expect(backends.jobs.getJob('j')).resolves.toBe(JOB);
    expect(calls.getJob).toBe(3);
    await expect(backends.jobs.createJob('{}')).rejects.toThrow('Throttling');
    expect(calls.createJob).toBe(1);
  });

  it('puts a layer beneath the retries, so each attempt passes it, and can swap the policy', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const { jobs, calls } = flaky(2);
    const retrying = retryingBackends({ jobs, store: {} as ObjectStore }, runtime.retrying).jobs;
    let passed = 0;
    const layered = jobsBeneath(retrying, { layer: (raw) => ({ ...raw, getJob: (id) => (passed++, raw.getJob(id)) }) });
    await expect(layered.getJob('j')).resolves.toBe(JOB);
    expect(passed).toBe(3);
    expect(calls.getJob).toBe(3);
    runtime.interrupt();
    await expect(retrying.getJob('j')).rejects.toBeInstanceOf(InterruptedError);
    await expect(jobsBeneath(retrying, { retrying: runtime.retryingThroughInterrupt }).getJob('j')).resolves.toBe(JOB);
  });

  it('takes back the bytes of a failed download attempt before the next one', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { baseDelayMs: 1 } });
    let attempts = 0;
    const store = {
      download: async (_b: string, _k: string, _p: string, options?: { onBytes?: (n: number) => void }) => {
        attempts++;
        options?.onBytes?.(10);
        if (attempts === 1) throw new ApiError('GetObject: could not reach OSS (ECONNRESET)', { code: 'ECONNRESET', retryable: true, ambiguous: true });
        options?.onBytes?.(5);
        return { size: 15, written: 15 };
      },
    } as unknown as ObjectStore;
    const wrapped = retryingBackends({ jobs: {} as JobsApi, store }, runtime.retrying).store;
    const seen: number[] = [];
    await wrapped.download!('b', 'k', '/tmp/x', { onBytes: (n) => seen.push(n) });
    expect(seen).toEqual([10, -10, 10, 5]);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(15);
  });
});

describe('createRuntime: what it is built from', () => {
  it('hands down the timeouts and the lost-create grace it was given, and empty ones when none', () => {
    const given = createRuntime({ timeouts: { readMs: 5_000, ossRetries: 1 }, lostCreateGraceMs: 12_000, retry: { maxAttempts: 2 } });
    expect(given.timeouts).toEqual({ readMs: 5_000, ossRetries: 1 });
    expect(given.lostCreateGraceMs).toBe(12_000);
    expect(given.retry).toEqual({ maxAttempts: 2 });
    const bare = createRuntime();
    expect(bare.timeouts).toEqual({});
    expect(bare.lostCreateGraceMs).toBeUndefined();
    expect(bare.retry).toEqual({});
    expect(bare.cadence).toEqual(CADENCE);
  });

  it('without settings, runs on the real clock and the real abortable sleep', async () => {
    const runtime = createRuntime();
    const before = Date.now();
    const now = runtime.now();
    const date = runtime.date().getTime();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
    expect(date).toBeGreaterThanOrEqual(before);
    expect(date).toBeLessThanOrEqual(after);
    // The real sleep: one already interrupted ends at once with an InterruptedError.
    runtime.interrupt();
    await expect(runtime.sleep(60_000, runtime.signal)).rejects.toBeInstanceOf(InterruptedError);
  });

  it('the clock and sleep named in the retry settings win over the runtime’s own', async () => {
    const clock = fakeClock();
    const retryClock = fakeClock(5_000);
    const runtime = createRuntime({
      now: clock.now,
      sleep: clock.sleep,
      retry: { baseDelayMs: 40, random: () => 1, now: retryClock.now, sleep: retryClock.sleep },
    });
    const { jobs } = flaky(1);
    await runtime.retrying(() => jobs.getJob('j'));
    expect(retryClock.slept).toEqual([40]);
    expect(clock.slept).toEqual([]);
  });

  it('the retry policy is the idempotent one: an ambiguous failure (a reset after sending) is retried', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { baseDelayMs: 1 } });
    let calls = 0;
    const reset = async () => {
      calls++;
      if (calls === 1) throw new ApiError('could not reach the PAI service (ECONNRESET)', { code: 'ECONNRESET', retryable: true, ambiguous: true });
      return 'ok';
    };
    await expect(runtime.retrying(reset)).resolves.toBe('ok');
    expect(calls).toBe(2);
    calls = 0;
    await expect(runtime.retryingThroughInterrupt(reset)).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  it('hands the interrupt signal to a retry’s wait, and not to the through-interrupt policy’s wait', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    let t = 0;
    const runtime = createRuntime({
      now: () => t,
      sleep: async (ms, signal) => {
        signals.push(signal);
        t += ms;
      },
      retry: { baseDelayMs: 1 },
    });
    const one = flaky(1).jobs;
    await runtime.retrying(() => one.getJob('j'));
    const other = flaky(1).jobs;
    await runtime.retryingThroughInterrupt(() => other.getJob('j'));
    expect(signals).toEqual([runtime.signal, undefined]);
  });

  it('tells every subscriber, and one that unsubscribes while being told does not stop the others', async () => {
    const clock = fakeClock();
    const runtime = createRuntime({ now: clock.now, sleep: clock.sleep, retry: { baseDelayMs: 10, random: () => 1 } });
    const heard: string[] = [];
    const stopFirst = runtime.onRetry((_e, attempt) => {
      heard.push(`first ${attempt}`);
      stopFirst();
    });
    runtime.onRetry((e, attempt, delay) => heard.push(`second ${e.code} ${attempt} ${delay}`));
    const { jobs } = flaky(2);
    await runtime.retrying(() => jobs.getJob('j'));
    expect(heard).toEqual(['first 1', 'second Throttling 1 10', 'second Throttling 2 20']);
    expect(stopFirst()).toBeUndefined();
  });
});
