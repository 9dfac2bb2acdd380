import type { TrainingJob } from '../ports/backends.js';
import { withRetry, type RetryOptions } from '../ports/retry.js';
import type { ApiError } from '../errors.js';
import { hasEnded } from '../job-status.js';
import { CallBudget } from './budget.js';
import { CADENCE, type Cadence } from './cadence.js';
import { EventLog, listEvents, type JobEvent } from './events.js';
import type { FollowDeps } from './follow.js';

export interface EventsSink {
  event(event: JobEvent): void;
  retry?(error: ApiError, attempt: number, delayMs: number): void;
}

export interface WatchEventsOptions {
  /** Keep reading until the job ends (`events --follow`); else print what is there and return. */
  follow: boolean;
  signal?: AbortSignal;
  cadence?: Partial<Cadence>;
  retry?: Partial<RetryOptions>;
}

/**
 * `events JOB [--follow]`: every event of the job, each once. Following reads the status, then the events,
 * every `eventsIntervalMs` (10 s) on one call budget, until the job has ended; the events read after the end
 * was seen include the last ones. Returns the job as last read (undefined without --follow).
 */
export async function watchEvents(jobId: string, deps: FollowDeps, sink: EventsSink, options: WatchEventsOptions): Promise<TrainingJob | undefined> {
  const cadence: Cadence = { ...CADENCE, ...options.cadence };
  const { signal } = options;
  const call = <T>(fn: () => Promise<T>) => withRetry(fn, { idempotent: true, ...options.retry, ...(signal ? { signal } : {}), ...(sink.retry ? { onRetry: sink.retry.bind(sink) } : {}) });
  const log = new EventLog();
  if (!options.follow) {
    for (const e of log.add(await listEvents(deps.jobs, jobId, call))) sink.event(e);
    return undefined;
  }
  const jobs = new CallBudget(cadence.callSpacingMs, deps.now, deps.sleep).wrap(deps.jobs, signal);
  for (;;) {
    const job = await call(() => jobs.getJob(jobId));
    for (const e of log.add(await listEvents(jobs, jobId, call, log.startTime))) sink.event(e);
    if (hasEnded(job.status)) return job;
    await deps.sleep(cadence.eventsIntervalMs, signal);
  }
}
