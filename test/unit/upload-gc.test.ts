// uploadFiles (src/core/upload-files.ts) asks V8 for a full garbage collection every 64 MiB sent, counting
// 16 KiB per request: without it, the resident set of a large upload swung by tens of MiB from run to run
// (thousands of small PUTs make garbage faster than V8 frees it). V8's `gc` is replaced here by a counter.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type FileToUpload, uploadFiles } from '../../src/core/upload-files.js';
import type { ObjectStore } from '../../src/core/ports/backends.js';

const v8 = vi.hoisted(() => ({ collections: 0, flags: [] as string[], exposed: [] as string[] }));
vi.mock('node:v8', () => ({ setFlagsFromString: (flags: string) => void v8.flags.push(flags) }));
vi.mock('node:vm', () => ({
  runInNewContext: (code: string) => {
    v8.exposed.push(code);
    return () => void (v8.collections += 1);
  },
}));

const dir = mkdtempSync(join(tmpdir(), 'upload-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const empty = join(dir, 'empty');
writeFileSync(empty, '');

/** `n` empty files: each counts only its 16 KiB request allowance, so 4096 of them make 64 MiB. */
const files = (n: number): FileToUpload[] =>
  Array.from({ length: n }, (_, i) => ({ abs: empty, key: `k/${i}`, size: 0, sha256: createHash('sha256').digest('hex') }));

/** A store that takes every PUT and holds nothing: thousands of uploads in milliseconds. */
const store = (): ObjectStore => ({
  head: async () => undefined,
  list: async () => [],
  putContent: async () => {},
  putFile: async () => {},
  getFile: async () => {},
});

describe('uploadFiles: garbage collection', () => {
  it('collects once 64 MiB (with the per-request allowance) have gone up, then again after the next 64 MiB', async () => {
    await uploadFiles(store(), 'bkt', 'k/', files(4096));
    expect(v8.collections).toBe(1);
    // The count starts again after a collection: the file after the 64 MiB mark does not collect again.
    await uploadFiles(store(), 'bkt', 'k/', files(4097));
    expect(v8.collections).toBe(2);
    // `gc` is exposed once, at the first collection, and reused.
    expect(v8.flags).toEqual(['--expose-gc']);
    expect(v8.exposed).toEqual(['gc']);
  });
});
