import { InterruptedError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { watchEvents } from '../../core/follow/watch-events.js';
import { exitCodeForStatus } from '../../core/job-status.js';
import type { SessionFlagValues } from '../flags.js';
import { eventsReporter } from '../../ui/run-reporter.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { sessionForJobCommands } from './job-session.js';
import { interruptSignal } from './reporter.js';

type EventsOptions = SessionFlagValues & CommonOptions & { follow?: boolean };

/** `events JOB [--follow]`: the events on stdout (text, or NDJSON records), each once; --follow exits with the job's code. */
export async function eventsAction(jobId: string, opts: EventsOptions, inv: Invocation): Promise<void> {
  const { io } = inv;
  const session = await sessionForJobCommands(inv, opts, { workspace: false });
  const { jobs } = await connect(inv, session);
  let count = 0;
  const { runtime } = inv;
  const reporter = eventsReporter(io, runtime.date, opts.json === true, () => void count++);
  const interrupt = interruptSignal(inv);
  const stopRetryNotices = runtime.onRetry((error, attempt, delayMs) =>
    io.err(`${error.message}; trying again in ${Math.round(delayMs / 100) / 10}s (attempt ${attempt + 1})\n`),
  );
  try {
    const job = await watchEvents(jobId, { jobs, now: runtime.now, sleep: runtime.sleep }, reporter.emit, {
      follow: opts.follow === true,
      signal: interrupt.signal,
      cadence: runtime.cadence,
    });
    if (count === 0 && !opts.json) io.err(`No events for job ${jobId}.\n`);
    if (job) {
      inv.exitCode = exitCodeForStatus(job.status);
      if (!opts.json) io.err(`Job ${jobId} ended: ${job.status}.\n`);
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    io.err(`Stopped following the events of ${jobId}; the job keeps running.\n`);
    inv.exitCode = ExitCode.interrupted;
  } finally {
    stopRetryNotices();
    interrupt.dispose();
  }
}
