import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, linkSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { list, type ReadEntry } from 'tar';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_MTIME, PackagingError, packArchive, selectFiles, unpackArchive } from '../../src/core/packaging/index.js';
import { readTree, tempDir, writeTree, type Node } from './tree.js';

const tree: Record<string, Node> = {
  'main.py': 'print("hi")\n',
  'run.sh': { content: '#!/bin/sh\necho run\n', mode: 0o755 },
  'private.txt': { content: 'only me\n', mode: 0o600 },
  'group-exec': { content: 'x', mode: 0o710 },
  'pkg/mod.py': 'x = 1\n',
  'pkg/data.bin': Buffer.alloc(70_000, 7),
  [`long/${'n'.repeat(120)}/file-名前.txt`]: 'long\n',
  link: { link: 'main.py' },
  empty: { dir: true },
};

async function pack(root: string) {
  const archive = await packArchive(await selectFiles(root), join(tempDir(), 'code.tar.gz'));
  return { ...archive, data: readFileSync(archive.path) };
}

/** Every file, folder and link of a tree gets another mtime and atime. */
function touchAll(root: string, seconds: number): void {
  const time = new Date(seconds * 1000);
  for (const path of ['', ...Object.keys(readTree(root))]) {
    try {
      utimesSync(join(root, path), time, time);
    } catch {
      // a link to nowhere
    }
  }
}

interface Header {
  path: string;
  type: string;
  mode: number | undefined;
  uid: number | undefined;
  gid: number | undefined;
  uname: string | undefined;
  gname: string | undefined;
  mtime: Date | undefined;
  atime: Date | undefined;
  ctime: Date | undefined;
  linkpath: string | undefined;
}

async function headers(file: string): Promise<Header[]> {
  const out: Header[] = [];
  await list({
    file,
    onReadEntry: (e: ReadEntry) => {
      out.push({
        path: e.path,
        type: e.type,
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        uname: e.uname,
        gname: e.gname,
        mtime: e.mtime,
        atime: e.atime,
        ctime: e.ctime,
        linkpath: e.linkpath,
      });
    },
  });
  return out;
}

