import { describe, expect, it } from 'vitest';
import type { JobsApi, TrainingJob } from '../../src/core/ports/backends.js';
import { ApiError } from '../../src/core/errors.js';
import { createOnce } from '../../src/core/submit.js';
import { SUBMISSION_LABEL } from '../../src/core/request/create-training-job.js';
import { retryingJobs } from '../../src/core/retrying-backends.js';
import { createRuntime } from '../../src/core/runtime.js';

const NAME = 'proc_20260101_120000';
const SUBMISSION = 'sub-1';
const JOB = { id: 'train-1', name: NAME, labels: { [SUBMISSION_LABEL]: SUBMISSION } } as unknown as TrainingJob;
const OTHER = { id: 'train-0', name: NAME, labels: { [SUBMISSION_LABEL]: 'someone-else' } } as unknown as TrainingJob;

const lost = () =>
  new ApiError('CreateTrainingJob: could not reach the PAI service (ECONNRESET: socket hang up)', {
    code: 'ECONNRESET',
    action: 'CreateTrainingJob',
    retryable: true,
    ambiguous: true,
  });
const refused = () =>
  new ApiError('CreateTrainingJob: could not reach the PAI service (ECONNREFUSED)', {
    code: 'ECONNREFUSED',
    action: 'CreateTrainingJob',
    retryable: true,
    ambiguous: false,
  });
const unavailable = () =>
  new ApiError('ListTrainingJobs failed: ServiceUnavailable', { code: 'ServiceUnavailable', action: 'ListTrainingJobs', status: 503, retryable: true });

/** The retry policy as submitJob uses it, with 3 attempts a call and no waiting. */
const runtime = (lostCreateGraceMs = 60_000) => createRuntime({ retry: { maxAttempts: 3, baseDelayMs: 0 }, sleep: async () => {}, lostCreateGraceMs });
/** The jobs API as every command gets it (each call but the create through that policy), and the runtime. */
const deps = (jobs: Partial<JobsApi>, r = runtime()) => [retryingJobs(jobs as JobsApi, r.retrying), r] as const;

describe('createOnce: a lost create is looked up, each look-up call with its own attempts', () => {
  it('finds the job though every ListTrainingJobs call fails once before it answers', async () => {
    let creates = 0;
    let lists = 0;
    let answered = 0;
    const jobs = {
      createJob: async () => {
        creates++;
        throw lost();
      },
      listJobs: async () => {
        // Odd calls fail, even calls answer; the job shows only from the 5th answer on (the service is slow to list it).
        if (++lists % 2 === 1) throw unavailable();
        return ++answered >= 5 ? { jobs: [OTHER, JOB], totalCount: 2 } : { jobs: [OTHER], totalCount: 1 };
      },
    };
    // Ten failures in all, three attempts a call: counted across the loop, they would have run out.
    await expect(createOnce('{}', NAME, SUBMISSION, 'ws', ...deps(jobs))).resolves.toBe('train-1');
    expect(creates).toBe(1);
    expect(lists).toBe(10);
  });

  it('a look-up that fails for good ends it, saying the job may exist, without a second create', async () => {
    let creates = 0;
    const jobs = {
      createJob: async () => {
        creates++;
        throw lost();
      },
      listJobs: async () => {
        throw unavailable();
      },
    };
    const error = await createOnce('{}', NAME, SUBMISSION, 'ws', ...deps(jobs)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toContain(`the job ${NAME} may have been created`);
    expect((error as ApiError).hint).toContain(`pai-process list --name ${NAME}`);
    expect((error as ApiError).retryable).toBe(false);
    expect(creates).toBe(1);
  });

  it('a create that is never answered ends saying the job may exist', async () => {
    let creates = 0;
    const jobs = {
      createJob: async () => {
        creates++;
        throw lost();
      },
      listJobs: async () => ({ jobs: [OTHER], totalCount: 1 }),
    };
    const error = await createOnce('{}', NAME, SUBMISSION, 'ws', ...deps(jobs, runtime(0))).catch((e: unknown) => e);
    expect((error as ApiError).message).toContain(`the job ${NAME} may have been created`);
    // Each send after the first came after a look that found nothing.
    expect(creates).toBe(3);
  });

  it('a create refused before sending is sent again without a look-up', async () => {
    let creates = 0;
    let lists = 0;
    const jobs = {
      createJob: async () => {
        if (++creates === 1) throw refused();
        return 'train-2';
      },
      listJobs: async () => {
        lists++;
        return { jobs: [], totalCount: 0 };
      },
    };
    await expect(createOnce('{}', NAME, SUBMISSION, 'ws', ...deps(jobs))).resolves.toBe('train-2');
    expect(creates).toBe(2);
    expect(lists).toBe(0);
  });
});
