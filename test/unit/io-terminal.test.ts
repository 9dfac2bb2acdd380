// createIO (src/ui/io.ts) beyond test/unit/mask.test.ts: whether stdout and stderr are terminals (which decides
// JSON indentation and colour), and masking that holds for secrets that overlap, repeat or are added late.
import { describe, expect, it } from 'vitest';
import { createIO, type OutStream } from '../../src/ui/io.js';

function io(stdout: Partial<OutStream>, stderr: Partial<OutStream>, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const created = createIO({
    stdout: { ...stdout, write: (t: string) => void (out += t) },
    stderr: { ...stderr, write: (t: string) => void (err += t) },
    env,
    colorFlag: true,
    verbose: true,
  });
  return { io: created, out: () => out, err: () => err };
}

describe('createIO: terminals', () => {
  it('tells a terminal on stdout and on stderr apart from a pipe, each on its own', () => {
    const outTTY = io({ isTTY: true }, {}).io;
    expect([outTTY.stdoutIsTTY, outTTY.stderrIsTTY]).toEqual([true, false]);
    const errTTY = io({}, { isTTY: true }).io;
    expect([errTTY.stdoutIsTTY, errTTY.stderrIsTTY]).toEqual([false, true]);
  });

  it('colours only when stderr is a terminal (and TERM is not dumb)', () => {
    expect(io({ isTTY: true }, {}).io.color).toBe(false);
    expect(io({}, { isTTY: true }).io.color).toBe(true);
    expect(io({}, { isTTY: true }, { TERM: 'dumb' }).io.color).toBe(false);
  });

  it('passes --verbose through', () => {
    expect(io({}, {}).io.verbose).toBe(true);
  });
});

describe('createIO: masking', () => {
  it('masks a secret added after the first output, from then on', () => {
    const c = io({}, {});
    c.io.out('token abcdef123\n');
    c.io.addSecret('abcdef123');
    c.io.out('token abcdef123\n');
    expect(c.out()).toBe('token abcdef123\ntoken ****\n');
  });

  it('leaves text without secrets as it is, and an undefined secret changes nothing', () => {
    const c = io({}, {});
    c.io.addSecret(undefined);
    expect(c.io.mask('nothing to hide')).toBe('nothing to hide');
  });
});
