import { createActivity } from '../../ui/activity.js';
import { humanReporter, ndjsonReporter, quietReporter, type Essential, type RunReporter } from '../../ui/run-reporter.js';
import { createStyle } from '../../ui/style.js';
import { withGitHubActions } from '../../ui/github-actions.js';
import type { Invocation } from '../context.js';

/**
 * NDJSON with --json; with --quiet only the command's essential value; else a spinner on a terminal, and plain
 * timestamped lines in a pipe or CI.
 */
export async function reporterFor(inv: Invocation, essential: Essential): Promise<RunReporter> {
  const { ctx, io } = inv;
  if (inv.options.json) return withGitHubActions(ndjsonReporter(io, inv.runtime.date), io, ctx.env, { wrapLogs: false });
  if (inv.options.quiet) return withGitHubActions(quietReporter(io, essential, { raw: inv.options.raw === true }), io, ctx.env, { wrapLogs: true });
  const interactive = io.stderrIsTTY && !ctx.env['CI'];
  const human = humanReporter(io, await createActivity(io, ctx.stderr, { now: inv.runtime.date, interactive }), createStyle(io.color), inv.runtime.now, { raw: inv.options.raw === true });
  return withGitHubActions(human, io, ctx.env, { wrapLogs: true });
}

/** Ctrl-C, SIGTERM and SIGHUP (src/cli/context.ts) abort the returned signal; a second one ends the process at once. */
export function interruptSignal(inv: Invocation): { signal: AbortSignal; dispose: () => void } {
  const { runtime } = inv;
  let count = 0;
  const unsubscribe = inv.ctx.onSignal?.(() => {
    count++;
    if (count > 1) inv.ctx.exitNow?.(130);
    runtime.interrupt();
  });
  return { signal: runtime.signal, dispose: () => unsubscribe?.() };
}
