// "Why is my job waiting?": the job's events while following (after a scaled 30 s of waiting, at most every
// scaled 10 s, never while logs flow, once at an end without a log line), the events command, and status.
// The cadence is scaled down (30 s → 300 ms, 10 s → 200 ms) through the CLI context, as the other follow tests
// scale theirs; the emulator runs its scripts in real time. The journal gives the calls and their times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { JournalEntry } from '../emulator/journal.js';
import { FAST_CADENCE, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const SCALED = { ...FAST_CADENCE, eventsAfterMs: 300, eventsIntervalMs: 200 };
const cli = (args: string[], cadence: Record<string, number> = SCALED) => runCli(args, { env: emu.env(), context: { cadence } });

function createJob(name: string, steps: Parameters<Emulator['jobs']['script']>[0]) {
  return emu.jobs.create(
    { TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'registry.example/ml/train:1', Command: ['true'] } },
    { script: steps },
  );
}

const calls = (id: string, action: string): JournalEntry[] => emu.journal.filter((e) => e.action === action && e.path.includes(id));
/**
 * At most one call per interval: n calls launched `interval` apart span (n - 1) × interval, less the first one's
 * way to the server, which a loaded machine can stretch; so the journal's span gets half an interval of slack.
 */
function expectSpaced(entries: JournalEntry[], interval: number): void {
  if (entries.length < 2) return;
  const span = entries.at(-1)!.time - entries[0]!.time;
  expect(entries.length - 1).toBeLessThanOrEqual(Math.floor((span + interval / 2) / interval));
}
const count = (text: string, needle: string | RegExp) =>
  text.split('\n').filter((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l))).length;

/**
 * A job in Queuing with a scheduling event, driven by what the follower asks (no timing assumed): at the 2nd
 * events read a quota event appears, at the 3rd the job starts Running with a line; then each read of lines
 * brings one more, an event comes while they flow, and after 6 the job succeeds.
 */
function waitingJob(name: string) {
  const job = createJob(name, [{ at: 0, status: 'Queuing', event: 'scheduling' }]);
  let eventReads = 0;
  let lineReads = 0;
  const off = emu.journal.onEntry((e) => {
    if (!e.path.includes(job.id)) return;
    if (e.action === 'ListTrainingJobEvents') {
      eventReads++;
      if (eventReads === 2) emu.jobs.push(job.id, { event: 'insufficient-quota' });
      if (eventReads === 3) emu.jobs.push(job.id, { status: 'Running', instances: ['worker-0'], logs: ['line 0\n'] });
    }
    if (e.action === 'ListTrainingJobLogs' && e.status === 200 && lineReads < 6) {
      lineReads++;
      emu.jobs.push(job.id, { logs: [`line ${lineReads}\n`] });
      if (lineReads === 2) emu.jobs.push(job.id, { event: { type: 'Normal', reason: 'Started', message: 'container started while logs flow' } });
      if (lineReads === 6) {
        emu.jobs.push(job.id, { status: 'Succeed' });
        off();
      }
    }
  });
  return job;
}

