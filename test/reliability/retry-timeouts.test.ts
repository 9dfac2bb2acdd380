// The retry policy against stalls (found by the soak, test/soak): attempts that got no answer are bounded by the
// client's own timeout, so they do not use up the 60 s cap. Before, one OSS timeout (120 s) left no second
// attempt, and two stalled PAI reads (2 × 30 s) ended a follow that had hours to go.
import { describe, expect, it } from 'vitest';
import { withRetry } from '../../src/core/ports/retry.js';
import { ApiError } from '../../src/core/errors.js';

const timedOut = (action: string) =>
  new ApiError(`${action}: could not reach the service (ReadTimeout)`, { code: 'RequestTimeoutError', action, retryable: true, ambiguous: true });
const unavailable = () =>
  new ApiError('GetTrainingJob failed: ServiceUnavailable', { code: 'ServiceUnavailable', status: 503, action: 'GetTrainingJob', retryable: true });

/** A fake clock: each attempt takes `took[i]` ms and fails with `fail[i]` (undefined = answers 'ok'). */
function scripted(steps: Array<{ took: number; error?: ApiError }>) {
  let clock = 0;
  let attempts = 0;
  const call = async () => {
    const step = steps[attempts++];
    if (!step) throw new Error('more attempts than scripted');
    clock += step.took;
    if (step.error) throw step.error;
    return 'ok';
  };
  const options = { idempotent: true, now: () => clock, sleep: async (ms: number) => void (clock += ms), random: () => 1 };
  return { call, options, attempts: () => attempts };
}

describe('attempts that got no answer do not use up the time cap', () => {
  it('a PAI read that stalls past its 30 s read timeout three times, then answers: answered', async () => {
    const s = scripted([
      { took: 30_000, error: timedOut('GetTrainingJob') },
      { took: 30_000, error: timedOut('GetTrainingJob') },
      { took: 30_000, error: timedOut('GetTrainingJob') },
      { took: 5 },
    ]);
    await expect(withRetry(s.call, s.options)).resolves.toBe('ok');
    expect(s.attempts()).toBe(4);
  });

  it('an OSS request that times out after 120 s, then answers: answered', async () => {
    const s = scripted([{ took: 120_000, error: timedOut('PutObject') }, { took: 5 }]);
    await expect(withRetry(s.call, s.options)).resolves.toBe('ok');
  });

  it('still at most 5 attempts', async () => {
    const s = scripted(Array.from({ length: 6 }, () => ({ took: 30_000, error: timedOut('GetTrainingJob') })));
    await expect(withRetry(s.call, s.options)).rejects.toThrow('ReadTimeout');
    expect(s.attempts()).toBe(5);
  });

  it('answers that say "not now" still count: slow 503s stop at the 60 s cap', async () => {
    const s = scripted(Array.from({ length: 5 }, () => ({ took: 25_000, error: unavailable() })));
    await expect(withRetry(s.call, s.options)).rejects.toThrow('ServiceUnavailable');
    // 25 s, backoff, 25 s (≈ 51 s), backoff, a third would start past 60 s.
    expect(s.attempts()).toBe(3);
  });
});
