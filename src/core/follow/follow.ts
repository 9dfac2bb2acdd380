import type { JobsApi, TrainingJob } from '../ports/backends.js';
import { InterruptedError } from '../errors.js';
import { jobEvent, shortInstance, statusEvent, type Emit } from '../events.js';
import { hasEnded } from '../job-status.js';
import { CallBudget } from './budget.js';
import { CADENCE, idleIntervalMs, type Cadence } from './cadence.js';
import { EventWatch } from './events.js';
import type { LogStream, PageRead } from './log-stream.js';
import { Streams } from './streams.js';
import { adaptersOf, retryingJobs } from '../retrying-backends.js';
import type { Retrying } from '../runtime.js';

export interface FollowDeps {
  jobs: JobsApi;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The retry policy (src/core/runtime.ts), for the reads a follow retries whole: a status read, and a page of
   * logs, which the log stream itself may refuse (a server that ignores PageNumber) and which is then read again.
   * Absent: nothing is retried (an in-memory JobsApi in a test).
   */
  retrying?: Retrying;
}

export interface FollowOptions {
  showLogs: boolean;
  /** Stop following after this long (the job keeps running). */
  timeoutMs?: number;
  signal?: AbortSignal;
  cadence?: Partial<Cadence>;
  /** Only the last N lines of each stream already there (`logs --tail N`). */
  tail?: number;
  /** Only this instance's lines (`logs --worker NAME`), unprefixed. */
  instance?: string;
  /** Print what the service holds now and return (`logs` without --follow). */
  once?: boolean;
  /** Read the job's events too, each emitted once (events.ts says when they are read); a quiet report shows none. */
  jobEvents?: boolean;
}

export type FollowResult = { outcome: 'ended' | 'timeout' | 'snapshot'; job: TrainingJob };

/** When a read is due, and where it stands among the reads due (lower first). */
interface Slot {
  eligibleAt: number;
  key: number;
  inFlight: boolean;
}

/**
 * Follows a job until its outcome is known: its status from GetTrainingJob, its logs from ListTrainingJobLogs
 * (streams.ts chooses the streams), then the lines left after it ended. Every call of a follow shares one
 * budget (budget.ts, cadence.ts): reads are scheduled one page at a time, the read due longest first, the
 * status read among them. Every call goes through the retry policy; what cannot be retried is thrown. Ctrl-C
 * (the signal) throws an InterruptedError; the job is left alone here, the caller decides what to do with it.
 */
