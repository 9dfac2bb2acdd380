const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/**
 * Seconds from a duration: a bare number of seconds (`3600`) or units (`90m`, `2h30m`, `1d`).
 * Returns undefined for anything else, so the caller can name the flag or key in its message.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : undefined;
  if (!/^(?:\d+[dhms])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([dhms])/g)) total += Number(n) * UNIT_SECONDS[unit!]!;
  return total > 0 ? total : undefined;
}
