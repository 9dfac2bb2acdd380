import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { project, runCli, SESSION_ENV } from '../helpers/run-cli.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/**
 * The one place the body differs from the SDK's by design: the code goes up file by file under a prefix, as
 * the SDK uploads it, but the prefix is named by the tree's content (`sha256-<digest>/`) rather than by the
 * job. Checks the key's shape (a prefix, ending in '/') and puts the SDK's key back, so the rest can be
 * compared byte for byte.
 */
function withSdkCodeKey(request: Record<string, unknown>): string {
  const spec = request['AlgorithmSpec'] as { CodeDir: { LocationValue: { Key: string } } };
  expect(spec.CodeDir.LocationValue.Key).toMatch(/^pai\/processing_src\/sha256-[0-9a-f]{64}\/$/);
  return JSON.stringify(request).replace(spec.CodeDir.LocationValue.Key, 'pai/processing_src/processor_20250101_120000/');
}
const IMAGE = 'registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch:1.12';

async function dryRunJson(files: Record<string, string>, extraArgs: string[] = [], env: Record<string, string> = SESSION_ENV) {
  const dir = project(files);
  const result = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json', ...extraArgs], { cwd: dir, env });
  expect(result.stderr).toContain('Dry run: nothing was uploaded or submitted.');
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return { doc: JSON.parse(lines[0]!) as { job: Record<string, unknown>; request: Record<string, unknown> }, dir };
}

describe('run --dry-run --json sends the bytes the PAI Python SDK sends', () => {
  it('for the minimal Processor (test/fixtures/sdk-body-minimal.json, byte for byte)', async () => {
    const { doc } = await dryRunJson({
      'job.yaml': `image_uri: ${IMAGE}\ncommand: python main.py\nsource_dir: ./src\ninstance_type: ecs.c6.large\n`,
      'src/main.py': 'print("hello")\n',
    });
    expect(withSdkCodeKey(doc.request)).toBe(fixture('sdk-body-minimal.json'));
    expect(Object.keys(doc)).toEqual(['job', 'uploads', 'request']);
  });

  it('for a Processor with every SDK argument set (test/fixtures/sdk-body-full.json)', async () => {
    const { doc } = await dryRunJson({
      'job.yaml': [
        `image_uri: ${IMAGE}`,
        'command: python main.py',
        'source_dir: src',
        'instance_type: ecs.c6.large',
        'instance_count: 2',
        'spot_spec:',
        '  spot_strategy: SpotWithPriceLimit',
        '  spot_discount_limit: 0.5',
        'parameters:',
        '  lr: 0.1',
        '  epochs: 3',
        '  flag: True',
        'inputs:',
        '  test: oss://b/in/',
        '  ds: {dataset_id: d-abc}',
        'outputs:',
        '  flag: oss://b/out',
        'environments:',
        '  A: 1',
        'requirements: ["numpy==1.26"]',
        'labels: {k: v}',
        'max_run_time: 3600',
        'user_vpc_config: {vpc_id: vpc-1, security_group_id: sg-1}',
        'experiment_config: {experiment_id: exp-1}',
        'settings: {AIMasterType: x, Priority: 5}',
        'base_job_name: processor',
        'job_type: PyTorchJob',
        'output_path: oss://b/base',
        'wait: true',
        'show_logs: true',
        '',
      ].join('\n'),
      'src/main.py': 'print(1)\n',
    });
    expect(withSdkCodeKey(doc.request)).toBe(fixture('sdk-body-full.json'));
  });

  it('also from JSON, where numbers keep their text too', async () => {
    const job = { image_uri: IMAGE, command: 'python main.py', source_dir: './src', instance_type: 'ecs.c6.large', parameters: { lr: 1.0, eps: 1e-5 } };
    const text = JSON.stringify(job).replace('"lr":1', '"lr":1.0').replace('"eps":0.00001', '"eps":1e-5');
    const dir = project({ 'job.json': text, 'src/a.py': '' });
    const result = await runCli(['run', '-f', 'job.json', '--dry-run', '--json'], { cwd: dir, env: SESSION_ENV });
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout).request;
    expect(body.HyperParameters).toEqual([
      { Name: 'lr', Value: '1.0' },
      { Name: 'eps', Value: '1e-5' },
    ]);
  });
});

