import type { ChalkInstance } from 'chalk';
import type { UploadProgress } from '../cloud/types.js';
import type { ApiError } from '../core/errors.js';
import { isKnownStatus } from '../core/job-status.js';
import type { RunEvents } from '../core/run-job.js';
import type { PackagedCode } from '../core/submit.js';
import type { Activity } from './activity.js';
import { formatBytes, formatDuration } from './format.js';
import type { IO } from './io.js';
import { instancesKeptNote } from './render-status.js';

/** Everything `run` tells the user, in one place per output format (core/run-job.ts names the events). */
export type RunReporter = RunEvents & {
  /** The job whose instance names to shorten in log prefixes (`train-abc-worker-0` → `worker-0`). */
  setJob(jobId: string): void;
  close(): void;
};

/** The short name of an instance: `train-abc-worker-0` → `worker-0` when it starts with the job id. */
export function shortInstance(jobId: string, instance: string): string {
  return instance.startsWith(`${jobId}-`) ? instance.slice(jobId.length + 1) : instance;
}

/** For a person: status changes and progress on stderr, job logs on stdout, one summary at the end. */
export function humanReporter(io: IO, activity: Activity, style: ChalkInstance, now: () => number): RunReporter {
  let jobId = '';
  let statusSince = now();
  let started = now();
  let status = '';
  let uploadStart = 0;
  let lastQuarter = -1;
  const spin = () => activity.update(`${status || 'Submitting'} ${style.dim(formatDuration(now() - started))}`);
  const timer = setInterval(() => status && spin(), 1000);
  timer.unref();
  return {
    setJob: (id) => void (jobId = id),
    bucket: (bucket, origin) => activity.note(`Using bucket ${bucket} (${origin})`),
    packaged: (code: PackagedCode, uri: string) =>
      activity.note(code.kind === 'files' ? `Code: ${code.fileCount} files, ${formatBytes(code.totalBytes)} → ${uri}` : `Packaged code: ${code.fileCount} files, ${formatBytes(code.totalBytes)} → ${formatBytes(code.bytes)} archive (${uri})`),
    uploadSkipped: (uri) => activity.note(`${style.green('✔')} Already uploaded, not sending again: ${uri}`),
    uploadStarted(uri, bytes, files) {
      uploadStart = now();
      lastQuarter = -1;
      activity.note(`Uploading ${files !== undefined && files > 1 ? `${files} files, ` : ''}${formatBytes(bytes)} to ${uri}`);
    },
    uploadProgress(p: UploadProgress) {
      const elapsed = Math.max(1, now() - uploadStart) / 1000;
      const rate = p.sent / elapsed;
      const eta = rate > 0 ? ((p.total - p.sent) / rate) * 1000 : 0;
      const pct = p.total ? Math.floor((p.sent / p.total) * 100) : 100;
      const files = p.totalFiles !== undefined ? ` ${p.files ?? 0}/${p.totalFiles} files` : '';
      activity.update(`Uploading ${pct}%${files} ${formatBytes(p.sent)}/${formatBytes(p.total)} ${formatBytes(rate)}/s ETA ${formatDuration(eta)}`);
      const quarter = Math.floor(pct / 25);
      if (!io.stderrIsTTY && quarter > lastQuarter && pct < 100) {
        lastQuarter = quarter;
        activity.note(`Uploaded ${pct}% (${formatBytes(p.sent)} of ${formatBytes(p.total)}${p.totalFiles !== undefined ? `, ${p.files ?? 0} of ${p.totalFiles} files` : ''}, ${formatBytes(rate)}/s)`);
      }
    },
    uploaded: (uri, sent) => activity.note(`${style.green('✔')} Uploaded ${sent && sent.files > 1 ? `${sent.files} files, ${formatBytes(sent.bytes)}, to ` : ''}${uri}`),
    retry: (error: ApiError, attempt, delayMs) => activity.note(style.yellow(`${error.message}; trying again in ${formatDuration(delayMs)} (attempt ${attempt + 1})`)),
    submitted(job) {
      jobId = job.id;
      started = now();
      activity.note(`${style.green('✔')} Submitted ${style.bold(job.id)} (${job.name})`);
      if (job.url) activity.note(`  Console: ${job.url}`);
    },
    detached(job) {
      activity.note(`Not following (--detach). Follow it with: pai-process logs ${job.id} --follow`);
      // The id alone on stdout, so `id=$(pai-process run --detach)` works.
      io.out(`${job.id}\n`);
    },
    following(id, stopOnInterrupt) {
      jobId = id;
      activity.note(stopOnInterrupt ? 'Following the job. Ctrl-C stops the job.' : `Following the job. Ctrl-C stops following and leaves the job running (pai-process stop ${id} stops it).`);
    },
    status(job, previous) {
      const t = now();
      const line = previous === undefined ? `Status: ${job.status}` : `Status: ${previous} → ${job.status} ${style.dim(`(${formatDuration(t - statusSince)} in ${previous})`)}`;
      statusSince = t;
      status = job.status;
      // Shown once, when it appears (status events come on changes only); the job is followed on.
      activity.note(isKnownStatus(job.status) ? line : `${line} ${style.dim('(a status pai-process does not know; waiting for it to change)')}`);
      spin();
    },
    log(instance, line) {
      activity.out(instance ? `[${shortInstance(jobId, instance)}] ${line}` : line);
    },
    heartbeat(job, quietMs) {
      activity.note(style.dim(`Still ${job.status} after ${formatDuration(now() - started)}; no new log lines for ${formatDuration(quietMs)}`));
    },
    stopping: (id) => activity.note(`Stopping ${id}…`),
    cancelled() {
      activity.stop();
      io.err(`${style.yellow('■')} Interrupted before the job was created; nothing was submitted.\n`);
    },
    interrupted(job, stopped) {
      activity.stop();
      if (stopped) {
        io.err(`${style.yellow('■')} Stopped ${job.id}${job.status ? ` (${job.status})` : ''}.\n`);
        return;
      }
      io.err(`${style.yellow('■')} Stopped following. The job keeps running${job.status ? ` (${job.status})` : ''}.\n`);
      io.err(`  Follow it again:  pai-process logs ${job.id} --follow\n  Stop it:          pai-process stop ${job.id}\n`);
    },
    timedOut(job, afterMs) {
      activity.stop();
      io.err(`${style.yellow('■')} Stopped following after ${formatDuration(afterMs)} (--timeout). The job keeps running (${job.status}).\n`);
      io.err(`  Follow it again:  pai-process logs ${job.id} --follow\n  Stop it:          pai-process stop ${job.id}\n`);
    },
    result({ job, exitCode, durationMs, outputs }) {
      activity.stop();
      const mark = exitCode === 0 ? style.green('✔') : exitCode === 3 ? style.yellow('■') : style.red('✖');
      const verb = exitCode === 0 ? 'succeeded' : exitCode === 3 ? `was stopped (${job.status})` : `failed (${job.status})`;
      const lines = [`${mark} Job ${job.id} ${verb} after ${formatDuration(durationMs)}`];
      if (job.reasonCode || job.reasonMessage) {
        if (exitCode !== 0) lines.push(`  Reason   ${[job.reasonCode, job.reasonMessage].filter(Boolean).join(': ')}`);
      }
      const kept = instancesKeptNote(job);
      if (kept) lines.push(`  ${kept}`);
      if (job.url) lines.push(`  Console  ${job.url}`);
      for (const o of outputs) lines.push(`  Output   ${o.name}  ${o.uri}`);
      io.err(lines.join('\n') + '\n');
    },
    close() {
      clearInterval(timer);
      activity.stop();
    },
  };
}

