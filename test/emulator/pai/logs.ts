// ListTrainingJobLogs (ListTrainingJobEvents is in events.ts). The server caps the page size (a client asking
// for 500 lines may get 100) and the list is append-only in emission order, which is what a
// correct log follower has to cope with.
import { ServiceError } from '../errors.js';
import type { Job, JobStore } from './jobs.js';
import { isoTime, positiveInt } from './paging.js';

export interface LogOptions {
  maxPageSize: number;
  defaultPageSize: number;
  /**
   * TotalCount reports this many more lines than the list holds (default 0). The official model types
   * TotalCount as a string and does not say what it counts; the SDK never reads it.
   */
  totalCountAhead?: number;
  /** A broken server: every page is the first one, whatever PageNumber says (default false). */
  ignorePageNumber?: boolean;
  /** A broken server: pages hold this many lines more than PageSize allows (default 0). */
  overServe?: number;
}

function inWindow(time: number, start: number | undefined, end: number | undefined): boolean {
  return (start === undefined || time >= start) && (end === undefined || time <= end);
}

export function listTrainingJobLogs(jobs: JobStore, job: Job, query: Record<string, string>, opts: LogOptions): Record<string, unknown> {
  if (job.instances.length === 0) {
    throw new ServiceError(400, 'TRAINING_JOB_INSTANCE_NOT_FOUND', `No instance of training job ${job.id} exists yet.`);
  }
  // WorkerId is the deprecated alias of InstanceId.
  const ref = query['InstanceId'] || query['WorkerId'];
  let instance: string | undefined;
  if (ref) {
    const found = jobs.findInstance(job, ref);
    if (!found) throw new ServiceError(400, 'TRAINING_JOB_INSTANCE_NOT_FOUND', `Training job ${job.id} has no instance ${ref}.`);
    instance = found.name;
  }
  const start = isoTime(query, 'StartTime');
  const end = isoTime(query, 'EndTime');
  const pageNumber = positiveInt(query, 'PageNumber', 1);
  const pageSize = Math.min(positiveInt(query, 'PageSize', opts.defaultPageSize), opts.maxPageSize);
  const lines = job.logs.filter((l) => (instance === undefined || l.instance === instance) && inWindow(l.time, start, end));
  const served = opts.ignorePageNumber ? 1 : pageNumber;
  const extra = opts.overServe ?? 0;
  const logs = lines.slice((served - 1) * pageSize, served * pageSize + extra).map((l) => l.text);
  // The service leaves Logs out of an empty page.
  return { ...(logs.length > 0 ? { Logs: logs } : {}), TotalCount: String(lines.length + (opts.totalCountAhead ?? 0)) };
}
