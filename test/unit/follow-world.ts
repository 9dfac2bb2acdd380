import type { EventsQuery, JobsApi, LogsQuery, TrainingJob } from '../../src/core/ports/backends.js';
import type { RunEvent } from '../../src/core/events.js';
import { InterruptedError } from '../../src/core/errors.js';

/**
 * A scripted world for followJob: a fake clock whose sleeps are timers that fire only when everything else is
 * idle (so a call takes no time unless the script says so), and an in-memory JobsApi whose statuses are given by
 * call number and whose log lines appear at given times. It records every call with the time it started.
 */
export function job(status: string, instances: string[] = [], extra: Partial<TrainingJob> = {}): TrainingJob {
  return {
    id: 'job1',
    name: 'n',
    status,
    instances: instances.map((name) => ({ name, status })),
    outputs: [],
    transitions: [],
    labels: {},
    ...extra,
  };
}

export interface LogLine {
  /** The instance that wrote it (the unfiltered stream holds every line). */
  instance?: string;
  at: number;
  text: string;
}

export interface WorldOptions {
  /** The job for the n-th GetTrainingJob (1-based); the last one repeats. */
  statuses: TrainingJob[] | ((n: number, now: number) => TrainingJob);
  lines?: LogLine[];
  /** ListTrainingJobLogs gives no TotalCount. */
  noTotal?: boolean;
  /** How long each ListTrainingJobEvents call takes. */
  eventDelayMs?: number;
  /** ListTrainingJobLogs says "no instance yet" before this time. */
  notStartedUntil?: number;
  /** How long each ListTrainingJobLogs call takes. */
  logDelayMs?: number;
  /** How long each GetTrainingJob call takes. */
  getDelayMs?: number;
  /** Makes a call fail: return an error to throw instead of answering. */
  failGet?: (n: number) => unknown;
  failLogs?: (n: number, query: LogsQuery) => unknown;
  /** ListTrainingJobEvents: the events present at `now`; absent: the API has no listEvents. */
  events?: (now: number) => string[];
  failEvents?: (n: number) => unknown;
}

export const START = 100_000;

export function world(opts: WorldOptions) {
  let now = START;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const calls: { at: number; kind: 'get' | 'logs' | 'events'; instance?: string; pageNumber?: number; pageSize?: number }[] = [];
  const sleeps: number[] = [];
  const emitted: RunEvent[] = [];
  /** When each event was emitted (the fake clock, from the start). */
  const emittedAt: number[] = [];
  let gets = 0;
  let logCalls = 0;
  let eventCalls = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const timer = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.push({ at: now + Math.max(0, ms), seq: seq++, resolve });
    });

  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    sleeps.push(ms);
    // As setTimeout does: a delay it cannot hold (Infinity, or past 2^31 - 1 ms) fires after 1 ms.
    if (!(ms <= 2 ** 31 - 1)) ms = 1;
    if (signal?.aborted) return Promise.reject(new InterruptedError('Interrupted'));
    return new Promise<void>((resolve, reject) => {
      const entry = { at: now + Math.max(0, ms), seq: seq++, resolve: () => (signal?.removeEventListener('abort', onAbort), resolve()) };
      const onAbort = () => {
        timers.splice(timers.indexOf(entry), 1);
        reject(new InterruptedError('Interrupted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(entry);
    });
  };

  const statusOf = (n: number): TrainingJob =>
    typeof opts.statuses === 'function' ? opts.statuses(n, now) : opts.statuses[Math.min(n, opts.statuses.length) - 1]!;

  const jobs: JobsApi = {
    createJob: () => Promise.reject(new Error('unused')),
    listJobs: () => Promise.reject(new Error('unused')),
    stopJob: () => Promise.reject(new Error('unused')),
    defaultStorage: () => Promise.resolve(undefined),
    async getJob() {
      const n = ++gets;
      calls.push({ at: now, kind: 'get' });
      if (opts.getDelayMs) await timer(opts.getDelayMs);
      const error = opts.failGet?.(n);
      if (error) throw error;
      return statusOf(n);
    },
    async listLogs(_id: string, query: LogsQuery) {
      const n = ++logCalls;
      calls.push({ at: now, kind: 'logs', instance: query.instanceId, pageNumber: query.pageNumber, pageSize: query.pageSize });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (opts.logDelayMs) await timer(opts.logDelayMs);
        const error = opts.failLogs?.(n, query);
        if (error) throw error;
        if (opts.notStartedUntil !== undefined && now < opts.notStartedUntil) return { lines: [], totalCount: undefined, notStarted: true };
        const all = (opts.lines ?? []).filter((l) => l.at <= now && (query.instanceId === undefined || l.instance === query.instanceId)).map((l) => l.text);
        const from = (query.pageNumber - 1) * query.pageSize;
        return { lines: all.slice(from, from + query.pageSize), totalCount: opts.noTotal ? undefined : all.length, notStarted: false };
      } finally {
        inFlight--;
      }
    },
    ...(opts.events
      ? {
          async listEvents(_id: string, query: EventsQuery) {
            const n = ++eventCalls;
            calls.push({ at: now, kind: 'events', pageNumber: query.pageNumber });
            if (opts.eventDelayMs) await timer(opts.eventDelayMs);
            const error = opts.failEvents?.(n);
            if (error) throw error;
            const all = opts.events!(now);
            return { events: all.slice((query.pageNumber - 1) * query.pageSize, query.pageNumber * query.pageSize), totalCount: all.length };
          },
        }
      : {}),
  };

  /** Runs `fn` at this time (from the start), between two steps of the follow. */
  const at = (ms: number, fn: () => void) => void timer(ms - (now - START)).then(fn);

  /** Runs `p` to its end: the clock moves to the next timer only when nothing else can run. */
  async function drive<T>(p: Promise<T>, onTick?: (now: number) => void): Promise<T> {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let steps = 0; steps < 100_000; steps++) {
      await new Promise((r) => setImmediate(r));
      if (settled) return p;
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers.shift();
      if (!next) throw new Error('the follow waits on nothing');
      now = Math.max(now, next.at);
      onTick?.(now);
      next.resolve();
    }
    throw new Error('the follow did not end');
  }

  /** Lets every call still under way finish (after the follow returned). */
  async function flush(): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers.shift();
      if (!next) return;
      now = Math.max(now, next.at);
      next.resolve();
    }
  }

  return {
    jobs,
    deps: { jobs, now: () => now, sleep },
    emit: (e: RunEvent) => {
      emitted.push(e);
      emittedAt.push(now - START);
    },
    emitted,
    emittedAt,
    calls,
    sleeps,
    drive,
    flush,
    at,
    /** Sleeps and calls not over yet (a sleep left running would keep the process alive after the follow). */
    pending: () => timers.length,
    now: () => now,
    get maxInFlight() {
      return maxInFlight;
    },
    logs: () => emitted.flatMap((e) => (e.type === 'log' ? [e.worker === null ? e.line : `${e.worker}| ${e.line}`] : [])),
    statuses: () => emitted.flatMap((e) => (e.type === 'status' ? [`${e.previous ?? '-'}>${e.status}`] : [])),
    gets: () => calls.filter((c) => c.kind === 'get').map((c) => c.at - START),
  };
}
