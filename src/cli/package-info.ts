import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  /** The folder of pai-process's package.json (where bin/, schema/ and dist/ are). */
  root: string;
  version: string;
}

let cached: PackageInfo | undefined;

/**
 * The package's root and version. Found by walking up from this module, because the module runs at different depths:
 * from src/ under tsx, from dist/ as compiled, and from dist/bundle/ as bundled.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = readPackageJson(join(dir, 'package.json'));
    if (pkg?.name === 'pai-process' && typeof pkg.version === 'string') return (cached = { root: dir, version: pkg.version });
    if (dirname(dir) === dir) throw new Error(`pai-process's package.json was not found above ${start}`);
  }
}

function readPackageJson(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
