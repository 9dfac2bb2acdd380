import type { TrainingJob } from '../types.js';

/** GetTrainingJob / ListTrainingJobs item → TrainingJob, tolerating absent fields. */
export function toTrainingJob(body: Record<string, unknown>): TrainingJob {
  const str = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  const job: TrainingJob = {
    id: str('TrainingJobId') ?? '',
    name: str('TrainingJobName') ?? '',
    status: str('Status') ?? 'Unknown',
    instances: array(body['Instances']).map((i) => ({ name: String(i['Name'] ?? ''), ...opt('role', i['Role']), ...opt('status', i['Status']) })).filter((i) => i.name),
    outputs: array(body['OutputChannels']).map((o) => ({ name: String(o['Name'] ?? ''), ...opt('uri', o['OutputUri']), ...opt('datasetId', o['DatasetId']) })),
    labels: Object.fromEntries(array(body['Labels']).map((l) => [String(l['Key'] ?? ''), String(l['Value'] ?? '')])),
    transitions: array(body['StatusTransitions']).map((t) => ({
      status: String(t['Status'] ?? ''),
      ...opt('startTime', t['StartTime']),
      ...opt('endTime', t['EndTime']),
      ...opt('reasonCode', t['ReasonCode']),
      ...opt('reasonMessage', t['ReasonMessage']),
    })),
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
    const v = str(wire);
    if (v !== undefined) (job as unknown as Record<string, unknown>)[key] = v;
  }
  const duration = Number(body['Duration']);
  if (body['Duration'] !== undefined && Number.isFinite(duration)) job.duration = duration;
  // GetTrainingJob echoes what the job asked for; the official model types these counts as numbers, but the
  // same model types other numbers as strings, so both are read.
  const compute = record(body['ComputeResource']);
  const requested = count(compute?.['EcsCount']) ?? count(compute?.['InstanceCount']);
  if (requested !== undefined) job.requestedInstances = requested;
  const reserved = count(record(body['Settings'])?.['JobReservedMinutes']);
  if (reserved !== undefined) job.reservedMinutes = reserved;
  return job;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A non-negative whole number sent as a number or a numeric string; anything else is absent. */
function count(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function array(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object') : [];
}

function opt<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}
