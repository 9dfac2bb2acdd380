/**
 * How often the follow loop asks, and the one budget every call shares. docs/following.md has the table.
 *
 * All calls of one follow (GetTrainingJob, and every ListTrainingJobLogs page of every stream, retries
 * included) start at least `callSpacingMs` apart: 400 ms is at most 150 calls a minute, whatever the number
 * of workers, because the service throttles per account and API, not per instance. Within that budget the
 * oldest due read goes first, so each stream is read again within its interval plus one call slot for every
 * other stream and the status: `maxWaitMs` below.
 */
export const CADENCE = {
  /** A stream that delivered lines is due again this soon... */
  logActiveMs: 1_000,
  /** ...and one that did not, at least this late (longer for many streams: idleIntervalMs). */
  logIdleMs: 1_500,
  statusMinMs: 2_000,
  statusMaxMs: 10_000,
  statusBackoff: 1.5,
  /** The budget: calls start at least this far apart (400 ms = 150 a minute). */
  callSpacingMs: 400,
  /**
   * Calls are made one at a time, each in its own slot; one that has taken this long (a slow answer, a retry's
   * backoff) no longer holds the next one up, so a slow service cannot stretch every worker's wait.
   */
  overlapAfterMs: 1_000,
  /** No stream waits longer than max(maxWaitFloorMs, N × maxWaitPerStreamMs) between reads. */
  maxWaitFloorMs: 10_000,
  maxWaitPerStreamMs: 500,
  /** A "still running" line when no log line came for this long. */
  heartbeatMs: 30_000,
  /** After the job ends: read until a round brings nothing, this long apart, for at most drainMaxMs. */
  drainIntervalMs: 1_000,
  drainMaxMs: 15_000,
  /** Events are read once a job has waited (Creating, Queuing, EnvPreparing) this long... */
  eventsAfterMs: 30_000,
  /** ...then at most this often, and never within this long of a log line (core/follow/events.ts). */
  eventsIntervalMs: 10_000,
} as const;

export type Cadence = { -readonly [K in keyof typeof CADENCE]: number };

/** The longest a stream may go unread while following `streams` streams. */
export function maxWaitMs(cadence: Cadence, streams: number): number {
  return Math.max(cadence.maxWaitFloorMs, streams * cadence.maxWaitPerStreamMs);
}

/**
 * How long a quiet stream waits before it is due again. With few streams, logIdleMs (a new line shows within
 * about 1.5 s). With many, the budget cannot read every stream that often anyway (one round of N streams takes
 * N call slots), so quiet streams wait longer, up to what keeps the bound: interval + N slots (the other
 * streams and the status, each at most once ahead of it) + one active interval of margin ≤ maxWaitMs. The
 * slots this frees go to the streams that are delivering lines.
 */
export function idleIntervalMs(cadence: Cadence, streams: number): number {
  const round = streams * cadence.callSpacingMs;
  const room = maxWaitMs(cadence, streams) - round - cadence.logActiveMs;
  return Math.max(cadence.logIdleMs, Math.min(room, round));
}
