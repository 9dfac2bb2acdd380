// Injected failures, matched per action and per call number. Call numbers count from the moment
// the fault is added (call 1 = the next call of that action), so a test that shares an emulator
// does not need to know how many calls earlier tests made.

export type FaultKind =
  /** Answer with an error status and the service's error body (JSON for PAI, XML for OSS). */
  | 'status'
  /** Destroy the socket before doing the work: nothing happened on the server. */
  | 'drop'
  /** Do the work (a job IS created, an object IS stored), then destroy the socket instead of answering. */
  | 'drop-after'
  /** Wait delayMs, then handle the request normally. */
  | 'delay'
  /** Answer with a body that is not the service's format (default: a 502 HTML page from a proxy). */
  | 'html';

export interface FaultSpec {
  /** Action name (CreateTrainingJob, GetTrainingJob, PutObject, UploadPart, ...) or '*' for any. */
  action: string;
  /** 1-based call number, counted from when the fault was added. Default 1 (the next call). */
  call?: number;
  /** How many consecutive calls from `call` on are affected. Default 1; Infinity for all. */
  times?: number;
  kind: FaultKind;
  /** For 'status' (default 503) and 'html' (default 502). */
  status?: number;
  /** For 'status': the error code in the body (default ServiceUnavailable). */
  code?: string;
  message?: string;
  /** Sent as a Retry-After header when set. */
  retryAfter?: number | string;
  /** For 'delay': how long to wait before answering. */
  delayMs?: number;
  /** For 'html': the raw body and its content type. */
  body?: string;
  contentType?: string;
}

export interface ActiveFault extends FaultSpec {
  readonly id: number;
  /** How many requests this fault has hit so far. */
  hits: number;
}

interface Registered {
  fault: ActiveFault;
  base: number;
}

export class Faults {
  private readonly counts = new Map<string, number>();
  private readonly registered: Registered[] = [];
  private nextId = 1;

  /** Adds a fault; returns it (its `hits` counts matches) for later inspection or removal. */
  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: this.nextId++, hits: 0 };
    this.registered.push({ fault, base: this.counts.get(spec.action) ?? 0 });
    return fault;
  }

  remove(fault: ActiveFault): void {
    const i = this.registered.findIndex((r) => r.fault.id === fault.id);
    if (i >= 0) this.registered.splice(i, 1);
  }

  clear(): void {
    this.registered.length = 0;
  }

  /** Faults not yet used up. */
  pending(): ActiveFault[] {
    return this.registered.filter((r) => r.fault.hits < (r.fault.times ?? 1)).map((r) => r.fault);
  }

  /** Total calls seen for an action since the emulator started ('*' = all actions). */
  calls(action: string): number {
    return this.counts.get(action) ?? 0;
  }

  /**
   * Called by the servers once per request: counts the call and returns the fault that applies,
   * if any (the first one added wins when several match).
   */
  take(action: string): ActiveFault | undefined {
    const n = (this.counts.get(action) ?? 0) + 1;
    this.counts.set(action, n);
    const all = (this.counts.get('*') ?? 0) + 1;
    this.counts.set('*', all);
    for (const r of this.registered) {
      const f = r.fault;
      if (f.action !== action && f.action !== '*') continue;
      const rel = (f.action === '*' ? all : n) - r.base;
      const first = f.call ?? 1;
      const times = f.times ?? 1;
      if (rel >= first && rel < first + times) {
        f.hits++;
        return f;
      }
    }
    return undefined;
  }
}
