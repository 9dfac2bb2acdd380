import type { JobsApi, ObjectStore, TrainingJob } from './ports/backends.js';
import { ExitCode } from './exit-codes.js';
import { ApiError, InterruptedError } from './errors.js';
import { interruptedEvent, resultEvent, timedOutEvent, type Emit } from './events.js';
import { followJob } from './follow/follow.js';
import { exitCodeForStatus, isTerminal } from './job-status.js';
import type { Job } from './job.js';
import { jobsBeneath } from './retrying-backends.js';
import type { Runtime } from './runtime.js';
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
  /** The clock, cadence, Ctrl-C signal and lost-create grace of this run (src/core/runtime.ts). */
  runtime: Runtime;
}

export interface RunOptions {
  detach: boolean;
  timeoutMs?: number;
  stopOnInterrupt: boolean;
  /** How long --stop-on-interrupt waits for the job to reach a stopped state. */
  stopWaitMs?: number;
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
  const { runtime } = deps;
  try {
    const submission = await submitJob(job, session, { jobs: deps.jobs, store: deps.store, packCode: deps.packCode, runtime }, emit);
    jobId = submission.jobId;
    const created = (last = submission.job);
    emit({ type: 'submitted', jobId: created.id, name: created.name, url: created.url ?? null, detail: { status: created.status } });
    if (options.detach || !job.wait) {
      emit({ type: 'detached', jobId: created.id, status: created.status, exitCode: 0, detached: true, url: created.url ?? null });
      return ExitCode.ok;
    }
    emit({ type: 'following', jobId, stopOnInterrupt: options.stopOnInterrupt });
    const started = runtime.now();
    const tracked: Emit = (event) => {
      if (event.type === 'status' && event.detail.job) last = event.detail.job;
      emit(event);
    };
    const result = await followJob(jobId, { jobs: deps.jobs, now: runtime.now, sleep: runtime.sleep, retrying: runtime.retrying }, tracked, {
      showLogs: job.show_logs,
      jobEvents: options.jobEvents,
      signal: runtime.signal,
      timeoutMs: options.timeoutMs,
      cadence: runtime.cadence,
    }).catch((error: unknown) => {
      // The job was submitted: whatever went wrong while following, it may still be running.
      if (error instanceof ApiError)
        throw new ApiError(error.message, {
          code: error.code,
          retryable: false,
          hint: `The job ${jobId} may still be running: pai-process logs ${jobId} --follow, or pai-process stop ${jobId}.`,
        });
      throw error;
    });
    if (result.outcome === 'timeout') {
      emit(timedOutEvent(result.job, runtime.now() - started));
      return ExitCode.timeout;
    }
    const exitCode = exitCodeForStatus(result.job.status);
    const durationMs = result.job.duration !== undefined ? result.job.duration * 1000 : runtime.now() - started;
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
      // `last` is set together with jobId (the job the create answered for), then each status seen.
      emit(interruptedEvent(jobId, last!.status, false));
      return ExitCode.interrupted;
    }
    const final = await stopAndWait(jobId, { jobs: deps.jobs, runtime }, emit, options.stopWaitMs ?? 60_000);
    emit(interruptedEvent(jobId, final?.status, true));
    return ExitCode.jobStopped;
  }
}

/**
 * Stops a job and waits (bounded) for a stopped state. It runs after the first Ctrl-C, so its calls retry
 * through the interrupt; a second Ctrl-C is the way out of the wait.
 */
export async function stopAndWait(
  jobId: string,
  deps: { jobs: JobsApi; runtime: Pick<Runtime, 'now' | 'sleep' | 'retryingThroughInterrupt'> },
  emit: Emit,
  maxWaitMs: number,
): Promise<TrainingJob | undefined> {
  const { runtime } = deps;
  const jobs = jobsBeneath(deps.jobs, { retrying: runtime.retryingThroughInterrupt });
  emit({ type: 'stopping', jobId });
  await jobs.stopJob(jobId);
  const until = runtime.now() + maxWaitMs;
  let job: TrainingJob | undefined;
  while (runtime.now() < until) {
    job = await jobs.getJob(jobId);
    if (isTerminal(job.status)) return job;
    await runtime.sleep(1000);
  }
  return job;
}

function outputsOf(job: TrainingJob, body: Record<string, unknown>): { name: string; uri: string }[] {
  const fromService = job.outputs.filter((o) => o.uri).map((o) => ({ name: o.name, uri: o.uri! }));
  if (fromService.length > 0) return fromService;
  // Always in the body (src/core/request/create-training-job.ts sends it even when empty).
  const sent = body['OutputChannels'] as { Name: string; OutputUri?: string }[];
  return sent.filter((o) => o.OutputUri).map((o) => ({ name: o.Name, uri: o.OutputUri! }));
}
