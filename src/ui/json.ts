import type { IO } from './io.js';

/**
 * One JSON document on stdout, for `--json`: indented on a terminal, compact in a pipe. Written exactly:
 * JSON.stringify already escapes every C0 control inside strings, and a consumer must get the values as they are.
 */
export function writeJson(io: IO, value: unknown): void {
  io.outExact(JSON.stringify(value, null, io.stdoutIsTTY ? 2 : undefined) + '\n');
}
