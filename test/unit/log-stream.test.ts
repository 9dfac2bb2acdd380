import { describe, expect, it } from 'vitest';
import type { JobsApi, LogsQuery, TrainingJob } from '../../src/core/ports/backends.js';
import { ApiError, InterruptedError } from '../../src/core/errors.js';
import { LogStream, MIN_LOG_PAGE_SIZE } from '../../src/core/follow/log-stream.js';
import { Streams } from '../../src/core/follow/streams.js';

/** A ListTrainingJobLogs in memory, with the server's quirks as knobs; it records every query. */
function server(opts: { cap?: number; ahead?: number; noTotal?: boolean; ignorePage?: boolean; overServe?: number } = {}) {
  const lines: string[] = [];
  const queries: LogsQuery[] = [];
  const jobs: JobsApi = {
    createJob: () => Promise.reject(new Error('unused')),
    getJob: () => Promise.reject(new Error('unused')),
    listJobs: () => Promise.reject(new Error('unused')),
    stopJob: () => Promise.reject(new Error('unused')),
    defaultStorage: () => Promise.resolve(undefined),
    listLogs(_id, query) {
      queries.push(query);
      const size = Math.min(query.pageSize, opts.cap ?? Infinity);
      const page = opts.ignorePage ? 1 : query.pageNumber;
      const served = lines.slice((page - 1) * size, page * size + (opts.overServe ?? 0));
      return Promise.resolve({ lines: served, totalCount: opts.noTotal ? undefined : lines.length + (opts.ahead ?? 0), notStarted: false });
    },
  };
  const emit = (n: number) => {
    const from = lines.length;
    for (let i = 0; i < n; i++) lines.push(`line ${from + i}`);
  };
  return { jobs, queries, emit, lines };
}

function reader(jobs: JobsApi) {
  const out: string[] = [];
  const stream = new LogStream(jobs, 'job1', undefined);
  return { stream, out, poll: () => stream.poll((l) => out.push(...l)) };
}

describe('LogStream', () => {
  it('adopts a server cap of 50 once and delivers every line exactly once, in order', async () => {
    const s = server({ cap: 50 });
    const r = reader(s.jobs);
    s.emit(230);
    await r.poll();
    s.emit(75);
    await r.poll();
    expect(r.out).toEqual(s.lines);
    expect(r.stream.pageSize).toBe(50);
  });

  it('a TotalCount one ahead of a short page: one extra probe ever, then one call per read, page size kept', async () => {
    const s = server({ ahead: 1 });
    const r = reader(s.jobs);
    s.emit(5);
    await r.poll();
    const afterFirst = s.queries.length;
    expect(afterFirst).toBeLessThanOrEqual(2); // the page, and one probe of page 2 at its size
    for (let i = 0; i < 10; i++) {
      s.emit(1);
      await r.poll();
    }
    expect(s.queries.length - afterFirst).toBe(10);
    expect(r.out).toEqual(s.lines);
    // Every request after the probe asks for the full page: the size never collapsed to what the short pages held.
    expect(s.queries.slice(afterFirst).every((q) => q.pageSize === 100)).toBe(true);
  });

  it('a TotalCount one ahead of a longer page never drives the page size below 20', async () => {
    const s = server({ ahead: 1 });
    const r = reader(s.jobs);
    for (const n of [37, 3, 1, 1, 2, 60, 1, 150]) {
      s.emit(n);
      await r.poll();
    }
    expect(r.out).toEqual(s.lines);
    expect(Math.min(...s.queries.map((q) => q.pageSize))).toBeGreaterThanOrEqual(MIN_LOG_PAGE_SIZE);
    // Reading 256 lines took a bounded number of calls, not one per line.
    expect(s.queries.length).toBeLessThanOrEqual(30);
  });

  it('without a TotalCount, short pages are the end of the list, not a smaller cap', async () => {
    const s = server({ noTotal: true });
    const r = reader(s.jobs);
    for (let i = 0; i < 8; i++) {
      s.emit(3);
      await r.poll();
    }
    expect(r.out).toEqual(s.lines);
    expect(s.queries.every((q) => q.pageSize === 100)).toBe(true);
    expect(s.queries).toHaveLength(8);
  });

  it('stops at TotalCount: a full last page needs no empty read after it', async () => {
    const s = server();
    const r = reader(s.jobs);
    s.emit(200);
    await r.poll();
    expect(r.out).toHaveLength(200);
    expect(s.queries.map((q) => q.pageNumber)).toEqual([1, 2]);
  });

  it('a page longer than asked is a retryable protocol error, and nothing of it is printed', async () => {
    const s = server({ overServe: 5 });
    const r = reader(s.jobs);
    s.emit(300);
    const error = await r.poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).retryable).toBe(true);
    expect((error as ApiError).message).toMatch(/105 lines for PageSize 100/);
    expect(r.out).toEqual([]);
  });

  it('a server that ignores PageNumber is caught at the second page, not read for ever', async () => {
    const s = server({ ignorePage: true });
    const r = reader(s.jobs);
    s.emit(500);
    const error = await r.poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/served page 1 again when asked for page 2/);
    expect(s.queries).toHaveLength(2);
    expect(r.out).toEqual(s.lines.slice(0, 100));
  });

  it('pages of one repeated line are not mistaken for a repeated page', async () => {
    const s = server();
    s.lines.push(...Array.from({ length: 250 }, () => '.'));
    const r = reader(s.jobs);
    await r.poll();
    expect(r.out).toHaveLength(250);
  });

  it('checks the abort signal before every page', async () => {
    const s = server({ cap: 50 });
    s.emit(400);
    const controller = new AbortController();
    const stream = new LogStream(s.jobs, 'job1', undefined);
    const out: string[] = [];
    const error = await stream
      .poll((lines) => {
        out.push(...lines);
        if (out.length >= 100) controller.abort();
      }, controller.signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(out).toHaveLength(100);
    expect(stream.delivered).toBe(100);
  });
});

