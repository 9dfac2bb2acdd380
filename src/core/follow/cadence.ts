/**
 * How often the follow loop asks. Logs are read every second while lines arrive and every 1.5 s when
 * quiet (all streams at once, rounds spaced from their start), so a new line shows within about 1.5 s
 * and a request's time. Status is read every 2 s while the job is changing or has no instance yet, and
 * backs off by half again each unchanged read, to 10 s. For a job with N instances at steady state
 * that is about 40·N log calls and 6 status calls a minute.
 */
export const CADENCE = {
  logActiveMs: 1_000,
  logIdleMs: 1_500,
  statusMinMs: 2_000,
  statusMaxMs: 10_000,
  statusBackoff: 1.5,
  /** A "still running" line when no log line came for this long. */
  heartbeatMs: 30_000,
  /** After the job ends: read until a round brings nothing, this long apart, for at most drainMaxMs. */
  drainIntervalMs: 1_000,
  drainMaxMs: 15_000,
} as const;

export type Cadence = { -readonly [K in keyof typeof CADENCE]: number };
