import type { ObjectStore } from './ports/backends.js';
import { wrongRegionError } from './ports/oss-region.js';
import { ApiError, NotFoundError } from './errors.js';

export { regionOfLocation, regionOfOssEndpoint, wrongRegionError } from './ports/oss-region.js';

/**
 * A job reads its code and inputs from OSS in its own region: a bucket elsewhere fails the job after it was
 * created and billed, or fails the upload with a bare 403. So before anything is uploaded or created the
 * bucket's region (OSS GetBucketInfo `Location`) is compared with the session's, and a mismatch ends here
 * with exit 2 naming both. When the credentials may not call GetBucketInfo, the first object call answers
 * instead: OSS refuses a bucket addressed through another region's endpoint with 403 AccessDenied and the
 * right `<Endpoint>`, which cloud/errors.ts turns into the same error.
 */
export async function checkBucketRegion(store: ObjectStore, bucket: string, region: string): Promise<void> {
  const ask = store.bucketRegion?.bind(store);
  if (!ask) return;
  let found: string | undefined;
  try {
    found = await ask(bucket);
  } catch (error) {
    if (error instanceof ApiError && error.notFound) throw bucketNotFound(bucket, region).from(error.answer);
    throw error;
  }
  if (found !== undefined && found !== region) throw wrongRegionError(bucket, found, region);
}

export function bucketNotFound(bucket: string, region: string): NotFoundError {
  return new NotFoundError(
    'bucket',
    bucket,
    `Bucket ${bucket} does not exist; nothing was uploaded or created`,
    `Check the bucket name (\`pai-process config show\` says where it came from), or leave it unset to use the workspace's default storage; the bucket must be in ${region}.`,
  );
}
