import type { IgnoreSource } from './ignore-rules.js';
import { compareCodePoints, type Entry, type Selection } from './select-files.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** The largest code archive uploaded without `--max-code-size`: generous, it only stops an obvious mistake. */
export const DEFAULT_MAX_CODE_SIZE = 5 * GiB;

/** Above this, the caller warns and names the largest entries: code is usually small, data belongs in inputs. */
export const LARGE_CODE_SIZE = 256 * MiB;

/** KB, MB… are powers of 1000 and KiB, MiB… powers of 1024; a bare K, M, G or T is binary, as in `du` and docker. */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: KiB,
  kb: 1e3,
  kib: KiB,
  m: MiB,
  mb: 1e6,
  mib: MiB,
  g: GiB,
  gb: 1e9,
  gib: GiB,
  t: 1024 * GiB,
  tb: 1e12,
  tib: 1024 * GiB,
};

/**
 * Parses a size such as `500MB`, `2GiB`, `1.5 G` or `1048576` into bytes (rounded down); undefined when the text
 * is not a size. Units are case-insensitive.
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The `n` largest regular files of a selection, largest first (ties by path). */
export function largestEntries(selection: Selection, n: number): Entry[] {
  return selection.files
    .filter((entry) => entry.type === 'file')
    .sort((a, b) => b.size - a.size || compareCodePoints(a.path, b.path))
    .slice(0, Math.max(0, n));
}

/** What the size check found: enough for the caller to word a refusal or a warning. */
export interface CodeSizeFinding {
  readonly kind: 'too-large' | 'large';
  /** The size that was checked: the archive's bytes, or the selection's total when given a selection. */
  readonly bytes: number;
  /** `too-large`: the maximum it exceeds; `large`: LARGE_CODE_SIZE. */
  readonly limit: number;
  /** The largest files (up to 5), when a selection was given. */
  readonly largest: readonly Entry[];
  /** The ignore file to edit: `.paiignore`, or `.gitignore`/`defaults` (then creating a `.paiignore` is the way). */
  readonly ignoreSource: IgnoreSource | undefined;
}

/** How many of the largest files a finding names. */
const NAMED_ENTRIES = 5;

/**
 * Checks code against the maximum: `kind: 'too-large'` (refuse; nothing is uploaded) above `max`, `kind: 'large'`
 * (warn) above LARGE_CODE_SIZE, undefined otherwise. `subject` is a selection (its uncompressed total, known before
 * packing, e.g. for --dry-run) or an archive's byte count; pass the selection too, to have its largest files named.
 */
export function checkCodeSize(
  subject: Selection | number,
  max: number = DEFAULT_MAX_CODE_SIZE,
  selection: Selection | undefined = typeof subject === 'number' ? undefined : subject,
): CodeSizeFinding | undefined {
  const bytes = typeof subject === 'number' ? subject : subject.totalBytes;
  const kind = bytes > max ? 'too-large' : bytes > LARGE_CODE_SIZE ? 'large' : undefined;
  if (!kind) return undefined;
  return {
    kind,
    bytes,
    limit: kind === 'too-large' ? max : LARGE_CODE_SIZE,
    largest: selection ? largestEntries(selection, NAMED_ENTRIES) : [],
    ignoreSource: selection?.ignoreSource,
  };
}

/**
 * A size for messages about code size, in the binary units `--max-code-size` takes: `10 B`, `1.5 KiB`, `2.0 GiB`.
 * Small sizes keep their bytes: a limit of `10B` must not read `0.0 MiB`.
 */
export function formatSize(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  const [unit, size] = bytes < MiB ? ['KiB', KiB] : bytes < GiB ? ['MiB', MiB] : ['GiB', GiB];
  return `${(bytes / size).toFixed(1)} ${unit}`;
}
