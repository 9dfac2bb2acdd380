import type { ApiError } from './ports/errors.js';
import type { Timeouts } from './ports/backends.js';
import { abortableSleep, withRetry, type RetryOptions } from './ports/retry.js';
import { CADENCE, type Cadence } from './follow/cadence.js';

/** A call made through the retry policy. */
export type Retrying = <T>(call: () => Promise<T>) => Promise<T>;

/** The retry timings a runtime may override (what is idempotent, the signal and the notice are its own). */
export type RetrySettings = Omit<Partial<RetryOptions>, 'idempotent' | 'signal' | 'onRetry'>;

export type RetryListener = (error: ApiError, attempt: number, delayMs: number) => void;

/**
 * What one invocation runs on: its clock, its sleep, the retry policy, the follow cadence, the network timeouts
 * and the Ctrl-C signal. The CLI builds one per invocation (src/cli/context.ts) and hands it down; tests build
 * one with a fake clock. Time is milliseconds since the epoch (`now()`); a Date is made from it only where a
 * calendar date is shown or named (`date()`).
 */
export interface Runtime {
  /** Milliseconds since the epoch: every elapsed time, deadline and backoff is measured with it. */
  now(): number;
  /** The calendar date for names and time stamps (a job's name, an NDJSON `time`). */
  date(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  readonly retry: RetrySettings;
  readonly cadence: Cadence;
  readonly timeouts: Timeouts;
  /** After a create whose answer was lost, how long to look for the job (undefined: src/core/submit.ts's default). */
  readonly lostCreateGraceMs: number | undefined;
  /** Aborted on Ctrl-C (or SIGTERM, SIGHUP): waits and retries end with an InterruptedError. */
  readonly signal: AbortSignal;
  /** Aborts `signal`: the invocation was interrupted. */
  interrupt(): void;
  /** Tells `listener` of every retry from now on (the "retrying" notice); returns the unsubscribe function. */
  onRetry(listener: RetryListener): () => void;
  /**
   * The one retry wrapper: `call` through the retry policy as an idempotent call, its sleeps on this clock,
   * ended by the signal, each retry told to the listeners. Every backend method but the create goes through it
   * (src/core/retrying-backends.ts).
   */
  retrying: Retrying;
  /** The same, but not ended by the signal: what must still be sent after Ctrl-C (the stop of --stop-on-interrupt). */
  retryingThroughInterrupt: Retrying;
}

export interface RuntimeSettings {
  now?: () => number;
  /** The calendar date; by default made from `now`. */
  date?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  retry?: RetrySettings;
  cadence?: Partial<Cadence>;
  timeouts?: Timeouts;
  lostCreateGraceMs?: number;
}

export function createRuntime(settings: RuntimeSettings = {}): Runtime {
  const now = settings.now ?? Date.now;
  const sleep = settings.sleep ?? abortableSleep;
  const controller = new AbortController();
  const listeners = new Set<RetryListener>();
  const notify: RetryListener = (error, attempt, delayMs) => {
    for (const listener of [...listeners]) listener(error, attempt, delayMs);
  };
  // The runtime's clock and sleep first, so that a test's fake clock drives the backoff too; the settings may still name their own.
  const policy: RetryOptions = { idempotent: true, now, sleep, ...settings.retry, onRetry: notify };
  return {
    now,
    date: settings.date ?? (() => new Date(now())),
    sleep,
    retry: settings.retry ?? {},
    cadence: { ...CADENCE, ...settings.cadence },
    timeouts: settings.timeouts ?? {},
    lostCreateGraceMs: settings.lostCreateGraceMs,
    signal: controller.signal,
    interrupt: () => controller.abort(),
    onRetry(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    retrying: (call) => withRetry(call, { ...policy, signal: controller.signal }),
    retryingThroughInterrupt: (call) => withRetry(call, policy),
  };
}
