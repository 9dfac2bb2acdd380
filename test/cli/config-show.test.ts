import { describe, expect, it } from 'vitest';
import { project, runCli, tempDir } from '../helpers/run-cli.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const AK = 'LTAI5tFakeKeyId0001';
const SECRET = 'fake-secret-value-0001';
const TOKEN = 'fake-sts-token-value-0001';

describe('config show', () => {
  it('prints each value with its origin and masks the AccessKey; never the secret or token', async () => {
    const home = tempDir('home-');
    mkdirSync(join(home, '.pai'));
    writeFileSync(join(home, '.pai', 'config.json'), JSON.stringify({ region_id: 'cn-beijing', workspace_id: '111', oss_bucket_name: 'sdk-bucket' }));
    const result = await runCli(['config', 'show', '--region', 'cn-shanghai'], {
      home,
      env: { PAI_WORKSPACE_ID: '222', ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN },
    });
    expect(result.code).toBe(0);
    const row = (label: string) =>
      result.stdout
        .split('\n')
        .find((l) => l.trim().startsWith(label))
        ?.trim()
        .split(/\s{2,}/);
    expect(row('region')).toEqual(['region', 'cn-shanghai', '--region']);
    expect(row('workspace ')).toEqual(['workspace', '222', 'env PAI_WORKSPACE_ID']);
    expect(row('oss bucket')).toEqual(['oss bucket', 'sdk-bucket', '~/.pai/config.json']);
    expect(row('pai endpoint')).toEqual(['pai endpoint', 'https://pai.cn-shanghai.aliyuncs.com', 'derived from region cn-shanghai']);
    expect(row('credentials')).toEqual(['credentials', 'STS token LTAI****0001', 'env ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET']);
    for (const secret of [SECRET, TOKEN, AK]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });

  it('reads the session block of the job config', async () => {
    const dir = project({ 'pai-process.config.yaml': 'image_uri: x\nsession:\n  region_id: ${REGION:-cn-zhangjiakou}\n  workspace_id: 9\n' });
    const result = await runCli(['config', 'show', '--json'], { cwd: dir, env: { ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET } });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.region).toEqual({ value: 'cn-zhangjiakou', origin: `${dir}/pai-process.config.yaml session.region_id` });
    expect(doc.workspace_id.value).toBe('9');
    expect(doc.credentials).toEqual({
      source: 'env ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      accessKeyId: 'LTAI****0001',
      kind: 'AccessKey',
    });
    expect(result.stdout).not.toContain(SECRET);
  });

  it('without credentials, still shows the session, then exits 4 naming the places looked and the fix', async () => {
    const result = await runCli(['config', 'show'], { env: { PAI_REGION_ID: 'cn-hangzhou' } });
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/region\s+cn-hangzhou\s+env PAI_REGION_ID/);
    expect(result.stdout).toMatch(/credentials\s+none found/);
    expect(result.stderr).toContain('No Alibaba Cloud credentials found');
    expect(result.stderr).toContain('~/.aliyun/config.json: no such file');
    expect(result.stderr).toContain('→ Export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  });
});
