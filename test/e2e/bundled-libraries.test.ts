import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, tempDir } from '../helpers/run-cli.js';
import { ROOT, spawnNode } from '../helpers/spawn-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

// Loaded with `node -r` before the CLI: at exit, writes every CommonJS module the process required.
// And every Node built-in it loaded (process.moduleLoadList), and every file it read whole (readFileSync: the bundles).
const PRELOAD = `const fs = require('node:fs'); const read = fs.readFileSync; const files = [];
fs.readFileSync = (file, ...rest) => (files.push(String(file)), read(file, ...rest));
process.on('exit', () => fs.writeFileSync(process.env.MODULES_OUT, JSON.stringify({ modules: Object.keys(require.cache), builtins: process.moduleLoadList, files })));\n`;

/** The built CLI, and the modules it required from files (not from the build's bundles). */
async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const dir = tempDir('modules-');
  const preload = join(dir, 'preload.cjs');
  const out = join(dir, 'modules.json');
  writeFileSync(preload, PRELOAD);
  const r = await spawnNode(['-r', preload, `${ROOT}bin/pai-process.cjs`, ...args], cwd, { ...emu.env(), MODULES_OUT: out, ...env });
  const { modules, builtins, files } = JSON.parse(readFileSync(out, 'utf8')) as { modules: string[]; builtins: string[]; files: string[] };
  return { ...r, modules, builtins, files };
}

// bin/load-bundle.cjs runs the Alibaba libraries from the build's bundles and their code caches (docs/performance.md):
// a command that required them from node_modules would pay some 150-300 ms more before its first request.
describe('the built CLI takes the Alibaba libraries from its bundles', () => {
  const installed = /node_modules[\\/](@alicloud[\\/]|ali-oss[\\/])/;

  it('status: credentials and the OpenAPI client', async () => {
    const job = emu.jobs.create({ TrainingJobName: 'bundled', WorkspaceId: emu.workspaceId }, { script: [] });
    const r = await run(['status', job.id], tempDir('cwd-'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.journal.last('GetTrainingJob')?.signature).toMatchObject({ algorithm: 'v2', ok: true });
    expect(r.modules.some((m) => m.endsWith('load-bundle.cjs'))).toBe(true); // the probe sees the CLI's modules
    expect(r.modules.filter((m) => installed.test(m))).toEqual([]);
  });

  it('a JavaScript job config named with -f (an ES module): imported through the bundle, nothing from node_modules', async () => {
    const config = "export default { image_uri: 'python:3.11', command: 'python main.py', instance_type: 'ecs.c6.large', source_dir: 'src' };\n";
    const dir = project({ 'pai-process.config.mjs': config, 'src/main.py': 'print(1)\n' });
    const r = await run(['validate', '--json', '-f', 'pai-process.config.mjs'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, job: { command: 'python main.py' } });
    expect(r.stdout).toContain('pai-process.config.mjs');
    expect(r.modules.filter((m) => installed.test(m))).toEqual([]);
  });

  it('run --detach: and ali-oss', async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: src\n',
      'src/main.py': 'print(1)\n',
    });
    const r = await run(['run', '-f', 'job.yaml', '--detach'], dir);
    expect(r.code).toBe(0);
    expect(emu.journal.all().some((e) => e.service === 'oss' && e.action === 'PutObject' && e.signature.ok)).toBe(true);
    expect(r.modules.filter((m) => installed.test(m))).toEqual([]);
    // job.yaml was parsed by yaml from its own bundle (dist/bundle/yaml.cjs), not from node_modules.
    expect(r.modules.filter((m) => /node_modules[\\/]yaml[\\/]/.test(m))).toEqual([]);
    expect(r.files.some((f) => f.endsWith('yaml.cjs'))).toBe(true);
  });
});

// bin/load-bundle.cjs hands the bundles a stand-in for modules they require at their top, required on first use
// (bin/lazy-module.cjs): a command that starts no process does not compile child_process, one that finds no job
// config does not load yaml's bundle, and one that does gets the module as before.
describe('the built CLI requires child_process only to start a process, zlib only to inflate, yaml only to parse', () => {
  it('status: not loaded', async () => {
    const job = emu.jobs.create({ TrainingJobName: 'no-child-process', WorkspaceId: emu.workspaceId }, { script: [] });
    const r = await run(['status', job.id], tempDir('cwd-'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.builtins).toContain('NativeModule net'); // the probe sees the built-ins the CLI loaded
    expect(r.builtins.filter((m) => /child_process|dgram|zlib/.test(m))).toEqual([]); // zlib: httpx inflates only a compressed answer
    expect(r.files.some((f) => f.endsWith('alicloud.cjs'))).toBe(true); // the probe sees the bundles read
    expect(r.files.filter((f) => /yaml\.cjs/.test(f))).toEqual([]);
  });

  it('an aliyun CLI profile of mode External: the credentials library runs its process (execFile) and signs with the keys it printed', async () => {
    const env = emu.env();
    const home = tempDir('home-');
    const script = join(home, 'credential-process.sh');
    const keys = { mode: 'AK', access_key_id: env['ALIBABA_CLOUD_ACCESS_KEY_ID'], access_key_secret: env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] };
    writeFileSync(script, `#!/bin/sh\necho '${JSON.stringify(keys)}'\n`);
    chmodSync(script, 0o755);
    mkdirSync(join(home, '.aliyun'));
    writeFileSync(
      join(home, '.aliyun', 'config.json'),
      JSON.stringify({ current: 'ext', profiles: [{ name: 'ext', mode: 'External', process_command: script }] }),
    );
    const job = emu.jobs.create({ TrainingJobName: 'external-credentials', WorkspaceId: emu.workspaceId }, { script: [] });
    const seq = emu.journal.all().at(-1)?.seq ?? 0;
    const r = await run(['status', job.id], tempDir('cwd-'), { HOME: home, ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sent = emu.journal.all().filter((e) => e.seq > seq && e.action === 'GetTrainingJob');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((e) => e.signature.ok)).toBe(true);
    expect(r.builtins).toContain('NativeModule child_process');
  });
});
