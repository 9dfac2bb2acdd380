import { createRequire } from 'node:module';
import type ignore from 'ignore';

/** Which rules chose the files: the root `.paiignore`, the tree's `.gitignore` files, or the defaults alone. */
export type IgnoreSource = '.paiignore' | '.gitignore' | 'defaults';

/**
 * What is always left out (gitignore syntax, matched at any depth). In `.paiignore` mode a `!` rule there can bring
 * one back; `.gitignore` files cannot, because they were written for git, not for this upload.
 * `.git` has no trailing slash so that the `.git` file of a worktree or submodule goes too.
 * Folders that contain `pyvenv.cfg` (virtualenvs under any name) are left out as well; see `IgnoreRules`.
 */
export const DEFAULT_IGNORE_RULES: readonly string[] = [
  '.git',
  '.hg/',
  '.svn/',
  '.venv/',
  '__pycache__/',
  '*.pyc',
  'node_modules/',
  '.DS_Store',
  '.env',
  '.pai-process/',
  // Credentials and secrets: files that hold keys, tokens or passwords, under the names the usual tools give them.
  // A job rarely needs one, and once uploaded it sits in OSS under the job's prefix. `*.key` is among them: most
  // `.key` files are TLS or SSH private keys; a data file so named comes back with `!name.key` in .paiignore.
  '.env.*',
  '.envrc',
  '.aliyun/',
  '.alibabacloud/',
  '.ssh/',
  '.aws/',
  '.kube/',
  '**/.docker/config.json',
  '.git-credentials',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.pgpass',
  '*.pem',
  '*.p12',
  '*.pfx',
  '*.key',
  '.bash_history',
  '.zsh_history',
  'id_rsa*',
  'id_ed25519*',
  'id_ecdsa*',
  'id_dsa*',
];

type Matcher = ignore.Ignore;

// createRequire rather than import: Node's named-export detection on ignore's CJS file costs ~35 ms of start-up
// for nothing; require() is ~1 ms and returns the same function under node, tsx and vitest.
const makeIgnore = createRequire(import.meta.url)('ignore') as typeof ignore;

/** Case-sensitive, as git is on Linux (where PAI unpacks the code), so that every machine chooses the same files. */
function matcher(): Matcher {
  return makeIgnore({ ignorecase: false });
}

/** The rule lines of an ignore file: no BOM, blank lines or comments (`\#` is an escaped `#`, kept). */
function ruleLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** Escapes the glob characters of a literal folder name, so that `we[ird]` matches only itself. */
function escapeGlob(literal: string): string {
  return literal.replace(/[\\*?[\]]/g, (ch) => `\\${ch}`);
}

/**
 * Rewrites a rule of `<base>/.gitignore` so that it means the same thing from the root: git matches a rule with a
 * slash at its start or middle relative to the file's folder, and any other rule at any depth below that folder.
 * Rebasing lets one `ignore` instance hold every file's rules in order (root first, deeper later), which is how git
 * ranks them: the deepest file that matches decides, and nothing can be re-included inside an excluded folder.
 */
