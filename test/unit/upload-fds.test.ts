// uploadFiles (src/core/upload-files.ts) closes every file it opens, whether the read succeeds or the file turned
// out to have changed: an upload of thousands of files must not run out of file descriptors (EMFILE) part-way.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ObjectStore } from '../../src/core/ports/backends.js';
import { type FileToUpload, uploadFiles } from '../../src/core/upload-files.js';

// Every descriptor opened and closed, through the real calls.
const fds = vi.hoisted(() => ({ open: new Set<number>() }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = fs.openSync(...args);
      fds.open.add(fd);
      return fd;
    },
    closeSync: (fd: number) => {
      fds.open.delete(fd);
      fs.closeSync(fd);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'upload-fds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const store: ObjectStore = {
  head: async () => undefined,
  list: async () => [],
  putContent: async () => {},
  putFile: async () => {},
  getFile: async () => {},
};

function file(name: string, body: Buffer, claimed = body): FileToUpload {
  const abs = join(dir, name);
  writeFileSync(abs, body);
  return { abs, key: name, size: claimed.length, sha256: createHash('sha256').update(claimed).digest('hex') };
}

describe('uploadFiles: file descriptors', () => {
  it('closes every file it read, small or large, sent or refused as changed', async () => {
    const files = [file('small', Buffer.from('small file')), file('large', Buffer.alloc(1024 * 1024 + 1, 7))];
    await uploadFiles(store, 'bkt', '', files);
    const changed = file('changed', Buffer.from('now'), Buffer.from('was'));
    await expect(uploadFiles(store, 'bkt', '', [changed])).rejects.toMatchObject({ reason: 'changed' });
    expect(fds.open.size).toBe(0);
  });

  it('closes a file whose read failed (a folder where a file was)', async () => {
    await expect(uploadFiles(store, 'bkt', '', [{ abs: dir, key: 'x', size: 3, sha256: 'f'.repeat(64) }])).rejects.toMatchObject({ code: 'EISDIR' });
    expect(fds.open.size).toBe(0);
  });
});
