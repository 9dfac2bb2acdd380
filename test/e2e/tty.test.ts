import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, tempDir } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ESC = '\u001b[';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
  emu.jobs.script(
    [
      { at: 0, status: 'Queuing' },
      { at: 1500, status: 'Running', instances: ['worker-0'] },
      { at: 1600, logs: ['hello from the job\n'] },
      { at: 2600, status: 'Succeed' },
    ],
    { name: /^tty_/ },
  );
});
afterAll(async () => emu?.close());

/** Runs the built CLI, in a pseudo-terminal (through util-linux `script`) or with plain pipes. */
function cli(args: string[], tty: boolean): Promise<{ code: number | null; out: string; err: string }> {
  const dir = project({
    'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\nbase_job_name: tty\n',
    'main.py': '',
  });
  const env = { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), TERM: 'xterm-256color', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ...emu.env() };
  const command = [process.execPath, `${root}bin/pai-process.cjs`, ...args].map((a) => `'${a}'`).join(' ');
  // Its own process group, so a run that never ends is killed with everything `script` started under it.
  const child = tty
    ? spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env, detached: true })
    : spawn(process.execPath, [`${root}bin/pai-process.cjs`, ...args], { cwd: dir, env, detached: true });
  const guard = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 15_000);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, out, err });
    }),
  );
}

describe('what a terminal shows, and what a pipe gets', () => {
  it('on a terminal: colours, a spinner with the elapsed time, the job output, the summary', async () => {
    const r = await cli(['run', '-f', 'job.yaml'], true);
    expect(r.code).toBe(0);
    const screen = r.out; // a pty merges stdout and stderr
    expect(screen).toContain(`${ESC}32m✔`); // a green check
    // The spinner (a braille frame), naming the status and the time elapsed, dimmed.
    expect(screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏](\u001b\[\d+m)? (Queuing|Running) \u001b\[2m\d+s/);
    expect(screen).toContain('hello from the job');
    expect(screen).toMatch(/Job \S+ succeeded after/);
  });

  it('in a pipe: no colour, no cursor movement, plain timestamped lines; the job output alone on stdout', async () => {
    const r = await cli(['run', '-f', 'job.yaml'], false);
    expect(r.code).toBe(0);
    expect(r.out).toBe('hello from the job\n');
    expect(r.err).not.toContain(ESC);
    expect(r.err).toMatch(/^\d\d:\d\d:\d\d Status: Creating → Queuing/m);
    expect(r.err).toMatch(/^\d\d:\d\d:\d\d Status: Queuing → Running/m);
  });

  it('--no-color on a terminal: no colour codes', async () => {
    const r = await cli(['validate', '-f', 'job.yaml', '--no-color'], true);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(`${ESC}3`);
  });
});
