import type { JobsApi, TrainingJob } from './ports/backends.js';
import { ApiError, NotFoundError } from './errors.js';

export interface AwaitCreatedOptions {
  /** How long a not-found may last after a successful create. Default 15 s. */
  graceMs?: number;
  /** The first wait; each next one doubles, up to 2 s. Default 250 ms. */
  firstDelayMs?: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  signal?: AbortSignal;
}

/**
 * The first GetTrainingJob of a job CreateTrainingJob just answered for. The service reads from a store that
 * can lag the create for a moment (the PAI SDK's waits retry through it), so a not-found here means "not yet",
 * and is asked again with backoff for a bounded time. Still not found after that: a clear error that names
 * the id Create returned, never "job lost". `jobs` retries a 5xx itself (src/core/retrying-backends.ts).
 */
export async function awaitCreated(jobs: JobsApi, jobId: string, options: AwaitCreatedOptions): Promise<TrainingJob> {
  const { now, sleep } = options;
  const deadline = now() + (options.graceMs ?? 15_000);
  let delay = options.firstDelayMs ?? 250;
  for (;;) {
    try {
      return await jobs.getJob(jobId);
    } catch (error) {
      if (!(error instanceof NotFoundError && error.kind === 'job')) throw error;
      const left = deadline - now();
      if (left <= 0) {
        throw new ApiError(
          `CreateTrainingJob returned the id ${jobId}, but GetTrainingJob still does not find that job after ${Math.round((options.graceMs ?? 15_000) / 1000)} s`,
          {
            code: 'CreatedJobNotFound',
            retryable: false,
            hint: `The job was created and may appear shortly: pai-process status ${jobId}, or look for it with pai-process list.`,
          },
        );
      }
      await sleep(Math.min(delay, left), options.signal);
      delay = Math.min(delay * 2, 2_000);
    }
  }
}
