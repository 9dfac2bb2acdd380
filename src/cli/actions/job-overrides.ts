import { forbiddenSegment, forbiddenSegmentMessage, type Override, typedValue } from '../../core/config/overrides.js';
import { UsageError } from '../../core/errors.js';
import { JOB, LOCAL, SET, SET_EXAMPLE } from '../flags.js';

/** What commander hands an action for the job flags: strings for scalars, lists for repeatables. */
export type JobFlagValues = { file?: string; local?: boolean } & Readonly<Record<string, unknown>>;

/**
 * The job flags as overrides, in a fixed order: dedicated flags first, then `--set`, which can set anything, then
 * `--local`. Each carries the key path it sets and, as its origin, the flag as the user wrote it (`--param lr`).
 */
export function jobOverrides(opts: JobFlagValues): Override[] {
  const out: Override[] = [];
  for (const flag of JOB) {
    if (flag.kind !== 'scalar') continue;
    const raw = opts[flag.attribute];
    if (typeof raw !== 'string') continue;
    const value = flag.numeric && /^\d+$/.test(raw) ? Number(raw) : raw;
    out.push({ path: [flag.key], value, origin: flag.long });
  }
  for (const flag of JOB) {
    if (flag.kind !== 'map') continue;
    for (const text of listOf(opts[flag.attribute])) {
      const [name, value] = splitAssignment(text, flag.long);
      out.push({ path: [flag.key, name], value, origin: `${flag.long} ${name}` });
    }
  }
  for (const text of listOf(opts[SET.attribute])) out.push(parseSetFlag(text));
  // After every flag has parsed, as a key inside a flag's value can only be refused then.
  for (const override of out) refuseForbidden(override.path, override.value, override.origin);
  if (opts[LOCAL.attribute] === true) out.push({ path: [LOCAL.key], value: LOCAL.value, origin: LOCAL.long });
  return out;
}

/**
 * `--set dotted.key=value`: any key, its value read as YAML (numbers, booleans, `--set requirements='[numpy, pandas]'`)
 * except inside the maps that keep text (core/config/overrides.ts).
 */
export function parseSetFlag(text: string): Override {
  const flag = SET.long;
  const [key, raw] = splitAssignment(text, flag);
  const path = key.split('.');
  if (path.some((p) => p === '')) throw new UsageError(`${flag} ${text}: "${key}" is not a dotted key path`, `For example: ${flag} ${SET_EXAMPLE}`);
  refuseForbidden(path, undefined, `${flag} ${text}`);
  return { path, value: typedValue(path, raw), origin: `${flag} ${key}` };
}

/** Refuses a `__proto__`, `constructor` or `prototype` key, in the key path or in the value, naming the flag. */
function refuseForbidden(path: readonly string[], value: unknown, shown: string): void {
  const bad = forbiddenSegment(path, value);
  if (bad === undefined) return;
  const hint = `Use the job config's own keys (\`pai-process schema\` lists them), for example: ${SET.long} ${SET_EXAMPLE}`;
  throw new UsageError(forbiddenSegmentMessage(shown, bad), hint);
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}

/** Splits `key=value` at the first `=`; the value may itself contain `=`. */
function splitAssignment(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new UsageError(`${flag} expects KEY=VALUE, got "${text}"`, `For example: ${flag} ${flag === SET.long ? SET_EXAMPLE : 'name=value'}`);
  }
  return [text.slice(0, at), text.slice(at + 1)];
}