export async function followJob(jobId: string, deps: FollowDeps, emit: Emit, options: FollowOptions): Promise<FollowResult> {
  const cadence: Cadence = { ...CADENCE, ...options.cadence };
  const { signal } = options;
  const started = deps.now();
  /** When following stops (--timeout); never without one. */
  const deadline = started + (options.timeoutMs ?? Infinity);
  // Status and log reads are retried whole here (`call`), so they go to the adapters beneath the backends'
  // retries, or an attempt would be retried twice over; the events keep the backends' retries. A snapshot reads
  // what is there page after page, as the SDK does; following spends the one budget, every attempt included.
  const call: Retrying = deps.retrying ?? ((fn) => fn());
  const budget = new CallBudget(cadence.callSpacingMs, deps.now, deps.sleep);
  const adapters = adaptersOf(deps.jobs);
  const jobs = options.once ? adapters : budget.wrap(adapters, signal);
  const eventJobs = deps.retrying ? retryingJobs(jobs, deps.retrying) : jobs;
  const streams = new Streams(jobs, jobId, options.instance);
  // Set when this follow is over: a read still under way then prints nothing.
  let closed = false;
  let lastLineAt = deps.now();
  let lastHeartbeatAt = lastLineAt;
  // Why a job waits: its events, read on the same budget (events.ts decides when); a snapshot returns before any.
  const eventWatch = options.jobEvents && eventJobs.listEvents ? new EventWatch(cadence) : undefined;

  const tailed = new Set<LogStream>();
  /** One page of a stream (after moving it to its last `tail` lines, the first time). */
  const readPage = async (stream: LogStream): Promise<PageRead> => {
    if (options.tail !== undefined && !tailed.has(stream)) {
      // No InstanceId (undefined) reads the unfiltered count: the adapter sends the parameter only when set.
      const first = await jobs.listLogs(jobId, { pageNumber: 1, pageSize: 1, instanceId: stream.instanceId });
      if (first.notStarted) return { count: 0, more: false };
      tailed.add(stream);
      if (first.totalCount !== undefined) stream.skipTo(Math.max(0, first.totalCount - options.tail));
    }
    const read = await stream.readPage((lines) => {
      if (closed || !streams.has(stream)) return;
      const worker = streams.prefixed && stream.instanceId ? shortInstance(jobId, stream.instanceId) : null;
      for (const line of lines) for (const part of splitLine(line)) emit({ type: 'log', worker, line: part });
    }, signal);
    if (read.count > 0) {
      lastLineAt = lastHeartbeatAt = deps.now();
      eventWatch?.sawLines(lastLineAt);
    }
    return read;
  };
  /** A stream to its end, each page through the retry policy (a failed page is read again, not the stream). */
  const readToEnd = async (stream: LogStream): Promise<number> => {
    let count = 0;
    for (;;) {
      const read = await call(() => readPage(stream));
      count += read.count;
      if (!read.more) return count;
    }
  };
  /** Every stream to its end, one after another (the budget spaces the calls anyway). */
  const readRound = async (): Promise<number> => {
    let count = 0;
    for (const stream of streams.all()) count += await readToEnd(stream);
    return count;
  };

  let job = await call(() => jobs.getJob(jobId));
  reportStatus(emit, job, undefined);
  streams.update(job);
  eventWatch?.observe(job, deps.now());

  if (options.once) {
    // A snapshot (`logs` without --follow) prints worker after worker, so that each worker's lines read as a block.
    if (options.showLogs) for (const stream of streams.all()) await readToEnd(stream);
    return { outcome: 'snapshot', job };
  }

  const slots = new Map<LogStream, Slot>();
  const slotOf = (stream: LogStream): Slot => {
    let slot = slots.get(stream);
    if (!slot) slots.set(stream, (slot = { eligibleAt: deps.now(), key: deps.now(), inFlight: false }));
    return slot;
  };
  let statusInterval = cadence.statusMinMs;
  const status: Slot = { eligibleAt: deps.now() + statusInterval, key: deps.now() + statusInterval, inFlight: false };
  let ended = hasEnded(job.status);
  let failure: { error: unknown } | undefined;
  /** The calls under way, and when each started. */
  const running = new Map<Promise<void>, number>();
  let wake: (() => void) | undefined;
  /**
   * When the next call may start beside those under way: once the latest is slow; at once when none is (the
   * largest of no values is -Infinity).
   */
  const freeAt = () => Math.max(...running.values()) + cadence.overlapAfterMs;

  const launch = (slot: Slot, task: () => Promise<void>) => {
    slot.inFlight = true;
    const done: Promise<void> = task()
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        slot.inFlight = false;
        running.delete(done);
        wake?.();
      });
    running.set(done, deps.now());
  };

  const readStatus = async () => {
    const previous = job.status;
    job = await call(() => jobs.getJob(jobId));
    for (const stream of streams.update(job)) slotOf(stream);
    const changed = job.status !== previous;
    if (changed && !closed) reportStatus(emit, job, previous);
    eventWatch?.observe(job, deps.now());
    // Often while the job changes or has no instance to read logs from; less often while it is steady.
    statusInterval = changed || job.instances.length === 0 ? cadence.statusMinMs : Math.min(cadence.statusMaxMs, statusInterval * cadence.statusBackoff);
    const now = deps.now();
    status.eligibleAt = status.key = now + statusInterval;
    // A status change (an instance appearing, the end) is worth a look at the logs right away.
    if (changed) for (const stream of streams.all()) Object.assign(slotOf(stream), { eligibleAt: now, key: Math.min(slotOf(stream).key, now) });
    if (hasEnded(job.status)) ended = true;
  };

  const readStream = (stream: LogStream) => async () => {
    const launchedAt = deps.now();
    const read = await call(() => readPage(stream));
    const slot = slotOf(stream);
    const now = deps.now();
    if (read.more) {
      // The rest now, but behind every read that was already due: a long backlog does not starve the others.
      slot.eligibleAt = slot.key = now;
    } else if (read.count > 0) {
      // A busy stream is due again soon, and ranks as if it had been due since its last read.
      slot.eligibleAt = launchedAt + cadence.logActiveMs;
      slot.key = launchedAt;
    } else {
      slot.eligibleAt = slot.key = launchedAt + idleIntervalMs(cadence, streams.size);
    }
  };

  /** New events, each shown once; a read that fails for good ends the events of this follow, not the follow. */
  const eventSlot: Slot = { eligibleAt: Infinity, key: Infinity, inFlight: false };
  const readEvents = async (watch: EventWatch) => {
    try {
      const fresh = await watch.read(eventJobs, jobId, deps.now());
      if (!closed) for (const e of fresh) emit(jobEvent(jobId, e));
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      watch.stop();
    }
  };

  try {
    for (;;) {
      if (signal?.aborted) throw new InterruptedError('Interrupted');
      // A read that failed for good ends the follow at once; reads still under way print nothing more (closed).
      if (failure) throw failure.error;
      if (ended) {
        await Promise.allSettled(running.keys());
        if (failure) throw (failure as { error: unknown }).error;
        break;
      }
      const now = deps.now();
      if (now >= deadline) return { outcome: 'timeout', job };
      if (options.showLogs && now - lastHeartbeatAt >= cadence.heartbeatMs) {
        lastHeartbeatAt = now;
        emit({ type: 'heartbeat', status: job.status, quietMs: now - lastLineAt });
      }
      // The read due longest goes first; the status read is one of them.
      let pick: { slot: Slot; task: () => Promise<void> } | undefined;
      if (!status.inFlight && status.eligibleAt <= now) pick = { slot: status, task: readStatus };
      if (options.showLogs) {
        for (const stream of streams.all()) {
          const slot = slotOf(stream);
          if (slot.inFlight || slot.eligibleAt > now || (pick && pick.slot.key <= slot.key)) continue;
          pick = { slot, task: readStream(stream) };
        }
      }
      if (eventWatch && !eventSlot.inFlight) {
        eventSlot.eligibleAt = eventSlot.key = eventWatch.dueAt();
        if (eventSlot.eligibleAt <= now && !(pick && pick.slot.key <= eventSlot.key)) pick = { slot: eventSlot, task: () => readEvents(eventWatch) };
      }
      if (pick && budget.readyAt <= now && freeAt() <= now) {
        // The call takes the budget's slot as it starts; the next pick waits for the next slot.
        launch(pick.slot, pick.task);
        continue;
      }
      let wakeAt = pick ? Math.max(budget.readyAt, freeAt()) : status.inFlight ? Infinity : status.eligibleAt;
      if (options.showLogs && !pick) {
        for (const stream of streams.all()) {
          const slot = slotOf(stream);
          if (!slot.inFlight) wakeAt = Math.min(wakeAt, slot.eligibleAt);
        }
      }
      if (eventWatch && !eventSlot.inFlight && !pick) wakeAt = Math.min(wakeAt, eventSlot.eligibleAt);
      if (options.showLogs) wakeAt = Math.min(wakeAt, lastHeartbeatAt + cadence.heartbeatMs);
      wakeAt = Math.min(wakeAt, deadline);
      // Capped: a finishing call wakes the loop anyway, and a timer cannot be set for ever.
      await nap(deps, Math.min(Math.max(0, wakeAt - now), cadence.heartbeatMs), signal, (w) => (wake = w));
    }

    // The outcome is known; logs can trail the status: read everything now, then again until a round brings
    // nothing after a pause.
    if (options.showLogs) {
      await readRound();
      const until = deps.now() + cadence.drainMaxMs;
      while (deps.now() < until) {
        await deps.sleep(cadence.drainIntervalMs, signal);
        if ((await readRound()) === 0) break;
      }
    }
    // A job that ended without a single log line: its events are often the only explanation, shown before the
    // summary. Logs not read (status --wait) count as none.
    if (eventWatch && !eventWatch.sawAnyLine && !eventWatch.stopped) await readEvents(eventWatch);
    return { outcome: 'ended', job };
  } finally {
    closed = true;
  }
}