describe('events while following', () => {
  it('a job in Queuing past the threshold shows each event once on stderr, marked, within the budget, and none while logs flow', async () => {
    const job = waitingJob('events-wait');
    const r = await cli(['logs', job.id, '--follow']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(Array.from({ length: 7 }, (_, i) => `line ${i}\n`).join(''));
    expect(count(r.stderr, /event {2}\S+Z Warning FailedScheduling: 0\/8 nodes are available/)).toBe(1);
    expect(count(r.stderr, /event {2}\S+Z Warning InsufficientQuota: /)).toBe(1);
    expect(count(r.stderr, `event  `)).toBeGreaterThanOrEqual(3); // with the service's own "status changed" events
    expect(r.stderr).not.toContain('container started while logs flow');
    // Events never reach stdout, the job's log.
    expect(r.stdout).not.toContain('event');

    const events = calls(job.id, 'ListTrainingJobEvents');
    const firstLines = calls(job.id, 'ListTrainingJobLogs').find((e) => e.status === 200)!;
    expect(events.length).toBeGreaterThanOrEqual(2);
    // Not before the job has waited the (scaled) 30 s.
    expect(events[0]!.time - job.createdAt).toBeGreaterThanOrEqual(300);
    // At most one call per (scaled) 10 s.
    expectSpaced(events, 200);
    // None once lines flow (Running is not a waiting status, and the log had lines: no read at the end either).
    expect(events.every((e) => e.time < firstLines.time)).toBe(true);
  });

  it('--json: each event once as an `event` record, beside the log and status records', async () => {
    const job = waitingJob('events-json');
    const r = await cli(['logs', job.id, '--follow', '--json']);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = records.filter((x) => x['event'] === 'event');
    expect(events.filter((x) => String(x['text']).includes('FailedScheduling'))).toHaveLength(1);
    expect(events.filter((x) => String(x['text']).includes('InsufficientQuota'))).toHaveLength(1);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(['event', 'eventTime', 'jobId', 'text', 'time', 'v']);
      expect(Object.keys(e).slice(0, 3)).toEqual(['event', 'time', 'v']);
      expect(e['v']).toBe(1);
      expect(e['jobId']).toBe(job.id);
      expect(String(e['text']).startsWith(String(e['eventTime']))).toBe(true);
    }
    expect(records.filter((x) => x['event'] === 'log')).toHaveLength(7);
    expect(new Set(events.map((e) => e['text'])).size).toBe(events.length);
  });

  it('a job that never waits long enough and prints lines reads no events at all', async () => {
    const job = createJob('events-none', [
      { at: 0, status: 'Running', instances: ['worker-0'], logs: ['hi\n'] },
      { at: 50, event: 'scheduling' },
      { at: 150, status: 'Succeed' },
    ]);
    const r = await cli(['logs', job.id, '--follow']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi\n' });
    expect(r.stderr).not.toContain('event  ');
    expect(calls(job.id, 'ListTrainingJobEvents')).toHaveLength(0);
  });
});

describe('a job that fails on an image pull without a log line', () => {
  it('run shows the pull failure, marked as an event, before the summary, with one events call', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Queuing' },
        { at: 40, status: 'EnvPreparing' },
        { at: 80, event: 'image-pull-failure' },
        { at: 160, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'the job did not start' },
      ],
      { name: /^pullfail_/ },
    );
    const dir = project({
      'job.yaml': 'image_uri: registry.example/team/missing:v1\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n',
      'main.py': 'print(1)\n',
    });
    // The default events cadence (30 s): only the read at the end can show it.
    const r = await runCli(['run', '-f', 'job.yaml', '--name', 'pullfail'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const pull = r.stderr.indexOf('Warning ImagePullBackOff: Back-off pulling image "registry.example/team/missing:v1"');
    const summary = r.stderr.indexOf('✖ Job');
    expect(pull).toBeGreaterThan(-1);
    expect(summary).toBeGreaterThan(pull);
    expect(r.stderr.slice(0, pull)).toMatch(/event {2}\S+Z $/);
    expect(r.stderr.slice(summary)).toContain('Reason   JobFailed: the job did not start');
    const id = /Submitted (train\w+)/.exec(r.stderr)![1]!;
    expect(calls(id, 'ListTrainingJobEvents')).toHaveLength(1);
  });

  it('status --wait, which reads no logs, shows the events of the end once too', async () => {
    const job = createJob('events-wait-status', [
      { at: 0, status: 'EnvPreparing', event: 'image-pull-failure' },
      { at: 100, status: 'Failed', reasonCode: 'JobFailed' },
    ]);
    const r = await cli(['status', job.id, '--wait'], FAST_CADENCE);
    expect(r.code).toBe(1);
    expect(count(r.stderr, 'Warning ImagePullBackOff')).toBe(1);
    expect(r.stderr.indexOf('ImagePullBackOff')).toBeLessThan(r.stderr.indexOf('✖ Job'));
  });
});

