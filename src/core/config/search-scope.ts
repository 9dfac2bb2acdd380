import { lstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { untrustedReason, type Identity } from './ownership.js';

/** What marks a project's root folder: the search for a job config goes up to it and never past it. */
export const ROOT_MARKERS = ['.git', 'package.json'] as const;

/** The folders a search for a job config looks in, and why it stops where it does. */
export interface SearchScope {
  /** The working folder first, then its parents up to the project's root (only the working folder without one). */
  folders: string[];
  /** The project's root and what marks it, when the working folder is inside one. */
  root?: { dir: string; marker: string };
  /** Why the parents were not searched, when they were not. */
  why?: string;
}

/**
 * The folders to search from `cwd`: up to the nearest folder with `.git` or `package.json` (the project's root),
 * never above the home folder. Without a project root the search stays in the working folder: walking on to `/`
 * would read files that any user of a shared parent (`/tmp`, `/home`, a team share) could have put there. A marker
 * that someone else owns ends the walk too, without extending the search: someone else's `/tmp/.git` does not make
 * `/tmp` the user's project.
 */
export function searchScope(cwd: string, homedir: string | undefined, me: Identity | undefined): SearchScope {
  const start = resolve(cwd);
  const home = homedir ? resolve(homedir) : undefined;
  const folders: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    folders.push(dir);
    for (const marker of ROOT_MARKERS) {
      const owner = markerOwner(join(dir, marker));
      if (owner === undefined) continue;
      const reason = untrustedReason({ ...owner, mode: 0 }, me);
      if (reason) return { folders: [start], why: `${join(dir, marker)} would mark a project's root, but ${reason}` };
      return { folders, root: { dir, marker } };
    }
    if (dir === home)
      return { folders: [start], why: `no folder from it up to your home folder ${home} has .git or package.json, which mark a project's root` };
    if (dirname(dir) === dir) return { folders: [start], why: `no folder from it up to ${dir} has .git or package.json, which mark a project's root` };
  }
}

/** One line for messages: where the search looked (`looked in ...`). */
export function describeScope(scope: SearchScope): string {
  const cwd = scope.folders[0]!;
  if (scope.root) {
    if (scope.root.dir === cwd) return `looked in ${cwd}, the project's root (it has ${scope.root.marker})`;
    return `looked in ${cwd} and its parents up to ${scope.root.dir}, the project's root (it has ${scope.root.marker})`;
  }
  return `looked in ${cwd} only: ${scope.why ?? "it is not inside a project's root"}`;
}

// --- internal ---

/** The owner of a marker (the link itself, not what it points to), or undefined when there is none. */
function markerOwner(path: string): { uid: number; gid: number } | undefined {
  try {
    const stats = lstatSync(path);
    return { uid: stats.uid, gid: stats.gid };
  } catch {
    return undefined;
  }
}
