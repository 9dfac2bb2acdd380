import type { JobsApi, ObjectStore, TrainingJob } from './ports/backends.js';
import { randomUUID } from 'node:crypto';
import { ApiError, ConfigError } from './errors.js';
import { SUBMISSION_LABEL } from './request/create-training-job.js';
import type { Job } from './job.js';
import { planRequest, type RequestPlan } from './request/plan.js';
import type { CompleteSession } from './session/resolve.js';
import { parseOssUri } from './uris.js';
import type { CodeUploadMode } from './package-code.js';
import { uploadCode, uploadInputs, type PackagedCode } from './upload-code.js';
import type { Emit } from './events.js';
import { awaitCreated, type AwaitCreatedOptions } from './await-created.js';
import { checkBucketRegion } from './bucket-region.js';
import type { Runtime } from './runtime.js';

export type { PackagedCode } from './upload-code.js';
export { codeObjectKey } from './upload-code.js';

export interface SubmitDeps {
  jobs: JobsApi;
  store: ObjectStore;
  /** Prepares a code folder (core/package-code.ts): hashes its files, or packs the archive (the caller owns it). */
  packCode: (dir: string, mode: CodeUploadMode) => Promise<PackagedCode>;
  /** The clock, the Ctrl-C signal, the lost-create grace and the retry policy of the create (src/core/runtime.ts). */
  runtime: CreateRuntime & Pick<Runtime, 'date'>;
  /** Identifies this submission in a label (default: a random UUID). */
  submissionId?: string;
  /** How long a not-found of the new job is waited through (core/await-created.ts). */
  awaitCreated?: Partial<AwaitCreatedOptions>;
}

/** What the create needs of the runtime: its clock and sleep for the look-ups, and the retry policy for the create itself. */
export type CreateRuntime = Pick<Runtime, 'now' | 'sleep' | 'signal' | 'lostCreateGraceMs' | 'retrying'>;
export interface Submission {
  jobId: string;
  plan: RequestPlan;
  /** The job as GetTrainingJob first describes it (its console URL among others). */
  job: TrainingJob;
}

/**
 * Creates the job at most once. A create that failed in a way that may have reached the service (a reset or
 * timeout after sending, a 500) is followed, before anything is sent again, by a look for a job with this
 * name and submission label, for up to the grace period: the service may still be working on the request.
 * The create is one call through the runtime's retry policy (the backends do not retry it), its attempts
 * counted apart; each ListTrainingJobs of a look is a call of the retrying backends, with attempts of its
 * own, so a look never inherits the attempts spent on the create or on earlier pages of the look. A look that
 * fails for good ends the submission, saying the job may exist, rather than sending a second create blind.
 */
export async function createOnce(
  body: string,
  name: string,
  submissionId: string,
  workspaceId: string,
  jobs: JobsApi,
  runtime: CreateRuntime,
): Promise<string> {
  // 0: nothing to look for; else how long to keep looking (a lost answer may still be in the works).
  let lookForMs = 0;
  let maybeCreated = false;
  const findMine = async (): Promise<string | undefined> => {
    const until = runtime.now() + lookForMs;
    for (;;) {
      const found = await jobs.listJobs({ workspaceId, pageNumber: 1, pageSize: 50, name });
      const mine = found.jobs.find((j) => j.name === name && j.labels[SUBMISSION_LABEL] === submissionId);
      if (mine) return mine.id;
      if (runtime.now() >= until) return undefined;
      await runtime.sleep(LOST_CREATE_POLL_MS, runtime.signal);
    }
  };
  // Giving up while a create may have been carried out: say so, and how to find the job, so a rerun is not blind.
  const mayExist = (error: ApiError, what: string): ApiError =>
    new ApiError(`${error.message}. ${what}, so the job ${name} may have been created`, {
      code: error.code,
      retryable: false,
      status: error.status,
      requestId: error.requestId,
      hint: `Before running again, look for it with pai-process list --name ${name}, and stop it with pai-process stop <id> if it is not wanted.`,
    });
  try {
    return await runtime.retrying(async () => {
      if (maybeCreated) {
        let id: string | undefined;
        try {
          id = await findMine();
        } catch (error) {
          throw error instanceof ApiError ? mayExist(error, 'It could not be looked up after CreateTrainingJob got no answer') : error;
        }
        if (id) return id;
        lookForMs = 0; // waited once already: later looks are immediate
      }
      try {
        return await jobs.createJob(body);
      } catch (error) {
        if (error instanceof ApiError && error.ambiguous) {
          maybeCreated = true;
          lookForMs = runtime.lostCreateGraceMs ?? LOST_CREATE_GRACE_MS;
        } else if (error instanceof ApiError && (error.status ?? 0) >= 500 && error.code !== 'ServiceUnavailable') {
          // A 500 was probably not carried out, but may have been: one look before sending again.
          maybeCreated = true;
        }
        throw error;
      }
    });
  } catch (error) {
    // The last create's fate is unknown (a timeout or reset after sending): it was not looked up.
    if (error instanceof ApiError && error.ambiguous && error.action === 'CreateTrainingJob') throw mayExist(error, 'CreateTrainingJob got no answer');
    throw error;
  }
}

