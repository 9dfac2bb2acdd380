import { abortableSleep } from '../../cloud/retry.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { watchJob } from '../../core/watch-job.js';
import type { SessionFlags } from '../../core/session/resolve.js';
import { writeJson } from '../../ui/json.js';
import { jobJson, renderJobStatus } from '../../ui/render-status.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { retrying } from './retrying.js';
import { sessionForJobCommands } from './job-session.js';
import { interruptSignal, reporterFor } from './reporter.js';

type StatusOptions = SessionFlags & CommonOptions & { wait?: boolean; timeout?: string };

export async function statusAction(jobId: string, opts: StatusOptions, inv: Invocation): Promise<void> {
  const timeout = opts.timeout === undefined ? undefined : parseDuration(opts.timeout);
  if (opts.timeout !== undefined && timeout === undefined) throw new UsageError(`--timeout expects a duration such as 90s, 30m or 2h, got "${opts.timeout}"`);
  const session = await sessionForJobCommands(inv, opts, { workspace: false });
  const { jobs } = await connect(inv, session);
  const { io } = inv;
  if (!opts.wait) {
    const job = await retrying(inv)(() => jobs.getJob(jobId));
    if (opts.json) writeJson(io, jobJson(job));
    else io.out(renderJobStatus(job, createStyle(io.color && io.stdoutIsTTY)) + '\n');
    return;
  }
  const interrupt = interruptSignal(inv);
  const reporter = await reporterFor(inv);
  reporter.setJob(jobId);
  try {
    inv.exitCode = await watchJob(jobId, { jobs, now: Date.now, sleep: abortableSleep }, reporter, {
      showLogs: false,
      signal: interrupt.signal,
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
      ...(inv.ctx.cadence ? { cadence: inv.ctx.cadence } : {}),
        ...(inv.ctx.retry ? { retry: inv.ctx.retry } : {}),
    });
  } finally {
    interrupt.dispose();
    reporter.close();
  }
}
