import { createHash, type Hash } from 'node:crypto';
import type { ListedObject, ObjectStore, UploadProgress } from './ports/backends.js';
import { InterruptedError } from './errors.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PackagingError, unreadable } from './packaging/errors.js';
import { readChunks } from './packaging/tree-digest.js';

/** One local file and the object it becomes. */
export interface FileToUpload {
  abs: string;
  key: string;
  size: number;
  /** Hex sha256 of the content, known from the hashing pass; checked again as the file is read to be sent. */
  sha256: string;
}

/** Files in flight at once: enough to hide a request's latency, few enough to bound memory and sockets. */
export const UPLOAD_CONCURRENCY = 8;
/** Below this a file is read into memory and sent from there (one read for hashing and sending). */
export const SMALL_FILE = 1024 * 1024;
/** From this size a file goes up in parts of PART_SIZE, each with its own Content-MD5. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
export const PART_SIZE = 8 * 1024 * 1024;
/** The metadata every uploaded object carries: its content's sha256, so a multipart object can be checked. */
export const SHA256_META = 'content-sha256';

export interface UploadFilesOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  /** Files from this size go up in parts of `partSize` bytes (default: the store's tuning, else MULTIPART_THRESHOLD and PART_SIZE). */
  multipartThreshold?: number;
  partSize?: number;
}

export interface UploadFilesResult {
  /** Files and bytes sent; files already in place (same size and content) are not sent again. */
  files: number;
  bytes: number;
}

/** What is sent with a file: the MD5 of the whole (single PUT) or of each part. */
interface Digests {
  whole: Buffer;
  parts?: string[];
}

/**
 * Uploads the files whose object is missing or differs, `concurrency` at a time, each PUT and part with its
 * Content-MD5 so OSS refuses bytes damaged on the way. One listing of `prefix` tells what is there: an object
 * is kept when its size matches and its ETag is the file's MD5 (a single PUT), the MD5 of its parts' MD5s
 * (a multipart upload, as OSS computes it), or else when its stored content-sha256 matches. An object of
 * another size is never taken as uploaded. The first failure stops new uploads; the files in flight finish
 * (or fail) and the failure is thrown.
 */
export async function uploadFiles(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  files: readonly FileToUpload[],
  options: UploadFilesOptions = {},
): Promise<UploadFilesResult> {
  const threshold = options.multipartThreshold ?? store.multipart?.threshold ?? MULTIPART_THRESHOLD;
  const partSize = options.partSize ?? store.multipart?.partSize ?? PART_SIZE;
  // Sent from memory only below both limits: a file due for parts is never sent in one PUT.
  const small = Math.min(SMALL_FILE, threshold);
  const listed = new Map<string, ListedObject>();
  if (files.length > 0) for (const o of await store.list(bucket, prefix)) listed.set(o.key, o);

  const totalFiles = files.length;
  const total = files.reduce((n, f) => n + f.size, 0);
  let doneFiles = 0;
  let doneBytes = 0;
  let inFlightBytes = 0;
  const progress = () => options.onProgress?.({ sent: doneBytes + inFlightBytes, total, files: doneFiles, totalFiles });
  const result: UploadFilesResult = { files: 0, bytes: 0 };
  const buffer = Buffer.allocUnsafe(1024 * 1024);

  // `slot`: this upload lane's own buffer. A small file is read into it and sent from it: a new buffer per file
  // would be garbage that V8 frees only at its next full collection, which for thousands of files (outliving a
  // few young-generation collections while in flight) let the resident set grow by tens of MiB.
  const one = async (f: FileToUpload, slot: Buffer): Promise<void> => {
    const existing = listed.get(f.key);
    let body: Buffer | undefined;
    let digests: Digests | undefined;
    if (f.size < small) {
      body = readSmall(f, slot);
      digests = { whole: createHash('md5').update(body).digest() };
    }
    if (existing && existing.size === f.size) {
      digests ??= fileDigests(f, buffer, f.size >= threshold ? partSize : undefined);
      if (await alreadyThere(store, bucket, f, existing, digests)) {
        doneFiles += 1;
        doneBytes += f.size;
        progress();
        return;
      }
    }
    digests ??= fileDigests(f, buffer, f.size >= threshold ? partSize : undefined);
    const meta = { [SHA256_META]: f.sha256 };
    let sentOfThis = 0;
    const onProgress = (p: UploadProgress) => {
      inFlightBytes += p.sent - sentOfThis;
      sentOfThis = p.sent;
      progress();
    };
    const signal = options.signal ? { signal: options.signal } : {};
    if (body) {
      const data = body;
      await store.putContent(bucket, f.key, data, { contentMd5: digests.whole.toString('base64'), meta, ...signal });
    } else if (digests.parts) {
      const parts = { size: partSize, contentMd5s: digests.parts };
      await store.putFile(bucket, f.key, f.abs, { parts, meta, onProgress, ...signal });
    } else {
      await store.putFile(bucket, f.key, f.abs, { contentMd5: digests.whole.toString('base64'), meta, onProgress, ...signal });
    }
    inFlightBytes -= sentOfThis;
    doneFiles += 1;
    doneBytes += f.size;
    result.files += 1;
    result.bytes += f.size;
    progress();
    sinceCollection += f.size + PER_REQUEST_GARBAGE;
    if (sinceCollection >= COLLECT_EVERY) {
      sinceCollection = 0;
      collectGarbage();
    }
  };
  let sinceCollection = 0;

  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    const slot = Buffer.allocUnsafe(SMALL_FILE);
    while (!failure && next < files.length) {
      if (options.signal?.aborted) {
        failure = { error: new InterruptedError('Interrupted') };
        return;
      }
      const f = files[next++]!;
      try {
        await one(f, slot);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(files.length, options.concurrency ?? UPLOAD_CONCURRENCY) }, worker));
  if (failure) throw failure.error;
  return result;
}

