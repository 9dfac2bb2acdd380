import type { JobsApi, TrainingJob } from '../../cloud/types.js';
import { withRetry, type RetryOptions } from '../../cloud/retry.js';
import type { ApiError } from '../errors.js';
import { InterruptedError } from '../errors.js';
import { isTerminal } from '../job-status.js';
import { CADENCE, type Cadence } from './cadence.js';
import { LogStream } from './log-stream.js';

export interface FollowEvents {
  /** The job's status changed (or was first seen: `previous` undefined). */
  status(job: TrainingJob, previous: string | undefined): void;
  /** One log line, without its trailing newline; `instance` is set when the job has several instances. */
  log(instance: string | undefined, line: string): void;
  /** No log line for a while; the job is still `job.status`. */
  heartbeat(job: TrainingJob, quietMs: number): void;
  /** A call failed and will be tried again. */
  retry(error: ApiError, attempt: number, delayMs: number): void;
}

export interface FollowDeps {
  jobs: JobsApi;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface FollowOptions {
  showLogs: boolean;
  /** Stop following after this long (the job keeps running). */
  timeoutMs?: number;
  signal?: AbortSignal;
  cadence?: Partial<Cadence>;
  retry?: Partial<RetryOptions>;
  /** Only the last N lines of each stream already there (`logs --tail N`). */
  tail?: number;
  /** Only this instance's lines (`logs --worker NAME`), unprefixed. */
  instance?: string;
  /** Print what the service holds now and return (`logs` without --follow). */
  once?: boolean;
}

export type FollowResult = { outcome: 'ended' | 'timeout' | 'snapshot'; job: TrainingJob };

/**
 * Follows a job to its end: its status from GetTrainingJob, its logs from ListTrainingJobLogs (one stream
 * per instance when it has several, each line once and in order), then the lines left after it ended.
 * Every call goes through the retry policy; what cannot be retried is thrown. Ctrl-C (the signal) throws
 * an InterruptedError; the job is left alone here, the caller decides what to do with it.
 */
export async function followJob(jobId: string, deps: FollowDeps, events: FollowEvents, options: FollowOptions): Promise<FollowResult> {
  const cadence: Cadence = { ...CADENCE, ...options.cadence };
  const { signal } = options;
  const started = deps.now();
  const call = <T>(fn: () => Promise<T>) => withRetry(fn, { idempotent: true, ...options.retry, ...(signal ? { signal } : {}), onRetry: events.retry });
  const streams = new Streams(deps.jobs, jobId, options.instance);

  let job = await call(() => deps.jobs.getJob(jobId));
  reportStatus(events, job, undefined);
  streams.update(job.instances.map((i) => i.name));
  let statusInterval = cadence.statusMinMs;
  let nextStatusAt = deps.now() + statusInterval;
  let lastLineAt = deps.now();
  let lastHeartbeatAt = lastLineAt;

  const readLogs = async (): Promise<number> => {
    if (!options.showLogs) return 0;
    let count = 0;
    if (options.tail !== undefined) await streams.applyTail(options.tail, call);
    const poll = (stream: LogStream) => {
      const prefix = streams.prefixed ? stream.instanceId : undefined;
      const deliver = (lines: string[]) => {
        count += lines.length;
        for (const line of lines) for (const part of splitLine(line)) events.log(prefix, part);
      };
      return call(() => stream.poll(deliver));
    };
    if (options.once) {
      // A snapshot (`logs` without --follow) prints worker after worker, so that each worker's lines read as a block.
      for (const stream of streams.all()) await poll(stream);
      return count;
    }
    // Following, every stream at once: a round takes one request's time, not one per worker, so with N workers a
    // line still waits at most about one interval. Each stream delivers its pages in order as they arrive; a stream
    // that fails for good fails the round once the others have delivered what they read.
    const rounds = await Promise.allSettled(streams.all().map(poll));
    const failed = rounds.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return count;
  };

  // Status and logs keep their own schedules, so a wake-up for one never spends a call on the other.
  let nextLogAt = deps.now();
  for (;;) {
    if (signal?.aborted) throw new InterruptedError('Interrupted');
    if (deps.now() >= nextStatusAt) {
      const previous = job.status;
      job = await call(() => deps.jobs.getJob(jobId));
      streams.update(job.instances.map((i) => i.name));
      const changed = job.status !== previous;
      if (changed) reportStatus(events, job, previous);
      // Poll often while the job changes or has no instance to read logs from; back off while it is steady.
      statusInterval = changed || job.instances.length === 0 ? cadence.statusMinMs : Math.min(cadence.statusMaxMs, statusInterval * cadence.statusBackoff);
      nextStatusAt = deps.now() + statusInterval;
      // A status change (an instance appearing, the end) is worth a look at the logs right away.
      if (changed) nextLogAt = deps.now();
    }
    const terminal = isTerminal(job.status);
    if (options.once || terminal || deps.now() >= nextLogAt) {
      // Rounds are spaced from their start, so the time the reads take does not lengthen a line's wait.
      const roundAt = deps.now();
      const got = await readLogs();
      if (options.once) return { outcome: 'snapshot', job };
      if (got > 0) lastLineAt = lastHeartbeatAt = deps.now();
      nextLogAt = roundAt + (got > 0 ? cadence.logActiveMs : cadence.logIdleMs);
    }
    if (terminal) {
      await drain(readLogs, deps, cadence, signal);
      return { outcome: 'ended', job };
    }
    if (options.showLogs && deps.now() - lastHeartbeatAt >= cadence.heartbeatMs) {
      lastHeartbeatAt = deps.now();
      events.heartbeat(job, deps.now() - lastLineAt);
    }
    if (options.timeoutMs !== undefined && deps.now() - started >= options.timeoutMs) return { outcome: 'timeout', job };
    let wakeAt = options.showLogs ? Math.min(nextLogAt, nextStatusAt) : nextStatusAt;
    if (options.timeoutMs !== undefined) wakeAt = Math.min(wakeAt, started + options.timeoutMs);
    await deps.sleep(Math.max(0, wakeAt - deps.now()), signal);
  }
}

// --- internal ---

/**
 * A status change, with the statuses the job passed through between two reads (from its StatusTransitions),
 * so a short Queuing between two polls is still shown, whatever the poll timing.
 */
function reportStatus(events: FollowEvents, job: TrainingJob, previous: string | undefined): void {
  const seen = job.transitions.map((t) => t.status).filter((s) => s);
  let from = previous === undefined ? 0 : seen.lastIndexOf(previous) + 1;
  if (previous !== undefined && from === 0) from = seen.length; // the previous status is not in the history: nothing to replay
  let shown = previous;
  for (const status of seen.slice(from)) {
    if (status === job.status) break;
    events.status({ ...job, status }, shown);
    shown = status;
  }
  events.status(job, shown);
}

/** After the end, logs can trail the status: read until a round brings nothing after a pause. */
async function drain(readLogs: () => Promise<number>, deps: FollowDeps, cadence: Cadence, signal: AbortSignal | undefined): Promise<void> {
  const until = deps.now() + cadence.drainMaxMs;
  while (deps.now() < until) {
    await deps.sleep(cadence.drainIntervalMs, signal);
    if ((await readLogs()) === 0) return;
  }
}

/** A line as printed: without its trailing newline; a multi-line entry becomes several lines. */
function splitLine(line: string): string[] {
  return line.replace(/\r?\n$/, '').split(/\r?\n/);
}

/**
 * The log streams of a job. One instance: one unfiltered stream, lines unprefixed. Several: one stream per
 * instance, filtered by InstanceId, lines prefixed. When a single-instance job grows, its unfiltered
 * stream hands its position to that instance's filtered stream.
 */
class Streams {
  #streams = new Map<string, LogStream>();
  #single: LogStream | undefined;
  #singleName: string | undefined;
  #tailed = new Set<LogStream>();

