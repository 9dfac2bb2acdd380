/**
 * How OSS names regions, and the error for a bucket outside the job's region: the adapter (src/cloud/errors.ts)
 * raises it from a refused request, core (src/core/bucket-region.ts) from GetBucketInfo.
 */

import { UsageError } from './errors.js';

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
    `A job reads OSS in its own region: use a bucket in ${jobRegion ?? "the job's region"} (PAI_OSS_BUCKET_NAME or session.oss_bucket_name), or run the job in ${bucketRegion} (--region ${bucketRegion}, with a workspace there).`,
  );
}
