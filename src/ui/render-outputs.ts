import type { ChalkInstance } from 'chalk';
import type { OutputChannel } from '../core/outputs/channels.js';
import type { DownloadEvents, DownloadProgress, DownloadSummary, PlannedFile } from '../core/outputs/download.js';
import { formatBytes } from './format.js';
import { NDJSON_VERSION } from './run-reporter.js';
import type { IO } from './io.js';
import { visible } from './sanitize.js';
import { columns } from './table.js';

/** `outputs JOB`: one channel per line, its URI, and why a channel that is not OSS is not downloaded. */
export function renderOutputs(jobId: string, status: string, channels: OutputChannel[], style: ChalkInstance): string {
  if (channels.length === 0) return `Job ${jobId} (${status}) has no output channels.\n`;
  const rows = channels.map((c) => [
    style.bold(c.name),
    c.uri ?? (c.datasetId ? `dataset ${c.datasetId}` : '(no URI)'),
    c.note ? style.dim(`(${c.note})`) : '',
  ]);
  return `Outputs of ${jobId} (${status}):\n${columns(rows)}\n`;
}

/** The fields of `outputs --json` (and of `run --download --json`'s download event). */
export function outputsJson(jobId: string, status: string, channels: OutputChannel[], summary?: DownloadSummary): Record<string, unknown> {
  return {
    jobId,
    status,
    channels: channels.map((c) => {
      const done = summary?.channels.find((d) => d.name === c.name);
      return {
        name: c.name,
        uri: c.uri ?? null,
        datasetId: c.datasetId ?? null,
        kind: c.kind,
        downloadable: c.oss !== undefined,
        ...(c.note ? { note: c.note } : {}),
        ...(done?.downloaded ? { files: done.files, bytes: done.bytes, skipped: done.skipped } : {}),
      };
    }),
    ...(summary
      ? { download: { dir: summary.dir, files: summary.files, bytes: summary.bytes, skipped: summary.skipped, skippedBytes: summary.skippedBytes } }
      : {}),
  };
}

/**
 * Download progress on stderr: on an interactive terminal one line redrawn in place (files and bytes), at most
 * ten times a second; elsewhere (a pipe, CI) one line per file, so a log shows what arrived.
 */
export function downloadProgress(io: IO, style: ChalkInstance, options: { interactive: boolean; now?: () => number }): DownloadEvents & { close(): void } {
  const now = options.now ?? Date.now;
  let last = 0;
  let drawn = false;
  const line = (p: DownloadProgress) => `${p.files}/${p.totalFiles} files, ${formatBytes(Math.max(0, p.bytes))} of ${formatBytes(p.totalBytes)}`;
  const draw = (p: DownloadProgress) => {
    io.redraw(`↓ ${line(p)}`);
    drawn = true;
  };
  return {
    planned(toFetch: PlannedFile[], skipped: PlannedFile[]) {
      const total = toFetch.reduce((n, f) => n + f.size, 0);
      const already = skipped.length > 0 ? `; ${skipped.length} already there (same size and ETag), skipped` : '';
      io.err(`Downloading ${toFetch.length} file${toFetch.length === 1 ? '' : 's'} (${formatBytes(total)})${already}\n`);
    },
    progress(p) {
      if (!options.interactive) return;
      const t = now();
      if (t - last < 100) return;
      last = t;
      draw(p);
    },
    fileDone(file, p) {
      if (options.interactive) return draw(p);
      io.err(`  ${style.green('↓')} ${visible(file.name)} ${style.dim(`(${formatBytes(file.size)}; ${line(p)})`)}\n`);
    },
    close() {
      if (drawn) io.redraw('');
      drawn = false;
    },
  };
}

/** The last line of a download: files and bytes fetched, skipped, and where. */
export function renderDownloadSummary(summary: DownloadSummary, style: ChalkInstance): string {
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} already there (${formatBytes(summary.skippedBytes)})` : '';
  const notes = summary.channels
    .filter((c) => !c.downloaded)
    .map((c) => `  ${style.yellow('!')} ${c.name}: ${c.note ?? 'not downloaded'}\n`)
    .join('');
  return `${notes}${style.green('✔')} Downloaded ${summary.files} file${summary.files === 1 ? '' : 's'} (${formatBytes(summary.bytes)})${skipped} into ${summary.dir}\n`;
}

/** `run --download --json`: the download as one more NDJSON event after `result`. */
export function downloadEvent(time: Date, jobId: string, status: string, channels: OutputChannel[], summary: DownloadSummary): string {
  return JSON.stringify({ event: 'download', time: time.toISOString(), v: NDJSON_VERSION, ...outputsJson(jobId, status, channels, summary) }) + '\n';
}
