import type { TrainingJob } from './ports/backends.js';
import { didYouMean } from './diagnostics.js';
import { parseDuration } from './duration.js';
import { UsageError } from './errors.js';
import { KNOWN_STATUSES, isTerminal } from './job-status.js';
import type { NameOf } from './option-names.js';

/** The service's own window: ListTrainingJobs without StartTime lists the last 7 days. */
export const DEFAULT_SINCE = '7d';

/**
 * The `since` of a listing: a duration back from now (`3d`, `12h`, `90m`, `2d12h`) or a date (`2026-11-01`, UTC
 * midnight) or a time (`2026-11-01T08:00:00Z`). Returns the instant as ISO 8601 UTC without fractions, as StartTime
 * wants it; messages name the setting as `nameOf` says.
 */
export function parseSince(text: string, now: Date, nameOf: NameOf): string {
  const since = nameOf('since');
  const trimmed = text.trim();
  const seconds = /^\d+$/.test(trimmed) ? undefined : parseDuration(trimmed);
  let at: number;
  if (seconds !== undefined) {
    at = now.getTime() - seconds * 1000;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    at = Date.parse(`${trimmed}T00:00:00Z`);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) {
    at = Date.parse(trimmed);
  } else {
    at = NaN;
  }
  if (!Number.isFinite(at)) {
    throw new UsageError(
      `${since} expects a duration such as 3d, 12h or 90m, or a date such as 2026-11-01, got "${text}"`,
      `Jobs created since then are listed; without ${since}, the last 7 days.`,
    );
  }
  if (at > now.getTime()) throw new UsageError(`${since} ${text} is in the future`, 'Give a past date, or a duration back from now such as 30d.');
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The `status` of a listing: one of the statuses the tool knows. The case is fixed (`running` → `Running`: the service
 * compares exactly); anything else ends with exit 2 and a guess, since the service would just list nothing.
 */
export function parseStatus(text: string, nameOf: NameOf): string {
  const exact = KNOWN_STATUSES.find((s) => s === text);
  if (exact) return exact;
  const folded = KNOWN_STATUSES.find((s) => s.toLowerCase() === text.trim().toLowerCase());
  if (folded) return folded;
  const guess = didYouMean(text, KNOWN_STATUSES);
  throw new UsageError(
    `${nameOf('status')} "${text}" is not a job status${guess ? `; did you mean "${guess}"?` : ''}`,
    `Known statuses: ${KNOWN_STATUSES.join(', ')}.`,
  );
}

/**
 * How long a listed job has run, in seconds, when the answer has no Duration (ListTrainingJobs items have
 * none in the official model): from its creation to when it ended (the start of its terminal status, else
 * its last modification), or to now while it runs. Undefined without a creation time.
 */
export function durationOf(job: TrainingJob, now: Date): number | undefined {
  if (job.duration !== undefined) return job.duration;
  const created = job.createTime ? Date.parse(job.createTime) : NaN;
  if (!Number.isFinite(created)) return undefined;
  let end = now.getTime();
  if (isTerminal(job.status)) {
    const last = [...job.transitions].reverse().find((t) => t.status === job.status);
    const ended = Date.parse(last?.startTime ?? job.modifiedTime ?? '');
    if (!Number.isFinite(ended)) return undefined;
    end = ended;
  }
  return end >= created ? Math.round((end - created) / 1000) : undefined;
}
