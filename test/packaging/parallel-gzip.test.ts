import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createCipheriv } from 'node:crypto';
import { readFileSync, writeFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import * as zlib from 'node:zlib';
import { Pack } from 'tar';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_MTIME, packArchive, selectFiles, type Entry, type Selection } from '../../src/core/packaging/index.js';
import { isIncompressible, ParallelGzip, storedBlocks } from '../../src/core/packaging/parallel-gzip.js';
import { readTree, tempDir, writeTree, type Node } from './tree.js';

/** Deterministic incompressible bytes. */
function noise(bytes: number, seed = 'noise'): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(bytes));
}

function text(bytes: number, seed = 0): string {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `def f_${(i * 7919 + seed) % 10007}(x):\n    return x * ${i % 13}  # line ${i}\n`;
  return out.slice(0, bytes);
}

/** Links, long and non-ASCII names (pax records), sizes at and around 512, empty files, and both kinds of content. */
const tree: Record<string, Node> = {
  'empty.txt': '',
  'one.txt': 'x',
  'block-511.bin': Buffer.alloc(511, 1),
  'block-512.bin': Buffer.alloc(512, 2),
  'block-513.bin': Buffer.alloc(513, 3),
  'run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
  'src/a.py': text(70_000, 1),
  'src/b.py': text(150_000, 2),
  'models/noise.bin': noise(300_000),
  'models/noise-2.bin': noise(100_000, 'two'),
  [`long/${'directory-name-'.repeat(6)}/${'file-name-'.repeat(12)}.py`]: text(1000, 3),
  'ünïcödé/数据 file.txt': 'unicode\n',
  'link-in': { link: 'src/a.py' },
  [`long-link-${'x'.repeat(90)}`]: { link: `long/${'directory-name-'.repeat(6)}/${'file-name-'.repeat(12)}.py` },
  outputs: { dir: true },
};

/**
 * The tar that tar's Pack writes from the same selection, portable, with our stats: the previous implementation,
 * kept as the oracle for the bytes of the tar (and so for `tarSha256`).
 */
function referenceTar(selection: Selection): Promise<Buffer> {
  const statCache = new Map<string, Stats>();
  for (const entry of selection.files) statCache.set(resolve(selection.root, entry.path), fakeStat(entry) as unknown as Stats);
  const pack = new Pack({
    cwd: selection.root,
    portable: true,
    noDirRecurse: true,
    mtime: ARCHIVE_MTIME,
    statCache,
    strict: true,
    onWriteEntry: (entry) => {
      if (entry.type === 'Directory') entry.noMtime = false;
    },
  });
  const out = new PassThrough();
  pack.pipe(out);
  for (const entry of selection.files) pack.add(entry.path);
  pack.end();
  return buffer(out as Readable);
}

function fakeStat(entry: Entry) {
  const format = entry.type === 'file' ? 0o100000 : entry.type === 'directory' ? 0o040000 : 0o120000;
  return {
    mode: format | entry.mode,
    size: entry.type === 'file' ? entry.size : 0,
    uid: 0,
    gid: 0,
    mtime: ARCHIVE_MTIME,
    atime: ARCHIVE_MTIME,
    ctime: ARCHIVE_MTIME,
    nlink: 1,
    dev: 0,
    ino: 0,
    isFile: () => entry.type === 'file',
    isDirectory: () => entry.type === 'directory',
    isSymbolicLink: () => entry.type === 'symlink',
  };
}

const hasPython = spawnSync('python3', ['--version']).status === 0;
const hasGnuTar = spawnSync('tar', ['--version']).status === 0;

