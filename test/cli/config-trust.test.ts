import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, ftruncateSync, lchownSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, runCli, SESSION_ENV, tempDir } from '../helpers/run-cli.js';

/**
 * What config discovery reads and runs when the user names no file (docs/security.md, "What is read and run"):
 * each test plants what an attacker could and checks that it is not run, not used, or not used silently.
 */

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n';
const TRAP = 'http://127.0.0.1:9';
const asRoot = process.getuid?.() === 0;
const OTHER = 12345;

/** A JavaScript config that leaves a file behind if it is ever run. */
function plantedScript(marker: string, kind: 'js' | 'mjs'): string {
  const job = "{ image_uri: 'python:3.11', command: 'x', instance_type: 'ecs.c6.large' }";
  return kind === 'mjs'
    ? `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default ${job};\n`
    : `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = ${job};\n`;
}

type SessionDoc = Record<string, { value: string; origin: string } | null>;

async function configShow(cwd: string, env: Record<string, string> = SESSION_ENV, home?: string) {
  const r = await runCli(['config', 'show', '--json'], { cwd, env, ...(home ? { home } : {}) });
  return { ...r, doc: JSON.parse(r.stdout) as SessionDoc };
}

describe('a JavaScript config the user did not name is never run', () => {
  it.each(['js', 'mjs'] as const)('pai-process.config.%s planted in a parent folder is not run by validate, run, config show, status or list', async (kind) => {
    const marker = join(tempDir('marker-'), 'ran');
    const root = project({ '.git/HEAD': '', [`pai-process.config.${kind}`]: plantedScript(marker, kind), 'work/main.py': '' });
    const cwd = join(root, 'work');
    const runs = [['validate'], ['run', '--dry-run'], ['config', 'show'], ['status', 'dlc-x'], ['list']];
    for (const argv of runs) {
      const r = await runCli(argv, { cwd, env: SESSION_ENV });
      expect(existsSync(marker), `${argv.join(' ')} ran the planted config`).toBe(false);
      expect(r.stderr).toContain(`Found ../pai-process.config.${kind} and did not run it: a JavaScript config runs only when named with -f`);
    }
  });

  it('pai-process.config.mjs in the working folder is not run without -f; the warning says how to run it, and -f does', async () => {
    const marker = join(tempDir('marker-'), 'ran');
    const dir = project({ 'pai-process.config.mjs': plantedScript(marker, 'mjs') });
    const r = await runCli(['validate'], { cwd: dir });
    expect(existsSync(marker)).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No job config found');
    expect(r.stderr).toContain(
      'Found pai-process.config.mjs and did not run it: a JavaScript config runs only when named with -f, as in `pai-process run -f pai-process.config.mjs`',
    );
    // Named, it is the user's choice, and it runs: the marker shows the test would see a run.
    const named = await runCli(['validate', '-f', 'pai-process.config.mjs'], { cwd: dir });
    expect(named.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('a found JavaScript config does not hide a YAML config after it', async () => {
    const marker = join(tempDir('marker-'), 'ran');
    const dir = project({ 'pai-process.config.mjs': plantedScript(marker, 'mjs'), 'job.yaml': JOB });
    const r = await runCli(['validate', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { file: string }).file).toBe(join(dir, 'job.yaml'));
    expect(r.stderr).toContain('Found pai-process.config.mjs and did not run it');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('a session from a parent folder', () => {
  const planted = `session:\n  endpoint: ${TRAP}\n  oss_endpoint: ${TRAP}\n  oss_bucket_name: their-bucket\n`;

  it('.pai-processrc with session.endpoint in a parent folder outside any project is not used', async () => {
    const shared = project({ '.pai-processrc': planted, 'me/job/.keep': '' });
    const { code, doc, stderr } = await configShow(join(shared, 'me', 'job'), { ...SESSION_ENV, PAI_OSS_BUCKET_NAME: '' });
    expect(code).toBe(4); // no credentials: the session is still shown
    expect(doc['endpoint']).toEqual({ value: 'https://pai.cn-hangzhou.aliyuncs.com', origin: 'derived from region cn-hangzhou' });
    expect(doc['oss_endpoint']!.value).toBe('https://oss-cn-hangzhou.aliyuncs.com');
    expect(doc['oss_bucket_name']).toBeNull();
    expect(stderr).not.toContain(TRAP);
  });

  it('.pai-processrc above the home folder is not used, even inside a git repository', async () => {
    const base = project({ '.git/HEAD': '', '.pai-processrc': planted, 'home/proj/.keep': '' });
    const { doc } = await configShow(join(base, 'home', 'proj'), SESSION_ENV, join(base, 'home'));
    expect(doc['endpoint']!.value).toBe('https://pai.cn-hangzhou.aliyuncs.com');
  });

  it('inside the project, a session.endpoint it takes from a found file is named on stderr with the file, and shown in config show', async () => {
    const root = project({ '.git/HEAD': '', '.pai-processrc': `${JOB}${planted}`, 'sub/main.py': '' });
    const cwd = join(root, 'sub');
    const { doc, stdout, stderr } = await configShow(cwd, { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '1' });
    expect(doc['endpoint']).toEqual({ value: TRAP, origin: `${join(root, '.pai-processrc')} session.endpoint` });
    expect(doc['oss_bucket_name']).toEqual({ value: 'their-bucket', origin: `${join(root, '.pai-processrc')} session.oss_bucket_name` });
    expect(stderr).toContain('! session.endpoint, session.oss_endpoint, session.oss_bucket_name from ../.pai-processrc (a job config found by search');
    expect(stdout).not.toContain('from ../.pai-processrc');

    const dry = await runCli(['run', '--dry-run', '--json'], { cwd, env: { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '1' } });
    expect(dry.code).toBe(0);
    expect((JSON.parse(dry.stdout) as { job: { session: { endpoint: string } } }).job.session.endpoint).toBe(TRAP);
    expect(dry.stderr).toContain('session.endpoint, session.oss_endpoint, session.oss_bucket_name from ../.pai-processrc');

    const status = await runCli(['status', 'dlc-x'], { cwd, env: { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '1' } });
    expect(status.stderr).toContain('session.endpoint, session.oss_endpoint, session.oss_bucket_name from ../.pai-processrc');
  });

  it.runIf(asRoot)('a .git another user planted in a shared parent does not make it a project whose files are searched', async () => {
    const shared = project({ '.git/HEAD': '', '.pai-processrc': planted, 'me/job/.keep': '' });
    chownSync(join(shared, '.git'), OTHER, OTHER);
    const { doc } = await configShow(join(shared, 'me', 'job'), { ...SESSION_ENV, PAI_OSS_BUCKET_NAME: '' });
    expect(doc['endpoint']!.value).toBe('https://pai.cn-hangzhou.aliyuncs.com');
    expect(doc['oss_bucket_name']).toBeNull();
    const r = await runCli(['validate'], { cwd: join(shared, 'me', 'job') });
    expect(r.stderr).toContain(
      `looked in ${join(shared, 'me', 'job')} only: ${join(shared, '.git')} would mark a project's root, but it is owned by another user (uid ${OTHER})`,
    );
  });

  it('says nothing when the environment overrides the found value, or when -f names the file', async () => {
    const root = project({ '.git/HEAD': '', '.pai-processrc': `${JOB}session:\n  endpoint: ${TRAP}\n` });
    const overridden = await configShow(root, { ...SESSION_ENV, PAI_ENDPOINT: 'http://127.0.0.1:1' });
    expect(overridden.doc['endpoint']!.origin).toBe('env PAI_ENDPOINT');
    expect(overridden.stderr).not.toContain('session.endpoint from');
    const named = await runCli(['config', 'show', '--json', '-f', '.pai-processrc'], { cwd: root, env: SESSION_ENV });
    expect((JSON.parse(named.stdout) as SessionDoc)['endpoint']!.value).toBe(TRAP);
    expect(named.stderr).not.toContain('session.endpoint from');
  });
});

describe('a config someone else could have written is ignored, with a warning naming it', () => {
  it('a world-writable config in the working folder', async () => {
    const dir = project({ '.pai-processrc.yaml': `${JOB}session:\n  endpoint: ${TRAP}\n` });
    chmodSync(join(dir, '.pai-processrc.yaml'), 0o666);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No job config found');
    expect(r.stderr).toContain('Ignored .pai-processrc.yaml: anyone can write to it (it is world-writable)');
    const shown = await configShow(dir);
    expect(shown.doc['endpoint']!.value).toBe('https://pai.cn-hangzhou.aliyuncs.com');
    expect(shown.stderr).toContain('! Ignored .pai-processrc.yaml: anyone can write to it');
    // Flags alone still make a job; the passed-over file is still named.
    const flags = await runCli(['validate', '--image', 'python:3.11', '--command', 'x', '--instance-type', 't'], { cwd: dir });
    expect(flags.code).toBe(0);
    expect(flags.stderr).toContain('! Ignored .pai-processrc.yaml: anyone can write to it');
  });

  it.runIf(asRoot)('a config another user owns, in a parent folder of the project', async () => {
    const root = project({ '.git/HEAD': '', 'pai-process.config.yaml': `${JOB}session:\n  endpoint: ${TRAP}\n`, 'sub/.keep': '' });
    chownSync(join(root, 'pai-process.config.yaml'), OTHER, OTHER);
    const r = await runCli(['validate'], { cwd: join(root, 'sub') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Ignored ../pai-process.config.yaml: it is owned by another user (uid ${OTHER}), not by you (uid 0) or root`);
    const shown = await configShow(join(root, 'sub'));
    expect(shown.doc['endpoint']!.value).toBe('https://pai.cn-hangzhou.aliyuncs.com');
    // Named with -f, the user vouches for it.
    expect((await runCli(['validate', '-f', '../pai-process.config.yaml'], { cwd: join(root, 'sub') })).code).toBe(0);
  });

  it.runIf(asRoot)("a config writable by a group that is not the user's own; one writable by the user's own group is read", async () => {
    const dir = project({ 'job.yaml': JOB });
    chownSync(join(dir, 'job.yaml'), 0, OTHER);
    chmodSync(join(dir, 'job.yaml'), 0o664);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.stderr).toContain(`Ignored job.yaml: the members of group ${OTHER} can write to it (it is group-writable)`);
    chownSync(join(dir, 'job.yaml'), 0, process.getgid!());
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
  });

  it.runIf(asRoot)("a link another user planted to a file of the user's is not read, so none of its lines are printed", async () => {
    const secrets = project({ id_key: 'not: [a config\nPRIVATE-KEY-LINE-abc123\n' });
    const dir = project({ 'x.txt': '' });
    symlinkSync(join(secrets, 'id_key'), join(dir, '.pai-processrc'));
    lchownSync(join(dir, '.pai-processrc'), OTHER, OTHER);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Ignored .pai-processrc: it is a symbolic link and it is owned by another user');
    expect(r.stderr).not.toContain('PRIVATE-KEY-LINE');
  });

  it('a config that is a named pipe is passed over without waiting for a writer', async () => {
    const dir = project({ 'job.yaml': JOB });
    execFileSync('mkfifo', [join(dir, '.pai-processrc')]);
    const r = await runCli(['validate', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { file: string }).file).toBe(join(dir, 'job.yaml'));
    expect(r.stderr).toContain('Ignored .pai-processrc: it is not a regular file');
  });
});

describe('a found config is read with the same 1 MiB cap as -f', () => {
  /** A file of `bytes` that takes no disk space (a hole), as a planted or mistaken file could be. */
  function sparse(path: string, bytes: number): void {
    const fd = openSync(path, 'w');
    ftruncateSync(fd, bytes);
    closeSync(fd);
  }

  it.each([
    ['50 MiB', 50 * 1024 * 1024],
    // Past 2 GiB a whole-file read is refused by Node itself, so only a capped read gets as far as the size message.
    ['3 GiB', 3 * 1024 * 1024 * 1024],
  ])('a found %s .pai-processrc exits 2 naming the cap and that it was found by search', async (_label, bytes) => {
    const dir = project({ 'x.txt': '' });
    sparse(join(dir, '.pai-processrc'), bytes);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`✖ The job config ${join(dir, '.pai-processrc')} is larger than 1 MiB; a job config is at most 1 MiB\n`);
    expect(r.stderr).toContain('→ It was found by search as a job config: move or rename it, or name the right file with -f FILE.');
  });

  it('status names a found config that is too big in a warning and goes on with the rest of the session', async () => {
    const dir = project({ 'x.txt': '' });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, '.git'), 'gitdir: elsewhere\n');
    sparse(join(dir, 'pai-process.config.yaml'), 2 * 1024 * 1024);
    const r = await runCli(['status', 'dlc-x'], { cwd: join(dir, 'sub'), env: { PAI_WORKSPACE_ID: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("! The job config's session block was not used: The job config");
    expect(r.stderr).toContain('no region: pass --region');
  });
});
