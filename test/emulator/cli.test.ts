// The standalone emulator: export lines first on stdout, one stderr line per request, clean
// exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenApiMod, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const EXPECTED = [
  'PAI_ENDPOINT',
  'PAI_WORKSPACE_ENDPOINT',
  'PAI_OSS_ENDPOINT',
  'PAI_REGION_ID',
  'PAI_WORKSPACE_ID',
  'PAI_OSS_BUCKET_NAME',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
];

describe('cli.ts', () => {
  it('prints the export lines, logs requests on stderr and exits 0 on SIGTERM', async () => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(here, 'cli.ts'), '--workspace-id', '777'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no export lines after 15 s; stdout: ${stdout}; stderr: ${stderr}`)), 15_000);
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          const got = stdout.split('\n').filter((l) => l.startsWith('export '));
          if (got.length >= EXPECTED.length) {
            clearTimeout(timer);
            resolve(got);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${stderr}`)));
      });
      expect(stdout.split('\n').slice(0, EXPECTED.length)).toEqual(lines);
      const env = Object.fromEntries(lines.map((l) => /^export ([A-Z_]+)=(.*)$/.exec(l)?.slice(1, 3) ?? []));
      expect(Object.keys(env)).toEqual(EXPECTED);
      expect(env['PAI_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env['PAI_OSS_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env['PAI_WORKSPACE_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env['PAI_WORKSPACE_ENDPOINT']).not.toBe(env['PAI_ENDPOINT']);
      expect(env['PAI_WORKSPACE_ID']).toBe('777');
      expect(env['PAI_REGION_ID']).toBe('cn-hangzhou');

      // The printed values are enough for a real client.
      const client = new OpenApiMod.default(
        new Config({
          accessKeyId: env['ALIBABA_CLOUD_ACCESS_KEY_ID'],
          accessKeySecret: env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
          endpoint: String(env['PAI_ENDPOINT']).replace('http://', ''),
          protocol: 'HTTP',
        }),
      );
      const params = new Params({
        action: 'ListTrainingJobs',
        version: '2022-01-12',
        protocol: 'HTTP',
        pathname: '/api/v1/trainingjobs',
        method: 'GET',
        authType: 'AK',
        style: 'ROA',
        reqBodyType: 'json',
        bodyType: 'json',
      });
      const res = (await client.callApi(params, new OpenApiRequest({ query: { WorkspaceId: '777' } }), new RuntimeOptions({}))) as { statusCode: number };
      expect(res.statusCode).toBe(200);
      for (let i = 0; i < 50 && !stderr.includes('ListTrainingJobs'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(stderr).toMatch(/\[pai\] 200 ListTrainingJobs GET \/api\/v1\/trainingjobs sig=acs3/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