const LOST_CREATE_GRACE_MS = 10_000;
const LOST_CREATE_POLL_MS = 500;

/**
 * Resolves the bucket, packages and uploads the code (once per content), and creates the job. A create whose
 * answer was lost is not sent twice: before trying again, the job is looked up by its (unique) name.
 */
export async function submitJob(job: Job, session: CompleteSession, deps: SubmitDeps, emit: Emit = () => {}): Promise<Submission> {
  const { runtime } = deps;
  const now = runtime.date();
  const workspaceId = session.workspaceId.value;

  let bucket = session.ossBucketName?.value;
  const needsBucket =
    (job.source_dir !== undefined && !job.source_dir.startsWith('oss://')) ||
    Object.values(job.inputs).some((l) => typeof l === 'string' && !/^[a-z]+:\/\//i.test(l));
  if (!bucket && needsBucket) {
    const storage = await deps.jobs.defaultStorage(workspaceId);
    bucket = storage ? parseOssUri(storage)?.bucket : undefined;
    if (!bucket) {
      throw new ConfigError(
        `Workspace ${workspaceId} has no default storage, and no OSS bucket is configured`,
        [],
        "Set PAI_OSS_BUCKET_NAME (or session.oss_bucket_name in the job config) to a bucket in the job's region.",
      );
    }
    emit({ type: 'bucket', bucket, origin: `the default storage of workspace ${workspaceId}` });
  }

  // Before anything is uploaded or created: a bucket in another region ends here (core/bucket-region.ts).
  if (bucket && needsBucket) await checkBucketRegion(deps.store, bucket, session.region.value);

  let codeKey: string | undefined;
  let inputUris: Record<string, string> = {};
  if (bucket) {
    const upload = { store: deps.store, signal: runtime.signal };
    if (job.source_dir && !job.source_dir.startsWith('oss://'))
      codeKey = await uploadCode(await deps.packCode(job.source_dir, job.code_upload), bucket, upload, emit);
    inputUris = await uploadInputs(job, bucket, upload, emit);
  }

  const submissionId = deps.submissionId ?? randomUUID();
  const plan = planRequest(job, session, now, { bucket, codeKey, inputUris, submissionId });
  const jobId = await createOnce(JSON.stringify(plan.body), plan.jobName, submissionId, workspaceId, deps.jobs, runtime);
  const created = await awaitCreated(deps.jobs, jobId, { now: runtime.now, sleep: runtime.sleep, ...deps.awaitCreated, signal: runtime.signal }).catch(
    (error: unknown) => {
      if (error instanceof ApiError) {
        throw new ApiError(error.message, {
          code: error.code,
          retryable: false,
          hint: `The job ${jobId} was created and may be running: pai-process status ${jobId}, or pai-process stop ${jobId}.`,
        });
      }
      throw error;
    },
  );
  return { jobId, plan, job: created };
}
