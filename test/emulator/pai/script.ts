// A job's lifecycle is a list of steps. Each step becomes due at `at` ms after the job was
// created, or at the `atPoll`-th GetTrainingJob answer for that job, and never before the step
// before it. Steps are applied lazily whenever the job is looked at, with the time at which
// they were due, so log lines get the emission times the script says and no timers are needed.
import type { EventSpec } from './events.js';

export interface InstanceInit {
  /** Full name, or a suffix such as 'worker-0' that becomes '<jobId>-worker-0'. */
  name: string;
  /** Defaults to the word before the index: 'worker' for 'worker-0', 'master' for 'master-0'. */
  role?: string;
  status?: string;
}

export interface ScriptStep {
  /** Due this many ms after creation. */
  at?: number;
  /** Due at the Nth GetTrainingJob answer for this job (1 = the first poll already sees it). */
  atPoll?: number;
  /**
   * Due once a GetTrainingJob answer has shown the job ended (a terminal or reserving status) and this many
   * ListTrainingJobLogs answers for the job came after it: log lines that land after the final status, as a
   * service whose log store lags the job's status serves them. With 1, the read right after the status read
   * that showed the end does not see them; only a client that reads again does.
   */
  afterEndLogReads?: number;
  /** New job status (Creating, Queuing, Submitted, Initializing, Running, Succeed, Failed, ...). */
  status?: string;
  reasonCode?: string;
  reasonMessage?: string;
  /** Instances that appear now (names or suffixes like 'worker-0', 'master-0'). */
  instances?: Array<string | InstanceInit>;
  /** Explicit instance statuses (key: name or suffix); otherwise they follow the job status. */
  instanceStatus?: Record<string, string>;
  /**
   * Log lines emitted now, as given (with or without a trailing newline). An array goes to the
   * first instance; a record maps instance (name or suffix) to its lines, emitted in record order.
   * Lines for an instance that does not exist yet create it.
   */
  logs?: string[] | Record<string, string[]>;
  /** Event strings for ListTrainingJobEvents (status changes add their own events). */
  events?: string[];
  /**
   * Canned events ('scheduling', 'image-pull-failure', 'insufficient-quota') or spelled-out ones
   * ({type, reason, message}), emitted now after `events` (pai/events.ts writes their text).
   */
  event?: EventSpec | EventSpec[];
  /**
   * Objects the job writes now into its output channels, as a job writing /ml/output/<channel>/ does:
   * channel name → { path below the channel's OutputUri → content }. Stored in the emulated OSS under the
   * OutputUri the job was submitted with (OutputChannels[].OutputUri); a channel the job does not have is an error.
   */
  outputs?: Record<string, Record<string, string | Buffer>>;
}

export type Script = ScriptStep[];

/** What a job does when no script was registered for it: about 0.9 s from Creating to Succeed. */
export function defaultScript(): Script {
  return [
    { at: 0, status: 'Creating' },
    { at: 100, status: 'Queuing' },
    { at: 200, status: 'Running', instances: ['worker-0'] },
    { at: 250, logs: ['Starting the job\n', 'Loading code from /ml/usercode\n'] },
    { at: 500, logs: ['step 1/2 done\n', 'step 2/2 done\n'] },
    { at: 800, logs: ['Job finished\n'] },
    { at: 900, status: 'Succeed', reasonCode: 'TrainingJobSucceed', reasonMessage: 'KubeDL job runs successfully' },
  ];
}

/**
 * Statuses after which a job never changes: the PAI Python SDK's TrainingJobStatus.completed_status()
 * (pai/job/_training_job.py: InitializeFailed, Succeed, Failed, Terminated), plus CreateFailed (in its
 * failed_status(), which the SDK forgets to count as completed) and Stopped (what StopTrainingJob leads to).
 */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Succeed', 'Failed', 'InitializeFailed', 'CreateFailed', 'Terminated', 'Stopped']);

/**
 * With Settings.JobReservedMinutes (official PaiStudio 2022-01-12 model, JobSettings) a job that ends keeps
 * its instances for that long in one of these statuses, then moves on to the terminal status named here.
 */
export const RESERVING_STATUSES: ReadonlyMap<string, string> = new Map([
  ['SucceededReserving', 'Succeed'],
  ['FailedReserving', 'Failed'],
]);

/** The instance status that goes with a job status, when the script does not say. */
export function instanceStatusFor(jobStatus: string): string {
  switch (jobStatus) {
    case 'Running':
      return 'Running';
    case 'Succeed':
    case 'SucceededReserving':
      return 'Succeeded';
    case 'FailedReserving':
    case 'Failed':
    case 'InitializeFailed':
    case 'CreateFailed':
      return 'Failed';
    case 'Stopping':
      return 'Stopping';
    case 'Stopped':
    case 'Terminated':
      return 'Stopped';
    default:
      return 'Pending';
  }
}
