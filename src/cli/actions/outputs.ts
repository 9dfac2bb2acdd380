import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Backends } from '../../core/ports/backends.js';
import { UsageError } from '../../core/errors.js';
import { isTerminal } from '../../core/job-status.js';
import { outputChannels, selectChannels, type OutputChannel } from '../../core/outputs/channels.js';
import { downloadOutputs, type DownloadStore, type DownloadSummary } from '../../core/outputs/download.js';
import { nameOf, type SessionFlagValues } from '../flags.js';
import { writeJson } from '../../ui/json.js';
import { downloadProgress, outputsJson, renderDownloadSummary, renderOutputs } from '../../ui/render-outputs.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { interruptSignal } from './reporter.js';
import { sessionForJobCommands } from './job-session.js';

type OutputsOptions = SessionFlagValues & CommonOptions & { download?: string; channel?: string };

/** `outputs JOB [--download DIR] [--channel NAME]`: the job's output channels, and with --download a copy of them. */
export async function outputsAction(jobId: string, opts: OutputsOptions, inv: Invocation): Promise<void> {
  const dir = opts.download === undefined ? undefined : await checkDownloadDir(inv, opts.download);
  const session = await sessionForJobCommands(inv, opts, { workspace: false });
  const backends = await connect(inv, session);
  const { io } = inv;
  const job = await backends.jobs.getJob(jobId);
  const all = outputChannels(job);
  const channels = selectChannels(all, opts.channel);
  if (!channels) {
    throw new UsageError(
      `Job ${jobId} has no output channel named "${opts.channel}"`,
      all.length > 0 ? `Its channels: ${all.map((c) => c.name).join(', ')}.` : 'It has no output channels.',
    );
  }
  if (dir === undefined) {
    if (opts.json) writeJson(io, outputsJson(job.id, job.status, channels));
    else io.out(renderOutputs(job.id, job.status, channels, createStyle(io.color && io.stdoutIsTTY)));
    return;
  }
  if (!isTerminal(job.status)) io.err(`! Job ${jobId} is ${job.status}: its outputs may not be complete yet.\n`);
  const summary = await downloadJobOutputs(inv, backends, channels, dir);
  if (opts.json) writeJson(io, outputsJson(job.id, job.status, channels, summary));
}

/**
 * The download folder as given: resolved against the current folder, and refused up front (exit 2) when it is
 * a file, so a run never learns it only after its job has ended.
 */
export async function checkDownloadDir(inv: Invocation, given: string): Promise<string> {
  if (given.trim() === '') throw new UsageError('--download expects a folder', 'Write --download ./outputs (it is created if needed).');
  const dir = resolve(inv.ctx.cwd, given);
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`--download ${given}: ${dir} exists and is not a folder`, 'Name a folder (it is created if needed).');
  return dir;
}

/** Copies the channels' OSS objects into `dir` with progress and a summary on stderr; Ctrl-C stops it (exit 130). */
export async function downloadJobOutputs(inv: Invocation, backends: Backends, channels: OutputChannel[], dir: string): Promise<DownloadSummary> {
  const { io, ctx } = inv;
  const store = backends.store;
  if (!store.download) throw new Error('internal: this object store cannot download');
  const downloadStore: DownloadStore = { list: (b, p) => store.list(b, p), download: store.download.bind(store) };
  const style = createStyle(io.color);
  const progress = downloadProgress(io, style, { interactive: io.stderrIsTTY && !ctx.env['CI'], now: inv.runtime.now });
  const interrupt = interruptSignal(inv);
  try {
    const summary = await downloadOutputs(
      channels,
      dir,
      {
        store: downloadStore,
        signal: interrupt.signal,
        nameOf,
      },
      progress,
    );
    progress.close();
    io.err(renderDownloadSummary(summary, style));
    return summary;
  } finally {
    progress.close();
    interrupt.dispose();
  }
}
