import type { ChalkInstance } from 'chalk';
import { recordName, type Emit, type EventOf, type RunEvent } from '../core/events.js';
import { hasEnded, isKnownStatus } from '../core/job-status.js';
import type { Activity } from './activity.js';
import { clockTime, formatBytes, formatDuration, plural } from './format.js';
import type { IO } from './io.js';
import { enteredStatusAt, instancesKeptNote } from './render-status.js';
import { eventText, renderEventLine } from './render-events.js';
import { visible, visibleDeep, visibleLines } from './sanitize.js';
import { warner } from './warn.js';

/**
 * What a run, `logs`, `status --wait` and `events` tell the user: the one event stream (core/events.ts), rendered
 * for one output format. Every reporter is a switch on the event's type.
 */
export interface Reporter {
  emit: Emit;
  /** The end of the stream: whatever is held back is written, a spinner stopped. */
  close(): void;
  /** Whether it shows the job's events; core reads them only then (a quiet report shows none). */
  jobEvents: boolean;
}

/**
 * For a person: status changes and progress on stderr, job logs on stdout, one summary at the end. Every text
 * the service, the job or the file system handed in is made visible (src/ui/sanitize.ts) before it is
 * formatted; with `raw`, the job's log lines are printed exactly as the job wrote them.
 */
export function humanReporter(io: IO, activity: Activity, style: ChalkInstance, now: () => number, options: { raw?: boolean } = {}): Reporter {
  return visibleEvents(plainHumanReporter(io, activity, style, now, options.raw === true), options.raw === true);
}

/** The one place events from outside are made visible, before any of it is formatted. */
function visibleEvents(inner: Reporter, raw: boolean): Reporter {
  return { ...inner, emit: (event) => inner.emit(visibleEvent(event, raw)) };
}

function visibleEvent(event: RunEvent, raw: boolean): RunEvent {
  switch (event.type) {
    case 'log':
      return { ...event, worker: event.worker === null ? null : visible(event.worker), line: raw ? event.line : visibleLines(event.line) };
    // An ApiError's message may quote the service; only the message is shown.
    case 'retry':
      return { ...event, message: visibleLines(event.message) };
    // Made visible where they are rendered: an event's text (render-events.ts), a warning (warn.ts), the local
    // run's first line (localStartedLine); progress is numbers.
    case 'event':
    case 'warning':
    case 'local-started':
    case 'upload-progress':
      return event;
    default:
      return visibleDeep(event);
  }
}

/** The first line of a local run, on stderr (made visible here). */
export function localStartedLine(event: EventOf<'local-started'>): string {
  return `${visible(`Running ${event.jobId} on this machine (${event.runtime === 'docker' ? `in Docker, ${event.image}` : 'as a plain process'}) in ${event.runDir}.`)} Ctrl-C stops it.\n`;
}

/** A log line as printed: prefixed with its worker when the job has several. */
function logLine(event: EventOf<'log'>): string {
  return event.worker ? `[${event.worker}] ${event.line}` : event.line;
}

