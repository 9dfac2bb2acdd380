// The standalone emulator as README.md starts it: `npm run -s emulator -- --execute --write-env-file emu.env`. Its
// stdout holds the export lines only (no npm banner), the file holds the same lines, readable by this user only,
// and a shell that sources it runs the quickstart against it, for real (--execute): the job's own output.
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/spawn-cli.js';

function sh(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run -s emulator -- --execute --write-env-file FILE', () => {
  it('writes the export lines to FILE (0600) and stdout without a banner; sourced, the quickstart runs for real', async () => {
    const envFile = join(tempDir('emu-env-'), 'emu.env');
    // Its own process group: npm does not pass a signal on to its child, so the group is signalled at the end.
    const child = spawn('npm', ['run', '-s', 'emulator', '--', '--execute', '--write-env-file', envFile], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('export ALIBABA_CLOUD_ACCESS_KEY_SECRET=')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`emulator exited early with ${String(code)}: ${stderr}`)));
      });
      const lines = stdout.split('\n').filter(Boolean);
      expect(
        lines.every((l) => l.startsWith('export ')),
        stdout,
      ).toBe(true);
      // The file was in place before the lines were printed, whole.
      expect(readFileSync(envFile, 'utf8')).toBe(`${lines.join('\n')}\n`);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      expect(stderr).not.toContain('canned');

      const project = join(tempDir('emu-quickstart-'), 'quickstart');
      cpSync(join(ROOT, 'examples', 'quickstart'), project, { recursive: true, filter: (src) => !/[/\\](model|\.pai-process)$/.test(src) });
      const home = tempDir('home-');
      const r = await sh(`. '${envFile}' && node '${ROOT}bin/pai-process.cjs' run -f job.yaml --output model=oss://pai-emulator-bucket/quickstart/`, project, {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
        CI: 'true',
      });
      expect(r.code, r.stderr).toBe(0);
      // train.py's own lines: the code ran, not a canned script.
      expect(r.stdout).toMatch(/read \d+ rows; training for 200 epochs at learning rate 0\.05/);
      expect(r.stdout).toContain('model: y = ');
    } finally {
      // The group may be gone already (the emulator exited early): the error above is the one to see.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }, 120_000);

  it('without --execute says on stderr that jobs play canned logs', async () => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'emulator', 'cli.ts'), '--quiet'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('--execute runs them for real')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${stderr}`)));
    });
    expect(stderr).toContain('jobs play a canned script (statuses and log lines), whatever their code does');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
