import type { JobsApi, TrainingJob } from '../ports/backends.js';
import type { Cadence } from './cadence.js';

/**
 * A training job's events (ListTrainingJobEvents): what the scheduler and the instances said, such as why a job
 * waits in Queuing or why its image could not be pulled. The official model types each event as a plain string
 * and gives no id, so an event's identity is its whole text; a leading ISO 8601 time, when the text has one, is
 * read as the event's time (docs/service.md, "Training job events").
 */
export interface JobEvent {
  /** The event as the service wrote it. */
  text: string;
  /** The time the text starts with (as written), when it starts with one. */
  time?: string;
}

/** The statuses in which a job waits for resources or its environment: events say why. */
export const WAITING_STATUSES: ReadonlySet<string> = new Set(['Creating', 'Queuing', 'EnvPreparing']);

/** The page size asked: the model's default, so one call usually holds every event. */
export const EVENTS_PAGE_SIZE = 100;
/** A guard against a server that never says it is done (it ignores PageNumber, or TotalCount runs ahead). */
const MAX_PAGES = 20;

const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))(?=\s|$)/;

/** The event of a text: its leading time, if it has one. */
export function parseEvent(text: string): JobEvent {
  const time = LEADING_TIME.exec(text)?.[1];
  return time && !Number.isNaN(Date.parse(time)) ? { text, time } : { text };
}

/**
 * The events shown so far, to show each one once. The same text twice counts twice (two identical events in
 * one answer are two events), so it is a count per text, not a set.
 */
export class EventLog {
  readonly #seen = new Map<string, number>();
  #newest: number | undefined;

  /** The events of an answer not shown yet, oldest first when every one has a time (else as served). */
  add(texts: readonly string[]): JobEvent[] {
    const inAnswer = new Map<string, number>();
    const fresh: JobEvent[] = [];
    for (const text of texts) {
      const n = (inAnswer.get(text) ?? 0) + 1;
      inAnswer.set(text, n);
      if (n <= (this.#seen.get(text) ?? 0)) continue;
      this.#seen.set(text, n);
      const event = parseEvent(text);
      if (event.time) this.#newest = Math.max(this.#newest ?? -Infinity, Date.parse(event.time));
      fresh.push(event);
    }
    if (fresh.every((e) => e.time)) fresh.sort((a, b) => Date.parse(a.time!) - Date.parse(b.time!));
    return fresh;
  }

  /**
   * Where the next read may start: the minute of the newest event seen (the model's StartTime is written to the
   * minute), so a later read asks only for recent events; the count per text drops the overlap.
   */
  get startTime(): string | undefined {
    return this.#newest === undefined ? undefined : minuteOf(this.#newest);
  }
}

/**
 * Every event the service holds for the query, page after page until TotalCount (or a short page when it
 * gives none). Each page is one call of `jobs` (retrying, and on the follow's budget when following).
 */
export async function listEvents(jobs: JobsApi, jobId: string, startTime?: string): Promise<string[]> {
  const list = jobs.listEvents?.bind(jobs);
  if (!list) return [];
  const all: string[] = [];
  let previous: string[] | undefined;
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const page = await list(jobId, { pageNumber, pageSize: EVENTS_PAGE_SIZE, ...(startTime ? { startTime } : {}) });
    // A server that serves the same page whatever PageNumber says would repeat every event: stop there.
    if (page.events.length === 0 || (previous && sameList(previous, page.events))) break;
    all.push(...page.events);
    previous = page.events;
    if (page.totalCount !== undefined ? all.length >= page.totalCount : page.events.length < EVENTS_PAGE_SIZE) break;
  }
  return all;
}

/**
 * The last `count` events of a job for `status`: the first page says how many there are; when they do not fit,
 * the last page (and the one before when the last holds too few) has the newest.
 */
export async function lastEvents(jobs: JobsApi, jobId: string, count: number): Promise<JobEvent[]> {
  const list = jobs.listEvents?.bind(jobs);
  if (!list) return [];
  const size = EVENTS_PAGE_SIZE;
  const first = await list(jobId, { pageNumber: 1, pageSize: size });
  let texts = first.events;
  const total = first.totalCount;
  if (total !== undefined && total > first.events.length && first.events.length > 0) {
    // The service's page size may be below ours: count pages in what it served.
    const served = first.events.length;
    const last = Math.ceil(total / served);
    const tail = await list(jobId, { pageNumber: last, pageSize: size });
    texts = tail.events;
    if (texts.length < count && last > 1) {
      const before = await list(jobId, { pageNumber: last - 1, pageSize: size });
      texts = [...before.events, ...texts];
    }
  }
  const events = texts.map(parseEvent);
  if (events.every((e) => e.time)) events.sort((a, b) => Date.parse(a.time!) - Date.parse(b.time!));
  return events.slice(-count);
}

/**
 * When a follow reads events (docs/following.md, "Why is my job waiting?"): once the job has waited in
 * WAITING_STATUSES for `eventsAfterMs`, then at most every `eventsIntervalMs`, and never within
 * `eventsIntervalMs` of a log line; and once after the end when no log line came at all. Each event is shown once.
 */
export class EventWatch {
  readonly #log = new EventLog();
  /** When this follow saw the job start waiting (its clock), and when the service says it did (the service's clock). */
  #sawWaiting: number | undefined;
  #serviceWaiting: number | undefined;
  #readAt = -Infinity;
  #lineAt: number | undefined;
  #off = false;

