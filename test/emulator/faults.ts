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
  /** Do the work (a job IS created), then answer with an error status as 'status' does: a 500 for a done create. */
  | 'status-after'
  /** Wait delayMs, then handle the request normally. */
  | 'delay'
  /** Answer with a body that is not the service's format (default: a 502 HTML page from a proxy). */
  | 'html'
  /** Answer `status` (default 200) with exactly `body` (JSON content type unless `contentType`): e.g. `[]`, `null`, `5`. */
  | 'body';

export interface FaultSpec {
  /** Action name (CreateTrainingJob, GetTrainingJob, PutObject, UploadPart, ...) or '*' for any. */
  action: string;
  /** 1-based call number, counted from when the fault was added. Default 1 (the next call). */
  call?: number;
  /** How many consecutive calls from `call` on are affected. Default 1; Infinity for all. */
  times?: number;
  kind: FaultKind;
  /** For 'status' and 'status-after' (default 503) and 'html' (default 502). */
  status?: number;
  /** For 'status' and 'status-after': the error code in the body (default ServiceUnavailable). */
  code?: string;
  message?: string;
  /** Sent as a Retry-After header when set. */
  retryAfter?: number | string;
  /** For 'delay': how long to wait before answering. */
  delayMs?: number;
  /** For 'html' and 'body': the raw body and its content type. */
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
  private randomMode: RandomFaults | undefined;

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
    this.randomMode = undefined;
  }

  /**
   * From now on, a seeded share of every call fails in one of `kinds` (the faults added with add() still win).
   * Whether call n of an action fails, and how, depends only on the seed, the action and n, so a seed replays the
   * same faults whatever the timing between actions. Returns the live counts of what was injected.
   */
  random(options: RandomFaultOptions): RandomFaults {
    this.randomMode = new RandomFaults(options);
    return this.randomMode;
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
  take(action: string, service?: 'pai' | 'oss'): ActiveFault | undefined {
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
    return this.randomMode?.take(action, n, service ?? 'pai');
  }
}

/** The ways random mode makes a call fail. */
export type RandomFaultKind =
  /** 500 InternalError or 503 ServiceUnavailable. */
  | '5xx'
  /** PAI: 400 `Throttling.User` (POP's flow control code); OSS: 503 `SlowDown`. */
  | 'throttle'
  /** The connection is cut before the service acts. */
  | 'drop'
  /** The service acts, then the connection is cut instead of answering. */
  | 'drop-after'
  /** The answer comes after `stallMs` (set it past the client's read timeout); the service acts then. */
  | 'stall'
  /** CreateTrainingJob only: answered after `slowCreateMs` (default 12 s). */
  | 'slow-create';

export const RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = ['5xx', 'throttle', 'drop', 'drop-after', 'stall', 'slow-create'];

export interface RandomFaultOptions {
  /** The share of calls that fail, 0..1. */
  rate: number;
  seed: number;
  /** Default: every kind. A kind that does not apply to an action (slow-create) is not drawn for it. */
  kinds?: readonly RandomFaultKind[];
  /** How long a stall holds the answer, per service. Default 35 s for PAI, 125 s for OSS. */
  stallMs?: { pai?: number; oss?: number };
  slowCreateMs?: number;
  /** Only these actions fail (default: every action). */
  actions?: readonly string[];
}

/** A 32-bit FNV-1a hash of a string, then mulberry32 steps: a small seeded generator, enough for test faults. */
function seededDraws(key: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class RandomFaults {
  /** Calls seen since random mode started, and faults injected, by kind. */
  calls = 0;
  readonly injected: Record<RandomFaultKind, number> = { '5xx': 0, throttle: 0, drop: 0, 'drop-after': 0, stall: 0, 'slow-create': 0 };
  /** Every injected fault: action, its call number, kind. */
  readonly log: Array<{ action: string; call: number; kind: RandomFaultKind }> = [];

  constructor(private readonly options: RandomFaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`random faults: rate must be within 0..1, not ${options.rate}`);
  }

  take(action: string, n: number, service: 'pai' | 'oss'): ActiveFault | undefined {
    this.calls++;
    if (this.options.actions && !this.options.actions.includes(action)) return undefined;
    const draw = seededDraws(`${this.options.seed}:${action}:${n}`);
    if (draw() >= this.options.rate) return undefined;
    const kinds = (this.options.kinds ?? RANDOM_FAULT_KINDS).filter((k) => k !== 'slow-create' || action === 'CreateTrainingJob');
    const kind = kinds[Math.floor(draw() * kinds.length)];
    if (kind === undefined) return undefined;
    this.injected[kind]++;
    this.log.push({ action, call: n, kind });
    const base = { id: 0, hits: 1, action, call: n };
    switch (kind) {
      case '5xx':
        return draw() < 0.5
          ? { ...base, kind: 'status', status: 500, code: 'InternalError' }
          : { ...base, kind: 'status', status: 503, code: 'ServiceUnavailable' };
      case 'throttle':
        return service === 'oss'
          ? { ...base, kind: 'status', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' }
          : { ...base, kind: 'status', status: 400, code: 'Throttling.User', message: 'Request was denied due to user flow control.' };
      case 'drop':
      case 'drop-after':
        return { ...base, kind };
      case 'stall':
        return { ...base, kind: 'delay', delayMs: service === 'oss' ? (this.options.stallMs?.oss ?? 125_000) : (this.options.stallMs?.pai ?? 35_000) };
      case 'slow-create':
        return { ...base, kind: 'delay', delayMs: this.options.slowCreateMs ?? 12_000 };
    }
  }
}
