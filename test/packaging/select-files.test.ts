import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackagingError, listSelection, selectFiles, type Selection } from '../../src/core/packaging/index.js';
import { rebaseGitignoreRule } from '../../src/core/packaging/ignore-rules.js';
import { isRoot, tempDir, writeTree, type Node } from './tree.js';

const kept = (selection: Selection) => selection.files.filter((e) => e.type !== 'directory').map((e) => e.path);

/** A tree whose nested .gitignore files exercise git's precedence rules. */
const gitTree: Record<string, Node> = {
  '.gitignore': ['*.log', 'build/', '/only-root.txt', '!.env', 'secrets/', '!secrets/public.txt'].join('\n'),
  'only-root.txt': 'x',
  'a.tmp': 'x',
  'main.py': 'x',
  'app.log': 'x',
  'build/out.bin': 'x',
  '.env': 'x',
  'secrets/key.pem': 'x',
  'secrets/public.txt': 'x',
  'sub/.gitignore': ['*.tmp', '!important.log', '/local.txt', 'deeper/*.bak'].join('\n'),
  'sub/only-root.txt': 'x',
  'sub/a.tmp': 'x',
  'sub/important.log': 'x',
  'sub/other.log': 'x',
  'sub/local.txt': 'x',
  'sub/deeper/local.txt': 'x',
  'sub/deeper/b.tmp': 'x',
  'sub/deeper/c.bak': 'x',
  'sub/deeper/more/c.bak': 'x',
  'src/.gitignore': '!build/\n',
  'src/build/kept.txt': 'x',
  'we[ird] *dir/.gitignore': 'x?.txt\n',
  'we[ird] *dir/xa.txt': 'x',
  'we[ird] *dir/keep.txt': 'x',
  'wexird/xa.txt': 'x',
};