describe('events JOB_ID', () => {
  it('prints every event on stdout, one a line; --json one record each; a job without events says so', async () => {
    const job = createJob('events-cmd', [{ at: 0, status: 'Queuing', event: ['scheduling', 'insufficient-quota'] }]);
    const r = await cli(['events', job.id]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual(emu.jobs.must(job.id).events.map((e) => e.text));
    expect(lines).toHaveLength(4);
    const j = await cli(['events', job.id, '--json']);
    const records = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((x) => x['text'])).toEqual(lines);
    expect(records.every((x) => x['event'] === 'event' && x['jobId'] === job.id)).toBe(true);
    const unknown = await cli(['events', 'trainnosuchjob01']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No training job trainnosuchjob01');
  });

  it("--follow prints new events as they come, each once, and exits with the job's exit code", async () => {
    const job = createJob('events-follow', [
      { at: 0, status: 'Queuing', event: 'scheduling' },
      { at: 150, event: 'insufficient-quota' },
      { at: 300, status: 'EnvPreparing', event: 'image-pull-failure' },
      { at: 450, status: 'Failed', reasonCode: 'JobFailed' },
    ]);
    const r = await cli(['events', job.id, '--follow']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual(emu.jobs.must(job.id).events.map((e) => e.text));
    expect(new Set(lines).size).toBe(lines.length);
    expect(r.stderr).toContain(`Job ${job.id} ended: Failed.`);
    expectSpaced(calls(job.id, 'ListTrainingJobEvents'), 200);
  });
});

describe('an events answer of the wrong shape', () => {
  it('events JOB exits 5 naming ListTrainingJobEvents, its request id and the field; a follow goes on without events', async () => {
    const job = createJob('events-malformed', [
      { at: 0, status: 'Queuing' },
      { at: 100, status: 'Failed', reasonCode: 'JobFailed' },
    ]);
    const body = JSON.stringify({ RequestId: 'REQ-EVENTS-1', Events: [{ Reason: 'Failed' }], TotalCount: '1' });
    const fault = emu.faults.add({
      action: 'ListTrainingJobEvents',
      times: Infinity,
      kind: 'html',
      status: 200,
      contentType: 'application/json;charset=utf-8',
      body,
    });
    try {
      const r = await cli(['events', job.id]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('unexpected answer from PAI (ListTrainingJobEvents, request id REQ-EVENTS-1): Events[0] is an object, not a string');
      const w = await cli(['status', job.id, '--wait'], FAST_CADENCE);
      expect(w.code).toBe(1);
      expect(w.stderr).toContain('Reason   JobFailed');
      expect(w.stderr).not.toContain('event  ');
    } finally {
      emu.faults.remove(fault);
    }
  });
});

describe('status', () => {
  it('shows the last 5 events, and --json has them', async () => {
    const job = createJob('events-status', [{ at: 0, status: 'Queuing', events: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'], event: 'scheduling' }]);
    const r = await cli(['status', job.id]);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s+event\s/.test(l));
    expect(rows).toHaveLength(5);
    expect(rows.map((l) => l.replace(/^\s+event\s+\S+Z /, ''))).toEqual([
      'e3',
      'e4',
      'e5',
      'e6',
      'Warning FailedScheduling: 0/8 nodes are available: 8 Insufficient cpu. The job ' + job.id + ' waits for resources to be released.',
    ]);
    const j = JSON.parse((await cli(['status', job.id, '--json'])).stdout) as { events: { time: string; text: string }[] };
    expect(j.events).toHaveLength(5);
    expect(j.events[0]!.text.endsWith(' e3')).toBe(true);
    expect(j.events[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('a refused events call leaves the events out with the reason, not the status', async () => {
    const job = createJob('events-refused', [{ at: 0, status: 'Queuing' }]);
    const fault = emu.faults.add({ action: 'ListTrainingJobEvents', kind: 'status', status: 403, code: 'Forbidden.RAM' });
    try {
      const r = await cli(['status', job.id]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/status\s+Queuing/);
      expect(r.stdout).toMatch(/event\s+\(not available: ListTrainingJobEvents was refused: Forbidden\.RAM/);
    } finally {
      emu.faults.remove(fault);
    }
  });
});
