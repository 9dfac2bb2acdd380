import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseEndpoint } from '../../src/core/session/endpoint.js';
import { requireSession, resolveSession } from '../../src/core/session/resolve.js';
import { readSdkConfig } from '../../src/core/session/sdk-config.js';
import { nameOf, sessionFlags } from '../../src/cli/flags.js';
import { project } from '../helpers/run-cli.js';

const sdkConfig = {
  path: '~/.pai/config.json',
  region_id: 'cn-beijing',
  workspace_id: '111',
  oss_bucket_name: 'sdk-bucket',
  oss_endpoint: 'oss-cn-beijing-internal.aliyuncs.com',
};
const job = { config: { region_id: 'cn-shanghai', workspace_id: '222', oss_bucket_name: 'job-bucket' }, label: 'job.yaml' };

describe('resolveSession precedence: flags > env > job config > SDK config file', () => {
  it('takes flags first', () => {
    const { session } = resolveSession({
      flags: sessionFlags({ region: 'cn-shenzhen', workspace: '333' }),
      env: { PAI_REGION_ID: 'cn-hongkong', PAI_WORKSPACE_ID: '444' },
      job,
      sdkConfig,
    });
    expect(session.region).toEqual({ value: 'cn-shenzhen', origin: '--region' });
    expect(session.workspaceId).toEqual({ value: '333', origin: '--workspace' });
  });

  it('then the environment, with ALIBABA_CLOUD_REGION_ID as a fallback for the region', () => {
    const a = resolveSession({ flags: {}, env: { PAI_REGION_ID: 'cn-hongkong', PAI_OSS_BUCKET_NAME: 'env-bucket' }, job, sdkConfig }).session;
    expect(a.region).toEqual({ value: 'cn-hongkong', origin: 'env PAI_REGION_ID' });
    expect(a.ossBucketName).toEqual({ value: 'env-bucket', origin: 'env PAI_OSS_BUCKET_NAME' });
    const b = resolveSession({ flags: {}, env: { ALIBABA_CLOUD_REGION_ID: 'ap-southeast-1' }, sdkConfig }).session;
    expect(b.region).toEqual({ value: 'ap-southeast-1', origin: 'env ALIBABA_CLOUD_REGION_ID' });
  });

  it("then the job config's session block, then ~/.pai/config.json", () => {
    const a = resolveSession({ flags: {}, env: {}, job, sdkConfig }).session;
    expect(a.region).toEqual({ value: 'cn-shanghai', origin: 'job.yaml session.region_id' });
    expect(a.ossEndpoint).toEqual({ value: { protocol: 'https', host: 'oss-cn-beijing-internal.aliyuncs.com' }, origin: '~/.pai/config.json' });
    const b = resolveSession({ flags: {}, env: {}, sdkConfig }).session;
    expect(b.workspaceId).toEqual({ value: '111', origin: '~/.pai/config.json' });
    expect(b.ossBucketName?.value).toBe('sdk-bucket');
  });

  it('derives endpoints from the region, public by default and VPC with PAI_NETWORK_TYPE=VPC', () => {
    const pub = resolveSession({ flags: sessionFlags({ region: 'cn-hangzhou' }), env: {} }).session;
    expect(pub.endpoint?.value).toEqual({ protocol: 'https', host: 'pai.cn-hangzhou.aliyuncs.com' });
    expect(pub.ossEndpoint?.value.host).toBe('oss-cn-hangzhou.aliyuncs.com');
    expect(pub.workspaceEndpoint?.value.host).toBe('aiworkspace.cn-hangzhou.aliyuncs.com');
    const vpc = resolveSession({ flags: sessionFlags({ region: 'cn-hangzhou' }), env: { PAI_NETWORK_TYPE: 'vpc' } }).session;
    expect(vpc.endpoint?.value.host).toBe('pai-vpc.cn-hangzhou.aliyuncs.com');
    expect(vpc.ossEndpoint?.value.host).toBe('oss-cn-hangzhou-internal.aliyuncs.com');
    expect(vpc.network).toEqual({ value: 'vpc', origin: 'env PAI_NETWORK_TYPE' });
  });

  it('takes endpoint overrides as a host or a URL; the scheme picks http or https', () => {
    const { session } = resolveSession({
      flags: sessionFlags({ region: 'cn-hangzhou' }),
      env: { PAI_ENDPOINT: 'http://127.0.0.1:8080', PAI_OSS_ENDPOINT: 'oss-cn-hangzhou-internal.aliyuncs.com' },
    });
    expect(session.endpoint).toEqual({ value: { protocol: 'http', host: '127.0.0.1:8080' }, origin: 'env PAI_ENDPOINT' });
    expect(session.ossEndpoint?.value).toEqual({ protocol: 'https', host: 'oss-cn-hangzhou-internal.aliyuncs.com' });
  });

  it('gives AIWorkspace its own endpoint: PAI_ENDPOINT does not route it; flag > env > job config > derived', () => {
    const region = { region: 'cn-hangzhou' };
    const flags = sessionFlags(region);
    const onlyPai = resolveSession({ flags, env: { PAI_ENDPOINT: 'http://127.0.0.1:8080' } }).session;
    expect(onlyPai.workspaceEndpoint).toEqual({
      value: { protocol: 'https', host: 'aiworkspace.cn-hangzhou.aliyuncs.com' },
      origin: 'derived from region cn-hangzhou',
    });
    const vpc = resolveSession({ flags, env: { PAI_NETWORK_TYPE: 'VPC' } }).session;
    expect(vpc.workspaceEndpoint?.value.host).toBe('aiworkspace-vpc.cn-hangzhou.aliyuncs.com');
    const jobBlock = { config: { workspace_endpoint: 'aiworkspace-vpc.cn-shanghai.aliyuncs.com' }, label: 'job.yaml' };
    expect(resolveSession({ flags, env: {}, job: jobBlock }).session.workspaceEndpoint).toEqual({
      value: { protocol: 'https', host: 'aiworkspace-vpc.cn-shanghai.aliyuncs.com' },
      origin: 'job.yaml session.workspace_endpoint',
    });
    const env = resolveSession({ flags, env: { PAI_WORKSPACE_ENDPOINT: 'http://127.0.0.1:9090' }, job: jobBlock }).session;
    expect(env.workspaceEndpoint).toEqual({ value: { protocol: 'http', host: '127.0.0.1:9090' }, origin: 'env PAI_WORKSPACE_ENDPOINT' });
    const flag = resolveSession({
      flags: sessionFlags({ ...region, workspaceEndpoint: 'http://127.0.0.1:7070' }),
      env: { PAI_WORKSPACE_ENDPOINT: 'http://127.0.0.1:9090' },
    }).session;
    expect(flag.workspaceEndpoint).toEqual({ value: { protocol: 'http', host: '127.0.0.1:7070' }, origin: '--workspace-endpoint' });
    const bad = resolveSession({ flags, env: { PAI_WORKSPACE_ENDPOINT: 'ftp://x' } });
    expect(bad.problems.map((p) => p.path)).toEqual(['session.workspace_endpoint']);
  });

  it('reports an endpoint it cannot read, and a network type it does not know', () => {
    const { problems } = resolveSession({ flags: {}, env: { PAI_ENDPOINT: 'ftp://x', PAI_OSS_ENDPOINT: 'http://h/path', PAI_NETWORK_TYPE: 'intranet' } });
    expect(problems.map((p) => p.origin)).toEqual(['env PAI_NETWORK_TYPE', 'env PAI_ENDPOINT', 'env PAI_OSS_ENDPOINT']);
  });
});

