import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import type { JobsApi, ObjectStore, TrainingJob } from '../../src/core/ports/backends.js';
import { adaptersOf, jobsBeneath, retryingBackends, retryingJobs, retryingStore } from '../../src/core/retrying-backends.js';
import type { Retrying } from '../../src/core/runtime.js';

/**
 * The retry wrapper every command's backends go through. The policy here is a fake `Retrying` that tries a call
 * up to three times with no wait, counting how many calls went through it: what matters is which methods pass
 * the policy, with which arguments, and what reaches the adapter.
 */
function policy() {
  const used = { count: 0 };
  const retrying: Retrying = async (call) => {
    used.count++;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  };
  return { retrying, used };
}

const glitch = () => new ApiError('could not reach the service (ECONNRESET)', { code: 'ECONNRESET', retryable: true, ambiguous: true });
const JOB = { id: 'j1', name: 'n', status: 'Running', instances: [], outputs: [], transitions: [], labels: {} } as TrainingJob;

/**
 * A JobsApi whose every method fails once before it answers, recording each call with its arguments: a method
 * that went through the retry policy answers; one that did not throws the glitch.
 */
function onceFlakyJobs() {
  const calls: string[] = [];
  const failed = new Set<string>();
  const once = <T>(name: string, args: unknown[], answer: T): Promise<T> => {
    calls.push(`${name} ${JSON.stringify(args)}`);
    if (!failed.has(name)) {
      failed.add(name);
      return Promise.reject(glitch());
    }
    return Promise.resolve(answer);
  };
  const jobs: JobsApi = {
    createJob: (body) => once('createJob', [body], 'new-id'),
    getJob: (id) => once('getJob', [id], JOB),
    listJobs: (query) => once('listJobs', [query], { jobs: [JOB], totalCount: 1 }),
    listLogs: (id, query) => once('listLogs', [id, query], { lines: ['a'], totalCount: 1, notStarted: false }),
    stopJob: (id) => once('stopJob', [id], undefined),
    listEvents: (id, query) => once('listEvents', [id, query], { events: [] } as never),
    defaultStorage: (workspaceId) => once('defaultStorage', [workspaceId], 'oss://bucket/'),
  };
  return { jobs, calls };
}

function onceFlakyStore() {
  const calls: string[] = [];
  const failed = new Set<string>();
  const once = <T>(name: string, args: unknown[], answer: T): Promise<T> => {
    calls.push(`${name} ${JSON.stringify(args)}`);
    if (!failed.has(name)) {
      failed.add(name);
      return Promise.reject(glitch());
    }
    return Promise.resolve(answer);
  };
  const store: ObjectStore = {
    head: (bucket, key) => once('head', [bucket, key], { size: 3 }),
    putFile: (bucket, key, path, options) => once('putFile', [bucket, key, path, options], undefined),
    putContent: (bucket, key, body, options) => once('putContent', [bucket, key, body.toString(), options], undefined),
    getFile: (bucket, key, path) => once('getFile', [bucket, key, path], undefined),
    download: (bucket, key, path, options) => once('download', [bucket, key, path, options], { size: 4, written: 4 }),
    list: (bucket, prefix) => once('list', [bucket, prefix], [{ key: 'p/a', size: 1 }]),
    bucketRegion: (bucket) => once('bucketRegion', [bucket], 'cn-hangzhou'),
    multipart: { threshold: 1024, partSize: 512 },
  };
  return { store, calls };
}

