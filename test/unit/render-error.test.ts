// What a user (or a script) gets when a command fails (src/ui/render-error.ts, src/core/errors.ts,
// src/core/ports/errors.ts): the exit code of docs/exit-codes.md, the message and hint on stderr, the same as
// one JSON document with --json, and, for our own bugs, exit 70 with the stack only under --verbose.
import { describe, expect, it } from 'vitest';
import { ApiError, CliError, ConfigError, CredentialsError, InterruptedError, NotFoundError, ServiceError, UsageError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { PackagingError } from '../../src/core/packaging/errors.js';
import { createIO } from '../../src/ui/io.js';
import { renderError } from '../../src/ui/render-error.js';

function capture(options: { verbose?: boolean } = {}) {
  let out = '';
  let err = '';
  const io = createIO({
    stdout: { write: (t: string) => void (out += t) },
    stderr: { write: (t: string) => void (err += t) },
    env: {},
    colorFlag: false,
    verbose: options.verbose ?? false,
  });
  return { io, out: () => out, err: () => err };
}

describe('exit codes of the errors', () => {
  it('each error class exits with its code of docs/exit-codes.md', () => {
    expect(new UsageError('u').exitCode).toBe(2);
    expect(new NotFoundError('job', 'dlc-1', 'no job', 'list').exitCode).toBe(2);
    expect(new ConfigError('c', []).exitCode).toBe(2);
    expect(new CredentialsError('c', []).exitCode).toBe(4);
    expect(new ServiceError('s').exitCode).toBe(5);
    expect(new ApiError('a', { code: 'X', retryable: false }).exitCode).toBe(5);
    expect(new InterruptedError('i').exitCode).toBe(130);
    expect(new PackagingError('p', { path: '/x', reason: 'changed' }).exitCode).toBe(2);
  });

  it('an error is named after its class (what a stack and a bug report show)', () => {
    expect(new UsageError('u').name).toBe('UsageError');
    expect(new ApiError('a', { code: 'X', retryable: true }).name).toBe('ApiError');
    expect(String(new InterruptedError('stop'))).toBe('InterruptedError: stop');
  });

  it('an ApiError keeps what the service said; not ambiguous and not "not found" unless told', () => {
    const plain = new ApiError('throttled', {
      code: 'Throttling',
      status: 429,
      requestId: 'R-1',
      retryable: true,
      action: 'GetJob',
      retryAfterMs: 2000,
      hint: 'wait',
    });
    expect(plain).toMatchObject({ code: 'Throttling', status: 429, requestId: 'R-1', retryable: true, action: 'GetJob', retryAfterMs: 2000, hint: 'wait' });
    expect(plain.ambiguous).toBe(false);
    expect(plain.notFound).toBe(false);
    expect(plain.answer).toEqual({ code: 'Throttling', requestId: 'R-1', action: 'GetJob' });
    const told = new ApiError('reset', { code: 'ECONNRESET', retryable: true, ambiguous: true, notFound: true });
    expect(told.ambiguous).toBe(true);
    expect(told.notFound).toBe(true);
  });

  it("from() records the service's answer on any error and returns the error", () => {
    const e = new ServiceError('down');
    expect(e.answer).toBeUndefined();
    expect(e.from({ code: 'InternalError', requestId: 'R-2' })).toBe(e);
    expect(e.answer).toEqual({ code: 'InternalError', requestId: 'R-2' });
  });

  it('NotFoundError says what was not found', () => {
    expect(new NotFoundError('bucket', 'my-bucket', 'no bucket', 'check the region')).toMatchObject({
      kind: 'bucket',
      subject: 'my-bucket',
      hint: 'check the region',
    });
  });
});

describe('renderError', () => {
  it("prints a CliError's message and hint, no stack, and returns its exit code", () => {
    const c = capture({ verbose: true });
    const code = renderError(c.io, new CredentialsError('No credentials', ['env: not set', 'profile: none'], 'Run aliyun configure'), false);
    expect(code).toBe(ExitCode.credentials);
    expect(c.err()).toBe('✖ No credentials\n  - env: not set\n  - profile: none\n→ Run aliyun configure\n');
    expect(c.out()).toBe('');
  });

  it("lists a ConfigError's diagnostics under its message; no hint line without a hint", () => {
    const c = capture();
    const error = new ConfigError('job.yaml has 2 problems', [
      { path: 'image_uri', message: 'unknown key', file: 'job.yaml', line: 3, column: 1 },
      { path: 'instance_count', message: 'must be a number', origin: '--set instance_count' },
    ]);
    expect(renderError(c.io, error, false)).toBe(2);
    expect(c.err()).toBe('✖ job.yaml has 2 problems\n  job.yaml:3:1  image_uri: unknown key\n  --set instance_count  instance_count: must be a number\n');
  });

  it('with --json, also writes the error as one document: message, exit code, hint and the service answer', () => {
    const c = capture();
    const error = new ApiError('Bucket refused', { code: 'AccessDenied', requestId: 'R-9', retryable: false, action: 'PutObject', hint: 'Check RAM' });
    expect(renderError(c.io, error, true)).toBe(5);
    expect(JSON.parse(c.out())).toEqual({
      error: { message: 'Bucket refused', exitCode: 5, hint: 'Check RAM', code: 'AccessDenied', requestId: 'R-9', action: 'PutObject' },
    });
  });

  it('drops "nothing was submitted" for a command that never submits, on stderr and in --json', () => {
    const c = capture();
    expect(renderError(c.io, new UsageError('Bad --since value; nothing was submitted.'), true, { submits: false })).toBe(2);
    expect(c.err()).toBe('✖ Bad --since value.\n');
    expect(JSON.parse(c.out()).error.message).toBe('Bad --since value.');
    const d = capture();
    renderError(d.io, new UsageError('Bad flag; nothing was submitted'), false);
    expect(d.err()).toBe('✖ Bad flag; nothing was submitted\n');
  });

  it('any other error is a bug: exit 70, a bug-report hint, and no stack without --verbose', () => {
    const c = capture();
    const bug = new TypeError('x is undefined');
    expect(renderError(c.io, bug, true)).toBe(70);
    expect(c.err()).toBe(
      '✖ Internal error: x is undefined\n→ This is a bug in pai-process. Run again with --verbose and include the output in a bug report.\n',
    );
    expect(JSON.parse(c.out())).toEqual({ error: { message: 'x is undefined', exitCode: 70 } });
  });

  it('with --verbose, a bug shows its stack instead of the hint', () => {
    const c = capture({ verbose: true });
    const bug = new Error('boom');
    bug.stack = 'Error: boom\n    at here (file.ts:1:1)';
    expect(renderError(c.io, bug, false)).toBe(70);
    expect(c.err()).toBe('✖ Internal error: boom\nError: boom\n    at here (file.ts:1:1)\n');
    expect(c.out()).toBe('');
  });

  it('a thrown value that is not an Error is shown as text, exit 70', () => {
    const c = capture();
    expect(renderError(c.io, 'plain string', false)).toBe(70);
    expect(c.err()).toContain('✖ Internal error: plain string\n');
  });

  it('an error the user fixes is never taken for a bug, even under --verbose', () => {
    const c = capture({ verbose: true });
    expect(renderError(c.io, new InterruptedError('Interrupted'), false)).toBe(130);
    expect(c.err()).toBe('✖ Interrupted\n');
    expect(renderError(capture().io, new CliError('custom', ExitCode.timeout), false)).toBe(6);
  });
});
