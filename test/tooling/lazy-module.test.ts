import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/spawn-cli.js';

// bin/lazy-module.cjs stands for a module the bundles require at their top (bin/load-bundle.cjs, LAZY): the code that
// uses the module must see the module itself, only required later.
const require = createRequire(import.meta.url);
const lazyModule = require(`${ROOT}bin/lazy-module.cjs`) as <T extends object>(load: () => T) => T;
// The modules as the bundles' require() gets them (an import's namespace leaves out zlib's non-enumerable constants).
const realZlib = require('node:zlib') as typeof import('node:zlib');
const realChildProcess = require('node:child_process') as typeof import('node:child_process');

function counted<T extends object>(module: T) {
  const calls = { count: 0 };
  const lazy = lazyModule(() => {
    calls.count++;
    return module;
  });
  return { lazy, calls };
}

describe('a module required on first use', () => {
  it('is required on first use, once, and hands back the module own functions and values', () => {
    const { lazy, calls } = counted(realZlib);
    expect(calls.count).toBe(0);
    expect(lazy.createGunzip).toBe(realZlib.createGunzip);
    expect(lazy.constants).toBe(realZlib.constants);
    expect(calls.count).toBe(1);
    expect(lazy.gunzipSync(realZlib.gzipSync('hello')).toString()).toBe('hello');
    expect(calls.count).toBe(1);
  });

  it('reports the module keys and descriptors, non-configurable ones included (as esbuild copies a namespace)', () => {
    const { lazy } = counted(realZlib);
    expect(Reflect.ownKeys(lazy)).toEqual(Reflect.ownKeys(realZlib));
    expect(Object.getOwnPropertyDescriptor(lazy, 'constants')).toEqual(Object.getOwnPropertyDescriptor(realZlib, 'constants'));
    expect('Z_BEST_SPEED' in lazy).toBe(true);
    expect(Object.getPrototypeOf(lazy)).toBe(Object.getPrototypeOf(realZlib));
    const copy = { ...lazy };
    expect(copy.createInflate).toBe(realZlib.createInflate);
  });

  it("keeps a function's custom promisified form: promisify(execFile) resolves with stdout and stderr", async () => {
    const { lazy } = counted(realChildProcess);
    expect(promisify(lazy.execFile)).toBe(promisify(realChildProcess.execFile));
    const result = await promisify(lazy.execFile)(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err")']);
    expect(result).toEqual({ stdout: 'out', stderr: 'err' });
  });
});
