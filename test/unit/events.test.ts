import { describe, expect, it } from 'vitest';
import type { EventsQuery, JobsApi, TrainingJob } from '../../src/core/ports/backends.js';
import { Answer } from '../../src/cloud/pai/answer.js';
import { toEventList } from '../../src/cloud/pai/mappers.js';
import { ApiError } from '../../src/core/errors.js';
import { EventLog, EventWatch, lastEvents, listEvents, parseEvent } from '../../src/core/follow/events.js';

/** A JobsApi whose ListTrainingJobEvents serves `all`, `cap` at a time, recording each query. */
function eventsApi(all: string[], opts: { cap?: number; totalCount?: (n: number) => number | undefined; ignorePage?: boolean } = {}) {
  const queries: EventsQuery[] = [];
  const jobs = {
    async listEvents(_id: string, q: EventsQuery) {
      queries.push(q);
      const size = Math.min(q.pageSize, opts.cap ?? Infinity);
      const from = opts.ignorePage ? 0 : (q.pageNumber - 1) * size;
      return { events: all.slice(from, from + size), totalCount: opts.totalCount ? opts.totalCount(all.length) : all.length };
    },
  } as unknown as JobsApi;
  return { jobs, queries };
}

describe('events: identity and time', () => {
  it('reads a leading ISO time and nothing else', () => {
    expect(parseEvent('2026-12-01T10:00:00Z Warning Failed: x')).toEqual({ text: '2026-12-01T10:00:00Z Warning Failed: x', time: '2026-12-01T10:00:00Z' });
    expect(parseEvent('2026-12-01T10:00Z x').time).toBe('2026-12-01T10:00Z');
    expect(parseEvent('Warning at 2026-12-01T10:00:00Z')).toEqual({ text: 'Warning at 2026-12-01T10:00:00Z' });
    expect(parseEvent('2026-13-45T99:99:99Z nonsense').time).toBeUndefined();
  });

  it('shows each event once across answers; the same text twice in an answer is two events', () => {
    const log = new EventLog();
    expect(log.add(['2026-12-01T10:00:05Z b', '2026-12-01T10:00:01Z a']).map((e) => e.text)).toEqual(['2026-12-01T10:00:01Z a', '2026-12-01T10:00:05Z b']);
    expect(log.add(['2026-12-01T10:00:01Z a', '2026-12-01T10:00:05Z b'])).toEqual([]);
    expect(log.add(['x', 'x']).map((e) => e.text)).toEqual(['x', 'x']);
    expect(log.add(['x', 'x', 'x']).map((e) => e.text)).toEqual(['x']);
    expect(log.startTime).toBe('2026-12-01T10:00Z');
  });
});

describe('events: reading pages', () => {
  it('reads every page up to TotalCount, even when the server caps the page size', async () => {
    const all = Array.from({ length: 45 }, (_, i) => `e${i}`);
    const { jobs, queries } = eventsApi(all, { cap: 20 });
    expect(await listEvents(jobs, 'j')).toEqual(all);
    expect(queries.map((q) => q.pageNumber)).toEqual([1, 2, 3]);
    expect(queries.every((q) => q.pageSize === 100 && q.startTime === undefined)).toBe(true);
  });

  it('stops on a server that serves the same page whatever PageNumber says, and on a TotalCount that runs ahead', async () => {
    const all = Array.from({ length: 100 }, (_, i) => `e${i}`);
    const looping = eventsApi(all, { ignorePage: true, totalCount: () => 1000 });
    expect(await listEvents(looping.jobs, 'j')).toEqual(all);
    expect(looping.queries).toHaveLength(2);
    const ahead = eventsApi(['a', 'b'], { totalCount: () => 50 });
    expect(await listEvents(ahead.jobs, 'j')).toEqual(['a', 'b']);
    expect(ahead.queries).toHaveLength(2); // the second page is empty: done
  });

  it('the last N: one call when they fit, else the last page (and the one before when it holds too few)', async () => {
    const few = eventsApi(['a', 'b', 'c']);
    expect((await lastEvents(few.jobs, 'j', 5)).map((e) => e.text)).toEqual(['a', 'b', 'c']);
    expect(few.queries).toHaveLength(1);
    const many = eventsApi(Array.from({ length: 202 }, (_, i) => `e${i}`));
    expect((await lastEvents(many.jobs, 'j', 5)).map((e) => e.text)).toEqual(['e197', 'e198', 'e199', 'e200', 'e201']);
    expect(many.queries.map((q) => q.pageNumber)).toEqual([1, 3, 2]);
  });
});