describe('retryingJobs: every JobsApi read and the stop go through the retry policy, with their arguments', () => {
  it('answers each method after its failed first attempt, the adapter getting the same arguments each time', async () => {
    const raw = onceFlakyJobs();
    const p = policy();
    const jobs = retryingJobs(raw.jobs, p.retrying);
    const logsQuery = { pageNumber: 2, pageSize: 50, instanceId: 'w0' };
    const listQuery = { workspaceId: 'ws', pageNumber: 1, pageSize: 10, name: 'n' };
    await expect(jobs.getJob('j1')).resolves.toBe(JOB);
    await expect(jobs.listJobs(listQuery)).resolves.toEqual({ jobs: [JOB], totalCount: 1 });
    await expect(jobs.listLogs('j1', logsQuery)).resolves.toEqual({ lines: ['a'], totalCount: 1, notStarted: false });
    await expect(jobs.stopJob('j1')).resolves.toBeUndefined();
    await expect(jobs.listEvents!('j1', { pageNumber: 1 } as never)).resolves.toEqual({ events: [] });
    await expect(jobs.defaultStorage('ws')).resolves.toBe('oss://bucket/');
    expect(p.used.count).toBe(6);
    const twice = (line: string) => [line, line];
    expect(raw.calls).toEqual([
      ...twice('getJob ["j1"]'),
      ...twice(`listJobs [${JSON.stringify(listQuery)}]`),
      ...twice(`listLogs ["j1",${JSON.stringify(logsQuery)}]`),
      ...twice('stopJob ["j1"]'),
      ...twice('listEvents ["j1",{"pageNumber":1}]'),
      ...twice('defaultStorage ["ws"]'),
    ]);
  });

  it('sends the create once, outside the policy (it is not idempotent)', async () => {
    const raw = onceFlakyJobs();
    const p = policy();
    const jobs = retryingJobs(raw.jobs, p.retrying);
    await expect(jobs.createJob('{"a":1}')).rejects.toThrow('ECONNRESET');
    expect(raw.calls).toEqual(['createJob ["{\\"a\\":1}"]']);
    expect(p.used.count).toBe(0);
    await expect(jobs.createJob('{"a":1}')).resolves.toBe('new-id');
  });

  it('has no listEvents when the adapter has none (the follow then shows no events)', () => {
    const { listEvents: _, ...withoutEvents } = onceFlakyJobs().jobs;
    expect(retryingJobs(withoutEvents, policy().retrying).listEvents).toBeUndefined();
    expect('listEvents' in retryingJobs(withoutEvents, policy().retrying)).toBe(false);
  });
});

