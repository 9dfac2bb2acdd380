import type { IO } from './io.js';

/** One JSON document on stdout, for `--json`: indented on a terminal, compact in a pipe. */
export function writeJson(io: IO, value: unknown): void {
  io.out(JSON.stringify(value, null, io.stdoutIsTTY ? 2 : undefined) + '\n');
}
