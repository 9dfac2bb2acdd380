import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_CODE_SIZE,
  LARGE_CODE_SIZE,
  checkCodeSize,
  largestEntries,
  parseSize,
  type Entry,
  type Selection,
} from '../../src/core/packaging/index.js';

const file = (path: string, size: number): Entry => ({ path, type: 'file', size, mode: 0o644 });

function selection(entries: Entry[]): Selection {
  const files = entries.filter((e) => e.type !== 'directory');
  return {
    root: '/code',
    files: entries,
    fileCount: files.length,
    totalBytes: files.reduce((sum, e) => sum + e.size, 0),
    warnings: [],
    ignoreSource: '.gitignore',
    inputsLeftOut: [],
    inputsKept: [],
  };
}

describe('parseSize', () => {
  it.each([
    ['1048576', 1048576],
    ['0', 0],
    ['500MB', 500_000_000],
    ['500mb', 500_000_000],
    ['2GiB', 2 * 1024 ** 3],
    ['2 GiB', 2 * 1024 ** 3],
    ['1.5G', 1.5 * 1024 ** 3],
    ['512M', 512 * 1024 ** 2],
    ['10k', 10_240],
    ['10KB', 10_000],
    ['100B', 100],
    ['1TiB', 1024 ** 4],
    ['.5KiB', 512],
    [' 3MiB ', 3 * 1024 ** 2],
  ])('%s → %d', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'MB', '-1', '1e9', '12 parsecs', '1.2.3MB', '0x10', '1 000', '99999999999999TB'])('%j → undefined', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});

describe('largestEntries', () => {
  it('names the largest files, largest first, ties by path, folders and links never', () => {
    const s = selection([
      { path: 'a', type: 'directory', size: 0, mode: 0o755 },
      file('a/small.py', 10),
      file('b.bin', 500),
      file('a.bin', 500),
      file('model.pt', 9000),
      { path: 'l', type: 'symlink', size: 0, mode: 0o755, target: 'model.pt' },
    ]);
    expect(largestEntries(s, 3).map((e) => e.path)).toEqual(['model.pt', 'a.bin', 'b.bin']);
    expect(largestEntries(s, 10)).toHaveLength(4);
    expect(largestEntries(s, 0)).toEqual([]);
  });
});

describe('checkCodeSize', () => {
  const big = selection([file('data/big.npy', LARGE_CODE_SIZE + 1), file('main.py', 100)]);

  it('passes small code', () => {
    expect(checkCodeSize(selection([file('main.py', 100)]))).toBeUndefined();
    expect(checkCodeSize(LARGE_CODE_SIZE)).toBeUndefined();
  });

  it('flags large code, naming the largest files and the ignore file', () => {
    expect(checkCodeSize(big)).toEqual({
      kind: 'large',
      bytes: LARGE_CODE_SIZE + 101,
      limit: LARGE_CODE_SIZE,
      largest: [file('data/big.npy', LARGE_CODE_SIZE + 1), file('main.py', 100)],
      ignoreSource: '.gitignore',
    });
  });

  it('refuses code above the maximum, by selection total or by archive bytes', () => {
    expect(checkCodeSize(big, 1000)).toMatchObject({ kind: 'too-large', limit: 1000 });
    expect(checkCodeSize(DEFAULT_MAX_CODE_SIZE + 1)).toEqual({
      kind: 'too-large',
      bytes: DEFAULT_MAX_CODE_SIZE + 1,
      limit: DEFAULT_MAX_CODE_SIZE,
      largest: [],
      ignoreSource: undefined,
    });
    expect(checkCodeSize(2000, 1000, big)).toMatchObject({ kind: 'too-large', bytes: 2000, ignoreSource: '.gitignore' });
    expect(checkCodeSize(2000, 1000, big)?.largest[0]?.path).toBe('data/big.npy');
  });

  it('has a generous default', () => {
    expect(DEFAULT_MAX_CODE_SIZE).toBe(5 * 1024 ** 3);
  });
});
