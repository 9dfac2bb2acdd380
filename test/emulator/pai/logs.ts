// ListTrainingJobLogs and ListTrainingJobEvents. The server caps the page size (a client asking
// for 500 lines may get 100) and the list is append-only in emission order, which is what a
// correct log follower has to cope with.
import { ServiceError } from '../errors.js';
import type { Job, JobStore } from './jobs.js';
import { isoTime, page, positiveInt } from './paging.js';

export interface LogOptions {
  maxPageSize: number;
  defaultPageSize: number;
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
  const logs = page(lines, pageNumber, pageSize).map((l) => l.text);
  // The service leaves Logs out of an empty page.
  return { ...(logs.length > 0 ? { Logs: logs } : {}), TotalCount: String(lines.length) };
}

export function listTrainingJobEvents(job: Job, query: Record<string, string>, opts: LogOptions): Record<string, unknown> {
  const start = isoTime(query, 'StartTime');
  const end = isoTime(query, 'EndTime');
  const pageNumber = positiveInt(query, 'PageNumber', 1);
  const pageSize = Math.min(positiveInt(query, 'PageSize', opts.defaultPageSize), opts.maxPageSize);
  const events = job.events.filter((e) => inWindow(e.time, start, end));
  return { Events: page(events, pageNumber, pageSize).map((e) => e.text), TotalCount: String(events.length) };
}
