import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { ListedObject } from '../ports/backends.js';
import { CliError, InterruptedError, ServiceError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { NameOf } from '../option-names.js';
import type { OutputChannel } from './channels.js';
import { MANIFEST_NAME, readManifest, writeManifest, type Manifest } from './manifest.js';
import { localPathFor } from './safe-path.js';

/** What a download needs from OSS (cloud/oss/store.ts implements it). */
export interface DownloadStore {
  list(bucket: string, prefix: string): Promise<ListedObject[]>;
  /** Streams the object into `path` (created or replaced); `onBytes` is told of each chunk. Returns what GET said. */
  download(
    bucket: string,
    key: string,
    path: string,
    options?: { onBytes?: (n: number) => void; signal?: AbortSignal },
  ): Promise<{ size: number; etag?: string; written: number }>;
}

/** One object and the file it becomes. */
export interface PlannedFile {
  channel: string;
  bucket: string;
  key: string;
  /** `<channel>/<path below the prefix>`, as shown and as the manifest knows it. */
  name: string;
  path: string;
  size: number;
  etag?: string;
}

export interface DownloadProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export interface DownloadEvents {
  /** Everything is listed and checked: what will be fetched and what is already there. */
  planned(toFetch: PlannedFile[], skipped: PlannedFile[]): void;
  /** Bytes arrived (often: the renderer decides how often to show them). */
  progress(p: DownloadProgress): void;
  fileDone(file: PlannedFile, p: DownloadProgress): void;
}

export interface ChannelDownload {
  name: string;
  uri: string | null;
  kind: string;
  downloaded: boolean;
  /** Objects under the channel (folder markers aside), and their bytes; null when not downloaded. */
  files: number | null;
  bytes: number | null;
  skipped: number | null;
  note?: string;
}

export interface DownloadSummary {
  dir: string;
  /** Files fetched now, and their bytes. */
  files: number;
  bytes: number;
  /** Files already there (same size, same ETag), and their bytes. */
  skipped: number;
  skippedBytes: number;
  channels: ChannelDownload[];
}

export interface DownloadDeps {
  /** Retrying (src/core/retrying-backends.ts), which also takes back the bytes of a failed attempt. */
  store: DownloadStore;
  signal?: AbortSignal;
  /** Files fetched at once. */
  parallel?: number;
  /** How the user gives a setting a message names (the folder, a channel): the CLI's flags. */
  nameOf: NameOf;
}

/** Suffix of a file being downloaded; it takes its real name only once complete and checked. */
export const PARTIAL_SUFFIX = '.pai-process-partial';

/**
 * Copies the OSS output channels into `root`, one folder per channel. Every key is checked before anything is
 * written (a key that would land outside `root` refuses the whole download, naming it). Files already there with
 * the listed size and the ETag the manifest recorded are skipped, so a second run resumes an interrupted one.
 * Each file is streamed to a temporary name beside it, its size checked against GET's Content-Length, then
 * renamed; the manifest is updated after every file.
 */
export async function downloadOutputs(channels: OutputChannel[], root: string, deps: DownloadDeps, events: DownloadEvents): Promise<DownloadSummary> {
  const planned: PlannedFile[] = [];
  const perChannel: ChannelDownload[] = [];
  const refused: string[] = [];
  for (const c of channels) {
    if (!c.oss) {
      perChannel.push({
        name: c.name,
        uri: c.uri ?? null,
        kind: c.kind,
        downloaded: false,
        files: null,
        bytes: null,
        skipped: null,
        ...(c.note ? { note: c.note } : {}),
      });
      continue;
    }
    const { bucket, prefix } = c.oss;
    const objects = await deps.store.list(bucket, prefix);
    let files = 0;
    let bytes = 0;
    for (const o of objects) {
      // A key ending in "/" is a folder marker (the console makes them): nothing to copy.
      if (o.key.endsWith('/') || !o.key.startsWith(prefix)) continue;
      const rel = o.key.slice(prefix.length);
      const local = localPathFor(root, c.name, rel);
      if ('refused' in local) {
        refused.push(`oss://${bucket}/${o.key}: ${local.refused}`);
        continue;
      }
      planned.push({ channel: c.name, bucket, key: o.key, name: `${c.name}/${rel}`, path: local.path, size: o.size, ...(o.etag ? { etag: o.etag } : {}) });
      files++;
      bytes += o.size;
    }
    perChannel.push({ name: c.name, uri: c.uri ?? null, kind: c.kind, downloaded: true, files, bytes, skipped: 0 });
  }
  if (refused.length > 0) {
    const shown = refused
      .slice(0, 5)
      .map((r) => `  ${r}`)
      .join('\n');
    const more = refused.length > 5 ? `\n  … and ${refused.length - 5} more` : '';
    throw new ServiceError(
      `Refused to download: ${refused.length === 1 ? 'an object key' : `${refused.length} object keys`} would be written outside ${root}; nothing was downloaded\n${shown}${more}`,
      `Rename or remove these objects in the bucket (or download the others with ${deps.nameOf('channel')}), then try again.`,
    );
  }

  await mkdir(root, { recursive: true }).catch((error: unknown) => {
    throw localError(error, root, deps.nameOf);
  });
  const realRoot = await realpath(root);
  const manifest = await readManifest(root);
  const toFetch: PlannedFile[] = [];
  const skipped: PlannedFile[] = [];
  for (const f of planned) ((await alreadyThere(f, manifest)) ? skipped : toFetch).push(f);
  for (const f of skipped) {
    const ch = perChannel.find((c) => c.name === f.channel);
    if (ch && ch.skipped !== null) ch.skipped++;
  }
  events.planned(toFetch, skipped);

  const progress: DownloadProgress = { files: 0, totalFiles: toFetch.length, bytes: 0, totalBytes: toFetch.reduce((n, f) => n + f.size, 0) };
  // Manifest writes one after another: files finish in any order.
  let saving: Promise<void> = Promise.resolve();
  const record = (f: PlannedFile, etag: string | undefined, size: number) => {
    if (etag) manifest.files[f.name] = { etag, size, uri: `oss://${f.bucket}/${f.key}` };
    else delete manifest.files[f.name];
    saving = saving.then(() =>
      writeManifest(root, manifest).catch((error: unknown) => {
        throw localError(error, join(root, MANIFEST_NAME), deps.nameOf);
      }),
    );
    return saving;
  };
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < toFetch.length && !failed) {
      const f = toFetch[next++]!;
      const got = await fetchOne(f, realRoot, deps, (n) => {
        progress.bytes += n;
        events.progress(progress);
      });
      await record(f, got.etag ?? f.etag, got.size);
      progress.files++;
      events.fileDone(f, progress);
    }
  };
  // After a failure no new file is started, and the ones under way are let finish (or fail and remove their
  // partial file) before the first error is thrown: nothing is left half-written behind the exit.
  const settled = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(deps.parallel ?? 4, toFetch.length)) }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  await saving;
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return {
    dir: root,
    files: progress.files,
    bytes: progress.bytes,
    skipped: skipped.length,
    skippedBytes: skipped.reduce((n, f) => n + f.size, 0),
    channels: perChannel,
  };
}