describe('packArchive determinism', () => {
  it('gives the same bytes and sha256 twice, and for a copy with other times, modes and hard links', async () => {
    const root = writeTree(tempDir(), tree);
    const first = await pack(root);
    const second = await pack(root);
    expect(second.data.equals(first.data)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(first.sha256).toBe(createHash('sha256').update(first.data).digest('hex'));
    expect(first.bytes).toBe(first.data.length);

    // Another place, other times, group/other bits that do not change the normalised mode, a hard link.
    const copy = join(tempDir(), 'elsewhere', 'copy');
    cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
    touchAll(copy, 1_234_567_890);
    chmodSync(join(copy, 'main.py'), 0o664);
    chmodSync(join(copy, 'run.sh'), 0o700);
    linkSync(join(copy, 'pkg/mod.py'), join(tempDir(), 'hard-link-outside'));
    const third = await pack(copy);
    expect(third.sha256).toBe(first.sha256);
    expect(third.tarSha256).toBe(first.tarSha256);

    touchAll(root, 42);
    expect((await pack(root)).sha256).toBe(first.sha256);
  });

  it('changes with one byte of content', async () => {
    const root = writeTree(tempDir(), tree);
    const before = await pack(root);
    writeFileSync(join(root, 'main.py'), 'print("hI")\n');
    const after = await pack(root);
    expect(after.sha256).not.toBe(before.sha256);
    expect(after.tarSha256).not.toBe(before.tarSha256);
  });

  it('writes a gzip header with no time, no name and no OS, and tarSha256 of the inflated bytes', async () => {
    const archive = await pack(writeTree(tempDir(), tree));
    const gz = archive.data;
    expect([...gz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]); // magic, deflate, no FNAME/FCOMMENT/FEXTRA
    expect(gz.readUInt32LE(4)).toBe(0); // MTIME
    expect(gz[9]).toBe(0xff); // OS: unknown
    expect(createHash('sha256').update(gunzipSync(gz)).digest('hex')).toBe(archive.tarSha256);
  });
});

describe('archive headers', () => {
  it('normalises modes, owners and times; links stay links; names are relative with no ./', async () => {
    const root = writeTree(tempDir(), tree);
    const archive = await pack(root);
    const byPath = new Map((await headers(archive.path)).map((h) => [h.path, h]));
    const longName = `long/${'n'.repeat(120)}/file-名前.txt`;
    expect([...byPath.keys()]).toEqual([
      'empty/',
      'group-exec',
      'link',
      'long/',
      `long/${'n'.repeat(120)}/`,
      longName,
      'main.py',
      'pkg/',
      'pkg/data.bin',
      'pkg/mod.py',
      'private.txt',
      'run.sh',
    ]);
    expect(byPath.get('run.sh')?.mode).toBe(0o755);
    expect(byPath.get('group-exec')?.mode).toBe(0o755);
    expect(byPath.get('private.txt')?.mode).toBe(0o644);
    expect(byPath.get('main.py')?.mode).toBe(0o644);
    expect(byPath.get('pkg/')).toMatchObject({ type: 'Directory', mode: 0o755 });
    expect(byPath.get('link')).toMatchObject({ type: 'SymbolicLink', linkpath: 'main.py' });
    expect(byPath.get(longName)?.type).toBe('File');
    for (const h of byPath.values()) {
      expect(h.mtime?.getTime(), h.path).toBe(ARCHIVE_MTIME.getTime());
      expect(h.uid ?? 0, h.path).toBe(0);
      expect(h.gid ?? 0, h.path).toBe(0);
      expect(h.uname ?? '', h.path).toBe('');
      expect(h.gname ?? '', h.path).toBe('');
      expect(h.atime, h.path).toBeUndefined();
      expect(h.ctime, h.path).toBeUndefined();
    }
  });

  it('stores a hard-linked file twice, as plain files', async () => {
    const root = writeTree(tempDir(), { 'a.txt': 'same\n' });
    linkSync(join(root, 'a.txt'), join(root, 'b.txt'));
    const archive = await pack(root);
    expect((await headers(archive.path)).map((h) => `${h.type}:${h.path}`)).toEqual(['File:a.txt', 'File:b.txt']);
  });
});

describe('packArchive placement and edge cases', () => {
  it('can write the archive inside the folder it packs, under .pai-process/', async () => {
    const root = writeTree(tempDir(), { 'a.py': 'x' });
    const archive = await packArchive(await selectFiles(root), join(root, '.pai-process', 'code.tar.gz'));
    const again = await packArchive(await selectFiles(root), join(root, '.pai-process', 'code2.tar.gz'));
    expect(again.sha256).toBe(archive.sha256);
    expect((await headers(archive.path)).map((h) => h.path)).toEqual(['a.py']);
  });

  it('packs a folder where everything is ignored as an empty archive', async () => {
    const root = writeTree(tempDir(), { '.paiignore': '*\n', 'a.py': 'x' });
    const selection = await selectFiles(root);
    expect(selection.files).toEqual([]);
    const archive = await packArchive(selection, join(tempDir(), 'empty.tar.gz'));
    const unpacked = tempDir();
    await unpackArchive(archive.path, unpacked);
    expect(readTree(unpacked)).toEqual({});
  });
});

describe('unpackArchive', () => {
  it('rejects a file that is not an archive', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'junk.tar.gz'), 'not an archive at all');
    await expect(unpackArchive(join(dir, 'junk.tar.gz'), join(dir, 'out'))).rejects.toThrow();
    writeFileSync(join(dir, 'zeros.tar'), Buffer.alloc(1024));
    await expect(unpackArchive(join(dir, 'zeros.tar'), join(dir, 'out'))).rejects.toThrow();
  });
});

describe('packArchive failures', () => {
  it('names a file that vanished after it was chosen, and leaves no partial archive', async () => {
    const root = writeTree(tempDir(), { 'a.py': 'x'.repeat(10), 'b.py': 'y' });
    const selection = await selectFiles(root);
    rmSync(join(root, 'b.py'));
    const destination = join(tempDir(), 'code.tar.gz');
    const err = await packArchive(selection, destination).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackagingError);
    expect(err).toMatchObject({ reason: 'changed', path: join(root, 'b.py') });
    expect(existsSync(destination)).toBe(false);
  });

  it('names a file that shrank after it was chosen', async () => {
    const root = writeTree(tempDir(), { 'a.py': 'x'.repeat(1000) });
    const selection = await selectFiles(root);
    writeFileSync(join(root, 'a.py'), 'x');
    await expect(packArchive(selection, join(tempDir(), 'code.tar.gz'))).rejects.toMatchObject({ reason: 'changed', path: join(root, 'a.py') });
  });
});
