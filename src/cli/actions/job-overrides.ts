import { MAP_FLAGS, parseSetFlag, SCALAR_FLAGS, scalarFlagValue, splitAssignment, type Override } from '../../core/config/overrides.js';

export type JobFlagValues = Partial<Record<keyof typeof SCALAR_FLAGS, string>> &
  Partial<Record<keyof typeof MAP_FLAGS | 'set', string[]>> & { file?: string };

/** The flags as overrides, in a fixed order: dedicated flags first, then `--set`, which can set anything. */
export function jobOverrides(opts: JobFlagValues): Override[] {
  const out: Override[] = [];
  for (const [flag, key] of Object.entries(SCALAR_FLAGS) as [keyof typeof SCALAR_FLAGS, string][]) {
    const raw = opts[flag];
    if (raw !== undefined) out.push({ path: [key], value: scalarFlagValue(key, raw), origin: `--${kebab(flag)}` });
  }
  for (const [flag, key] of Object.entries(MAP_FLAGS) as [keyof typeof MAP_FLAGS, string][]) {
    for (const text of opts[flag] ?? []) {
      const [name, value] = splitAssignment(text, `--${flag}`);
      out.push({ path: [key, name], value, origin: `--${flag} ${name}` });
    }
  }
  for (const text of opts.set ?? []) out.push(parseSetFlag(text));
  return out;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