// --- internal ---

/**
 * Sleeps `ms`, or less when a call finishes first (it calls the function handed to `onWake`), whether or not
 * the sleep honours its signal. The user's signal ends the sleep with its InterruptedError; when a sleep ignores
 * it, the loop's next check of the signal throws one.
 */
async function nap(deps: FollowDeps, ms: number, signal: AbortSignal | undefined, onWake: (wake: () => void) => void): Promise<void> {
  const local = new AbortController();
  let woken!: () => void;
  const wakeUp = new Promise<undefined>((resolve) => (woken = () => resolve(undefined)));
  onWake(() => {
    woken();
    local.abort();
  });
  const both = signal ? AbortSignal.any([signal, local.signal]) : local.signal;
  // Settles with the sleep's error instead of rejecting, so that a sleep cut short by a wake-up is no failure.
  const sleeping = deps.sleep(ms, both).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  try {
    const outcome = await Promise.race([sleeping, wakeUp]);
    // A sleep that ended on its own although the user interrupted: the loop's first check throws the
    // InterruptedError.
    if (outcome && (signal?.aborted || !local.signal.aborted)) throw outcome.error;
  } finally {
    onWake(() => {});
  }
}

/**
 * A status change, with the statuses the job passed through between two reads (from its StatusTransitions),
 * so a short Queuing between two polls is still shown, whatever the poll timing.
 */
function reportStatus(emit: Emit, job: TrainingJob, previous: string | undefined): void {
  const seen = job.transitions.map((t) => t.status).filter((s) => s);
  let from = previous === undefined ? 0 : seen.lastIndexOf(previous) + 1;
  if (previous !== undefined && from === 0) from = seen.length; // the previous status is not in the history: nothing to replay
  let shown = previous;
  for (const status of seen.slice(from)) {
    if (status === job.status) break;
    emit(statusEvent({ ...job, status }, shown));
    shown = status;
  }
  emit(statusEvent(job, shown));
}

/** A line as printed: without its trailing newline; a multi-line entry becomes several lines. */
function splitLine(line: string): string[] {
  return line.replace(/\r?\n$/, '').split(/\r?\n/);
}
