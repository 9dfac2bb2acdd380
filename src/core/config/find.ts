import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { currentIdentity, untrustedReason, type Identity } from './ownership.js';
import { searchScope, type SearchScope } from './search-scope.js';
import { parseConfigText, plainSource, type ConfigSource } from './source.js';

/** Imports a JavaScript config by file URL (CliContext.importFile). */
export type ImportFile = (url: string) => Promise<unknown>;

/** A job config is a page of YAML; anything far bigger is a mistaken path, and parsing it would take minutes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Where the search looks, in order, in each folder from the working folder up to the project's root. */
export const SEARCH_PLACES = [
  'package.json',
  '.pai-processrc',
  '.pai-processrc.json',
  '.pai-processrc.yaml',
  '.pai-processrc.yml',
  'pai-process.config.json',
  'pai-process.config.yaml',
  'pai-process.config.yml',
  'pai-process.config.js',
  'pai-process.config.mjs',
];

/** Looked for last, in the working folder only: the name the README's examples use. */
export const WORKING_FOLDER_PLACES = ['job.yaml', 'job.yml'];

export interface FindOptions {
  /** `-f FILE`, relative to cwd; without it the config is searched for. */
  file: string | undefined;
  cwd: string;
  /** The search never goes above it. */
  homedir: string | undefined;
  importFile: ImportFile;
  /** Whose files are trusted; by default this process's user. */
  identity?: Identity | undefined;
}

/** A file the search met and did not use, and a sentence that says why and what to do. */
export interface Skipped {
  file: string;
  message: string;
}

export interface JobConfigLookup {
  /** The job config, when there is one (none: a job given entirely by flags). */
  source: ConfigSource | undefined;
  /** True when the search found it; false when `-f` named it. */
  discovered: boolean;
  /** Files found by the search and passed over, each with the reason, for a warning. */
  skipped: Skipped[];
  /** Where the search looked; undefined with `-f`. */
  scope: SearchScope | undefined;
}

/**
 * The job config: the file named by `-f`, else the first trusted file the search finds (SEARCH_PLACES in each
 * folder of searchScope(), then WORKING_FOLDER_PLACES in the working folder). A found file is opened once, checked
 * (owner, mode, kind) on the open descriptor, read up to MAX_CONFIG_BYTES from it and parsed once. A JavaScript
 * config is run only when `-f` names it: a found one is reported, never imported, since importing runs its code
 * with the user's credentials in its environment.
 *
 * Not cosmiconfig's search: it reads every candidate whole before a loader sees it (no byte cap: a 3 GiB file is
 * read to the end, a pipe waited on), by path (the file checked could differ from the file read), and it merges
 * files that a found config names with `$import`. What is left is ten names in a few folders.
 */
export async function findJobConfig(options: FindOptions): Promise<JobConfigLookup> {
  const { file, cwd, importFile } = options;
  if (file !== undefined) return { source: await loadNamed(resolve(cwd, file), file, importFile), discovered: false, skipped: [], scope: undefined };
  const me = 'identity' in options ? options.identity : currentIdentity();
  const scope = searchScope(cwd, options.homedir, me);
  const skipped: Skipped[] = [];
  const candidates = [
    ...scope.folders.flatMap((dir) => SEARCH_PLACES.map((name) => join(dir, name))),
    ...WORKING_FOLDER_PLACES.map((name) => join(scope.folders[0]!, name)),
  ];
  for (const path of candidates) {
    const source = readCandidate(path, cwd, me, skipped);
    if (source) return { source, discovered: true, skipped, scope };
  }
  return { source: undefined, discovered: true, skipped, scope };
}

/**
 * A config file's text, reading at most MAX_CONFIG_BYTES + 1 bytes whatever the file claims: `stat` says 0 for
 * /dev/zero, a pipe or /proc files, and a read to the end would then go on until memory runs out.
 */
export function readCapped(path: string, shown: string): string {
  const fd = openSync(path, 'r');
  try {
    return readCappedFd(fd, shown, 'Check the path given to -f: it looks like a data file or a device.');
  } finally {
    closeSync(fd);
  }
}

// --- internal ---