describe('run --dry-run sends what the SDK drops', () => {
  it('sends SwitchId, ExtendedCIDRs, DefaultRoute and every Settings key', async () => {
    const { doc } = await dryRunJson({
      'job.yaml': [
        `image_uri: ${IMAGE}`,
        'command: [python, main.py, --epochs, "3"]',
        'instance_type: ecs.c6.large',
        'user_vpc_config:',
        '  vpc_id: vpc-1',
        '  security_group_id: sg-1',
        '  switch_id: vsw-1',
        '  extended_cidrs: [10.0.0.0/8]',
        '  default_route: eth1',
        'settings:',
        '  Priority: 5',
        '  EnableRDMA: true',
        '  Driver: "535.54.03"',
        '  AIMasterType: x',
        'description: nightly preprocessing',
        'priority: 3',
        'role_arn: acs:ram::123456:role/pai-job',
        '',
      ].join('\n'),
    });
    const body = doc.request;
    expect(body['UserVpc']).toEqual({ DefaultRoute: 'eth1', ExtendedCIDRs: ['10.0.0.0/8'], SecurityGroupId: 'sg-1', SwitchId: 'vsw-1', VpcId: 'vpc-1' });
    expect(JSON.stringify(body['Settings'])).toBe('{"AIMasterType":"x","Driver":"535.54.03","EnableRDMA":true,"Priority":5}');
    expect((body['AlgorithmSpec'] as Record<string, unknown>)['Command']).toEqual(['python', 'main.py', '--epochs', '3']);
    expect(body['AlgorithmSpec']).not.toHaveProperty('CodeDir');
    expect(body['TrainingJobDescription']).toBe('nightly preprocessing');
    expect(body['Priority']).toBe(3);
    expect(body['RoleArn']).toBe('acs:ram::123456:role/pai-job');
    expect(Object.keys(body)).toEqual([
      'AlgorithmSpec',
      'ComputeResource',
      'ExperimentConfig',
      'HyperParameters',
      'InputChannels',
      'OutputChannels',
      'Priority',
      'RoleArn',
      'Scheduler',
      'Settings',
      'TrainingJobDescription',
      'TrainingJobName',
      'UserVpc',
      'WorkspaceId',
    ]);
  });

  it('runs a Lingjun job on its quota, with no ResourceType field', async () => {
    const { doc } = await dryRunJson({
      'job.yaml': [
        `image_uri: ${IMAGE}`,
        'command: python main.py',
        'resource_type: Lingjun',
        'resource_id: quota-123',
        'instance_count: 4',
        'instance_spec: {cpu: 8, gpu: 1, gpu_type: V100, memory: 32, shared_memory: 16}',
        '',
      ].join('\n'),
    });
    expect(JSON.stringify(doc.request['ComputeResource'])).toBe(
      '{"InstanceCount":4,"InstanceSpec":{"CPU":"8","GPU":"1","GPUType":"V100","Memory":"32","SharedMemory":"16"},"ResourceId":"quota-123"}',
    );
    expect(JSON.stringify(doc.request)).not.toContain('ResourceType');
    expect(JSON.stringify(doc.request)).not.toContain('Lingjun');
  });

  it('refuses Lingjun without a quota, rather than dropping it as the SDK does', async () => {
    const dir = project({ 'job.yaml': `image_uri: ${IMAGE}\ncommand: x\ninstance_type: ecs.c6.large\nresource_type: Lingjun\n` });
    const result = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json'], { cwd: dir, env: SESSION_ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('job.yaml:4:16  resource_type: Lingjun jobs need resource_id and instance_spec');
    expect(JSON.parse(result.stdout).error.exitCode).toBe(2);
  });
});

