import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { PassThrough, Transform, pipeline as pipelineCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGunzip, createGzip } from 'node:zlib';
import { Pack, extract } from 'tar';
import { PackagingError, errnoCode } from './errors.js';
import type { Entry, Selection } from './select-files.js';

/**
 * The mtime of every entry. Not the epoch: Python's zipfile refuses dates before 1980, so a wheel built from the
 * unpacked code (`pip install .`) would fail on files dated 1970.
 */
export const ARCHIVE_MTIME = new Date(Date.UTC(2000, 0, 1));

/** Every deflate parameter fixed, so that the same tar gives the same gzip bytes wherever the same zlib runs. */
const GZIP_OPTIONS = {
  level: 6,
  memLevel: 8,
  windowBits: 15,
  strategy: zlibConstants.Z_DEFAULT_STRATEGY,
} as const;

/** Bytes read from a file at a time; tar reads up to four entries ahead, so this bounds the memory per archive. */
const READ_CHUNK = 1024 * 1024;

/** What `packArchive` wrote. */
export interface PackedArchive {
  /** The archive file, absolute. */
  readonly path: string;
  /** sha256 of the .tar.gz bytes, lowercase hex. */
  readonly sha256: string;
  /** Size of the .tar.gz. */
  readonly bytes: number;
  /**
   * sha256 of the uncompressed tar. The tar bytes depend only on the selection; the gzip bytes also depend on the
   * zlib build (Node.js version), so this is the identity to use when one must hold across Node.js versions.
   */
  readonly tarSha256: string;
}

/**
 * Writes the selection as a deterministic .tar.gz to `destination`, hashing the bytes on their way to the file.
 * File contents are streamed, never held whole. On failure the partial file is removed; an unreadable or changed
 * file is a `PackagingError` naming it.
 */
export async function packArchive(selection: Selection, destination: string): Promise<PackedArchive> {
  const path = resolve(destination);
  await mkdir(dirname(path), { recursive: true });
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline([
      ...archiveStages(selection, chunk => tarHash.update(chunk)),
      tap(chunk => {
        gzHash.update(chunk);
        bytes += chunk.length;
      }),
      createWriteStream(path),
    ]);
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return { path, sha256: gzHash.digest('hex'), bytes, tarSha256: tarHash.digest('hex') };
}

/**
 * The same .tar.gz bytes as `packArchive`, as a stream, for callers that send them elsewhere (an upload). It fails
 * with a `PackagingError` when a file cannot be read.
 */
export function packArchiveStream(selection: Selection): Readable {
  const stages = archiveStages(selection);
  const last = stages[stages.length - 1] as Readable;
  // The callback form: errors reach the caller through `last`, which pipeline destroys with the error.
  pipelineCallback(stages, () => {});
  return last;
}

/**
 * Unpacks an archive into `destination` (created if missing), the way PAI's `tar -xzf` does into /ml/usercode/.
 * Used by the local runner and tests. Any problem tar reports (a file it could not write…) rejects.
 */
export async function unpackArchive(archive: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true });
  let entries = 0;
  try {
    await extract({
      file: archive,
      cwd: destination,
      strict: true,
      preserveOwner: false,
      // tar refuses archives that inflate more than 1000×, against archive bombs; this one is ours, and a large
      // file of zeros legitimately does that.
      maxDecompressionRatio: Infinity,
      onReadEntry: () => {
        entries += 1;
      },
    });
  } catch (err) {
    // The archive of an empty selection is two zero blocks: GNU tar and Python unpack it to nothing, node-tar
    // calls it TAR_BAD_ARCHIVE.
    const badArchive = (err as { tarCode?: unknown } | null)?.tarCode === 'TAR_BAD_ARCHIVE';
    if (badArchive && entries === 0 && (await holdsOnlyZeros(archive))) return;
    throw err;
  }
}

