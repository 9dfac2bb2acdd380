// PutObject, GetObject (with Range), HeadObject, DeleteObject, DeleteMultipleObjects.
import { ServiceError } from '../errors.js';
import { md5 } from '../http-util.js';
import type { OssStore, StoredObject } from './store.js';
import { children, el, raw, text, xmlDocument } from './xml.js';

export interface ObjectAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export function noSuchKey(key: string): ServiceError {
  return new ServiceError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
}

/** x-oss-meta-* request headers, keyed without the prefix. */
export function metaFrom(headers: Record<string, string>): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-oss-meta-')) meta[k.slice('x-oss-meta-'.length)] = v;
  return meta;
}

export function putObject(store: OssStore, bucket: string, key: string, headers: Record<string, string>, body: Buffer): ObjectAnswer {
  if (key === '') throw new ServiceError(400, 'InvalidObjectName', 'The specified object is not valid.');
  const sent = headers['content-md5'];
  if (sent !== undefined && sent !== md5(body).toString('base64')) {
    throw new ServiceError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
  }
  const obj = store.store(bucket, key, body, headers['content-type'] || 'application/octet-stream', metaFrom(headers));
  return { status: 200, headers: { etag: obj.etag, 'content-md5': md5(body).toString('base64') }, body: '' };
}

function objectHeaders(obj: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': obj.contentType,
    etag: obj.etag,
    'last-modified': new Date(obj.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'x-oss-object-type': obj.type,
    'x-oss-storage-class': 'Standard',
  };
  for (const [k, v] of Object.entries(obj.meta)) headers[`x-oss-meta-${k}`] = v;
  return headers;
}

/** Conditional requests: 304 for a matching If-None-Match, 412 for a failed If-Match. */
function conditional(obj: StoredObject, headers: Record<string, string>): ObjectAnswer | undefined {
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined && ifMatch !== obj.etag && ifMatch !== '*') {
    throw new ServiceError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.');
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined && (ifNoneMatch === obj.etag || ifNoneMatch === '*')) {
    return { status: 304, headers: { etag: obj.etag }, body: '' };
  }
  return undefined;
}

export function headObject(store: OssStore, bucket: string, key: string, headers: Record<string, string>): ObjectAnswer {
  const obj = store.get(key, bucket);
  if (!obj) throw noSuchKey(key);
  return conditional(obj, headers) ?? { status: 200, headers: { ...objectHeaders(obj), 'content-length': String(obj.data.length) }, body: '' };
}

/** Parses "bytes=a-b", "bytes=a-" or "bytes=-n"; undefined for anything else (OSS then ignores it). */
function parseRange(value: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) return 'unsatisfiable';
  return [start, end];
}

export function getObject(store: OssStore, bucket: string, key: string, headers: Record<string, string>): ObjectAnswer {
  const obj = store.get(key, bucket);
  if (!obj) throw noSuchKey(key);
  const early = conditional(obj, headers);
  if (early) return early;
  const rangeHeader = headers['range'];
  const range = rangeHeader ? parseRange(rangeHeader, obj.data.length) : undefined;
  if (range === 'unsatisfiable') {
    throw new ServiceError(416, 'InvalidRange', 'The requested range cannot be satisfied.', {
      RangeRequested: rangeHeader ?? '',
      ActualObjectSize: String(obj.data.length),
    });
  }
  if (range) {
    const [start, end] = range;
    return {
      status: 206,
      headers: { ...objectHeaders(obj), 'content-range': `bytes ${start}-${end}/${obj.data.length}` },
      body: obj.data.subarray(start, end + 1),
    };
  }
  return { status: 200, headers: objectHeaders(obj), body: obj.data };
}

export function deleteObject(store: OssStore, bucket: string, key: string): ObjectAnswer {
  store.delete(key, bucket); // OSS answers 204 whether or not the key existed
  return { status: 204, headers: {}, body: '' };
}

export function deleteMultipleObjects(store: OssStore, bucket: string, body: Buffer): ObjectAnswer {
  const xml = body.toString('utf8');
  const keys = children(xml, 'Object').map((o) => text(o, 'Key') ?? '');
  const quiet = text(xml, 'Quiet') === 'true';
  for (const k of keys) store.delete(k, bucket);
  const deleted = quiet ? '' : keys.map((k) => raw('Deleted', el('Key', k))).join('');
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDocument('DeleteResult', deleted) };
}
