import { formatPath, type Diagnostic } from '../diagnostics.js';
import type { ConfigSource } from './source.js';

/**
 * A diagnostic for the value at `path`: pointed at the flag that set it when one did, else at its
 * line in the file. Flags win because a flag's value is the one that was checked.
 */
export function diagnosticAt(
  path: readonly (string | number)[],
  message: string,
  source: ConfigSource | undefined,
  origins: ReadonlyMap<string, string>,
  options?: { key?: boolean },
): Diagnostic {
  const diagnostic: Diagnostic = { path: formatPath(path), message };
  const origin = originOf(path, origins);
  if (origin) {
    diagnostic.origin = origin;
  } else if (source) {
    diagnostic.file = source.file;
    const pos = source.locate(path, options);
    if (pos) Object.assign(diagnostic, pos);
  }
  return diagnostic;
}

/** The flag that set this value, or the closest enclosing value, if one did. */
export function originOf(path: readonly (string | number)[], origins: ReadonlyMap<string, string>): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const o = origins.get(path.slice(0, n).join('.'));
    if (o) return o;
  }
  return undefined;
}
