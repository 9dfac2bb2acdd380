// Multipart uploads: initiate, upload part, complete, abort, list parts, list uploads. Parts
// may arrive in any order (ali-oss uploads them in parallel); completion checks them like OSS.
import { randomBytes } from 'node:crypto';
import { ServiceError } from '../errors.js';
import { md5 } from '../http-util.js';
import { etagOf, type OssStore, type StoredObject } from './store.js';
import { children, el, raw, text, xmlDocument } from './xml.js';

/** OSS refuses parts smaller than this, except the last one. */
export const MIN_PART_SIZE = 100 * 1024;

interface Part {
  data: Buffer;
  etag: string;
  lastModified: number;
}

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  contentType: string;
  meta: Record<string, string>;
  initiated: number;
  parts: Map<number, Part>;
}

function noSuchUpload(): ServiceError {
  return new ServiceError(
    404,
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  );
}

const bare = (etag: string): string => etag.replace(/"/g, '').toUpperCase();

export class MultipartUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly store: OssStore) {}

  /** Uploads still open (neither completed nor aborted). */
  open(bucket?: string): Upload[] {
    return [...this.uploads.values()].filter((u) => bucket === undefined || u.bucket === bucket);
  }

  initiate(bucket: string, key: string, contentType: string, meta: Record<string, string>): string {
    const upload: Upload = { id: randomBytes(16).toString('hex').toUpperCase(), bucket, key, contentType, meta, initiated: Date.now(), parts: new Map() };
    this.uploads.set(upload.id, upload);
    return xmlDocument('InitiateMultipartUploadResult', el('Bucket', bucket) + el('Key', key) + el('UploadId', upload.id));
  }

  private find(bucket: string, key: string, uploadId: string | undefined): Upload {
    const upload = uploadId ? this.uploads.get(uploadId) : undefined;
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload();
    return upload;
  }

  uploadPart(bucket: string, key: string, uploadId: string | undefined, partNumber: string | undefined, data: Buffer, contentMd5?: string): string {
    const upload = this.find(bucket, key, uploadId);
    // Like PutObject: a part whose Content-MD5 does not match its bytes is refused (OSS UploadPart reference).
    if (contentMd5 !== undefined && contentMd5 !== md5(data).toString('base64')) {
      throw new ServiceError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
    }
    const n = Number(partNumber);
    if (!Number.isInteger(n) || n < 1 || n > 10000)
      throw new ServiceError(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.');
    const etag = etagOf(data);
    upload.parts.set(n, { data, etag, lastModified: Date.now() });
    return etag;
  }

  complete(bucket: string, key: string, uploadId: string | undefined, body: Buffer): StoredObject {
    const upload = this.find(bucket, key, uploadId);
    const xml = body.toString('utf8');
    const listed = children(xml, 'Part').map((p) => ({ number: Number(text(p, 'PartNumber')), etag: text(p, 'ETag') ?? '' }));
    if (listed.length === 0)
      throw new ServiceError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const chosen: Part[] = [];
    let previous = 0;
    for (const { number, etag } of listed) {
      if (!(number > previous))
        throw new ServiceError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
      previous = number;
      const part = upload.parts.get(number);
      if (!part || bare(part.etag) !== bare(etag)) {
        throw new ServiceError(
          400,
          'InvalidPart',
          "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
        );
      }
      chosen.push(part);
    }
    chosen.forEach((p, i) => {
      if (i < chosen.length - 1 && p.data.length < MIN_PART_SIZE) {
        throw new ServiceError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
      }
    });
    // A multipart ETag is the MD5 of the parts' binary MD5s, suffixed with the part count.
    const etag = `"${md5(Buffer.concat(chosen.map((p) => md5(p.data))))
      .toString('hex')
      .toUpperCase()}-${chosen.length}"`;
    const obj = this.store.store(bucket, key, Buffer.concat(chosen.map((p) => p.data)), upload.contentType, upload.meta, etag);
    this.uploads.delete(upload.id);
    return obj;
  }

  abort(bucket: string, key: string, uploadId: string | undefined): void {
    const upload = this.find(bucket, key, uploadId);
    this.uploads.delete(upload.id);
  }

  listParts(bucket: string, key: string, uploadId: string | undefined, query: Record<string, string>): string {
    const upload = this.find(bucket, key, uploadId);
    const marker = Number(query['part-number-marker'] ?? 0);
    const max = Math.min(Number(query['max-parts'] ?? 1000) || 1000, 1000);
    const numbers = [...upload.parts.keys()].sort((a, b) => a - b).filter((n) => n > marker);
    const shown = numbers.slice(0, max);
    const truncated = numbers.length > shown.length;
    const parts = shown
      .map((n) => {
        const p = upload.parts.get(n) as Part;
        return raw('Part', el('PartNumber', n) + el('LastModified', new Date(p.lastModified).toISOString()) + el('ETag', p.etag) + el('Size', p.data.length));
      })
      .join('');
    return xmlDocument(
      'ListPartsResult',
      el('Bucket', bucket) +
        el('Key', key) +
        el('UploadId', upload.id) +
        el('PartNumberMarker', marker) +
        el('NextPartNumberMarker', shown[shown.length - 1] ?? marker) +
        el('MaxParts', max) +
        el('IsTruncated', truncated) +
        parts,
    );
  }

  listUploads(bucket: string, query: Record<string, string>): string {
    const prefix = query['prefix'] ?? '';
    const uploads = this.open(bucket)
      .filter((u) => u.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated));
    const items = uploads.map((u) => raw('Upload', el('Key', u.key) + el('UploadId', u.id) + el('Initiated', new Date(u.initiated).toISOString()))).join('');
    return xmlDocument('ListMultipartUploadsResult', el('Bucket', bucket) + el('Prefix', prefix) + el('MaxUploads', 1000) + el('IsTruncated', false) + items);
  }
}
