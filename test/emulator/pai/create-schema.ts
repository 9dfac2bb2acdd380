// The CreateTrainingJob request model of PaiStudio 2022-01-12, transcribed from the official
// generated client models (CreateTrainingJobRequest, AlgorithmSpec, Location, Channel,
// HyperParameterDefinition, HyperParameterRange, MetricDefinition, ConditionExpression,
// AssignNodeSpec, CredentialConfig, CredentialConfigItem, JobSettings). Any field not here is
// refused, so a client that invents a field (e.g. ComputeResource.ResourceType) finds out in tests.

export type FieldType = 'string' | 'number' | 'boolean' | 'any' | { object: Record<string, FieldType> } | { array: FieldType } | { map: FieldType };

const str = 'string' as const;
const num = 'number' as const;
const bool = 'boolean' as const;
const obj = (fields: Record<string, FieldType>): FieldType => ({ object: fields });
const arr = (item: FieldType): FieldType => ({ array: item });
const map = (value: FieldType): FieldType => ({ map: value });

/** Location: {LocationType, LocationValue: map} (LocationValue is {Bucket, Key, Endpoint} for OSS). */
const location = obj({ LocationType: str, LocationValue: map('any') });

const channel = obj({
  Description: str,
  Name: str,
  Properties: map('any'),
  Required: bool,
  SupportedChannelTypes: arr(str),
});

const hyperParameterDefinition = obj({
  DefaultValue: str,
  Description: str,
  DisplayName: str,
  Name: str,
  Range: obj({
    Enum: arr(str),
    ExclusiveMaximum: bool,
    ExclusiveMinimum: bool,
    MaxLength: num,
    Maximum: str,
    MinLength: num,
    Minimum: str,
    Pattern: str,
  }),
  Required: bool,
  Type: str,
});

const algorithmSpec = obj({
  CodeDir: location,
  Command: arr(str),
  ComputeResource: obj({ Policy: obj({ Value: str, Version: str }) }),
  Customization: obj({ CodeDir: bool }),
  HyperParameters: arr(hyperParameterDefinition),
  Image: str,
  InputChannels: arr(channel),
  JobType: str,
  MetricDefinitions: arr(obj({ Description: str, Name: str, Regex: str })),
  OutputChannels: arr(channel),
  ProgressDefinitions: obj({
    OverallProgress: obj({ Description: str, Regex: str }),
    RemainingTime: obj({ Description: str, Regex: str }),
  }),
  ResourceRequirements: arr(obj({ Key: str, Operator: str, Values: arr(str) })),
  SupportedInstanceTypes: arr(str),
  SupportsDistributedTraining: bool,
});

const jobSettings = obj({
  AdvancedSettings: map('any'),
  BusinessUserId: str,
  Caller: str,
  Driver: str,
  EnableErrorMonitoringInAIMaster: bool,
  EnableOssAppend: bool,
  EnableRDMA: bool,
  EnableSanityCheck: bool,
  EnableTideResource: bool,
  ErrorMonitoringArgs: str,
  JobReservedMinutes: num,
  JobReservedPolicy: str,
  OversoldType: str,
  PipelineId: str,
  SanityCheckArgs: str,
  Tags: map(str),
  // Not in the current model, but the PAI Python SDK's older JobSettings model sends them.
  AIMasterType: str,
  Priority: num,
});

export const createTrainingJobSchema: Record<string, FieldType> = {
  AlgorithmName: str,
  AlgorithmProvider: str,
  AlgorithmSpec: algorithmSpec,
  AlgorithmVersion: str,
  AssignNodeSpec: obj({ AntiAffinityNodeNames: str, EnableAssignNode: bool, NodeNames: str }),
  CodeDir: location,
  ComputeResource: obj({
    EcsCount: num,
    EcsSpec: str,
    InstanceCount: num,
    InstanceSpec: obj({ CPU: str, GPU: str, GPUType: str, Memory: str, SharedMemory: str }),
    ResourceId: str,
    SpotSpec: obj({ SpotDiscountLimit: num, SpotStrategy: str }),
    UseSpotInstance: bool,
  }),
  CredentialConfig: obj({
    AliyunEnvRoleKey: str,
    // CredentialRole's model was not available to transcribe; its fields are accepted as they come.
    CredentialConfigItems: arr(obj({ Key: str, Roles: arr(map('any')), Type: str })),
    EnableCredentialInject: bool,
  }),
  Environments: map(str),
  ExperimentConfig: obj({ ExperimentId: str }),
  HyperParameters: arr(obj({ Name: str, Value: str })),
  InputChannels: arr(obj({ DatasetId: str, InputUri: str, Name: str, Options: str, RoleArn: str, VersionName: str })),
  Labels: arr(obj({ Key: str, Value: str })),
  OutputChannels: arr(obj({ DatasetId: str, Name: str, OutputUri: str, RoleArn: str, VersionName: str })),
  Priority: num,
  PythonRequirements: arr(str),
  RoleArn: str,
  Scheduler: obj({ MaxRunningTimeInMinutes: num, MaxRunningTimeInSeconds: num }),
  Settings: jobSettings,
  TrainingJobDescription: str,
  TrainingJobName: str,
  UserVpc: obj({ DefaultRoute: str, ExtendedCIDRs: arr(str), SecurityGroupId: str, SwitchId: str, VpcId: str }),
  WorkspaceId: str,
};
