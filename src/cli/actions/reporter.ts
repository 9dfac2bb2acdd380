import { retryEvents } from '../../core/events.js';
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
  if (inv.options.json) return withGitHubActions(ndjsonReporter(io, inv.runtime.date), io, ctx.env, { wrapLogs: false });
  if (inv.options.quiet) return withGitHubActions(quietReporter(io, essential, { raw: inv.options.raw === true }), io, ctx.env, { wrapLogs: true });
  const interactive = io.stderrIsTTY && !ctx.env['CI'];
  const human = humanReporter(io, await createActivity(io, ctx.stderr, { now: inv.runtime.date, interactive }), createStyle(io.color), inv.runtime.now, {
    raw: inv.options.raw === true,
  });
  return withGitHubActions(human, io, ctx.env, { wrapLogs: true });
}

/**
 * Ctrl-C, SIGTERM and SIGHUP (src/cli/context.ts): the first interrupts the invocation's runtime (its signal ends
 * waits and retries), the next aborts the next of the returned stages (`stages` of them in all), and one more ends
 * the process at once (130). A cloud run has one stage (stop following); a local run two (stop the job gracefully,
 * then kill it).
 */
export function interruptSignal(inv: Invocation, stages = 1): { signal: AbortSignal; force: AbortSignal; dispose: () => void } {
  const { runtime } = inv;
  const later = Array.from({ length: Math.max(1, stages) - 1 }, () => new AbortController());
  let count = 0;
  const unsubscribe = inv.ctx.onSignal?.(() => {
    count++;
    if (count > later.length + 1) inv.ctx.exitNow?.(ExitCode.interrupted);
    else if (count === 1) runtime.interrupt();
    else later[count - 2]!.abort();
  });
  return { signal: runtime.signal, force: later.at(-1)?.signal ?? runtime.signal, dispose: () => unsubscribe?.() };
}

/**
 * The end of a reported run, written once for the cloud run, the local run, `logs` and `status --wait`: every
 * retry of the invocation reaches the reporter as a `retry` event while `work` runs; then the signals are released
 * and the reporter closed (held-back lines written, the spinner stopped) however `work` ends.
 */
export async function reported<T>(inv: Invocation, reporter: Reporter, interrupt: { dispose: () => void }, work: () => Promise<T>): Promise<T> {
  const stopRetryNotices = inv.runtime.onRetry(retryEvents(reporter.emit));
  try {
    return await work();
  } finally {
    stopRetryNotices();
    interrupt.dispose();
    reporter.close();
  }
}
