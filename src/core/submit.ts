import type { JobsApi, ObjectStore, TrainingJob, UploadProgress } from '../cloud/types.js';
import { withRetry, type RetryOptions } from '../cloud/retry.js';
import { ConfigError, type ApiError } from './errors.js';
import type { Job } from './job.js';
import { planRequest, type RequestPlan } from './request/plan.js';
import type { CompleteSession } from './session/resolve.js';
import { parseOssUri } from './uris.js';
import { planInputUpload, uploadInputFiles } from './input-upload.js';

/** The code folder as one archive on disk, named by its content. */
export interface PackagedCode {
  path: string;
  sha256: string;
  bytes: number;
  fileCount: number;
  totalBytes: number;
}

export interface SubmitDeps {
  jobs: JobsApi;
  store: ObjectStore;
  /** Packages a code folder (core/packaging); the caller owns the temporary archive. */
  packCode: (dir: string) => Promise<PackagedCode>;
  now: () => Date;
  signal?: AbortSignal;
  retry?: Partial<RetryOptions>;
}

export interface SubmitEvents {
  bucket?(bucket: string, origin: string): void;
  packaged?(code: PackagedCode, uri: string): void;
  uploadSkipped?(uri: string): void;
  uploadStarted?(uri: string, bytes: number): void;
  uploadProgress?(progress: UploadProgress): void;
  uploaded?(uri: string): void;
  retry?(error: ApiError, attempt: number, delayMs: number): void;
}

export interface Submission {
  jobId: string;
  plan: RequestPlan;
  /** The job as GetTrainingJob first describes it (its console URL among others). */
  job: TrainingJob;
}

/**
 * The object key of a code archive: `pai/processing_src/sha256-<hex>/source.tar.gz`. The same code always
 * lands on the same key, so it is uploaded once; `source.tar.gz` is the name the SDK gave its archives.
 */
export function codeObjectKey(sha256: string): string {
  return `pai/processing_src/sha256-${sha256}/source.tar.gz`;
}

/**
 * Resolves the bucket, packages and uploads the code (once per content), and creates the job. A create whose
 * answer was lost is not sent twice: before trying again, the job is looked up by its (unique) name.
 */
export async function submitJob(job: Job, session: CompleteSession, deps: SubmitDeps, events: SubmitEvents = {}): Promise<Submission> {
  const retry = { ...deps.retry, ...(deps.signal ? { signal: deps.signal } : {}), ...(events.retry ? { onRetry: events.retry } : {}) };
  const call = <T>(fn: () => Promise<T>) => withRetry(fn, { idempotent: true, ...retry });
  const now = deps.now();
  const workspaceId = session.workspaceId.value;

  let bucket = session.ossBucketName?.value;
  const needsBucket = (job.source_dir !== undefined && !job.source_dir.startsWith('oss://')) || Object.values(job.inputs).some((l) => typeof l === 'string' && !/^[a-z]+:\/\//i.test(l));
  if (!bucket && needsBucket) {
    const storage = await call(() => deps.jobs.defaultStorage(workspaceId));
    bucket = storage ? parseOssUri(storage)?.bucket : undefined;
    if (!bucket) {
      throw new ConfigError(`Workspace ${workspaceId} has no default storage, and no OSS bucket is configured`, [], 'Set PAI_OSS_BUCKET_NAME (or session.oss_bucket_name in the job config) to a bucket in the job\'s region.');
    }
    events.bucket?.(bucket, `the default storage of workspace ${workspaceId}`);
  }

  let codeKey: string | undefined;
  if (job.source_dir && !job.source_dir.startsWith('oss://') && bucket) {
    const code = await deps.packCode(job.source_dir);
    codeKey = codeObjectKey(code.sha256);
    const uri = `oss://${bucket}/${codeKey}`;
    events.packaged?.(code, uri);
    const existing = await call(() => deps.store.head(bucket!, codeKey!));
    if (existing && existing.size === code.bytes) {
      events.uploadSkipped?.(uri);
    } else {
      events.uploadStarted?.(uri, code.bytes);
      await call(() => deps.store.putFile(bucket!, codeKey!, code.path, { ...(events.uploadProgress ? { onProgress: events.uploadProgress } : {}), ...(deps.signal ? { signal: deps.signal } : {}) }));
      events.uploaded?.(uri);
    }
  }

  const inputUris: Record<string, string> = {};
  for (const [channel, loc] of Object.entries(job.inputs)) {
    if (typeof loc !== 'string' || /^[a-z]+:\/\//i.test(loc) || !bucket) continue;
    const upload = await planInputUpload(loc);
    inputUris[channel] = upload.prefixUri(bucket);
    const sent = await uploadInputFiles(deps.store, bucket, upload.files, call);
    if (sent === 0) events.uploadSkipped?.(inputUris[channel]!);
    else events.uploaded?.(inputUris[channel]!);
  }

  const plan = planRequest(job, session, now, { ...(bucket ? { bucket } : {}), ...(codeKey ? { codeKey } : {}), inputUris });
  const body = JSON.stringify(plan.body);
  let attempts = 0;
  const jobId = await call(async () => {
    attempts++;
    if (attempts > 1) {
      const found = await deps.jobs.listJobs({ workspaceId, pageNumber: 1, pageSize: 10, name: plan.jobName });
      const mine = found.jobs.find((j) => j.name === plan.jobName);
      if (mine) return mine.id;
    }
    return deps.jobs.createJob(body);
  });
  const created = await call(() => deps.jobs.getJob(jobId));
  return { jobId, plan, job: created };
}