describe('events: when a follow reads them', () => {
  const cadence = { eventsAfterMs: 30_000, eventsIntervalMs: 10_000 };
  const job = (status: string, transitions: { status: string; startTime?: string }[] = []): TrainingJob => ({
    id: 'j',
    name: 'n',
    status,
    instances: [],
    outputs: [],
    transitions,
    labels: {},
  });

  it('after 30 s in Creating, Queuing or EnvPreparing together, then every 10 s, never within 10 s of a line', () => {
    const w = new EventWatch(cadence);
    w.observe(job('Creating'), 0);
    expect(w.dueAt()).toBe(30_000);
    w.observe(job('Queuing'), 20_000); // still waiting: the wait goes on from 0
    expect(w.dueAt()).toBe(30_000);
    w.sawLines(35_000);
    expect(w.dueAt()).toBe(45_000);
    w.observe(job('Running'), 40_000);
    expect(w.dueAt()).toBe(Infinity);
    w.observe(job('EnvPreparing'), 50_000); // a new wait starts
    expect(w.dueAt()).toBe(80_000);
    w.stop();
    expect(w.dueAt()).toBe(Infinity);
  });

  it('a job that has waited long by its own status times is explained at once (the second the service rounds to added)', () => {
    const now = Date.parse('2026-12-01T10:10:00Z');
    const w = new EventWatch(cadence);
    w.observe(
      job('Queuing', [
        { status: 'Creating', startTime: '2026-12-01T10:00:00Z' },
        { status: 'Queuing', startTime: '2026-12-01T10:00:10Z' },
      ]),
      now,
    );
    expect(w.dueAt()).toBe(Date.parse('2026-12-01T10:00:01Z') + 30_000);
    const fresh = new EventWatch(cadence);
    fresh.observe(job('Queuing', [{ status: 'Queuing', startTime: '2026-12-01T10:09:59Z' }]), now);
    expect(fresh.dueAt()).toBe(now + 30_000); // seen now, started (at most) now: 30 s from now
  });

  it('a read spends one call and asks from the minute of the newest event seen', async () => {
    const { jobs, queries } = eventsApi(['2026-12-01T10:00:05Z a']);
    const w = new EventWatch(cadence);
    w.observe(job('Queuing'), 0);
    expect((await w.read(jobs, 'j', 30_000)).map((e) => e.text)).toEqual(['2026-12-01T10:00:05Z a']);
    expect(w.dueAt()).toBe(40_000);
    expect(await w.read(jobs, 'j', 40_000)).toEqual([]);
    expect(queries.map((q) => q.startTime)).toEqual([undefined, '2026-12-01T10:00Z']);
  });
});

describe('ListTrainingJobEvents answer shape (official model: Events List[str], TotalCount str)', () => {
  const read = (body: Record<string, unknown>) => toEventList(Answer.of('ListTrainingJobEvents', { RequestId: 'R-9', ...body }));

  it('reads the events as they are, TotalCount as a string or a number; absent fields are an empty page', () => {
    expect(read({ Events: ['2026-12-01T10:00:00Z a', 'b'], TotalCount: '2' })).toEqual({ events: ['2026-12-01T10:00:00Z a', 'b'], totalCount: 2 });
    expect(read({})).toEqual({ events: [], totalCount: undefined });
    expect(read({ Events: null, TotalCount: 0 })).toEqual({ events: [], totalCount: 0 });
  });

  it.each([
    [{ Events: 'text' }, 'Events is a string, not an array'],
    [{ Events: [{ Reason: 'Failed' }] }, 'Events[0] is an object, not a string'],
    [{ Events: ['ok'], TotalCount: 'many' }, 'TotalCount is a string that is not a whole number'],
  ])('%j is refused: %s', (body, detail) => {
    let error: unknown;
    try {
      read(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe(`unexpected answer from PAI (ListTrainingJobEvents, request id R-9): ${detail}`);
  });
});
