import { clockTime } from './format.js';
import type { IO, OutStream } from './io.js';

/**
 * The live part of the terminal: a spinner line on stderr while something runs, with permanent lines
 * printed above it and job logs written to stdout around it. Without a terminal (a pipe, CI) there is no
 * spinner and no cursor movement: `note` lines are printed plainly, each with the time.
 */
export interface Activity {
  /** The spinner's text (shown on a terminal only). */
  update(text: string): void;
  /** A permanent line on stderr. */
  note(line: string): void;
  /** A line of job output on stdout; `exact` (--raw) writes it as it is, controls included (secrets masked). */
  out(line: string, exact?: boolean): void;
  stop(): void;
}

export async function createActivity(io: IO, stderr: OutStream, options: { now: () => Date; interactive: boolean }): Promise<Activity> {
  if (!options.interactive) return plainActivity(io, options.now);
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: withWidth(stderr), color: 'cyan', discardStdin: false, isEnabled: true });
  let started = false;
  const around = (write: () => void) => {
    if (started) spinner.clear();
    write();
    if (started) spinner.render();
  };
  return {
    update(text) {
      spinner.text = text;
      if (!started) {
        spinner.start();
        started = true;
      }
    },
    note: (line) => around(() => io.err(line + '\n')),
    out: (line, exact) => around(() => (exact ? io.outExact : io.out)(line + '\n')),
    stop() {
      if (started) spinner.stop();
      started = false;
    },
  };
}

function plainActivity(io: IO, now: () => Date): Activity {
  return {
    update() {},
    note: (line) => io.err(`${clockTime(now())} ${line}\n`),
    out: (line, exact) => (exact ? io.outExact : io.out)(line + '\n'),
    stop() {},
  };
}

/**
 * The stream with a usable width. A pseudo-terminal can report 0 columns (a pty with no size, as under
 * `script` or some CI agents), and ora divides by it: every redraw would then clear an endless number of lines.
 */
function withWidth(stream: OutStream): NodeJS.WritableStream {
  return new Proxy(stream as NodeJS.WriteStream, {
    get(target, prop) {
      if (prop === 'columns') return target.columns || 80;
      if (prop === 'rows') return target.rows || 24;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
