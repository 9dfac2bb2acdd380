import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packArchive, selectFiles, unpackArchive } from '../../src/core/packaging/index.js';
import { readTree, tempDir, writeTree } from './tree.js';

// A path of more than 150 characters (and more than 255 bytes), with a file name longer than tar's 100-byte field.
const LONG_DIR = [
  'segment-one-of-a-long-path',
  'segment-two-of-a-long-path',
  'ünïcödé-segment-three-数据数据',
  'segment-four',
  'segment-five-of-a-long-path-and-then-some',
].join('/');
const LONG_FILE = `${'a-very-long-file-name-'.repeat(5)}end.py`;
const LONG_PATH = `${LONG_DIR}/${LONG_FILE}`;

const hasTar = (() => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A code folder with everything the defaults drop, a .paiignore with negations, links and awkward names. */
function codeFolder(): string {
  const outside = writeTree(tempDir('pai-outside-'), { 'secret.txt': 'outside' });
  const root = tempDir();
  return writeTree(root, {
    'main.py': 'print("main")\n',
    'run.sh': { content: '#!/bin/sh\necho run\n', mode: 0o755 },
    '.paiignore': ['# code only', '*.log', '!keep.log', '.env.*', '!.env.example', '!vendor/node_modules/', 'data/', ''].join('\n'),
    // Without a .paiignore this would drop every .py file: it must not count.
    '.gitignore': '*.py\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/objects/ab/cdef': 'blob',
    '.env': 'SECRET=1\n',
    '.env.local': 'SECRET=2\n',
    '.env.example': 'SECRET=\n',
    '.DS_Store': 'finder',
    '__pycache__/main.cpython-311.pyc': 'bytecode',
    'pkg/__init__.py': '',
    'pkg/mod.py': 'x = 1\n',
    'pkg/mod.pyc': 'bytecode',
    'pkg/__pycache__/mod.cpython-311.pyc': 'bytecode',
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/lib/site.py': 'site',
    'tools/myenv/pyvenv.cfg': 'home = /usr/bin\n',
    'tools/myenv/bin/python': 'elf',
    'tools/env/readme.txt': 'not a virtualenv, only named like one\n',
    'node_modules/left-pad/index.js': 'module.exports = 1;\n',
    'vendor/node_modules/kept.js': 'kept\n',
    '.pai-process/runs/old/log.txt': 'old run\n',
    'keep.log': 'kept log\n',
    'logs/run.log': 'dropped log\n',
    'logs/keep.log': 'kept log too\n',
    'data/big.csv': 'a,b\n',
    '数据/文件 名.py': 'print("数据")\n',
    'émoji-😀.txt': 'emoji\n',
    '...': 'dots\n',
    ' spaced name .txt': 'spaces\n',
    'line\nbreak.txt': 'newline in the name\n',
    [LONG_PATH]: 'print("long")\n',
    outputs: { dir: true },
    'link-to-main.py': { link: 'main.py' },
    'data-link': { link: '数据' },
    'pkg/up-link.py': { link: '../main.py' },
    dangling: { link: 'not-there.txt' },
    'outside-absolute': { link: join(outside, 'secret.txt') },
    'outside-relative': { link: '../../../../../../../../../../etc/hostname' },
    'escape-dir': { link: outside },
    'through-escape': { link: 'escape-dir/secret.txt' },
  });
}

describe('a code folder, packed and unpacked', () => {
  it('holds exactly the chosen files, links and folders, with their contents', async () => {
    const root = codeFolder();
    const selection = await selectFiles(root);
    const archive = await packArchive(selection, join(tempDir(), 'code.tar.gz'));
    const unpacked = tempDir();
    await unpackArchive(archive.path, unpacked);

    const longDirs = LONG_DIR.split('/').map((_, i, all) => all.slice(0, i + 1).join('/'));
    const expected: Record<string, string> = {
      '.env.example': 'file:SECRET=\n',
      '.gitignore': 'file:*.py\n',
      '.paiignore': 'file:# code only\n*.log\n!keep.log\n.env.*\n!.env.example\n!vendor/node_modules/\ndata/\n',
      dangling: 'link:not-there.txt',
      'data-link': 'link:数据',
      'keep.log': 'file:kept log\n',
      'link-to-main.py': 'link:main.py',
      logs: 'dir',
      'logs/keep.log': 'file:kept log too\n',
      'main.py': 'file:print("main")\n',
      outputs: 'dir',
      pkg: 'dir',
      'pkg/__init__.py': 'file:',
      'pkg/mod.py': 'file:x = 1\n',
      'pkg/up-link.py': 'link:../main.py',
      'run.sh': 'file:#!/bin/sh\necho run\n',
      tools: 'dir',
      'tools/env': 'dir',
      'tools/env/readme.txt': 'file:not a virtualenv, only named like one\n',
      vendor: 'dir',
      'vendor/node_modules': 'dir',
      'vendor/node_modules/kept.js': 'file:kept\n',
      'émoji-😀.txt': 'file:emoji\n',
      '...': 'file:dots\n',
      ' spaced name .txt': 'file:spaces\n',
      'line\nbreak.txt': 'file:newline in the name\n',
      数据: 'dir',
      '数据/文件 名.py': 'file:print("数据")\n',
      ...Object.fromEntries(longDirs.map((d) => [d, 'dir'])),
      [LONG_PATH]: 'file:print("long")\n',
    };
    expect(readTree(unpacked)).toEqual(Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1))));
  });

  // PAI unpacks with `tar -xzf`: GNU tar must see the same tree, long names included.
  it.skipIf(!hasTar)('unpacks to the same tree with GNU tar, the long path whole (skipped without a tar binary)', async () => {
    const root = codeFolder();
    const archive = await packArchive(await selectFiles(root), join(tempDir(), 'code.tar.gz'));
    const unpacked = tempDir();
    await unpackArchive(archive.path, unpacked);
    const byGnuTar = tempDir();
    execFileSync('tar', ['-xzf', archive.path, '-C', byGnuTar]);
    const tree = readTree(byGnuTar);
    expect(tree).toEqual(readTree(unpacked));
    // The name is longer than tar's 100-byte field and its path than the 255 bytes of prefix + name: GNU tar
    // puts the file at its whole path only if the archive carries the long-name header.
    expect(tree[LONG_PATH]).toBe('file:print("long")\n');
  });

  it('reports what it chose: sorted entries, counts, bytes, the ignore source and the links it left out', async () => {
    const root = codeFolder();
    const selection = await selectFiles(root);
    const paths = selection.files.map((e) => e.path);
    expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(selection.root).toBe(root);
    expect(selection.ignoreSource).toBe('.paiignore');
    const files = selection.files.filter((e) => e.type !== 'directory');
    expect(selection.fileCount).toBe(files.length);
    expect(selection.totalBytes).toBe(files.reduce((sum, e) => sum + e.size, 0));
    expect(selection.files.find((e) => e.path === 'link-to-main.py')).toMatchObject({ type: 'symlink', target: 'main.py', size: 0 });
    expect(selection.warnings).toEqual([
      expect.stringMatching(/^left out the link escape-dir -> .*: it points outside the code folder$/),
      expect.stringMatching(/^left out the link outside-absolute -> .*secret\.txt: it points outside the code folder$/),
      'left out the link outside-relative -> ../../../../../../../../../../etc/hostname: it points outside the code folder',
      'left out the link through-escape -> escape-dir/secret.txt: it points outside the code folder',
    ]);
  });
});
