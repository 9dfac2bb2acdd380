// CreateTrainingJob, GetTrainingJob, ListTrainingJobs and StopTrainingJob.
import { ServiceError } from '../errors.js';
import type { Job, JobStore } from './jobs.js';
import { isoTime, page, positiveInt } from './paging.js';
import { validateCreateTrainingJob, type OssLookup } from './validate-create.js';
import { jobDetail, jobSummary } from './views.js';

export function notFound(id: string): ServiceError {
  return new ServiceError(404, 'TRAINING_JOB_NOT_EXIST', `Training job ${id} does not exist.`);
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ServiceError(400, 'InvalidParameter', 'The request body is not valid JSON.');
  }
}

export function createTrainingJob(jobs: JobStore, body: Buffer, oss: OssLookup, workspaces: ReadonlySet<string>): Record<string, unknown> {
  const spec = validateCreateTrainingJob(parseJsonBody(body), oss, workspaces);
  const job = jobs.create(spec);
  return { TrainingJobId: job.id };
}

export function getTrainingJob(jobs: JobStore, id: string, region: string, now: number): Record<string, unknown> {
  const job = jobs.poll(id);
  if (!job) throw notFound(id);
  return jobDetail(job, region, now);
}

export function stopTrainingJob(jobs: JobStore, id: string): Record<string, unknown> {
  if (!jobs.stop(id)) throw notFound(id);
  return {};
}

const SORT_KEYS: Record<string, (j: Job) => number | string> = {
  GmtCreateTime: (j) => j.createdAt,
  GmtModifiedTime: (j) => j.modifiedAt,
  TrainingJobName: (j) => j.name,
  Status: (j) => j.status,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * TrainingJobName matches as a substring (like the console's search box), so a client looking
 * for one exact name must compare names itself. Without StartTime the service lists only jobs
 * created in the last `windowDays` days (7 on the service; 0 turns the window off): a client that
 * wants older jobs must send StartTime. `Order` is `DESC` or `ASC` (the official model's example
 * sends `DESC`); the gateway takes either case.
 */
export function listTrainingJobs(jobs: JobStore, query: Record<string, string>, now: number, windowDays = 7): Record<string, unknown> {
  const pageNumber = positiveInt(query, 'PageNumber', 1);
  const pageSize = Math.min(positiveInt(query, 'PageSize', 10), 100);
  const start = isoTime(query, 'StartTime') ?? (windowDays > 0 ? now - windowDays * DAY_MS : undefined);
  const end = isoTime(query, 'EndTime');
  const sortBy = query['SortBy'] || 'GmtCreateTime';
  const key = SORT_KEYS[sortBy];
  if (!key) throw new ServiceError(400, 'InvalidParameter', `The parameter SortBy does not support "${sortBy}".`);
  const order = (query['Order'] || 'desc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw new ServiceError(400, 'InvalidParameter', `The parameter Order must be DESC or ASC.`);
  const name = query['TrainingJobName'];
  const matches = jobs
    .all()
    .filter(
      (j) =>
        (!query['WorkspaceId'] || j.workspaceId === query['WorkspaceId']) &&
        (!name || j.name.includes(name)) &&
        (!query['Status'] || j.status === query['Status']) &&
        (!query['TrainingJobId'] || j.id === query['TrainingJobId']) &&
        (!query['AlgorithmName'] || j.spec['AlgorithmName'] === query['AlgorithmName']) &&
        (start === undefined || j.createdAt >= start) &&
        (end === undefined || j.createdAt <= end),
    );
  matches.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return order === 'asc' ? c : -c;
  });
  return { TrainingJobs: page(matches, pageNumber, pageSize).map((j) => jobSummary(j, now)), TotalCount: matches.length };
}
