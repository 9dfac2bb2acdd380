import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { ConfigError } from '../errors.js';
import type { Job } from '../job.js';
import { findJobConfig, SEARCH_PLACES, WORKING_FOLDER_PLACES, type ImportFile, type JobConfigLookup } from './find.js';
import { interpolate, type Env } from './interpolate.js';
import { diagnosticAt } from './locate.js';
import { applyOverrides, type Override } from './overrides.js';
import { resolveJob, type Problem } from './resolve-job.js';
import { describeScope } from './search-scope.js';
import type { ConfigSource } from './source.js';
import { forbiddenKeyMessage, forbiddenKeyPaths, unsafeNumbers } from './trust.js';
import { validateShape } from './validate.js';

export interface LoadJobInput {
  /** `-f FILE`, relative to cwd; without it the config is searched for from cwd (find.ts). */
  file: string | undefined;
  cwd: string;
  /** The search for a config never goes above it. */
  homedir: string | undefined;
  env: Env;
  overrides: readonly Override[];
  importFile: ImportFile;
  /** Told of files the search passed over (a JavaScript config not run, a file someone else could write). */
  warn?: (message: string) => void;
  /** The command the hint of a rejected config names to check it again (default `pai-process validate`). */
  checkCommand?: string;
}

export interface LoadedJob {
  job: Job;
  /** The config file, when there is one. */
  file: string | undefined;
  /** True when the config file was found by search, not named with -f. */
  discovered: boolean;
  /** Where each value came from, for `validate` and `--dry-run`: `job.yaml:3`, `--image` or `default`. */
  originOf(key: string): string;
}

/**
 * Flags + file → a validated Job, or a ConfigError listing every problem, each with its key path and
 * its line (or the flag that set it). Nothing downstream runs on a config that has a problem.
 */
export async function loadJob(input: LoadJobInput): Promise<LoadedJob> {
  const lookup = await findJobConfig({ file: input.file, cwd: input.cwd, homedir: input.homedir, importFile: input.importFile });
  const { source } = lookup;
  const warnSkipped = () => {
    for (const s of lookup.skipped) input.warn?.(s.message);
  };
  // Without a config the passed-over files are part of the "no job config" error instead.
  if (source) warnSkipped();
  const baseDir = source?.file ? dirname(resolve(input.cwd, source.file)) : input.cwd;
  const diagnostics: Diagnostic[] = [];
  const origins = new Map<string, string>();

  if (source && (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data))) {
    throw new ConfigError(
      `${source.file ?? 'The job config'} must be a mapping of keys (image_uri: ..., command: ...)`,
      [],
      'Run `pai-process init` to see a starter config.',
    );
  }
  // Before any copy: copying `__proto__` as a key would already set a prototype (interpolate builds new objects).
  const forbidden = source ? forbiddenKeyPaths(source.data) : [];
  if (forbidden.length > 0) {
    const found = forbidden.map((path) => diagnosticAt(path, forbiddenKeyMessage(String(path[path.length - 1])), source, origins, { key: true }));
    throw new ConfigError(
      `${source?.file ?? 'The job config'} uses a key that is not allowed; nothing was submitted`,
      found,
      'Remove or rename the key; `pai-process schema` lists the keys a job config has.',
    );
  }
  const interpolationProblems: Problem[] = [];
  const fromFile = source ? interpolate(source.data, input.env, interpolationProblems) : {};
  diagnostics.push(...interpolationProblems.map((p) => diagnosticAt(p.path, p.message, source, origins)));

  const data = applyOverrides(fromFile, input.overrides, origins);
  const shapeProblems = validateShape(data, source, origins);
  diagnostics.push(...shapeProblems.map((p) => p.diagnostic));
  const numberProblems = unsafeNumbers(data).filter((n) => !shapeProblems.some((p) => related(p.segments, n.path)));
  diagnostics.push(...numberProblems.map((p) => diagnosticAt(p.path, p.message, source, origins)));

  // Semantic checks run on the values the schema accepted, so each bad value is reported once.
  const broken = [...interpolationProblems.map((p) => p.path), ...shapeProblems.map((p) => p.segments), ...numberProblems.map((p) => p.path)];
  const { job, problems } = resolveJob(withoutPaths(data, broken), baseDir, { home: input.env['HOME'] });
  for (const p of problems) {
    if (!broken.some((b) => related(b, p.path))) diagnostics.push(diagnosticAt(p.path, p.message, source, origins));
  }

  if (!source && lookup.scope && diagnostics.length > 0) throw noJobConfig(lookup, input.overrides.length > 0 ? sortByLine(diagnostics) : []);
  if (!source) warnSkipped();
  if (diagnostics.length > 0) {
    const where = source?.file ?? 'The job';
    const count = diagnostics.length === 1 ? 'a problem' : `${diagnostics.length} problems`;
    throw new ConfigError(
      `${where} has ${count}; nothing was submitted`,
      sortByLine(diagnostics),
      `Fix each one and run \`${input.checkCommand ?? 'pai-process validate'}\` to check again.`,
    );
  }
  return { job, file: source?.file, discovered: lookup.discovered && source !== undefined, originOf: (key) => describeOrigin(key, source, origins) };
}

