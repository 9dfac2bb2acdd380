import type { TrainingJob } from '../ports/backends.js';
import { jobEvent, type Emit } from '../events.js';
import { hasEnded } from '../job-status.js';
import { CallBudget } from './budget.js';
import { CADENCE, type Cadence } from './cadence.js';
import { EventLog, listEvents } from './events.js';
import type { FollowDeps } from './follow.js';
import { jobsBeneath } from '../retrying-backends.js';

export interface WatchEventsOptions {
  /** Keep reading until the job ends (`events --follow`); else print what is there and return. */
  follow: boolean;
  signal?: AbortSignal;
  cadence?: Partial<Cadence>;
}

/**
 * `events JOB [--follow]`: every event of the job, each once. Following reads the status, then the events,
 * every `eventsIntervalMs` (10 s) on one call budget, until the job has ended; the events read after the end
 * was seen include the last ones. Returns the job as last read (undefined without --follow).
 */
export async function watchEvents(jobId: string, deps: FollowDeps, emit: Emit, options: WatchEventsOptions): Promise<TrainingJob | undefined> {
  const cadence: Cadence = { ...CADENCE, ...options.cadence };
  const { signal } = options;
  const log = new EventLog();
  if (!options.follow) {
    for (const e of log.add(await listEvents(deps.jobs, jobId))) emit(jobEvent(jobId, e));
    return undefined;
  }
  // The budget beneath the retries, so that a retry spends it too.
  const budget = new CallBudget(cadence.callSpacingMs, deps.now, deps.sleep);
  const jobs = jobsBeneath(deps.jobs, { layer: (raw) => budget.wrap(raw, signal) });
  for (;;) {
    const job = await jobs.getJob(jobId);
    for (const e of log.add(await listEvents(jobs, jobId, log.startTime))) emit(jobEvent(jobId, e));
    if (hasEnded(job.status)) return job;
    await deps.sleep(cadence.eventsIntervalMs, signal);
  }
}
