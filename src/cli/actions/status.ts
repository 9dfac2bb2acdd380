import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { SessionFlags } from '../../core/session/resolve.js';
import { writeJson } from '../../ui/json.js';
import { jobJson, renderJobStatus } from '../../ui/render-status.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { retrying } from './retrying.js';
import { sessionForJobCommands } from './job-session.js';
import { watch } from './watch.js';

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
    else if (opts.quiet) io.out(`${job.status}\n`);
    else io.out(renderJobStatus(job, createStyle(io.color && io.stdoutIsTTY)) + '\n');
    return;
  }
  await watch(inv, jobs, jobId, { showLogs: false, ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}) });
}
