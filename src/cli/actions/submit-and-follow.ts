import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abortableSleep } from '../../cloud/retry.js';
import type { Job } from '../../core/job.js';
import { runJob, type RunOptions } from '../../core/run-job.js';
import type { CompleteSession } from '../../core/session/resolve.js';
import type { Invocation } from '../context.js';
import { connect } from './connect.js';
import { interruptSignal, reporterFor } from './reporter.js';

/**
 * `run` for real: credentials, the cloud adapters, a reporter for the terminal or NDJSON, Ctrl-C wiring
 * (the first detaches or stops, the second exits at once), and the exit code core decides.
 */
export async function submitAndFollow(inv: Invocation, job: Job, session: CompleteSession, options: RunOptions & { maxCodeSize?: number }): Promise<number> {
  const { ctx, io } = inv;
  const backends = await connect(inv, session);
  const interrupt = interruptSignal(inv);
  const reporter = await reporterFor(inv, 'id');
  const work = await mkdtemp(join(tmpdir(), 'pai-process-'));
  try {
    const { prepareCode } = await import('../../core/package-code.js');
    return await runJob(
      job,
      session,
      {
        ...backends,
        packCode: (dir, mode) => prepareCode(dir, mode, work, options.maxCodeSize, { warning: (m) => io.err(`! ${m}\n`) }),
        now: ctx.now,
        clock: Date.now,
        sleep: abortableSleep,
        signal: interrupt.signal,
      },
      reporter,
      { ...options, ...(ctx.cadence ? { cadence: ctx.cadence } : {}), ...(ctx.retry ? { retry: ctx.retry } : {}), ...(ctx.lostCreateGraceMs !== undefined ? { lostCreateGraceMs: ctx.lostCreateGraceMs } : {}) },
    );
  } finally {
    interrupt.dispose();
    reporter.close();
    await rm(work, { recursive: true, force: true });
  }
}
