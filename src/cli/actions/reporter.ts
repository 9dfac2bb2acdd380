import { ExitCode } from '../../core/exit-codes.js';
import { createActivity } from '../../ui/activity.js';
import { humanReporter, ndjsonReporter, quietReporter, type Essential, type Reporter } from '../../ui/run-reporter.js';
import { createStyle } from '../../ui/style.js';
import { withGitHubActions } from '../../ui/github-actions.js';
import type { Invocation } from '../context.js';

/**
 * NDJSON with --json; with --quiet only the command's essential value; else a spinner on a terminal, and plain
 * timestamped lines in a pipe or CI.
 */
export async function reporterFor(inv: Invocation, essential: Essential): Promise<Reporter> {
  const { ctx, io } = inv;
  if (inv.options.json) return withGitHubActions(ndjsonReporter(io, ctx.now), io, ctx.env, { wrapLogs: false });
  if (inv.options.quiet) return withGitHubActions(quietReporter(io, essential, { raw: inv.options.raw === true }), io, ctx.env, { wrapLogs: true });
  const interactive = io.stderrIsTTY && !ctx.env['CI'];
  const human = humanReporter(io, await createActivity(io, ctx.stderr, { now: ctx.now, interactive }), createStyle(io.color), Date.now, { raw: inv.options.raw === true });
  return withGitHubActions(human, io, ctx.env, { wrapLogs: true });
}

/**
 * Ctrl-C, SIGTERM and SIGHUP (src/cli/context.ts): the first aborts the first of the returned signals, the next
 * the next one (`stages` of them), and one more ends the process at once (130). A cloud run has one stage (stop
 * following); a local run two (stop the job gracefully, then kill it).
 */
export function interruptSignal(inv: Invocation, stages = 1): { signal: AbortSignal; force: AbortSignal; dispose: () => void } {
  const controllers = Array.from({ length: Math.max(1, stages) }, () => new AbortController());
  let count = 0;
  const unsubscribe = inv.ctx.onSignal?.(() => {
    count++;
    if (count > controllers.length) inv.ctx.exitNow?.(ExitCode.interrupted);
    else controllers[count - 1]!.abort();
  });
  return { signal: controllers[0]!.signal, force: controllers.at(-1)!.signal, dispose: () => unsubscribe?.() };
}

/**
 * The end of a reported run, written once for the cloud run, the local run, `logs` and `status --wait`: the
 * signals are released and the reporter closed (held-back lines written, the spinner stopped) however `work`
 * ends.
 */
export async function reported<T>(reporter: Reporter, interrupt: { dispose: () => void }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    interrupt.dispose();
    reporter.close();
  }
}
