import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PackagingError, errnoCode, escapeBytes, unreadable } from './errors.js';
import { IgnoreRules, type IgnoreSource } from './ignore-rules.js';
import { nodeTreeFs, type FileStat, type TreeFs } from './tree-fs.js';

export type EntryType = 'file' | 'directory' | 'symlink';

/** One thing that goes into the archive. */
export interface Entry {
  /** Relative to the code folder, `/`-separated, no leading `./`, no trailing `/`. */
  readonly path: string;
  readonly type: EntryType;
  /** Content bytes: the file's size, 0 for folders and links. */
  readonly size: number;
  /**
   * The permission bits the archive carries: 0o755 for folders and for files with any execute bit, 0o644 for
   * other files, 0o755 for links (tar's portable mode; Linux ignores a link's mode).
   */
  readonly mode: number;
  /** A link's target, exactly as stored in the link. */
  readonly target?: string;
}

/** The files chosen from a code folder, and what the caller should tell the user about them. */
export interface Selection {
  /** The code folder, absolute. */
  readonly root: string;
  /** Every entry to package (files, links and folders, empty ones too), sorted by path in code-point order. */
  readonly files: readonly Entry[];
  /** Regular files and links: what a user calls files. */
  readonly fileCount: number;
  /** Sum of the regular files' sizes (uncompressed). */
  readonly totalBytes: number;
  /** Things left out that the user may not expect (links pointing outside, sockets…), one line each, sorted. */
  readonly warnings: readonly string[];
  /** Which ignore file chose the files. */
  readonly ignoreSource: IgnoreSource;
  /** Local inputs inside the folder (relative paths, a folder's ending in `/`), left out of the code because they go up as inputs. */
  readonly inputsLeftOut: readonly string[];
  /** Local inputs inside the folder that a `!` rule in `.paiignore` keeps in the code too (uploaded twice). */
  readonly inputsKept: readonly string[];
}

export interface SelectOptions {
  /** Replaces some file-system calls (tests). */
  fs?: Partial<TreeFs>;
  /**
   * The job's local inputs (paths). One inside the folder would go up twice, in the code and as the input, so it
   * is left out of the code unless `.paiignore` keeps it with a `!` rule naming it.
   */
  inputs?: readonly string[];
  /**
   * Whether every file is checked for reading while choosing (default true). A caller that opens every chosen file
   * straight away (hashTree) passes false: the open fails with the same PackagingError, and the walk saves a call
   * per file (~4% of a second run over 4,000 files, docs/performance.md).
   */
  checkReadable?: boolean;
}

/** The permission bits written for each entry type (see `Entry.mode`). */
function normalisedMode(type: EntryType, fsMode: number): number {
  if (type === 'file') return fsMode & 0o111 ? 0o755 : 0o644;
  return 0o755;
}

/**
 * Compares two strings by Unicode code point, which is the byte order of their UTF-8 form (the order of
 * `LC_ALL=C sort` and of git). JavaScript's `<` compares UTF-16 units and puts U+10000 and above before U+E000.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (which start code points above U+FFFF) after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

interface Walk {
  readonly fs: TreeFs;
  readonly root: string;
  readonly realRoot: string;
  readonly rules: IgnoreRules;
  readonly entries: Entry[];
  readonly warnings: { path: string; text: string }[];
  /** Local inputs inside the folder, relative, and what became of them. */
  readonly inputs: ReadonlySet<string>;
  readonly inputsLeftOut: string[];
  readonly inputsKept: string[];
  readonly checkReadable: boolean;
}

/**
 * Chooses the files of a code folder: the defaults (`DEFAULT_IGNORE_RULES` and virtualenvs) plus the root
 * `.paiignore` if there is one, else plus every `.gitignore` of the tree, each below its own folder as git reads it.
 * Links are kept as links unless they point outside the folder (left out, with a warning). Throws a
 * `PackagingError` for a missing folder or for a file or folder that cannot be read.
 */
