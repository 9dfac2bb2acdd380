/**
 * The text a list or map hyperparameter reaches the job as. Every hyperparameter is a string on the wire
 * (HyperParameters[{Name, Value}]); the PAI SDK sends `str(value)`, Python's repr, which for `{"a": 1}` or
 * `["x"]` is `{'a': 1}` / `['x']`: not JSON, so a script cannot `json.loads` it. pai-process writes JSON with
 * the separators of Python's `json.dumps` (`", "` and `": "`), so a list of numbers reads exactly as the SDK
 * sends it (`[64, 32]`) and anything else parses with `json.loads` (docs/config.md, "Values").
 */
export function structuredText(value: unknown, numberText: (n: number) => string = String): string {
  if (Array.isArray(value)) return `[${value.map((v) => structuredText(v, numberText)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${structuredText(v, numberText)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'number') return numberText(value);
  // A Date (YAML timestamps are not parsed as such here) or anything else that JSON writes as it likes.
  return JSON.stringify(value ?? null);
}

/** Whether a piece of YAML source text is a JSON number, so that `1.0` inside a list keeps its text. */
export function isJsonNumber(text: string): boolean {
  return /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text);
}
