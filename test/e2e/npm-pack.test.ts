import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/spawn-cli.js';

/**
 * Installing for real, as the README's Install section prints it: in a fresh `git clone` of this repository,
 * `npm ci && npm pack && npm install -g ./pai-process-<version>.tgz`, run as printed through `sh -c` with npm's
 * global prefix pointed at a temporary folder (npm_config_prefix). Then the installed `pai-process` answers
 * `--version`, a dry run, and `config show` (which loads the Alibaba libraries, outside the bundle). npm runs
 * offline: `npm ci` from the cache the enclosing `npm ci` filled, and the install from the tarball alone, which
 * carries its dependencies (package.json `bundleDependencies`).
 */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        npm_config_offline: 'true',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The README's tarball install line, as printed (comment included: the shell reads it as one). */
function readmeTarballInstall(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const install = readme.split('\n## Install\n')[1]?.split('\n## ')[0] ?? '';
  const line = install.split('\n').find((l) => l.includes('npm pack') && l.includes('npm install -g'));
  if (!line) throw new Error("README.md's Install section has no `npm pack ... npm install -g` line");
  return line;
}

describe('npm pack, then npm install -g from the tarball', () => {
  it("the README's install line, in a fresh clone: the installed pai-process answers --version, a dry run and config show", async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const line = readmeTarballInstall();
    expect(line).toContain(`./pai-process-${version}.tgz`);

    const top = tempDir('npm-pack-');
    made.push(top);
    const clone = join(top, 'pai-process');
    const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
    expect(cloned.status, cloned.stderr).toBe(0);
    const prefix = join(top, 'prefix');
    const install = await run('sh', ['-c', line], clone, { npm_config_prefix: prefix });
    expect(install.code, install.stdout + install.stderr).toBe(0);

    const listed = await run('tar', ['tzf', join(clone, `pai-process-${version}.tgz`)], clone);
    const files = listed.stdout.split('\n').map((f) => f.replace(/^package\//, ''));
    // bin/ runs dist/bundle, built by `prepare`; neither src/ nor the tests ship; the dependencies (and theirs, e.g. ali-oss's urllib) travel inside,
    // the versions the lockfile pinned, and no dev dependency does.
    for (const f of [
      'bin/pai-process.cjs',
      'dist/bundle/main.cjs',
      'schema/job-config.schema.json',
      'node_modules/@alicloud/credentials/package.json',
      'node_modules/ali-oss/package.json',
      'node_modules/urllib/package.json',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || /^node_modules\/(vitest|typescript|esbuild|tsx)\//.test(f))).toEqual([]);

    const bin = join(prefix, 'bin', 'pai-process');
    const home = tempDir('home-');
    made.push(home);
    const clean = { HOME: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };
    const v = await run(bin, ['--version'], home, clean);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${version}\n`);

    const project = join(top, 'quickstart');
    cpSync(join(ROOT, 'examples', 'quickstart'), project, { recursive: true, filter: (src) => !/[/\\](model|\.pai-process)$/.test(src) });
    const dry = await run(bin, ['run', '--dry-run', '--json', '-f', 'job.yaml', '--output', 'model=oss://mybucket/quickstart/'], project, {
      ...clean,
      PAI_REGION_ID: 'cn-hangzhou',
      PAI_WORKSPACE_ID: '12345',
      PAI_OSS_BUCKET_NAME: 'mybucket',
    });
    expect(dry.code, dry.stderr).toBe(0);
    const doc = JSON.parse(dry.stdout) as { request: { WorkspaceId: string; AlgorithmSpec: { Image: string } } };
    expect(doc.request.WorkspaceId).toBe('12345');
    expect(doc.request.AlgorithmSpec.Image).toContain('pytorch-training');
    expect(dry.stderr).toContain('Dry run: nothing was uploaded or submitted.');

    const show = await run(bin, ['config', 'show', '--region', 'cn-hangzhou', '--json'], home, {
      ...clean,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tPackTest0001',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'pack-test-secret',
    });
    expect(show.code, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as { credentials: { accessKeyId: string } }).credentials.accessKeyId).toBe('LTAI****0001');
  }, 600_000);
});
