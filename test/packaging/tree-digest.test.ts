import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codePrefix, hashTree, markerKey, selectFiles, treeDigest } from '../../src/core/packaging/index.js';
import { multipartEtag } from '../../src/core/upload-files.js';
import { tempDir, writeTree, type Node } from './tree.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

async function digestOf(nodes: Record<string, Node>) {
  const root = writeTree(tempDir(), nodes);
  return { root, tree: await hashTree(await selectFiles(root)) };
}

describe('the tree digest', () => {
  it('is the sha256 of one JSON line [path, executable, size, sha256] per file, in code-point order', async () => {
    const { tree } = await digestOf({ 'b.py': 'B\n', 'a/x.sh': { content: '#!/bin/sh\n', mode: 0o755 }, empty: { dir: true } });
    const lines = [JSON.stringify(['a/x.sh', true, 10, sha('#!/bin/sh\n')]), JSON.stringify(['b.py', false, 2, sha('B\n')])];
    expect(tree.digest).toBe(sha(lines.map((l) => l + '\n').join('')));
    // Folders are not objects: the empty one is left out, as the SDK's upload leaves it out.
    expect(tree.files.map((f) => f.path)).toEqual(['a/x.sh', 'b.py']);
    expect(tree.totalBytes).toBe(12);
    expect(codePrefix(tree.digest)).toBe(`pai/processing_src/sha256-${tree.digest}/`);
    expect(markerKey(tree.digest)).toBe(`pai/processing_src/sha256-${tree.digest}.json`);
  });

  it('is the same for the same tree in two places, and changes with content, name, or executable bit', async () => {
    const files = { 'main.py': 'print(1)\n', 'lib/a.py': 'A = 1\n' };
    const one = await digestOf(files);
    const two = await digestOf(files);
    expect(two.tree.digest).toBe(one.tree.digest);
    expect((await digestOf({ ...files, 'main.py': 'print(2)\n' })).tree.digest).not.toBe(one.tree.digest);
    expect((await digestOf({ 'main2.py': 'print(1)\n', 'lib/a.py': 'A = 1\n' })).tree.digest).not.toBe(one.tree.digest);
    chmodSync(join(two.root, 'main.py'), 0o744);
    const executable = await hashTree(await selectFiles(two.root));
    expect(executable.digest).not.toBe(one.tree.digest);
    expect(executable.files.find((f) => f.path === 'main.py')?.executable).toBe(true);
  });

  it('cannot be fooled by a path that holds the separator of another encoding', async () => {
    // With "path\0sha" lines these two trees could collide; JSON lines cannot.
    const a = treeDigest([
      { path: 'a', executable: false, size: 1, sha256: '0' },
      { path: 'b', executable: false, size: 1, sha256: '1' },
    ]);
    const b = treeDigest([{ path: 'a",false,1,"0"]\n["b', executable: false, size: 1, sha256: '1' }]);
    expect(a).not.toBe(b);
  });

  it('hashes a file larger than the read buffer exactly', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x61);
    const root = tempDir();
    writeFileSync(join(root, 'big.bin'), big);
    const tree = await hashTree(await selectFiles(root));
    expect(tree.files[0]).toMatchObject({ path: 'big.bin', size: big.length, sha256: sha(big) });
  });

  it('sends a link inside the tree as the file it points at, and reports one that cannot be an object', async () => {
    const { tree } = await digestOf({
      'main.py': 'print(1)\n',
      'link.py': { link: 'main.py' },
      'dir/x.py': '',
      dirlink: { link: 'dir' },
      dangling: { link: 'nope' },
    });
    expect(tree.files.map((f) => [f.path, f.sha256])).toEqual([
      ['dir/x.py', sha('')],
      ['link.py', sha('print(1)\n')],
      ['main.py', sha('print(1)\n')],
    ]);
    expect(tree.warnings).toEqual([
      'left out the link dangling -> nope: it points nowhere, and an object store has no links',
      'left out the link dirlink -> dir: it points at a folder, and an object store has no links',
    ]);
  });
});

describe('the multipart ETag', () => {
  it('is the MD5 of the parts\u2019 binary MD5s, -<count>, as OSS (and the emulator) give it', () => {
    const parts = [Buffer.from('first part'), Buffer.from('second')];
    const md5 = (b: Buffer) => createHash('md5').update(b).digest();
    const expected = `${createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex')
      .toUpperCase()}-2`;
    expect(multipartEtag(parts.map((p) => md5(p).toString('base64')))).toBe(expected);
  });
});
