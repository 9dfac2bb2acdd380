/**
 * The JSON Schema of a job config. It is the validator's only source of truth, and
 * `pai-process schema` prints it so editors can complete and check job files.
 * Keys are the PAI Python SDK's Processor argument names, so a Python call translates line for line.
 * Every key has a description; a test keeps it that way.
 */

const text = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });

const scalarMap = (description: string, valueDescription: string) => ({
  type: 'object',
  description,
  additionalProperties: { type: ['string', 'number', 'boolean'], description: valueDescription },
});

const duration = (description: string) => ({
  description,
  'x-message': 'must be a number of seconds or a duration such as 90m or 2h30m',
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^(?:\\d+|(?:\\d+[dhms])+)$' },
  ],
});

/** A channel location: a URI string, a dataset, or a NAS/CPFS file system. */
const location = (kind: 'input' | 'output') => ({
  description:
    kind === 'input'
      ? 'Where the channel comes from: an oss://, nas://, cpfs://, bmcpfs:// or odps://<project>/tables/<table> URI (sent as written), a local path (uploaded to OSS), a dataset, or a NAS/CPFS file system.'
      : 'Where the channel goes: an oss://, nas://, cpfs://, bmcpfs:// or odps:// URI (a trailing "/" is added), a dataset, or a NAS/CPFS file system.',
  type: ['string', 'object'],
  minLength: 1,
  properties: {
    dataset_id: text('A PAI dataset id (d-...). Wire: DatasetId.', { minLength: 1 }),
    version_name: text('The dataset version to use. Wire: VersionName.', { minLength: 1 }),
    file_system_id: text('A NAS or CPFS file system id; becomes nas://<id>.<region>/<directory_path>.', { minLength: 1 }),
    directory_path: text('The directory inside the file system (default: its root).'),
  },
  additionalProperties: false,
});

