import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { FORBIDDEN_KEYS, forbiddenKeyPaths } from './trust.js';

/** One value set on top of the job file (by a flag, for the CLI: src/cli/flags.ts). */
export interface Override {
  /** The config key path it sets: `['image_uri']`, `['parameters', 'lr']`. */
  path: readonly string[];
  value: unknown;
  /** Where the value came from, as the caller names it for messages and origins; core does not read it. */
  origin: string;
}

/** Maps whose values stay the text the user typed (`parameters.lr` set to `1.0` sends "1.0"). */
const TEXT_MAPS = new Set(['parameters', 'environments', 'labels']);

/**
 * A value typed as text for a key path: read as YAML, so numbers, booleans and lists (`[numpy, pandas]`) work,
 * except inside the text-keeping maps, and text that is not YAML stays the text.
 */
export function typedValue(path: readonly string[], raw: string): unknown {
  if (path.length === 2 && TEXT_MAPS.has(path[0]!)) return raw;
  if (raw === '') return '';
  try {
    return parseYaml(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The first segment of a key path, or of a key inside its value, that is `__proto__`, `constructor` or `prototype`
 * (see trust.ts): such a key would change JavaScript objects rather than set a value in the job config.
 */
export function forbiddenSegment(path: readonly string[], value: unknown): string | undefined {
  const inValue = forbiddenKeyPaths(value)[0];
  return [...path, ...(inValue ?? []).map(String)].find((segment) => FORBIDDEN_KEYS.has(segment));
}

/** The message for a forbidden segment, after the override's origin. */
export function forbiddenSegmentMessage(origin: string, segment: string): string {
  return `${origin}: "${segment}" is not allowed as a key; it would change JavaScript objects rather than set a value in the job config`;
}

/**
 * Applies overrides in order onto a copy of the file's data, and records where each value came from.
 * Returns the new data; `origins` gains `dotted.path → origin` for each value set.
 */
export function applyOverrides(data: unknown, overrides: readonly Override[], origins: Map<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = isObject(data) ? structuredClone(data) : {};
  for (const { path, value, origin } of overrides) {
    // A `__proto__` segment would write to a prototype. The CLI refuses one when it reads its flags, in its own
    // words; this guard keeps every other caller safe.
    const bad = forbiddenSegment(path, value);
    if (bad !== undefined) throw new UsageError(forbiddenSegmentMessage(origin, bad), "Use the job config's own keys (`pai-process schema` lists them).");
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
