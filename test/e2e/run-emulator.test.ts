import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, tempDir } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

/** The built CLI in a child process, as a user runs it, with only the environment given (never the developer's). */
function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${root}bin/pai-process.js`, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the built CLI against the emulator', () => {
  it('runs a job: packages, uploads, submits, streams its logs and exits 0', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Creating' },
        { at: 100, status: 'Running', instances: ['worker-0'] },
        { at: 150, logs: ['epoch 1 loss 0.5\n', 'epoch 2 loss 0.25\n'] },
        { at: 400, status: 'Succeed' },
      ],
      { name: /^e2e_/ },
    );
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: python train.py\ninstance_type: ecs.c6.large\nsource_dir: src\nbase_job_name: e2e\n', 'src/train.py': 'print("hi")\n' });
    const r = await cli(['run', '-f', 'job.yaml'], dir, emu.env());
    expect(r.stderr).toContain('Submitted');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('epoch 1 loss 0.5\nepoch 2 loss 0.25\n');
    expect(r.stderr).toMatch(/✔ Job \S+ succeeded/);
    const create = emu.journal.last('CreateTrainingJob');
    expect(create?.signature).toMatchObject({ algorithm: 'v2', ok: true });
  });

  it('a wrong secret is refused by the service: exit 4, the secret never printed', async () => {
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: "true"\ninstance_type: ecs.c6.large\n' });
    const r = await cli(['run', '-f', 'job.yaml', '--detach'], dir, { ...emu.env(), ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-right-secret' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('SignatureDoesNotMatch');
    expect(r.stderr + r.stdout).not.toContain('not-the-right-secret');
  });
});