/** Whether a .tar.gz inflates to zero bytes only (an empty tar), read as a stream. */
async function holdsOnlyZeros(archive: string): Promise<boolean> {
  try {
    for await (const chunk of createReadStream(archive).pipe(createGunzip())) {
      if ((chunk as Buffer).some(byte => byte !== 0)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** tar → [tap] → gzip → portable gzip header. */
function archiveStages(selection: Selection, onTarChunk?: (chunk: Buffer) => void): [Readable, ...Transform[]] {
  const gzip = createGzip(GZIP_OPTIONS);
  const stages: Transform[] = onTarChunk ? [tap(onTarChunk), gzip, portableGzipHeader()] : [gzip, portableGzipHeader()];
  return [tarStream(selection), ...stages];
}

/** How many entries tar holds queued ahead of the one it writes; more would only cost memory per entry. */
const QUEUE_AHEAD = 64;

/**
 * The uncompressed tar of the selection. tar's Pack does the format (ustar, with pax records for long or non-ASCII
 * names); we feed it the sorted entries with `noDirRecurse`, and hand it stats we made ourselves through its stat
 * cache, so that it does not look at the file system's modes, owners, times or link counts at all.
 * Entries are fed a few at a time as tar starts writing them: queued all at once, tar's job objects and our stats
 * cost ~2 KB per entry (measured: 50 MB of heap for 20,000 files).
 */
function tarStream(selection: Selection): Readable {
  const statCache = new Map<string, Stats>();
  let next = 0;
  let ended = false;
  const feed = (count: number) => {
    // Once the stream failed or its reader went away, nothing more is read.
    if (out.destroyed) return;
    for (; count > 0 && next < selection.files.length; count--, next++) {
      const entry = selection.files[next] as Entry;
      statCache.set(cacheKey(selection.root, entry.path), new ArchiveStat(entry) as unknown as Stats);
      pack.add(entry.path);
    }
    if (next === selection.files.length && !ended) {
      ended = true;
      pack.end();
    }
  };
  const pack: Pack = new Pack({
    cwd: selection.root,
    // portable: no uid/gid/uname/gname, atime, ctime, dev, ino or nlink in headers or pax records.
    portable: true,
    noDirRecurse: true,
    mtime: ARCHIVE_MTIME,
    statCache,
    strict: true,
    maxReadSize: READ_CHUNK,
    onWriteEntry: entry => {
      // portable mode leaves folders without an mtime (the field is NULs, read as 1970); give them the fixed one.
      if (entry.type === 'Directory') entry.noMtime = false;
      // A stat tar took from the disk would carry this machine's modes and owners: never write one.
      if (!(entry.stat instanceof ArchiveStat)) out.destroy(new Error(`tar read ${entry.absolute} from the disk`));
      // Both reads of the stat (Pack's and the entry's) are done by now.
      statCache.delete(entry.absolute);
      // Not from inside tar's processing loop: top up once it has returned.
      queueMicrotask(() => feed(1));
    },
  });
  const out = new PassThrough();
  pack.on('error', (err: unknown) => {
    pack.unpipe(out);
    out.destroy(packError(selection.root, err));
  });
  pack.pipe(out);
  feed(QUEUE_AHEAD);
  return out;
}

/** tar's key for an entry in its stat cache: `path.resolve(cwd, path)`, with `/` on Windows. */
function cacheKey(root: string, path: string): string {
  const abs = resolve(root, path);
  return process.platform === 'win32' ? abs.replace(/\\/g, '/') : abs;
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * The stat tar writes a header from; tar reads only these fields and methods (write-entry.js, pack.js), and a real
 * fs.Stats would carry the machine's. Everything that differs between machines or copies of a tree is fixed:
 * owner 0, one mtime, normalised mode, and nlink 1 so that hard links are stored as plain files (a copy of the
 * tree has no hard links, and must give the same bytes).
 */
class ArchiveStat {
  readonly mode: number;
  size: number;
  readonly uid = 0;
  readonly gid = 0;
  readonly mtime = ARCHIVE_MTIME;
  readonly atime = ARCHIVE_MTIME;
  readonly ctime = ARCHIVE_MTIME;
  readonly nlink = 1;
  readonly dev = 0;
  readonly ino = 0;
  readonly #type: Entry['type'];

  constructor(entry: Entry) {
    this.#type = entry.type;
    const format = entry.type === 'file' ? S_IFREG : entry.type === 'directory' ? S_IFDIR : S_IFLNK;
    this.mode = format | entry.mode;
    this.size = entry.type === 'file' ? entry.size : 0;
  }

  isFile(): boolean {
    return this.#type === 'file';
  }

  isDirectory(): boolean {
    return this.#type === 'directory';
  }

  isSymbolicLink(): boolean {
    return this.#type === 'symlink';
  }
}

/** Overwrites the gzip header's OS byte (3 on Linux, 19 on macOS, 10 on Windows) with 255, "unknown", as tar's portable gzip does. */
function portableGzipHeader(): Transform {
  const OS_BYTE = 9;
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (offset <= OS_BYTE && offset + chunk.length > OS_BYTE) {
        chunk = Buffer.from(chunk);
        chunk[OS_BYTE - offset] = 0xff;
      }
      offset += chunk.length;
      done(null, chunk);
    },
  });
}

/** A pass-through that shows each chunk to `see` (hashing, counting). */
function tap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      see(chunk);
      done(null, chunk);
    },
  });
}

/** tar's errors carry the absolute path; say which file and what to do. */
function packError(root: string, err: unknown): Error {
  const path = (err as { path?: unknown } | null)?.path;
  if (typeof path !== 'string') return err instanceof Error ? err : new Error(String(err));
  const code = errnoCode(err);
  const name = relative(root, path) || path;
  if (code === 'EACCES' || code === 'EPERM') {
    return new PackagingError(`Cannot read ${path} (${code})`, {
      path,
      reason: 'unreadable',
      code,
      hint: 'Make it readable, or leave it out with an ignore rule.',
    });
  }
  if (code === 'ENOENT' || code === 'EOF') {
    return new PackagingError(`${name} changed while the code was being packaged`, {
      path,
      reason: 'changed',
      code,
      hint: 'Run again once nothing writes into the code folder, or leave the file out with an ignore rule.',
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}
