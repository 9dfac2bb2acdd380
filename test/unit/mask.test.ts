import { describe, expect, it } from 'vitest';
import { createIO } from '../../src/ui/io.js';

function capture() {
  let out = '';
  let err = '';
  const io = createIO({
    stdout: { write: (t: string) => void (out += t) },
    stderr: { write: (t: string) => void (err += t) },
    env: {},
    colorFlag: false,
    verbose: false,
  });
  return { io, out: () => out, err: () => err };
}

describe('secret masking', () => {
  it('masks every occurrence of every secret on each way out: out, err, outExact, redraw and mask()', () => {
    const c = capture();
    c.io.addSecret('first-secret');
    c.io.addSecret('second-secret');
    c.io.out('a first-secret b first-secret c second-secret\n');
    c.io.err('err first-secret\n');
    c.io.outExact('{"k":"second-secret"}\n');
    c.io.redraw('spin first-secret');
    expect(c.out()).toBe('a **** b **** c ****\n{"k":"****"}\n');
    expect(c.err()).toBe('err ****\n\r\x1b[2Kspin ****');
    expect(c.io.mask('x second-secret y')).toBe('x **** y');
  });

  it('a secret of 6 characters is masked; one of 5, or an empty one, is not (it would mask ordinary words)', () => {
    const c = capture();
    c.io.addSecret('abcdef');
    c.io.addSecret('vwxyz');
    c.io.addSecret('');
    c.io.out('abcdef vwxyz\n');
    expect(c.out()).toBe('**** vwxyz\n');
  });

  it('a longer secret that contains one added before it is masked whole, not printed with its ends showing', () => {
    const c = capture();
    c.io.addSecret('secret-part');
    c.io.addSecret('AKsecret-partXYZ');
    c.io.out('a AKsecret-partXYZ b secret-part\n');
    expect(c.out()).toBe('a **** b ****\n');
  });

  it('two secrets that overlap in the text are masked as one place, nothing of either left', () => {
    const c = capture();
    c.io.addSecret('abcdefgh');
    c.io.addSecret('efghijkl');
    expect(c.io.mask('<abcdefghijkl> <efghijkl> <abcdefgh>')).toBe('<****> <****> <****>');
  });

  it('two secrets side by side are one place masked', () => {
    const c = capture();
    c.io.addSecret('abcdef');
    c.io.addSecret('ghijkl');
    expect(c.io.mask('<abcdefghijkl> <ghijklabcdef>')).toBe('<****> <****>');
  });

  it('a secret that occurs overlapping itself is masked to its last character', () => {
    const c = capture();
    c.io.addSecret('aaaaaa');
    expect(c.io.mask('xaaaaaaaaz')).toBe('x****z');
  });
});
