import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { compareCodePoints, type Selection } from './select-files.js';
import { unreadable } from './errors.js';
import { looksLikePrivateKey, privateKeyWarning } from './private-key.js';

/** Where code goes up, one content-addressed prefix per tree (the SDK's `processing_src` category). */
export const CODE_ROOT = 'pai/processing_src/';

/** One file of the code as it goes up: one object `<prefix><path>`. */
export interface TreeFile {
  /** Relative to the code folder, `/`-separated: the object's name under the prefix. */
  readonly path: string;
  /** The file to read (for a link kept in the selection: the link, which the read follows). */
  readonly abs: string;
  readonly size: number;
  readonly executable: boolean;
  /** Hex. */
  readonly sha256: string;
}

/** The code folder as objects: every file, hashed, and the digest that names the prefix. */
export interface CodeTree {
  readonly root: string;
  readonly files: readonly TreeFile[];
  /** Hex sha256 over every file's relative path, executable bit, size and content hash (`treeDigest`). */
  readonly digest: string;
  readonly fileCount: number;
  readonly totalBytes: number;
  /** What could not go up as an object (a link to a folder, a dangling link), one line each. */
  readonly warnings: readonly string[];
}

/** `pai/processing_src/sha256-<digest>/`: the CodeDir key; the job finds the objects under it in /ml/usercode. */
export function codePrefix(digest: string): string {
  return `${CODE_ROOT}sha256-${digest}/`;
}

/**
 * `pai/processing_src/sha256-<digest>.json`: written once every object is in place, beside the prefix rather
 * than in it, so /ml/usercode holds exactly the user's files. Its presence means "all uploaded".
 */
export function markerKey(digest: string): string {
  return `${CODE_ROOT}sha256-${digest}.json`;
}

/**
 * The tree digest: sha256 over one JSON line `[path, executable, size, sha256]` per file, sorted by path in
 * code-point order. JSON makes a path with a newline or a quote unambiguous; the same tree gives the same
 * digest wherever it sits, and a change of content, name, size or executable bit gives another.
 */
export function treeDigest(files: readonly Pick<TreeFile, 'path' | 'executable' | 'size' | 'sha256'>[]): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort((a, b) => compareCodePoints(a.path, b.path));
  for (const f of sorted) hash.update(JSON.stringify([f.path, f.executable, f.size, f.sha256]) + '\n');
  return hash.digest('hex');
}

/** Read size of the hashing pass: bounded memory whatever the file size. */
const CHUNK = 1024 * 1024;
/** How long hashing may keep the event loop before letting timers (a spinner, a signal) run. */
const YIELD_EVERY_MS = 20;

export interface HashOptions {
  signal?: AbortSignal;
}

/**
 * Hashes the selected files once (sha256 only: the digest is all an unchanged tree needs). Reads are
 * synchronous into one reused 1 MiB buffer: for thousands of small files a thread-pool round trip per read
 * costs more than the read (see tree-fs.ts), and memory stays flat for a file of any size. Links kept in the
 * selection go up as the file they point at (an object store has no links; the SDK's upload reads through
 * them too); a link to a folder or a dangling link cannot, and is reported.
 */
export async function hashTree(selection: Selection, options: HashOptions = {}): Promise<CodeTree> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const files: TreeFile[] = [];
  const warnings: string[] = [];
  let totalBytes = 0;
  let lastYield = Date.now();
  // join(root, path) without normalising 4,000 paths again: root is absolute and normalised (selectFiles resolves
  // it), each path relative, `/`-separated, without `.` or `..` (select-files.ts Entry).
  const prefix = selection.root.endsWith(sep) ? selection.root : selection.root + sep;
  for (const entry of selection.files) {
    if (entry.type === 'directory') continue;
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
      if (options.signal?.aborted) throw options.signal.reason;
    }
    const abs = prefix + entry.path;
    let executable = entry.mode === 0o755;
    if (entry.type === 'symlink') {
      const target = statSync(abs, { throwIfNoEntry: false });
      if (!target?.isFile()) {
        warnings.push(
          `left out the link ${entry.path} -> ${entry.target ?? ''}: ${target ? 'it points at a folder' : 'it points nowhere'}, and an object store has no links`,
        );
        continue;
      }
      executable = (target.mode & 0o111) !== 0;
    }
    const hash = createHash('sha256');
    let privateKey = false;
    const size = readChunks(abs, buffer, [hash], (chunk, offset) => {
      if (offset === 0) privateKey = looksLikePrivateKey(chunk);
    });
    const sha256 = hash.digest('hex');
    if (privateKey) warnings.push(privateKeyWarning(entry.path));
    files.push({ path: entry.path, abs, size, executable, sha256 });
    totalBytes += size;
  }
  return { root: selection.root, files, digest: treeDigest(files), fileCount: files.length, totalBytes, warnings };
}

/** sha256 (hex) and size of a file, read in chunks into `buffer`. */
export function hashFile(path: string, buffer: Buffer = Buffer.allocUnsafe(CHUNK)): { sha256: string; size: number } {
  const hash = createHash('sha256');
  const size = readChunks(path, buffer, [hash]);
  return { sha256: hash.digest('hex'), size };
}

/** Reads a file through `buffer`, feeding every hash; returns the bytes read. */
export function readChunks(path: string, buffer: Buffer, hashes: readonly Hash[], onChunk?: (chunk: Buffer, offset: number) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) return offset;
      const chunk = buffer.subarray(0, n);
      for (const h of hashes) h.update(chunk);
      onChunk?.(chunk, offset);
      offset += n;
    }
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    closeSync(fd);
  }
}
