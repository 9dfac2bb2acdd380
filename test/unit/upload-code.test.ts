// The code and input uploads (src/core/upload-code.ts) against an in-memory store: once per content (the marker
// says a tree is all there; an archive of the right size is kept), the marker written last so that a run that
// failed part-way sends only the rest next time, and the events the terminal and --json show.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { RunEvent } from '../../src/core/events.js';
import type { Job } from '../../src/core/job.js';
import type { CodeTree, TreeFile } from '../../src/core/packaging/tree-digest.js';
import {
  codeKeyOf,
  codeObjectKey,
  markerBody,
  type PackagedCode,
  packagedEvent,
  plannedInputUris,
  uploadCode,
  uploadInputs,
} from '../../src/core/upload-code.js';
import { FakeObjectStore } from './fake-object-store.js';

const dir = mkdtempSync(join(tmpdir(), 'upload-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const DIGEST = 'd'.repeat(64);
const PREFIX = `pai/processing_src/sha256-${DIGEST}/`;
const MARKER = `pai/processing_src/sha256-${DIGEST}.json`;

function tree(contents: Record<string, string>): CodeTree {
  const files: TreeFile[] = Object.entries(contents).map(([path, text]) => {
    const abs = join(dir, path.replaceAll('/', '_'));
    writeFileSync(abs, text);
    return { path, abs, size: Buffer.byteLength(text), executable: false, sha256: sha256(text) };
  });
  return {
    root: dir,
    files,
    digest: DIGEST,
    fileCount: files.length,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    warnings: [],
  };
}

const filesCode = (t: CodeTree): PackagedCode => ({
  kind: 'files',
  sha256: t.digest,
  fileCount: t.fileCount,
  totalBytes: t.totalBytes,
  bytes: t.totalBytes,
  tree: t,
});

function archive(text: string): PackagedCode {
  const path = join(dir, 'source.tar.gz');
  writeFileSync(path, text);
  return { kind: 'archive', sha256: 'a'.repeat(64), fileCount: 3, totalBytes: 100, bytes: Buffer.byteLength(text), path };
}

function recorder() {
  const events: RunEvent[] = [];
  return { events, emit: (e: RunEvent) => void events.push(e), types: () => events.map((e) => e.type) };
}

describe('code keys and the marker', () => {
  it('a tree goes under its digest prefix; an archive to source.tar.gz under its sha256', () => {
    const t = tree({ 'a.py': 'print(1)\n' });
    expect(codeKeyOf(filesCode(t))).toBe(PREFIX);
    expect(codeKeyOf(archive('tgz'))).toBe(`pai/processing_src/sha256-${'a'.repeat(64)}/source.tar.gz`);
    expect(codeObjectKey('abc')).toBe('pai/processing_src/sha256-abc/source.tar.gz');
  });

  it('the marker names the digest, the file count, the bytes and the prefix, one JSON line', () => {
    const t = tree({ 'a.py': 'abc', 'b/c.py': 'defg' });
    expect(markerBody(t).toString()).toBe(`${JSON.stringify({ format: 'pai-process code tree 1', digest: DIGEST, files: 2, bytes: 7, prefix: PREFIX })}\n`);
  });

  it('the packaged event gives the archive size only for an archive', () => {
    const t = tree({ 'a.py': 'abc' });
    expect(packagedEvent(filesCode(t), 'oss://b/k/')).toEqual({ type: 'packaged', mode: 'files', files: 1, bytes: 3, sha256: DIGEST, uri: 'oss://b/k/' });
    expect(packagedEvent(archive('12345'), 'oss://b/k')).toEqual({
      type: 'packaged',
      mode: 'archive',
      files: 3,
      bytes: 100,
      archiveBytes: 5,
      sha256: 'a'.repeat(64),
      uri: 'oss://b/k',
    });
  });
});

describe('uploadCode: a code folder as files', () => {
  it('sends every file under the prefix, then the marker, and says what it sent', async () => {
    const t = tree({ 'train.py': 'import os\n', 'lib/util.py': 'x = 1\n' });
    const store = new FakeObjectStore();
    const r = recorder();
    expect(await uploadCode(filesCode(t), 'bkt', { store }, r.emit)).toBe(PREFIX);
    expect(store.putKeys().at(-1)).toBe(MARKER);
    expect(store.putKeys().slice(0, -1).sort()).toEqual([`${PREFIX}lib/util.py`, `${PREFIX}train.py`]);
    expect(store.objects.get(`${PREFIX}lib/util.py`)?.body.toString()).toBe('x = 1\n');
    expect(store.objects.get(MARKER)?.body).toEqual(markerBody(t));
    expect(store.heads).toEqual([`bkt/${MARKER}`]);
    expect(store.lists).toEqual([`bkt/${PREFIX}`]);
    const uri = `oss://bkt/${PREFIX}`;
    expect(r.events[0]).toEqual(packagedEvent(filesCode(t), uri));
    expect(r.events[1]).toEqual({ type: 'upload-started', uri, bytes: 16, files: 2, started: true });
    expect(r.events.filter((e) => e.type === 'upload-progress').at(-1)).toEqual({ type: 'upload-progress', sent: 16, total: 16, files: 2, totalFiles: 2 });
    expect(r.events.at(-1)).toEqual({ type: 'uploaded', uri, done: true, sentFiles: 2, sentBytes: 16 });
  });

  it('sends nothing, and lists nothing, when the marker is there', async () => {
    const t = tree({ 'train.py': 'import os\n' });
    const store = new FakeObjectStore();
    store.seed(MARKER, markerBody(t));
    const r = recorder();
    expect(await uploadCode(filesCode(t), 'bkt', { store }, r.emit)).toBe(PREFIX);
    expect(store.puts).toEqual([]);
    expect(store.lists).toEqual([]);
    expect(r.events.slice(1)).toEqual([{ type: 'upload-skipped', uri: `oss://bkt/${PREFIX}`, skipped: true }]);
  });

  it('after a run that failed part-way (no marker), sends only the files not yet there, then the marker', async () => {
    const t = tree({ 'a.py': 'aaaa', 'b.py': 'bbbbbb' });
    const store = new FakeObjectStore();
    store.beforePut = (key) => {
      if (key.endsWith('b.py')) throw new Error('connection reset');
    };
    await expect(uploadCode(filesCode(t), 'bkt', { store })).rejects.toThrow('connection reset');
    expect(store.objects.has(MARKER)).toBe(false);

    const next = new FakeObjectStore();
    next.objects.set(`${PREFIX}a.py`, store.objects.get(`${PREFIX}a.py`)!);
    const r = recorder();
    await uploadCode(filesCode(t), 'bkt', { store: next }, r.emit);
    expect(next.putKeys()).toEqual([`${PREFIX}b.py`, MARKER]);
    expect(r.events.at(-1)).toMatchObject({ type: 'uploaded', sentFiles: 1, sentBytes: 6 });
  });

  it('refuses a folder with no file to upload, before asking the store anything', async () => {
    const store = new FakeObjectStore();
    const error = await uploadCode(filesCode(tree({})), 'bkt', { store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 2 });
    expect(store.heads).toEqual([]);
  });

  it('passes the interrupt signal to every file it sends', async () => {
    const t = tree({ 'a.py': 'aaaa' });
    const store = new FakeObjectStore();
    const signal = new AbortController().signal;
    await uploadCode(filesCode(t), 'bkt', { store, signal });
    expect(store.puts[0]?.options.signal).toBe(signal);
  });

  it('works without an event handler', async () => {
    const store = new FakeObjectStore();
    await uploadCode(filesCode(tree({ 'a.py': 'aaaa' })), 'bkt', { store });
    expect(store.objects.has(MARKER)).toBe(true);
  });
});

describe('uploadCode: a code archive', () => {
  const KEY = codeObjectKey('a'.repeat(64));

  it('keeps an archive of the same size at its key: one HEAD, nothing sent', async () => {
    const code = archive('archive bytes');
    const store = new FakeObjectStore();
    store.seed(KEY, Buffer.from('archive bytes'));
    const r = recorder();
    expect(await uploadCode(code, 'bkt', { store }, r.emit)).toBe(KEY);
    expect(store.puts).toEqual([]);
    expect(store.heads).toEqual([`bkt/${KEY}`]);
    expect(r.events.slice(1)).toEqual([{ type: 'upload-skipped', uri: `oss://bkt/${KEY}`, skipped: true }]);
  });

  it('replaces one of another size (a truncated upload), with progress and the signal', async () => {
    const code = archive('archive bytes');
    const store = new FakeObjectStore();
    store.requireMd5 = false;
    store.seed(KEY, Buffer.from('archive'));
    const signal = new AbortController().signal;
    const r = recorder();
    expect(await uploadCode(code, 'bkt', { store, signal }, r.emit)).toBe(KEY);
    expect(store.objects.get(KEY)?.body.toString()).toBe('archive bytes');
    expect(store.puts[0]?.options.signal).toBe(signal);
    const uri = `oss://bkt/${KEY}`;
    expect(r.events.slice(1)).toEqual([
      { type: 'upload-started', uri, bytes: 13, files: 1, started: true },
      { type: 'upload-progress', sent: 7, total: 13 },
      { type: 'upload-progress', sent: 13, total: 13 },
      { type: 'uploaded', uri, done: true, sentFiles: 1, sentBytes: 13 },
    ]);
  });

  it('sends it when nothing is at its key', async () => {
    const store = new FakeObjectStore();
    store.requireMd5 = false;
    await uploadCode(archive('abc'), 'bkt', { store });
    expect(store.putKeys()).toEqual([KEY]);
    expect(store.puts[0]?.options.signal).toBeUndefined();
  });
});

describe('uploadInputs and plannedInputUris', () => {
  const job = (inputs: Record<string, unknown>) => ({ inputs }) as unknown as Job;

  it('uploads local paths once per content and leaves URIs and datasets alone', async () => {
    const data = join(dir, 'train.csv');
    writeFileSync(data, 'a,b\n1,2\n');
    // A local folder whose path holds "x://" is still a local path: only a leading scheme makes a URI.
    mkdirSync(join(dir, 'x:'), { recursive: true });
    writeFileSync(join(dir, 'x:', 'y.csv'), 'y\n');
    const odd = `${dir}/x://y.csv`;
    const inputs = { train: data, odd, remote: 'oss://other/data/', upper: 'OSS://other/x', dataset: { dataset_id: 'd-1' } };
    const store = new FakeObjectStore();
    const r = recorder();
    const uris = await uploadInputs(job(inputs), 'bkt', { store }, r.emit);
    const key = `pai/input_data/sha256-${sha256('a,b\n1,2\n')}/train.csv`;
    expect(Object.keys(uris).sort()).toEqual(['odd', 'train']);
    expect(uris['train']).toBe(`oss://bkt/${key}`);
    expect(store.objects.get(key)?.body.toString()).toBe('a,b\n1,2\n');
    expect(r.events.filter((e) => e.type === 'uploaded')).toEqual([
      { type: 'uploaded', uri: uris['train'], done: true, sentFiles: 1, sentBytes: 8 },
      { type: 'uploaded', uri: uris['odd'], done: true, sentFiles: 1, sentBytes: 2 },
    ]);
    expect(await plannedInputUris(job(inputs), 'bkt')).toEqual(uris);

    // The next run finds both there: skipped, nothing sent.
    const again = recorder();
    const puts = store.puts.length;
    expect(await uploadInputs(job(inputs), 'bkt', { store, signal: new AbortController().signal }, again.emit)).toEqual(uris);
    expect(store.puts.length).toBe(puts);
    expect(again.events.filter((e) => e.type !== 'upload-progress')).toEqual([
      { type: 'upload-skipped', uri: uris['train'], skipped: true },
      { type: 'upload-skipped', uri: uris['odd'], skipped: true },
    ]);
  });

  it('passes the interrupt signal to the input upload', async () => {
    const data = join(dir, 'signal.csv');
    writeFileSync(data, 'signal\n');
    const store = new FakeObjectStore();
    const signal = new AbortController().signal;
    await uploadInputs(job({ train: data }), 'bkt', { store, signal });
    expect(store.puts[0]?.options.signal).toBe(signal);
  });
});
