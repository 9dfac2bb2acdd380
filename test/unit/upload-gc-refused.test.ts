// uploadFiles (src/core/upload-files.ts) asks V8 for a full garbage collection every 64 MiB sent (see
// test/unit/upload-gc.test.ts). Here V8 will not give its `gc` (a file of its own: the module remembers the answer).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type FileToUpload, uploadFiles } from '../../src/core/upload-files.js';
import type { ObjectStore } from '../../src/core/ports/backends.js';

const v8 = vi.hoisted(() => ({ flags: [] as string[], exposed: [] as string[] }));
vi.mock('node:v8', () => ({ setFlagsFromString: (flags: string) => void v8.flags.push(flags) }));
vi.mock('node:vm', () => ({
  runInNewContext: (code: string) => {
    v8.exposed.push(code);
    throw new Error('gc is not defined');
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

describe('uploadFiles: garbage collection refused', () => {
  it('uploads on where V8 will not give its `gc`, and does not ask for it again at the next 64 MiB', async () => {
    expect(await uploadFiles(store(), 'bkt', 'k/', files(2 * 4096))).toEqual({ files: 8192, bytes: 0 });
    expect(v8.exposed).toEqual(['gc']);
  });
});
