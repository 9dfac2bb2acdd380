import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackagingError, hashTree, packArchive, selectFiles, type Selection } from '../../src/core/packaging/index.js';
import { tempDir, writeTree, type Node } from './tree.js';

const kept = (selection: Selection) => selection.files.filter((e) => e.type !== 'directory').map((e) => e.path);

/** Each credential file, where a project might hold it, and the `.paiignore` rule that brings it back. */
const CREDENTIALS: [path: string, bringBack: string][] = [
  ['.env.local', '!.env.local'],
  ['.env.production', '!.env.production'],
  ['.envrc', '!.envrc'],
  ['.aliyun/config.json', '!.aliyun/'],
  ['.alibabacloud/credentials', '!.alibabacloud/'],
  ['.ssh/config', '!.ssh/'],
  ['.aws/credentials', '!.aws/'],
  ['.kube/config', '!.kube/'],
  ['.docker/config.json', '!.docker/config.json'],
  ['.git-credentials', '!.git-credentials'],
  ['.netrc', '!.netrc'],
  ['.npmrc', '!.npmrc'],
  ['.pypirc', '!.pypirc'],
  ['.pgpass', '!.pgpass'],
  ['certs/server.pem', '!server.pem'],
  ['certs/client.p12', '!client.p12'],
  ['certs/client.pfx', '!client.pfx'],
  ['certs/tls.key', '!tls.key'],
  ['.bash_history', '!.bash_history'],
  ['.zsh_history', '!.zsh_history'],
  ['deploy/id_rsa', '!id_rsa'],
  ['deploy/id_rsa.pub', '!id_rsa.pub'],
  ['deploy/id_ed25519', '!id_ed25519'],
];

describe('credential files', () => {
  it('are left out by default, at the root and deeper, with or without a .gitignore', async () => {
    const tree: Record<string, Node> = { 'main.py': 'x', 'sub/.gitignore': '!*\n' };
    for (const [path] of CREDENTIALS) {
      tree[path] = 'secret';
      tree[`sub/${path}`] = 'secret';
    }
    const selection = await selectFiles(writeTree(tempDir(), tree));
    expect(kept(selection)).toEqual(['main.py', 'sub/.gitignore']);
  });

  for (const [path, bringBack] of CREDENTIALS) {
    it(`${path} comes back with "${bringBack}" in .paiignore`, async () => {
      const root = writeTree(tempDir(), { '.paiignore': `${bringBack}\n`, 'main.py': 'x', [path]: 'secret' });
      expect(kept(await selectFiles(root))).toEqual(['.paiignore', path, 'main.py'].sort());
    });
  }

  it('keeps names that only look alike (.environment, keys.py, id.txt)', async () => {
    const root = writeTree(tempDir(), { '.environment': 'x', 'keys.py': 'x', 'id.txt': 'x', 'docker/config.json': 'x', 'env.local': 'x' });
    expect(kept(await selectFiles(root))).toEqual(['.environment', 'docker/config.json', 'env.local', 'id.txt', 'keys.py']);
  });
});

describe('a private key under another name', () => {
  it('is named in a warning while the files are hashed, and still goes up', async () => {
    const root = writeTree(tempDir(), {
      'main.py': 'print(1)\n',
      'conf/deploy_identity': '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
      'conf/legacy.txt': '\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
      'conf/public.txt': '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n',
      'docs/readme.md': 'A key starts with -----BEGIN PRIVATE KEY----- but this file does not.\n',
    });
    const tree = await hashTree(await selectFiles(root));
    expect(tree.files.map((f) => f.path)).toContain('conf/deploy_identity');
    const named = tree.warnings.filter((w) => w.includes('private key'));
    expect(named).toHaveLength(2);
    expect(named[0]).toMatch(/^conf\/deploy_identity looks like a private key/);
    expect(named[1]).toMatch(/^conf\/legacy\.txt looks like a private key/);
    expect(named.join('\n')).toContain('.paiignore');
  });
});

describe('a private key in an archive', () => {
  it('is named while the archive is written (code_upload: archive, run --local)', async () => {
    const root = writeTree(tempDir(), {
      'main.py': 'print(1)\n',
      'conf/tls': '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n',
      'conf/cert.txt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    const archive = await packArchive(await selectFiles(root), join(tempDir(), 'source.tar.gz'));
    expect(archive.warnings).toEqual([expect.stringMatching(/^conf\/tls looks like a private key/)]);
  });
});

describe('names a file system allows and an upload cannot carry', () => {
  it('refuses a file name that is not UTF-8, showing its bytes', async () => {
    const root = writeTree(tempDir(), { 'main.py': 'x', 'data/ok.txt': 'x' });
    // "caf\xe9.csv": Latin-1, as an old archive or a Windows share leaves it.
    writeFileSync(Buffer.concat([Buffer.from(join(root, 'data') + '/caf'), Buffer.from([0xe9]), Buffer.from('.csv')]), 'x');
    const error = await selectFiles(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackagingError);
    expect((error as PackagingError).exitCode).toBe(2);
    expect((error as PackagingError).reason).toBe('bad-name');
    expect((error as Error).message).toContain(`${join(root, 'data')}/caf\\xe9.csv`);
    expect((error as Error).message).toContain('not valid UTF-8');
  });

  it('lets an ignore rule leave such a name out', async () => {
    const root = writeTree(tempDir(), { '.paiignore': '*.csv\n', 'main.py': 'x' });
    writeFileSync(Buffer.concat([Buffer.from(root + '/caf'), Buffer.from([0xe9]), Buffer.from('.csv')]), 'x');
    expect(kept(await selectFiles(root))).toEqual(['.paiignore', 'main.py']);
  });

  const deep: string[] = [];
  afterAll(() => {
    // rm walks with openat, so it removes a tree deeper than PATH_MAX, which rmSync cannot.
    for (const dir of deep) execFileSync('rm', ['-rf', dir]);
  });

  it('refuses a path longer than the system allows with a packaging error, not an internal error', async () => {
    const base = tempDir();
    deep.push(base);
    const long = 'd'.repeat(250);
    // Built from the bottom up by renames, so no single call names a path longer than PATH_MAX.
    mkdirSync(join(base, 'tree', long), { recursive: true });
    writeFileSync(join(base, 'tree', long, 'f.txt'), 'x');
    for (let i = 0; i < 18; i++) {
      mkdirSync(join(base, 'next', long), { recursive: true });
      renameSync(join(base, 'tree'), join(base, 'next', long, 'tree'));
      renameSync(join(base, 'next'), join(base, 'tree'));
    }
    const root = join(base, 'tree');
    const error = await selectFiles(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackagingError);
    expect((error as PackagingError).exitCode).toBe(2);
    expect((error as PackagingError).reason).toBe('name-too-long');
    expect((error as Error).message).toContain('too long');
  });
});
