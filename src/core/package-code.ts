import { join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';
import type { NameOf } from './option-names.js';
import { checkCodeSize, DEFAULT_MAX_CODE_SIZE, formatSize, hashTree, packArchive, selectFiles, type Entry, type Selection } from './packaging/index.js';
import type { PackagedCode } from './upload-code.js';

export interface PackageEvents {
  /** Something the user may not expect (a link out of the tree left out, a large archive). */
  warning(message: string): void;
}

/** The most code that goes up (default `DEFAULT_MAX_CODE_SIZE`), and how the caller's user raises it, for the refusal. */
export interface CodeSizeLimit {
  maxBytes?: number | undefined;
  nameOf: NameOf;
}

/** How a local code folder goes up (the job config's `code_upload`). */
export type CodeUploadMode = 'files' | 'archive';

/**
 * A code folder, ready to go up, after the size check (above the limit nothing is read and the refusal names
 * the largest files; above 256 MB a warning does). `files` (the default): every file hashed, nothing
 * compressed or copied; `archive`: one deterministic .tar.gz in `workDir`.
 */
export async function prepareCode(
  dir: string,
  mode: CodeUploadMode,
  workDir: string,
  limit: CodeSizeLimit,
  events?: PackageEvents,
  inputs: Record<string, unknown> = {},
): Promise<PackagedCode & { selection: Selection }> {
  // Files: hashing opens every file at once, and refuses an unreadable one as the walk would (packaging/errors.ts).
  const selection = await selectChecked(dir, limit, events, inputs, mode === 'archive');
  if (mode === 'archive') {
    const archive = await packArchive(selection, join(workDir, 'source.tar.gz'));
    for (const w of archive.warnings) events?.warning(w);
    return {
      kind: 'archive',
      path: archive.path,
      sha256: archive.sha256,
      bytes: archive.bytes,
      fileCount: selection.fileCount,
      totalBytes: selection.totalBytes,
      selection,
    };
  }
  const tree = await hashTree(selection);
  for (const w of tree.warnings) events?.warning(w);
  return { kind: 'files', tree, sha256: tree.digest, bytes: tree.totalBytes, fileCount: tree.fileCount, totalBytes: tree.totalBytes, selection };
}

/** A code folder → one deterministic .tar.gz in `workDir` (the `archive` mode; run --local unpacks it). */
export async function packageCode(
  dir: string,
  workDir: string,
  limit: CodeSizeLimit,
  events?: PackageEvents,
): Promise<PackagedCode & { selection: Selection }> {
  return prepareCode(dir, 'archive', workDir, limit, events);
}

async function selectChecked(
  dir: string,
  limit: CodeSizeLimit,
  events: PackageEvents | undefined,
  inputs: Record<string, unknown>,
  checkReadable = true,
): Promise<Selection> {
  const local = localInputs(inputs);
  const selection = await selectFiles(dir, { inputs: Object.values(local), checkReadable });
  for (const w of selection.warnings) events?.warning(w);
  for (const w of inputWarnings(selection, local)) events?.warning(w);
  const finding = checkCodeSize(selection, limit.maxBytes ?? DEFAULT_MAX_CODE_SIZE);
  const flag = limit.nameOf('max_code_size');
  if (finding?.kind === 'too-large') {
    throw new UsageError(
      `The code folder ${dir} holds ${mb(finding.bytes)}, more than ${flag} (${mb(finding.limit)}); nothing was uploaded. Largest: ${largest(finding.largest)}`,
      `Leave files out with a .paiignore in ${dir} (gitignore syntax), or raise ${flag}.`,
    );
  }
  if (finding?.kind === 'large') {
    events?.warning(
      `The code is large (${mb(finding.bytes)}). Largest: ${largest(finding.largest)}. Leave files out with ${finding.ignoreSource === '.paiignore' ? 'the .paiignore' : 'a .paiignore'} in ${dir}.`,
    );
  }
  return selection;
}

function mb(bytes: number): string {
  return formatSize(bytes);
}

/** The job's inputs that are local paths (not oss://, nas://…, nor a dataset), by channel. */
function localInputs(inputs: Record<string, unknown>): Record<string, string> {
  const local: Record<string, string> = {};
  for (const [channel, loc] of Object.entries(inputs)) if (typeof loc === 'string' && !/^[a-z]+:\/\//i.test(loc)) local[channel] = loc;
  return local;
}

/**
 * What became of local inputs inside the code folder: each would go up twice (in the code and as its input), so
 * it is left out of the code unless `.paiignore` keeps it with a `!` rule. Either way the user is told.
 */
function inputWarnings(selection: Selection, local: Record<string, string>): string[] {
  const channelOf = (rel: string) =>
    Object.entries(local).find(([, loc]) => {
      const r = relative(selection.root, resolve(loc)).split(sep).join('/');
      return r === rel.replace(/\/$/, '');
    })?.[0] ?? rel;
  const out: string[] = [];
  for (const rel of selection.inputsLeftOut) {
    out.push(
      `The input "${channelOf(rel)}" (${rel}) is inside source_dir: it goes up once, as the input (/ml/input/data/${channelOf(rel)}/), and is left out of the code. To keep it in the code too (uploaded twice), add "!${rel}" to a .paiignore in source_dir.`,
    );
  }
  for (const rel of selection.inputsKept) {
    out.push(
      `The input "${channelOf(rel)}" (${rel}) is inside source_dir and the .paiignore keeps it in the code: it is uploaded twice, in the code and as the input.`,
    );
  }
  return out;
}

function largest(entries: readonly Entry[]): string {
  return entries.map((e) => `${e.path} (${mb(e.size)})`).join(', ');
}
