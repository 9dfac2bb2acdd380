import { jobConfigSchema } from './config/schema.js';

/** Values written (commented out, except the first four) for each key, as a user would fill them in. */
const EXAMPLES: Record<string, string> = {
  image_uri: 'registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch-training:2.3-cpu-py311-ubuntu22.04',
  command: 'python main.py',
  source_dir: '.',
  instance_type: 'ecs.c6.large',
  job_type: 'PyTorchJob',
  parameters: '\n#   learning_rate: 0.001\n#   epochs: 10',
  environments: '\n#   LOG_LEVEL: info',
  requirements: '[numpy==1.26.4]',
  max_run_time: '2h',
  base_job_name: 'processor',
  output_path: 'oss://my-bucket/jobs/',
  instance_count: '1',
  spot_spec: '\n#   spot_strategy: SpotWithPriceLimit\n#   spot_discount_limit: 0.5',
  resource_type: 'General',
  resource_id: 'quota-abc123',
  instance_spec: '\n#   cpu: 8\n#   gpu: 1\n#   gpu_type: V100\n#   memory: 32\n#   shared_memory: 16',
  user_vpc_config: '\n#   vpc_id: vpc-xxxx\n#   security_group_id: sg-xxxx\n#   switch_id: vsw-xxxx',
  experiment_config: '\n#   experiment_id: exp-xxxx',
  settings: '\n#   EnableErrorMonitoringInAIMaster: true',
  labels: '\n#   team: ml',
  inputs: '\n#   train: oss://my-bucket/data/train/\n#   vocab: ./vocab.txt\n#   dataset: {dataset_id: d-xxxx}',
  outputs: '\n#   model: oss://my-bucket/models/',
  wait: 'true',
  show_logs: 'true',
  description: 'nightly preprocessing',
  priority: '1',
  role_arn: 'acs:ram::1234567890:role/pai-job-role',
  session: '\n#   region_id: cn-hangzhou\n#   workspace_id: "12345"\n#   oss_bucket_name: my-bucket',
};

/** The keys a starter config sets; the rest are written commented out. */
const SET = new Set(['image_uri', 'command', 'source_dir', 'instance_type']);

/**
 * A starter job config: every key of the schema with its one-line explanation, the four a job needs set, the
 * rest commented out with an example. The first line points editors at the schema for completion.
 */
export function starterConfig(schemaLocation: string): string {
  const lines = [
    `# yaml-language-server: $schema=${schemaLocation}`,
    '# A pai-process job config. Check it with `pai-process validate`; see the request with',
    '# `pai-process run --dry-run`; run it with `pai-process run` (or `--local` on this machine).',
    '# Keys are the PAI Python SDK Processor argument names. ${VAR} and ${VAR:-default} read the environment.',
    '',
  ];
  for (const [key, spec] of Object.entries(jobConfigSchema.properties)) {
    if (key === '$schema') continue;
    const description = (spec as { description: string }).description;
    lines.push(`# ${description}`);
    const example = EXAMPLES[key] ?? '';
    lines.push(SET.has(key) ? `${key}: ${example}` : `# ${key}:${example.startsWith('\n') ? '' : ' '}${example}`);
    lines.push('');
  }
  return lines.join('\n');
}
