// The built CLI against what a terminal or a pipeline does to it: the terminal closes (SIGHUP), the reader of
// its output goes away (EPIPE). Neither may leave a local job's workers running or print a stack trace.
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { ROOT } from '../helpers/spawn-cli.js';
import { project, tempDir } from '../helpers/run-cli.js';
import { alive, jobYaml, waitFor } from '../local/support.js';

const BIN = `${ROOT}bin/pai-process.cjs`;

function start(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function ended(child: ReturnType<typeof start>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** As `cmd | true`: the reader is gone before the CLI writes. What the CLI then said on stderr, and its exit code. */
async function withStdoutClosed(child: ReturnType<typeof start>): Promise<{ code: number | null; stderr: string }> {
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const { code } = await ended(child);
  return { code, stderr };
}

function pids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('the built CLI and a closed terminal', () => {
  it('SIGHUP to `run --local` stops every worker and its children, and exits 130', async () => {
    const file = join(tempDir('pids-'), 'pids');
    const dir = project({
      'job.yaml': jobYaml({ instance_count: 2, command: 'sleep 300 & echo "$! $$" >> "$PIDFILE"; echo started; wait', environments: { PIDFILE: file } }),
    });
    const child = start(['run', '-f', 'job.yaml', '--local'], dir);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const done = ended(child);
    const started = await waitFor(() => (pids(file).length === 4 ? pids(file) : undefined), 20_000, 'both workers to start');
    expect(started.every(alive)).toBe(true);
    child.kill('SIGHUP');
    const { code } = await done;
    expect(code).toBe(130);
    expect(started.filter(alive)).toEqual([]);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the built CLI and a reader that stops reading', () => {
  // As `schema | true`: the reader is gone before the CLI writes (a pipe closed after a first chunk may
  // already hold the whole schema, and then no write fails).
  it.each([['schema'], ['completion', 'bash'], ['--help']])('`%s` into a pipe already closed: exit 0, nothing on stderr', async (...args) => {
    const child = start(args, tempDir('cwd-'));
    const { code, stderr } = await withStdoutClosed(child);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a closed stderr loses only the messages: `validate` of a missing file still exits 2', async () => {
    const child = start(['validate', '-f', 'missing.yaml'], tempDir('cwd-'));
    child.stderr.destroy();
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const { code } = await ended(child);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('`run --local` whose output reader goes away: exit 0, no stack trace, and its workers are gone', async () => {
    const file = join(tempDir('pids-'), 'pids');
    // The job writes a line, records its pids, then keeps writing: the CLI's next write meets the closed pipe.
    const dir = project({
      'job.yaml': jobYaml({ command: 'sleep 300 & echo "$! $$" >> "$PIDFILE"; while true; do echo tick; sleep 0.05; done', environments: { PIDFILE: file } }),
    });
    const child = start(['run', '-f', 'job.yaml', '--local'], dir);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = ended(child);
    child.stdout.once('data', () => child.stdout.destroy());
    const started = await waitFor(() => (pids(file).length === 2 ? pids(file) : undefined), 20_000, 'the worker to start');
    const { code } = await done;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    await waitFor(() => (started.filter(alive).length === 0 ? true : undefined), 5_000, 'the workers to be gone');
  });
});

describe('the built CLI and a Docker worker, with a docker program that records what it is asked', () => {
  // No Docker engine here: `docker run` prints lines until killed, `docker kill` is written down.
  const FAKE_DOCKER = `#!/bin/sh
case "$1" in
  info) echo 27.0.0 ;;
  run) env > "$RECORD/run-env"; echo $$ > "$RECORD/run-pid"; while true; do echo tick; sleep 0.05; done ;;
  kill) echo "$2" >> "$RECORD/killed" ;;
esac
`;

  it('a closed stdout: exit 0, the container is killed on the way out, and the docker client never had the credentials', async () => {
    const bin = tempDir('fake-docker-');
    writeFileSync(join(bin, 'docker'), FAKE_DOCKER);
    chmodSync(join(bin, 'docker'), 0o755);
    const record = tempDir('record-');
    const dir = project({ 'job.yaml': jobYaml({ command: 'python train.py', base_job_name: 'boxed' }) });
    const child = start(['run', '-f', 'job.yaml', '--local', '--local-runtime', 'docker'], dir, {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      RECORD: record,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-docker-client',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'docker-client-secret-123',
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = ended(child);
    child.stdout.once('data', () => child.stdout.destroy());
    const { code } = await done;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(readFileSync(join(record, 'killed'), 'utf8')).toMatch(/^pai-process-boxed_\d{8}_\d{6}-worker-0\n$/);
    expect(alive(Number(readFileSync(join(record, 'run-pid'), 'utf8')))).toBe(false);
    const clientEnv = readFileSync(join(record, 'run-env'), 'utf8');
    expect(clientEnv).not.toContain('docker-client-secret-123');
    expect(clientEnv).not.toContain('LTAI-docker-client');
    expect(clientEnv).toContain('PAI_WORKING_DIR=/ml/usercode/');
  });
});

describe('the built CLI following a cloud job into a reader that stops reading', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => emu?.close());

  it('`run` whose output reader goes away: exit 0, no stack trace, the job keeps running (no StopTrainingJob)', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 50, logs: ['first\n'] },
        ...Array.from({ length: 40 }, (_, i) => ({ at: 100 + i * 50, logs: [`line ${i}\n`] })),
        { at: 60_000, status: 'Succeed' },
      ],
      { name: /^pipe_/ },
    );
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: "true"\ninstance_type: ecs.c6.large\nbase_job_name: pipe\n' });
    const child = start(['run', '-f', 'job.yaml'], dir, emu.env());
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = ended(child);
    child.stdout.once('data', () => child.stdout.destroy());
    const { code } = await done;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    const job = emu.jobs.all().find((j) => /^pipe_/.test(j.name));
    expect(job?.status).toBe('Running');
    expect(emu.journal.last('StopTrainingJob')).toBeUndefined();
  });

  it('`list --json` into a pipe already closed: exit 0, nothing on stderr', async () => {
    const child = start(['list', '--json'], tempDir('cwd-'), emu.env());
    const { code, stderr } = await withStdoutClosed(child);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('SIGHUP to a following `run`: exit 130, the job keeps running (as SIGTERM)', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 60_000, status: 'Succeed' },
      ],
      { name: /^hup_/ },
    );
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: "true"\ninstance_type: ecs.c6.large\nbase_job_name: hup\n' });
    const child = start(['run', '-f', 'job.yaml'], dir, emu.env());
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const done = ended(child);
    await waitFor(
      () => (emu.jobs.all().some((j) => /^hup_/.test(j.name)) && stderr.includes('Submitted') ? true : undefined),
      20_000,
      'the job to be submitted',
    );
    child.kill('SIGHUP');
    const { code, signal } = await done;
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(emu.jobs.all().find((j) => /^hup_/.test(j.name))?.status).toBe('Running');
  });
});

