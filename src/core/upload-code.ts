import { createHash } from 'node:crypto';
import type { ObjectStore, UploadProgress } from './ports/backends.js';
import { UsageError } from './errors.js';
import type { EventOf, Emit } from './events.js';
import type { Job } from './job.js';
import { planInputUpload, uploadInputFiles } from './input-upload.js';
import { codePrefix, markerKey, type CodeTree } from './packaging/tree-digest.js';
import { uploadFiles, type UploadFilesResult } from './upload-files.js';

/**
 * The code folder, ready to go up. `files` (the default): every file hashed, named by the tree digest, one
 * object each under `pai/processing_src/sha256-<digest>/`, which is what the PAI SDK sends (its
 * pai/common/oss_utils.py `upload()` puts a folder one object per file under a prefix, and
 * pai/job/_training_job.py passes that prefix as CodeDir). `archive` (opt-in): one .tar.gz, which a job can
 * only use where the service unpacks it.
 */
export interface PackagedCode {
  kind: 'files' | 'archive';
  /** The tree digest (files) or the archive's sha256 (archive), hex. */
  sha256: string;
  fileCount: number;
  /** The files' bytes, uncompressed. */
  totalBytes: number;
  /** Bytes a first upload sends: the files' bytes, or the archive's size. */
  bytes: number;
  /** The archive on disk (archive). */
  path?: string;
  /** Every file and its hash (files). */
  tree?: CodeTree;
}

/** The `packaged` event of a prepared code folder that goes to `uri`. */
export function packagedEvent(code: PackagedCode, uri: string): EventOf<'packaged'> {
  return {
    type: 'packaged',
    mode: code.kind,
    files: code.fileCount,
    bytes: code.totalBytes,
    ...(code.kind === 'archive' ? { archiveBytes: code.bytes } : {}),
    sha256: code.sha256,
    uri,
  };
}

/** The `uploaded` event: `sent` is what actually went up (files already in place are not sent again). */
function uploadedEvent(uri: string, sent: UploadFilesResult): EventOf<'uploaded'> {
  return { type: 'uploaded', uri, done: true, sentFiles: sent.files, sentBytes: sent.bytes };
}

/** Upload progress as `upload-progress` events. */
const progressTo = (emit: Emit) => (p: UploadProgress) => emit({ type: 'upload-progress', ...p });

const ignore: Emit = () => {};

export interface UploadDeps {
  /** Retrying (src/core/retrying-backends.ts). */
  store: ObjectStore;
  signal?: AbortSignal;
}

/**
 * The object key of a code archive (`code_upload: archive`): `pai/processing_src/sha256-<hex>/source.tar.gz`,
 * the name the SDK gave its archives, under the archive's content hash.
 */
export function codeObjectKey(sha256: string): string {
  return `pai/processing_src/sha256-${sha256}/source.tar.gz`;
}

/** The CodeDir key a prepared code folder goes to: the prefix (files) or the archive's key. */
export function codeKeyOf(code: PackagedCode): string {
  return code.kind === 'files' ? codePrefix(code.sha256) : codeObjectKey(code.sha256);
}

/** The marker that says every object of a tree is in place, as the dry run and the upload write it. */
export function markerBody(tree: CodeTree): Buffer {
  return Buffer.from(
    JSON.stringify({ format: 'pai-process code tree 1', digest: tree.digest, files: tree.fileCount, bytes: tree.totalBytes, prefix: codePrefix(tree.digest) }) +
      '\n',
  );
}

/**
 * Uploads the code (once per content) and returns the CodeDir key. Files: HEAD the marker; when it exists
 * nothing else is asked or sent. Otherwise the prefix is listed once, the missing or different files go up,
 * and the marker last, so a run that fails part-way leaves no marker and the next run sends only the rest.
 */
export async function uploadCode(code: PackagedCode, bucket: string, deps: UploadDeps, emit: Emit = ignore): Promise<string> {
  const key = codeKeyOf(code);
  const uri = `oss://${bucket}/${key}`;
  emit(packagedEvent(code, uri));
  if (code.kind === 'archive') {
    const existing = await deps.store.head(bucket, key);
    if (existing && existing.size === code.bytes) {
      emit({ type: 'upload-skipped', uri, skipped: true });
      return key;
    }
    emit({ type: 'upload-started', uri, bytes: code.bytes, files: 1, started: true });
    const path = code.path!;
    await deps.store.putFile(bucket, key, path, { onProgress: progressTo(emit), ...(deps.signal ? { signal: deps.signal } : {}) });
    emit(uploadedEvent(uri, { files: 1, bytes: code.bytes }));
    return key;
  }
  const tree = code.tree!;
  if (tree.fileCount === 0) {
    throw new UsageError(
      `The code folder ${tree.root} has no file to upload (every file is ignored, or it is empty); nothing was submitted`,
      'Check its .paiignore or .gitignore files, or leave source_dir out.',
    );
  }
  const marker = markerKey(tree.digest);
  if (await deps.store.head(bucket, marker)) {
    emit({ type: 'upload-skipped', uri, skipped: true });
    return key;
  }
  emit({ type: 'upload-started', uri, bytes: tree.totalBytes, files: tree.fileCount, started: true });
  const files = tree.files.map((f) => ({ abs: f.abs, key: key + f.path, size: f.size, sha256: f.sha256 }));
  const sent = await uploadFiles(deps.store, bucket, key, files, {
    ...(deps.signal ? { signal: deps.signal } : {}),
    onProgress: progressTo(emit),
  });
  const body = markerBody(tree);
  await deps.store.putContent(bucket, marker, body, { contentMd5: createHash('md5').update(body).digest('base64') });
  emit(uploadedEvent(uri, sent));
  return key;
}

/** Uploads every local-path input (content-addressed); returns the URI each channel points at. */
export async function uploadInputs(job: Job, bucket: string, deps: UploadDeps, emit: Emit = ignore): Promise<Record<string, string>> {
  const uris: Record<string, string> = {};
  for (const [channel, loc] of Object.entries(job.inputs)) {
    if (typeof loc !== 'string' || /^[a-z]+:\/\//i.test(loc)) continue;
    const plan = await planInputUpload(loc);
    const uri = plan.prefixUri(bucket);
    uris[channel] = uri;
    const sent = await uploadInputFiles(deps.store, bucket, plan, {
      ...(deps.signal ? { signal: deps.signal } : {}),
      onProgress: progressTo(emit),
    });
    if (sent.files === 0) emit({ type: 'upload-skipped', uri, skipped: true });
    else emit(uploadedEvent(uri, sent));
  }
  return uris;
}

/** The URI each local-path input will be uploaded to: the same hashing as the upload, nothing sent (dry run). */
export async function plannedInputUris(job: Job, bucket: string): Promise<Record<string, string>> {
  const uris: Record<string, string> = {};
  for (const [channel, loc] of Object.entries(job.inputs)) {
    if (typeof loc !== 'string' || /^[a-z]+:\/\//i.test(loc)) continue;
    uris[channel] = (await planInputUpload(loc)).prefixUri(bucket);
  }
  return uris;
}
