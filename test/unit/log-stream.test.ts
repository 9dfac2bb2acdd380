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
