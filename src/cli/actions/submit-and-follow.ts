import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abortableSleep } from '../../cloud/retry.js';
import type { Job } from '../../core/job.js';
import { runJob, type RunOptions } from '../../core/run-job.js';
import type { CompleteSession } from '../../core/session/resolve.js';
import { createActivity } from '../../ui/activity.js';
import { humanReporter, ndjsonReporter, type RunReporter } from '../../ui/run-reporter.js';
import { createStyle } from '../../ui/style.js';
import type { Invocation } from '../context.js';
import { connect } from './connect.js';

/**
 * `run` for real: credentials, the cloud adapters, a reporter for the terminal or NDJSON, Ctrl-C wiring
 * (the first detaches or stops, the second exits at once), and the exit code core decides.
 */
export async function submitAndFollow(inv: Invocation, job: Job, session: CompleteSession, options: RunOptions & { maxCodeSize?: number }): Promise<number> {
  const { ctx, io } = inv;
  const backends = await connect(inv, session);
  const controller = new AbortController();
  let signals = 0;
  const unsubscribe = ctx.onSignal?.(() => {
    signals++;
    if (signals > 1) ctx.exitNow?.(130);
    controller.abort();
  });
  const interactive = io.stderrIsTTY && !ctx.env['CI'] && !inv.options.json;
  const reporter: RunReporter = inv.options.json
    ? ndjsonReporter(io, ctx.now)
    : humanReporter(io, await createActivity(io, ctx.stderr, { now: ctx.now, interactive }), createStyle(io.color), Date.now);
  const work = await mkdtemp(join(tmpdir(), 'pai-process-'));
  try {
    const { packageCode } = await import('../../core/package-code.js');
    return await runJob(
      job,
      session,
      {
        ...backends,
        packCode: (dir) => packageCode(dir, work, options.maxCodeSize, { warning: (m) => io.err(`! ${m}\n`) }),
        now: ctx.now,
        clock: Date.now,
        sleep: abortableSleep,
        signal: controller.signal,
      },
      reporter,
      { ...options, ...(ctx.cadence ? { cadence: ctx.cadence } : {}) },
    );
  } finally {
    unsubscribe?.();
    reporter.close();
    await rm(work, { recursive: true, force: true });
  }
}
