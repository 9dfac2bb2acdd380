import { ApiError, InterruptedError } from './errors.js';

export interface RetryOptions {
  /** Whether the call can be repeated without effect (GET, HEAD, an upload to a content-addressed key). */
  idempotent: boolean;
  maxAttempts?: number;
  /** First backoff; doubles each attempt, with full jitter, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Give up once this much time has passed since the first attempt, not counting attempts that got no answer
   * (timeouts, cut connections: each is bounded by its own timeout, and maxAttempts bounds how many).
   */
  maxTotalMs?: number;
  signal?: AbortSignal;
  /** Told before each retry, for a "retrying" line. */
  onRetry?: (error: ApiError, attempt: number, delayMs: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const RETRY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8_000, maxTotalMs: 60_000 } as const;

/**
 * The one retry policy for every PAI and OSS call. It retries only ApiErrors that say so (throttling, 5xx,
 * network), with exponential backoff and full jitter; a call that is not idempotent is retried only when
 * the request never left (connection refused). It never retries after the user interrupted.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const cap = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const maxTotal = options.maxTotalMs ?? RETRY_DEFAULTS.maxTotalMs;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const started = now();
  // Time spent in attempts that got no answer at all (a timeout, a cut connection). Each is bounded by the
  // client's own timeout, so it does not count against maxTotal: otherwise one OSS timeout (120 s) would leave no
  // second attempt, and two stalled PAI reads (2 × 30 s) would end a long follow.
  let unanswered = 0;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new InterruptedError('Interrupted');
    const attemptStarted = now();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError) || !error.retryable) throw error;
      if (!options.idempotent && error.ambiguous) throw error;
      if (attempt >= maxAttempts || options.signal?.aborted) throw error;
      if (error.status === undefined && error.ambiguous) unanswered += now() - attemptStarted;
      // The service's Retry-After wins over our own backoff, within the same cap on total time.
      const delay = error.retryAfterMs !== undefined ? error.retryAfterMs : Math.round(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (now() - started - unanswered + delay > maxTotal) throw error;
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

/** setTimeout as a promise that an AbortSignal ends early (with an InterruptedError). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError('Interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError('Interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
