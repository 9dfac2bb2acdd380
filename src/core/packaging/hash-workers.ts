import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program, as text: it only needs node's own modules, so it runs the same from the sources,
 * the compiled dist/ and the single-file bundle (which has no separate file to point a Worker at). It hashes
 * each batch of files it is sent, in order, through one 1 MiB buffer, and answers `{ id, hashes }` (hex sha256
 * and size per file) or `{ id, error }` (code, path, message) for the first file of the batch it cannot read.
 */
const WORKER_SOURCE = `(() => {
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, paths }) => {
  const hashes = [];
  for (const path of paths) {
    let fd;
    try {
      fd = openSync(path, 'r');
      const hash = createHash('sha256');
      let size = 0;
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        size += n;
      }
      hashes.push([hash.digest('hex'), size]);
    } catch (error) {
      parentPort.postMessage({ id, error: { code: error && error.code, path, message: String(error && error.message) } });
      return;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  parentPort.postMessage({ id, hashes });
});
})();
`;

type Answer = { id: number; hashes: [string, number][] } | { id: number; error: { code?: string; path: string; message: string } };

export interface FileHash {
  sha256: string;
  size: number;
}

/** Files are sent to a worker in batches of about this many bytes (or BATCH_FILES files), whichever comes first. */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 128;

/**
 * A pool of hashing threads fed while the files are still being chosen: `add` queues a file, full batches go to
 * the least busy worker at once, `results` sends the rest and waits for every hash. Hashing a large tree then
 * runs beside the folder walk and the loading of the cloud clients instead of after them. A file that cannot
 * be read rejects `results` with an Error carrying its errno `code` and `path`. `close` ends the threads early.
 */
export class HashPool {
  readonly #workers: { worker: Worker; pendingBytes: number }[] = [];
  readonly #waiting = new Map<number, { paths: string[]; bytes: number; resolve: (h: FileHash[]) => void; reject: (e: Error) => void; worker: number }>();
  readonly #batches: Promise<FileHash[]>[] = [];
  #batch: { paths: string[]; bytes: number } = { paths: [], bytes: 0 };
  #nextId = 0;
  #failure: Error | undefined;

  constructor(threads: number) {
    for (let i = 0; i < Math.max(1, threads); i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (answer: Answer) => this.#answer(answer));
      worker.on('error', (error) => this.#fail(error));
      // A worker that ends while batches still wait for it (it should not) fails them rather than hang.
      worker.on('exit', (code) => {
        if ([...this.#waiting.values()].some((w) => w.worker === i)) this.#fail(new Error(`hashing worker exited with code ${code}`));
      });
      // Idle workers must not keep the process alive (results() and close() end them in the normal course).
      worker.unref();
      this.#workers.push({ worker, pendingBytes: 0 });
    }
  }

  /** Queues a file; its hash is at the same position in `results()` as its call here. */
  add(path: string, size: number): void {
    this.#batch.paths.push(path);
    this.#batch.bytes += size;
    if (this.#batch.bytes >= BATCH_BYTES || this.#batch.paths.length >= BATCH_FILES) this.#send();
  }

  /** Every queued file's hash, in the order they were added; ends the threads. */
  async results(): Promise<FileHash[]> {
    this.#send();
    try {
      return (await Promise.all(this.#batches)).flat();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }

  #send(): void {
    const { paths, bytes } = this.#batch;
    if (paths.length === 0) return;
    this.#batch = { paths: [], bytes: 0 };
    const id = this.#nextId++;
    const index = this.#workers.reduce((best, w, i) => (w.pendingBytes < this.#workers[best]!.pendingBytes ? i : best), 0);
    const target = this.#workers[index]!;
    // Counted with a floor per file: opening and closing a file costs about as much as reading 64 KiB.
    const weight = bytes + paths.length * 65536;
    target.pendingBytes += weight;
    const promise = new Promise<FileHash[]>((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#waiting.set(id, { paths, bytes: weight, resolve, reject, worker: index });
      target.worker.ref();
      target.worker.postMessage({ id, paths });
    });
    promise.catch(() => undefined); // surfaced by results()
    this.#batches.push(promise);
  }

  #answer(answer: Answer): void {
    const waiting = this.#waiting.get(answer.id);
    if (!waiting) return;
    this.#waiting.delete(answer.id);
    const w = this.#workers[waiting.worker]!;
    w.pendingBytes -= waiting.bytes;
    if (![...this.#waiting.values()].some((x) => x.worker === waiting.worker)) w.worker.unref();
    if ('error' in answer) {
      waiting.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code, path: answer.error.path }));
    } else {
      waiting.resolve(answer.hashes.map(([sha256, size]) => ({ sha256, size })));
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const [id, w] of this.#waiting) {
      this.#waiting.delete(id);
      w.reject(error);
    }
  }
}

/** Hashes the files on `threads` worker threads; sha256 (hex) and size per file, in input order. */
export async function hashInWorkers(files: readonly { path: string; size: number }[], threads: number): Promise<FileHash[]> {
  const pool = new HashPool(threads);
  for (const f of files) pool.add(f.path, f.size);
  return pool.results();
}