describe('the archive in parallel gzip blocks', () => {
  it('holds exactly the tar that tar itself writes for the selection', async () => {
    const root = writeTree(tempDir(), tree);
    const selection = await selectFiles(root);
    const archive = await packArchive(selection, join(tempDir(), 'code.tar.gz'));
    const tar = zlib.gunzipSync(readFileSync(archive.path));
    const reference = await referenceTar(selection);
    expect(tar.length).toBe(reference.length);
    expect(tar.equals(reference)).toBe(true);
    expect(archive.tarSha256).toBe(createHash('sha256').update(reference).digest('hex'));
  });

  it('gives the same bytes whatever the number of blocks compressing at once', async () => {
    const root = writeTree(tempDir(), tree);
    const selection = await selectFiles(root);
    const options = { blockSize: 32 * 1024 };
    const one = await packArchive(selection, join(tempDir(), 'one.tar.gz'), { ...options, concurrency: 1 });
    const four = await packArchive(selection, join(tempDir(), 'four.tar.gz'), { ...options, concurrency: 4 });
    expect(readFileSync(four.path).equals(readFileSync(one.path))).toBe(true);
    expect(four.sha256).toBe(one.sha256);
    // Another block size is another (valid) gzip of the same tar.
    const big = await packArchive(selection, join(tempDir(), 'big.tar.gz'));
    expect(big.tarSha256).toBe(one.tarSha256);
  });

  it.each([
    ['one block', undefined],
    ['many 32 KiB blocks, stored and deflated', 32 * 1024],
  ])('unpacks exactly with GNU tar, Python tarfile and tar, %s', async (_name, blockSize) => {
    const root = writeTree(tempDir(), tree);
    const selection = await selectFiles(root);
    const archive = await packArchive(selection, join(tempDir(), 'code.tar.gz'), blockSize ? { blockSize } : {});
    const expected = readTree(root);
    // gzip's own check of the stream, CRC and length included.
    if (hasGnuTar) {
      execFileSync('gzip', ['-t', archive.path]);
      const byGnu = tempDir();
      execFileSync('tar', ['-xzf', archive.path, '-C', byGnu]);
      expect(readTree(byGnu)).toEqual(expected);
    }
    if (hasPython) {
      const byPython = tempDir();
      execFileSync('python3', ['-c', 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])', archive.path, byPython]);
      expect(readTree(byPython)).toEqual(expected);
    }
    const { unpackArchive } = await import('../../src/core/packaging/index.js');
    const byNode = tempDir();
    await unpackArchive(archive.path, byNode);
    expect(readTree(byNode)).toEqual(expected);
  });

  it('compresses text and stores random bytes, in one valid stream across block boundaries', async () => {
    const input = Buffer.concat([Buffer.from(text(200_000)), noise(200_000), Buffer.from(text(100_001, 5)), noise(70_000, 'b'), Buffer.alloc(1024)]);
    for (const blockSize of [32 * 1024, 64 * 1024 + 7, 1024 * 1024]) {
      const parts: Buffer[] = [];
      const gzip = new ParallelGzip({ blockSize, output: (chunk) => void parts.push(Buffer.from(chunk)) });
      // Odd write sizes, so that writes straddle blocks.
      for (let at = 0; at < input.length; at += 9_973) await gzip.write(input.subarray(at, at + 9_973));
      await gzip.end();
      const gz = Buffer.concat(parts);
      expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
      expect(zlib.gunzipSync(gz).equals(input)).toBe(true);
      expect(gz.length).toBeLessThan(input.length * 0.6);
    }
  });

  it('tells incompressible blocks from text and from float weights', () => {
    expect(isIncompressible(noise(1024 * 1024))).toBe(true);
    // Compressed data: hex text deflates to about half, and what deflate wrote is as good as random.
    expect(isIncompressible(zlib.gzipSync(Buffer.from(noise(2 * 1024 * 1024).toString('hex'))).subarray(0, 1024 * 1024))).toBe(true);
    expect(isIncompressible(Buffer.from(text(1024 * 1024)))).toBe(false);
    const weights = new Float32Array(262_144).map((_, i) => Math.sin(i * 0.37) * 0.05);
    expect(isIncompressible(Buffer.from(weights.buffer))).toBe(false);
    expect(isIncompressible(noise(10_000))).toBe(false); // too small to judge
  });

  it('writes stored blocks a raw inflate reads back', () => {
    for (const size of [0, 1, 65_535, 65_536, 200_000]) {
      const data = noise(size, `s${size}`);
      expect(zlib.inflateRawSync(Buffer.concat(storedBlocks(data, true))).equals(data)).toBe(true);
    }
  });

  it('names a file that grew after it was chosen', async () => {
    const root = writeTree(tempDir(), { 'a.py': 'x'.repeat(1000) });
    const selection = await selectFiles(root);
    writeFileSync(join(root, 'a.py'), 'x'.repeat(5000));
    await expect(packArchive(selection, join(tempDir(), 'code.tar.gz'))).rejects.toMatchObject({ reason: 'changed', path: join(root, 'a.py') });
  });
});
