// Regions are checked against PAI's known regions (src/core/session/regions.ts), with a did-you-mean; an
// explicit endpoint (a private one, or a region the list lacks) skips the check.
import { describe, expect, it } from 'vitest';
import { project, runCli } from '../helpers/run-cli.js';

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';
const dir = () => project({ 'job.yaml': JOB, 'main.py': 'print(1)\n' });
const ENV = { PAI_WORKSPACE_ID: '12345', PAI_OSS_BUCKET_NAME: 'mybucket' };

describe('the region', () => {
  it('a typo is a usage error (exit 2) naming where it came from and the region it resembles; nothing is sent', async () => {
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--region', 'cn-hangzou'], { cwd: dir(), env: ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--region');
    expect(r.stderr).toContain('"cn-hangzou" is not a region PAI runs in; did you mean "cn-hangzhou"?');
    expect(r.stdout).toBe('');
    const env = await runCli(['list'], {
      env: { ...ENV, PAI_REGION_ID: 'ap-southeast1', ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tX', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('env PAI_REGION_ID');
    expect(env.stderr).toContain('did you mean "ap-southeast-1"?');
  });

  it('a word far from every region gets the list, without a guess', async () => {
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--region', 'mars-north-7'], { cwd: dir(), env: ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('did you mean');
    expect(r.stderr).toContain("PAI's regions: cn-hangzhou, cn-shanghai");
  });

  it('every known region passes; an explicit endpoint skips the check', async () => {
    for (const region of ['cn-hangzhou', 'ap-southeast-5', 'me-east-1']) {
      const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--region', region], { cwd: dir(), env: ENV });
      expect(r.code, `${region}: ${r.stderr}`).toBe(0);
    }
    const privateEndpoint = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--region', 'cn-private-1'], {
      cwd: dir(),
      env: { ...ENV, PAI_ENDPOINT: 'https://pai.internal.example:8443' },
    });
    expect(privateEndpoint.code, privateEndpoint.stderr).toBe(0);
  });

  it('config show flags it as a problem with the suggestion', async () => {
    const r = await runCli(['config', 'show', '--region', 'cn-shangai'], {
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tX', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' },
    });
    expect(r.stderr).toContain('did you mean "cn-shanghai"?');
  });
});