export const jobConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/pai-process/pai-process/schema/job-config.json',
  title: 'pai-process job config',
  description: 'A job for `pai-process run`: the arguments of the PAI Python SDK Processor and of Processor.run(), plus a few the SDK does not expose.',
  type: 'object',
  additionalProperties: false,
  required: ['image_uri', 'command'],
  properties: {
    $schema: text('The JSON Schema this file follows; ignored by pai-process.'),
    image_uri: text('The container image the job runs in. Wire: AlgorithmSpec.Image.', { minLength: 1 }),
    command: {
      description: 'What the job runs. A string runs as ["sh", "-c", command]; a list is the exact argv. Wire: AlgorithmSpec.Command.',
      'x-message': 'must be a command string or a non-empty list of strings',
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string' }, minItems: 1 },
      ],
    },
    source_dir: text(
      'The code folder, relative to this file, uploaded to OSS (see `code_upload`) and found by the job in /ml/usercode/; or an oss:// URI used as it is. Wire: AlgorithmSpec.CodeDir.',
      { minLength: 1 },
    ),
    job_type: text('The PAI job type. Default PyTorchJob; also TFJob, XGBoostJob, MPIJob, ... Wire: AlgorithmSpec.JobType.', {
      minLength: 1,
      examples: ['PyTorchJob', 'TFJob', 'XGBoostJob', 'MPIJob'],
    }),
    parameters: {
      type: 'object',
      description:
        'Hyperparameters, in order. Values reach the job as strings, exactly as written (1.0 stays "1.0"); a list or map as JSON text with Python\'s separators ([64, 32], {"a": 1}). Wire: HyperParameters[{Name, Value}].',
      additionalProperties: {
        type: ['string', 'number', 'boolean', 'array', 'object'],
        description: 'A hyperparameter value; sent as the text you wrote, a list or map as JSON text.',
      },
    },
    environments: {
      ...scalarMap(
        'Environment variables set in the job container. Names are letters, digits and "_", not starting with a digit. Wire: Environments.',
        'An environment variable value; sent as a string.',
      ),
      // A shell cannot export any other name; `FOO=bar` as a name would reach the job as FOO='bar=…'.
      propertyNames: {
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        'x-message': 'is not a valid environment variable name: use letters, digits and "_", not starting with a digit',
      },
    },
    requirements: {
      type: 'array',
      description: 'Python packages installed before the command runs (pip requirement specifiers). Wire: PythonRequirements.',
      items: { type: 'string', minLength: 1 },
    },
    max_run_time: duration('The longest the job may run: seconds, or a duration such as 90m or 2h30m. Wire: Scheduler.MaxRunningTimeInSeconds.'),
    base_job_name: text("The job name's prefix; the job is named <base_job_name>_<YYYYmmdd_HHMMSS>. Default: processor. Wire: TrainingJobName.", {
      minLength: 1,
      pattern: '^[A-Za-z0-9_.-]+$',
      'x-message': 'may only contain letters, digits, "_", "." and "-"',
    }),
    output_path: text('The base oss:// URI for output channels declared without a location. A Processor declares none, so it does not change the request.', {
      pattern: '^oss://',
      'x-message': 'must be an oss:// URI',
    }),
    instance_type: text('The ECS instance type of each machine, such as ecs.c6.large or ecs.gn6i-c4g1.xlarge. Wire: ComputeResource.EcsSpec.', {
      minLength: 1,
    }),
    instance_count: {
      type: 'integer',
      minimum: 1,
      description: 'How many machines. Default 1. Wire: ComputeResource.EcsCount (or InstanceCount with a quota).',
    },
    spot_spec: {
      type: 'object',
      description: 'Run on spot (preemptible) instances. Wire: ComputeResource.SpotSpec.',
      additionalProperties: false,
      required: ['spot_strategy'],
      properties: {
        spot_strategy: {
          type: 'string',
          enum: ['SpotWithPriceLimit', 'SpotAsPriceGo'],
          description: 'SpotWithPriceLimit (bid up to spot_discount_limit) or SpotAsPriceGo (pay the market price). Wire: SpotStrategy.',
        },
        spot_discount_limit: {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'The highest price as a fraction of the on-demand price, with SpotWithPriceLimit. Wire: SpotDiscountLimit.',
        },
      },
    },
    resource_type: {
      type: 'string',
      enum: ['General', 'Lingjun'],
      description:
        'General (default) or Lingjun. The API has no field for it: Lingjun jobs run on a Lingjun quota, so they need resource_id and instance_spec.',
    },
    resource_id: text('A resource quota id to run on instead of pay-as-you-go machines. Wire: ComputeResource.ResourceId.', { minLength: 1 }),
    instance_spec: {
      type: 'object',
      description: 'The share of the quota each instance takes, with resource_id. Wire: ComputeResource.InstanceSpec.',
      additionalProperties: false,
      properties: {
        cpu: { type: ['string', 'integer'], description: 'CPU cores. Wire: CPU.' },
        gpu: { type: ['string', 'integer'], description: 'GPUs. Wire: GPU.' },
        gpu_type: text('The GPU model, such as V100. Wire: GPUType.'),
        memory: { type: ['string', 'integer'], description: 'Memory in GiB. Wire: Memory.' },
        shared_memory: { type: ['string', 'integer'], description: 'Shared memory in GiB. Wire: SharedMemory.' },
      },
    },
    user_vpc_config: {
      type: 'object',
      description: 'Attach the job to your VPC. Wire: UserVpc.',
      additionalProperties: false,
      required: ['vpc_id'],
      properties: {
        vpc_id: text('The VPC id (vpc-...). Wire: VpcId.', { minLength: 1 }),
        security_group_id: text('The security group id (sg-...). Wire: SecurityGroupId.', { minLength: 1 }),
        switch_id: text('The vSwitch id (vsw-...). Wire: SwitchId.', { minLength: 1 }),
        extended_cidrs: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description: 'Extra CIDR blocks routed through the VPC. Wire: ExtendedCIDRs.',
        },
        default_route: text('Which interface carries the default route: eth0 (PAI) or eth1 (your VPC). Wire: DefaultRoute.', { enum: ['eth0', 'eth1'] }),
      },
    },
    experiment_config: {
      type: 'object',
      description: 'Attach the job to a PAI experiment. Wire: ExperimentConfig.',
      additionalProperties: false,
      required: ['experiment_id'],
      properties: { experiment_id: text('The experiment id. Wire: ExperimentId.', { minLength: 1 }) },
    },
    settings: {
      type: 'object',
      description: "Job settings, with the API's own key names; all are sent (the SDK keeps only four). Wire: Settings.",
      additionalProperties: false,
      properties: {
        AIMasterType: text('The AIMaster type for fault tolerance.'),
        EnableErrorMonitoringInAIMaster: { type: 'boolean', description: 'Turn on fault-tolerance monitoring by AIMaster.' },
        ErrorMonitoringArgs: text('Arguments of fault-tolerance monitoring, such as --enable-log-hang-detection true.'),
        Priority: { type: 'integer', description: 'The job priority inside its quota.' },
        AdvancedSettings: { type: 'object', description: 'Further advanced settings, sent as they are.' },
        BusinessUserId: text('The user the job is run for.'),
        Caller: text('The caller that submitted the job.'),
        Driver: text('The NVIDIA driver version, such as 535.54.03.'),
        EnableOssAppend: { type: 'boolean', description: 'Allow appending writes to OSS.' },
        EnableRDMA: { type: 'boolean', description: 'Let the job use RDMA.' },
        EnableSanityCheck: { type: 'boolean', description: 'Check the health of the machines before the job runs.' },
        EnableTideResource: { type: 'boolean', description: 'Let the job use tide (idle) resources.' },
        JobReservedMinutes: { type: 'integer', minimum: 0, description: "Minutes to keep the job's machines after it ends." },
        JobReservedPolicy: text('When to keep the machines after the job ends, such as Always.'),
        OversoldType: text('Whether the job accepts oversold quota, such as AcceptQuotaOverSold.'),
        PipelineId: text('The workflow the job belongs to.'),
        SanityCheckArgs: text('Arguments of the sanity check.'),
        Tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Custom tags.' },
      },
    },
    labels: scalarMap('Labels on the job, for search and billing. Wire: Labels[{Key, Value}].', 'A label value.'),
    inputs: {
      type: 'object',
      description: 'Input channels: name → location. Each appears in the job at /ml/input/data/<name>/. Wire: InputChannels.',
      additionalProperties: location('input'),
      propertyNames: { pattern: '^[A-Za-z0-9_-]+$', 'x-message': 'channel names may only contain letters, digits, "_" and "-"' },
    },
    outputs: {
      type: 'object',
      description: 'Output channels: name → location. The job writes to /ml/output/<name>/. Wire: OutputChannels.',
      additionalProperties: location('output'),
      propertyNames: { pattern: '^[A-Za-z0-9_-]+$', 'x-message': 'channel names may only contain letters, digits, "_" and "-"' },
    },
    code_upload: {
      type: 'string',
      enum: ['files', 'archive'],
      description:
        'How a local source_dir goes up: "files" (default) one object per file under a content-addressed prefix, as the PAI SDK uploads code; "archive" one source.tar.gz, which works only where the service unpacks it.',
      'x-message': 'must be "files" or "archive"',
    },
    wait: { type: 'boolean', description: 'Follow the job until it ends (default true); false returns once it is submitted.' },
    show_logs: { type: 'boolean', description: "Print the job's logs while following it (default true)." },
    description: text('A description of the job. Wire: TrainingJobDescription.'),
    priority: { type: 'integer', minimum: 1, description: "The job's priority. Wire: Priority." },
    role_arn: text('The RAM role the job runs as (acs:ram::<account>:role/<name>). Wire: RoleArn.', {
      pattern: '^acs:ram::',
      'x-message': 'must be a RAM role ARN: acs:ram::<account id>:role/<role name>',
    }),
    session: {
      type: 'object',
      description: 'Where the job runs. Flags and PAI_* environment variables override these; these override ~/.pai/config.json.',
      additionalProperties: false,
      properties: {
        region_id: text('The region, such as cn-hangzhou. Env: PAI_REGION_ID.', { minLength: 1 }),
        workspace_id: { type: ['string', 'integer'], description: 'The PAI workspace id. Env: PAI_WORKSPACE_ID.' },
        oss_bucket_name: text("The OSS bucket for code and uploaded inputs; default: the workspace's default storage. Env: PAI_OSS_BUCKET_NAME.", {
          minLength: 1,
        }),
        oss_endpoint: text('The OSS endpoint, a host or a URL; default oss-<region>.aliyuncs.com. Env: PAI_OSS_ENDPOINT.', { minLength: 1 }),
        endpoint: text('The PAI API endpoint, a host or a URL; default pai.<region>.aliyuncs.com. Env: PAI_ENDPOINT.', { minLength: 1 }),
        workspace_endpoint: text(
          'The AI workspace API endpoint (asked for the default bucket), a host or a URL; default aiworkspace.<region>.aliyuncs.com. Env: PAI_WORKSPACE_ENDPOINT.',
          { minLength: 1 },
        ),
      },
    },
  },
} as const;

/** The top-level keys of a job config, for "did you mean" and for `--set`. */
export const jobConfigKeys: readonly string[] = Object.keys(jobConfigSchema.properties);