export async function selectFiles(root: string, options: SelectOptions = {}): Promise<Selection> {
  const fs: TreeFs = { ...nodeTreeFs, ...options.fs };
  const absRoot = resolve(root);
  const realRoot = await openRoot(fs, absRoot);
  const paiignore = await readIgnoreFile(fs, join(absRoot, '.paiignore'));
  const rules = paiignore === undefined ? IgnoreRules.fromGitignores() : IgnoreRules.fromPaiignore(paiignore);
  const inputs = await inputsInside(fs, absRoot, realRoot, options.inputs ?? []);
  const walk: Walk = {
    fs,
    root: absRoot,
    realRoot,
    rules,
    entries: [],
    warnings: [],
    inputs,
    inputsLeftOut: [],
    inputsKept: [],
    checkReadable: options.checkReadable ?? true,
  };
  if (rules.readsGitignores) await addRepositoryIgnores(fs, absRoot, rules, walk.warnings);

  await walkFolder(walk, absRoot, '');

  const files = walk.entries.sort((a, b) => compareCodePoints(a.path, b.path));
  let fileCount = 0;
  let totalBytes = 0;
  for (const entry of files) {
    if (entry.type === 'directory') continue;
    fileCount += 1;
    totalBytes += entry.size;
  }
  const warnings = walk.warnings.sort((a, b) => compareCodePoints(a.path, b.path)).map((w) => w.text);
  const inputsLeftOut = walk.inputsLeftOut.sort(compareCodePoints);
  const inputsKept = walk.inputsKept.sort(compareCodePoints);
  return { root: absRoot, files, fileCount, totalBytes, warnings, ignoreSource: rules.source, inputsLeftOut, inputsKept };
}

/** The paths (relative to the code folder, posix) of the inputs that lie inside it, as written or after links. */
async function inputsInside(fs: TreeFs, absRoot: string, realRoot: string, paths: readonly string[]): Promise<Set<string>> {
  const inside = new Set<string>();
  for (const path of paths) {
    const abs = resolve(path);
    const real = await fs.realpath(abs).catch(() => abs);
    for (const [root, p] of [
      [absRoot, abs],
      [realRoot, real],
    ] as const) {
      const rel = relative(root, p);
      if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
        inside.add(rel.split(sep).join('/'));
        break;
      }
    }
  }
  return inside;
}

/** Checks that the code folder is a readable folder (following a link given as the root) and returns its real path. */
async function openRoot(fs: TreeFs, absRoot: string): Promise<string> {
  try {
    const real = await fs.realpath(absRoot);
    if ((await fs.lstat(real)).isDirectory()) return real;
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'ENOTDIR') throw unreadable(absRoot, err);
  }
  throw new PackagingError(`The code folder ${absRoot} does not exist or is not a folder`, {
    path: absRoot,
    reason: 'not-a-directory',
    hint: 'Check source_dir: it is relative to the job config file.',
  });
}

/**
 * The ignore files git reads from outside the code folder when the folder is inside a repository (a parent holds
 * `.git`, a folder or a worktree's file): `.git/info/exclude`, then each parent's `.gitignore` from the repository's
 * root down. Without a repository git reads none of them, and neither does this.
 */
async function addRepositoryIgnores(fs: TreeFs, absRoot: string, rules: IgnoreRules, warnings: Walk['warnings']): Promise<void> {
  const parents: string[] = [];
  let repo: string | undefined;
  for (let dir = absRoot; ; ) {
    if (await exists(fs, join(dir, '.git'))) {
      repo = dir;
      break;
    }
    const up = dirname(dir);
    if (up === dir) return;
    parents.unshift(up);
    dir = up;
  }
  if (repo === absRoot) return;
  const base = relative(repo, absRoot).split(sep).join('/');
  const files: { dir: string; text: string; exclude?: boolean }[] = [];
  const exclude = await readIgnoreFile(fs, join(repo, '.git', 'info', 'exclude')).catch(() => undefined);
  if (exclude !== undefined) files.push({ dir: '', text: exclude, exclude: true });
  for (const dir of parents.filter((p) => p.length >= repo.length)) {
    const text = await readIgnoreFile(fs, join(dir, '.gitignore'));
    if (text !== undefined) files.push({ dir: relative(repo, dir).split(sep).join('/'), text });
  }
  if (!rules.addParentIgnores(base, files)) {
    warnings.push({ path: '', text: `the .gitignore files of ${repo} leave out the code folder ${base}/ itself; their rules are not applied to it` });
  }
}