/** For machines (`--json`): one JSON event per line on stdout, ending with a `result` event. */
export function ndjsonReporter(io: IO, now: () => Date): RunReporter {
  const emit = (event: string, data: Record<string, unknown>) => io.out(JSON.stringify({ event, time: now().toISOString(), ...data }) + '\n');
  let jobId = '';
  return {
    setJob: (id) => void (jobId = id),
    bucket: (bucket, origin) => emit('bucket', { bucket, origin }),
    packaged: (code, uri) => emit('packaged', { mode: code.kind, files: code.fileCount, bytes: code.totalBytes, ...(code.kind === 'archive' ? { archiveBytes: code.bytes } : {}), sha256: code.sha256, uri }),
    uploadSkipped: (uri) => emit('upload', { uri, skipped: true }),
    uploadStarted: (uri, bytes, files) => emit('upload', { uri, bytes, ...(files !== undefined ? { files } : {}), started: true }),
    uploadProgress: () => {},
    uploaded: (uri, sent) => emit('upload', { uri, done: true, ...(sent ? { sentFiles: sent.files, sentBytes: sent.bytes } : {}) }),
    retry: (error, attempt, delayMs) => emit('retry', { code: error.code, message: error.message, attempt, delayMs }),
    submitted(job) {
      jobId = job.id;
      emit('submitted', { jobId: job.id, name: job.name, url: job.url ?? null });
    },
    detached: (job) => emit('result', { jobId: job.id, status: job.status, exitCode: 0, detached: true, url: job.url ?? null }),
    following: () => {},
    status: (job, previous) => emit('status', { jobId: job.id, status: job.status, previous: previous ?? null }),
    log: (instance, line) => emit('log', { worker: instance ? shortInstance(jobId, instance) : null, line }),
    heartbeat: (job, quietMs) => emit('heartbeat', { status: job.status, quietMs }),
    stopping: (id) => emit('stopping', { jobId: id }),
    cancelled: () => emit('result', { jobId: null, status: null, exitCode: 130, interrupted: true }),
    interrupted: (job, stopped) => emit('result', { jobId: job.id, status: job.status ?? null, exitCode: stopped ? 3 : 130, interrupted: true }),
    timedOut: (job) => emit('result', { jobId: job.id, status: job.status, exitCode: 6, timedOut: true }),
    result: ({ job, exitCode, durationMs, outputs }) =>
      emit('result', { jobId: job.id, status: job.status, exitCode, durationSeconds: Math.round(durationMs / 1000), reasonCode: job.reasonCode ?? null, reasonMessage: job.reasonMessage ?? null, url: job.url ?? null, outputs, ...(instancesKeptNote(job) ? { instancesKept: true, reservedMinutes: job.reservedMinutes ?? null } : {}) }),
    close: () => {},
  };
}

