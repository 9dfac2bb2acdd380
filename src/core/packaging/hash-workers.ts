import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program, as text: it only needs node's own modules, so it runs the same from the sources,
 * the compiled dist/ and the single-file bundle (which has no separate file to point a Worker at). It hashes
 * the files it is given, in order, through one 1 MiB buffer, and answers `{ hashes }` (hex sha256 and size per
 * file) or `{ error }` (code, path, message) for the first file it cannot read.
 */
const WORKER_SOURCE = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(1024 * 1024);
const hashes = [];
for (const path of workerData.paths) {
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
    parentPort.postMessage({ error: { code: error && error.code, path, message: String(error && error.message) } });
    return;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
parentPort.postMessage({ hashes });
})();
`;

type Answer = { hashes: [string, number][] } | { error: { code?: string; path: string; message: string } };

/**
 * Hashes files on `workers` threads, the files shared out by size (largest first, each to the least loaded
 * thread), so that hashing a large tree takes a share of the wall time and leaves the main thread free (to
 * load the cloud clients and credentials meanwhile). Returns sha256 (hex) and size per file, in input order.
 * A file that cannot be read rejects with an Error carrying its errno `code` and `path`.
 */
export async function hashInWorkers(files: readonly { path: string; size: number }[], workers: number): Promise<{ sha256: string; size: number }[]> {
  const shares: { indexes: number[]; bytes: number }[] = Array.from({ length: Math.max(1, workers) }, () => ({ indexes: [], bytes: 0 }));
  const order = files.map((_, i) => i).sort((a, b) => files[b]!.size - files[a]!.size);
  for (const i of order) {
    const least = shares.reduce((m, s) => (s.bytes < m.bytes ? s : m), shares[0]!);
    least.indexes.push(i);
    least.bytes += files[i]!.size;
  }
  const out: { sha256: string; size: number }[] = new Array(files.length);
  await Promise.all(
    shares
      .filter((s) => s.indexes.length > 0)
      .map(
        (share) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { paths: share.indexes.map((i) => files[i]!.path) } });
            let answered = false;
            worker.once('message', (answer: Answer) => {
              answered = true;
              if ('error' in answer) {
                reject(Object.assign(new Error(answer.error.message), { code: answer.error.code, path: answer.error.path }));
              } else {
                answer.hashes.forEach(([sha256, size], k) => (out[share.indexes[k]!] = { sha256, size }));
                resolve();
              }
            });
            worker.once('error', reject);
            worker.once('exit', (code) => {
              if (!answered) reject(new Error(`hashing worker exited with code ${code} before answering`));
            });
          }),
      ),
  );
  return out;
}