describe('Streams: which streams a job is read from', () => {
  const job = (requested: number | undefined, names: string[]): TrainingJob => ({
    id: 'job1',
    name: 'n',
    status: 'Running',
    instances: names.map((name) => ({ name })),
    outputs: [],
    transitions: [],
    labels: {},
    ...(requested !== undefined ? { requestedInstances: requested } : {}),
  });
  const ids = (streams: Streams) => streams.all().map((s) => s.instanceId ?? '(unfiltered)');

  it('a job that asked for one instance is read unfiltered, whatever Instances lists', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    streams.update(job(1, ['job1-master-0', 'job1-worker-0']));
    expect(ids(streams)).toEqual(['(unfiltered)']);
    expect(streams.prefixed).toBe(false);
  });

  it('a multi-instance job with no instances listed is read unfiltered, and per instance once they appear if nothing was printed', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    streams.update(job(2, []));
    expect(ids(streams)).toEqual(['(unfiltered)']);
    const added = streams.update(job(2, ['job1-worker-0', 'job1-worker-1']));
    expect(ids(streams)).toEqual(['job1-worker-0', 'job1-worker-1']);
    expect(added.map((s) => s.instanceId)).toEqual(['job1-worker-0', 'job1-worker-1']);
    expect(streams.all().every((s) => s.delivered === 0)).toBe(true);
    expect(streams.prefixed).toBe(true);
  });

  it('never hands the unfiltered position to an instance stream: once it printed, it stays the only stream', async () => {
    const s = server();
    s.emit(7);
    const streams = new Streams(s.jobs, 'job1', undefined);
    streams.update(job(2, []));
    await streams.all()[0]!.poll(() => {});
    streams.update(job(2, ['job1-worker-0', 'job1-worker-1']));
    expect(ids(streams)).toEqual(['(unfiltered)']);
    expect(streams.all()[0]!.delivered).toBe(7);
  });

  it('keeps per-instance streams when Instances empties after the end, and adds instances that appear', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    streams.update(job(3, ['job1-worker-0', 'job1-worker-1']));
    streams.update(job(3, ['job1-worker-0', 'job1-worker-1', 'job1-worker-2']));
    streams.update(job(3, []));
    expect(ids(streams)).toEqual(['job1-worker-0', 'job1-worker-1', 'job1-worker-2']);
  });

  it('without a requested count, several listed instances mean one stream each', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    streams.update(job(undefined, ['job1-worker-0']));
    expect(ids(streams)).toEqual(['(unfiltered)']);
    streams.update(job(undefined, ['job1-worker-0', 'job1-worker-1']));
    expect(ids(streams)).toEqual(['job1-worker-0', 'job1-worker-1']);
  });
});

/** A query as the service receives it, for exact comparison (no instanceId key when unfiltered). */
const q = (pageNumber: number, pageSize: number, instanceId?: string): LogsQuery => ({
  pageNumber,
  pageSize,
  ...(instanceId !== undefined ? { instanceId } : {}),
});

