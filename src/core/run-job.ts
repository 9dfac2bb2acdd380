import type { JobsApi, ObjectStore, TrainingJob } from './ports/backends.js';
import { ExitCode } from './exit-codes.js';
import { ApiError, InterruptedError } from './errors.js';
import { followJob, type FollowEvents } from './follow/follow.js';
import { exitCodeForStatus, isTerminal } from './job-status.js';
import type { Job } from './job.js';
import { jobsBeneath } from './retrying-backends.js';
import type { Runtime } from './runtime.js';
import type { CompleteSession } from './session/resolve.js';
import { submitJob, type SubmitDeps, type SubmitEvents } from './submit.js';

/** How a followed job ended, for the one summary printed at the end. */
export interface RunResult {
  job: TrainingJob;
  exitCode: number;
  durationMs: number;
  outputs: { name: string; uri: string }[];
}

/** Everything a run reports, from packaging to the result; ui/ renders it for people or as NDJSON. */
export interface RunEvents extends Required<SubmitEvents>, FollowEvents {
  submitted(job: TrainingJob): void;
  following(jobId: string, stopOnInterrupt: boolean): void;
  detached(job: TrainingJob): void;
  result(result: RunResult): void;
  /** Ctrl-C: following stopped; `stopped` when the job was stopped too (--stop-on-interrupt). */
  interrupted(job: { id: string; status?: string }, stopped: boolean): void;
  /** Ctrl-C before the job was created: nothing was submitted. */
  cancelled(): void;
  timedOut(job: TrainingJob, afterMs: number): void;
  stopping(jobId: string): void;
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
}

/**
 * `run` after validation: submit, then follow to the end (unless detached), and the exit code of
 * docs/exit-codes.md for how it ended: the job's status, 6 on --timeout, 130 on Ctrl-C (3 when
 * --stop-on-interrupt stopped the job).
 */
export async function runJob(job: Job, session: CompleteSession, deps: RunDeps, events: RunEvents, options: RunOptions): Promise<number> {
  let jobId: string | undefined;
  let last: TrainingJob | undefined;
  const { runtime } = deps;
  try {
    const submission = await submitJob(job, session, { jobs: deps.jobs, store: deps.store, packCode: deps.packCode, runtime }, events);
    jobId = submission.jobId;
    last = submission.job;
    events.submitted(submission.job);
    if (options.detach || !job.wait) {
      events.detached(submission.job);
      return ExitCode.ok;
    }
    events.following(jobId, options.stopOnInterrupt);
    const started = runtime.now();
    const result = await followJob(jobId, { jobs: deps.jobs, now: runtime.now, sleep: runtime.sleep, retrying: runtime.retrying }, { ...events, status: (j, prev) => ((last = j), events.status(j, prev)) }, {
      showLogs: job.show_logs,
      signal: runtime.signal,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      cadence: runtime.cadence,
    }).catch((error: unknown) => {
      // The job was submitted: whatever went wrong while following, it may still be running.
      if (error instanceof ApiError) throw new ApiError(error.message, { code: error.code, retryable: false, hint: `The job ${jobId} may still be running: pai-process logs ${jobId} --follow, or pai-process stop ${jobId}.` });
      throw error;
    });
    if (result.outcome === 'timeout') {
      events.timedOut(result.job, runtime.now() - started);
      return ExitCode.timeout;
    }
    const exitCode = exitCodeForStatus(result.job.status);
    const durationMs = result.job.duration !== undefined ? result.job.duration * 1000 : runtime.now() - started;
    events.result({ job: result.job, exitCode, durationMs, outputs: outputsOf(result.job, submission.plan.body) });
    return exitCode;
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    if (!jobId) {
      events.cancelled();
      return ExitCode.interrupted;
    }
    if (!options.stopOnInterrupt) {
      events.interrupted({ id: jobId, ...(last ? { status: last.status } : {}) }, false);
      return ExitCode.interrupted;
    }
    const final = await stopAndWait(jobId, { jobs: deps.jobs, runtime }, events, options.stopWaitMs ?? 60_000);
    events.interrupted({ id: jobId, ...(final ? { status: final.status } : {}) }, true);
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
  events: Pick<RunEvents, 'stopping'>,
  maxWaitMs: number,
): Promise<TrainingJob | undefined> {
  const { runtime } = deps;
  const jobs = jobsBeneath(deps.jobs, { retrying: runtime.retryingThroughInterrupt });
  events.stopping(jobId);
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
  const sent = (body['OutputChannels'] as { Name: string; OutputUri?: string }[] | undefined) ?? [];
  return sent.filter((o) => o.OutputUri).map((o) => ({ name: o.Name, uri: o.OutputUri! }));
}
