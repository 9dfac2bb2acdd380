import type { JobsApi } from '../../core/ports/backends.js';
import type { FollowOptions } from '../../core/follow/follow.js';
import type { RunEvents } from '../../core/run-job.js';
import { hasEnded } from '../../core/job-status.js';
import { watchJob } from '../../core/watch-job.js';
import type { Invocation } from '../context.js';
import { interruptSignal, reporterFor } from './reporter.js';

/**
 * `logs` and `status --wait`: follow an existing job with the invocation's reporter, Ctrl-C wiring and
 * timings, and set the exit code from how it ended. `quiet` drops status lines and the summary.
 */
export async function watch(inv: Invocation, jobs: JobsApi, jobId: string, options: Omit<FollowOptions, 'signal' | 'cadence'>, quiet = false): Promise<void> {
  const { runtime } = inv;
  const interrupt = interruptSignal(inv);
  const reporter = await reporterFor(inv, options.showLogs ? 'logs' : 'status');
  const stopRetryNotices = runtime.onRetry(reporter.retry);
  reporter.setJob(jobId);
  let lines = 0;
  let status: string | undefined;
  const counted: RunEvents = { ...reporter, log: (instance, line) => ((lines += 1), reporter.log(instance, line)) };
  const events: RunEvents = quiet ? { ...counted, status: (job) => void (status = job.status), result: () => {} } : counted;
  try {
    inv.exitCode = await watchJob(jobId, { jobs, now: runtime.now, sleep: runtime.sleep, retrying: runtime.retrying }, events, { ...options, signal: interrupt.signal, cadence: runtime.cadence });
  } finally {
    stopRetryNotices();
    interrupt.dispose();
    reporter.close();
  }
  // A plain `logs` of a job with no line yet would print nothing at all: say why, where data does not go.
  if (quiet && lines === 0 && inv.options.json !== true) {
    inv.io.err(status && hasEnded(status)
      ? `No log lines for ${jobId} (${status}).\n`
      : `No log lines yet for ${jobId}${status ? ` (${status})` : ''}. Follow it with: pai-process logs ${jobId} --follow\n`);
  }
}
