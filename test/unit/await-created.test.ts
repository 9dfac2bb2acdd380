import { describe, expect, it } from 'vitest';
import type { JobsApi, TrainingJob } from '../../src/core/ports/backends.js';
import { awaitCreated } from '../../src/core/await-created.js';
import { ApiError, NotFoundError } from '../../src/core/errors.js';
import { exitCodeForStatus } from '../../src/core/job-status.js';

describe('awaitCreated', () => {
  it('waits through a not-found of the job, with backoff, then answers the job', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    let now = 0;
    const jobs = {
      getJob: async () => (++calls < 4 ? Promise.reject(new NotFoundError('job', 'j', 'no job j', '')) : ({ id: 'j' } as TrainingJob)),
    } as unknown as JobsApi;
    const job = await awaitCreated(jobs, 'j', { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) });
    expect(job.id).toBe('j');
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('a not-found of something else (the workspace) is thrown at once, not waited through', async () => {
    const error = new NotFoundError('workspace', 'w', 'no workspace w', '');
    const sleeps: number[] = [];
    const jobs = { getJob: async () => Promise.reject(error) } as unknown as JobsApi;
    await expect(awaitCreated(jobs, 'j', { now: () => 0, sleep: async (ms: number) => void sleeps.push(ms) })).rejects.toBe(error);
    expect(sleeps).toEqual([]);
  });

  it('still not found after the grace: a clear error naming the id, not retryable', async () => {
    let now = 0;
    const jobs = { getJob: async () => Promise.reject(new NotFoundError('job', 'j', 'no job j', '')) } as unknown as JobsApi;
    const error = await awaitCreated(jobs, 'train-9', { graceMs: 3_000, now: () => now, sleep: async (ms: number) => void (now += ms) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('CreatedJobNotFound');
    expect((error as ApiError).retryable).toBe(false);
    expect((error as ApiError).message).toBe('CreateTrainingJob returned the id train-9, but GetTrainingJob still does not find that job after 3 s');
  });
});

describe('exitCodeForStatus', () => {
  it.each([
    ['Succeed', 0],
    ['SucceededReserving', 0],
    ['Failed', 1],
    ['InitializeFailed', 1],
    ['CreateFailed', 1],
    ['FailedReserving', 1],
    ['Stopped', 3],
    ['Terminated', 3],
    ['Running', 70],
    ['SomethingNew', 70],
  ])('%s → %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });
});
