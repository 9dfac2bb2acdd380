import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { parseConfigText, plainSource, type ConfigSource } from './source.js';

/** Imports a JavaScript config by file URL (CliContext.importFile). */
export type ImportFile = (url: string) => Promise<unknown>;

/** A job config is a page of YAML; anything far bigger is a mistaken path, and parsing it would take minutes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Where cosmiconfig looks, in order, in the working folder and up to the project's root. */
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

/**
 * The job config: the file named by `-f`, else the first cosmiconfig finds from `cwd`.
 * Undefined when there is none (a job given entirely by flags).
 */
export async function findJobConfig(file: string | undefined, cwd: string, importFile: ImportFile): Promise<ConfigSource | undefined> {
  if (file !== undefined) return loadFile(resolve(cwd, file), file, importFile);
  // require(), not import(): cosmiconfig is CommonJS, and the bundled CLI has no module loader for import() (context.ts).
  const { cosmiconfig } = createRequire(import.meta.url)('cosmiconfig') as typeof import('cosmiconfig');
  // The file is parsed again afterwards, keeping lines and scalar text; a file that does not parse still
  // counts as found here, so its syntax error is reported with a position instead of skipped.
  const found = (_path: string, content: string): unknown => {
    if (content.trim() === '') return null;
    if (content.length > MAX_CONFIG_BYTES) return {};
    try {
      return parseYaml(content) as unknown;
    } catch {
      return {};
    }
  };
  const explorer = cosmiconfig('pai-process', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'project',
    loaders: { '.json': found, '.yaml': found, '.yml': found, noExt: found },
  });
  let result;
  try {
    result = await explorer.search(cwd);
  } catch (error) {
    throw new ConfigError(`Could not read a job config while searching ${cwd}`, [{ path: '', message: (error as Error).message }]);
  }
  if (!result) return undefined;
  if (basename(result.filepath) === 'package.json') return packageJsonSource(result.filepath);
  return loadFile(result.filepath, result.filepath, importFile);
}

// --- internal ---

async function loadFile(path: string, shown: string, importFile: ImportFile): Promise<ConfigSource> {
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
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'ELOOP' ? 'a symbolic link loop' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ConfigError(`Could not read the job config ${shown}: ${why}`, [], 'Check the path given to -f, or run `pai-process init` to write a starter config.');
  }
  if (text.trim() === '') throw new ConfigError(`The job config ${shown} is empty`, [], 'Run `pai-process init` to write a starter config.');
  return parseConfigText(text, shown);
}

/**
 * A config file's text, reading at most MAX_CONFIG_BYTES + 1 bytes whatever the file claims: `stat` says 0 for
 * /dev/zero, a pipe or /proc files, and a read to the end would then go on until memory runs out.
 */
export function readCapped(path: string, shown: string): string {
  const buffer = Buffer.allocUnsafe(MAX_CONFIG_BYTES + 1);
  const fd = openSync(path, 'r');
  let length = 0;
  try {
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
  } finally {
    closeSync(fd);
  }
  if (length > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `The job config ${shown} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a job config is at most ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, nothing was submitted`,
      [],
      'Check the path given to -f: it looks like a data file or a device. Large values belong in files the job reads, not in its config.',
    );
  }
  return buffer.toString('utf8', 0, length);
}

/** The `pai-process` key of package.json, with positions that still point into package.json. */
function packageJsonSource(path: string): ConfigSource {
  const whole = parseConfigText(readCapped(path, path), path);
  const data = (whole.data as Record<string, unknown>)['pai-process'];
  return { file: path, data, locate: (p, options) => whole.locate(['pai-process', ...p], options) };
}
