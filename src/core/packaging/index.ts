/**
 * Packaging of a code folder: the file selection, the tree digest, and the opt-in deterministic .tar.gz.
 * The rules are in README.md.
 */
export { PackagingError, type PackagingFailure } from './errors.js';
export { DEFAULT_IGNORE_RULES, type IgnoreSource } from './ignore-rules.js';
export { selectFiles, type Entry, type EntryType, type Selection, type SelectOptions } from './select-files.js';
export type { FileStat, TreeFs } from './tree-fs.js';
export { ARCHIVE_MTIME, packArchive, unpackArchive, type PackedArchive, type PackOptions } from './archive.js';
export {
  DEFAULT_MAX_CODE_SIZE,
  formatSize,
  LARGE_CODE_SIZE,
  checkCodeSize,
  largestEntries,
  parseSize,
  type CodeSizeFinding,
} from './size.js';
export { listSelection, type ListingLine } from './listing.js';
export { CODE_ROOT, codePrefix, hashFile, hashTree, markerKey, readChunks, treeDigest, type CodeTree, type HashOptions, type TreeFile } from './tree-digest.js';