async function loadNamed(path: string, shown: string, importFile: ImportFile): Promise<ConfigSource> {
  const ext = extname(path).toLowerCase();
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    try {
      const mod = (await importFile(pathToFileURL(path).href)) as { default?: unknown };
      return plainSource(mod.default, shown);
    } catch (error) {
      throw new ConfigError(`Could not load ${shown}`, [{ path: '', file: shown, message: (error as Error).message }]);
    }
  }
  let text: string;
  try {
    text = readCapped(path, shown);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : code === 'ELOOP'
            ? 'a symbolic link loop'
            : code === 'EACCES'
              ? 'permission denied'
              : (error as Error).message;
    throw new ConfigError(
      `Could not read the job config ${shown}: ${why}`,
      [],
      'Check the path given to -f, or run `pai-process init` to write a starter config.',
    );
  }
  if (text.trim() === '') throw new ConfigError(`The job config ${shown} is empty`, [], 'Run `pai-process init` to write a starter config.');
  return parseConfigText(text, shown);
}

/**
 * One search place: undefined when it is absent, empty, skipped (recorded in `skipped`) or a package.json without
 * a `pai-process` key; else the parsed config. A file too big or with a syntax error is an error, as with `-f`.
 */
function readCandidate(path: string, cwd: string, me: Identity | undefined, skipped: Skipped[]): ConfigSource | undefined {
  const shown = relative(cwd, path) || path;
  const skip = (reason: string): undefined => void skipped.push({ file: path, message: `Ignored ${shown}: ${reason}` });
  const distrust = (reason: string): undefined =>
    void skipped.push({
      file: path,
      message: `Ignored ${shown}: ${reason}; a job config must be yours and writable only by you (chown, chmod go-w), or named with -f`,
    });
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : skip(`it could not be read (${code ?? (error as Error).message})`);
  }
  // A link planted by someone else could point at a file of the user's that is no config (a key, a token), whose
  // lines a syntax error would then print.
  if (link.isSymbolicLink()) {
    const reason = untrustedReason(link, me);
    if (reason) return distrust(`it is a symbolic link and ${reason}`);
  } else if (link.isDirectory()) {
    return undefined;
  }
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'EISDIR' ? undefined : skip(`it could not be read (${code ?? (error as Error).message})`);
  }
  try {
    // Checked on the open descriptor, so the file checked is the file read.
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return undefined;
    // The name must still be the entry that was checked: a file swapped for a link (or a link for another) between
    // the lstat and the open would otherwise be read on the strength of the first entry's checks.
    if (!sameEntry(link, path) || (!link.isSymbolicLink() && (stats.ino !== link.ino || stats.dev !== link.dev))) {
      return skip('it changed while it was being read');
    }
    if (!stats.isFile()) return skip('it is not a regular file');
    const reason = untrustedReason(stats, me);
    if (reason) return distrust(reason);
    const ext = extname(path).toLowerCase();
    if (ext === '.js' || ext === '.mjs') {
      skipped.push({
        file: path,
        message: `Found ${shown} and did not run it: a JavaScript config runs only when named with -f, as in \`pai-process run -f ${shown}\``,
      });
      return undefined;
    }
    const text = readCappedFd(fd, path, 'It was found by search as a job config: move or rename it, or name the right file with -f FILE.');
    if (text.trim() === '') return undefined;
    if (basename(path) === 'package.json') return packageJsonSource(text, path);
    return parseConfigText(text, path);
  } finally {
    closeSync(fd);
  }
}

function sameEntry(before: { ino: number; dev: number }, path: string): boolean {
  try {
    const now = lstatSync(path);
    return now.ino === before.ino && now.dev === before.dev;
  } catch {
    return false;
  }
}

function readCappedFd(fd: number, shown: string, hint: string): string {
  const buffer = Buffer.allocUnsafe(MAX_CONFIG_BYTES + 1);
  let length = 0;
  while (length < buffer.length) {
    const n = readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) break;
    length += n;
  }
  if (length > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `The job config ${shown} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a job config is at most ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, nothing was submitted`,
      [],
      `${hint} Large values belong in files the job reads, not in its config.`,
    );
  }
  return buffer.toString('utf8', 0, length);
}

/**
 * The `pai-process` key of package.json, with positions that still point into package.json; undefined when it has
 * no such key, or does not parse (it is another tool's file first: its syntax is not ours to report).
 */
function packageJsonSource(text: string, path: string): ConfigSource | undefined {
  let whole: ConfigSource;
  try {
    whole = parseConfigText(text, path);
  } catch {
    return undefined;
  }
  const data = whole.data && typeof whole.data === 'object' ? (whole.data as Record<string, unknown>)['pai-process'] : undefined;
  if (data === undefined) return undefined;
  return { file: path, data, locate: (p, options) => whole.locate(['pai-process', ...p], options) };
}