export function rebaseGitignoreRule(rule: string, base: string): string {
  if (base === '') return rule;
  const negative = rule.startsWith('!');
  const body = negative ? rule.slice(1) : rule;
  // Trailing unescaped spaces are not part of the pattern; a trailing slash only says "folders only".
  const core = body.replace(/(?<!\\)\s+$/, '').replace(/\/$/, '');
  if (core === '') return rule; // `/` alone matches nothing, wherever it is
  const anchored = core.includes('/');
  const prefix = `/${base.split('/').map(escapeGlob).join('/')}/`;
  const rebased = anchored ? prefix + body.replace(/^\//, '') : `${prefix}**/${body}`;
  return (negative ? '!' : '') + rebased;
}

/**
 * The ignore decisions for one walk. Paths are relative to the root, posix, and folders end in `/` (the form
 * `ignore` needs). The walker must not descend into an ignored folder, as git does not.
 */
export class IgnoreRules {
  /** `.gitignore` mode: the defaults, kept apart so that no `.gitignore` rule can bring one back. */
  readonly #defaults: Matcher | undefined;
  /** `.paiignore` mode: defaults then the file's rules, in one instance so that its `!` rules win. */
  readonly #combined: Matcher | undefined;
  /** `.paiignore` mode: the file's rules alone, to see whether it brings back a virtualenv by name. */
  readonly #paiOnly: Matcher | undefined;
  /** `.gitignore` mode: every `.gitignore` met so far, rebased to the repository's root (see `#base`). */
  readonly #git: Matcher | undefined;
  /**
   * `.gitignore` mode: where the code folder sits inside its git repository (`examples/app/`), '' when it is the
   * repository's root or in none. Every rule is rebased to the repository's root and every path tested with this
   * in front, so that the ignore files of parent folders apply as git applies them.
   */
  #base = '';
  #gitignoreFiles = 0;

  private constructor(paiignore: string | undefined) {
    if (paiignore === undefined) {
      this.#defaults = matcher().add([...DEFAULT_IGNORE_RULES]);
      this.#git = matcher();
    } else {
      const rules = ruleLines(paiignore);
      this.#combined = matcher()
        .add([...DEFAULT_IGNORE_RULES])
        .add(rules);
      this.#paiOnly = matcher().add(rules);
    }
  }

  /** Rules from the root `.paiignore` (its text), which then is the only ignore file that counts. */
  static fromPaiignore(text: string): IgnoreRules {
    return new IgnoreRules(text);
  }

  /** Rules from the `.gitignore` files met during the walk (see `addGitignore`). */
  static fromGitignores(): IgnoreRules {
    return new IgnoreRules(undefined);
  }

  /** Whether `.gitignore` files are read during the walk. */
  get readsGitignores(): boolean {
    return this.#git !== undefined;
  }

  get source(): IgnoreSource {
    if (this.#combined) return '.paiignore';
    return this.#gitignoreFiles > 0 ? '.gitignore' : 'defaults';
  }

  /**
   * Adds the ignore files of the git repository the code folder is in, from outside the folder: `.git/info/exclude`
   * (`dir` '', lowest precedence, as in git) and the `.gitignore` of each parent folder, the repository's root first.
   * `base` is the code folder's path inside the repository. If these rules would leave out the code folder itself
   * they are dropped (returns false): the user named that folder, and git's view would upload nothing.
   */
  addParentIgnores(base: string, files: readonly { dir: string; text: string; exclude?: boolean }[]): boolean {
    if (!this.#git || base === '' || files.length === 0) return true;
    const parents = matcher();
    for (const f of files) parents.add(ruleLines(f.text).map((rule) => rebaseGitignoreRule(rule, f.dir)));
    if (parents.ignores(`${base}/`)) return false;
    for (const f of files) {
      if (!f.exclude) this.#gitignoreFiles += 1;
      this.#git.add(ruleLines(f.text).map((rule) => rebaseGitignoreRule(rule, f.dir)));
    }
    this.#base = base;
    return true;
  }

  /** Adds the rules of `<dir>/.gitignore` (dir relative to the root, '' for the root). Call before testing its entries. */
  addGitignore(dir: string, text: string): void {
    if (!this.#git) return;
    this.#gitignoreFiles += 1;
    this.#git.add(ruleLines(text).map((rule) => rebaseGitignoreRule(rule, this.#inRepo(dir))));
  }

  /** A path relative to the code folder, as a path relative to the repository's root. */
  #inRepo(path: string): string {
    if (this.#base === '') return path;
    return path === '' ? this.#base : `${this.#base}/${path}`;
  }

  /**
   * Whether the root `.paiignore` names this path with a `!` rule (`!data/`): how a user keeps a local input that
   * lies inside the code folder in the code as well (select-files.ts). `.gitignore` files cannot: they were not
   * written for this upload.
   */
  keepsExplicitly(path: string, kind: { isDirectory: boolean }): boolean {
    return this.#paiOnly?.test(kind.isDirectory ? `${path}/` : path).unignored ?? false;
  }

  /** Whether a path (relative, posix) is left out. `isVirtualenv`: a folder that holds `pyvenv.cfg`. */
  ignores(path: string, kind: { isDirectory: boolean; isVirtualenv?: boolean }): boolean {
    const key = kind.isDirectory ? `${path}/` : path;
    if (this.#combined && this.#paiOnly) {
      if (this.#combined.ignores(key)) return true;
      // A virtualenv under any name is a default too; only an explicit `!name/` in .paiignore keeps it.
      return kind.isVirtualenv === true && !this.#paiOnly.test(key).unignored;
    }
    if (this.#defaults?.ignores(key) || kind.isVirtualenv === true) return true;
    return this.#git?.ignores(this.#inRepo(key)) ?? false;
  }
}
