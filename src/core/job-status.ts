import { ExitCode } from './exit-codes.js';

/**
 * Every job status the tool knows by name: the PAI Python SDK's TrainingJobStatus (Creating, Created, Submitted,
 * Initializing, Running, Succeed, Failed, InitializeFailed, CreateFailed, Terminated), the states a stop and the
 * scheduler pass through (Stopping, Stopped, Queuing, EnvPreparing), and the reserving states that
 * `Settings.JobReservedMinutes` implies. Used to check what a user types (`list --status`); a status the
 * service sends that is not here is still shown and waited on.
 */
export const KNOWN_STATUSES: readonly string[] = [
  'Creating', 'Created', 'Submitted', 'Queuing', 'Initializing', 'EnvPreparing', 'Running', 'Stopping',
  'Succeed', 'Failed', 'InitializeFailed', 'CreateFailed', 'Terminated', 'Stopped', 'SucceededReserving', 'FailedReserving',
];

/** Statuses after which a job never changes again. `CreateFailed` is one (the SDK forgets it and waits forever). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Succeed', 'Failed', 'InitializeFailed', 'CreateFailed', 'Terminated', 'Stopped']);

export const FAILED_STATUSES: ReadonlySet<string> = new Set(['Failed', 'InitializeFailed', 'CreateFailed']);
export const STOPPED_STATUSES: ReadonlySet<string> = new Set(['Terminated', 'Stopped']);

/** Unknown statuses are not terminal: shown as they are, and polled again. */
export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The exit code of design.md section 7 for a job that ended with this status. */
export function exitCodeForStatus(status: string): ExitCode {
  if (status === 'Succeed') return ExitCode.ok;
  if (FAILED_STATUSES.has(status)) return ExitCode.jobFailed;
  if (STOPPED_STATUSES.has(status)) return ExitCode.jobStopped;
  return ExitCode.internal;
}
