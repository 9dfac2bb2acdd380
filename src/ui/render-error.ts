import { CliError, ConfigError, CredentialsError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { IO } from './io.js';
import { createStyle } from './style.js';
import { writeJson } from './json.js';
import { visible, visibleLines } from './sanitize.js';

/**
 * Renders any thrown value and returns the exit code. A CliError is the user's to fix: its message,
 * its details and a hint, never a stack. Anything else is our bug: exit 70, the stack only with --verbose.
 * A message may quote the service, a file name or a config file's lines: all of it is made visible
 * (src/ui/sanitize.ts) on the terminal; --json gets it as it is.
 */
export function renderError(io: IO, error: unknown, json: boolean, options: { submits?: boolean } = {}): number {
  const style = createStyle(io.color);
  if (error instanceof CliError) {
    const message = options.submits === false ? withoutSubmitNote(error.message) : error.message;
    const lines = [`${style.red('✖')} ${visibleLines(message)}`];
    if (error instanceof ConfigError) lines.push(...error.diagnostics.map((d) => '  ' + formatDiagnostic(d, style.dim)));
    if (error instanceof CredentialsError) lines.push(...error.details.map((d) => `  - ${visibleLines(d)}`));
    if (error.hint) lines.push(`${style.cyan('→')} ${visibleLines(error.hint)}`);
    io.err(lines.join('\n') + '\n');
    if (json) writeJson(io, { error: { ...errorDocument(error), message } });
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  io.err(`${style.red('✖')} Internal error: ${visibleLines(e.message)}\n`);
  if (io.verbose && e.stack) io.err(style.dim(visibleLines(e.stack)) + '\n');
  else io.err(`${style.cyan('→')} This is a bug in pai-process. Run again with --verbose and include the output in a bug report.\n`);
  if (json) writeJson(io, { error: { message: e.message, exitCode: ExitCode.internal } });
  return ExitCode.internal;
}

/** `job.yaml:3:1  image_uri: unknown key ...`, or `--set x  x: ...` for a value a flag set. */
export function formatDiagnostic(d: Diagnostic, dim: (s: string) => string = (s) => s): string {
  const where = visible(d.origin ?? (d.file ? [d.file, d.line, d.column].filter((p) => p !== undefined).join(':') : ''));
  const what = visibleLines(d.path ? `${d.path}: ${d.message}` : d.message);
  const head = where ? `${dim(where)}  ${what}` : what;
  return d.frame ? `${head}\n${visibleLines(d.frame).replace(/^/gm, '    ')}` : head;
}

function errorDocument(error: CliError): Record<string, unknown> {
  const doc: Record<string, unknown> = { message: error.message, exitCode: error.exitCode };
  if (error.hint) doc['hint'] = error.hint;
  // The service's own words, as fields a script can read without parsing the message.
  if (error.answer) {
    doc['code'] = error.answer.code;
    if (error.answer.requestId) doc['requestId'] = error.answer.requestId;
    if (error.answer.action) doc['action'] = error.answer.action;
  }
  if (error instanceof ConfigError) doc['diagnostics'] = error.diagnostics;
  if (error instanceof CredentialsError) doc['details'] = error.details;
  return doc;
}

/** A message without its "nothing was submitted" clause, for commands that never submit anything. */
function withoutSubmitNote(message: string): string {
  return message.replace(/[;,] nothing was submitted(?=\.?$)/, '');
}
