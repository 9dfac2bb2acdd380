import type { Problem } from './resolve-job.js';

/**
 * Keys no job config has and that JavaScript gives a meaning: assigning `__proto__` replaces an object's
 * prototype, and `constructor.prototype` reaches every object's. A config that names one is refused, at any
 * depth, before any of its values is copied; no key of the schema or of a user's map needs these names.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The largest integer a JSON number carries exactly; past it `1e+23` would be sent instead of what was written. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The paths of every forbidden key in a parsed config (own keys only, as the parser made them). */
export function forbiddenKeyPaths(data: unknown, path: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [];
  if (Array.isArray(data)) {
    data.forEach((v, i) => {
      found.push(...forbiddenKeyPaths(v, [...path, i]));
    });
  } else if (data !== null && typeof data === 'object') {
    for (const key of Object.keys(data)) {
      if (FORBIDDEN_KEYS.has(key)) found.push([...path, key]);
      else found.push(...forbiddenKeyPaths((data as Record<string, unknown>)[key], [...path, key]));
    }
  }
  return found;
}

/** The message for a forbidden key. */
export function forbiddenKeyMessage(key: string): string {
  return `"${key}" is not allowed as a key: it would change JavaScript objects rather than set a value`;
}

/**
 * Numbers that cannot reach the service as written: integers beyond 2^53 − 1 (JSON would carry them rounded, as
 * 1e+23) and infinities or NaN (YAML's .inf and .nan). Text-keeping maps hold strings already and are not affected.
 */
export function unsafeNumbers(data: unknown, path: (string | number)[] = []): Problem[] {
  if (typeof data === 'number') {
    if (!Number.isFinite(data)) return [{ path, message: `must be a finite number, not ${String(data)}` }];
    if (Number.isInteger(data) && !Number.isSafeInteger(data)) {
      return [
        {
          path,
          message: `is ${String(data)}, beyond the largest integer that is sent exactly (${MAX_SAFE}); a value this large is a mistake, or an id to write as a string in quotes`,
        },
      ];
    }
    return [];
  }
  if (typeof data === 'bigint') return [{ path, message: 'must be a number or a string, not a BigInt' }];
  if (Array.isArray(data)) return data.flatMap((v, i) => unsafeNumbers(v, [...path, i]));
  if (data !== null && typeof data === 'object') {
    return Object.entries(data).flatMap(([k, v]) => unsafeNumbers(v, [...path, k]));
  }
  return [];
}
