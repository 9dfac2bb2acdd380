/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function columns(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** Length without ANSI colour codes, so coloured cells line up. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
