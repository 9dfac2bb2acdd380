import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { ROOT } from '../helpers/spawn-cli.js';
import { FAST_CADENCE, project, runCli, tempDir } from '../helpers/run-cli.js';

/**
 * A job, a service answer or a file name that tries to drive the terminal: the clipboard (OSC 52), the window
 * title (OSC 0), a hyperlink (OSC 8), a clear screen, a carriage-return overwrite, the one-byte C1 CSI and a
 * colour of its own. None of it may reach the screen as a control; the tool's own colours still do.
 */
const ESC = '\u001b';
const OSC52 = `${ESC}]52;c;cGF5bG9hZA==\u0007`;
const OSC0 = `${ESC}]0;pwned title\u0007`;
const OSC8 = `${ESC}]8;;https://evil.example/${ESC}\\click me${ESC}]8;;${ESC}\\`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const LINES = [
  `clipboard ${OSC52}`,
  `title ${OSC0}`,
  `link ${OSC8}`,
  `clear ${CLEAR}screen`,
  'loss: 9.99\rloss: 0.01 (overwritten)',
  '\u009b31mred through the C1 CSI',
  `${ESC}[1;31mthe job's own colour`,
];
const REASON = `${OSC0}${CLEAR}it failed\rall good ${OSC52}`;
const STATUS = `Queuing${OSC0}`;
const NAME = `evil${OSC0}${CLEAR}name\u009b2J`;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
  emu.jobs.script(
    [
      { at: 0, status: STATUS },
      { at: 300, status: 'Running', instances: ['worker-0'] },
      { at: 350, logs: LINES.map((l) => l + '\n') },
      { at: 900, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: REASON },
    ],
    { name: /^inject_/ },
  );
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\nbase_job_name: inject\n';

/** The built CLI in a pseudo-terminal (util-linux `script`): what the screen is sent, stdout and stderr merged. */
function onTerminal(args: string[], cwd: string): Promise<{ code: number | null; screen: string }> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), TERM: 'xterm-256color', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ...emu.env() };
  const command = [process.execPath, `${ROOT}bin/pai-process.cjs`, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, detached: true });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}

/** What an attacker's bytes must never be on a screen: an OSC, a clear, a C1 CSI, their own colour, a bare CR. */
function expectNoServiceControls(screen: string): void {
  expect(screen).not.toContain(`${ESC}]`);
  expect(screen).not.toContain(`${ESC}[2J`);
  expect(screen).not.toContain(`${ESC}[H`);
  expect(screen).not.toContain('\u009b');
  expect(screen).not.toContain('\u0007');
  expect(screen).not.toContain(`${ESC}[1;31m`);
  // A pseudo-terminal turns every "\n" into "\r\n"; any other CR came from outside.
  expect(screen.replace(/\r\n/g, '\n')).not.toContain('\r');
}

