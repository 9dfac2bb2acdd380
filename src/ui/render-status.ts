import type { ChalkInstance } from 'chalk';
import type { TrainingJob } from '../core/ports/backends.js';
import { hasEnded, RESERVING_STATUSES } from '../core/job-status.js';
import { formatDuration } from './format.js';
import { shortInstance } from '../core/events.js';
import { visible, visibleDeep } from './sanitize.js';
import { columns } from './table.js';

/** A status word in the colour of its meaning. */
export function paintStatus(status: string, style: ChalkInstance): string {
  if (status === 'Succeed' || status === 'SucceededReserving') return style.green(status);
  if (/Failed$/.test(status) || status === 'FailedReserving') return style.red(status);
  if (status === 'Stopped' || status === 'Terminated' || status === 'Stopping') return style.yellow(status);
  if (status === 'Running') return style.cyan(status);
  return status;
}

/**
 * For a job that ended keeping its instances (SucceededReserving, FailedReserving): that they are kept, for
 * how long when the job's Settings say, and how to release them. Undefined for any other status.
 */
export function instancesKeptNote(job: Pick<TrainingJob, 'id' | 'status' | 'reservedMinutes'>): string | undefined {
  if (!RESERVING_STATUSES.has(job.status)) return undefined;
  const span =
    job.reservedMinutes !== undefined
      ? ` for up to ${job.reservedMinutes} minute${job.reservedMinutes === 1 ? '' : 's'} after the end (Settings.JobReservedMinutes)`
      : '';
  return `Its instances are kept${span}; release them with: pai-process stop ${job.id}`;
}

/**
 * When the job entered its current status (ms), from the last transition to it; undefined when the answer does
 * not say, or says a time after `now` (a clock ahead of ours).
 */
export function enteredStatusAt(job: TrainingJob, now: number): number | undefined {
  const last = [...job.transitions].reverse().find((t) => t.status === job.status);
  const at = Date.parse(last?.startTime ?? '');
  return Number.isFinite(at) && at <= now ? at : undefined;
}

/**
 * `status JOB`: the job's facts, one per line, every value from the service made visible (src/ui/sanitize.ts);
 * `more` rows (its last events, already made visible by render-events.ts) at the end, in the same columns.
 */
export function renderJobStatus(answer: TrainingJob, style: ChalkInstance, more: readonly string[][] = []): string {
  const job = visibleDeep(answer);
  const rows: string[][] = [
    ['id', job.id],
    ['name', job.name],
    ['status', paintStatus(job.status, style)],
  ];
  if (job.reasonCode || job.reasonMessage) rows.push(['reason', [job.reasonCode, job.reasonMessage].filter(Boolean).join(': ')]);
  const kept = instancesKeptNote(job);
  if (kept) rows.push(['instances', kept]);
  if (job.createTime) rows.push(['created', job.createTime]);
  if (job.duration !== undefined) rows.push(['duration', formatDuration(job.duration * 1000)]);
  for (const t of job.transitions) {
    rows.push([
      'transition',
      `${t.status}${t.startTime ? `  ${t.startTime}` : ''}${t.endTime ? ` → ${t.endTime}` : ''}${t.reasonCode ? `  ${t.reasonCode}` : ''}`,
    ]);
  }
  for (const i of job.instances) rows.push(['worker', `${shortInstance(job.id, i.name)}${i.status ? `  ${i.status}` : ''}`]);
  for (const o of job.outputs) if (o.uri) rows.push(['output', `${o.name}  ${o.uri}`]);
  if (job.url) rows.push(['console', job.url]);
  rows.push(...more);
  return columns(rows);
}

/** `list`: one job per line, newest first. */
export function renderJobList(answer: TrainingJob[], style: ChalkInstance): string {
  if (answer.length === 0) return '  (no jobs)';
  const jobs = visibleDeep(answer);
  const rows = [[style.bold('ID'), style.bold('NAME'), style.bold('STATUS'), style.bold('CREATED'), style.bold('DURATION')]];
  for (const j of jobs)
    rows.push([j.id, j.name, paintStatus(j.status, style), j.createTime ?? '', j.duration !== undefined ? formatDuration(j.duration * 1000) : '']);
  return columns(rows, '');
}

/** The fields `status --json` and `list --json` print (a documented whitelist, not the raw answer). */
export function jobJson(job: TrainingJob): Record<string, unknown> {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    reasonCode: job.reasonCode ?? null,
    reasonMessage: job.reasonMessage ?? null,
    createTime: job.createTime ?? null,
    durationSeconds: job.duration ?? null,
    workers: job.instances.map((i) => ({ name: i.name, status: i.status ?? null })),
    transitions: job.transitions.map((t) => ({
      status: t.status,
      startTime: t.startTime ?? null,
      endTime: t.endTime ?? null,
      reasonCode: t.reasonCode ?? null,
      reasonMessage: t.reasonMessage ?? null,
    })),
    outputs: job.outputs.map((o) => ({ name: o.name, uri: o.uri ?? null })),
    url: job.url ?? null,
  };
}

/** A single status value on stdout (`status --quiet`, `stop --quiet`), made visible. */
export function renderStatusValue(status: string): string {
  return `${visible(status)}\n`;
}

/** `stop`: where the job stands after the stop (its status made visible). */
export function renderStopped(jobId: string, status: string | undefined, style: ChalkInstance): string {
  return `${style.yellow('■')} Job ${jobId} is ${visible(status ?? 'stopping')}.\n`;
}

/** A plain `logs` that found no line: why, with the job's status when it was read. */
export function renderNoLogLines(jobId: string, status: string | undefined): string {
  const shown = status === undefined ? undefined : visible(status);
  return status && hasEnded(status)
    ? `No log lines for ${jobId} (${shown}).\n`
    : `No log lines yet for ${jobId}${shown ? ` (${shown})` : ''}. Follow it with: pai-process logs ${jobId} --follow\n`;
}
