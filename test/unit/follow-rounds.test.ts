import { describe, expect, it } from 'vitest';
import type { JobsApi, LogsQuery, TrainingJob } from '../../src/core/ports/backends.js';
import type { Emit } from '../../src/core/events.js';
import { followJob } from '../../src/core/follow/follow.js';

const WORKERS = ['job1-worker-0', 'job1-worker-1', 'job1-worker-2'];

/** A running job of three workers whose log reads each take `delayMs`; it records how many were in flight at once. */
function slowLogs(delayMs: number, linesOf: (instance: string) => string[]) {
  const seen = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const job: TrainingJob = {
    id: 'job1',
    name: 'n',
    status: 'Running',
    instances: WORKERS.map((name) => ({ name, status: 'Running' })),
    outputs: [],
    transitions: [],
    labels: {},
  };
  const jobs: JobsApi = {
    createJob: () => Promise.reject(new Error('unused')),
    getJob: () => Promise.resolve(job),
    listJobs: () => Promise.reject(new Error('unused')),
    stopJob: () => Promise.reject(new Error('unused')),
    defaultStorage: () => Promise.resolve(undefined),
    async listLogs(_id: string, query: LogsQuery) {
      seen.calls++;
      seen.inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      seen.inFlight--;
      const all = linesOf(query.instanceId ?? '');
      const start = (query.pageNumber - 1) * query.pageSize;
      return { lines: all.slice(start, start + query.pageSize), totalCount: all.length, notStarted: false };
    },
  };
  return { jobs, seen };
}

function collect(): { events: Emit; lines: string[] } {
  const lines: string[] = [];
  // A log event names the worker by its short name (worker-0 of job1-worker-0): the instance is job1-<worker>.
  return { lines, events: (e) => void (e.type === 'log' && lines.push(`${e.worker === null ? undefined : `job1-${e.worker}`}: ${e.line}`)) };
}

const deps = (jobs: JobsApi) => ({ jobs, now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) });

describe('following on one budget', () => {
  it('starts its calls (status and logs, all workers) at least callSpacingMs apart, and lets a slow call overlap the next', async () => {
    const starts: number[] = [];
    const { jobs, seen } = slowLogs(100, () => []);
    const getJob = jobs.getJob;
    const listLogs = jobs.listLogs;
    jobs.getJob = (id) => (starts.push(Date.now()), getJob(id));
    jobs.listLogs = (id, q) => (starts.push(Date.now()), listLogs(id, q));
    const { events } = collect();
    const cadence = {
      logActiveMs: 50,
      logIdleMs: 150,
      statusMinMs: 200,
      statusMaxMs: 200,
      callSpacingMs: 40,
      overlapAfterMs: 60,
      maxWaitFloorMs: 1_000,
      maxWaitPerStreamMs: 10,
    };
    const result = await followJob('job1', deps(jobs), events, { showLogs: true, timeoutMs: 1_000, cadence });
    expect(result.outcome).toBe('timeout');
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    // Timers may round a millisecond early; never a whole slot.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(38);
    expect(starts.length).toBeLessThanOrEqual(1_000 / 40 + 2);
    // A read takes 100 ms: after 60 ms it no longer holds the next one up, so reads overlap.
    expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(seen.calls).toBeGreaterThanOrEqual(9); // every worker read several times within the second
  });

  it('makes one call at a time while calls are quick', async () => {
    const { jobs, seen } = slowLogs(20, () => []);
    const { events } = collect();
    const cadence = {
      logActiveMs: 10,
      logIdleMs: 10,
      statusMinMs: 50,
      statusMaxMs: 50,
      callSpacingMs: 1,
      overlapAfterMs: 1_000,
      maxWaitFloorMs: 1_000,
      maxWaitPerStreamMs: 10,
    };
    await followJob('job1', deps(jobs), events, { showLogs: true, timeoutMs: 500, cadence });
    expect(seen.calls).toBeGreaterThan(5);
    expect(seen.maxInFlight).toBe(1);
  });

  it('reads a worker that is printing more often than quiet ones', async () => {
    let busy = 0;
    const { jobs, seen } = slowLogs(1, (instance) => (instance === WORKERS[0] ? Array.from({ length: (busy += 1) }, (_, i) => `x${i}`) : []));
    const per = new Map<string, number>();
    const listLogs = jobs.listLogs;
    jobs.listLogs = (id, q) => (per.set(q.instanceId ?? '', (per.get(q.instanceId ?? '') ?? 0) + 1), listLogs(id, q));
    const { events } = collect();
    const cadence = {
      logActiveMs: 30,
      logIdleMs: 150,
      statusMinMs: 1_000,
      statusMaxMs: 1_000,
      callSpacingMs: 10,
      maxWaitFloorMs: 1_000,
      maxWaitPerStreamMs: 10,
    };
    await followJob('job1', deps(jobs), events, { showLogs: true, timeoutMs: 800, cadence });
    expect(seen.calls).toBeGreaterThan(0);
    expect(per.get(WORKERS[0]!)!).toBeGreaterThan(2 * per.get(WORKERS[1]!)!);
    expect(per.get(WORKERS[1]!)!).toBeGreaterThanOrEqual(3); // the quiet ones are still read
  });

  it('`logs` without --follow reads worker after worker, so each worker prints as a block', async () => {
    const { jobs, seen } = slowLogs(10, (instance) => [`${instance} a`, `${instance} b`]);
    const { events, lines } = collect();
    const result = await followJob('job1', deps(jobs), events, { showLogs: true, once: true });
    expect(result.outcome).toBe('snapshot');
    expect(seen.maxInFlight).toBe(1);
    expect(lines).toEqual(WORKERS.flatMap((w) => [`${w}: ${w} a`, `${w}: ${w} b`]));
  });
});