describe('the service and the job cannot drive the terminal', () => {
  it('OSC 52, OSC 0, OSC 8, a clear screen, a CR overwrite and a C1 CSI in log lines, a status and a reason are shown, not obeyed', async () => {
    const r = await onTerminal(['run', '-f', 'job.yaml'], project({ 'job.yaml': JOB, 'main.py': '' }));
    expect(r.code).toBe(1);
    expectNoServiceControls(r.screen);
    // Made visible: each control as its Control Picture, a C1 control as \xHH.
    expect(r.screen).toContain('clipboard ␛]52;c;cGF5bG9hZA==␇');
    expect(r.screen).toContain('title ␛]0;pwned title␇');
    expect(r.screen).toContain('link ␛]8;;https://evil.example/␛\\click me␛]8;;␛\\');
    expect(r.screen).toContain('clear ␛[2J␛[Hscreen');
    expect(r.screen).toContain('loss: 9.99␍loss: 0.01 (overwritten)');
    expect(r.screen).toContain('\\x9b31mred through the C1 CSI');
    expect(r.screen).toContain("␛[1;31mthe job's own colour");
    expect(r.screen).toContain('Queuing␛]0;pwned title␇');
    expect(r.screen).toContain('JobFailed: ␛]0;pwned title␇␛[2J␛[Hit failed␍all good ␛]52;c;cGF5bG9hZA==␇');
    // The tool's own colours are untouched: the red cross of a failed job, a dimmed duration.
    expect(r.screen).toContain(`${ESC}[31m✖`);
    expect(r.screen).toMatch(/\u001b\[2m\(\d+s in /);
  });

  it('a job name with escapes is shown, not obeyed, by status and list', async () => {
    const job = emu.jobs.create({ TrainingJobName: NAME, WorkspaceId: emu.workspaceId }, { script: [{ at: 0, status: 'Running', reasonMessage: REASON }] });
    const dir = tempDir('cwd-');
    const status = await onTerminal(['status', job.id], dir);
    expect(status.code).toBe(0);
    expectNoServiceControls(status.screen);
    expect(status.screen).toContain('evil␛]0;pwned title␇␛[2J␛[Hname\\x9b2J');
    expect(status.screen).toContain(`${ESC}[36mRunning`); // the tool's colour of the status
    const list = await onTerminal(['list'], dir);
    expect(list.code).toBe(0);
    expectNoServiceControls(list.screen);
    expect(list.screen).toContain('evil␛]0;pwned title␇␛[2J␛[Hname\\x9b2J');
  });

  it('--json gives every value exactly as the service sent it, as JSON.stringify writes it', async () => {
    const dir = project({ 'job.yaml': JOB, 'main.py': '' });
    const r = await runCli(['run', '-f', 'job.yaml', '--json'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE } });
    expect(r.code).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e['event'] === 'log').map((e) => e['line'])).toEqual(LINES);
    const result = events.find((e) => e['event'] === 'result')!;
    expect(result['reasonMessage']).toBe(REASON);
    // Byte for byte: JSON.stringify's own escaping, nothing replaced (C1 and DEL are not JSON's to escape).
    for (const line of LINES) expect(r.stdout).toContain(`"line":${JSON.stringify(line)}`);
    expect(r.stdout).toContain(`"reasonMessage":${JSON.stringify(REASON)}`);
    expect(r.stdout).toContain(`"previous":${JSON.stringify(STATUS)}`);

    const id = events.find((e) => e['event'] === 'submitted')!['jobId'] as string;
    const status = await runCli(['status', id, '--json'], { env: emu.env() });
    expect(status.stdout).toBe(JSON.stringify(JSON.parse(status.stdout)) + '\n');
    expect(status.stdout).toContain(`"reasonMessage":${JSON.stringify(REASON)}`);
  });

  it("logs --raw prints the job's lines byte for byte; without it they are made visible", async () => {
    const dir = project({ 'job.yaml': JOB, 'main.py': '' });
    const run = await runCli(['run', '-f', 'job.yaml', '--detach', '--json'], { cwd: dir, env: emu.env() });
    const id = (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { jobId: string }).jobId;
    const raw = await runCli(['logs', id, '--follow', '--raw'], { env: emu.env(), context: { cadence: FAST_CADENCE } });
    expect(raw.code).toBe(1);
    expect(raw.stdout).toBe(LINES.map((l) => l + '\n').join(''));
    const shown = await runCli(['logs', id], { env: emu.env() });
    expect(shown.stdout).not.toContain(ESC);
    expect(shown.stdout).toContain('loss: 9.99␍loss: 0.01 (overwritten)');
    // run --raw too, where the job's logs are printed.
    const runRaw = await runCli(['run', '-f', 'job.yaml', '--raw'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE } });
    expect(runRaw.stdout).toBe(LINES.map((l) => l + '\n').join(''));
    // Only the job's lines: the reason, from the service, is still made visible.
    expect(runRaw.stderr).not.toContain(ESC);
    expect(runRaw.stderr).toContain('it failed␍all good');
  });

  it('a file name with an escape in the code folder is made visible by run --dry-run --verbose', async () => {
    const dir = project({ 'job.yaml': JOB, 'main.py': '' });
    writeFileSync(join(dir, `evil${OSC0}${CLEAR}.py`), 'print(1)\n');
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--verbose'], { cwd: dir, env: emu.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('evil␛]0;pwned title␇␛[2J␛[H.py');
    expect(r.stdout).not.toContain(ESC);
    expect(r.stderr).not.toContain(ESC);
  });
});
