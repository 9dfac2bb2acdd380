import type { JobsApi, ObjectStore, TrainingJob } from '../cloud/types.js';
import { withRetry, type RetryOptions } from '../cloud/retry.js';
import { ExitCode } from './exit-codes.js';
import { ApiError, InterruptedError } from './errors.js';
import { interruptedEvent, resultEvent, retryEvents, timedOutEvent, type Emit } from './events.js';
import { followJob } from './follow/follow.js';
import type { Cadence } from './follow/cadence.js';
import { exitCodeForStatus, isTerminal } from './job-status.js';
import type { Job } from './job.js';
import type { CompleteSession } from './session/resolve.js';
import { submitJob, type SubmitDeps } from './submit.js';

/** How a followed job ended: the job as last read, for what comes after the run (`run --download`). */
export interface RunEnding {
  job: TrainingJob;
  exitCode: number;
  outputs: { name: string; uri: string }[];
}

export interface RunDeps {
  jobs: JobsApi;
  store: ObjectStore;
  packCode: SubmitDeps['packCode'];
  now: () => Date;
  clock: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal: AbortSignal;
}

export interface RunOptions {
  detach: boolean;
  timeoutMs?: number;
  stopOnInterrupt: boolean;
  cadence?: Partial<Cadence>;
  /** How long --stop-on-interrupt waits for the job to reach a stopped state. */
  stopWaitMs?: number;
  retry?: Partial<RetryOptions>;
  /** After a create whose answer was lost, how long to look for the job before sending again. */
  lostCreateGraceMs?: number;
  /** Read the job's events while following (core/follow/follow.ts). */
  jobEvents?: boolean;
  /** Told how the job ended, when it was followed to its end. */
  onEnded?: (ending: RunEnding) => void;
}

/**
 * `run` after validation: submit, then follow to the end (unless detached), and the exit code of
 * docs/exit-codes.md for how it ended: the job's status, 6 on --timeout, 130 on Ctrl-C (3 when
 * --stop-on-interrupt stopped the job).
 */
export async function runJob(job: Job, session: CompleteSession, deps: RunDeps, emit: Emit, options: RunOptions): Promise<number> {
  let jobId: string | undefined;
  let last: TrainingJob | undefined;
  try {
    const submission = await submitJob(job, session, { jobs: deps.jobs, store: deps.store, packCode: deps.packCode, now: deps.now, signal: deps.signal, ...(options.retry ? { retry: options.retry } : {}), ...(options.lostCreateGraceMs !== undefined ? { lostCreateGraceMs: options.lostCreateGraceMs } : {}) }, emit);
    jobId = submission.jobId;
    const created = (last = submission.job);
    emit({ type: 'submitted', jobId: created.id, name: created.name, url: created.url ?? null, detail: { status: created.status } });
    if (options.detach || !job.wait) {
      emit({ type: 'detached', jobId: created.id, status: created.status, exitCode: 0, detached: true, url: created.url ?? null });
      return ExitCode.ok;
    }
    emit({ type: 'following', jobId, stopOnInterrupt: options.stopOnInterrupt });
    const started = deps.clock();
    const tracked: Emit = (event) => {
      if (event.type === 'status' && event.detail.job) last = event.detail.job;
      emit(event);
    };
    const result = await followJob(jobId, { jobs: deps.jobs, now: deps.clock, sleep: deps.sleep }, tracked, {
      showLogs: job.show_logs,
      ...(options.jobEvents ? { jobEvents: true } : {}),
      signal: deps.signal,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.cadence ? { cadence: options.cadence } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    }).catch((error: unknown) => {
      // The job was submitted: whatever went wrong while following, it may still be running.
      if (error instanceof ApiError) throw new ApiError(error.message, { code: error.code, retryable: false, hint: `The job ${jobId} may still be running: pai-process logs ${jobId} --follow, or pai-process stop ${jobId}.` });
      throw error;
    });
    if (result.outcome === 'timeout') {
      emit(timedOutEvent(result.job, deps.clock() - started));
      return ExitCode.timeout;
    }
    const exitCode = exitCodeForStatus(result.job.status);
    const durationMs = result.job.duration !== undefined ? result.job.duration * 1000 : deps.clock() - started;
    const outputs = outputsOf(result.job, submission.plan.body);
    emit(resultEvent(result.job, exitCode, durationMs, outputs));
    options.onEnded?.({ job: result.job, exitCode, outputs });
    return exitCode;
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    if (!jobId) {
      emit({ type: 'cancelled', jobId: null, status: null, exitCode: 130, interrupted: true });
      return ExitCode.interrupted;
    }
    if (!options.stopOnInterrupt) {
      emit(interruptedEvent(jobId, last?.status, false));
      return ExitCode.interrupted;
    }
    const final = await stopAndWait(jobId, deps, emit, options.stopWaitMs ?? 60_000, options.retry);
    emit(interruptedEvent(jobId, final?.status, true));
    return ExitCode.jobStopped;
  }
}

/** Stops a job and waits (bounded) for a stopped state; a second Ctrl-C is the way out of the wait. */
export async function stopAndWait(
  jobId: string,
  deps: Pick<RunDeps, 'jobs' | 'clock' | 'sleep'>,
  emit: Emit,
  maxWaitMs: number,
  retry?: Partial<RetryOptions>,
): Promise<TrainingJob | undefined> {
  const call = <T>(fn: () => Promise<T>) => withRetry(fn, { idempotent: true, ...retry, onRetry: retryEvents(emit) });
  emit({ type: 'stopping', jobId });
  await call(() => deps.jobs.stopJob(jobId));
  const until = deps.clock() + maxWaitMs;
  let job: TrainingJob | undefined;
  while (deps.clock() < until) {
    job = await call(() => deps.jobs.getJob(jobId));
    if (isTerminal(job.status)) return job;
    await deps.sleep(1000);
  }
  return job;
}

function outputsOf(job: TrainingJob, body: Record<string, unknown>): { name: string; uri: string }[] {
  const fromService = job.outputs.filter((o) => o.uri).map((o) => ({ name: o.name, uri: o.uri! }));
  if (fromService.length > 0) return fromService;
  const sent = (body['OutputChannels'] as { Name: string; OutputUri?: string }[] | undefined) ?? [];
  return sent.filter((o) => o.OutputUri).map((o) => ({ name: o.Name, uri: o.OutputUri! }));
}
