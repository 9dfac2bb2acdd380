import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { nameOf } from '../../src/cli/flags.js';
import { prepareCode } from '../../src/core/package-code.js';
import { PackagingError } from '../../src/core/packaging/errors.js';
import { selectFiles } from '../../src/core/packaging/index.js';
import { tempDir, writeTree } from './tree.js';

// Running as root, every file opens: an unreadable file can only be shown by a file system that refuses. Here
// open() refuses the files named *.bin, as it would a chmod 000 file for another user.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: Parameters<typeof fs.openSync>[0], ...rest: unknown[]) => {
    if (String(path).endsWith('.bin')) throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
    return (fs.openSync as (...args: unknown[]) => number)(path, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, openSync, default: { ...fs, openSync } };
});

// Code going up as files is hashed file by file just after the walk, so the walk does not ask access() of every
// file (select-files.ts checkReadable): the open that hashing makes refuses an unreadable file as the walk did.
describe('code going up as files, with a file that cannot be read', () => {
  it('is refused with the PackagingError of the walk, naming the file; an ignored one does not matter', async () => {
    const root = writeTree(tempDir(), { 'ok.py': 'x', 'data/secret.bin': 'x', 'ignored.bin': 'x', '.paiignore': 'ignored.bin\n' });
    const err = await prepareCode(root, 'files', tempDir(), { nameOf }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackagingError);
    expect(err).toMatchObject({ reason: 'unreadable', code: 'EACCES', path: join(root, 'data/secret.bin'), exitCode: 2 });
    expect((err as Error).message).toBe(`Cannot read ${join(root, 'data/secret.bin')} (EACCES)`);
  });

  it('the walk itself leaves the check out only when asked', async () => {
    const root = writeTree(tempDir(), { 'ok.py': 'x', 'data/secret.py': 'x' });
    let asked = 0;
    const checkReadable = async () => {
      asked += 1;
    };
    expect((await selectFiles(root, { fs: { checkReadable }, checkReadable: false })).fileCount).toBe(2);
    expect(asked).toBe(0);
    await selectFiles(root, { fs: { checkReadable } });
    expect(asked).toBe(2);
  });
});
