// OSS operations through the real ali-oss client, in the three addressing modes and with both
// signature versions: every request here was signed by ali-oss and verified by the emulator.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OSS from 'ali-oss';
import { ossClient } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { failure } from './test-support.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('OSS operations', () => {
  let emu: Emulator;
  let dir: string;
  beforeAll(async () => {
    emu = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), 'oss-emu-'));
  });
  afterAll(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  const modes = [
    ['ip', false],
    ['ip', true],
    ['path', false],
    ['path', true],
    ['cname', false],
    ['cname', true],
  ] as const;

  for (const [mode, v4] of modes) {
    describe(`${mode} endpoint, ${v4 ? 'V4' : 'V1'} signature`, () => {
      const base = `t/${mode}-${v4 ? 'v4' : 'v1'}/`;

      it('puts, heads, gets (with Range) and deletes an object', async () => {
        const oss = ossClient(emu, { mode, v4 });
        const key = `${base}dir/hello world+1.txt`;
        const put = await oss.put(key, Buffer.from('hello world'), { meta: { owner: 'tests' } as unknown as OSS.UserMeta });
        expect(put.res.status).toBe(200);
        const stored = emu.oss.get(key);
        expect(stored?.data.toString()).toBe('hello world');
        expect(stored?.contentType).toBe('text/plain');
        expect(stored?.etag).toBe('"5EB63BBBE01EEED093CB22BB8F5ACDC3"');
        expect((put.res.headers as Record<string, string>)['etag']).toBe(stored?.etag);

        const head = await oss.head(key);
        expect(head.status).toBe(200);
        expect((head.res.headers as Record<string, string>)['content-length']).toBe('11');
        expect(head.meta).toEqual({ owner: 'tests' });

        const whole = await oss.get(key);
        expect(whole.content.toString()).toBe('hello world');
        const part = await oss.get(key, { headers: { Range: 'bytes=6-10' } });
        expect(part.res.status).toBe(206);
        expect(part.content.toString()).toBe('world');
        expect((part.res.headers as Record<string, string>)['content-range']).toBe('bytes 6-10/11');

        const entry = emu.journal.last('GetObject');
        expect(entry?.signature).toMatchObject({ algorithm: v4 ? 'oss-v4' : 'oss-v1', ok: true });
        expect(entry?.bucket).toBe(emu.bucket);
        expect(entry?.key).toBe(key);

        const del = await oss.delete(key);
        expect(del.res.status).toBe(204);
        expect(emu.oss.get(key)).toBeUndefined();
        const gone = await failure(oss.get(key));
        expect(gone['code']).toBe('NoSuchKey');
        expect(gone['status']).toBe(404);
      });

      it('handles keys with unicode, spaces and reserved characters', async () => {
        const oss = ossClient(emu, { mode, v4 });
        const key = `${base}odd/ünïcode & spaces+plus(1)*'~!?#%25.txt`;
        await oss.put(key, Buffer.from('odd'));
        expect(emu.oss.text(key)).toBe('odd');
        expect((await oss.list({ prefix: `${base}odd/`, 'max-keys': 5 }, {})).objects.map((o) => o.name)).toEqual([key]);
        expect((await oss.get(key)).content.toString()).toBe('odd');
      });

      it('stores a chunked putStream body', async () => {
        const oss = ossClient(emu, { mode, v4 });
        const data = randomBytes(256_000);
        const key = `${base}stream.bin`;
        const res = await oss.putStream(key, Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]));
        expect(res.res.status).toBe(200);
        const entry = emu.journal.last('PutObject');
        expect(entry?.headers['transfer-encoding']).toBe('chunked');
        expect(entry?.headers['content-length']).toBeUndefined();
        expect(entry?.bodyInfo).toEqual({ length: 256_000, sha256: sha(data) });
        expect(sha((await oss.get(key)).content as Buffer)).toBe(sha(data));
      });

      it('uploads multipart with 100 KiB parts in parallel, and the object reads back whole', async () => {
        const oss = ossClient(emu, { mode, v4 });
        const data = randomBytes(256_000);
        const file = join(dir, `${mode}-${v4}.bin`);
        await writeFile(file, data);
        const key = `${base}big.bin`;
        const progress: number[] = [];
        await oss.multipartUpload(key, file, { partSize: 102_400, parallel: 2, progress: (p: number) => void progress.push(p) });
        expect(progress[progress.length - 1]).toBe(1);
        expect(emu.journal.filter((e) => e.action === 'UploadPart' && e.key === key)).toHaveLength(3);
        const obj = emu.oss.get(key);
        expect(obj?.type).toBe('Multipart');
        expect(obj?.etag).toMatch(/^"[0-9A-F]{32}-3"$/);
        expect(sha((await oss.get(key)).content as Buffer)).toBe(sha(data));
        expect(emu.multipart.open()).toHaveLength(0);
      });

      it('lists parts and aborts a multipart upload', async () => {
        const oss = ossClient(emu, { mode, v4 });
        const key = `${base}aborted.bin`;
        const init = await oss.initMultipartUpload(key);
        const part = await oss.uploadPart(key, init.uploadId, 1, join(dir, `${mode}-${v4}.bin`), 0, 102_400);
        expect(part.etag).toMatch(/^"[0-9A-F]{32}"$/);
        const parts = await oss.listParts(key, init.uploadId, {} as OSS.ListPartsQuery);
        expect(parts.parts).toMatchObject({ PartNumber: '1', Size: '102400', ETag: part.etag });
        await oss.abortMultipartUpload(key, init.uploadId);
        expect(emu.multipart.open()).toHaveLength(0);
        const again = await failure(oss.listParts(key, init.uploadId, {} as OSS.ListPartsQuery));
        expect(again['code']).toBe('NoSuchUpload');
        expect(emu.oss.get(key)).toBeUndefined();
      });

      it('lists with V1 (marker paging, delimiter) and V2 (continuation tokens)', async () => {
        const oss = ossClient(emu, { mode, v4 });
        const prefix = `${base}list/`;
        for (const k of ['a.txt', 'b.txt', 'c.txt', 'sub/d.txt', 'sub/e.txt']) emu.oss.put(`${prefix}${k}`, k);

        const page1 = await oss.list({ prefix, 'max-keys': 2 }, {});
        expect(page1.objects.map((o) => o.name)).toEqual([`${prefix}a.txt`, `${prefix}b.txt`]);
        expect(page1.isTruncated).toBe(true);
        expect(page1.objects[0]?.size).toBe(5);
        const page2 = await oss.list({ prefix, 'max-keys': 10, marker: page1.nextMarker ?? '' }, {});
        expect(page2.objects.map((o) => o.name)).toEqual([`${prefix}c.txt`, `${prefix}sub/d.txt`, `${prefix}sub/e.txt`]);
        expect(page2.isTruncated).toBe(false);

        const folders = await oss.list({ prefix, delimiter: '/', 'max-keys': 100 }, {});
        expect(folders.objects.map((o) => o.name)).toEqual([`${prefix}a.txt`, `${prefix}b.txt`, `${prefix}c.txt`]);
        expect(folders.prefixes).toEqual([`${prefix}sub/`]);

        const v2a = await oss.listV2({ prefix, 'max-keys': '3' }, {});
        expect(v2a.keyCount).toBe(3);
        expect(v2a.isTruncated).toBe(true);
        const v2b = await oss.listV2({ prefix, 'max-keys': '3', 'continuation-token': v2a.nextContinuationToken ?? '' }, {});
        expect(v2b.objects.map((o) => o.name)).toEqual([`${prefix}sub/d.txt`, `${prefix}sub/e.txt`]);
        expect(v2b.isTruncated).toBe(false);
        expect(emu.journal.last('ListObjectsV2')?.signature.ok).toBe(true);
      });
    });
  }

  it('refuses a body whose Content-MD5 does not match with InvalidDigest', async () => {
    const err = await failure(ossClient(emu).put('bad-md5.txt', Buffer.from('abc'), { headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==' } }));
    expect(err['code']).toBe('InvalidDigest');
    expect(err['status']).toBe(400);
  });

  it('refuses an UploadPart whose Content-MD5 does not match with InvalidDigest, and takes a matching one', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'oss-part-'));
    const file = join(folder, 'part.bin');
    await writeFile(file, 'part bytes');
    const oss = ossClient(emu);
    const init = await oss.initMultipartUpload('md5-part.bin');
    const bad = await failure(
      oss.uploadPart('md5-part.bin', init.uploadId, 1, file, 0, 10, { headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==' } } as never),
    );
    expect(bad['code']).toBe('InvalidDigest');
    expect(bad['status']).toBe(400);
    const good = await oss.uploadPart('md5-part.bin', init.uploadId, 1, file, 0, 10, {
      headers: { 'Content-MD5': createHash('md5').update('part bytes').digest('base64') },
    } as never);
    expect(good.etag).toBeTruthy();
    await oss.abortMultipartUpload('md5-part.bin', init.uploadId);
    await rm(folder, { recursive: true, force: true });
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    const err = await failure(ossClient(emu, { bucket: 'no-such-bucket' }).put('x.txt', Buffer.from('x')));
    expect(err['code']).toBe('NoSuchBucket');
    expect(err['status']).toBe(404);
  });

  it('answers 416 InvalidRange for a range past the end', async () => {
    emu.oss.put('short.txt', 'abc');
    const err = await failure(ossClient(emu).get('short.txt', { headers: { Range: 'bytes=10-20' } }));
    expect(err['code']).toBe('InvalidRange');
  });

  it('serves a V1 pre-signed URL from a cname client', async () => {
    emu.oss.put('signed/file.txt', 'signed content', { contentType: 'text/plain' });
    const url = ossClient(emu, { mode: 'cname' }).signatureUrl('signed/file.txt', { expires: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('signed content');
    expect(emu.journal.last('GetObject')?.signature).toMatchObject({ algorithm: 'oss-v1-url', ok: true });
  });

  it('streams a file with putStream from disk (chunked)', async () => {
    const file = join(dir, 'from-disk.bin');
    const data = randomBytes(50_000);
    await writeFile(file, data);
    await ossClient(emu, { v4: true }).putStream('disk.bin', createReadStream(file));
    expect(sha(emu.oss.get('disk.bin')?.data ?? Buffer.alloc(0))).toBe(sha(data));
  });

  it('verified the signature of every request above', () => {
    const bad = emu.journal.filter((e) => !e.signature.ok);
    expect(bad).toEqual([]);
  });
});
