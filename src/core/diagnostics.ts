/** One problem found in a job config or session, located as precisely as we can. */
export interface Diagnostic {
  /** Dotted key path such as `spot_spec.spot_strategy` or `inputs.train`; empty for the whole file. */
  path: string;
  message: string;
  /** The flag that set the value, when one did (`--set instance_count`). */
  origin?: string;
  /** Where the value (or its key) sits, when the config came from a YAML or JSON file. */
  file?: string;
  line?: number;
  /** The source lines around a syntax error, with a caret under the column. */
  frame?: string;
  column?: number;
}

/** Formats a path from its segments: `['inputs', 'my data']` → `inputs["my data"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The closest candidate to `word` when it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Allow about one edit per three characters: `imag_uri` → `image_uri`, but not `foo` → `job_type`.
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

// --- internal ---

/** Damerau-Levenshtein (optimal string alignment), so a swapped pair of letters counts as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[rows - 1]![cols - 1]!;
}
