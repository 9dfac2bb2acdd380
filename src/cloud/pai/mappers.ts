import type { TrainingJob } from '../../core/ports/backends.js';
import { Answer } from './answer.js';

/**
 * GetTrainingJob's answer, or one item of ListTrainingJobs' `TrainingJobs`, → TrainingJob. Every field read is
 * checked against the official model's type (cloud/pai/answer.ts): absent fields are fine, a field of the wrong
 * type refuses the answer. `at` prefixes field names in that message (`TrainingJobs[2].`).
 */
export function toTrainingJob(body: Record<string, unknown>, answer: Answer = Answer.of('GetTrainingJob', body), at = ''): TrainingJob {
  const str = (value: unknown, field: string) => nonEmpty(answer.string(value, at + field));
  const list = (field: string) => answer.objects(body[field], at + field);
  const job: TrainingJob = {
    id: str(body['TrainingJobId'], 'TrainingJobId') ?? '',
    name: str(body['TrainingJobName'], 'TrainingJobName') ?? '',
    status: str(body['Status'], 'Status') ?? 'Unknown',
    instances: list('Instances')
      .map((i, n) => ({
        name: str(i['Name'], `Instances[${n}].Name`) ?? '',
        ...opt('role', str(i['Role'], `Instances[${n}].Role`)),
        ...opt('status', str(i['Status'], `Instances[${n}].Status`)),
      }))
      .filter((i) => i.name),
    outputs: list('OutputChannels').map((o, n) => ({
      name: str(o['Name'], `OutputChannels[${n}].Name`) ?? '',
      ...opt('uri', str(o['OutputUri'], `OutputChannels[${n}].OutputUri`)),
      ...opt('datasetId', str(o['DatasetId'], `OutputChannels[${n}].DatasetId`)),
    })),
    labels: Object.fromEntries(list('Labels').map((l, n) => [str(l['Key'], `Labels[${n}].Key`) ?? '', str(l['Value'], `Labels[${n}].Value`) ?? ''])),
    transitions: list('StatusTransitions').map((t, n) => {
      const f = (key: string) => str(t[key], `StatusTransitions[${n}].${key}`);
      return {
        status: f('Status') ?? '',
        ...opt('startTime', f('StartTime')),
        ...opt('endTime', f('EndTime')),
        ...opt('reasonCode', f('ReasonCode')),
        ...opt('reasonMessage', f('ReasonMessage')),
      };
    }),
  };
  const optional: [keyof TrainingJob, string][] = [
    ['reasonCode', 'ReasonCode'],
    ['reasonMessage', 'ReasonMessage'],
    ['url', 'TrainingJobUrl'],
    ['createTime', 'GmtCreateTime'],
    ['modifiedTime', 'GmtModifiedTime'],
    ['workspaceId', 'WorkspaceId'],
  ];
  for (const [key, wire] of optional) {
    const v = str(body[wire], wire);
    if (v !== undefined) (job as unknown as Record<string, unknown>)[key] = v;
  }
  // The model types Duration as an integer (seconds); a numeric string is read too, as for the counts below.
  const duration = answer.count(body['Duration'], `${at}Duration`);
  if (duration !== undefined) job.duration = duration;
  // GetTrainingJob echoes what the job asked for; the official model types these counts as numbers, but the
  // same model types other numbers as strings, so both are read. They are hints (how many instances to wait
  // for, how long a finished job is kept), so a value that is not a count leaves the hint out rather than
  // refusing the answer.
  const compute = record(body['ComputeResource']);
  const requested = count(compute?.['EcsCount']) ?? count(compute?.['InstanceCount']);
  if (requested !== undefined) job.requestedInstances = requested;
  const reserved = count(record(body['Settings'])?.['JobReservedMinutes']);
  if (reserved !== undefined) job.reservedMinutes = reserved;
  return job;
}

/** ListTrainingJobs → its jobs and TotalCount (an integer in the model; a numeric string is read too). */
export function toJobList(answer: Answer): { jobs: TrainingJob[]; totalCount: number } {
  const jobs = answer.objects(answer.body['TrainingJobs'], 'TrainingJobs').map((item, n) => toTrainingJob(item, answer, `TrainingJobs[${n}].`));
  return { jobs, totalCount: answer.count(answer.body['TotalCount'], 'TotalCount') ?? 0 };
}

/** ListTrainingJobLogs → its lines (List[str] in the model) and TotalCount (a string in the model). */
export function toLogLines(answer: Answer): { lines: string[]; totalCount: number | undefined } {
  return { lines: answer.strings(answer.body['Logs'], 'Logs'), totalCount: answer.count(answer.body['TotalCount'], 'TotalCount') };
}

/** ListTrainingJobEvents → its events (List[str] in the model) and TotalCount (a string in the model). */
export function toEventList(answer: Answer): { events: string[]; totalCount: number | undefined } {
  return { events: answer.strings(answer.body['Events'], 'Events'), totalCount: answer.count(answer.body['TotalCount'], 'TotalCount') };
}

/** ListConfigs → the value of one config key (Configs: List[{ConfigKey: str, ConfigValue: str}] in the model). */
export function toConfigValue(answer: Answer, key: string): string | undefined {
  const configs = answer.objects(answer.body['Configs'], 'Configs');
  for (const [n, c] of configs.entries()) {
    if (answer.string(c['ConfigKey'], `Configs[${n}].ConfigKey`) !== key) continue;
    return nonEmpty(answer.string(c['ConfigValue'], `Configs[${n}].ConfigValue`));
  }
  return undefined;
}

/** CreateTrainingJob → the new job's id, which the answer must carry. */
export function toCreatedId(answer: Answer): string {
  const id = nonEmpty(answer.string(answer.body['TrainingJobId'], 'TrainingJobId'));
  return id ?? answer.refuse('TrainingJobId', 'is absent');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A non-negative whole number sent as a number or a numeric string; anything else is absent. */
function count(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value !== undefined ? ({ [key]: value } as Record<K, string>) : {};
}
