import { describe, expect, it } from 'vitest';
import type { JobsApi } from '../../src/core/ports/backends.js';
import { awaitCreated } from '../../src/core/await-created.js';
import { ApiError, NotFoundError } from '../../src/core/errors.js';
import { fakeClock, trainingJob } from './submit-fakes.js';

const notYet = () => new NotFoundError('job', 'train-1', 'no job train-1', '');
/** A GetTrainingJob that does not find the job for its first `misses` reads (all of them by default). */
const lagging = (misses = Number.POSITIVE_INFINITY) => {
  let reads = 0;
  const jobs = { getJob: async (id: string) => (++reads <= misses ? Promise.reject(notYet()) : trainingJob({ id })) } as unknown as JobsApi;
  return { jobs, reads: () => reads };
};

describe('awaitCreated: the backoff and the grace', () => {
  it('doubles its wait up to 2 s, and cuts the last wait to what is left of the grace', async () => {
    const clock = fakeClock(0);
    const { jobs, reads } = lagging();
    const error = (await awaitCreated(jobs, 'train-1', { graceMs: 7_000, now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('CreatedJobNotFound');
    expect(clock.slept).toEqual([250, 500, 1_000, 2_000, 2_000, 1_250]);
    // One read at the start and one after each wait: the last at exactly the end of the grace.
    expect(reads()).toBe(7);
    expect(error.message).toBe('CreateTrainingJob returned the id train-1, but GetTrainingJob still does not find that job after 7 s');
    expect(error.hint).toBe('The job was created and may appear shortly: pai-process status train-1, or look for it with pai-process list.');
  });

  it('waits 15 s by default, and names that grace in whole seconds', async () => {
    const clock = fakeClock(0);
    const error = (await awaitCreated(lagging().jobs, 'train-1', { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e)) as ApiError;
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(15_000);
    expect(error.message).toMatch(/after 15 s$/);
    const short = fakeClock(0);
    const rounded = (await awaitCreated(lagging().jobs, 'train-1', { graceMs: 2_600, now: short.now, sleep: short.sleep }).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(rounded.message).toMatch(/after 3 s$/);
  });

  it('starts from the first delay it is given', async () => {
    const clock = fakeClock(0);
    const job = await awaitCreated(lagging(3).jobs, 'train-1', { firstDelayMs: 40, now: clock.now, sleep: clock.sleep });
    expect(job.id).toBe('train-1');
    expect(clock.slept).toEqual([40, 80, 160]);
  });

  it('a job found at once costs no wait', async () => {
    const clock = fakeClock(0);
    await awaitCreated(lagging(0).jobs, 'train-1', { now: clock.now, sleep: clock.sleep });
    expect(clock.slept).toEqual([]);
  });

  it('hands its signal to every wait, so Ctrl-C ends it', async () => {
    const clock = fakeClock(0);
    const controller = new AbortController();
    const signals: (AbortSignal | undefined)[] = [];
    const sleep = async (ms: number, signal?: AbortSignal) => {
      signals.push(signal);
      await clock.sleep(ms, signal);
    };
    await awaitCreated(lagging(2).jobs, 'train-1', { now: clock.now, sleep, signal: controller.signal });
    expect(signals).toEqual([controller.signal, controller.signal]);
  });

  it('a service failure that is not a not-found is thrown at once', async () => {
    const clock = fakeClock(0);
    const failure = new ApiError('GetTrainingJob failed: InternalError', { code: 'InternalError', status: 500, retryable: true });
    const jobs = { getJob: async () => Promise.reject(failure) } as unknown as JobsApi;
    await expect(awaitCreated(jobs, 'train-1', { now: clock.now, sleep: clock.sleep })).rejects.toBe(failure);
    expect(clock.slept).toEqual([]);
  });
});
