import { describe, expect, it } from 'vitest';
import type { JobsApi, LogsQuery, TrainingJob } from '../../src/cloud/types.js';
import { followJob, type FollowEvents } from '../../src/core/follow/follow.js';

const WORKERS = ['job1-worker-0', 'job1-worker-1', 'job1-worker-2'];

/** A running job of three workers whose log reads each take `delayMs`; it records how many were in flight at once. */
function slowLogs(delayMs: number, linesOf: (instance: string) => string[]) {
  const seen = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const job: TrainingJob = { id: 'job1', name: 'n', status: 'Running', instances: WORKERS.map((name) => ({ name, status: 'Running' })), outputs: [], transitions: [], labels: {} };
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

function collect(): { events: FollowEvents; lines: string[] } {
  const lines: string[] = [];
  return { lines, events: { status: () => {}, log: (instance, line) => lines.push(`${instance}: ${line}`), heartbeat: () => {}, retry: () => {} } };
}

const deps = (jobs: JobsApi) => ({ jobs, now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) });

describe('a follow round', () => {
  it('reads every worker at once, so a round takes one request\'s time whatever the number of workers', async () => {
    const { jobs, seen } = slowLogs(100, () => []);
    const { events } = collect();
    const cadence = { logActiveMs: 50, logIdleMs: 150, statusMinMs: 10_000, statusMaxMs: 10_000 };
    const result = await followJob('job1', deps(jobs), events, { showLogs: true, timeoutMs: 1_000, cadence });
    expect(result.outcome).toBe('timeout');
    expect(seen.maxInFlight).toBe(3);
    expect(seen.calls % 3).toBe(0); // whole rounds: the timeout ends the loop between rounds
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
