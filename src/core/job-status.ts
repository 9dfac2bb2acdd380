import { ExitCode } from './exit-codes.js';

/**
 * Every job status the tool knows by name: the PAI Python SDK's TrainingJobStatus (Creating, Created, Submitted,
 * Initializing, Running, Succeed, Failed, InitializeFailed, CreateFailed, Terminated), the states a stop and the
 * scheduler pass through (Stopping, Stopped, Queuing, EnvPreparing), and the reserving states that
 * `Settings.JobReservedMinutes` implies. Used to check what a user types (`list --status`); a status the
 * service sends that is not here is still shown and waited on.
 */
export const KNOWN_STATUSES: readonly string[] = [
  'Creating',
  'Created',
  'Submitted',
  'Queuing',
  'Initializing',
  'EnvPreparing',
  'Running',
  'Stopping',
  'Succeed',
  'Failed',
  'InitializeFailed',
  'CreateFailed',
  'Terminated',
  'Stopped',
  'SucceededReserving',
  'FailedReserving',
];

/** Statuses after which a job never changes again. `CreateFailed` is one (the SDK forgets it and waits forever). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Succeed', 'Failed', 'InitializeFailed', 'CreateFailed', 'Terminated', 'Stopped']);

/**
 * A job created with `Settings.JobReservedMinutes` keeps its instances for that long after it ends, in one of
 * these statuses, then moves on to Succeed or Failed. Its outcome is known already, so following ends here;
 * but it is not terminal: `stop` still has something to release.
 */
export const RESERVING_STATUSES: ReadonlySet<string> = new Set(['SucceededReserving', 'FailedReserving']);

export const FAILED_STATUSES: ReadonlySet<string> = new Set(['Failed', 'InitializeFailed', 'CreateFailed', 'FailedReserving']);
export const STOPPED_STATUSES: ReadonlySet<string> = new Set(['Terminated', 'Stopped']);

/** Unknown statuses are not terminal: shown as they are, and polled again. */
export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The job's outcome is decided (ended, or ended and keeping its instances): following stops here. */
export function hasEnded(status: string): boolean {
  return TERMINAL_STATUSES.has(status) || RESERVING_STATUSES.has(status);
}

/** Whether the job's status is one the tool knows by name (an unknown one is shown once and waited on). */
export function isKnownStatus(status: string): boolean {
  return KNOWN_STATUSES.includes(status);
}

/** The exit code of docs/exit-codes.md for a job that ended with this status. */
export function exitCodeForStatus(status: string): ExitCode {
  if (status === 'Succeed' || status === 'SucceededReserving') return ExitCode.ok;
  if (FAILED_STATUSES.has(status)) return ExitCode.jobFailed;
  if (STOPPED_STATUSES.has(status)) return ExitCode.jobStopped;
  return ExitCode.internal;
}
