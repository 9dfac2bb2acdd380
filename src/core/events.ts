import type { TrainingJob, UploadProgress } from './ports/backends.js';
import type { ApiError } from './errors.js';
import { RESERVING_STATUSES } from './job-status.js';

/**
 * Everything a run (cloud or local), `logs --follow`, `status --wait` and `events` report, as one stream of
 * events. Core emits them; every reporter in ui/ (human, quiet, NDJSON, the GitHub Actions wrappers) is a
 * switch on `type`.
 *
 * An event's own fields are its NDJSON record (docs/commands.md): the NDJSON writer prints
 * `{ event: recordName(type), time, v, ...fields }`, so field names and their order here are the record's.
 * What only a terminal rendering needs (the job as the service described it, a duration in ms) is kept
 * apart, under `detail`, which no record shows. Events marked transient have no record at all.
 */
export type RunEvent =
  | { type: 'bucket'; bucket: string; origin: string }
  | { type: 'packaged'; mode: 'files' | 'archive'; files: number; bytes: number; archiveBytes?: number; sha256: string; uri: string }
  | { type: 'upload-skipped'; uri: string; skipped: true }
  /** `files`: how many files the upload may send (those already in place are counted as they are checked). */
  | { type: 'upload-started'; uri: string; bytes: number; files?: number; started: true }
  /** Transient: how far an upload is. */
  | ({ type: 'upload-progress' } & UploadProgress)
  /** `sentFiles`/`sentBytes`: what actually went up (files already in place are not sent again). */
  | { type: 'uploaded'; uri: string; done: true; sentFiles?: number; sentBytes?: number }
  /** A call failed and will be tried again. */
  | { type: 'retry'; code: string; message: string; attempt: number; delayMs: number }
  | { type: 'submitted'; jobId: string; name: string; url: string | null; detail: { status: string } }
  /** Transient: the run follows the job from here. */
  | { type: 'following'; jobId: string; stopOnInterrupt: boolean }
  /**
   * The job's status changed (or was first seen: `previous` null). `detail.job` is the job as the service
   * described it (its history and times); a local job has none, only its reason.
   */
  | { type: 'status'; jobId: string; status: string; previous: string | null; detail: { job?: TrainingJob; reasonCode?: string; reasonMessage?: string } }
  /** One log line, without its trailing newline; `worker` is the instance's short name when the job has several. */
  | { type: 'log'; worker: string | null; line: string }
  /** No log line for a while; the job is still `status`. */
  | { type: 'heartbeat'; status: string; quietMs: number }
  /** One of the job's events (core/follow/events.ts), shown once. */
  | { type: 'event'; jobId: string; eventTime: string | null; text: string }
  | { type: 'stopping'; jobId: string }
  /** Transient: something the user may not expect (a local run says it before the job's first status). */
  | { type: 'warning'; message: string }
  /** Transient: a local run's checks passed and the job is being staged in this new run folder. */
  | { type: 'local-started'; jobId: string; runDir: string; runtime: 'plain' | 'docker'; image: string }
  // --- how it ended: each is a `result` record ---
  | { type: 'detached'; jobId: string; status: string; exitCode: 0; detached: true; url: string | null }
  /** Ctrl-C before the job was created: nothing was submitted. */
  | { type: 'cancelled'; jobId: null; status: null; exitCode: 130; interrupted: true }
  /** Ctrl-C: following stopped; exit code 3 when the job was stopped too (--stop-on-interrupt), else 130. */
  | { type: 'interrupted'; jobId: string; status: string | null; exitCode: 3 | 130; interrupted: true }
  | { type: 'timed-out'; jobId: string; status: string; exitCode: 6; timedOut: true; detail: { afterMs: number; url?: string } }
  | ({ type: 'result' } & ResultFields & { instancesKept?: true; reservedMinutes?: number | null })
  /** Ctrl-C stopped a local job (it is ours, so nothing keeps running): a result of its own, exit code 130. */
  | ({ type: 'local-interrupted' } & ResultFields);

/** The fields of a finished job's `result` record, and what its summary needs besides. */
export interface ResultFields {
  jobId: string;
  status: string;
  exitCode: number;
  durationSeconds: number;
  reasonCode: string | null;
  reasonMessage: string | null;
  url: string | null;
  outputs: { name: string; uri: string }[];
  detail: { name: string; durationMs: number };
}

export type RunEventType = RunEvent['type'];
/** The event of one type. */
export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** Where core sends its events. */
export type Emit = (event: RunEvent) => void;

/** The record an event is written as in NDJSON; undefined for a transient event (no record). */
export function recordName(type: RunEventType): string | undefined {
  switch (type) {
    case 'upload-progress':
    case 'following':
    case 'warning':
    case 'local-started':
      return undefined;
    case 'upload-skipped':
    case 'upload-started':
    case 'uploaded':
      return 'upload';
    case 'detached':
    case 'cancelled':
    case 'interrupted':
    case 'timed-out':
    case 'local-interrupted':
      return 'result';
    default:
      return type;
  }
}

/** A retry policy's `onRetry` that reports each retry as a `retry` event. */
export function retryEvents(emit: Emit): (error: ApiError, attempt: number, delayMs: number) => void {
  return (error, attempt, delayMs) => emit({ type: 'retry', code: error.code, message: error.message, attempt, delayMs });
}

/** The short name of an instance: `train-abc-worker-0` → `worker-0` when it starts with the job id. */
export function shortInstance(jobId: string, instance: string): string {
  return instance.startsWith(`${jobId}-`) ? instance.slice(jobId.length + 1) : instance;
}

/** The `status` event of a cloud job. */
export function statusEvent(job: TrainingJob, previous: string | undefined): EventOf<'status'> {
  return { type: 'status', jobId: job.id, status: job.status, previous: previous ?? null, detail: { job } };
}

/** The `result` event of a cloud job that ended: its status, reason, outputs, and whether its instances are kept. */
export function resultEvent(job: TrainingJob, exitCode: number, durationMs: number, outputs: { name: string; uri: string }[]): EventOf<'result'> {
  return {
    type: 'result',
    jobId: job.id,
    status: job.status,
    exitCode,
    durationSeconds: Math.round(durationMs / 1000),
    reasonCode: job.reasonCode ?? null,
    reasonMessage: job.reasonMessage ?? null,
    url: job.url ?? null,
    outputs,
    ...(RESERVING_STATUSES.has(job.status) ? { instancesKept: true as const, reservedMinutes: job.reservedMinutes ?? null } : {}),
    detail: { name: job.name, durationMs },
  };
}

/** How an interrupted follow ended: exit code 3 when the job was stopped too, else 130 (it keeps running). */
export function interruptedEvent(jobId: string, status: string | undefined, stopped: boolean): EventOf<'interrupted'> {
  return { type: 'interrupted', jobId, status: status ?? null, exitCode: stopped ? 3 : 130, interrupted: true };
}

/** A follow that stopped at --timeout: the job keeps running. */
export function timedOutEvent(job: TrainingJob, afterMs: number): EventOf<'timed-out'> {
  return { type: 'timed-out', jobId: job.id, status: job.status, exitCode: 6, timedOut: true, detail: { afterMs, ...(job.url ? { url: job.url } : {}) } };
}

/** One of the job's events (core/follow/events.ts), as the `event` event. */
export function jobEvent(jobId: string, event: { text: string; time?: string }): EventOf<'event'> {
  return { type: 'event', jobId, eventTime: event.time ?? null, text: event.text };
}
