import type { EntryType, Selection } from './select-files.js';

/** One line of the `--dry-run --verbose` listing. */
export interface ListingLine {
  readonly path: string;
  readonly type: EntryType;
  /** Content bytes (0 for folders and links). */
  readonly size: number;
  /** Permission bits as unpacked, e.g. 0o644. */
  readonly mode: number;
  /** A link's target. */
  readonly target?: string;
}

/**
 * What the archive will hold, in archive order (sorted by path), for the caller to print. Folders are included
 * (they are entries, empty ones too) and marked by `type`.
 */
export function listSelection(selection: Selection): ListingLine[] {
  return selection.files.map(({ path, type, size, mode, target }) => (target === undefined ? { path, type, size, mode } : { path, type, size, mode, target }));
}
