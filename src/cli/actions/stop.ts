import { UsageError } from '../../core/errors.js';
import { isTerminal } from '../../core/job-status.js';
import { stopAndWait } from '../../core/run-job.js';
import type { SessionFlags } from '../../core/session/resolve.js';
import { writeJson } from '../../ui/json.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { sessionForJobCommands } from './job-session.js';
import { visible } from '../../ui/sanitize.js';

type StopOptions = SessionFlags & CommonOptions & { yes?: boolean };

export async function stopAction(jobId: string, opts: StopOptions, inv: Invocation): Promise<void> {
  const { io, ctx } = inv;
  if (!opts.yes) {
    // Never prompt without a terminal: a script that forgot --yes fails loudly instead of hanging.
    if (!ctx.confirm || !io.stderrIsTTY) throw new UsageError(`stop asks for confirmation, and this is not an interactive terminal`, `Pass --yes: pai-process stop ${jobId} --yes`);
    if (!(await ctx.confirm(`Stop job ${jobId}?`))) {
      io.err('Not stopped.\n');
      return;
    }
  }
  const session = await sessionForJobCommands(inv, opts, { workspace: false });
  const { jobs } = await connect(inv, session);
  const style = createStyle(io.color);
  const before = await jobs.getJob(jobId);
  if (isTerminal(before.status)) {
    if (opts.json) writeJson(io, { id: jobId, status: before.status, stopped: false });
    else if (opts.quiet) io.out(`${before.status}\n`);
    else io.err(`Job ${jobId} has already ended (${before.status}); nothing to stop.\n`);
    return;
  }
  const final = await stopAndWait(jobId, { jobs, runtime: inv.runtime }, { stopping: (id) => (opts.quiet ? undefined : io.err(`Stopping ${id}…\n`)) }, 60_000);
  if (opts.json) writeJson(io, { id: jobId, status: final?.status ?? null, stopped: true });
  else if (opts.quiet) io.out(`${visible(final?.status ?? 'Stopping')}\n`);
  else io.err(`${style.yellow('■')} Job ${jobId} is ${visible(final?.status ?? 'stopping')}.\n`);
}