async function alreadyThere(f: PlannedFile, manifest: Manifest): Promise<boolean> {
  const known = manifest.files[f.name];
  if (!known || !f.etag || known.etag !== f.etag || known.size !== f.size) return false;
  const local = await stat(f.path).catch(() => undefined);
  return local?.isFile() === true && local.size === f.size;
}

/** One object to a temporary file beside its target, checked, then renamed into place. */
async function fetchOne(f: PlannedFile, realRoot: string, deps: DownloadDeps, onBytes: (n: number) => void): Promise<{ size: number; etag?: string }> {
  const folder = dirname(f.path);
  await mkdir(folder, { recursive: true }).catch((error: unknown) => {
    throw localError(error, folder, deps.nameOf);
  });
  // The folder may be (or pass through) a symbolic link already in the download folder: follow it, and
  // refuse if it leads outside.
  const realFolder = await realpath(folder);
  const rel = relative(realRoot, realFolder);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ServiceError(
      `Refused to download oss://${f.bucket}/${f.key}: its folder ${folder} leads outside the download folder (a symbolic link)`,
      'Remove the link, or download into an empty folder.',
    );
  }
  const temp = `${f.path}${PARTIAL_SUFFIX}`;
  try {
    const got = await deps.store.download(f.bucket, f.key, temp, { onBytes, ...(deps.signal ? { signal: deps.signal } : {}) });
    if (got.written !== got.size) {
      throw new ServiceError(
        `The download of oss://${f.bucket}/${f.key} is incomplete: ${got.written} of ${got.size} bytes arrived`,
        'Run the same command again: files already complete are skipped.',
      );
    }
    await rename(temp, f.path).catch((error: unknown) => {
      throw localError(error, f.path, deps.nameOf);
    });
    return { size: got.size, ...(got.etag ? { etag: got.etag } : {}) };
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    if (deps.signal?.aborted)
      throw new InterruptedError('Interrupted: the download stopped', 'Run the same command again: files already complete are skipped.');
    // Writing the file failed (a full disk, no permission), not the GET.
    if ((error as NodeJS.ErrnoException).syscall) throw localError(error, temp, deps.nameOf);
    throw error;
  }
}

/** A local file-system failure (a file where a folder should be, no permission, a full disk): exit 2, naming the path. */
function localError(error: unknown, path: string, nameOf: NameOf): CliError {
  const e = error as NodeJS.ErrnoException;
  return new CliError(`Cannot write ${path}: ${e.code ?? e.message}`, ExitCode.usage, `Choose another ${nameOf('download')} folder, or free the path.`);
}
