import { describe, expect, it } from 'vitest';
import { ConfigError, CredentialsError, UsageError } from '../../src/core/errors.js';
import { colorEnabled, createIO } from '../../src/ui/io.js';
import { renderError } from '../../src/ui/render-error.js';

function capture(options: { verbose?: boolean; tty?: boolean; env?: Record<string, string> } = {}) {
  const out = { stdout: '', stderr: '' };
  const io = createIO({
    stdout: { write: (s: string) => (out.stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    colorFlag: true,
    verbose: options.verbose ?? false,
  });
  return { io, out };
}

describe('renderError', () => {
  it('renders a user error with its hint and its own exit code, never a stack', () => {
    const { io, out } = capture({ verbose: true });
    expect(renderError(io, new UsageError('bad flag', 'use --help'), false)).toBe(2);
    expect(out.stderr).toBe('✖ bad flag\n→ use --help\n');
  });

  it('lists config diagnostics with file:line:column or the flag that set the value', () => {
    const { io, out } = capture();
    const error = new ConfigError('job.yaml has 2 problems', [
      { path: 'image_uri', message: 'is required', file: 'job.yaml', line: 1, column: 1 },
      { path: 'instance_count', message: 'must be an integer', origin: '--instance-count' },
    ]);
    expect(renderError(io, error, true)).toBe(2);
    expect(out.stderr).toContain('  job.yaml:1:1  image_uri: is required\n');
    expect(out.stderr).toContain('  --instance-count  instance_count: must be an integer\n');
    expect(JSON.parse(out.stdout).error).toMatchObject({ exitCode: 2, diagnostics: [{ path: 'image_uri' }, { path: 'instance_count' }] });
  });

  it('lists the places credentials were looked for (exit 4)', () => {
    const { io, out } = capture();
    expect(renderError(io, new CredentialsError('No credentials', ['env: not set', 'file: missing'], 'export them'), false)).toBe(4);
    expect(out.stderr).toBe('✖ No credentials\n  - env: not set\n  - file: missing\n→ export them\n');
  });

  it('treats anything else as a bug: exit 70, the stack only with --verbose', () => {
    const quiet = capture();
    expect(renderError(quiet.io, new TypeError('x is undefined'), false)).toBe(70);
    expect(quiet.out.stderr).toContain('Internal error: x is undefined');
    expect(quiet.out.stderr).toContain('Run again with --verbose');
    expect(quiet.out.stderr).not.toMatch(/\n\s+at /);
    const verbose = capture({ verbose: true });
    renderError(verbose.io, new TypeError('x is undefined'), false);
    expect(verbose.out.stderr).toMatch(/\n\s+at /);
  });
});

describe('secrets', () => {
  it('are masked in everything written, wherever the text came from', () => {
    const { io, out } = capture();
    io.addSecret('s3cr3t-value-123');
    io.addSecret('abc'); // too short to mask safely: ignored
    io.out('key=s3cr3t-value-123 abc\n');
    io.err('failed with s3cr3t-value-123\n');
    expect(out.stdout).toBe('key=**** abc\n');
    expect(out.stderr).toBe('failed with ****\n');
  });
});

describe('colorEnabled', () => {
  it.each([
    [{}, true, true, true],
    [{}, true, false, false],
    [{}, false, true, false],
    [{ NO_COLOR: '1' }, true, true, false],
    [{ FORCE_COLOR: '1' }, true, false, true],
    [{ FORCE_COLOR: '0' }, true, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, true, false, false],
    [{ FORCE_COLOR: '1' }, false, true, false],
    [{ TERM: 'dumb' }, true, true, false],
  ])('env %j, color flag %s, tty %s → %s', (env, flag, tty, expected) => {
    expect(colorEnabled(env, flag, tty)).toBe(expected);
  });
});

describe('formatBytes', () => {
  it('prints a rate below 1 KB/s as whole bytes, and larger sizes in decimal units', async () => {
    const { formatBytes } = await import('../../src/ui/format.js');
    expect(formatBytes(221.31147540983608)).toBe('221 B');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(124_000_000)).toBe('124 MB');
  });
});