describe('requireSession', () => {
  it('names every missing value and where to set it', () => {
    const { session, problems } = resolveSession({ flags: {}, env: {} });
    let error: unknown;
    try {
      requireSession(session, problems, '~/.pai/config.json', nameOf);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).diagnostics.map((d) => d.message).join('\n');
    expect(messages).toContain('no region: pass --region, export PAI_REGION_ID');
    expect(messages).toContain('no workspace: pass --workspace, export PAI_WORKSPACE_ID');
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['pai.cn-hangzhou.aliyuncs.com', { protocol: 'https', host: 'pai.cn-hangzhou.aliyuncs.com' }],
    ['https://pai.cn-hangzhou.aliyuncs.com', { protocol: 'https', host: 'pai.cn-hangzhou.aliyuncs.com' }],
    ['https://pai.cn-hangzhou.aliyuncs.com/', { protocol: 'https', host: 'pai.cn-hangzhou.aliyuncs.com' }],
    ['http://localhost:9000', { protocol: 'http', host: 'localhost:9000' }],
    ['127.0.0.1:8080', { protocol: 'https', host: '127.0.0.1:8080' }],
  ])('%s', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
  });

  it.each(['ftp://host', 'http://host/api', 'not a host', ''])('refuses %j', (text) => {
    expect(typeof parseEndpoint(text)).toBe('string');
  });
});

describe('readSdkConfig', () => {
  it('keeps the four session keys and ignores credentials written there', () => {
    const dir = project({
      'config.json': JSON.stringify({
        region_id: 'cn-beijing',
        workspace_id: 12345,
        oss_bucket_name: 'b',
        oss_endpoint: 'e',
        access_key_id: 'x',
        access_key_secret: 'y',
      }),
    });
    expect(readSdkConfig(`${dir}/config.json`)).toEqual({
      path: `${dir}/config.json`,
      region_id: 'cn-beijing',
      workspace_id: '12345',
      oss_bucket_name: 'b',
      oss_endpoint: 'e',
    });
  });

  it('is absent when there is no file, and an error when the file is not JSON', () => {
    const dir = project({ 'bad.json': '{region_id: x' });
    expect(readSdkConfig(`${dir}/none.json`)).toBeUndefined();
    expect(() => readSdkConfig(`${dir}/bad.json`)).toThrow(ConfigError);
  });
});
