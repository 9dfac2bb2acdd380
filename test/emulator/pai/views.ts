// How jobs look on the wire: GetTrainingJob (full detail) and ListTrainingJobs items (summary),
// with the field names and types of the official response models.
import { isoSeconds } from '../clock.js';
import type { Job, Transition } from './jobs.js';
import { RESERVING_STATUSES, TERMINAL_STATUSES } from './script.js';

/** Spec fields echoed back in GetTrainingJob, as the service does. */
const DETAIL_ECHO = [
  'AlgorithmName',
  'AlgorithmProvider',
  'AlgorithmSpec',
  'AlgorithmVersion',
  'AssignNodeSpec',
  'ComputeResource',
  'CredentialConfig',
  'Environments',
  'ExperimentConfig',
  'HyperParameters',
  'InputChannels',
  'Labels',
  'OutputChannels',
  'Priority',
  'PythonRequirements',
  'RoleArn',
  'Scheduler',
  'Settings',
  'TrainingJobDescription',
  'UserVpc',
];

/** ListTrainingJobs items carry no AlgorithmSpec, Settings or Priority (official model). */
const SUMMARY_ECHO = DETAIL_ECHO.filter((k) => !['AlgorithmSpec', 'Settings', 'Priority'].includes(k));

function transitionView(t: Transition): Record<string, unknown> {
  return {
    Status: t.status,
    StartTime: isoSeconds(t.startTime),
    ...(t.endTime !== undefined ? { EndTime: isoSeconds(t.endTime) } : {}),
    ...(t.reasonCode !== undefined ? { ReasonCode: t.reasonCode } : {}),
    ...(t.reasonMessage !== undefined ? { ReasonMessage: t.reasonMessage } : {}),
  };
}

/** Seconds the job has been running: from its first Running status to its end (or now). */
function durationSeconds(job: Job, now: number): number {
  const running = job.transitions.find((t) => t.status === 'Running');
  if (!running) return 0;
  const end = TERMINAL_STATUSES.has(job.status) || RESERVING_STATUSES.has(job.status) ? (job.transitions[job.transitions.length - 1]?.startTime ?? now) : now;
  return Math.max(0, Math.round((end - running.startTime) / 1000));
}

function echo(job: Job, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (job.spec[k] !== undefined && job.spec[k] !== null) out[k] = structuredClone(job.spec[k]);
  return out;
}

export function consoleUrl(job: Job, region: string): string {
  return `https://pai.console.aliyun.com/?regionId=${region}&workspaceId=${job.workspaceId}#/training/jobs/${job.id}`;
}

function common(job: Job, now: number): Record<string, unknown> {
  return {
    TrainingJobId: job.id,
    TrainingJobName: job.name,
    WorkspaceId: job.workspaceId,
    Status: job.status,
    ...(job.reasonCode !== undefined ? { ReasonCode: job.reasonCode } : {}),
    ...(job.reasonMessage !== undefined ? { ReasonMessage: job.reasonMessage } : {}),
    GmtCreateTime: isoSeconds(job.createdAt),
    GmtModifiedTime: isoSeconds(job.modifiedAt),
    StatusTransitions: job.transitions.map(transitionView),
    IsTempAlgo: job.spec['AlgorithmSpec'] !== undefined,
    UserId: '1234567890123456',
    Duration: durationSeconds(job, now),
  };
}

export function jobDetail(job: Job, region: string, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...echo(job, DETAIL_ECHO), ...common(job, now) };
  // GetTrainingJob's model declares the scheduler limits as strings.
  const scheduler = out['Scheduler'];
  if (scheduler && typeof scheduler === 'object') {
    for (const [k, v] of Object.entries(scheduler)) if (typeof v === 'number') (scheduler as Record<string, unknown>)[k] = String(v);
  }
  out['TrainingJobUrl'] = consoleUrl(job, region);
  out['Instances'] = job.instancesGone ? [] : job.instances.map((i) => ({ Name: i.name, Role: i.role, Status: i.status }));
  return out;
}

export function jobSummary(job: Job, now: number): Record<string, unknown> {
  const out = { ...echo(job, SUMMARY_ECHO), ...common(job, now) };
  delete out['Duration'];
  return out;
}
