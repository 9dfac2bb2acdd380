import type { JobsApi, ObjectStore } from './ports/backends.js';
import { checkBucketRegion } from './bucket-region.js';
import { ConfigError } from './errors.js';
import type { CompleteSession } from './session/resolve.js';
import { parseOssUri } from './uris.js';

/** One preflight check that held, as `config show --check` reports it. */
export interface PreflightPass {
  check: 'credentials' | 'workspace' | 'bucket';
  message: string;
}

/**
 * `config show --check`: asks the service what a run would need, in the order a run needs it, and stops at the
 * first that fails with that failure's own error (and exit code): the credentials are accepted by PaiStudio
 * (ListTrainingJobs, exit 4 if refused), the workspace exists (AIWorkspace ListConfigs, exit 2 if not), and the
 * bucket (the configured one, else the workspace's default storage) exists and is in the session's region
 * (OSS GetBucketInfo, exit 2 if not). Only reads; nothing is created.
 */
export async function preflight(session: CompleteSession, deps: { jobs: JobsApi; store: ObjectStore }, passed: (pass: PreflightPass) => void): Promise<void> {
  const { jobs, store } = deps;
  const workspaceId = session.workspaceId.value;
  const region = session.region.value;

  await jobs.listJobs({ workspaceId, pageNumber: 1, pageSize: 1 });
  passed({ check: 'credentials', message: `PAI accepts the credentials (ListTrainingJobs at ${session.endpoint.value.host})` });

  const storage = await jobs.defaultStorage(workspaceId);
  passed({ check: 'workspace', message: `workspace ${workspaceId} exists in ${region}${storage ? ` (default storage ${storage})` : ''}` });

  const configured = session.ossBucketName?.value;
  const bucket = configured ?? (storage ? parseOssUri(storage)?.bucket : undefined);
  if (!bucket) {
    throw new ConfigError(
      `No OSS bucket: none is configured and workspace ${workspaceId} has no default storage`,
      [],
      "Set PAI_OSS_BUCKET_NAME (or session.oss_bucket_name in the job config) to a bucket in the job's region.",
    );
  }
  await checkBucketRegion(store, bucket, region);
  passed({ check: 'bucket', message: `bucket ${bucket} exists and is in ${region}${configured ? '' : ` (the workspace's default storage)`}` });
}
