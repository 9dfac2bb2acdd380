import { join } from 'node:path';
import { UsageError } from './errors.js';
import { checkCodeSize, DEFAULT_MAX_CODE_SIZE, hashTree, packArchive, selectFiles, type Entry, type Selection } from './packaging/index.js';
import type { PackagedCode } from './upload-code.js';

export interface PackageEvents {
  /** Something the user may not expect (a link out of the tree left out, a large archive). */
  warning(message: string): void;
}

/** How a local code folder goes up (the job config's `code_upload`). */
export type CodeUploadMode = 'files' | 'archive';

/**
 * A code folder, ready to go up, after the size check (above `maxBytes` nothing is read and the refusal names
 * the largest files; above 256 MB a warning does). `files` (the default): every file hashed, nothing
 * compressed or copied; `archive`: one deterministic .tar.gz in `workDir`.
 */
export async function prepareCode(dir: string, mode: CodeUploadMode, workDir: string, maxBytes: number = DEFAULT_MAX_CODE_SIZE, events?: PackageEvents): Promise<PackagedCode & { selection: Selection }> {
  // Files: hashing opens every file at once, and refuses an unreadable one as the walk would (packaging/errors.ts).
  const selection = await selectChecked(dir, maxBytes, events, mode === 'archive');
  if (mode === 'archive') {
    const archive = await packArchive(selection, join(workDir, 'source.tar.gz'));
    for (const w of archive.warnings) events?.warning(w);
    return { kind: 'archive', path: archive.path, sha256: archive.sha256, bytes: archive.bytes, fileCount: selection.fileCount, totalBytes: selection.totalBytes, selection };
  }
  const tree = await hashTree(selection);
  for (const w of tree.warnings) events?.warning(w);
  return { kind: 'files', tree, sha256: tree.digest, bytes: tree.totalBytes, fileCount: tree.fileCount, totalBytes: tree.totalBytes, selection };
}

/** A code folder → one deterministic .tar.gz in `workDir` (the `archive` mode; run --local unpacks it). */
export async function packageCode(dir: string, workDir: string, maxBytes: number = DEFAULT_MAX_CODE_SIZE, events?: PackageEvents): Promise<PackagedCode & { selection: Selection }> {
  return prepareCode(dir, 'archive', workDir, maxBytes, events);
}

async function selectChecked(dir: string, maxBytes: number, events: PackageEvents | undefined, checkReadable = true): Promise<Selection> {
  const selection = await selectFiles(dir, { checkReadable });
  for (const w of selection.warnings) events?.warning(w);
  const finding = checkCodeSize(selection, maxBytes);
  if (finding?.kind === 'too-large') {
    throw new UsageError(
      `The code folder ${dir} holds ${mb(finding.bytes)}, more than --max-code-size (${mb(finding.limit)}); nothing was uploaded. Largest: ${largest(finding.largest)}`,
      `Leave files out with a .paiignore in ${dir} (gitignore syntax), or raise --max-code-size.`,
    );
  }
  if (finding?.kind === 'large') {
    events?.warning(`The code is large (${mb(finding.bytes)}). Largest: ${largest(finding.largest)}. Leave files out with ${finding.ignoreSource === '.paiignore' ? 'the .paiignore' : 'a .paiignore'} in ${dir}.`);
  }
  return selection;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function largest(entries: readonly Entry[]): string {
  return entries.map((e) => `${e.path} (${mb(e.size)})`).join(', ');
}