function plainHumanReporter(io: IO, activity: Activity, style: ChalkInstance, now: () => number, raw: boolean): Reporter {
  const warn = warner(io);
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
  const stopped = (jobId: string, jobStatus: string | null) => io.err(`${style.yellow('■')} Stopped ${jobId}${jobStatus ? ` (${jobStatus})` : ''}.\n`);
  const followAgain = (jobId: string) => io.err(`  Follow it again:  pai-process logs ${jobId} --follow\n  Stop it:          pai-process stop ${jobId}\n`);

  const showStatus = (event: EventOf<'status'>) => {
    const t = now();
    const { job } = event.detail;
    const previous = event.previous ?? undefined;
    // A job followed after the fact (logs --follow, status --wait) has a history: count from its own times.
    const entered = job ? enteredStatusAt(job, t) : undefined;
    let line =
      previous === undefined
        ? `Status: ${event.status}`
        : `Status: ${previous} → ${event.status} ${style.dim(`(${formatDuration((entered ?? t) - statusSince)} in ${previous})`)}`;
    if (previous === undefined) {
      const created = Date.parse(job?.createTime ?? '');
      if (Number.isFinite(created) && created <= t) started = created;
      if (entered !== undefined && t - entered >= 1000) line += ` ${style.dim(`(since ${clockTime(new Date(entered))}, ${formatDuration(t - entered)} ago)`)}`;
    }
    statusSince = entered ?? t;
    status = event.status;
    // Shown once, when it appears (status events come on changes only); the job is followed on.
    const shown = isKnownStatus(event.status) ? line : `${line} ${style.dim('(a status pai-process does not know; waiting for it to change)')}`;
    if (hasEnded(event.status)) finalStatus = shown;
    else activity.note(shown);
    spin();
  };

  const showProgress = (p: EventOf<'upload-progress'>) => {
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
      activity.note(
        `Uploaded ${pct}% (${formatBytes(p.sent)} of ${formatBytes(p.total)}${p.totalFiles !== undefined ? `, ${p.files ?? 0} of ${p.totalFiles} files` : ''}, ${formatBytes(rate)}/s)`,
      );
    }
  };

  const showResult = (event: EventOf<'result'>) => {
    const { jobId, exitCode } = event;
    const mark = exitCode === 0 ? style.green('✔') : exitCode === 3 ? style.yellow('■') : style.red('✖');
    const verb = exitCode === 0 ? 'succeeded' : exitCode === 3 ? `was stopped (${event.status})` : `failed (${event.status})`;
    const lines = [`${mark} Job ${jobId} ${verb} after ${formatDuration(event.detail.durationMs)}`];
    if (event.reasonCode || event.reasonMessage) {
      if (exitCode !== 0) lines.push(`  Reason   ${[event.reasonCode, event.reasonMessage].filter(Boolean).join(': ')}`);
    }
    const kept = instancesKeptNote({
      id: jobId,
      status: event.status,
      ...(typeof event.reservedMinutes === 'number' ? { reservedMinutes: event.reservedMinutes } : {}),
    });
    if (kept) lines.push(`  ${kept}`);
    if (event.url) lines.push(`  Console  ${event.url}`);
    for (const o of event.outputs) lines.push(`  Output   ${o.name}  ${o.uri}`);
    io.err(lines.join('\n') + '\n');
  };

  const emit = (event: RunEvent): void => {
    switch (event.type) {
      case 'bucket':
        activity.note(`Using bucket ${event.bucket} (${event.origin})`);
        return;
      case 'packaged':
        announced = event.uri;
        activity.note(
          event.mode === 'files'
            ? `Code: ${plural(event.files, 'file')}, ${formatBytes(event.bytes)} → ${event.uri}`
            : `Packaged code: ${plural(event.files, 'file')}, ${formatBytes(event.bytes)} → ${formatBytes(event.archiveBytes ?? 0)} archive (${event.uri})`,
        );
        return;
      case 'upload-skipped':
        activity.note(`${style.green('✔')} Already uploaded, not sending again${toUri(event.uri, ': ')}`);
        return;
      case 'upload-started': {
        const { files, bytes } = event;
        uploadStart = now();
        lastQuarter = -1;
        activity.note(`Uploading ${files !== undefined && files > 1 ? `${plural(files, 'file')}, ` : ''}${formatBytes(bytes)}${toUri(event.uri, ' to ')}`);
        activity.update(`Uploading${files !== undefined && files > 1 ? ` ${plural(files, 'file')},` : ''} ${formatBytes(bytes)}: starting…`);
        return;
      }
      case 'upload-progress':
        showProgress(event);
        return;
      case 'uploaded': {
        const what = event.sentFiles !== undefined ? ` ${plural(event.sentFiles, 'file')}, ${formatBytes(event.sentBytes ?? 0)}` : '';
        activity.note(`${style.green('✔')} Uploaded${what}${toUri(event.uri, what ? ', to ' : ' ')}`);
        return;
      }
      case 'retry':
        activity.note(style.yellow(`${event.message}; trying again in ${formatDuration(event.delayMs)} (attempt ${event.attempt + 1})`));
        return;
      case 'submitted':
        started = now();
        activity.note(`${style.green('✔')} Submitted ${style.bold(event.jobId)} (${event.name})`);
        if (event.url) activity.note(`  Console: ${event.url}`);
        return;
      case 'detached':
        activity.note(`Not following (--detach). Follow it with: pai-process logs ${event.jobId} --follow`);
        // The id alone on stdout, so `id=$(pai-process run --detach)` works.
        io.out(`${event.jobId}\n`);
        return;
      case 'following':
        activity.note(
          event.stopOnInterrupt
            ? 'Following the job. Ctrl-C stops the job.'
            : `Following the job. Ctrl-C stops following and leaves the job running (pai-process stop ${event.jobId} stops it).`,
        );
        return;
      case 'status':
        showStatus(event);
        return;
      case 'log':
        activity.out(logLine(event), raw);
        return;
      case 'heartbeat':
        activity.note(style.dim(`Still ${event.status} after ${formatDuration(now() - started)}; no new log lines for ${formatDuration(event.quietMs)}`));
        return;
      case 'event':
        activity.note(renderEventLine(event, style));
        return;
      case 'stopping':
        activity.note(`Stopping ${event.jobId}…`);
        return;
      case 'warning':
        warn(event.message);
        return;
      case 'local-started':
        io.err(localStartedLine(event));
        return;
      case 'cancelled':
        activity.stop();
        io.err(`${style.yellow('■')} Interrupted before the job was created; nothing was submitted.\n`);
        return;
      case 'interrupted':
        flushFinal();
        activity.stop();
        if (event.exitCode === 3) {
          stopped(event.jobId, event.status);
          return;
        }
        io.err(`${style.yellow('■')} Stopped following. The job keeps running${event.status ? ` (${event.status})` : ''}.\n`);
        followAgain(event.jobId);
        return;
      case 'local-interrupted':
        flushFinal();
        activity.stop();
        stopped(event.jobId, event.status);
        return;
      case 'timed-out':
        flushFinal();
        activity.stop();
        io.err(`${style.yellow('■')} Stopped following after ${formatDuration(event.detail.afterMs)} (--timeout). The job keeps running (${event.status}).\n`);
        followAgain(event.jobId);
        return;
      case 'result':
        flushFinal();
        activity.stop();
        showResult(event);
        return;
    }
  };

  return {
    emit,
    jobEvents: true,
    close() {
      flushFinal();
      clearInterval(timer);
      activity.stop();
    },
  };
}

