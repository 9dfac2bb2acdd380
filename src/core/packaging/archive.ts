import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, readlinkSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
// The header classes only: the whole of tar (extract, list, pack…) costs start-up time a dry run does not need.
import { Header } from 'tar/header';
import { Pax } from 'tar/pax';
import { PackagingError, errnoCode, unreadable } from './errors.js';
import { ParallelGzip } from './parallel-gzip.js';
import { looksLikePrivateKey, privateKeyWarning } from './private-key.js';
import type { Entry, Selection } from './select-files.js';

/**
 * The mtime of every entry. Not the epoch: Python's zipfile refuses dates before 1980, so a wheel built from the
 * unpacked code (`pip install .`) would fail on files dated 1970.
 */
export const ARCHIVE_MTIME = new Date(Date.UTC(2000, 0, 1));

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
  /** Files that look like private keys, one line each (see `looksLikePrivateKey`). */
  readonly warnings: readonly string[];
}

/** Test-only knobs of the gzip stage; another block size gives other bytes. */
export interface PackOptions {
  blockSize?: number;
  concurrency?: number;
}

/**
 * Writes the selection as a deterministic .tar.gz to `destination`, hashing the bytes on their way to the file.
 * File contents are streamed, never held whole. On failure the partial file is removed; an unreadable or changed
 * file is a `PackagingError` naming it.
 */
export async function packArchive(selection: Selection, destination: string, options: PackOptions = {}): Promise<PackedArchive> {
  const path = resolve(destination);
  await mkdir(dirname(path), { recursive: true });
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let bytes = 0;
  let warnings: string[] = [];
  const fd = openSync(path, 'w');
  try {
    const gzip = new ParallelGzip({
      ...options,
      onInput: (chunk) => tarHash.update(chunk),
      output: (chunk) => {
        gzHash.update(chunk);
        bytes += chunk.length;
        // Synchronous: a few hundred KiB into the page cache, while the thread pool compresses the next blocks.
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      },
    });
    warnings = await writeTar(selection, gzip);
    await gzip.end();
    closeSync(fd);
  } catch (err) {
    closeSync(fd);
    await rm(path, { force: true });
    throw err;
  }
  return { path, sha256: gzHash.digest('hex'), bytes, tarSha256: tarHash.digest('hex'), warnings };
}

/**
 * Unpacks an archive into `destination` (created if missing), the way PAI's `tar -xzf` does into /ml/usercode/.
 * Used by the local runner and tests. Any problem tar reports (a file it could not write…) rejects.
 */
export async function unpackArchive(archive: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true });
  let entries = 0;
  const { extract } = await import('tar/extract');
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
      if ((chunk as Buffer).some((byte) => byte !== 0)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The uncompressed tar of the selection, written into the gzip stage: for each entry its header (through tar's own
 * Header and Pax classes, so the bytes are those tar's Pack writes in portable mode, which a test checks) and a
 * file's content, read straight into the block being filled. Reads are synchronous: they come from the page cache
 * in a few hundred microseconds while the thread pool compresses the blocks before, and the event loop still turns
 * once per block. A file is read to the size it was chosen with: shorter or longer is a change.
 */
async function writeTar(selection: Selection, gzip: TarSink): Promise<string[]> {
  const probe = Buffer.allocUnsafe(1);
  const warnings: string[] = [];
  for (const entry of selection.files) {
    const abs = resolve(selection.root, entry.path);
    await gzip.write(entryHeader(entry, abs));
    if (entry.type !== 'file' || entry.size === 0) continue;
    let fd: number;
    try {
      fd = openSync(abs, 'r');
    } catch (err) {
      throw packError(selection.root, withPath(err, abs));
    }
    try {
      let position = 0;
      while (position < entry.size) {
        const span = await gzip.span(entry.size - position);
        const read = readSync(fd, span.buffer, span.offset, span.length, position);
        if (read === 0) throw packError(selection.root, { path: abs, code: 'EOF' });
        // The first bytes, already read into the block: enough to recognise a PEM private key.
        if (position === 0 && looksLikePrivateKey(span.buffer.subarray(span.offset, span.offset + read))) warnings.push(privateKeyWarning(entry.path));
        gzip.commit(read);
        position += read;
      }
      if (readSync(fd, probe, 0, 1, position) !== 0) throw packError(selection.root, { path: abs, code: 'EOF' });
    } catch (err) {
      throw packError(selection.root, withPath(err, abs));
    } finally {
      closeSync(fd);
    }
    const padding = (512 - (entry.size % 512)) % 512;
    if (padding > 0) await gzip.zeros(padding);
  }
  // The end of the archive: two zero blocks, as tar writes it.
  await gzip.zeros(1024);
  return warnings;
}

/** What writeTar needs of where the tar goes (the gzip stage). */
interface TarSink {
  span(max: number): Promise<{ buffer: Buffer; offset: number; length: number }>;
  commit(bytes: number): void;
  write(data: Buffer): Promise<void>;
  zeros(count: number): Promise<void>;
}

/**
 * The header block(s) of an entry, as tar's WriteEntry writes them in portable mode from our normalised stat: no
 * owner, names, atime or ctime; one mtime for every entry (folders included); a pax record (path, mtime, size, and
 * linkpath for links) only when a field does not fit the ustar header (long or non-ASCII names).
 */
function entryHeader(entry: Entry, abs: string): Buffer {
  const isDirectory = entry.type === 'directory';
  const path = isDirectory ? `${entry.path}/` : entry.path;
  const linkpath = entry.type === 'symlink' ? (entry.target ?? readlinkSync(abs)) : undefined;
  const size = entry.type === 'file' ? entry.size : 0;
  const type = entry.type === 'file' ? 'File' : isDirectory ? 'Directory' : 'SymbolicLink';
  const header = new Header({
    path,
    mode: portableMode(entry.mode, isDirectory),
    size,
    mtime: ARCHIVE_MTIME,
    type,
    ...(linkpath !== undefined ? { linkpath } : {}),
  });
  const needsPax = header.encode();
  const block = header.block as Buffer;
  if (!needsPax) return block;
  const pax = new Pax({ mtime: ARCHIVE_MTIME, path, size, ...(linkpath !== undefined ? { linkpath } : {}) }).encode();
  return Buffer.concat([pax, block]);
}

/** tar's mode fix in portable mode: owner can read and write, nobody else writes, readable folders are listable. */
function portableMode(mode: number, isDirectory: boolean): number {
  let m = ((mode & 0o7777) | 0o600) & ~0o22;
  if (isDirectory) {
    if (m & 0o400) m |= 0o100;
    if (m & 0o40) m |= 0o10;
    if (m & 0o4) m |= 0o1;
  }
  return m;
}

/** The error with the file's path (readSync's errors carry none). */
function withPath(err: unknown, path: string): unknown {
  if (err instanceof PackagingError) return err;
  if (err && typeof err === 'object' && !('path' in err)) Object.assign(err, { path });
  return err;
}

/** tar's errors carry the absolute path; say which file and what to do. */
function packError(root: string, err: unknown): Error {
  const path = (err as { path?: unknown } | null)?.path;
  if (typeof path !== 'string') return err instanceof Error ? err : new Error(String(err));
  const code = errnoCode(err);
  const name = relative(root, path) || path;
  if (code === 'ENOENT' || code === 'EOF') {
    return new PackagingError(`${name} changed while the code was being packaged`, {
      path,
      reason: 'changed',
      code,
      hint: 'Run again once nothing writes into the code folder, or leave the file out with an ignore rule.',
    });
  }
  return unreadable(path, err);
}