  constructor(
    private readonly jobs: JobsApi,
    private readonly jobId: string,
    /** Read only this instance. */
    private readonly only: string | undefined,
  ) {}

  get prefixed(): boolean {
    return this.#streams.size > 0;
  }

  /** Moves each new stream to its last `n` lines, once, before it is first read. */
  async applyTail(n: number, call: <T>(fn: () => Promise<T>) => Promise<T>): Promise<void> {
    for (const stream of this.all()) {
      if (this.#tailed.has(stream)) continue;
      const first = await call(() => this.jobs.listLogs(this.jobId, { pageNumber: 1, pageSize: 1, ...(stream.instanceId ? { instanceId: stream.instanceId } : {}) }));
      if (first.notStarted) continue;
      this.#tailed.add(stream);
      if (first.totalCount !== undefined) stream.skipTo(Math.max(0, first.totalCount - n));
    }
  }

  all(): LogStream[] {
    return this.#single ? [this.#single] : [...this.#streams.values()];
  }

  update(names: string[]): void {
    if (this.only !== undefined) {
      this.#single ??= new LogStream(this.jobs, this.jobId, this.only);
      return;
    }
    if (names.length === 0) return;
    if (names.length === 1 && this.#streams.size === 0) {
      this.#single ??= new LogStream(this.jobs, this.jobId, undefined);
      this.#singleName = names[0];
      return;
    }
    for (const name of names) {
      if (this.#streams.has(name)) continue;
      const start = this.#single && name === this.#singleName ? this.#single.delivered : 0;
      this.#streams.set(name, new LogStream(this.jobs, this.jobId, name, start));
    }
    this.#single = undefined;
  }
}
