// CreateTrainingJob validated like the service: the PAI SDK's own body is accepted; invented
// fields, wrong types, missing required fields and a code directory absent from OSS are 400s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paiClient, type PaiClient } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { failure, minimalJob, SDK_EXAMPLE_BODY } from './test-support.js';

const CREATE = '/api/v1/trainingjobs';

describe('CreateTrainingJob', () => {
  let emu: Emulator;
  let pai: PaiClient;
  beforeAll(async () => {
    emu = await startEmulator({ bucket: 'mybucket', workspaceId: '12345' });
    pai = paiClient(emu, { signatureAlgorithm: 'v2' });
  });
  afterAll(async () => emu.close());

  const create = (body: unknown) => pai.call('CreateTrainingJob', 'POST', CREATE, { body });
  async function refusal(body: unknown): Promise<{ code: unknown; status: unknown; message: string }> {
    const err = await failure(create(body));
    return { code: err['code'], status: err['statusCode'], message: String((err['data'] as Record<string, unknown>)['Message']) };
  }

  it('accepts the body the PAI Python SDK sends once the code is in OSS, and GetTrainingJob echoes it', async () => {
    emu.oss.put('pai/processing_src/processor_20250101_120000/main.py', 'print("hi")\n');
    const body = JSON.parse(SDK_EXAMPLE_BODY) as Record<string, unknown>;
    const res = await create(body);
    const id = res.body['TrainingJobId'];
    expect(id).toMatch(/^train[a-z0-9]{11}$/);
    expect(typeof res.body['RequestId']).toBe('string');
    expect(emu.journal.last('CreateTrainingJob')?.body).toEqual(body);

    const got = await pai.call('GetTrainingJob', 'GET', `${CREATE}/${String(id)}`);
    expect(got.body).toMatchObject({
      TrainingJobId: id,
      TrainingJobName: 'processor_20250101_120000',
      WorkspaceId: '12345',
      Status: 'Creating',
      AlgorithmSpec: body['AlgorithmSpec'],
      ComputeResource: { EcsCount: 1, EcsSpec: 'ecs.c6.large' },
      OutputChannels: [],
      Instances: [],
      StatusTransitions: [{ Status: 'Creating' }],
      Duration: 0,
    });
    expect(String(got.body['TrainingJobUrl'])).toContain(String(id));
    expect(got.body['GmtCreateTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(got.body['GmtModifiedTime']).toMatch(/Z$/);
  });

  it('accepts the same body signed with ACS3', async () => {
    const res = await paiClient(emu).call('CreateTrainingJob', 'POST', CREATE, { body: JSON.parse(SDK_EXAMPLE_BODY) });
    expect(res.body['TrainingJobId']).toMatch(/^train/);
  });

  it('refuses a field the API model does not have, naming its path', async () => {
    const nested = await refusal(minimalJob(emu, 'j1', { ComputeResource: { EcsCount: 1, EcsSpec: 'ecs.c6.large', ResourceType: 'Lingjun' } }));
    expect(nested).toMatchObject({ code: 'InvalidParameter', status: 400 });
    expect(nested.message).toContain('ComputeResource.ResourceType');

    const top = await refusal(minimalJob(emu, 'j2', { ResourceType: 'Lingjun' }));
    expect(top.message).toContain('ResourceType');
    const inArray = await refusal(minimalJob(emu, 'j3', { InputChannels: [{ Name: 'train', InputUri: 'oss://b/k/', Uri: 'x' }] }));
    expect(inArray.message).toContain('InputChannels[0].Uri');
    const inSpec = await refusal(minimalJob(emu, 'j4', { AlgorithmSpec: { Image: 'i', Command: ['x'], Entrypoint: 'x' } }));
    expect(inSpec.message).toContain('AlgorithmSpec.Entrypoint');
  });

  it('accepts the Settings fields the older SDK model sends (AIMasterType, Priority) and the rest of the model', async () => {
    const res = await create(
      minimalJob(emu, 'settings', {
        Settings: { AIMasterType: 'default', Priority: 3, EnableErrorMonitoringInAIMaster: true, ErrorMonitoringArgs: '--x', Tags: { a: 'b' } },
        ComputeResource: {
          ResourceId: 'quota123',
          InstanceCount: 2,
          InstanceSpec: { CPU: '4', GPU: '0', Memory: '16', SharedMemory: '8', GPUType: '' },
          SpotSpec: { SpotStrategy: 'SpotWithPriceLimit', SpotDiscountLimit: 0.5 },
          UseSpotInstance: true,
        },
        UserVpc: { VpcId: 'vpc-1', SwitchId: 'vsw-1', SecurityGroupId: 'sg-1', ExtendedCIDRs: ['10.0.0.0/8'], DefaultRoute: 'eth1' },
        Environments: { A: '1' },
        PythonRequirements: ['numpy'],
        Labels: [{ Key: 'k', Value: 'v' }],
        HyperParameters: [{ Name: 'lr', Value: '0.1' }],
        Scheduler: { MaxRunningTimeInSeconds: 3600 },
        Priority: 1,
        TrainingJobDescription: 'd',
      }),
    );
    expect(res.body['TrainingJobId']).toMatch(/^train/);
  });

  it('accepts a job by AlgorithmName without AlgorithmSpec', async () => {
    const res = await create({ TrainingJobName: 'builtin', WorkspaceId: '12345', AlgorithmName: 'pytorch_job', AlgorithmProvider: 'pai' });
    expect(res.body['TrainingJobId']).toMatch(/^train/);
  });

  it('refuses wrong types', async () => {
    expect((await refusal(minimalJob(emu, 't1', { ComputeResource: { EcsCount: '1', EcsSpec: 'ecs.c6.large' } }))).message).toContain(
      'ComputeResource.EcsCount must be a number',
    );
    expect((await refusal(minimalJob(emu, 't2', { Environments: { A: 1 } }))).message).toContain('Environments.A must be a string');
    expect((await refusal(minimalJob(emu, 't3', { HyperParameters: [{ Name: 'lr', Value: 0.1 }] }))).message).toContain('HyperParameters[0].Value');
    expect((await refusal(minimalJob(emu, 't4', { PythonRequirements: 'numpy' }))).message).toContain('PythonRequirements must be an array');
    expect((await refusal({ ...minimalJob(emu, 't5'), TrainingJobName: 5 })).code).toBe('InvalidParameter');
  });

  it('refuses missing required fields', async () => {
    const { TrainingJobName: _n, ...noName } = minimalJob(emu, 'x');
    expect((await refusal(noName)).message).toContain('TrainingJobName');
    const { WorkspaceId: _w, ...noWorkspace } = minimalJob(emu, 'x');
    expect((await refusal(noWorkspace)).message).toContain('WorkspaceId');
    expect((await refusal({ TrainingJobName: 'x', WorkspaceId: '12345' })).message).toContain('AlgorithmSpec');
    expect((await refusal(minimalJob(emu, 'x', { AlgorithmSpec: { Command: ['x'] } }))).message).toContain('AlgorithmSpec.Image');
    expect((await refusal(minimalJob(emu, 'x', { AlgorithmSpec: { Image: 'i', Command: [] } }))).message).toContain('AlgorithmSpec.Command');
    expect((await refusal(minimalJob(emu, 'x', { WorkspaceId: '999' }))).message).toContain('WorkspaceId');
  });

  it('refuses a CodeDir that is not in OSS, naming it', async () => {
    const codeDir = (Key: string, Bucket = 'mybucket') => ({ LocationType: 'oss', LocationValue: { Bucket, Key, Endpoint: 'oss-cn-hangzhou.aliyuncs.com' } });
    const spec = (Key: string, Bucket?: string) => ({ Image: 'i', Command: ['python', 'main.py'], CodeDir: codeDir(Key, Bucket) });

    const missingPrefix = await refusal(minimalJob(emu, 'c1', { AlgorithmSpec: spec('pai/processing_src/nothing_here/') }));
    expect(missingPrefix).toMatchObject({ code: 'InvalidParameter', status: 400 });
    expect(missingPrefix.message).toContain('AlgorithmSpec.CodeDir');
    expect((await refusal(minimalJob(emu, 'c2', { AlgorithmSpec: spec('code/source.tar.gz') }))).message).toContain('oss://mybucket/code/source.tar.gz');
    expect((await refusal(minimalJob(emu, 'c3', { AlgorithmSpec: spec('code/', 'otherbucket') }))).message).toContain('otherbucket');

    // An exact object (the old SDK's source.tar.gz) and a prefix with an object under it both work.
    emu.oss.put('code/source.tar.gz', Buffer.from([0x1f, 0x8b]));
    expect((await create(minimalJob(emu, 'c4', { AlgorithmSpec: spec('code/source.tar.gz') }))).statusCode).toBe(200);
    expect((await create(minimalJob(emu, 'c5', { AlgorithmSpec: spec('code/') }))).statusCode).toBe(200);
    // A key without a trailing slash must be an object, not a prefix.
    expect((await refusal(minimalJob(emu, 'c6', { AlgorithmSpec: spec('code') }))).message).toContain('AlgorithmSpec.CodeDir');
  });

  it('refuses a body that is not JSON', async () => {
    const err = await failure(create('not json at all'));
    expect(err['code']).toBe('InvalidParameter');
  });

  it('answers 404 TRAINING_JOB_NOT_EXIST for an unknown job id', async () => {
    const pai2 = paiClient(emu);
    for (const [action, method, suffix] of [
      ['GetTrainingJob', 'GET', ''],
      ['ListTrainingJobLogs', 'GET', '/logs'],
      ['ListTrainingJobEvents', 'GET', '/events'],
      ['StopTrainingJob', 'PUT', '/stop'],
    ] as const) {
      const err = await failure(pai2.call(action, method, `${CREATE}/trainnosuchjob0${suffix}`));
      expect(err['code']).toBe('TRAINING_JOB_NOT_EXIST');
      expect(err['statusCode']).toBe(404);
    }
  });
});