describe('selectFiles with .gitignore files', () => {
  it('applies each .gitignore below its own folder, the deepest rule winning, as git does', async () => {
    const root = writeTree(tempDir(), gitTree);
    const selection = await selectFiles(root);
    expect(selection.ignoreSource).toBe('.gitignore');
    expect(kept(selection)).toEqual([
      '.gitignore',
      'a.tmp',
      'main.py',
      'src/.gitignore',
      'src/build/kept.txt',
      'sub/.gitignore',
      'sub/deeper/local.txt',
      'sub/deeper/more/c.bak',
      'sub/important.log',
      'sub/only-root.txt',
      'we[ird] *dir/.gitignore',
      'we[ird] *dir/keep.txt',
      'wexird/xa.txt',
    ]);
  });

  it('matches `git ls-files --others --exclude-standard` on the same tree', async (ctx) => {
    // Without .env, which git would list (`!.env`) and the defaults always drop.
    const { '.env': _dropped, ...tree } = gitTree;
    const root = writeTree(tempDir(), tree);
    let gitFiles: string[];
    try {
      // No user or system config: a global excludesFile must not change git's answer.
      const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
      execFileSync('git', ['init', '-q'], { cwd: root, env });
      gitFiles = execFileSync('git', ['ls-files', '-z', '--others', '--exclude-standard'], { cwd: root, env, encoding: 'utf8' }).split('\0').filter(Boolean);
    } catch {
      ctx.skip('git is not installed');
      return;
    }
    const ours = kept(await selectFiles(root));
    expect(ours).toEqual([...gitFiles].sort());
  });

  it('applies the .gitignore files of parent folders up to the repository root, and .git/info/exclude', async () => {
    // The README's case: the repository's .gitignore leaves out examples/*/model/, the local run's output.
    const repo = writeTree(tempDir(), {
      '.git/info/exclude': 'notes.txt\n',
      '.gitignore': 'examples/*/model/\n*.log\n/top.txt\n',
      'examples/.gitignore': 'scratch/\n!keep.log\n',
      'examples/quickstart/train.py': 'x',
      'examples/quickstart/model/model.json': 'x',
      'examples/quickstart/run.log': 'x',
      'examples/quickstart/keep.log': 'x',
      'examples/quickstart/top.txt': 'x',
      'examples/quickstart/notes.txt': 'x',
      'examples/quickstart/scratch/a.txt': 'x',
      'examples/quickstart/sub/.gitignore': '!run.log\n',
      'examples/quickstart/sub/run.log': 'x',
    });
    const selection = await selectFiles(join(repo, 'examples/quickstart'));
    expect(kept(selection)).toEqual(['keep.log', 'sub/.gitignore', 'sub/run.log', 'top.txt', 'train.py']);
    expect(selection.ignoreSource).toBe('.gitignore');
    // Outside any repository (no .git above), parent folders' .gitignore files count for nothing, as for git.
    const lone = writeTree(tempDir(), { '.gitignore': '*.py\n', 'code/a.py': 'x' });
    expect(kept(await selectFiles(join(lone, 'code')))).toEqual(['a.py']);
  });

  it('matches git in a subfolder of a repository (parent .gitignore files included)', async (ctx) => {
    const { '.env': _dropped, ...tree } = gitTree;
    const repo = tempDir();
    writeTree(repo, { '.gitignore': 'pkg/skip.txt\n*.tmp\n', 'other.txt': 'x' });
    writeTree(join(repo, 'pkg'), { ...tree, 'skip.txt': 'x', '.gitignore': (tree['.gitignore'] as string) + '\n!a.tmp\n' });
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    let gitFiles: string[];
    try {
      execFileSync('git', ['init', '-q'], { cwd: repo, env });
      writeFileSync(join(repo, '.git/info/exclude'), 'main.py\n');
      gitFiles = execFileSync('git', ['ls-files', '-z', '--others', '--exclude-standard'], { cwd: join(repo, 'pkg'), env, encoding: 'utf8' })
        .split('\0')
        .filter(Boolean)
        .map((p) => p.replace(/^pkg\//, ''));
    } catch {
      ctx.skip('git is not installed');
      return;
    }
    expect(gitFiles).not.toContain('skip.txt');
    expect(gitFiles).not.toContain('main.py');
    expect(kept(await selectFiles(join(repo, 'pkg')))).toEqual([...gitFiles].sort());
  });

  it("keeps applying only the folder's own rules when a parent rule would leave out the whole code folder", async () => {
    const repo = writeTree(tempDir(), { '.git/HEAD': 'x', '.gitignore': 'build/\n', 'build/app/a.py': 'x' });
    const selection = await selectFiles(join(repo, 'build/app'));
    expect(kept(selection)).toEqual(['a.py']);
    expect(selection.warnings.join('\n')).toMatch(/leave out the code folder build\/app\/ itself/);
  });

  it('never lets a .gitignore bring back a default (.env, .git…)', async () => {
    const root = writeTree(tempDir(), { '.gitignore': '!.env\n!node_modules/\n', '.env': 'x', 'node_modules/m.js': 'x', 'a.py': 'x' });
    expect(kept(await selectFiles(root))).toEqual(['.gitignore', 'a.py']);
  });

  it('uses the defaults alone when there is no ignore file', async () => {
    const root = writeTree(tempDir(), { 'a.py': 'x', 'b/__pycache__/c.pyc': 'x', 'b/.DS_Store': 'x', 'b/.git': 'gitdir: ../.git/modules/b\n' });
    const selection = await selectFiles(root);
    expect(selection.ignoreSource).toBe('defaults');
    expect(selection.files.map((e) => `${e.type}:${e.path}`)).toEqual(['file:a.py', 'directory:b']);
  });
});

describe('selectFiles with a .paiignore', () => {
  it('lets a ! rule bring back a default, a named virtualenv or a file inside an ignored pattern', async () => {
    const root = writeTree(tempDir(), {
      '.paiignore': ['!.env', '!tools/myenv/', '*.bin', '!keep.bin'].join('\n'),
      '.env': 'x',
      'tools/myenv/pyvenv.cfg': 'x',
      'tools/otherenv/pyvenv.cfg': 'x',
      'a.bin': 'x',
      'keep.bin': 'x',
      'sub/.gitignore': 'a.py\n',
      'sub/a.py': 'x',
    });
    const selection = await selectFiles(root);
    expect(selection.ignoreSource).toBe('.paiignore');
    expect(kept(selection)).toEqual(['.env', '.paiignore', 'keep.bin', 'sub/.gitignore', 'sub/a.py', 'tools/myenv/pyvenv.cfg']);
  });

  it('can leave out the ignore files themselves', async () => {
    const root = writeTree(tempDir(), { '.paiignore': '.paiignore\n.gitignore\n', '.gitignore': 'x', 'a.py': 'x' });
    expect(kept(await selectFiles(root))).toEqual(['a.py']);
  });
});

describe('selectFiles edge cases', () => {
  it('keeps empty folders as folder entries, with normalised modes', async () => {
    const root = writeTree(tempDir(), { empty: { dir: true }, 'x/y': { dir: true }, run: { content: 'x', mode: 0o700 }, f: { content: 'x', mode: 0o600 } });
    const selection = await selectFiles(root);
    expect(listSelection(selection)).toEqual([
      { path: 'empty', type: 'directory', size: 0, mode: 0o755 },
      { path: 'f', type: 'file', size: 1, mode: 0o644 },
      { path: 'run', type: 'file', size: 1, mode: 0o755 },
      { path: 'x', type: 'directory', size: 0, mode: 0o755 },
      { path: 'x/y', type: 'directory', size: 0, mode: 0o755 },
    ]);
    expect(selection.fileCount).toBe(2);
  });

  it('sorts by code point (UTF-8 byte order), not by UTF-16 unit', async () => {
    const root = writeTree(tempDir(), { '\u{1F600}.txt': 'x', '\uFF21.txt': 'x', 'b.txt': 'x', 'B.txt': 'x', 'a-b': 'x', 'a/c': 'x' });
    expect((await selectFiles(root)).files.map((e) => e.path)).toEqual(['B.txt', 'a', 'a-b', 'a/c', 'b.txt', '\uFF21.txt', '\u{1F600}.txt']);
  });

  it('refuses a code folder that does not exist or is a file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    for (const root of [join(dir, 'missing'), join(dir, 'file')]) {
      await expect(selectFiles(root)).rejects.toMatchObject({ name: 'PackagingError', reason: 'not-a-directory', path: root });
    }
  });

  it('names a file it cannot read (injected: root reads everything)', async () => {
    const root = writeTree(tempDir(), { 'ok.py': 'x', 'data/secret.bin': 'x', 'ignored.bin': 'x', '.paiignore': 'ignored.bin\n' });
    const deny = async (path: string) => {
      if (path.endsWith('.bin')) throw Object.assign(new Error(`EACCES: permission denied, access '${path}'`), { code: 'EACCES' });
    };
    const err = await selectFiles(root, { fs: { checkReadable: deny } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackagingError);
    // ignored.bin is unreadable too, but it is left out, so it does not matter.
    expect(err).toMatchObject({ reason: 'unreadable', code: 'EACCES', path: join(root, 'data/secret.bin'), exitCode: 2 });
    expect((err as Error).message).toContain(join(root, 'data/secret.bin'));
  });

  it.skipIf(isRoot)('names a chmod 000 file (skipped as root, which reads it anyway)', async () => {
    const root = writeTree(tempDir(), { 'ok.py': 'x', 'locked.txt': 'x' });
    chmodSync(join(root, 'locked.txt'), 0o000);
    await expect(selectFiles(root)).rejects.toMatchObject({ reason: 'unreadable', path: join(root, 'locked.txt') });
  });

  it('names a folder it cannot list', async () => {
    const root = writeTree(tempDir(), { 'ok.py': 'x', 'private/a.txt': 'x' });
    const readdir = async (path: string) => {
      if (path.endsWith('private')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      const { readdir: real } = await import('node:fs/promises');
      return real(path);
    };
    await expect(selectFiles(root, { fs: { readdir } })).rejects.toMatchObject({ reason: 'unreadable', path: join(root, 'private') });
  });

  it('leaves out sockets and pipes with a warning', async (ctx) => {
    const root = writeTree(tempDir(), { 'a.py': 'x' });
    try {
      execFileSync('mkfifo', [join(root, 'pipe')]);
    } catch {
      ctx.skip('mkfifo is not available');
      return;
    }
    const selection = await selectFiles(root);
    expect(kept(selection)).toEqual(['a.py']);
    expect(selection.warnings).toEqual(['left out pipe: not a file, folder or link (a socket, pipe or device)']);
  });

  it('follows a code folder given as a link, and keeps links inside it', async () => {
    const real = writeTree(tempDir(), { 'a.py': 'x', l: { link: 'a.py' } });
    const alias = join(tempDir(), 'alias');
    mkdirSync(join(alias, '..'), { recursive: true });
    writeTree(join(alias, '..'), { alias: { link: real } });
    const selection = await selectFiles(alias);
    expect(selection.files.map((e) => `${e.type}:${e.path}`)).toEqual(['file:a.py', 'symlink:l']);
    expect(selection.warnings).toEqual([]);
  });
});

describe('rebaseGitignoreRule', () => {
  it('anchors rules with a slash to their folder and lets the others match at any depth below it', () => {
    expect(rebaseGitignoreRule('*.log', '')).toBe('*.log');
    expect(rebaseGitignoreRule('*.log', 'a/b')).toBe('/a/b/**/*.log');
    expect(rebaseGitignoreRule('build/', 'a')).toBe('/a/**/build/');
    expect(rebaseGitignoreRule('/local.txt', 'a')).toBe('/a/local.txt');
    expect(rebaseGitignoreRule('x/y', 'a')).toBe('/a/x/y');
    expect(rebaseGitignoreRule('!keep.log', 'a')).toBe('!/a/**/keep.log');
    expect(rebaseGitignoreRule('\\#hash', 'a')).toBe('/a/**/\\#hash');
    expect(rebaseGitignoreRule('x', 'we[ird]*')).toBe('/we\\[ird\\]\\*/**/x');
  });
});
