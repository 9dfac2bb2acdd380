import { UsageError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { isTerminal } from '../../core/job-status.js';
import { stopAndWait } from '../../core/run-job.js';
import type { SessionFlagValues } from '../flags.js';
import { writeJson } from '../../ui/json.js';
import { renderStatusValue, renderStopped } from '../../ui/render-status.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { sessionForJobCommands } from './job-session.js';

type StopOptions = SessionFlagValues & CommonOptions & { yes?: boolean };

export async function stopAction(jobId: string, opts: StopOptions, inv: Invocation): Promise<void> {
  const { io, ctx } = inv;
  if (!opts.yes) {
    // Never prompt without a terminal: a script that forgot --yes fails loudly instead of hanging.
    if (!ctx.confirm || !io.stderrIsTTY)
      throw new UsageError(`stop asks for confirmation, and this is not an interactive terminal`, `Pass --yes: pai-process stop ${jobId} --yes`);
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
  // Only its `stopping` is shown (a retry is not, as before), and not with --quiet.
  const emit: Emit = (event) => void (event.type === 'stopping' && !opts.quiet && io.err(`Stopping ${event.jobId}…\n`));
  const final = await stopAndWait(jobId, { jobs, runtime: inv.runtime }, emit, 60_000);
  if (opts.json) writeJson(io, { id: jobId, status: final?.status ?? null, stopped: true });
  else if (opts.quiet) io.out(renderStatusValue(final?.status ?? 'Stopping'));
  else io.err(renderStopped(jobId, final?.status, style));
}
