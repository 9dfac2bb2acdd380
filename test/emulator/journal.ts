// Every request the emulator saw, in arrival order, for tests to assert on. Headers are kept
// as received (authorization included): tests may inspect them but must not print them.

export type SignatureAlgorithm = 'v2' | 'acs3' | 'oss-v1' | 'oss-v4' | 'oss-v1-url' | 'none';

export interface SignatureCheck {
  algorithm: SignatureAlgorithm;
  ok: boolean;
  reason?: string;
  accessKeyId?: string;
}

export interface JournalEntry {
  seq: number;
  /** Epoch ms (real time) when the request arrived. */
  time: number;
  service: 'pai' | 'oss';
  action: string;
  method: string;
  /** Path as sent, still percent-encoded. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** PAI: the parsed JSON body (or the raw text when it is not JSON); undefined without a body. */
  body?: unknown;
  /** OSS: size and sha256 of the body bytes. */
  bodyInfo?: { length: number; sha256: string };
  signature: SignatureCheck;
  /** HTTP status answered; 0 when the connection was dropped instead. */
  status: number;
  errorCode?: string;
  requestId?: string;
  /** The injected fault that shaped this answer, if any. */
  fault?: string;
  /** OSS: the bucket and key the request addressed. */
  bucket?: string;
  key?: string;
  /** Milliseconds spent answering. */
  durationMs?: number;
}

export type JournalListener = (entry: JournalEntry) => void;

export class Journal {
  private readonly list: JournalEntry[] = [];
  private readonly listeners = new Set<JournalListener>();
  private seq = 0;

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full: JournalEntry = { seq: ++this.seq, ...entry };
    this.list.push(full);
    for (const l of this.listeners) l(full);
    return full;
  }

  all(): JournalEntry[] {
    return [...this.list];
  }

  /** Entries for one action (by name) or matching a predicate. */
  filter(what: string | ((e: JournalEntry) => boolean)): JournalEntry[] {
    const pred = typeof what === 'string' ? (e: JournalEntry) => e.action === what : what;
    return this.list.filter(pred);
  }

  last(action?: string): JournalEntry | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i];
      if (e && (action === undefined || e.action === action)) return e;
    }
    return undefined;
  }

  count(action?: string): number {
    return action === undefined ? this.list.length : this.filter(action).length;
  }

  clear(): void {
    this.list.length = 0;
  }

  /** Calls `listener` for every new entry; returns an unsubscribe function. */
  onEntry(listener: JournalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
