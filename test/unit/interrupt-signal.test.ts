import { describe, expect, it } from 'vitest';
import { interruptSignal } from '../../src/cli/actions/reporter.js';
import { Invocation, type CliContext } from '../../src/cli/context.js';

type Handler = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void;

/** An invocation whose Ctrl-C the test presses: `press()` is one SIGINT; exits and unsubscribes are recorded. */
function invocation(options: { withSignals?: boolean; withExit?: boolean } = {}) {
  const handlers: Handler[] = [];
  const exits: number[] = [];
  let unsubscribed = 0;
  const ctx = {
    env: {},
    now: () => new Date(0),
    ...(options.withSignals === false
      ? {}
      : {
          onSignal: (handler: Handler) => {
            handlers.push(handler);
            return () => void unsubscribed++;
          },
        }),
    ...(options.withExit === false ? {} : { exitNow: (code: number) => void exits.push(code) }),
  } as unknown as CliContext;
  const inv = new Invocation(ctx);
  return {
    inv,
    exits,
    handlers,
    unsubscribed: () => unsubscribed,
    press: () => {
      for (const h of handlers) h('SIGINT');
    },
  };
}

describe('interruptSignal: what each Ctrl-C does', () => {
  it('one stage: the first interrupts the runtime, the second ends the process with 130', () => {
    const t = invocation();
    const interrupt = interruptSignal(t.inv);
    expect(interrupt.signal).toBe(t.inv.runtime.signal);
    expect(interrupt.force).toBe(t.inv.runtime.signal);
    expect(interrupt.signal.aborted).toBe(false);
    t.press();
    expect(interrupt.signal.aborted).toBe(true);
    expect(t.exits).toEqual([]);
    t.press();
    expect(t.exits).toEqual([130]);
  });

  it('two stages: the first interrupts the runtime, the second aborts the force signal, the third exits with 130', () => {
    const t = invocation();
    const interrupt = interruptSignal(t.inv, 2);
    expect(interrupt.force).not.toBe(interrupt.signal);
    t.press();
    expect(interrupt.signal.aborted).toBe(true);
    expect(interrupt.force.aborted).toBe(false);
    expect(t.exits).toEqual([]);
    t.press();
    expect(interrupt.force.aborted).toBe(true);
    expect(t.exits).toEqual([]);
    t.press();
    expect(t.exits).toEqual([130]);
  });

  it('three stages: the force signal is the last one, aborted by the third Ctrl-C only', () => {
    const t = invocation();
    const interrupt = interruptSignal(t.inv, 3);
    t.press();
    t.press();
    expect(interrupt.force.aborted).toBe(false);
    expect(t.exits).toEqual([]);
    t.press();
    expect(interrupt.force.aborted).toBe(true);
    expect(t.exits).toEqual([]);
    t.press();
    expect(t.exits).toEqual([130]);
  });

  it('no stages at all counts as one', () => {
    const t = invocation();
    const interrupt = interruptSignal(t.inv, 0);
    expect(interrupt.force).toBe(interrupt.signal);
    t.press();
    expect(interrupt.signal.aborted).toBe(true);
    t.press();
    expect(t.exits).toEqual([130]);
  });

  it('subscribes once, and dispose unsubscribes', () => {
    const t = invocation();
    const interrupt = interruptSignal(t.inv);
    expect(t.handlers).toHaveLength(1);
    expect(t.unsubscribed()).toBe(0);
    interrupt.dispose();
    expect(t.unsubscribed()).toBe(1);
  });

  it('a context that cannot subscribe to signals or exit (a test, an embedder) still works', () => {
    const quiet = invocation({ withSignals: false });
    const interrupt = interruptSignal(quiet.inv);
    expect(() => interrupt.dispose()).not.toThrow();
    const noExit = invocation({ withExit: false });
    interruptSignal(noExit.inv);
    noExit.press();
    expect(() => noExit.press()).not.toThrow();
  });
});
