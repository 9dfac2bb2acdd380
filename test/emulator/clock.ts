// Job lifecycles are evaluated lazily against a clock instead of with timers, so a test can
// drive a job deterministically (ManualClock) or let it run in real time (systemClock) without
// leaving timers behind when the emulator closes.

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: scripted steps become due exactly when the test says. */
export class ManualClock implements Clock {
  private t: number;

  constructor(start: number = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    this.t += ms;
  }

  set(epochMs: number): void {
    this.t = epochMs;
  }
}

/** ISO 8601 UTC without milliseconds, the form PAI uses for GmtCreateTime and friends. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
