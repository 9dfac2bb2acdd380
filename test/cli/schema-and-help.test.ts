import { describe, expect, it } from 'vitest';
import { jobConfigSchema } from '../../src/core/config/schema.js';
import { packageVersion } from '../../src/cli/program.js';
import { runCli } from '../helpers/run-cli.js';

type SchemaNode = { description?: string; properties?: Record<string, SchemaNode>; additionalProperties?: SchemaNode | boolean };

function undescribed(node: SchemaNode, path: string): string[] {
  const missing: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const p = path ? `${path}.${key}` : key;
    if (!child.description) missing.push(p);
    missing.push(...undescribed(child, p));
    if (typeof child.additionalProperties === 'object') missing.push(...undescribed(child.additionalProperties, `${p}.*`));
  }
  return missing;
}

describe('schema', () => {
  it('prints the JSON Schema the validator uses, with a description for every key', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema).toEqual(JSON.parse(JSON.stringify(jobConfigSchema)));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(undescribed(schema, '')).toEqual([]);
  });

  it('covers every key of a job config (docs/config.md)', () => {
    const keys = Object.keys(jobConfigSchema.properties);
    for (const key of [
      'image_uri',
      'command',
      'source_dir',
      'job_type',
      'parameters',
      'environments',
      'requirements',
      'max_run_time',
      'base_job_name',
      'output_path',
      'instance_type',
      'instance_count',
      'spot_spec',
      'resource_type',
      'user_vpc_config',
      'experiment_config',
      'settings',
      'labels',
      'inputs',
      'outputs',
      'wait',
      'show_logs',
      'description',
      'priority',
      'role_arn',
      'resource_id',
      'instance_spec',
      'session',
    ]) {
      expect(keys).toContain(key);
    }
    expect(Object.keys(jobConfigSchema.properties.session.properties)).toEqual([
      'region_id',
      'workspace_id',
      'oss_bucket_name',
      'oss_endpoint',
      'endpoint',
      'workspace_endpoint',
    ]);
    expect(Object.keys(jobConfigSchema.properties.user_vpc_config.properties)).toEqual([
      'vpc_id',
      'security_group_id',
      'switch_id',
      'extended_cidrs',
      'default_route',
    ]);
  });
});

describe('help and version', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${packageVersion()}\n`, stderr: '' });
  });

  it.each([[[]], [['run']], [['logs']], [['status']], [['stop']], [['list']], [['validate']], [['config']], [['config', 'show']], [['schema']]])(
    '%j --help has examples and exits 0',
    async (args) => {
      const result = await runCli([...args, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Examples:');
      expect(result.stdout).toMatch(/\$ pai-process /);
    },
  );

  it('every command takes --json, --no-color and --verbose', async () => {
    for (const args of [['run'], ['logs'], ['status'], ['stop'], ['list'], ['validate'], ['config', 'show'], ['schema']]) {
      const { stdout } = await runCli([...args, '--help']);
      expect(stdout).toContain('--json');
      expect(stdout).toContain('--no-color');
      expect(stdout).toContain('--verbose');
    }
  });
});

describe('docs/config.md', () => {
  it('documents every key of the schema', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    for (const key of Object.keys(jobConfigSchema.properties).filter((k) => k !== '$schema')) {
      expect(doc).toContain(`| \`${key}\` |`);
    }
  });
});
