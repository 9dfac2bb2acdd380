import { terminalSafe } from './sanitize.js';

/** The smallest stream the CLI writes to: process.stdout, or a buffer in tests. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The terminal, as every renderer sees it: data goes to `out` (stdout), everything else to `err` (stderr).
 * Known secrets are masked in everything written, whatever code produced the text, and no control character
 * but a newline, a tab or a colour code reaches the terminal through `out` or `err` (src/ui/sanitize.ts).
 */
export interface IO {
  out(text: string): void;
  err(text: string): void;
  /**
   * Stdout byte for byte (secrets still masked): for JSON, whose encoder escapes what must be escaped, and for
   * the job's own lines under `--raw`, which the user chose to trust.
   */
  outExact(text: string): void;
  /**
   * Redraws the one progress line on stderr in place: a carriage return and erase-line of the tool's own, then
   * the text, made safe like `err`. An empty text clears the line.
   */
  redraw(text: string): void;
  /** The text with every known secret masked, for output that does not go through out/err (the step summary). */
  mask(text: string): string;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Colours on stderr (and stdout when it is a terminal). */
  readonly color: boolean;
  readonly verbose: boolean;
  /** Never print this value; replaces it with `****` wherever it would appear. */
  addSecret(secret: string | undefined): void;
}

export interface IOOptions {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  /** False when --no-color was given. */
  colorFlag: boolean;
  verbose: boolean;
}

export function createIO(options: IOOptions): IO {
  const secrets = new Set<string>();
  // Every place any secret occurs in the text as given becomes one `****`, places that overlap, nest or touch
  // merged. Replacing one secret after another would leave the ends of a longer secret that contains a shorter
  // one added before it (`AKsecretXYZ` printed as `AK****XYZ`), and the rest of one that overlaps another.
  const mask = (text: string) => {
    const found: [number, number][] = [];
    for (const s of secrets) {
      for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + 1)) found.push([at, at + s.length]);
    }
    found.sort((a, b) => a[0] - b[0]);
    let out = '';
    let from = 0;
    for (let i = 0; i < found.length; ) {
      const start = found[i]![0];
      let end = found[i]![1];
      for (i++; i < found.length && found[i]![0] <= end; i++) end = Math.max(end, found[i]![1]);
      out += `${text.slice(from, start)}****`;
      from = end;
    }
    return out + text.slice(from);
  };
  const stdoutIsTTY = options.stdout.isTTY === true;
  const stderrIsTTY = options.stderr.isTTY === true;
  return {
    out: (text) => void options.stdout.write(terminalSafe(mask(text))),
    err: (text) => void options.stderr.write(terminalSafe(mask(text))),
    outExact: (text) => void options.stdout.write(mask(text)),
    redraw: (text) => void options.stderr.write('\r\x1b[2K' + terminalSafe(mask(text))),
    mask,
    stdoutIsTTY,
    stderrIsTTY,
    color: colorEnabled(options.env, options.colorFlag, stderrIsTTY),
    verbose: options.verbose,
    addSecret(secret) {
      // Very short values would mask ordinary words; real secrets are long.
      if (secret && secret.length >= 6) secrets.add(secret);
    },
  };
}

/** The one place colour is decided: --no-color and NO_COLOR win, then FORCE_COLOR, then a real terminal. */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, colorFlag: boolean, isTTY: boolean): boolean {
  if (!colorFlag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY && env['TERM'] !== 'dumb';
}
