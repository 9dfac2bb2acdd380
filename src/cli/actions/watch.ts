import type { JobsApi } from '../../core/ports/backends.js';
import type { Emit } from '../../core/events.js';
import type { FollowOptions } from '../../core/follow/follow.js';
import { watchJob } from '../../core/watch-job.js';
import { renderNoLogLines } from '../../ui/render-status.js';
import type { Invocation } from '../context.js';
import { interruptSignal, reported, reporterFor } from './reporter.js';

/**
 * `logs` and `status --wait`: follow an existing job with the invocation's reporter, Ctrl-C wiring and
 * timings, and set the exit code from how it ended. `quiet` drops status lines and the summary.
 */
export async function watch(
  inv: Invocation,
  jobs: JobsApi,
  jobId: string,
  options: Omit<FollowOptions, 'signal' | 'cadence' | 'jobEvents'>,
  quiet = false,
): Promise<void> {
  const { runtime } = inv;
  const interrupt = interruptSignal(inv);
  const reporter = await reporterFor(inv, options.showLogs ? 'logs' : 'status');
  let lines = 0;
  let status: string | undefined;
  const emit: Emit = (event) => {
    if (event.type === 'log') lines += 1;
    if (quiet && event.type === 'status') status = event.status;
    else if (!(quiet && event.type === 'result')) reporter.emit(event);
  };
  inv.exitCode = await reported(inv, reporter, interrupt, () =>
    watchJob(jobId, { jobs, now: runtime.now, sleep: runtime.sleep, retrying: runtime.retrying }, emit, {
      ...options,
      jobEvents: reporter.jobEvents,
      signal: interrupt.signal,
      cadence: runtime.cadence,
    }),
  );
  // A plain `logs` of a job with no line yet would print nothing at all: say why, where data does not go.
  if (quiet && lines === 0 && inv.options.json !== true) inv.io.err(renderNoLogLines(jobId, status));
}
