import { warner } from '../../ui/warn.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '../../core/job.js';
import type { Backends } from '../../core/ports/backends.js';
import { runJob, type RunEnding, type RunOptions } from '../../core/run-job.js';
import { withGitHubOutput } from '../../ui/github-output.js';
import type { CompleteSession } from '../../core/session/resolve.js';
import type { Invocation } from '../context.js';
import { nameOf } from '../flags.js';
import { connect } from './connect.js';
import { interruptSignal, reported, reporterFor } from './reporter.js';

/**
 * `run` for real: credentials, the cloud adapters, a reporter for the terminal or NDJSON, Ctrl-C wiring
 * (the first detaches or stops, the second exits at once), and the exit code core decides.
 */
export async function submitAndFollow(
  inv: Invocation,
  job: Job,
  session: CompleteSession,
  options: RunOptions & { maxCodeSize?: number; download?: string },
): Promise<number> {
  const { ctx, io, runtime } = inv;
  const backends = await connect(inv, session);
  const interrupt = interruptSignal(inv);
  // The job and its output channels as the run ended, for --download.
  let ended: RunEnding | undefined;
  const reporter = withGitHubOutput(await reporterFor(inv, 'id'), ctx.env);
  const { prepareCode } = await import('../../core/package-code.js');
  const work = await mkdtemp(join(tmpdir(), 'pai-process-'));
  const exitCode = await reported(inv, reporter, interrupt, () =>
    runJob(
      job,
      session,
      {
        ...backends,
        packCode: (dir, mode) => prepareCode(dir, mode, work, { maxBytes: options.maxCodeSize, nameOf }, { warning: warner(io) }, job.inputs),
        runtime,
      },
      reporter.emit,
      { ...options, jobEvents: reporter.jobEvents, onEnded: (e) => void (ended = e) },
    ),
  ).finally(() => rm(work, { recursive: true, force: true }));
  if (options.download !== undefined) await downloadAfterRun(inv, backends, ended, exitCode, options.download);
  return exitCode;
}

/**
 * `run --download DIR`: after a job that succeeded, its OSS output channels into DIR (as `outputs --download`);
 * after any other ending nothing is downloaded (a failed job's outputs are partial at best), and stderr says so.
 * A failed download exits with its own code (5, 4, 2), since the copy the user asked for is missing.
 */
async function downloadAfterRun(inv: Invocation, backends: Backends, ended: RunEnding | undefined, exitCode: number, dir: string): Promise<void> {
  const { io } = inv;
  if (exitCode !== 0 || !ended) {
    io.err(`Nothing downloaded: the job did not succeed${ended ? '' : ' (or was not followed to its end)'}.${ended ? ` Its outputs: pai-process outputs ${ended.job.id}` : ''}
`);
    return;
  }
  const [{ downloadJobOutputs }, { outputChannels }, { downloadEvent }] = await Promise.all([
    import('./outputs.js'),
    import('../../core/outputs/channels.js'),
    import('../../ui/render-outputs.js'),
  ]);
  // The channels as the service answered them, or as they were sent when it answered none (core/run-job.ts).
  const channels = outputChannels({ outputs: ended.outputs });
  const summary = await downloadJobOutputs(inv, backends, channels, dir);
  if (inv.options.json) io.out(downloadEvent(inv.runtime.date(), ended.job.id, ended.job.status, channels, summary));
}