/** Whether the listed object already holds this file's bytes. */
async function alreadyThere(store: ObjectStore, bucket: string, f: FileToUpload, existing: ListedObject, digests: Digests): Promise<boolean> {
  const etag = existing.etag;
  if (etag === digests.whole.toString('hex').toUpperCase()) return true;
  if (etag && digests.parts && etag === multipartEtag(digests.parts)) return true;
  if (etag && !etag.includes('-')) return false; // a single PUT's ETag is its MD5: another content
  const info = await store.head(bucket, f.key);
  return info !== undefined && info.size === f.size && info.meta?.[SHA256_META] === f.sha256;
}

/** The ETag OSS gives a multipart object: MD5 of the parts' binary MD5s, `-<count>`, upper-case hex. */
export function multipartEtag(partMd5s: readonly string[]): string {
  const all = createHash('md5');
  for (const p of partMd5s) all.update(Buffer.from(p, 'base64'));
  return `${all.digest('hex').toUpperCase()}-${partMd5s.length}`;
}

/** MD5 of the whole file and, with `partSize`, of each part (base64), in one read that also re-checks the sha256. */
function fileDigests(f: FileToUpload, buffer: Buffer, partSize: number | undefined): Digests {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  const parts: string[] = [];
  let part: Hash | undefined;
  let partFill = 0;
  const size = readChunks(
    f.abs,
    buffer,
    [md5, sha],
    partSize === undefined
      ? undefined
      : (chunk) => {
          let at = 0;
          while (at < chunk.length) {
            part ??= createHash('md5');
            const take = Math.min(chunk.length - at, partSize - partFill);
            part.update(chunk.subarray(at, at + take));
            at += take;
            partFill += take;
            if (partFill === partSize) {
              parts.push(part.digest('base64'));
              part = undefined;
              partFill = 0;
            }
          }
        },
  );
  checkUnchanged(f, size, sha.digest('hex'));
  if (partSize === undefined) return { whole: md5.digest() };
  // The last, shorter part; or the one empty part of an empty file.
  if (part !== undefined || parts.length === 0) parts.push((part ?? createHash('md5')).digest('base64'));
  return { whole: md5.digest(), parts };
}

/**
 * Sent bytes (plus a per-request allowance) between two full garbage collections. Thousands of PUTs through
 * ali-oss make garbage fast: request objects, and the 64 KiB chunks a file is streamed in, which outlive a
 * young-generation collection while in flight and are then freed only by V8's next full collection. Left to V8,
 * a 1 GiB upload's resident set swung between 125 and 200 MiB from run to run; collecting every 64 MiB bounds it.
 */
const COLLECT_EVERY = 64 * 1024 * 1024;
const PER_REQUEST_GARBAGE = 16 * 1024;

let gc: (() => void) | undefined | null;

/** A full collection through V8's `gc` (exposed once, at the first call); nothing if it cannot be had. */
function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** A small file's bytes, read into `slot` (a view of it is returned), checked against its hash. */
function readSmall(f: FileToUpload, slot: Buffer): Buffer {
  let fd: number;
  try {
    fd = openSync(f.abs, 'r');
  } catch (error) {
    throw unreadable(f.abs, error);
  }
  let size = 0;
  try {
    // Up to the slot's end: a file that fills it has grown since it was hashed (small files are < SMALL_FILE).
    while (size < slot.length) {
      const n = readSync(fd, slot, size, slot.length - size, null);
      if (n === 0) break;
      size += n;
    }
  } catch (error) {
    throw unreadable(f.abs, error);
  } finally {
    closeSync(fd);
  }
  const body = slot.subarray(0, size);
  checkUnchanged(f, size, createHash('sha256').update(body).digest('hex'));
  return body;
}

/** A file that changed since it was hashed would land under a prefix named for other content: refuse. */
function checkUnchanged(f: FileToUpload, size: number, sha256: string): void {
  if (size === f.size && sha256 === f.sha256) return;
  throw new PackagingError(`${f.abs} changed while it was being uploaded; nothing was submitted`, {
    path: f.abs,
    reason: 'changed',
    hint: 'Run again once nothing writes to the code folder (or leave the file out with a .paiignore).',
  });
}
