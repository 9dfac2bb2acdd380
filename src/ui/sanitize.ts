/**
 * Text from outside the tool (the service's answers, the job's log lines, file names, config values) must never
 * drive the terminal: an escape sequence in it could rewrite the clipboard (OSC 52), the window title (OSC 0),
 * plant a hyperlink (OSC 8), clear the screen, or overwrite earlier lines with a carriage return. So every C0
 * control but the tab, DEL and every C1 control is made VISIBLE, never dropped (a person reading a log should
 * see that something was there):
 *
 * - a C0 control (U+0000–U+001F) and DEL become their Unicode Control Picture: ESC → `␛`, CR → `␍`,
 *   BEL → `␇`, LF inside a one-line value → `␊`, DEL → `␡`;
 * - a C1 control (U+0080–U+009F, such as the one-character CSI U+009B) has no picture and becomes `\x9b`,
 *   the same `\xHH` form the tool uses for bytes elsewhere.
 *
 * docs/security.md ("What is printed") says where this applies and where it does not (--json, --raw).
 */

// Everything but TAB (0x09). LF is handled by the caller's choice of function.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LF = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

function picture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `\\x${code.toString(16)}`;
}

/** A one-line value (a status, a job name, a reason, a file name): every control but tab made visible. */
export function visible(text: string): string {
  return ANY_CONTROL.test(text) ? text.replace(CONTROL, picture) : text;
}

/**
 * Text of several lines (a log line that holds newlines, a stack, a code frame, indented JSON): the newlines
 * stay, a carriage return that ends a line (CRLF, a Windows-written line) is dropped, and every other control,
 * a lone CR included, is made visible.
 */
export function visibleLines(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text.replace(/\r+(?=\n|$)/g, '').replace(CONTROL_BUT_LF, picture);
}

/**
 * A copy of a value from outside with every string in it made visible (`visible`), at any depth of arrays and
 * plain objects; numbers, booleans and anything else are kept as they are.
 */
export function visibleDeep<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => visibleDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = visibleDeep(v);
    return out as T;
  }
  return value;
}

// The colour codes the tool's own styling writes (chalk: SGR, `ESC [ params m`), and nothing else.
// eslint-disable-next-line no-control-regex
const SGR_OR_CONTROL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * The last line of defence, applied by the IO to everything it writes (src/ui/io.ts): newlines, tabs and colour
 * codes pass; every other control is made visible. Text from outside is made visible where it is formatted, so
 * even its colour codes show; this catches any path that forgot, with at worst a colour let through, never a
 * cursor movement, a clear, a title, a clipboard write or a link.
 */
export function terminalSafe(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text.replace(SGR_OR_CONTROL, (m) => (m.length > 1 ? m : picture(m)));
}
