import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, project, runCli, SESSION_ENV } from '../helpers/run-cli.js';

// Small things users met in the output (issue 16): each through the CLI as a user runs it.

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

describe('help', () => {
  it('the root --help ends with the environment variables; docs/commands.md lists them per command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd()).toMatch(
      /\nEnvironment \(docs\/commands\.md lists what each command reads\):\n {2}session {6}PAI_REGION_ID, .*\n(?: {2}\S.*\n)*? {2}CI {11}CI, GITHUB_ACTIONS, GITHUB_STEP_SUMMARY$/,
    );
    const doc = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8');
    const section = (name: string) => doc.split(`## pai-process ${name}\n`)[1]!.split('\n## ')[0]!;
    expect(section('list')).toContain('- session (below flags, above the job config and ~/.pai/config.json): `PAI_REGION_ID`');
    expect(section('list')).toContain('`ALIBABA_CLOUD_ACCESS_KEY_ID`');
    expect(section('schema')).not.toContain('PAI_REGION_ID');
    expect(section('schema')).toContain('`NO_COLOR`');
    expect(section('validate')).toContain('${VAR} in the config');
  });

  it('`help config show` shows the help of config show, not of the group', async () => {
    const r = await runCli(['help', 'config', 'show']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pai-process config show/);
  });

  it('an unknown command points at the list of commands, not at help for the typo', async () => {
    const r = await runCli(['lsit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'lsit'");
    expect(r.stderr).toContain('→ Run `pai-process --help` to see the commands.');
    expect(r.stderr).not.toContain('pai-process lsit --help');
  });
});

describe('errors of commands that submit nothing', () => {
  it('validate and list do not say "nothing was submitted"; run does', async () => {
    const dir = project({ 'job.yaml': 'imag_uri: x\ncommand: python a.py\ninstance_type: ecs.c6.large\n' });
    const v = await runCli(['validate', '-f', 'job.yaml'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/^✖ job\.yaml has a problem\n/);
    const run = await runCli(['run', '-f', 'job.yaml', '--dry-run'], { cwd: dir });
    expect(run.stderr).toMatch(/^✖ job\.yaml has a problem; nothing was submitted\n/);
    const list = await runCli(['list'], { env: { PAI_REGION_ID: 'cn-hangzhou' } });
    expect(list.code).toBe(2);
    expect(list.stderr).not.toContain('nothing was submitted');
  });

  it('--profile nope with keys in the environment: the hint says leaving --profile out uses them', async () => {
    const env = { ...SESSION_ENV, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI0000000000000000', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-a-real-secret-000000' };
    const r = await runCli(['status', 'train123', '--profile', 'nope'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('No credentials profile "nope" found');
    expect(r.stderr).toContain(
      'or leave out --profile to use the ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET already set in the environment.',
    );
    expect(r.stderr).not.toMatch(/Export ALIBABA_CLOUD_ACCESS_KEY_ID/);
    expect(r.stderr).not.toContain('not-a-real-secret');
  });
});

describe('logs with no line yet', () => {
  it('says so on stderr, stdout stays empty', async () => {
    const job = emu.jobs.create(
      { TrainingJobName: 'quiet', WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
      { script: [{ at: 0, status: 'Queuing' }] },
    );
    const r = await runCli(['logs', job.id], { env: emu.env(), context: { cadence: FAST_CADENCE } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^No log lines yet for ${job.id}( \\(\\w+\\))?\\. Follow it with: pai-process logs ${job.id} --follow\\n$`));
  });
});

describe('--verbose on success', () => {
  it('names the credentials source and each call with its time', async () => {
    const job = emu.jobs.create(
      { TrainingJobName: 'verbose', WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
      { script: [{ at: 0, status: 'Succeed' }] },
    );
    const r = await runCli(['status', job.id, '--verbose'], { env: emu.env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^· credentials: \S.*\n· PAI getJob \d+ ms\n· PAI listEvents \d+ ms\n$/);
    const quiet = await runCli(['status', job.id], { env: emu.env() });
    expect(quiet.stderr).toBe('');
  });
});

describe('run output', () => {
  it('"1 file", and the code URI printed once', async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\n',
      'code/main.py': 'print("one")\n',
    });
    const r = await runCli(['run', '-f', 'job.yaml', '--detach'], { cwd: dir, env: emu.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Code: 1 file, 13 B → oss:\/\/\S+\/pai\/processing_src\/sha256-[0-9a-f]{64}\//);
    expect(r.stderr).not.toMatch(/\b1 files\b/);
    const uri = /→ (oss:\/\/\S+)/.exec(r.stderr)![1]!;
    expect(r.stderr.split(uri).length - 1).toBe(1);
    const dry = await runCli(['run', '-f', 'job.yaml', '--dry-run'], { cwd: dir, env: emu.env() });
    expect(dry.stderr).toMatch(/Code: 1 file, 13 B/);
    expect(dry.stdout).toMatch(/code: 1 file, 13 B/);
  });
});