  constructor(private readonly cadence: Pick<Cadence, 'eventsAfterMs' | 'eventsIntervalMs'>) {}

  /** A status read: starts or ends the wait. */
  observe(job: TrainingJob, now: number): void {
    if (!WAITING_STATUSES.has(job.status)) {
      this.#sawWaiting = this.#serviceWaiting = undefined;
      return;
    }
    this.#sawWaiting ??= now;
    this.#serviceWaiting = waitingSince(job);
  }

  /** Log lines arrived: no events while they flow. */
  sawLines(now: number): void {
    this.#lineAt = now;
  }

  /** Whether this follow printed any log line. */
  get sawAnyLine(): boolean {
    return this.#lineAt !== undefined;
  }

  /** After a read failed for good: events are a hint, so the follow goes on without them. */
  stop(): void {
    this.#off = true;
  }

  get stopped(): boolean {
    return this.#off;
  }

  /** When the next read is due (Infinity: not while the job is not waiting). */
  dueAt(): number {
    if (this.#off || this.#sawWaiting === undefined) return Infinity;
    // The service's own time of the status, when it has one: a job followed after a long wait is explained at once.
    const since = Math.min(this.#sawWaiting, this.#serviceWaiting ?? Infinity);
    return Math.max(
      since + this.cadence.eventsAfterMs,
      this.#readAt + this.cadence.eventsIntervalMs,
      (this.#lineAt ?? -Infinity) + this.cadence.eventsIntervalMs,
    );
  }

  /** Reads the events and returns those not shown yet. */
  async read(jobs: JobsApi, jobId: string, now: number): Promise<JobEvent[]> {
    this.#readAt = now;
    return this.#log.add(await listEvents(jobs, jobId, this.#log.startTime));
  }
}

// --- internal ---

/**
 * When the job's current run of waiting statuses began, by its StatusTransitions. The service writes times to
 * the second, so the status began at most a second after the time written: that second is added, so that the
 * wait is never taken for longer than it was.
 */
function waitingSince(job: TrainingJob): number | undefined {
  const transitions = job.transitions;
  if (transitions.at(-1)?.status !== job.status) return undefined;
  let since: number | undefined;
  for (let i = transitions.length - 1; i >= 0; i--) {
    const t = transitions[i]!;
    if (!WAITING_STATUSES.has(t.status)) break;
    const start = t.startTime ? Date.parse(t.startTime) : NaN;
    if (Number.isNaN(start)) break;
    since = start + 1_000;
  }
  return since;
}

function minuteOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
