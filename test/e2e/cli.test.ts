import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { project, tempDir } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}bin/pai-process.cjs`;

/** Spawns the built CLI as a user would, with a clean environment and a private HOME. */
function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const home = tempDir('home-');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? home,
    encoding: 'utf8',
    // Tests never reach the ECS metadata address: on a machine that is not ECS nothing should answer there.
    env: { PATH: process.env['PATH'] ?? '', HOME: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

describe('the built CLI', () => {
  it('is built (npm install and npm ci build it)', () => {
    expect(existsSync(`${root}dist/cli/main.js`)).toBe(true);
    expect(existsSync(`${root}dist/bundle/main.cjs`)).toBe(true);
  });

  it('loads the bundle from the code cache the build wrote, under a plain node', () => {
    const probe = `const b = require(${JSON.stringify(`${root}bin/load-bundle.cjs`)}).loadBundle(); console.log(JSON.stringify({ cacheUsed: b.cacheUsed, main: typeof b.main }));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ cacheUsed: true, main: 'function' });
  });

  it('loads ali-oss bundled apart, from its own code cache, as a working client constructor', () => {
    const probe = `const l = require(${JSON.stringify(`${root}bin/load-bundle.cjs`)}).loadLibrary('ali-oss');
      const c = new l.exports({ accessKeyId: 'k', accessKeySecret: 's', bucket: 'my-bucket', region: 'oss-cn-hangzhou' });
      console.log(JSON.stringify({ cacheUsed: l.cacheUsed, bucket: c.options.bucket, put: typeof c.put }));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ cacheUsed: true, bucket: 'my-bucket', put: 'function' });
  });

  it('loads the credentials library and the OpenAPI client from one bundle and its code cache, as working classes', () => {
    const probe = `const { loadLibrary } = require(${JSON.stringify(`${root}bin/load-bundle.cjs`)});
      const c = loadLibrary('@alicloud/credentials'), o = loadLibrary('@alicloud/openapi-client'), u = loadLibrary('@alicloud/tea-util');
      const provider = c.exports.StaticAKCredentialsProvider.builder().withAccessKeyId('k').withAccessKeySecret('s').build();
      const credential = new c.exports.default(null, provider);
      const client = new o.exports.default(new o.exports.Config({ credential, endpoint: 'example.com', regionId: 'cn-hangzhou' }));
      credential.getCredential().then((got) => console.log(JSON.stringify({ cacheUsed: [c.cacheUsed, o.cacheUsed, u.cacheUsed], id: got.accessKeyId, callApi: typeof client.callApi, runtime: typeof u.exports.RuntimeOptions })));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ cacheUsed: [true, true, true], id: 'k', callApi: 'function', runtime: 'function' });
  });

  it('runs as well when V8 rejects the cache (other V8 flags): it compiles instead', () => {
    const flag = '--max-semi-space-size=4';
    const probe = `const b = require(${JSON.stringify(`${root}bin/load-bundle.cjs`)}).loadBundle(); console.log(b.cacheUsed);`;
    const loaded = spawnSync(process.execPath, [flag, '-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(loaded.stdout.trim()).toBe('false');
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n' });
    const r = spawnSync(process.execPath, [flag, bin, 'run', '-f', 'job.yaml', '--dry-run', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '12345' },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).request.WorkspaceId).toBe('12345');
  });

  it('runs from just the files the package ships (package.json "files"), from the code cache', () => {
    const packed = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    // Without the bundled dependencies (package.json bundleDependencies): node_modules is linked below instead.
    const files = (JSON.parse(packed) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).filter((f) => !f.startsWith('node_modules/'));
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/pai-process.cjs',
        'bin/load-bundle.cjs',
        'dist/bundle/main.cjs',
        'dist/bundle/main.cjs.v8-cache',
        'dist/bundle/help.txt',
        'dist/bundle/command-help.json',
        'dist/bundle/ali-oss.cjs',
        'dist/bundle/ali-oss.cjs.v8-cache',
        'dist/bundle/alicloud.cjs',
        'dist/bundle/alicloud.cjs.v8-cache',
        'schema/job-config.schema.json',
      ]),
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/bundle/yaml.cjs',
        'dist/bundle/yaml.cjs.v8-cache',
        'dist/bundle/job-config-validator.cjs',
        'dist/bundle/job-config-validator.cjs.v8-cache',
      ]),
    );
    const pkg = tempDir('package-');
    for (const file of files) {
      mkdirSync(dirname(join(pkg, file)), { recursive: true });
      cpSync(join(root, file), join(pkg, file), { preserveTimestamps: true });
    }
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
    const probe = `console.log(require(${JSON.stringify(join(pkg, 'bin', 'load-bundle.cjs'))}).loadBundle().cacheUsed)`;
    expect(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } }).stdout.trim()).toBe('true');
    // The bundles main.cjs requires by name (yaml, the validator) run from their caches too.
    const apart = `const l = require(${JSON.stringify(join(pkg, 'bin', 'load-bundle.cjs'))}); console.log(['yaml', './job-config-validator.cjs'].map((n) => l.loadLibrary(n).cacheUsed).join())`;
    expect(spawnSync(process.execPath, ['-e', apart], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } }).stdout.trim()).toBe('true,true');
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n',
      'main.py': 'print(1)\n',
    });
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'pai-process.cjs'), 'run', '-f', 'job.yaml', '--dry-run', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: tempDir('home-'),
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
        PAI_REGION_ID: 'cn-hangzhou',
        PAI_WORKSPACE_ID: '12345',
      },
    });
    expect(r.stderr).toContain('nothing was uploaded or submitted');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).request.AlgorithmSpec.CodeDir.LocationValue.Key).toMatch(/^pai\/processing_src\/sha256-[0-9a-f]{64}\/$/);
  });

  it('a tree that was never built says how to build it, with no stack trace', () => {
    const tree = tempDir('unbuilt-');
    mkdirSync(`${tree}/bin`);
    for (const f of readdirSync(`${root}bin`)) copyFileSync(`${root}bin/${f}`, `${tree}/bin/${f}`); // bin/ as it ships, without dist/
    const r = spawnSync(process.execPath, [`${tree}/bin/pai-process.cjs`, 'validate'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.status).toBe(70);
    expect(r.stderr).toContain('pai-process is not built');
    expect(r.stderr).toContain('Run `npm run build`');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help without a terminal prints the help the build rendered, identical to what commander renders', async () => {
    const { main } = (await import(`${root}dist/cli/main.js`)) as typeof import('../../src/cli/main.js');
    let live = '';
    // Commander renders at 80 columns when process.stdout is not a terminal, as under vitest.
    expect(await main(['--help'], { stdout: { write: (s: string) => ((live += s), true) }, stderr: { write: () => true } })).toBe(0);
    expect(live).toContain('Usage: pai-process [options] [command]');
    expect(readFileSync(`${root}dist/bundle/help.txt`, 'utf8')).toBe(live);
    for (const flag of ['--help', '-h']) {
      const r = cli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(live);
      expect(r.stderr).toBe('');
    }
  });

  it('<command> --help without a terminal prints the help the build rendered for that command, without loading the CLI', async () => {
    const { main } = (await import(`${root}dist/cli/main.js`)) as typeof import('../../src/cli/main.js');
    const rendered = JSON.parse(readFileSync(`${root}dist/bundle/command-help.json`, 'utf8')) as Record<string, string>;
    expect(Object.keys(rendered)).toEqual(expect.arrayContaining(['run', 'logs', 'status', 'stop', 'list', 'validate', 'config', 'config show']));
    for (const [command, text] of Object.entries(rendered)) {
      let live = '';
      expect(await main([...command.split(' '), '--help'], { stdout: { write: (s: string) => ((live += s), true) }, stderr: { write: () => true } })).toBe(0);
      expect(text).toBe(live);
    }
    // At exit, the modules the process required: the bundle's loader is not among them.
    const preload = join(tempDir('preload-'), 'modules.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));\n");
    for (const args of [
      ['run', '--help'],
      ['status', '-h'],
      ['config', 'show', '--help'],
    ]) {
      const r = spawnSync(process.execPath, ['-r', preload, bin, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(rendered[args.slice(0, -1).join(' ')]);
      const modules = JSON.parse(r.stderr) as string[];
      expect(modules.some((m) => m.endsWith('pai-process.cjs'))).toBe(true);
      expect(modules.filter((m) => m.endsWith('load-bundle.cjs'))).toEqual([]);
    }
  });

  it('imports a JavaScript job config from the cached bundle', () => {
    const dir = project({
      'job.config.mjs': "export default { image_uri: 'python:3.11', command: 'python main.py', instance_type: 'ecs.c6.large', source_dir: '.' };\n",
      'main.py': 'print(1)\n',
    });
    const r = cli(['run', '-f', 'job.config.mjs', '--dry-run', '--json'], { cwd: dir, env: { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '12345' } });
    expect(r.stderr).toContain('nothing was uploaded or submitted');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).request.AlgorithmSpec.Image).toBe('python:3.11');
  });

  it('--version prints the version and exits 0', () => {
    const version = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('--help and --version do not load the Alibaba libraries', () => {
    const probe = `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(`${root}dist/cli/main.js`)});
      await main(['--help'], { stdout: { write() {} } });
      await main(['run', '--help'], { stdout: { write() {} } });
      await main(['--version'], { stdout: { write() {} } });
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(0);
    const loaded = JSON.parse(r.stdout) as string[];
    expect(loaded.some((p) => p.includes('commander'))).toBe(true); // the probe does see CJS modules
    expect(loaded.filter((p) => /@alicloud|ali-oss|cosmiconfig|[\\/]ajv[\\/]|[\\/]yaml[\\/]/.test(p))).toEqual([]);
  });

  it('without credentials exits 4, naming the fix, and without asking the metadata service when it is disabled', () => {
    const r = cli(['config', 'show']);
    expect(r.code).toBe(4);
    // No clock: that the ECS metadata lookup was not made (so it cannot hang) is read from the places listed.
    expect(r.stderr).toContain('  - ECS RAM role (metadata service 100.100.100.200): disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED\n');
    expect(r.stderr).toContain('No Alibaba Cloud credentials found');
    expect(r.stderr).toContain('Export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('run --dry-run needs no credentials and prints the request', () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n',
      'main.py': 'print(1)\n',
    });
    const r = cli(['run', '-f', 'job.yaml', '--dry-run', '--json'], {
      cwd: dir,
      env: { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '12345', PAI_OSS_BUCKET_NAME: 'b' },
    });
    expect(r.stderr).toContain('nothing was uploaded or submitted');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.request.WorkspaceId).toBe('12345');
    expect(doc.request.TrainingJobName).toMatch(/^processor_\d{8}_\d{6}$/);
  });

  it('a bad config exits 2 with both problems and no stack trace', () => {
    const dir = project({ 'job.yaml': 'image_uri: 3\ncommand: x\ninstance_type: t\nfoo: 1\n' });
    const r = cli(['validate', '-f', 'job.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('job.yaml:1:12  image_uri: must be a string, not number 3');
    expect(r.stderr).toContain('job.yaml:4:1  foo: unknown key "foo"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
