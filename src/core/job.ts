/**
 * A job after validation: the config's own keys (snake_case, as in the file), with defaults filled in,
 * local paths made absolute and durations in seconds. This is what `--dry-run --json` prints as "job"
 * and what the request builder and the local runner read.
 */
export interface Job {
  image_uri: string;
  command: string | string[];
  /** An absolute local folder, or an oss:// URI used as it is. */
  source_dir?: string;
  job_type: string;
  parameters: Record<string, string>;
  environments?: Record<string, string>;
  requirements?: string[];
  /** Seconds. */
  max_run_time?: number;
  base_job_name: string;
  output_path?: string;
  instance_type?: string;
  instance_count: number;
  spot_spec?: { spot_strategy: 'SpotWithPriceLimit' | 'SpotAsPriceGo'; spot_discount_limit?: number };
  resource_type?: 'General' | 'Lingjun';
  resource_id?: string;
  instance_spec?: InstanceSpec;
  user_vpc_config?: UserVpcConfig;
  experiment_config?: { experiment_id: string };
  settings?: Record<string, unknown>;
  labels?: Record<string, string>;
  inputs: Record<string, ChannelLocation>;
  outputs: Record<string, ChannelLocation>;
  wait: boolean;
  show_logs: boolean;
  /** How a local source_dir is uploaded: one object per file (the SDK's way), or one .tar.gz (opt-in). */
  code_upload: 'files' | 'archive';
  description?: string;
  priority?: number;
  role_arn?: string;
  session?: SessionConfig;
}

/** A URI or absolute local path, a dataset, or a NAS/CPFS file system. */
export type ChannelLocation = string | DatasetLocation | FileSystemLocation;

export interface DatasetLocation {
  dataset_id: string;
  version_name?: string;
}

export interface FileSystemLocation {
  file_system_id: string;
  directory_path?: string;
}

export interface InstanceSpec {
  cpu?: string;
  gpu?: string;
  gpu_type?: string;
  memory?: string;
  shared_memory?: string;
}

export interface UserVpcConfig {
  vpc_id: string;
  security_group_id?: string;
  switch_id?: string;
  extended_cidrs?: string[];
  default_route?: string;
}

/** The job config's `session` block. */
export interface SessionConfig {
  region_id?: string;
  workspace_id?: string;
  oss_bucket_name?: string;
  oss_endpoint?: string;
  endpoint?: string;
  workspace_endpoint?: string;
}

export const DEFAULT_JOB_TYPE = 'PyTorchJob';
export const DEFAULT_BASE_JOB_NAME = 'processor';
