import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HashPool, hashInWorkers, type FileHash } from './hash-workers.js';
import { compareCodePoints, selectFiles, type Entry, type Selection } from './select-files.js';
import { unreadable } from './errors.js';

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
  /**
   * Threads to hash on when the tree is large; 0 hashes on this thread. Default: the cores but one (this thread
   * has its own work meanwhile: the walk, loading the clients), at least 1, at most 2.
   */
  workers?: number;
  /** From this many bytes of files, hashing moves to worker threads (default WORKER_THRESHOLD). */
  workerThreshold?: number;
  /** Hashes already made (by `selectAndHash`'s pool), by relative path: those files are not read again. */
  prehashed?: ReadonlyMap<string, FileHash>;
}

/** Below this a tree is hashed on the main thread: a worker costs ~20-40 ms to start. */
export const WORKER_THRESHOLD = 32 * 1024 * 1024;

/**
 * Hashes the selected files once (sha256 only: the digest is all an unchanged tree needs). A large tree is
 * hashed on worker threads (hash-workers.ts), which leaves this thread free to load the cloud clients and
 * credentials meanwhile and shares the reading out over the cores. A small one is hashed here, with
 * synchronous reads into one reused 1 MiB buffer: for thousands of small files a thread-pool round trip per
 * read costs more than the read (see tree-fs.ts), and memory stays flat for a file of any size. Links kept in
 * the selection go up as the file they point at (an object store has no links; the SDK's upload reads through
 * them too); a link to a folder or a dangling link cannot, and is reported.
 */
export async function hashTree(selection: Selection, options: HashOptions = {}): Promise<CodeTree> {
  const chosen: { path: string; abs: string; size: number; executable: boolean }[] = [];
  const warnings: string[] = [];
  const known = options.prehashed;
  let bytes = 0;
  for (const entry of selection.files) {
    if (entry.type === 'directory') continue;
    const abs = join(selection.root, entry.path);
    let executable = entry.mode === 0o755;
    let size = entry.size;
    if (entry.type === 'symlink') {
      const target = statSync(abs, { throwIfNoEntry: false });
      if (!target || !target.isFile()) {
        warnings.push(`left out the link ${entry.path} -> ${entry.target ?? ''}: ${target ? 'it points at a folder' : 'it points nowhere'}, and an object store has no links`);
        continue;
      }
      executable = (target.mode & 0o111) !== 0;
      size = target.size;
    }
    chosen.push({ path: entry.path, abs, size, executable });
    if (!known?.has(entry.path)) bytes += size;
  }
  const workers = options.workers ?? defaultWorkers();
  let hashes: FileHash[];
  const todo = known ? chosen.filter((c) => !known.has(c.path)) : chosen;
  if (workers > 0 && bytes >= (options.workerThreshold ?? WORKER_THRESHOLD)) {
    hashes = await hashInWorkers(todo.map((c) => ({ path: c.abs, size: c.size })), workers).catch((err: unknown) => {
      throw unreadable((err as { path?: string }).path ?? selection.root, err);
    });
  } else {
    hashes = [];
    const buffer = Buffer.allocUnsafe(CHUNK);
    let lastYield = Date.now();
    for (const c of todo) {
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
        if (options.signal?.aborted) throw options.signal.reason;
      }
      hashes.push(hashFile(c.abs, buffer));
    }
  }
  const made = new Map(todo.map((c, i) => [c.path, hashes[i]!]));
  // The sizes read, not the sizes listed: the digest must describe the bytes that were hashed.
  const files = chosen.map((c) => {
    const h = known?.get(c.path) ?? made.get(c.path)!;
    return { path: c.path, abs: c.abs, size: h.size, executable: c.executable, sha256: h.sha256 };
  });
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  return { root: selection.root, files, digest: treeDigest(files), fileCount: files.length, totalBytes, warnings };
}

/** The threads a large tree is hashed on by default (see HashOptions.workers). */
function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/**
 * Chooses the files and hashes them, hashing beside the walk: once the files chosen so far pass
 * WORKER_THRESHOLD, they and every later one go to a pool of worker threads as they are found, so a large
 * tree's hashing is mostly done when the walk ends. `check` sees the selection before its hashes are awaited
 * (the size limit); if it throws, the threads are stopped. A small tree is hashed here, after the walk.
 */
export async function selectAndHash(root: string, check: (selection: Selection) => void, options: HashOptions = {}): Promise<{ selection: Selection; tree: CodeTree }> {
  const workers = options.workers ?? defaultWorkers();
  const threshold = options.workerThreshold ?? WORKER_THRESHOLD;
  let pool: HashPool | undefined;
  let queued: Entry[] = [];
  let queuedBytes = 0;
  const order: string[] = [];
  const onFile = (entry: Entry) => {
    if (pool) {
      pool.add(join(root, entry.path), entry.size);
      order.push(entry.path);
      return;
    }
    queued.push(entry);
    queuedBytes += entry.size;
    if (workers > 0 && queuedBytes >= threshold) {
      pool = new HashPool(workers);
      for (const q of queued) {
        pool.add(join(root, q.path), q.size);
        order.push(q.path);
      }
      queued = [];
    }
  };
  try {
    const selection = await selectFiles(root, { onFile });
    check(selection);
    const prehashed = new Map<string, FileHash>();
    if (pool) {
      const hashes = await pool.results().catch((err: unknown) => {
        throw unreadable((err as { path?: string }).path ?? root, err);
      });
      order.forEach((path, i) => prehashed.set(path, hashes[i]!));
    }
    return { selection, tree: await hashTree(selection, { ...options, prehashed, workers: pool ? 0 : workers }) };
  } finally {
    await pool?.close();
  }
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
