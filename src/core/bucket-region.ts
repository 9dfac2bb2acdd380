import type { ObjectStore } from '../cloud/types.js';
import { ApiError, NotFoundError, UsageError } from './errors.js';

/**
 * A job reads its code and inputs from OSS in its own region: a bucket elsewhere fails the job after it was
 * created and billed, or fails the upload with a bare 403. So before anything is uploaded or created the
 * bucket's region (OSS GetBucketInfo `Location`) is compared with the session's, and a mismatch ends here
 * with exit 2 naming both. When the credentials may not call GetBucketInfo, the first object call answers
 * instead: OSS refuses a bucket addressed through another region's endpoint with 403 AccessDenied and the
 * right `<Endpoint>`, which cloud/errors.ts turns into the same error.
 */
export async function checkBucketRegion(
  store: ObjectStore,
  bucket: string,
  region: string,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const ask = store.bucketRegion?.bind(store);
  if (!ask) return;
  let found: string | undefined;
  try {
    found = await call(() => ask(bucket));
  } catch (error) {
    if (error instanceof ApiError && error.notFound) throw bucketNotFound(bucket, region).from(error.answer);
    throw error;
  }
  if (found !== undefined && found !== region) throw wrongRegionError(bucket, found, region);
}

/** `cn-shanghai` from an OSS endpoint such as `oss-cn-shanghai.aliyuncs.com` or `b.oss-cn-shanghai-internal.aliyuncs.com`. */
export function regionOfOssEndpoint(endpoint: string): string | undefined {
  return /(?:^|[./])oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com/i.exec(endpoint)?.[1]?.toLowerCase();
}

/** `cn-shanghai` from a GetBucketInfo `Location` (`oss-cn-shanghai`). */
export function regionOfLocation(location: string): string | undefined {
  const m = /^oss-([a-z0-9-]+)$/i.exec(location.trim());
  return m?.[1]?.toLowerCase();
}

export function wrongRegionError(bucket: string, bucketRegion: string, jobRegion: string | undefined): UsageError {
  const where = jobRegion ? `, but the job runs in ${jobRegion}` : '';
  return new UsageError(
    `Bucket ${bucket} is in region ${bucketRegion}${where}; nothing was uploaded or created`,
    `A job reads OSS in its own region: use a bucket in ${jobRegion ?? 'the job\'s region'} (PAI_OSS_BUCKET_NAME or session.oss_bucket_name), or run the job in ${bucketRegion} (--region ${bucketRegion}, with a workspace there).`,
  );
}

export function bucketNotFound(bucket: string, region: string): NotFoundError {
  return new NotFoundError(
    'bucket',
    bucket,
    `Bucket ${bucket} does not exist; nothing was uploaded or created`,
    `Check the bucket name (\`pai-process config show\` says where it came from), or leave it unset to use the workspace's default storage; the bucket must be in ${region}.`,
  );
}
