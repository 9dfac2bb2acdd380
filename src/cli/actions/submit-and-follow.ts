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
  const work = await mkdtemp(join(tmpdir(), 'pai-process-'));
  const { prepareCode } = await import('../../core/package-code.js');
  const prepare = (dir: string, mode: Job['code_upload']) => prepareCode(dir, mode, work, options.maxCodeSize, { warning: (m) => io.err(`! ${m}\n`) });
  // The code is chosen and hashed while the cloud clients and credentials load (a large tree is hashed on
  // worker threads): for unchanged code this is most of a run's time. Its errors surface when it is used.
  const local = job.source_dir !== undefined && !job.source_dir.startsWith('oss://') ? job.source_dir : undefined;
  const early = local !== undefined ? prepare(local, job.code_upload) : undefined;
  early?.catch(() => undefined);
  try {
    const backends = await connect(inv, session);
    if (early) backends.store.preload?.();
    const interrupt = interruptSignal(inv);
    const reporter = await reporterFor(inv);
    try {
      return await runJob(
        job,
        session,
        {
          ...backends,
          packCode: (dir, mode) => (early && dir === local && mode === job.code_upload ? early : prepare(dir, mode)),
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
    }
  } finally {
    // The archive (code_upload: archive) is written in `work`: let the preparation end before removing it.
    await early?.catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}
