// OSS signature V1 (what ali-oss sends by default, and the PAI Python SDK too):
//   VERB\nContent-MD5\nContent-Type\nDate\n + sorted "x-oss-*:value\n" + CanonicalizedResource
// CanonicalizedResource = "/bucket/key" (key decoded) + "?" sorted sub-resources ("k" or "k=v").
// Only sub-resources are signed; plain parameters such as prefix or max-keys are not.
import { createHmac } from 'node:crypto';

/** Query parameters OSS includes in the V1 canonicalized resource. */
export const SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'append',
  'asyncFetch',
  'bucketInfo',
  'callback',
  'callback-var',
  'cname',
  'comp',
  'continuation-token',
  'cors',
  'delete',
  'encryption',
  'endTime',
  'img',
  'inventory',
  'inventoryId',
  'lifecycle',
  'live',
  'location',
  'logging',
  'objectMeta',
  'partNumber',
  'policy',
  'position',
  'qos',
  'qosInfo',
  'referer',
  'replication',
  'replicationLocation',
  'replicationProgress',
  'requestPayment',
  'restore',
  'security-token',
  'sequential',
  'startTime',
  'stat',
  'status',
  'style',
  'styleName',
  'symlink',
  'tagging',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'vod',
  'website',
  'worm',
  'wormExtend',
  'wormId',
  'x-oss-process',
  'x-oss-traffic-limit',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
]);

export function canonicalizedResource(bucket: string | undefined, key: string, query: Array<[string, string]>): string {
  const path = bucket === undefined ? '/' : `/${bucket}/${key}`;
  const subs = query
    .filter(([k]) => SUB_RESOURCES.has(k))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return subs.length > 0 ? `${path}?${subs.join('&')}` : path;
}

export function ossV1StringToSign(
  method: string,
  headers: Record<string, string>,
  resource: string,
  /** The date line: the x-oss-date (or Date) header, or Expires for a pre-signed URL. */
  date: string,
): string {
  const ossHeaders = Object.keys(headers)
    .filter((k) => k.startsWith('x-oss-'))
    .sort()
    .map((k) => `${k}:${(headers[k] ?? '').trim()}`);
  return [method, headers['content-md5'] ?? '', headers['content-type'] ?? '', date, ...ossHeaders, resource].join('\n');
}

export function ossV1Signature(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/** Parses "OSS AK:signature". */
export function parseOssV1Authorization(value: string): { accessKeyId: string; signature: string } | undefined {
  const m = /^OSS ([^:\s]+):(\S+)$/.exec(value.trim());
  return m?.[1] && m[2] ? { accessKeyId: m[1], signature: m[2] } : undefined;
}