describe('LogStream: what reaches the service, and when a page size is adopted', () => {
  it('asks for the instance it reads, and for no instance when it reads the job unfiltered', async () => {
    const s = server();
    s.emit(3);
    await new LogStream(s.jobs, 'job1', 'job1-worker-0').poll(() => {});
    await new LogStream(s.jobs, 'job1', undefined).poll(() => {});
    expect(s.queries).toStrictEqual([q(1, 100, 'job1-worker-0'), q(1, 100)]);
  });

  it('probes page 2 of the same instance when its TotalCount runs ahead of a short first page', async () => {
    const s = server({ ahead: 1 });
    s.emit(5);
    const out: string[] = [];
    await new LogStream(s.jobs, 'job1', 'job1-worker-0').poll((l) => out.push(...l));
    expect(s.queries).toStrictEqual([q(1, 100, 'job1-worker-0'), q(2, 5, 'job1-worker-0')]);
    expect(out).toEqual(s.lines);
  });

  it('a job not started yet: nothing delivered, one call, nothing more to read now', async () => {
    const queries: LogsQuery[] = [];
    const jobs = {
      listLogs: async (_id: string, query: LogsQuery) => (queries.push(query), { lines: [], totalCount: 3, notStarted: true }),
    } as unknown as JobsApi;
    const stream = new LogStream(jobs, 'job1', undefined);
    const delivered: string[][] = [];
    await expect(stream.readPage((l) => delivered.push(l))).resolves.toEqual({ count: 0, more: false });
    expect(delivered).toEqual([]);
    expect(queries).toHaveLength(1);
    expect(stream.pageSize).toBe(100);
  });

  it('an empty first page with a TotalCount ahead costs one call and changes nothing', async () => {
    const s = server({ ahead: 4 });
    const r = reader(s.jobs);
    await expect(r.poll()).resolves.toBe(0);
    expect(s.queries).toStrictEqual([q(1, 100)]);
    expect(r.stream.pageSize).toBe(100);
  });

  it('never hands an empty batch to the printer', async () => {
    const s = server();
    s.emit(2);
    const stream = new LogStream(s.jobs, 'job1', undefined);
    const batches: string[][] = [];
    await stream.poll((l) => batches.push(l));
    await stream.poll((l) => batches.push(l));
    expect(batches).toEqual([['line 0', 'line 1']]);
  });

  it('a cap of exactly 20 is adopted at once, without a probe', async () => {
    const s = server({ cap: 20 });
    s.emit(60);
    const r = reader(s.jobs);
    await expect(r.poll()).resolves.toBe(60);
    expect(r.out).toEqual(s.lines);
    expect(s.queries).toStrictEqual([q(1, 100), q(1, 20), q(2, 20), q(3, 20)]);
  });

  it('a cap below 20 is adopted once page 2 at that size proves it', async () => {
    const s = server({ cap: 10 });
    s.emit(25);
    const r = reader(s.jobs);
    await expect(r.poll()).resolves.toBe(25);
    expect(r.out).toEqual(s.lines);
    expect(r.stream.pageSize).toBe(10);
    expect(s.queries).toStrictEqual([q(1, 100), q(2, 10), q(1, 10), q(2, 10), q(3, 10)]);
  });

  it('without a TotalCount, a cap is recognised by a page shorter than the position already read in it', async () => {
    const s = server({ cap: 50, noTotal: true });
    s.emit(30);
    const r = reader(s.jobs);
    await r.poll();
    s.emit(100);
    await r.poll();
    await r.poll();
    expect(r.out).toEqual(s.lines);
    expect(r.stream.pageSize).toBe(50);
  });

  it('a cap that shows only once the log grows past it is still detected after a short, complete first page', async () => {
    const s = server({ cap: 50 });
    s.emit(5);
    const r = reader(s.jobs);
    await r.poll();
    s.emit(300);
    await r.poll();
    expect(r.out).toEqual(s.lines);
    expect(r.stream.pageSize).toBe(50);
  });

  it('a TotalCount ahead of a short page past the first never probes and never shrinks the page size', async () => {
    const s = server({ ahead: 1 });
    s.emit(105);
    const r = reader(s.jobs);
    await r.poll();
    for (let i = 0; i < 3; i++) {
      s.emit(2);
      await r.poll();
    }
    expect(r.out).toEqual(s.lines);
    expect(s.queries.every((query) => query.pageSize === 100)).toBe(true);
    expect(s.queries.map((query) => query.pageNumber)).toEqual([1, 2, 2, 2, 2]);
  });

  it('stops after a full page when TotalCount says there is no more, and reads on when it says there is', async () => {
    const s = server();
    s.emit(100);
    const r = reader(s.jobs);
    await expect(r.stream.readPage((l) => r.out.push(...l))).resolves.toEqual({ count: 100, more: false });
    s.emit(100);
    await expect(r.stream.readPage((l) => r.out.push(...l))).resolves.toEqual({ count: 100, more: false });
    s.emit(150);
    await expect(r.stream.readPage((l) => r.out.push(...l))).resolves.toEqual({ count: 100, more: true });
    await expect(r.stream.readPage((l) => r.out.push(...l))).resolves.toEqual({ count: 50, more: false });
    expect(r.out).toEqual(s.lines);
  });

  it('without a TotalCount, a full page means read on, a short one means the end for now', async () => {
    const s = server({ noTotal: true });
    s.emit(100);
    const r = reader(s.jobs);
    await expect(r.stream.readPage((l) => r.out.push(...l))).resolves.toEqual({ count: 100, more: true });
    await expect(r.stream.readPage((l) => r.out.push(...l))).resolves.toEqual({ count: 0, more: false });
  });

  it('a log of one repeated line served again for the next page is caught by TotalCount', async () => {
    const s = server({ ignorePage: true });
    s.lines.push(...Array.from({ length: 150 }, () => '.'));
    const r = reader(s.jobs);
    const error = await r.poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/served page 1 again when asked for page 2/);
    expect(r.out).toHaveLength(100);
  });

  it('a log of one repeated line that fills its last page exactly is read to the end, not taken for a repeat', async () => {
    const s = server();
    s.lines.push(...Array.from({ length: 200 }, () => '.'));
    const r = reader(s.jobs);
    await expect(r.poll()).resolves.toBe(200);
    expect(s.queries.map((query) => query.pageNumber)).toEqual([1, 2]);
  });

  it('an instance briefly not found between two pages does not hide a server that then ignores PageNumber', async () => {
    // Page 1 (full), then "not started" (the pod is being replaced), then page 1 again when page 2 is asked for.
    const first = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const answers = [
      { lines: first, totalCount: 300, notStarted: false },
      { lines: [], totalCount: undefined, notStarted: true },
      { lines: first, totalCount: 300, notStarted: false },
    ];
    const jobs = { listLogs: async () => answers.shift()! } as unknown as JobsApi;
    const stream = new LogStream(jobs, 'job1', undefined);
    const out: string[] = [];
    await stream.readPage((l) => out.push(...l));
    await expect(stream.readPage((l) => out.push(...l))).resolves.toEqual({ count: 0, more: false });
    await expect(stream.readPage((l) => out.push(...l))).rejects.toThrow(/served page 1 again when asked for page 2/);
    // No line was printed twice.
    expect(out).toEqual(first);
  });

  it('a page size is adopted once: a later short page with TotalCount ahead does not shrink it again', async () => {
    const s = server({ cap: 50, ahead: 1 });
    s.emit(130);
    const r = reader(s.jobs);
    await r.poll();
    s.emit(1);
    await r.poll();
    expect(r.out).toEqual(s.lines);
    expect(r.stream.pageSize).toBe(50);
    expect(s.queries).toStrictEqual([q(1, 100), q(1, 50), q(2, 50), q(3, 50), q(3, 50)]);
  });

  it('without a TotalCount, a cap below 20 is adopted as soon as it shows, without a probe', async () => {
    const s = server({ cap: 10, noTotal: true });
    const r = reader(s.jobs);
    s.emit(5);
    await r.poll();
    s.emit(20);
    await r.poll();
    await r.poll();
    expect(r.out).toEqual(s.lines);
    expect(r.stream.pageSize).toBe(10);
    expect(s.queries).toStrictEqual([q(1, 100), q(1, 100), q(1, 100), q(2, 10), q(3, 10)]);
  });

  it('pages that only begin alike are new lines, not a repeated page', async () => {
    const s = server();
    for (let page = 0; page < 3; page++) s.lines.push('epoch start', ...Array.from({ length: 99 }, (_, i) => `page ${page} line ${i}`));
    const r = reader(s.jobs);
    await expect(r.poll()).resolves.toBe(300);
    expect(r.out).toEqual(s.lines);
  });

  it('names the instance in a protocol error of an instance stream', async () => {
    const s = server({ overServe: 1 });
    s.emit(200);
    const error = await new LogStream(s.jobs, 'job1', 'job1-worker-3').poll(() => {}).catch((e: unknown) => e);
    expect((error as ApiError).message).toMatch(/\(page 1, instance job1-worker-3\)/);
    const unfiltered = await new LogStream(s.jobs, 'job1', undefined).poll(() => {}).catch((e: unknown) => e);
    expect((unfiltered as ApiError).message).toMatch(/\(page 1\)$/);
  });

  it('a tail starts at the position given, only before anything was delivered', async () => {
    const s = server();
    s.emit(10);
    const r = reader(s.jobs);
    r.stream.skipTo(7);
    await r.poll();
    expect(r.out).toEqual(['line 7', 'line 8', 'line 9']);
    r.stream.skipTo(2);
    s.emit(1);
    await r.poll();
    expect(r.out).toEqual(['line 7', 'line 8', 'line 9', 'line 10']);
  });

  it('says it is reading while a page is on its way, and not after, even when the read failed', async () => {
    let release: (() => void) | undefined;
    let fail = false;
    const jobs = {
      listLogs: () =>
        new Promise((resolve, reject) => {
          release = () => (fail ? reject(new Error('cut')) : resolve({ lines: ['a'], totalCount: 1, notStarted: false }));
        }),
    } as unknown as JobsApi;
    const stream = new LogStream(jobs, 'job1', undefined);
    expect(stream.reading).toBe(false);
    const read = stream.readPage(() => {});
    expect(stream.reading).toBe(true);
    release!();
    await read;
    expect(stream.reading).toBe(false);
    fail = true;
    const failing = stream.readPage(() => {});
    expect(stream.reading).toBe(true);
    release!();
    await expect(failing).rejects.toThrow('cut');
    expect(stream.reading).toBe(false);
  });
});