async function exists(fs: TreeFs, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The text of an ignore file, or undefined when there is none (or it is not a regular file). */
async function readIgnoreFile(fs: TreeFs, path: string): Promise<string | undefined> {
  let stat: FileStat;
  try {
    stat = await fs.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw unreadable(path, err);
  }
  // git does not follow a .gitignore that is a link (it opens it with O_NOFOLLOW); neither do we, for either file.
  if (!stat.isFile()) return undefined;
  try {
    return await fs.readFile(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** How long the walk may keep the event loop before letting timers (a spinner) run. */
const YIELD_EVERY_MS = 20;
let lastYield = 0;

async function walkFolder(walk: Walk, dirAbs: string, dirRel: string): Promise<void> {
  if (Date.now() - lastYield >= YIELD_EVERY_MS) {
    await new Promise((resolve) => setImmediate(resolve));
    lastYield = Date.now();
  }
  let names: string[];
  try {
    names = await walk.fs.readdir(dirAbs);
  } catch (err) {
    // A folder that vanished since its parent was listed has nothing left to package.
    if (errnoCode(err) === 'ENOENT') return;
    throw unreadable(dirAbs, err);
  }
  // Node decodes names as UTF-8 and puts U+FFFD for bytes that are not; such a name then opens nothing, and its
  // file would vanish from the upload without a word. Only then are the raw bytes read, to name it.
  if (names.some((name) => name.includes('\uFFFD'))) await refuseUndecodableNames(walk, dirAbs, dirRel);
  names.sort(compareCodePoints);

  if (walk.rules.readsGitignores && names.includes('.gitignore')) {
    const text = await readIgnoreFile(walk.fs, join(dirAbs, '.gitignore'));
    if (text !== undefined) walk.rules.addGitignore(dirRel, text);
  }

  // One batch of lstat calls per folder (synchronous ones with the default TreeFs; a replaced one may be async).
  const stats = await Promise.all(names.map((name) => lstatIfPresent(walk.fs, join(dirAbs, name))));

  const candidates: { name: string; rel: string; abs: string; stat: FileStat }[] = [];
  names.forEach((name, i) => {
    const stat = stats[i];
    if (!stat) return;
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    if (walk.rules.ignores(rel, { isDirectory: stat.isDirectory() })) return;
    if (walk.inputs.has(rel)) {
      const kept = walk.rules.keepsExplicitly(rel, { isDirectory: stat.isDirectory() });
      (kept ? walk.inputsKept : walk.inputsLeftOut).push(stat.isDirectory() ? `${rel}/` : rel);
      if (!kept) return;
    }
    candidates.push({ name, rel, abs: join(dirAbs, name), stat });
  });

  const kept = await Promise.all(candidates.map((c) => keep(walk, c.rel, c.abs, c.stat)));

  const subfolders: { abs: string; rel: string }[] = [];
  kept.forEach((entry, i) => {
    const c = candidates[i];
    if (!entry || !c) return;
    walk.entries.push(entry);
    if (entry.type === 'directory') subfolders.push({ abs: c.abs, rel: c.rel });
  });
  // Depth first, one folder at a time: the `.gitignore` rules of a folder must be in before its entries are tested.
  for (const sub of subfolders) await walkFolder(walk, sub.abs, sub.rel);
}

/**
 * Refuses a folder entry whose name is not valid UTF-8, unless an ignore rule leaves it out (tested with the
 * decoded name, the closest the rules can see). An object key must be UTF-8, so the file could not go up as named.
 */
async function refuseUndecodableNames(walk: Walk, dirAbs: string, dirRel: string): Promise<void> {
  let raw: Buffer[];
  try {
    raw = await walk.fs.readdirBytes(dirAbs);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw unreadable(dirAbs, err);
  }
  for (const bytes of raw) {
    const decoded = bytes.toString('utf8');
    if (Buffer.from(decoded, 'utf8').equals(bytes)) continue;
    const rel = dirRel === '' ? decoded : `${dirRel}/${decoded}`;
    // A Buffer path reaches the file system byte-exact, which no string can for this name.
    const isDirectory = lstatSync(Buffer.concat([Buffer.from(dirAbs + sep), bytes]), { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (walk.rules.ignores(rel, { isDirectory })) continue;
    const shown = join(dirAbs, escapeBytes(bytes));
    throw new PackagingError(`Cannot package ${shown}: its name is not valid UTF-8 (shown with \\xHH for each byte that is not)`, {
      path: shown,
      reason: 'bad-name',
      hint: 'Rename it with a UTF-8 name (e.g. `convmv -f latin1 -t utf8`), or leave it out with a rule in .paiignore.',
    });
  }
}

async function lstatIfPresent(fs: TreeFs, path: string): Promise<FileStat | undefined> {
  try {
    return await fs.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw unreadable(path, err);
  }
}

/** The entry for a path that no rule ignores, or undefined when it is left out after a closer look. */
async function keep(walk: Walk, rel: string, abs: string, stat: FileStat): Promise<Entry | undefined> {
  if (stat.isDirectory()) {
    const isVirtualenv = await isFile(walk.fs, join(abs, 'pyvenv.cfg'));
    if (isVirtualenv && walk.rules.ignores(rel, { isDirectory: true, isVirtualenv })) return undefined;
    return { path: rel, type: 'directory', size: 0, mode: normalisedMode('directory', stat.mode) };
  }
  if (stat.isFile()) {
    if (walk.checkReadable) {
      try {
        await walk.fs.checkReadable(abs);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') return undefined;
        throw unreadable(abs, err);
      }
    }
    return { path: rel, type: 'file', size: stat.size, mode: normalisedMode('file', stat.mode) };
  }
  if (stat.isSymbolicLink()) return keepLink(walk, rel, abs);
  walk.warnings.push({ path: rel, text: `left out ${rel}: not a file, folder or link (a socket, pipe or device)` });
  return undefined;
}

/** A link is kept, not followed, when its target stays inside the code folder, both as written and as resolved. */
async function keepLink(walk: Walk, rel: string, abs: string): Promise<Entry | undefined> {
  let target: string;
  try {
    target = await walk.fs.readlink(abs);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw unreadable(abs, err);
  }
  const entry: Entry = { path: rel, type: 'symlink', size: 0, mode: normalisedMode('symlink', 0), target };
  const outside = () => {
    walk.warnings.push({ path: rel, text: `left out the link ${rel} -> ${target}: it points outside the code folder` });
    return undefined;
  };
  // An absolute target would point elsewhere once the code is unpacked into /ml/usercode/, even if it is inside now.
  if (isAbsolute(target) || !isInside(resolve(dirname(abs), target), walk.root)) return outside();
  let real: string;
  try {
    real = await walk.fs.realpath(abs);
  } catch {
    // A dangling link, or a loop, stays what it is: a link that leads nowhere, here and after unpacking.
    return entry;
  }
  // Written relative and inside, but leading out through another link (`a -> b/x`, `b -> /data`).
  return isInside(real, walk.realRoot) ? entry : outside();
}

async function isFile(fs: TreeFs, path: string): Promise<boolean> {
  try {
    return (await fs.lstat(path)).isFile();
  } catch {
    return false;
  }
}

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