/** What `--quiet` keeps on stdout: the job id (run), the log lines (logs), or the final status (status --wait). */
export type Essential = 'id' | 'logs' | 'status';

/**
 * For a script (`--quiet`): only the essential value, on stdout, and nothing on stderr but errors (which
 * main() renders). The exit code still says how the job ended.
 */
export function quietReporter(io: IO, essential: Essential): RunReporter {
  let jobId = '';
  const nothing = () => {};
  const status = (job: { status?: string }) => {
    if (essential === 'status' && job.status) io.out(`${job.status}\n`);
  };
  return {
    setJob: (id) => void (jobId = id),
    bucket: nothing,
    packaged: nothing,
    uploadSkipped: nothing,
    uploadStarted: nothing,
    uploadProgress: nothing,
    uploaded: nothing,
    retry: nothing,
    submitted(job) {
      jobId = job.id;
      if (essential === 'id') io.out(`${job.id}\n`);
    },
    detached: nothing,
    following: nothing,
    status: nothing,
    log: (instance, line) => {
      if (essential === 'logs') io.out(`${instance ? `[${shortInstance(jobId, instance)}] ${line}` : line}\n`);
    },
    heartbeat: nothing,
    stopping: nothing,
    cancelled: nothing,
    interrupted: (job) => status(job),
    timedOut: (job) => status(job),
    result: ({ job }) => status(job),
    close: nothing,
  };
}
