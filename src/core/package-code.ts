import { join } from 'node:path';
import { UsageError } from './errors.js';
import { checkCodeSize, DEFAULT_MAX_CODE_SIZE, packArchive, selectFiles, type Entry, type Selection } from './packaging/index.js';
import type { PackagedCode } from './submit.js';

export interface PackageEvents {
  /** Something the user may not expect (a link out of the tree left out, a large archive). */
  warning(message: string): void;
}

/**
 * A code folder → one deterministic .tar.gz in `workDir`, after the size check: above `maxBytes` nothing is
 * packaged and the refusal names the largest files; above 256 MB a warning does.
 */
export async function packageCode(dir: string, workDir: string, maxBytes: number = DEFAULT_MAX_CODE_SIZE, events?: PackageEvents): Promise<PackagedCode & { selection: Selection }> {
  const selection = await selectFiles(dir);
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
  const archive = await packArchive(selection, join(workDir, 'source.tar.gz'));
  return { path: archive.path, sha256: archive.sha256, bytes: archive.bytes, fileCount: selection.fileCount, totalBytes: selection.totalBytes, selection };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function largest(entries: readonly Entry[]): string {
  return entries.map((e) => `${e.path} (${mb(e.size)})`).join(', ');
}