// --- internal ---

/**
 * No config was found and flags alone are not a job: say so, where the search looked and for what, what it passed
 * over, and how to make or name one. The keys flags left out are listed only when flags were given, since without
 * any they say nothing the first line does not.
 */
function noJobConfig(lookup: JobConfigLookup, missing: Diagnostic[]): ConfigError {
  const names = SEARCH_PLACES.filter((n) => n !== 'package.json' && !n.endsWith('.js') && !n.endsWith('.mjs'));
  const details: Diagnostic[] = [
    { path: '', message: describeScope(lookup.scope!) },
    { path: '', message: `for ${names.join(', ')}, the "pai-process" key of package.json, then ${WORKING_FOLDER_PLACES.join(' or ')} in the working folder` },
    ...lookup.skipped.map((s): Diagnostic => ({ path: '', message: s.message })),
    ...missing,
  ];
  return new ConfigError(
    'No job config found; nothing was submitted',
    details,
    'Run `pai-process init` to write a starter config here, or name one with -f FILE (as in `pai-process run -f jobs/train.yaml`).',
  );
}

/** A copy of data without the values at these paths. */
function withoutPaths(data: Record<string, unknown>, paths: readonly (string | number)[][]): Record<string, unknown> {
  const copy = structuredClone(data);
  for (const path of paths) {
    let node: unknown = copy;
    for (const seg of path.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    if (node && typeof node === 'object' && path.length > 0) delete (node as Record<string | number, unknown>)[path[path.length - 1]!];
  }
  return copy;
}

/** One path is the other or lies inside it. */
function related(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

function describeOrigin(key: string, source: ConfigSource | undefined, origins: ReadonlyMap<string, string>): string {
  const flag = origins.get(key);
  if (flag) return flag;
  const segments = key.split('.');
  if (!source || !hasPath(source.data, segments)) return 'default';
  // A JavaScript config has no lines to point at; the file still is where the value came from.
  const pos = source.locate(segments, { key: true });
  const file = source.file ?? 'the job config';
  return pos ? `${file}:${pos.line}` : file;
}

function hasPath(data: unknown, segments: string[]): boolean {
  let node = data;
  for (const s of segments) {
    if (!node || typeof node !== 'object' || !(s in node)) return false;
    node = (node as Record<string, unknown>)[s];
  }
  return true;
}

/** File order reads best; diagnostics without a line (flags, whole-file) keep their order at the end. */
function sortByLine(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.line ?? Infinity) - (b.d.line ?? Infinity) || a.i - b.i)
    .map(({ d }) => d);
}
