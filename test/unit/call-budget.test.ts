import { describe, expect, it } from 'vitest';
import type { JobsApi } from '../../src/core/ports/backends.js';
import { CallBudget } from '../../src/core/follow/budget.js';

/** A clock that moves only when the budget sleeps, recording each sleep. */
function fakeTime(start = 1_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('CallBudget', () => {
  it('the first call starts at once; each next one waits for the rest of the spacing, whatever the time already passed', async () => {
    const t = fakeTime();
    const budget = new CallBudget(400, t.now, t.sleep);
    expect(budget.readyAt).toBe(-Infinity);
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await budget.take();
      starts.push(t.now());
    }
    expect(starts).toEqual([1_000, 1_400, 1_800]);
    expect(t.sleeps).toEqual([400, 400]);
    expect(budget.readyAt).toBe(2_200);
    // 150 ms passed on its own: only the remaining 250 are waited.
    t.advance(150);
    await budget.take();
    expect(t.sleeps.at(-1)).toBe(250);
    expect(t.now()).toBe(2_200);
    // Exactly on the slot: no wait at all.
    t.advance(400);
    await budget.take();
    expect(t.sleeps).toHaveLength(3);
    expect(budget.readyAt).toBe(3_000);
  });

  it('a sleep that ends early (woken) does not let the call start before its slot', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const budget = new CallBudget(
      100,
      () => now,
      async (ms) => {
        sleeps.push(ms);
        now += Math.min(ms, 30); // woken after 30 ms each time
      },
    );
    await budget.take();
    await budget.take();
    expect(now).toBe(100);
    expect(sleeps).toEqual([100, 70, 40, 10]);
  });

  it('hands its signal to the sleep', async () => {
    const t = fakeTime();
    const signals: (AbortSignal | undefined)[] = [];
    const budget = new CallBudget(10, t.now, async (ms, signal) => {
      signals.push(signal);
      await t.sleep(ms);
    });
    const controller = new AbortController();
    await budget.take(controller.signal);
    await budget.take(controller.signal);
    expect(signals).toEqual([controller.signal]);
  });

  it('wrap: status, log and event reads spend the budget; create, list, stop and storage do not', async () => {
    const t = fakeTime();
    const budget = new CallBudget(500, t.now, t.sleep);
    const calls: string[] = [];
    const jobs: JobsApi = {
      createJob: async (body) => (calls.push(`create ${body}`), 'id-1'),
      listJobs: async (query) => (calls.push(`list ${query.name}`), { jobs: [], totalCount: 0 }),
      stopJob: async (id) => void calls.push(`stop ${id}`),
      defaultStorage: async (id) => (calls.push(`storage ${id}`), 'oss://b/'),
      getJob: async (id) => (calls.push(`get ${id}@${t.now()}`), { id } as never),
      listLogs: async (id, q) => (calls.push(`logs ${id} ${q.pageNumber}@${t.now()}`), { lines: [], totalCount: 0, notStarted: false }),
      listEvents: async (id) => (calls.push(`events ${id}@${t.now()}`), { events: [] } as never),
    };
    const wrapped = budget.wrap(jobs);
    expect(await wrapped.createJob('{}')).toBe('id-1');
    expect(await wrapped.listJobs({ workspaceId: 'w', pageNumber: 1, pageSize: 1, name: 'n' })).toEqual({ jobs: [], totalCount: 0 });
    await wrapped.stopJob('j');
    expect(await wrapped.defaultStorage('w')).toBe('oss://b/');
    expect(t.sleeps).toEqual([]);
    expect(await wrapped.getJob('j')).toEqual({ id: 'j' });
    await wrapped.listLogs('j', { pageNumber: 2, pageSize: 100 });
    await wrapped.listEvents!('j', {} as never);
    expect(calls).toEqual(['create {}', 'list n', 'stop j', 'storage w', 'get j@1000', 'logs j 2@1500', 'events j@2000']);
  });

  it('wrap: no listEvents when the API has none', () => {
    const t = fakeTime();
    const jobs = {
      createJob: async () => '',
      listJobs: async () => ({ jobs: [], totalCount: 0 }),
      stopJob: async () => {},
      defaultStorage: async () => undefined,
      getJob: async () => ({}) as never,
      listLogs: async () => ({ lines: [], totalCount: 0, notStarted: false }),
    } as JobsApi;
    expect(new CallBudget(1, t.now, t.sleep).wrap(jobs).listEvents).toBeUndefined();
  });
});
