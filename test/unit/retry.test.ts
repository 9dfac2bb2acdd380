import { describe, expect, it, vi } from 'vitest';
import { fromOssError, parseRetryAfter } from '../../src/cloud/errors.js';
import { abortableSleep, withRetry, type RetryOptions } from '../../src/core/ports/retry.js';
import { ApiError, InterruptedError } from '../../src/core/errors.js';

/**
 * withRetry on its own: a scripted call, a fake clock and a sleep that only records and advances it, so that
 * every delay is asserted exactly and nothing waits in real time.
 */

const throttled = (extra: Partial<ConstructorParameters<typeof ApiError>[1]> = {}) =>
  new ApiError('ListTrainingJobs failed: Throttling', { code: 'Throttling.User', status: 429, retryable: true, ...extra });
/** A reset after the request was sent: the service may have acted on it. */
const reset = () => new ApiError('could not reach the PAI service (ECONNRESET)', { code: 'ECONNRESET', retryable: true, ambiguous: true });
/** A refused connection: provably never sent. */
const refused = () => new ApiError('could not reach the PAI service (ECONNREFUSED)', { code: 'ECONNREFUSED', retryable: true, ambiguous: false });

/** A call that fails with `failures` in turn, then answers 'ok'; `attemptMs` of fake time passes in each attempt. */
function scripted(clock: { t: number }, failures: unknown[], attemptMs = 0) {
  let calls = 0;
  const fn = async () => {
    calls++;
    clock.t += attemptMs;
    const next = failures.shift();
    if (next !== undefined) throw next;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

function harness(options: Partial<RetryOptions> = {}) {
  const clock = { t: 1_000_000 };
  const sleeps: number[] = [];
  const retries: [string, number, number][] = [];
  const opts: RetryOptions = {
    idempotent: true,
    baseDelayMs: 100,
    maxDelayMs: 300,
    maxAttempts: 5,
    maxTotalMs: 60_000,
    random: () => 1,
    now: () => clock.t,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.t += ms;
    },
    onRetry: (error, attempt, delay) => retries.push([error.code, attempt, delay]),
    ...options,
  };
  return { clock, sleeps, retries, opts };
}

describe('withRetry', () => {
  it('answers at once when the call succeeds, without sleeping', async () => {
    const h = harness();
    const call = scripted(h.clock, []);
    await expect(withRetry(call.fn, h.opts)).resolves.toBe('ok');
    expect(call.calls()).toBe(1);
    expect(h.sleeps).toEqual([]);
  });

  it('retries a retryable error with doubling backoff capped at maxDelayMs, telling onRetry each time', async () => {
    const h = harness();
    const call = scripted(h.clock, [throttled(), throttled(), throttled(), throttled()]);
    await expect(withRetry(call.fn, h.opts)).resolves.toBe('ok');
    expect(call.calls()).toBe(5);
    // random() = 1: the full window, 100 · 2^(n-1) capped at 300.
    expect(h.sleeps).toEqual([100, 200, 300, 300]);
    expect(h.retries).toEqual([
      ['Throttling.User', 1, 100],
      ['Throttling.User', 2, 200],
      ['Throttling.User', 3, 300],
      ['Throttling.User', 4, 300],
    ]);
  });

  it('uses full jitter: the delay is random() times the window', async () => {
    const h = harness({ random: () => 0.25 });
    const call = scripted(h.clock, [throttled(), throttled()]);
    await withRetry(call.fn, h.opts);
    expect(h.sleeps).toEqual([25, 50]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const h = harness({ maxAttempts: 3 });
    const last = throttled({ requestId: 'the-last' });
    const call = scripted(h.clock, [throttled(), throttled(), last, throttled()]);
    await expect(withRetry(call.fn, h.opts)).rejects.toBe(last);
    expect(call.calls()).toBe(3);
    expect(h.sleeps).toHaveLength(2);
  });

  it('does not retry an error that is not retryable, nor one that is not an ApiError', async () => {
    const h = harness();
    const bad = new ApiError('CreateTrainingJob failed: InvalidParameter', { code: 'InvalidParameter', status: 400, retryable: false });
    const one = scripted(h.clock, [bad]);
    await expect(withRetry(one.fn, h.opts)).rejects.toBe(bad);
    expect(one.calls()).toBe(1);
    const bug = new TypeError('a bug');
    const two = scripted(h.clock, [bug]);
    await expect(withRetry(two.fn, h.opts)).rejects.toBe(bug);
    expect(two.calls()).toBe(1);
    expect(h.sleeps).toEqual([]);
  });

  it('does not repeat a call that is not idempotent after an ambiguous failure (it may have been done)', async () => {
    const h = harness({ idempotent: false });
    const error = reset();
    const call = scripted(h.clock, [error]);
    await expect(withRetry(call.fn, h.opts)).rejects.toBe(error);
    expect(call.calls()).toBe(1);
  });

  it('repeats a call that is not idempotent when the request never left, and repeats an idempotent one either way', async () => {
    const notIdempotent = harness({ idempotent: false });
    const sentNever = scripted(notIdempotent.clock, [refused(), throttled()]);
    await expect(withRetry(sentNever.fn, notIdempotent.opts)).resolves.toBe('ok');
    expect(sentNever.calls()).toBe(3);
    const idempotent = harness();
    const ambiguous = scripted(idempotent.clock, [reset(), reset()]);
    await expect(withRetry(ambiguous.fn, idempotent.opts)).resolves.toBe('ok');
    expect(ambiguous.calls()).toBe(3);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const h = harness({ signal: controller.signal });
    const call = scripted(h.clock, []);
    await expect(withRetry(call.fn, h.opts)).rejects.toBeInstanceOf(InterruptedError);
    expect(call.calls()).toBe(0);
  });

  it("does not retry once the signal is aborted during an attempt: the attempt's own error is thrown", async () => {
    const controller = new AbortController();
    const h = harness({ signal: controller.signal });
    const error = throttled();
    const fn = async () => {
      controller.abort();
      throw error;
    };
    await expect(withRetry(fn, h.opts)).rejects.toBe(error);
    expect(h.sleeps).toEqual([]);
  });

  it('passes the signal to the sleep, so an interrupt during the wait ends it', async () => {
    const controller = new AbortController();
    let calls = 0;
    const fn = async () => {
      calls++;
      throw throttled();
    };
    const pending = withRetry(fn, {
      idempotent: true,
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      random: () => 1,
      maxTotalMs: 600_000,
      signal: controller.signal,
    });
    // The first attempt has failed and the real sleep of a minute has begun: the abort ends it.
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
    expect(calls).toBe(1);
  });

  it('gives up when the next wait would pass maxTotalMs since the first attempt', async () => {
    // Each answered attempt takes 1 s of fake time; waits 100, 200, 300: the third retry would end at 1+.1+1+.2+1+.3 > 3.5 s.
    const h = harness({ maxTotalMs: 3_500 });
    const last = throttled({ requestId: 'r3' });
    const call = scripted(h.clock, [throttled(), throttled(), last, throttled()], 1_000);
    await expect(withRetry(call.fn, h.opts)).rejects.toBe(last);
    expect(call.calls()).toBe(3);
    expect(h.sleeps).toEqual([100, 200]);
  });

  it('does not count attempts that got no answer against maxTotalMs (each is bounded by its own timeout)', async () => {
    // Two 30-second timeouts would pass a 10-second budget if they counted; they do not, so the call gets its answer.
    const h = harness({ maxTotalMs: 10_000 });
    const call = scripted(h.clock, [reset(), reset()], 30_000);
    await expect(withRetry(call.fn, h.opts)).resolves.toBe('ok');
    expect(call.calls()).toBe(3);
    // An answered failure of the same length does count.
    const answered = harness({ maxTotalMs: 10_000 });
    const slow = scripted(answered.clock, [throttled()], 30_000);
    await expect(withRetry(slow.fn, answered.opts)).rejects.toBeInstanceOf(ApiError);
    expect(slow.calls()).toBe(1);
  });

  it("waits as long as the service's Retry-After says, instead of its own backoff", async () => {
    const h = harness({ random: () => 0 });
    const call = scripted(h.clock, [throttled({ retryAfterMs: 1_500 }), throttled()]);
    await expect(withRetry(call.fn, h.opts)).resolves.toBe('ok');
    // 1500 from Retry-After (above maxDelayMs, which caps only the backoff), then the backoff: random() = 0.
    expect(h.sleeps).toEqual([1_500, 0]);
    expect(h.retries[0]).toEqual(['Throttling.User', 1, 1_500]);
  });

  it('gives up rather than wait a Retry-After that would pass maxTotalMs', async () => {
    const h = harness({ maxTotalMs: 5_000 });
    const error = throttled({ retryAfterMs: 6_000 });
    const call = scripted(h.clock, [error]);
    await expect(withRetry(call.fn, h.opts)).rejects.toBe(error);
    expect(h.sleeps).toEqual([]);
  });
});

describe('withRetry: its defaults and limits', () => {
  /** A clock and sleep only, so the policy's own defaults apply. */
  function bare(attemptMs = 0) {
    const clock = { t: 0 };
    const sleeps: number[] = [];
    let calls = 0;
    const fn = async () => {
      calls++;
      clock.t += attemptMs;
      throw throttled();
    };
    const base = {
      idempotent: true,
      now: () => clock.t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock.t += ms;
      },
    };
    return { fn, base, sleeps, calls: () => calls };
  }

  it('by default tries 5 times, waiting 500, 1000, 2000 and 4000 ms at most', async () => {
    const b = bare();
    await expect(withRetry(b.fn, { ...b.base, random: () => 1 })).rejects.toBeInstanceOf(ApiError);
    expect(b.calls()).toBe(5);
    expect(b.sleeps).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('by default caps one wait at 8 s', async () => {
    const b = bare();
    await expect(withRetry(b.fn, { ...b.base, random: () => 1, maxAttempts: 7 })).rejects.toBeInstanceOf(ApiError);
    expect(b.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('by default gives up once the next wait would pass a minute since the first attempt', async () => {
    // Answered attempts of 20 s: 20 + 0.5 + 20 + 1 + 20 = 61.5 s before the third wait: no fourth attempt.
    const b = bare(20_000);
    await expect(withRetry(b.fn, { ...b.base, random: () => 1, maxAttempts: 10 })).rejects.toBeInstanceOf(ApiError);
    expect(b.calls()).toBe(3);
    expect(b.sleeps).toEqual([500, 1_000]);
  });

  it('by default draws the jitter at random, within the backoff window', async () => {
    const b = bare();
    await expect(withRetry(b.fn, b.base)).rejects.toBeInstanceOf(ApiError);
    expect(b.sleeps).toHaveLength(4);
    b.sleeps.forEach((ms, i) => {
      expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(500 * 2 ** i);
    });
  });

  it('may wait exactly up to maxTotalMs, not past it', async () => {
    const h = harness({ maxTotalMs: 300, baseDelayMs: 100, maxDelayMs: 1_000 });
    const call = scripted(h.clock, [throttled(), throttled(), throttled()]);
    // Waits 100 then 200: the second ends exactly at 300 ms. The third (400) would pass it.
    await expect(withRetry(call.fn, h.opts)).rejects.toBeInstanceOf(ApiError);
    expect(h.sleeps).toEqual([100, 200]);
    expect(call.calls()).toBe(3);
  });

  it('counts an ambiguous failure that got an answer (a 504) against maxTotalMs', async () => {
    const h = harness({ maxTotalMs: 10_000 });
    const gatewayTimeout = new ApiError('GetTrainingJob failed: 504', { code: 'GatewayTimeout', status: 504, retryable: true, ambiguous: true });
    const call = scripted(h.clock, [gatewayTimeout], 30_000);
    await expect(withRetry(call.fn, h.opts)).rejects.toBe(gatewayTimeout);
    expect(call.calls()).toBe(1);
  });

  it('counts a slow refused connection against maxTotalMs (only attempts that may have been sent are exempt)', async () => {
    const h = harness({ maxTotalMs: 10_000 });
    const error = refused();
    const call = scripted(h.clock, [error], 30_000);
    await expect(withRetry(call.fn, h.opts)).rejects.toBe(error);
    expect(call.calls()).toBe(1);
  });

  it('counts the answered attempts after an unanswered one against maxTotalMs, and only those', async () => {
    // 30 s lost to a reset, then answered failures of 1 s each: 1 + 0.1 + 1 + 0.2 = 2.3 s, and a wait of 0.3 s
    // would pass the 2.5 s budget: the third attempt's error ends it.
    const h = harness({ maxTotalMs: 2_500 });
    const last = throttled({ requestId: 'third' });
    const failures = [reset(), throttled(), last, throttled()];
    let n = 0;
    const fn = async () => {
      n++;
      h.clock.t += n === 1 ? 30_000 : 1_000;
      throw failures.shift();
    };
    await expect(withRetry(fn, h.opts)).rejects.toBe(last);
    expect(n).toBe(3);
    expect(h.sleeps).toEqual([100, 200]);
  });

  it('honours a Retry-After of 0: retries at once rather than backing off', async () => {
    const h = harness();
    const call = scripted(h.clock, [throttled({ retryAfterMs: 0 })]);
    await expect(withRetry(call.fn, h.opts)).resolves.toBe('ok');
    expect(h.sleeps).toEqual([0]);
  });
});

describe('abortableSleep', () => {
  it('rejects at once with an already-aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(abortableSleep(60_000, controller.signal)).rejects.toBeInstanceOf(InterruptedError);
  });

  it('ends early with an InterruptedError when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
  });

  it('once over, leaves no listener on the signal (a long follow sleeps thousands of times on one signal)', async () => {
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    await expect(abortableSleep(0, controller.signal)).resolves.toBeUndefined();
    expect(added).toHaveBeenCalledTimes(1);
    expect(removed).toHaveBeenCalledTimes(1);
    expect(removed.mock.calls[0]![1]).toBe(added.mock.calls[0]![1]);
  });

  it('resolves after the time without a signal', async () => {
    await expect(abortableSleep(0)).resolves.toBeUndefined();
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-02T03:04:05Z');

  it('reads seconds and HTTP dates, as milliseconds from now', () => {
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:04:35 GMT', now)).toBe(30_000);
    // A date already past: retry now.
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:00:00 GMT', now)).toBe(0);
  });

  it('ignores a header that is absent or unreadable, so the backoff applies', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });

  it('is carried by an OSS error whose answer had it, and absent otherwise', () => {
    const slowDown = fromOssError(
      Object.assign(new Error('Please reduce your request rate.'), { code: 'SlowDown', status: 503, retryAfter: '2' }),
      'PutObject oss://b/k',
    );
    expect(slowDown).toBeInstanceOf(ApiError);
    expect(slowDown).toMatchObject({ code: 'SlowDown', retryable: true, retryAfterMs: 2_000 });
    const plain = fromOssError(Object.assign(new Error('Please reduce your request rate.'), { code: 'SlowDown', status: 503 }), 'PutObject oss://b/k');
    expect((plain as ApiError).retryAfterMs).toBeUndefined();
  });
});
