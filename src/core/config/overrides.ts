import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { FORBIDDEN_KEYS, forbiddenKeyPaths } from './trust.js';

/** One value set from the command line, applied on top of the job file. */
export interface Override {
  path: readonly string[];
  value: unknown;
  /** How the user wrote it, for messages: `--image`, `--param lr`, `--set spot_spec.spot_strategy`. */
  origin: string;
}

/** Maps whose values stay the text the user typed (`--set parameters.lr=1.0` sends "1.0"). */
const TEXT_MAPS = new Set(['parameters', 'environments', 'labels']);

/** Flags that set one top-level key, and the key each sets. */
export const SCALAR_FLAGS = {
  image: 'image_uri',
  command: 'command',
  sourceDir: 'source_dir',
  instanceType: 'instance_type',
  instanceCount: 'instance_count',
  name: 'base_job_name',
  maxRunTime: 'max_run_time',
} as const;

/** Repeatable `k=v` flags and the map each fills. */
export const MAP_FLAGS = {
  param: 'parameters',
  env: 'environments',
  input: 'inputs',
  output: 'outputs',
  label: 'labels',
} as const;

/** Splits `key=value` at the first `=`; the value may itself contain `=`. */
export function splitAssignment(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new UsageError(`${flag} expects KEY=VALUE, got "${text}"`, `For example: ${flag} ${flag === '--set' ? 'spot_spec.spot_strategy=SpotAsPriceGo' : 'name=value'}`);
  }
  return [text.slice(0, at), text.slice(at + 1)];
}

/**
 * `--set dotted.key=value`: the value is read as YAML, so numbers, booleans and lists
 * (`--set requirements='[numpy, pandas]'`) work, except inside text-keeping maps.
 */
export function parseSetFlag(text: string): Override {
  const [key, raw] = splitAssignment(text, '--set');
  const path = key.split('.');
  if (path.some((p) => p === '')) {
    throw new UsageError(`--set ${text}: "${key}" is not a dotted key path`, 'For example: --set spot_spec.spot_strategy=SpotAsPriceGo');
  }
  refuseForbiddenSegments(path, `--set ${text}`);
  let value: unknown = raw;
  if (!(path.length === 2 && TEXT_MAPS.has(path[0]!))) {
    try {
      value = raw === '' ? '' : (parseYaml(raw) as unknown);
    } catch {
      value = raw;
    }
  }
  return { path, value, origin: `--set ${key}` };
}

/** A flag's text as the type its key expects, so `--instance-count 2` is the number 2. */
export function scalarFlagValue(key: string, raw: string): unknown {
  if ((key === 'instance_count' || key === 'max_run_time') && /^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * Applies overrides in order onto a copy of the file's data, and records where each value came from.
 * Returns the new data; `origins` gains `dotted.path → origin` for each value set.
 */
export function applyOverrides(data: unknown, overrides: readonly Override[], origins: Map<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = isObject(data) ? structuredClone(data) : {};
  for (const { path, value, origin } of overrides) {
    // Every flag comes here (--set, --env NAME=…, --param…): a `__proto__` segment would write to a prototype.
    refuseForbiddenSegments(path, origin);
    const inValue = forbiddenKeyPaths(value)[0];
    if (inValue) refuseForbiddenSegments(inValue.map(String), origin);
    let node = root;
    for (const seg of path.slice(0, -1)) {
      const next = node[seg];
      if (!isObject(next)) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
    origins.set(path.join('.'), origin);
  }
  return root;
}

/** Refuses a key path with `__proto__`, `constructor` or `prototype` in it (see trust.ts). */
function refuseForbiddenSegments(path: readonly string[], shown: string): void {
  const bad = path.find((segment) => FORBIDDEN_KEYS.has(segment));
  if (bad === undefined) return;
  throw new UsageError(
    `${shown}: "${bad}" is not allowed as a key; it would change JavaScript objects rather than set a value in the job config`,
    'Use the job config\'s own keys (`pai-process schema` lists them), for example: --set spot_spec.spot_strategy=SpotAsPriceGo',
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