describe('the built CLI and a second Ctrl-C', () => {
  let emu: Emulator;
  beforeAll(async () => {
    // A stop that takes far longer than the test: the job stays Stopping while the CLI waits for it.
    emu = await startEmulator({ stopDelayMs: 600_000 });
  });
  afterAll(async () => emu?.close());

  it('`run --stop-on-interrupt`: the second SIGINT, during the wait for the stop, exits at once with 130', async () => {
    emu.jobs.script([{ at: 0, status: 'Running', instances: ['worker-0'] }], { name: /^twice_/ });
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: "true"\ninstance_type: ecs.c6.large\nbase_job_name: twice\n' });
    const child = start(['run', '-f', 'job.yaml', '--stop-on-interrupt'], dir, emu.env());
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const done = ended(child);
    const job = () => emu.jobs.all().find((j) => /^twice_/.test(j.name));
    // Each signal on an event (the CLI following the job, then its stop sent), never after a fixed sleep.
    await waitFor(
      () => (job() && emu.journal.all().some((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(job()!.id)) ? true : undefined),
      20_000,
      'the CLI to follow the job',
    );
    child.kill('SIGINT');
    await waitFor(() => (emu.journal.last('StopTrainingJob') ? true : undefined), 20_000, 'the stop to be sent');
    child.kill('SIGINT');
    // The CLI would wait up to 60 s for the stop: only the second signal ends it within the test's timeout.
    const { code, signal } = await done;
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(job()?.status).toBe('Stopping');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