describe('retryingStore: every ObjectStore call goes through the retry policy, with its arguments', () => {
  it('answers each method after its failed first attempt, the adapter getting the same arguments each time', async () => {
    const raw = onceFlakyStore();
    const p = policy();
    const store = retryingStore(raw.store, p.retrying);
    await expect(store.head('b', 'k')).resolves.toEqual({ size: 3 });
    await expect(store.putFile('b', 'k', '/f', { contentMd5: 'md5' })).resolves.toBeUndefined();
    await expect(store.putContent('b', 'k2', Buffer.from('xyz'), { contentMd5: 'm2' })).resolves.toBeUndefined();
    await expect(store.getFile('b', 'k', '/g')).resolves.toBeUndefined();
    await expect(store.download!('b', 'k', '/d')).resolves.toEqual({ size: 4, written: 4 });
    await expect(store.list('b', 'p/')).resolves.toEqual([{ key: 'p/a', size: 1 }]);
    await expect(store.bucketRegion!('b')).resolves.toBe('cn-hangzhou');
    expect(p.used.count).toBe(7);
    const twice = (line: string) => [line, line];
    expect(raw.calls).toEqual([
      ...twice('head ["b","k"]'),
      ...twice('putFile ["b","k","/f",{"contentMd5":"md5"}]'),
      ...twice('putContent ["b","k2","xyz",{"contentMd5":"m2"}]'),
      ...twice('getFile ["b","k","/g"]'),
      ...twice('download ["b","k","/d",null]'),
      ...twice('list ["b","p/"]'),
      ...twice('bucketRegion ["b"]'),
    ]);
  });

  it("keeps the store's multipart tuning, so uploads still go up in its parts", () => {
    const raw = onceFlakyStore();
    expect(retryingStore(raw.store, policy().retrying).multipart).toEqual({ threshold: 1024, partSize: 512 });
  });

  it('has no download, bucketRegion or multipart when the adapter has none', () => {
    const { download: _d, bucketRegion: _r, multipart: _m, ...bare } = onceFlakyStore().store;
    const store = retryingStore(bare, policy().retrying);
    expect(store.download).toBeUndefined();
    expect(store.bucketRegion).toBeUndefined();
    expect(store.multipart).toBeUndefined();
    expect(Object.keys(store).sort()).toEqual(['getFile', 'head', 'list', 'putContent', 'putFile']);
  });

  it('a download with progress counts only the bytes of the attempt that succeeded', async () => {
    const seen: number[] = [];
    let attempts = 0;
    const store = {
      download: async (_b: string, _k: string, _p: string, options?: { onBytes?: (n: number) => void; signal?: AbortSignal }) => {
        attempts++;
        options?.onBytes?.(7);
        if (attempts < 3) throw glitch();
        options?.onBytes?.(3);
        return { size: 10, written: 10 };
      },
    } as unknown as ObjectStore;
    const controller = new AbortController();
    const wrapped = retryingStore(store, policy().retrying);
    await expect(wrapped.download!('b', 'k', '/d', { onBytes: (n) => seen.push(n), signal: controller.signal })).resolves.toEqual({
      size: 10,
      written: 10,
    });
    // Each failed attempt's 7 bytes are taken back once, before the next attempt; the last attempt's 10 remain.
    expect(seen).toEqual([7, -7, 7, -7, 7, 3]);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('a download with progress still hands the signal to the adapter', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const store = {
      download: async (_b: string, _k: string, _p: string, options?: { onBytes?: (n: number) => void; signal?: AbortSignal }) => {
        signals.push(options?.signal);
        return { size: 0, written: 0 };
      },
    } as unknown as ObjectStore;
    const controller = new AbortController();
    await retryingStore(store, policy().retrying).download!('b', 'k', '/d', { onBytes: () => {}, signal: controller.signal });
    expect(signals).toEqual([controller.signal]);
  });
});

describe('retryingBackends', () => {
  it('wraps both the jobs and the store', async () => {
    const jobs = onceFlakyJobs();
    const store = onceFlakyStore();
    const backends = retryingBackends({ jobs: jobs.jobs, store: store.store }, policy().retrying);
    await expect(backends.jobs.getJob('j1')).resolves.toBe(JOB);
    await expect(backends.store.head('b', 'k')).resolves.toEqual({ size: 3 });
  });
});

describe('adaptersOf and jobsBeneath', () => {
  it('adaptersOf gives the adapter beneath a retrying JobsApi, and a JobsApi that does not retry itself', async () => {
    const raw = onceFlakyJobs().jobs;
    expect(adaptersOf(retryingJobs(raw, policy().retrying))).toBe(raw);
    expect(adaptersOf(raw)).toBe(raw);
  });

  it('a JobsApi that does not retry gets the layer alone, and stays unwrapped without one', async () => {
    const raw = onceFlakyJobs();
    let layered = 0;
    const jobs = jobsBeneath(raw.jobs, { layer: (j) => ({ ...j, getJob: (id) => (layered++, j.getJob(id)) }) });
    // No retry was added: the first attempt's failure reaches the caller.
    await expect(jobs.getJob('j1')).rejects.toThrow('ECONNRESET');
    expect(layered).toBe(1);
    expect(jobsBeneath(raw.jobs, {})).toBe(raw.jobs);
  });

  it('without a layer, a retrying JobsApi is rebuilt over the same adapter and keeps its policy', async () => {
    const raw = onceFlakyJobs();
    const p = policy();
    const rebuilt = jobsBeneath(retryingJobs(raw.jobs, p.retrying), {});
    await expect(rebuilt.getJob('j1')).resolves.toBe(JOB);
    expect(p.used.count).toBe(1);
    expect(adaptersOf(rebuilt)).toBe(raw.jobs);
  });

  it('with another policy, the rebuilt JobsApi retries through that one only', async () => {
    const raw = onceFlakyJobs();
    const first = policy();
    const second = policy();
    const rebuilt = jobsBeneath(retryingJobs(raw.jobs, first.retrying), { retrying: second.retrying });
    await expect(rebuilt.stopJob('j1')).resolves.toBeUndefined();
    expect(second.used.count).toBe(1);
    expect(first.used.count).toBe(0);
  });
});
