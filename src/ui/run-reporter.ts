import type { ChalkInstance } from 'chalk';
import type { UploadProgress } from '../core/ports/backends.js';
import type { ApiError } from '../core/errors.js';
import { hasEnded, isKnownStatus } from '../core/job-status.js';
import type { RunEvents } from '../core/run-job.js';
import type { PackagedCode } from '../core/submit.js';
import type { Activity } from './activity.js';
import { clockTime, formatBytes, formatDuration, plural, shortInstance } from './format.js';
import type { IO } from './io.js';
import { enteredStatusAt, instancesKeptNote } from './render-status.js';
import { eventRecord, renderEventLine } from './render-events.js';
import { visible, visibleDeep, visibleLines } from './sanitize.js';

/** Everything `run` tells the user, in one place per output format (core/run-job.ts names the events). */
export type RunReporter = RunEvents & {
  /** The job whose instance names to shorten in log prefixes (`train-abc-worker-0` → `worker-0`). */
  setJob(jobId: string): void;
  close(): void;
};

/**
 * For a person: status changes and progress on stderr, job logs on stdout, one summary at the end. Every text
 * the service, the job or the file system handed in is made visible (src/ui/sanitize.ts) before it is
 * formatted; with `raw`, the job's log lines are printed exactly as the job wrote them.
 */
export function humanReporter(io: IO, activity: Activity, style: ChalkInstance, now: () => number, options: { raw?: boolean } = {}): RunReporter {
  return visibleEvents(plainHumanReporter(io, activity, style, now, options.raw === true), options.raw === true);
}

/** The one place run events from outside are made visible, before any of it is formatted. */
function visibleEvents(inner: RunReporter, raw: boolean): RunReporter {
  return {
    ...inner,
    bucket: (bucket, origin) => inner.bucket(visible(bucket), origin),
    packaged: (code, uri) => inner.packaged(code, visible(uri)),
    uploadSkipped: (uri) => inner.uploadSkipped(visible(uri)),
    uploadStarted: (uri, bytes, files) => inner.uploadStarted(visible(uri), bytes, files),
    uploaded: (uri, sent) => inner.uploaded(visible(uri), sent),
    // An ApiError's message may quote the service; only the message is shown.
    retry: (error, attempt, delayMs) => inner.retry(Object.assign(Object.create(Object.getPrototypeOf(error) as object) as ApiError, error, { message: visibleLines(error.message) }), attempt, delayMs),
    submitted: (job) => inner.submitted(visibleDeep(job)),
    detached: (job) => inner.detached(visibleDeep(job)),
    following: (id, stopOnInterrupt) => inner.following(visible(id), stopOnInterrupt),
    status: (job, previous) => inner.status(visibleDeep(job), previous === undefined ? undefined : visible(previous)),
    log: (instance, line) => inner.log(instance === undefined ? undefined : visible(instance), raw ? line : visibleLines(line)),
    heartbeat: (job, quietMs) => inner.heartbeat(visibleDeep(job), quietMs),
    stopping: (id) => inner.stopping(visible(id)),
    interrupted: (job, stopped) => inner.interrupted(visibleDeep(job), stopped),
    timedOut: (job, afterMs) => inner.timedOut(visibleDeep(job), afterMs),
    result: (result) => inner.result({ ...result, job: visibleDeep(result.job), outputs: visibleDeep(result.outputs) }),
    setJob: (id) => inner.setJob(visible(id)),
  };
}

