import type { ChannelLocation, Job } from '../job.js';
import { asDirUri } from '../uris.js';

/** The OSS object (or prefix) the job's code is read from. */
export interface CodeLocation {
  /** Null while the bucket is still to be asked of the workspace (a dry run without a configured bucket). */
  bucket: string | null;
  key: string;
  /** The OSS endpoint host PAI reads the code from. */
  endpoint: string;
}

export interface BodyContext {
  jobName: string;
  workspaceId: string;
  region: string;
  code: CodeLocation | undefined;
  /** Where each local-path input was (or will be) uploaded, by channel name. */
  uploadedInputs: Readonly<Record<string, string>>;
  /** A label that identifies this submission, so a create whose answer was lost can be found again. */
  submissionId?: string;
}

/** The label key that carries a run's submission id. */
export const SUBMISSION_LABEL = 'pai-process-submission-id';

export type CreateTrainingJobBody = Record<string, unknown>;

/**
 * The CreateTrainingJob body for a Processor job (docs/config.md names each key's wire field;
 * test/cli/dry-run-golden.test.ts compares it with the SDK's own bodies). Keys are added in the order the
 * SDK's generated client adds them, and always-present objects and arrays are sent even when empty, so
 * that for the same arguments the JSON is the SDK's, byte for byte. Where the SDK drops data the API
 * model has (SwitchId, ExtendedCIDRs, DefaultRoute, Settings beyond four keys), we send it.
 */
export function buildCreateTrainingJobBody(job: Job, ctx: BodyContext): CreateTrainingJobBody {
  const body: CreateTrainingJobBody = {};
  body['AlgorithmSpec'] = algorithmSpec(job, ctx);
  body['ComputeResource'] = computeResource(job);
  if (job.environments) body['Environments'] = { ...job.environments };
  body['ExperimentConfig'] = job.experiment_config ? { ExperimentId: job.experiment_config.experiment_id } : {};
  body['HyperParameters'] = Object.entries(job.parameters).map(([Name, Value]) => ({ Name, Value }));
  body['InputChannels'] = Object.entries(job.inputs).map(([name, loc]) => inputChannel(name, loc, ctx));
  const labels = Object.entries(job.labels ?? {}).map(([Key, Value]) => ({ Key, Value }));
  if (ctx.submissionId) labels.push({ Key: SUBMISSION_LABEL, Value: ctx.submissionId });
  if (labels.length > 0) body['Labels'] = labels;
  body['OutputChannels'] = Object.entries(job.outputs).map(([name, loc]) => outputChannel(name, loc, ctx));
  if (job.priority !== undefined) body['Priority'] = job.priority;
  if (job.requirements) body['PythonRequirements'] = [...job.requirements];
  if (job.role_arn) body['RoleArn'] = job.role_arn;
  body['Scheduler'] = job.max_run_time !== undefined ? { MaxRunningTimeInSeconds: job.max_run_time } : {};
  if (job.settings && Object.keys(job.settings).length > 0) body['Settings'] = sortedKeys(job.settings);
  if (job.description !== undefined) body['TrainingJobDescription'] = job.description;
  body['TrainingJobName'] = ctx.jobName;
  body['UserVpc'] = userVpc(job);
  body['WorkspaceId'] = ctx.workspaceId;
  return body;
}

// --- internal ---

function algorithmSpec(job: Job, ctx: BodyContext): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (ctx.code) {
    spec['CodeDir'] = { LocationType: 'oss', LocationValue: { Bucket: ctx.code.bucket, Key: ctx.code.key, Endpoint: ctx.code.endpoint } };
  }
  spec['Command'] = typeof job.command === 'string' ? ['sh', '-c', job.command] : [...job.command];
  // A Processor declares no hyperparameter, channel, metric or resource definitions; the SDK sends them empty.
  spec['HyperParameters'] = [];
  spec['Image'] = job.image_uri;
  spec['InputChannels'] = [];
  spec['JobType'] = job.job_type;
  spec['MetricDefinitions'] = [];
  spec['OutputChannels'] = [];
  spec['ResourceRequirements'] = [];
  spec['SupportsDistributedTraining'] = true;
  return spec;
}

function computeResource(job: Job): Record<string, unknown> {
  if (!job.instance_type && job.instance_spec) {
    const s = job.instance_spec;
    const spec: Record<string, string> = {};
    if (s.cpu !== undefined) spec['CPU'] = s.cpu;
    if (s.gpu !== undefined) spec['GPU'] = s.gpu;
    if (s.gpu_type !== undefined) spec['GPUType'] = s.gpu_type;
    if (s.memory !== undefined) spec['Memory'] = s.memory;
    if (s.shared_memory !== undefined) spec['SharedMemory'] = s.shared_memory;
    return { InstanceCount: job.instance_count, InstanceSpec: spec, ResourceId: job.resource_id };
  }
  const resource: Record<string, unknown> = { EcsCount: job.instance_count, EcsSpec: job.instance_type };
  if (job.resource_id) resource['ResourceId'] = job.resource_id;
  if (job.spot_spec) {
    const spot: Record<string, unknown> = {};
    // The SDK leaves the limit out when it is unset or 0.
    if (job.spot_spec.spot_discount_limit) spot['SpotDiscountLimit'] = job.spot_spec.spot_discount_limit;
    spot['SpotStrategy'] = job.spot_spec.spot_strategy;
    resource['SpotSpec'] = spot;
  }
  return resource;
}

function userVpc(job: Job): Record<string, unknown> {
  const vpc = job.user_vpc_config;
  if (!vpc) return {};
  const out: Record<string, unknown> = {};
  if (vpc.default_route !== undefined) out['DefaultRoute'] = vpc.default_route;
  if (vpc.extended_cidrs !== undefined) out['ExtendedCIDRs'] = [...vpc.extended_cidrs];
  if (vpc.security_group_id !== undefined) out['SecurityGroupId'] = vpc.security_group_id;
  if (vpc.switch_id !== undefined) out['SwitchId'] = vpc.switch_id;
  out['VpcId'] = vpc.vpc_id;
  return out;
}

function inputChannel(name: string, loc: ChannelLocation, ctx: BodyContext): Record<string, unknown> {
  if (typeof loc === 'string') {
    const uploaded = ctx.uploadedInputs[name];
    return { InputUri: uploaded ?? loc, Name: name };
  }
  if ('dataset_id' in loc) return datasetChannel(name, loc.dataset_id, loc.version_name);
  return { InputUri: fileSystemUri(loc.file_system_id, loc.directory_path, ctx.region), Name: name };
}

function outputChannel(name: string, loc: ChannelLocation, ctx: BodyContext): Record<string, unknown> {
  if (typeof loc === 'string') return { Name: name, OutputUri: asDirUri(loc) };
  if ('dataset_id' in loc) return datasetChannel(name, loc.dataset_id, loc.version_name);
  return { Name: name, OutputUri: asDirUri(fileSystemUri(loc.file_system_id, loc.directory_path, ctx.region)) };
}

function datasetChannel(name: string, datasetId: string, versionName: string | undefined): Record<string, unknown> {
  const channel: Record<string, unknown> = { DatasetId: datasetId, Name: name };
  if (versionName !== undefined) channel['VersionName'] = versionName;
  return channel;
}

/** The SDK's FileSystemInput.to_input_uri: `nas://{id}.{region}/{dir}` with the dir's leading "/" dropped. */
function fileSystemUri(id: string, dir: string | undefined, region: string): string {
  return `nas://${id}.${region}/${(dir ?? '').replace(/^\/+/, '')}`;
}

function sortedKeys(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
