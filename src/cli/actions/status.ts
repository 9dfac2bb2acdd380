import { parseDuration } from '../../core/duration.js';
import { ApiError, CliError, InterruptedError, NotFoundError, UsageError } from '../../core/errors.js';
import { lastEvents, type JobEvent } from '../../core/follow/events.js';
import type { SessionFlagValues } from '../flags.js';
import { writeJson } from '../../ui/json.js';
import { renderEventRows } from '../../ui/render-events.js';
import { jobJson, renderJobStatus, renderStatusValue } from '../../ui/render-status.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { sessionForJobCommands } from './job-session.js';
import { watch } from './watch.js';

/** How many of the last events `status` shows. */
const STATUS_EVENTS = 5;

type StatusOptions = SessionFlagValues & CommonOptions & { wait?: boolean; timeout?: string };

export async function statusAction(jobId: string, opts: StatusOptions, inv: Invocation): Promise<void> {
  const timeout = opts.timeout === undefined ? undefined : parseDuration(opts.timeout);
  if (opts.timeout !== undefined && timeout === undefined) throw new UsageError(`--timeout expects a duration such as 90s, 30m or 2h, got "${opts.timeout}"`);
  const session = await sessionForJobCommands(inv, opts, { workspace: false });
  const { jobs } = await connect(inv, session);
  const { io } = inv;
  if (!opts.wait) {
    const job = await jobs.getJob(jobId);
    if (opts.quiet) {
      io.out(renderStatusValue(job.status));
      return;
    }
    // The last events say why a job waits or failed. They are a hint: a refusal (RAM, a service without
    // them) leaves them out, with the reason, rather than failing the status.
    let events: JobEvent[] = [];
    let eventsError: string | undefined;
    try {
      events = await lastEvents(jobs, jobId, STATUS_EVENTS);
    } catch (error) {
      // Not for a missing job (it was just read) or Ctrl-C; anything else the service refused.
      if (!(error instanceof CliError) || error instanceof InterruptedError || error instanceof NotFoundError) throw error;
      eventsError = error instanceof ApiError ? error.code : error.message;
    }
    if (opts.json) writeJson(io, { ...jobJson(job), events: events.map((e) => ({ time: e.time ?? null, text: e.text })) });
    else {
      const rows = renderEventRows(events);
      if (eventsError) rows.push(['event', `(not available: ${eventsError})`]);
      io.out(renderJobStatus(job, createStyle(io.color && io.stdoutIsTTY), rows) + '\n');
    }
    return;
  }
  await watch(inv, jobs, jobId, { showLogs: false, timeoutMs: timeout === undefined ? undefined : timeout * 1000 });
}