function plainHumanReporter(io: IO, activity: Activity, style: ChalkInstance, now: () => number, raw: boolean): RunReporter {
  let jobId = '';
  let statusSince = now();
  let started = now();
  let status = '';
  let uploadStart = 0;
  // The code's URI is printed once, on the `Code:` line; the upload lines that follow do not repeat it.
  let announced = '';
  const toUri = (uri: string, glue: string) => (uri === announced ? '' : `${glue}${uri}`);
  let lastQuarter = -1;
  // The line of the status the job ended in, held back until the last log lines (read after it) are out.
  let finalStatus: string | undefined;
  const flushFinal = () => {
    if (finalStatus !== undefined) activity.note(finalStatus);
    finalStatus = undefined;
  };
  // The time in the current status, by the job's own clock when it says (a job followed later has spent hours in it).
  const spin = () => activity.update(`${status || 'Submitting'} ${style.dim(formatDuration(now() - (status ? statusSince : started)))}`);
  const timer = setInterval(() => status && spin(), 1000);
  timer.unref();
  return {
    setJob: (id) => void (jobId = id),
    bucket: (bucket, origin) => activity.note(`Using bucket ${bucket} (${origin})`),
    packaged(code: PackagedCode, uri: string) {
      announced = uri;
      activity.note(code.kind === 'files' ? `Code: ${plural(code.fileCount, 'file')}, ${formatBytes(code.totalBytes)} → ${uri}` : `Packaged code: ${plural(code.fileCount, 'file')}, ${formatBytes(code.totalBytes)} → ${formatBytes(code.bytes)} archive (${uri})`);
    },
    uploadSkipped: (uri) => activity.note(`${style.green('✔')} Already uploaded, not sending again${toUri(uri, ': ')}`),
    uploadStarted(uri, bytes, files) {
      uploadStart = now();
      lastQuarter = -1;
      activity.note(`Uploading ${files !== undefined && files > 1 ? `${plural(files, 'file')}, ` : ''}${formatBytes(bytes)}${toUri(uri, ' to ')}`);
      activity.update(`Uploading${files !== undefined && files > 1 ? ` ${plural(files, 'file')},` : ''} ${formatBytes(bytes)}: starting…`);
    },
    uploadProgress(p: UploadProgress) {
      // Before the first byte there is no rate to show, nor a time left to guess.
      if (p.sent === 0) return;
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
    uploaded(uri, sent) {
      const what = sent ? ` ${plural(sent.files, 'file')}, ${formatBytes(sent.bytes)}` : '';
      activity.note(`${style.green('✔')} Uploaded${what}${toUri(uri, what ? ', to ' : ' ')}`);
    },
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
      // A job followed after the fact (logs --follow, status --wait) has a history: count from its own times.
      const entered = enteredStatusAt(job, t);
      let line = previous === undefined ? `Status: ${job.status}` : `Status: ${previous} → ${job.status} ${style.dim(`(${formatDuration((entered ?? t) - statusSince)} in ${previous})`)}`;
      if (previous === undefined) {
        const created = Date.parse(job.createTime ?? '');
        if (Number.isFinite(created) && created <= t) started = created;
        if (entered !== undefined && t - entered >= 1000) line += ` ${style.dim(`(since ${clockTime(new Date(entered))}, ${formatDuration(t - entered)} ago)`)}`;
      }
      statusSince = entered ?? t;
      status = job.status;
      // Shown once, when it appears (status events come on changes only); the job is followed on.
      const shown = isKnownStatus(job.status) ? line : `${line} ${style.dim('(a status pai-process does not know; waiting for it to change)')}`;
      if (hasEnded(job.status)) finalStatus = shown;
      else activity.note(shown);
      spin();
    },
    log(instance, line) {
      activity.out(instance ? `[${shortInstance(jobId, instance)}] ${line}` : line, raw);
    },
    heartbeat(job, quietMs) {
      activity.note(style.dim(`Still ${job.status} after ${formatDuration(now() - started)}; no new log lines for ${formatDuration(quietMs)}`));
    },
    event: (e) => activity.note(renderEventLine(e, style)),
    stopping: (id) => activity.note(`Stopping ${id}…`),
    cancelled() {
      activity.stop();
      io.err(`${style.yellow('■')} Interrupted before the job was created; nothing was submitted.\n`);
    },
    interrupted(job, stopped) {
      flushFinal();
      activity.stop();
      if (stopped) {
        io.err(`${style.yellow('■')} Stopped ${job.id}${job.status ? ` (${job.status})` : ''}.\n`);
        return;
      }
      io.err(`${style.yellow('■')} Stopped following. The job keeps running${job.status ? ` (${job.status})` : ''}.\n`);
      io.err(`  Follow it again:  pai-process logs ${job.id} --follow\n  Stop it:          pai-process stop ${job.id}\n`);
    },
    timedOut(job, afterMs) {
      flushFinal();
      activity.stop();
      io.err(`${style.yellow('■')} Stopped following after ${formatDuration(afterMs)} (--timeout). The job keeps running (${job.status}).\n`);
      io.err(`  Follow it again:  pai-process logs ${job.id} --follow\n  Stop it:          pai-process stop ${job.id}\n`);
    },
    result({ job, exitCode, durationMs, outputs }) {
      flushFinal();
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
      flushFinal();
      clearInterval(timer);
      activity.stop();
    },
  };
}

/** For machines (`--json`): one JSON event per line on stdout, ending with a `result` event. */
export function ndjsonReporter(io: IO, now: () => Date): RunReporter {
  // Exact: JSON.stringify escapes the controls a line may hold, and a consumer gets the values as they are.
  const emit = (event: string, data: Record<string, unknown>) => io.outExact(JSON.stringify({ event, time: now().toISOString(), ...data }) + '\n');
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
    event: (e) => emit('event', eventRecord(jobId, e)),
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
export function quietReporter(io: IO, essential: Essential, options: { raw?: boolean } = {}): RunReporter {
  return visibleEvents(plainQuietReporter(io, essential), options.raw === true);
}

function plainQuietReporter(io: IO, essential: Essential): RunReporter {
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