/**
 * For machines (`--json`): one JSON record per line on stdout, ending with a `result` record: each event as it
 * is (core/events.ts), with the record's name, the time and the format's version. Transient events have no
 * record; what a person needs on stderr (a warning, a local run's first line) still goes there.
 */
export function ndjsonReporter(io: IO, now: () => Date): Reporter {
  const warn = warner(io);
  return {
    emit(event) {
      const name = recordName(event.type);
      if (name === undefined) {
        if (event.type === 'warning') warn(event.message);
        else if (event.type === 'local-started') io.err(localStartedLine(event));
        return;
      }
      const { type: _type, detail: _detail, ...fields } = event as RunEvent & { detail?: unknown };
      // Exact: JSON.stringify escapes the controls a line may hold, and a consumer gets the values as they are.
      io.outExact(JSON.stringify({ event: name, time: now().toISOString(), v: NDJSON_VERSION, ...fields }) + '\n');
    },
    close: () => {},
    jobEvents: true,
  };
}

/** The version of the NDJSON records (`"v"`, right after `time`), raised when a record changes incompatibly. */
export const NDJSON_VERSION = 1;

/** What `--quiet` keeps on stdout: the job id (run), the log lines (logs), or the final status (status --wait). */
export type Essential = 'id' | 'logs' | 'status';

/**
 * For a script (`--quiet`): only the essential value, on stdout, and nothing on stderr but errors (which
 * main() renders) and warnings. The exit code still says how the job ended.
 */
export function quietReporter(io: IO, essential: Essential, options: { raw?: boolean } = {}): Reporter {
  return visibleEvents(plainQuietReporter(io, essential), options.raw === true);
}

function plainQuietReporter(io: IO, essential: Essential): Reporter {
  const warn = warner(io);
  const emit = (event: RunEvent): void => {
    switch (event.type) {
      case 'submitted':
        if (essential === 'id') io.out(`${event.jobId}\n`);
        return;
      case 'log':
        if (essential === 'logs') io.out(`${logLine(event)}\n`);
        return;
      case 'warning':
        warn(event.message);
        return;
      case 'interrupted':
      case 'local-interrupted':
      case 'timed-out':
      case 'result':
        if (essential === 'status' && event.status) io.out(`${event.status}\n`);
        return;
      default:
        return;
    }
  };
  return { emit, close: () => {}, jobEvents: false };
}

/**
 * `events JOB [--follow]`: each of the job's events on stdout, as one line of text or as its NDJSON record
 * (`json`), and a retry as a line on stderr. `count` is told of each event shown.
 */
export function eventsReporter(io: IO, now: () => Date, json: boolean, count: () => void): Reporter {
  const records = ndjsonReporter(io, now);
  const emit = (event: RunEvent): void => {
    if (event.type === 'event') {
      count();
      if (json) records.emit(event);
      else io.out(eventText(event.text) + '\n');
    } else if (event.type === 'retry') {
      io.err(`${event.message}; trying again in ${Math.round(event.delayMs / 100) / 10}s (attempt ${event.attempt + 1})\n`);
    }
  };
  return { emit, close: () => {}, jobEvents: true };
}
