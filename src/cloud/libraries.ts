import { createRequire } from 'node:module';
import type { LibraryName, LoadLibrary } from '../core/ports/libraries.js';

export type { LibraryName, LoadLibrary };

/** The library from `load` when given, else the installed package. */
export function requireLibrary(name: LibraryName, load?: LoadLibrary): unknown {
  // createRequire: the packages are CommonJS; this gives the same exports under node, tsx and vitest.
  return load ? load(name) : createRequire(import.meta.url)(name);
}
