// ListObjects (V1) and ListObjectsV2 (list-type=2): prefix, delimiter, marker / start-after /
// continuation-token, max-keys, encoding-type=url.
import { ServiceError } from '../errors.js';
import type { OssStore, StoredObject } from './store.js';
import { el, raw, xmlDocument } from './xml.js';

const OWNER = raw('Owner', el('ID', '1234567890123456') + el('DisplayName', '1234567890123456'));

interface Listing {
  contents: StoredObject[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  last?: string;
}

function after(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;
}

function walk(objects: StoredObject[], prefix: string, delimiter: string, marker: string, maxKeys: number): Listing {
  const out: Listing = { contents: [], prefixes: [], truncated: false };
  for (const obj of objects) {
    if (marker && !after(obj.key, marker)) continue;
    // A marker that is itself a common prefix covers every key under it.
    if (marker && delimiter && marker.endsWith(delimiter) && obj.key.startsWith(marker)) continue;
    let common: string | undefined;
    if (delimiter) {
      const i = obj.key.indexOf(delimiter, prefix.length);
      if (i >= 0) common = obj.key.slice(0, i + delimiter.length);
    }
    if (common !== undefined && out.prefixes[out.prefixes.length - 1] === common) continue;
    if (out.contents.length + out.prefixes.length >= maxKeys) {
      out.truncated = true;
      break;
    }
    if (common !== undefined) out.prefixes.push(common);
    else out.contents.push(obj);
    out.last = common ?? obj.key;
  }
  return out;
}

function maxKeysOf(query: Record<string, string>): number {
  const raw = query['max-keys'];
  if (raw === undefined || raw === '') return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ServiceError(400, 'InvalidArgument', 'Argument max-keys must be an integer between 1 and 1000.');
  return n;
}

function contentsXml(list: StoredObject[], enc: (s: string) => string, owner: boolean): string {
  return list
    .map((o) =>
      raw(
        'Contents',
        el('Key', enc(o.key)) +
          el('LastModified', new Date(o.lastModified).toISOString()) +
          el('ETag', o.etag) +
          el('Type', o.type) +
          el('Size', o.data.length) +
          el('StorageClass', 'Standard') +
          (owner ? OWNER : ''),
      ),
    )
    .join('');
}

function prefixesXml(list: string[], enc: (s: string) => string): string {
  return list.map((p) => raw('CommonPrefixes', el('Prefix', enc(p)))).join('');
}

export function listObjects(store: OssStore, bucket: string, query: Record<string, string>): string {
  const prefix = query['prefix'] ?? '';
  const delimiter = query['delimiter'] ?? '';
  const marker = query['marker'] ?? '';
  const maxKeys = maxKeysOf(query);
  const url = query['encoding-type'] === 'url';
  const enc = url ? encodeURIComponent : (s: string) => s;
  const r = walk(store.list(prefix, bucket), prefix, delimiter, marker, maxKeys);
  return xmlDocument(
    'ListBucketResult',
    el('Name', bucket) +
      el('Prefix', enc(prefix)) +
      el('Marker', enc(marker)) +
      el('MaxKeys', maxKeys) +
      el('Delimiter', enc(delimiter)) +
      (url ? el('EncodingType', 'url') : '') +
      el('IsTruncated', r.truncated) +
      (r.truncated && r.last !== undefined ? el('NextMarker', enc(r.last)) : '') +
      contentsXml(r.contents, enc, true) +
      prefixesXml(r.prefixes, enc),
  );
}

export function listObjectsV2(store: OssStore, bucket: string, query: Record<string, string>): string {
  const prefix = query['prefix'] ?? '';
  const delimiter = query['delimiter'] ?? '';
  const token = query['continuation-token'];
  const startAfter = query['start-after'] ?? '';
  let from = startAfter;
  if (token) {
    from = Buffer.from(token, 'base64url').toString('utf8');
    if (!from) throw new ServiceError(400, 'InvalidArgument', 'The continuation token provided is incorrect.');
  }
  const maxKeys = maxKeysOf(query);
  const url = query['encoding-type'] === 'url';
  const enc = url ? encodeURIComponent : (s: string) => s;
  const r = walk(store.list(prefix, bucket), prefix, delimiter, from, maxKeys);
  return xmlDocument(
    'ListBucketResult',
    el('Name', bucket) +
      el('Prefix', enc(prefix)) +
      (startAfter ? el('StartAfter', enc(startAfter)) : '') +
      (token ? el('ContinuationToken', token) : '') +
      el('MaxKeys', maxKeys) +
      el('Delimiter', enc(delimiter)) +
      (url ? el('EncodingType', 'url') : '') +
      el('IsTruncated', r.truncated) +
      el('KeyCount', r.contents.length + r.prefixes.length) +
      (r.truncated && r.last !== undefined ? el('NextContinuationToken', Buffer.from(r.last).toString('base64url')) : '') +
      contentsXml(r.contents, enc, query['fetch-owner'] === 'true') +
      prefixesXml(r.prefixes, enc),
  );
}
