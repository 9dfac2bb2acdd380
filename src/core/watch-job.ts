import { ExitCode } from './exit-codes.js';
import { InterruptedError } from './errors.js';
import { followJob, type FollowDeps, type FollowOptions } from './follow/follow.js';
import { exitCodeForStatus } from './job-status.js';
import { durationOf } from './list-query.js';
import { interruptedEvent, resultEvent, timedOutEvent, type Emit } from './events.js';

/**
 * `logs --follow` and `status --wait`: follow a job someone else submitted, and exit as `run` would:
 * the job's exit code when it ends, 6 on --timeout, 130 on Ctrl-C (the job is left alone), and for a
 * plain `logs` (once) 0 after printing what is there.
 */
export async function watchJob(jobId: string, deps: FollowDeps, emit: Emit, options: FollowOptions): Promise<number> {
  const started = deps.now();
  let status: string | undefined;
  const tracked: Emit = (event) => {
    if (event.type === 'status') status = event.status;
    emit(event);
  };
  try {
    const result = await followJob(jobId, deps, tracked, options);
    if (result.outcome === 'snapshot') return ExitCode.ok;
    if (result.outcome === 'timeout') {
      emit(timedOutEvent(result.job, deps.now() - started));
      return ExitCode.timeout;
    }
    const exitCode = exitCodeForStatus(result.job.status);
    // The job's own time (Duration, else its creation to its end), not how long this command followed it.
    const seconds = durationOf(result.job, new Date(deps.now()));
    const durationMs = seconds !== undefined ? seconds * 1000 : deps.now() - started;
    const outputs = result.job.outputs.filter((o) => o.uri).map((o) => ({ name: o.name, uri: o.uri! }));
    emit(resultEvent(result.job, exitCode, durationMs, outputs));
    return exitCode;
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    emit(interruptedEvent(jobId, status, false));
    return ExitCode.interrupted;
  }
}
