import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/events.js';
import type { Activity } from '../../src/ui/activity.js';
import { withGitHubActions } from '../../src/ui/github-actions.js';
import { createIO } from '../../src/ui/io.js';
import { humanReporter, ndjsonReporter, quietReporter, type Reporter } from '../../src/ui/run-reporter.js';
import { createStyle } from '../../src/ui/style.js';

// A local run's events (src/core/local/run-local.ts) carry no TrainingJob: each reporter renders them from their
// own fields, as it renders a cloud job's.

function capture() {
  const out = { stdout: '', stderr: '', notes: [] as string[] };
  const io = createIO({
    stdout: { write: (s: string) => ((out.stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((out.stderr += s), true), isTTY: false },
    env: {},
    colorFlag: false,
    verbose: false,
  });
  const activity: Activity = { update: () => {}, note: (l) => void out.notes.push(l), out: (l) => void (out.stdout += `${l}\n`), stop: () => {} };
  return { io, out, activity };
}

const localRun: RunEvent[] = [
  { type: 'warning', message: 'requirements.txt not installed' },
  { type: 'local-started', jobId: 'hello_1', runDir: '/runs/hello_1', runtime: 'docker', image: 'python:3.11' },
  { type: 'status', jobId: 'hello_1', status: 'Running', previous: null, detail: {} },
  { type: 'log', worker: 'worker-1', line: 'hi\u001b[2J' },
  {
    type: 'status',
    jobId: 'hello_1',
    status: 'Failed',
    previous: 'Running',
    detail: { reasonCode: 'WorkerFailed', reasonMessage: 'worker-1 exited with code 2' },
  },
  {
    type: 'result',
    jobId: 'hello_1',
    status: 'Failed',
    exitCode: 1,
    durationSeconds: 2,
    reasonCode: 'WorkerFailed',
    reasonMessage: 'worker-1 exited with code 2',
    url: null,
    outputs: [{ name: 'model', uri: '/out/model/' }],
    detail: { name: 'hello_1', durationMs: 2000 },
  },
];

const play = (reporter: Reporter, events: RunEvent[]) => {
  for (const e of events) reporter.emit(e);
  reporter.close();
};

describe('a local run through the reporters', () => {
  it('for a person: the first line, the statuses, the worker lines made visible, one summary', () => {
    const { io, out, activity } = capture();
    let clock = 0;
    play(
      humanReporter(io, activity, createStyle(false), () => (clock += 500)),
      localRun,
    );
    expect(out.stderr).toBe(
      '! requirements.txt not installed\nRunning hello_1 on this machine (in Docker, python:3.11) in /runs/hello_1. Ctrl-C stops it.\n' +
        '✖ Job hello_1 failed (Failed) after 2s\n  Reason   WorkerFailed: worker-1 exited with code 2\n  Output   model  /out/model/\n',
    );
    expect(out.notes[0]).toBe('Status: Running');
    expect(out.notes[1]).toMatch(/^Status: Running → Failed \(\d/);
    expect(out.stdout).toBe('[worker-1] hi␛[2J\n');
  });

  it('quietly: only the log lines', () => {
    const { io, out } = capture();
    play(quietReporter(io, 'logs'), localRun);
    expect(out.stdout).toBe('[worker-1] hi␛[2J\n');
    expect(out.stderr).toBe('! requirements.txt not installed\n');
  });

  it('for machines: the status, log and result records', () => {
    const { io, out } = capture();
    play(
      ndjsonReporter(io, () => new Date(0)),
      localRun,
    );
    expect(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event: string }).event),
    ).toEqual(['status', 'log', 'status', 'result']);
  });
});

describe('a local run stopped by Ctrl-C under GitHub Actions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pai-events-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const stopped: RunEvent = {
    type: 'local-interrupted',
    jobId: 'hello_1',
    status: 'Stopped',
    exitCode: 130,
    durationSeconds: 1,
    reasonCode: 'Interrupted',
    reasonMessage: 'Ctrl-C stopped the local job',
    url: null,
    outputs: [],
    detail: { name: 'hello_1', durationMs: 1000 },
  };

  it('says so to a person, and for machines it is a failed result: an annotation and a summary', () => {
    const human = capture();
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    play(
      withGitHubActions(
        humanReporter(human.io, human.activity, createStyle(false), () => 0),
        human.io,
        env,
        { wrapLogs: true },
      ),
      [stopped],
    );
    expect(human.out.stderr).toBe('■ Stopped hello_1 (Stopped).\n');

    const machine = capture();
    play(
      withGitHubActions(
        ndjsonReporter(machine.io, () => new Date(0)),
        machine.io,
        env,
        { wrapLogs: false },
      ),
      [stopped],
    );
    expect(machine.out.stderr).toBe('::error title=PAI job hello_1 Stopped::Interrupted: Ctrl-C stopped the local job\n');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('| Job | `hello_1` (`hello_1`) |');
  });
});