describe('run --dry-run channels', () => {
  it('maps URIs, datasets, file systems and local inputs like the SDK', async () => {
    const { doc, dir } = await dryRunJson({
      'job.yaml': [
        `image_uri: ${IMAGE}`,
        'command: python main.py',
        'instance_type: ecs.c6.large',
        'inputs:',
        '  raw: oss://bucket.oss-cn-beijing.aliyuncs.com/raw',
        '  table: odps://proj/tables/events',
        '  nas: {file_system_id: 0a1b2c, directory_path: /data/x}',
        '  ds: {dataset_id: d-9, version_name: v2}',
        '  local: data/train.csv',
        '  localdir: data',
        'outputs:',
        '  model: oss://b/model',
        '  ckpt: {file_system_id: 0a1b2c}',
        '  tbl: odps://proj/tables/out',
        '',
      ].join('\n'),
      'data/train.csv': 'a,b\n',
    });
    expect(doc.request['InputChannels']).toEqual([
      { InputUri: 'oss://bucket.oss-cn-beijing.aliyuncs.com/raw', Name: 'raw' },
      { InputUri: 'odps://proj/tables/events', Name: 'table' },
      { InputUri: 'nas://0a1b2c.cn-hangzhou/data/x', Name: 'nas' },
      { DatasetId: 'd-9', Name: 'ds', VersionName: 'v2' },
      // Content-addressed, as the real run uploads them: sha256 of the file, and of the folder's (path, hash) lines.
      { InputUri: `oss://mybucket/pai/input_data/sha256-${sha256('a,b\n')}/train.csv`, Name: 'local' },
      { InputUri: `oss://mybucket/pai/input_data/sha256-${sha256(`train.csv\0${sha256('a,b\n')}\n`)}/`, Name: 'localdir' },
    ]);
    expect(doc.request['OutputChannels']).toEqual([
      { Name: 'model', OutputUri: 'oss://b/model/' },
      { Name: 'ckpt', OutputUri: 'nas://0a1b2c.cn-hangzhou/' },
      { Name: 'tbl', OutputUri: 'odps://proj/tables/out/' },
    ]);
    expect((doc.job['inputs'] as Record<string, string>)['local']).toBe(`${dir}/data/train.csv`);
  });

  it('uses an oss:// source_dir as it is, with its own endpoint or the session one', async () => {
    const a = await dryRunJson({
      'job.yaml': `image_uri: ${IMAGE}\ncommand: x\ninstance_type: t\nsource_dir: oss://code-bkt.oss-cn-beijing.aliyuncs.com/jobs/a.tar.gz\n`,
    });
    expect((a.doc.request['AlgorithmSpec'] as Record<string, unknown>)['CodeDir']).toEqual({
      LocationType: 'oss',
      LocationValue: { Bucket: 'code-bkt', Key: 'jobs/a.tar.gz', Endpoint: 'oss-cn-beijing.aliyuncs.com' },
    });
    const b = await dryRunJson({ 'job.yaml': `image_uri: ${IMAGE}\ncommand: x\ninstance_type: t\nsource_dir: oss://code-bkt/jobs/src/\n` });
    expect((b.doc.request['AlgorithmSpec'] as Record<string, unknown>)['CodeDir']).toEqual({
      LocationType: 'oss',
      LocationValue: { Bucket: 'code-bkt', Key: 'jobs/src/', Endpoint: 'oss-cn-hangzhou.aliyuncs.com' },
    });
  });

  it('sends SpotAsPriceGo with its strategy only, and empty environments and requirements as {} and []', async () => {
    const { doc } = await dryRunJson({
      'job.yaml': `image_uri: ${IMAGE}\ncommand: x\ninstance_type: t\nspot_spec: {spot_strategy: SpotAsPriceGo}\nenvironments: {}\nrequirements: []\nlabels: {}\nsettings: {}\n`,
    });
    expect(doc.request['ComputeResource']).toEqual({ EcsCount: 1, EcsSpec: 't', SpotSpec: { SpotStrategy: 'SpotAsPriceGo' } });
    expect(doc.request['Environments']).toEqual({});
    expect(doc.request['PythonRequirements']).toEqual([]);
    expect(doc.request).not.toHaveProperty('Labels');
    expect(doc.request).not.toHaveProperty('Settings');
  });
});