describe('Streams: --worker, dropped streams and reads under way', () => {
  const job = (requested: number | undefined, names: string[]): TrainingJob => ({
    id: 'job1',
    name: 'n',
    status: 'Running',
    instances: names.map((name) => ({ name })),
    outputs: [],
    transitions: [],
    labels: {},
    ...(requested !== undefined ? { requestedInstances: requested } : {}),
  });

  it('--worker reads that one instance alone, unprefixed, whatever the job lists', async () => {
    const s = server();
    s.emit(1);
    const streams = new Streams(s.jobs, 'job1', 'job1-worker-1');
    const added = streams.update(job(3, ['job1-worker-0', 'job1-worker-1', 'job1-worker-2']));
    expect(added.map((st) => st.instanceId)).toEqual(['job1-worker-1']);
    expect(streams.update(job(3, ['job1-worker-0', 'job1-worker-1', 'job1-worker-2', 'job1-worker-3']))).toEqual([]);
    expect(streams.size).toBe(1);
    expect(streams.prefixed).toBe(false);
    await streams.all()[0]!.poll(() => {});
    expect(s.queries).toStrictEqual([q(1, 100, 'job1-worker-1')]);
  });

  it('knows which streams are still its own: the unfiltered one is dropped once per-instance streams take over', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    const [unfiltered] = streams.update(job(2, []));
    expect(streams.has(unfiltered!)).toBe(true);
    expect(streams.size).toBe(1);
    const added = streams.update(job(2, ['job1-worker-0', 'job1-worker-1']));
    expect(streams.has(unfiltered!)).toBe(false);
    expect(added.every((st) => streams.has(st))).toBe(true);
    expect(streams.size).toBe(2);
    expect(streams.update(job(2, ['job1-worker-0', 'job1-worker-1']))).toEqual([]);
  });

  it('keeps the unfiltered stream while a read of it is under way, so its lines are not lost or repeated', async () => {
    let release: (() => void) | undefined;
    const jobs = {
      listLogs: () =>
        new Promise((resolve) => {
          release = () => resolve({ lines: [], totalCount: 0, notStarted: false });
        }),
    } as unknown as JobsApi;
    const streams = new Streams(jobs, 'job1', undefined);
    const [unfiltered] = streams.update(job(2, []));
    const read = unfiltered!.poll(() => {});
    expect(streams.update(job(2, ['job1-worker-0', 'job1-worker-1']))).toEqual([]);
    expect(streams.all()).toEqual([unfiltered]);
    release!();
    await read;
  });

  it('a single-instance job keeps its one unfiltered stream across updates', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    const [first] = streams.update(job(1, ['job1-master-0']));
    expect(streams.update(job(1, ['job1-master-0']))).toEqual([]);
    expect(streams.all()).toEqual([first]);
  });

  it('a job that says neither how many instances it asked for nor lists any is read unfiltered', () => {
    const streams = new Streams(server().jobs, 'job1', undefined);
    streams.update(job(undefined, []));
    expect(streams.all().map((st) => st.instanceId)).toEqual([undefined]);
    expect(streams.prefixed).toBe(false);
  });
});
