// Upload dedup and the upload itself (src/core/upload-files.ts), against an in-memory store that checks every
// Content-MD5 as OSS does. What a user pays for here: a file sent again that was already there (time, money),
// a file taken as uploaded that is not (a job that runs other code), a changed file sent under a prefix named
// for other content, and an upload that goes on after a failure or a Ctrl-C.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors.js';
import type { UploadProgress } from '../../src/core/ports/backends.js';
import { PackagingError } from '../../src/core/packaging/errors.js';
import { type FileToUpload, multipartEtag, SHA256_META, uploadFiles } from '../../src/core/upload-files.js';
import { FakeObjectStore } from './fake-object-store.js';

const dir = mkdtempSync(join(tmpdir(), 'upload-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const PREFIX = 'code/';

/** Bytes that differ from position to position, so a part or chunk cut in the wrong place has another MD5. */
function bytes(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

/** A file on disk and its FileToUpload (size and sha256 from its bytes, as the hashing pass gives them). */
function file(name: string, body: Buffer): FileToUpload {
  const abs = join(dir, name);
  writeFileSync(abs, body);
  return { abs, key: PREFIX + name, size: body.length, sha256: sha256(body) };
}

describe('uploadFiles: what is already there is not sent again', () => {
  it('sends every file when the prefix is empty, each with its Content-MD5 and sha256 metadata; one listing, no HEAD', async () => {
    const store = new FakeObjectStore();
    const a = file('a.txt', Buffer.from('alpha'));
    const b = file('b.txt', Buffer.from('bravo!'));
    const result = await uploadFiles(store, 'bkt', PREFIX, [a, b]);
    expect(result).toEqual({ files: 2, bytes: 11 });
    expect(store.lists).toEqual(['bkt/code/']);
    expect(store.heads).toEqual([]);
    expect(store.putKeys().sort()).toEqual(['code/a.txt', 'code/b.txt']);
    expect(store.objects.get('code/a.txt')?.body.toString()).toBe('alpha');
    expect(store.objects.get('code/b.txt')?.meta).toEqual({ [SHA256_META]: b.sha256 });
    expect(store.puts[0]?.options.contentMd5).toBe(md5(Buffer.from('alpha')).toString('base64'));
  });

  it('skips an object of the same size whose ETag is the MD5 of the file, without a HEAD', async () => {
    const store = new FakeObjectStore();
    const a = file('same.txt', Buffer.from('unchanged content'));
    store.seed(a.key, Buffer.from('unchanged content'));
    expect(await uploadFiles(store, 'bkt', PREFIX, [a])).toEqual({ files: 0, bytes: 0 });
    expect(store.puts).toEqual([]);
    expect(store.heads).toEqual([]);
  });

  it('re-sends an object of the same size with another single-PUT ETag, without a HEAD (its MD5 is another content)', async () => {
    const store = new FakeObjectStore();
    const a = file('changed.txt', Buffer.from('new content'));
    store.seed(a.key, Buffer.from('old content'));
    expect(await uploadFiles(store, 'bkt', PREFIX, [a])).toEqual({ files: 1, bytes: 11 });
    expect(store.heads).toEqual([]);
    expect(store.objects.get(a.key)?.body.toString()).toBe('new content');
  });

  it('re-sends an object of another size even when its listed ETag claims the same MD5 (a truncated object)', async () => {
    const store = new FakeObjectStore();
    const a = file('trunc.txt', Buffer.from('the whole file'));
    store.seed(a.key, Buffer.from('the whole'), { etag: md5(Buffer.from('the whole file')).toString('hex').toUpperCase() });
    expect(await uploadFiles(store, 'bkt', PREFIX, [a])).toEqual({ files: 1, bytes: 14 });
    expect(store.objects.get(a.key)?.body.toString()).toBe('the whole file');
  });

  it('skips a multipart object whose ETag is the MD5 of the parts it would be sent in, without a HEAD', async () => {
    const body = bytes(40);
    const a = file('parts.bin', body);
    const first = new FakeObjectStore();
    await uploadFiles(first, 'bkt', PREFIX, [a], { multipartThreshold: 16, partSize: 16 });
    expect(first.objects.get(a.key)?.etag).toMatch(/-3$/);
    // The next run finds it there: nothing is sent, nothing asked beyond the listing.
    const again = new FakeObjectStore();
    again.objects.set(a.key, first.objects.get(a.key)!);
    expect(await uploadFiles(again, 'bkt', PREFIX, [a], { multipartThreshold: 16, partSize: 16 })).toEqual({ files: 0, bytes: 0 });
    expect(again.puts).toEqual([]);
    expect(again.heads).toEqual([]);
  });

  it('asks HEAD about a multipart object of other parts, and keeps it when its content-sha256 is the file', async () => {
    const body = bytes(40);
    const a = file('other-parts.bin', body);
    const store = new FakeObjectStore();
    store.seed(a.key, body, { etag: 'ABCDEF0123456789ABCDEF0123456789-5', meta: { [SHA256_META]: a.sha256 } });
    expect(await uploadFiles(store, 'bkt', PREFIX, [a], { multipartThreshold: 16, partSize: 16 })).toEqual({ files: 0, bytes: 0 });
    expect(store.heads).toEqual([`bkt/${a.key}`]);
    expect(store.puts).toEqual([]);
  });

  it('re-sends a multipart object whose content-sha256 is another content, or missing', async () => {
    const a = file('meta-a.txt', Buffer.from('meta content a'));
    const b = file('meta-b.txt', Buffer.from('meta content b'));
    const store = new FakeObjectStore();
    store.seed(a.key, Buffer.from('meta content a'), { etag: 'ABCDEF0123456789ABCDEF0123456789-2', meta: { [SHA256_META]: b.sha256 } });
    store.seed(b.key, Buffer.from('meta content b'), { etag: 'ABCDEF0123456789ABCDEF0123456789-2' });
    expect(await uploadFiles(store, 'bkt', PREFIX, [a, b])).toEqual({ files: 2, bytes: 28 });
    expect(store.heads.sort()).toEqual([`bkt/${a.key}`, `bkt/${b.key}`]);
  });

  it('asks HEAD about a listed object without an ETag, and keeps it only when HEAD confirms size and content-sha256', async () => {
    const a = file('noetag-a.txt', Buffer.from('no etag a'));
    const b = file('noetag-b.txt', Buffer.from('no etag b'));
    const store = new FakeObjectStore();
    // Listed without an ETag (as some stores list); HEAD then tells the rest.
    const list = store.list.bind(store);
    store.list = async (bucket, prefix) => (await list(bucket, prefix)).map(({ key, size }) => ({ key, size }));
    store.seed(a.key, Buffer.from('no etag a'), { etag: 'X', meta: { [SHA256_META]: a.sha256 } });
    store.seed(b.key, Buffer.from('no etag b'), { etag: 'X', meta: { [SHA256_META]: a.sha256 } });
    expect(await uploadFiles(store, 'bkt', PREFIX, [a, b])).toEqual({ files: 1, bytes: 9 });
    expect(store.putKeys()).toEqual([b.key]);
  });

  it('re-sends when HEAD finds the object gone, or of another size, since the listing', async () => {
    const a = file('gone.txt', Buffer.from('gone file'));
    const b = file('resized.txt', Buffer.from('resized f'));
    const store = new FakeObjectStore();
    store.seed(a.key, Buffer.from('gone file'), { etag: 'ABCDEF-2', meta: { [SHA256_META]: a.sha256 } });
    store.seed(b.key, Buffer.from('resized f'), { etag: 'ABCDEF-2', meta: { [SHA256_META]: b.sha256 } });
    const head = store.head.bind(store);
    store.head = async (bucket, key) => {
      const info = await head(bucket, key);
      if (key === a.key) return undefined;
      return info && { ...info, size: info.size + 1 };
    };
    expect(await uploadFiles(store, 'bkt', PREFIX, [a, b])).toEqual({ files: 2, bytes: 18 });
  });

  it('re-sends an object HEAD describes without metadata (put there by another tool)', async () => {
    const a = file('nometa.txt', Buffer.from('no metadata'));
    const store = new FakeObjectStore();
    store.seed(a.key, Buffer.from('no metadata'), { etag: 'ABCDEF-2' });
    store.head = async () => ({ size: 11, etag: 'ABCDEF-2' });
    expect(await uploadFiles(store, 'bkt', PREFIX, [a])).toEqual({ files: 1, bytes: 11 });
  });

  it('re-sends a changed file of the same size as it would first have been sent: parts from the threshold, else one PUT', async () => {
    const store = new FakeObjectStore();
    const at = file('same-size-at.bin', bytes(10, 20));
    const whole = file('same-size-whole.bin', bytes(1024 * 1024 + 5, 21));
    store.seed(at.key, bytes(10, 22));
    store.seed(whole.key, bytes(1024 * 1024 + 5, 23));
    await uploadFiles(store, 'bkt', PREFIX, [at], { multipartThreshold: 10, partSize: 4 });
    await uploadFiles(store, 'bkt', PREFIX, [whole], { multipartThreshold: 2 * 1024 * 1024, partSize: 1024 * 1024 });
    expect(store.puts.map((p) => [p.key, p.options.parts?.contentMd5s.length])).toEqual([
      [at.key, 3],
      [whole.key, undefined],
    ]);
    expect(sha256(store.objects.get(whole.key)!.body)).toBe(whole.sha256);
  });

  it('sends nothing and lists nothing for no files', async () => {
    const store = new FakeObjectStore();
    expect(await uploadFiles(store, 'bkt', PREFIX, [])).toEqual({ files: 0, bytes: 0 });
    expect(store.lists).toEqual([]);
  });
});

describe('uploadFiles: how a file is sent', () => {
  it('sends a small file from memory, a larger one from its path in one PUT, and from the threshold in parts', async () => {
    const store = new FakeObjectStore();
    const small = file('small.bin', bytes(15, 2));
    const whole = file('whole.bin', bytes(1024 * 1024 + 5, 3));
    const parted = file('parted.bin', bytes(2 * 1024 * 1024, 4));
    await uploadFiles(store, 'bkt', PREFIX, [small, whole, parted], { concurrency: 1, multipartThreshold: 2 * 1024 * 1024, partSize: 768 * 1024 });
    const how = store.puts.map((p) => [p.key, p.via, p.options.parts ? p.options.parts.contentMd5s.length : 'whole']);
    expect(how).toEqual([
      [small.key, 'content', 'whole'],
      [whole.key, 'file', 'whole'],
      [parted.key, 'file', 3],
    ]);
    expect(store.puts[2]?.options.parts?.size).toBe(768 * 1024);
    // Every object holds the file, and each carries its sha256 (the store checked every Content-MD5).
    for (const f of [small, whole, parted]) expect(sha256(store.objects.get(f.key)!.body)).toBe(f.sha256);
    for (const p of store.puts) expect(p.options.meta).toEqual({ [SHA256_META]: [small, whole, parted].find((f) => f.key === p.key)!.sha256 });
  });

  it('sends in parts a file of exactly the threshold, and one byte less in one PUT, even below the small-file size', async () => {
    const store = new FakeObjectStore();
    const at = file('at.bin', bytes(10, 5));
    const below = file('below.bin', bytes(9, 6));
    await uploadFiles(store, 'bkt', PREFIX, [at, below], { concurrency: 1, multipartThreshold: 10, partSize: 4 });
    expect(store.puts.map((p) => [p.key, p.via, p.options.parts?.contentMd5s.length])).toEqual([
      [at.key, 'file', 3],
      [below.key, 'content', undefined],
    ]);
  });

  it('cuts parts at exact multiples of the part size, with no empty part at the end', async () => {
    const store = new FakeObjectStore();
    const even = file('even.bin', bytes(12, 7));
    await uploadFiles(store, 'bkt', PREFIX, [even], { multipartThreshold: 4, partSize: 4 });
    expect(store.puts[0]?.options.parts?.contentMd5s).toEqual([0, 4, 8].map((at) => md5(bytes(12, 7).subarray(at, at + 4)).toString('base64')));
  });

  it("sends an empty file due for parts as one empty part (OSS's ETag of it is then recognised)", async () => {
    const store = new FakeObjectStore();
    const empty = file('empty.bin', Buffer.alloc(0));
    await uploadFiles(store, 'bkt', PREFIX, [empty], { multipartThreshold: 0, partSize: 4 });
    expect(store.puts[0]?.options.parts?.contentMd5s).toEqual([md5(Buffer.alloc(0)).toString('base64')]);
    expect(store.objects.get(empty.key)?.etag).toBe(multipartEtag([md5(Buffer.alloc(0)).toString('base64')]));
  });

  it("uses the store's multipart tuning when the options do not say, and the options' when they do", async () => {
    const tuned = new FakeObjectStore({ threshold: 8, partSize: 5 });
    const f = file('tuned.bin', bytes(12, 8));
    await uploadFiles(tuned, 'bkt', PREFIX, [f]);
    expect(tuned.puts[0]?.options.parts).toEqual({ size: 5, contentMd5s: expect.any(Array) });
    expect(tuned.puts[0]?.options.parts?.contentMd5s).toHaveLength(3);
    const overridden = new FakeObjectStore({ threshold: 8, partSize: 5 });
    await uploadFiles(overridden, 'bkt', PREFIX, [f], { multipartThreshold: 100, partSize: 6 });
    expect(overridden.puts[0]?.via).toBe('content');
  });

  it('without any tuning, a file of a few MiB goes in one PUT from its path', async () => {
    const store = new FakeObjectStore();
    const f = file('plain.bin', bytes(2 * 1024 * 1024 + 1, 9));
    await uploadFiles(store, 'bkt', PREFIX, [f]);
    expect(store.puts.map((p) => [p.via, p.options.parts])).toEqual([['file', undefined]]);
    expect(store.puts[0]?.options.contentMd5).toBe(md5(bytes(2 * 1024 * 1024 + 1, 9)).toString('base64'));
  });

  it('multipartEtag is the upper-case MD5 of the binary part MD5s and the part count', () => {
    const parts = [Buffer.from('one'), Buffer.from('two')].map((b) => md5(b));
    expect(multipartEtag(parts.map((p) => p.toString('base64')))).toBe(`${md5(Buffer.concat(parts)).toString('hex').toUpperCase()}-2`);
  });
});

describe('uploadFiles: a file that changed since it was hashed', () => {
  it('is refused (small or large) and nothing of it is sent', async () => {
    for (const [name, size] of [
      ['grown-small.txt', 10],
      ['grown-large.bin', 2 * 1024 * 1024],
    ] as const) {
      const store = new FakeObjectStore();
      const f = file(name, bytes(size, 10));
      writeFileSync(f.abs, bytes(size, 11));
      const error = await uploadFiles(store, 'bkt', PREFIX, [f]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PackagingError);
      expect(error).toMatchObject({ reason: 'changed', path: f.abs, exitCode: 2 });
      expect(store.puts).toEqual([]);
    }
  });

  it('is refused when it grew past the in-memory size since it was hashed', async () => {
    const store = new FakeObjectStore();
    const f = file('grew.bin', bytes(100, 12));
    writeFileSync(f.abs, bytes(1024 * 1024 + 10, 12));
    await expect(uploadFiles(store, 'bkt', PREFIX, [f])).rejects.toMatchObject({ reason: 'changed' });
    expect(store.puts).toEqual([]);
  });

  it('is refused when it shrank (same first bytes, fewer of them)', async () => {
    const store = new FakeObjectStore();
    const f = file('shrank.bin', bytes(100, 13));
    writeFileSync(f.abs, bytes(100, 13).subarray(0, 60));
    await expect(uploadFiles(store, 'bkt', PREFIX, [f])).rejects.toMatchObject({ reason: 'changed' });
  });

  it('a folder where a file was fails with its own error (EISDIR), not as a changed file', async () => {
    const store = new FakeObjectStore();
    const f: FileToUpload = { abs: dir, key: 'code/x', size: 3, sha256: 'f'.repeat(64) };
    await expect(uploadFiles(store, 'bkt', PREFIX, [f])).rejects.toMatchObject({ code: 'EISDIR' });
    expect(store.puts).toEqual([]);
  });

  it('a file that vanished fails with its own error, and nothing is sent', async () => {
    const store = new FakeObjectStore();
    const f: FileToUpload = { abs: join(dir, 'no-such-file'), key: 'code/x', size: 3, sha256: 'f'.repeat(64) };
    await expect(uploadFiles(store, 'bkt', PREFIX, [f])).rejects.toMatchObject({ code: 'ENOENT' });
    expect(store.puts).toEqual([]);
  });
});

describe('uploadFiles: concurrency, failures and interrupts', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => file(`many-${i}.txt`, Buffer.from(`file number ${i}`)));

  it('has 8 files in flight at once by default, and the number asked for when given', async () => {
    const files = many(12);
    const store = new FakeObjectStore();
    store.beforePut = () => new Promise((resolve) => setImmediate(resolve));
    await uploadFiles(store, 'bkt', PREFIX, files);
    expect(store.maxInFlight).toBe(8);
    expect(store.puts).toHaveLength(12);
    const three = new FakeObjectStore();
    three.beforePut = () => new Promise((resolve) => setImmediate(resolve));
    await uploadFiles(three, 'bkt', PREFIX, files, { concurrency: 3 });
    expect(three.maxInFlight).toBe(3);
  });

  it('starts no new upload after a failure, and throws that failure', async () => {
    const store = new FakeObjectStore();
    const boom = new Error('PUT refused');
    store.beforePut = (key) => {
      if (key.endsWith('many-1.txt')) throw boom;
    };
    await expect(uploadFiles(store, 'bkt', PREFIX, many(5), { concurrency: 1 })).rejects.toBe(boom);
    expect(store.putKeys()).toEqual(['code/many-0.txt', 'code/many-1.txt']);
  });

  it('throws the first failure when files in flight fail after it', async () => {
    const store = new FakeObjectStore();
    const first = new Error('first');
    store.beforePut = async (key) => {
      if (key.endsWith('many-0.txt')) {
        // Fails later than many-1 does.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('second');
      }
      if (key.endsWith('many-1.txt')) throw first;
    };
    await expect(uploadFiles(store, 'bkt', PREFIX, many(2), { concurrency: 2 })).rejects.toBe(first);
  });

  it('sends nothing when interrupted before it starts, and stops between files when interrupted during', async () => {
    const before = new AbortController();
    before.abort();
    const idle = new FakeObjectStore();
    await expect(uploadFiles(idle, 'bkt', PREFIX, many(3), { signal: before.signal })).rejects.toBeInstanceOf(InterruptedError);
    expect(idle.puts).toEqual([]);

    const during = new AbortController();
    const store = new FakeObjectStore();
    store.beforePut = () => during.abort();
    const error = await uploadFiles(store, 'bkt', PREFIX, many(3), { signal: during.signal, concurrency: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error).toMatchObject({ exitCode: 130 });
    expect(store.putKeys()).toEqual(['code/many-0.txt']);
    // The signal reaches the PUT, so a request under way is cancelled too.
    expect(store.puts[0]?.options.signal).toBe(during.signal);
  });

  it('passes the signal to a PUT from a path and to a multipart one', async () => {
    const controller = new AbortController();
    const store = new FakeObjectStore();
    const whole = file('sig-whole.bin', bytes(1024 * 1024 + 1, 14));
    const parted = file('sig-parted.bin', bytes(20, 15));
    await uploadFiles(store, 'bkt', PREFIX, [whole], { signal: controller.signal });
    await uploadFiles(store, 'bkt', PREFIX, [parted], { signal: controller.signal, multipartThreshold: 10, partSize: 10 });
    expect(store.puts.map((p) => p.options.signal)).toEqual([controller.signal, controller.signal]);
  });
});

describe('uploadFiles: progress', () => {
  it('counts bytes sent, in flight and skipped, and files done, against the totals', async () => {
    const small = file('p-small.txt', Buffer.from('12345'));
    const kept = file('p-kept.txt', Buffer.from('kept!!'));
    const big = file('p-big.bin', bytes(1024 * 1024 * 2, 16));
    const store = new FakeObjectStore();
    store.seed(kept.key, Buffer.from('kept!!'));
    const seen: UploadProgress[] = [];
    await uploadFiles(store, 'bkt', PREFIX, [small, kept, big], { concurrency: 1, onProgress: (p) => seen.push(p) });
    const total = 5 + 6 + 2 * 1024 * 1024;
    const MiB = 1024 * 1024;
    expect(seen).toEqual([
      { sent: 5, total, files: 1, totalFiles: 3 },
      { sent: 11, total, files: 2, totalFiles: 3 },
      { sent: 11 + MiB, total, files: 2, totalFiles: 3 },
      { sent: 11 + 2 * MiB, total, files: 2, totalFiles: 3 },
      { sent: total, total, files: 3, totalFiles: 3 },
    ]);
  });
});
