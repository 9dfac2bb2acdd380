// The log-loop attacks of issue 14: a ListTrainingJobLogs that ignores PageNumber, serves more lines than asked,
// or says a TotalCount far ahead of its lines once made the follow loop without end (645,000 lines in 8 s, past
// --timeout, the first Ctrl-C ignored). Through the CLI against the emulator's broken-server options
// (test/emulator/README.md, "Service behaviours that are options"): each run ends with its documented exit code
// (docs/exit-codes.md), prints no line twice, makes a counted number of calls, and --timeout and the first Ctrl-C
// end it while the broken pages are being read. The protections are in src/core/follow/log-stream.ts.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions, type ScriptStep } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli, tempDir } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/spawn-cli.js';

const LINES = Array.from({ length: 250 }, (_, i) => `line ${i}\n`);
/** Running with every line at once, then running on (a follow would go on reading for ever if nothing ended it). */
const RUNNING_WITH: (lines: string[]) => ScriptStep[] = (lines) => [{ at: 0, status: 'Running', instances: ['worker-0'], logs: lines }];
/** Backoffs so long that only --timeout or Ctrl-C can end the run soon. */
const SLOW_RETRY = { baseDelayMs: 60_000, maxDelayMs: 60_000, maxTotalMs: 600_000 };

function attack(options: EmulatorOptions) {
  const t: { emu: Emulator; n: number } = { emu: undefined as unknown as Emulator, n: 0 };
  beforeAll(async () => {
    t.emu = await startEmulator(options);
  });
  afterAll(async () => t.emu?.close());
  return t;
}

/** A project whose jobs are named `name_...`, with this script. */
function projectFor(emu: Emulator, name: string, steps: ScriptStep[]): string {
  emu.jobs.script(steps, { name: new RegExp(`^${name}_`) });
  return project({
    'job.yaml': `image_uri: x\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\nbase_job_name: ${name}\n`,
    'main.py': `print("${name}")\n`,
  });
}

/**
 * ListTrainingJobLogs calls for the job named `name_...`. Counted per job: a run that ended on --timeout leaves
 * its last read retrying inside this test process (a real CLI process exits), and those calls are not this run's.
 */
function logCallsOf(emu: Emulator, name: string): number {
  const job = emu.jobs.all().find((j) => j.name.startsWith(`${name}_`));
  return job ? emu.journal.filter((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(`/trainingjobs/${job.id}/`)).length : 0;
}

async function run(emu: Emulator, name: string, steps: ScriptStep[], args: string[] = [], retry: object = FAST_RETRY) {
  const dir = projectFor(emu, name, steps);
  const r = await runCli(['run', '-f', 'job.yaml', ...args], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry } });
  return { ...r, logCalls: logCallsOf(emu, name) };
}

/** No line printed twice (every line of the job is distinct). */
function expectNoRepeats(stdout: string) {
  const lines = stdout.split('\n').filter(Boolean);
  expect(new Set(lines).size, 'a line was printed twice').toBe(lines.length);
}

/**
 * The built CLI in its own process; `interruptWhen` decides from its stdout so far or the emulator's journal when
 * to send the one SIGINT. Resolves with how it ended and the ListTrainingJobLogs calls made after the signal.
 */
function spawnRun(emu: Emulator, name: string, dir: string, interruptWhen: (stdout: string, logCalls: number) => boolean) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; callsAfter: number }>((resolve) => {
    const child = spawn(process.execPath, [`${ROOT}bin/pai-process.cjs`, 'run', '-f', 'job.yaml'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', CI: 'true', ...emu.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let logCalls = 0;
    let signalledAt: number | undefined;
    const check = () => {
      if (signalledAt === undefined && interruptWhen(stdout, logCalls)) {
        signalledAt = logCalls;
        child.kill('SIGINT');
      }
    };
    const unsubscribe = emu.journal.onEntry((e) => {
      if (e.action !== 'ListTrainingJobLogs') return;
      logCalls = logCallsOf(emu, name);
      check();
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      unsubscribe();
      resolve({ code, stdout, stderr, callsAfter: logCalls - (signalledAt ?? logCalls) });
    });
  });
}

describe('a server that ignores PageNumber (logIgnorePageNumber)', () => {
  const t = attack({ logIgnorePageNumber: true });

  it('run: exit 5 saying so, the first page printed once, page 1 then 5 attempts at page 2', async () => {
    const r = await run(t.emu, 'ignorepage', RUNNING_WITH(LINES));
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('the service ignores PageNumber');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe(LINES.slice(0, 100).join(''));
    // The first page, then page 2 (served as page 1 again) tried 5 times: the retry policy's attempts.
    expect(r.logCalls).toBe(6);
  });

  it('run on a job whose lines are all alike: ends with exit 5, never more lines than the job has', async () => {
    // A repeat of a page of identical lines cannot be told from new identical lines by their text; TotalCount
    // (250) tells: a third full page would be lines 200-299 of 250.
    const same = Array.from({ length: 250 }, () => 'tick\n');
    const r = await run(t.emu, 'ignorepagesame', RUNNING_WITH(same));
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('the service ignores PageNumber');
    expect(r.stdout.split('\n').filter(Boolean).length).toBeLessThanOrEqual(250);
    // Pages 1 and 2, then 5 attempts at page 3.
    expect(r.logCalls).toBe(7);
  });

  it('run --timeout 1s: exit 6 while the broken page is being retried', async () => {
    const r = await run(t.emu, 'ignorepagetimeout', RUNNING_WITH(LINES), ['--timeout', '1s'], SLOW_RETRY);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout).toBe(LINES.slice(0, 100).join(''));
    // The first page and one attempt at page 2; the retry's 60 s backoff was cut by the timeout.
    expect(r.logCalls).toBe(2);
  });

  it('the built CLI honours the first Ctrl-C once the first lines are out: exit 130, nothing printed twice', async () => {
    const dir = projectFor(t.emu, 'ignorepagesigint', RUNNING_WITH(LINES));
    const r = await spawnRun(t.emu, 'ignorepagesigint', dir, (stdout) => stdout.includes('line 99\n'));
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toBe(LINES.slice(0, 100).join(''));
    expect(r.stderr).toMatch(/pai-process logs ignorepagesigint_\S+ --follow|logs --follow|pai-process logs/);
    // At most the one read that was under way when the signal came.
    expect(r.callsAfter).toBeLessThanOrEqual(1);
  });
});

describe('a server whose pages hold more lines than asked (logOverServe)', () => {
  const t = attack({ logOverServe: 3 });

  it('run: exit 5 naming the page, nothing printed, 5 attempts at page 1', async () => {
    const r = await run(t.emu, 'overserve', RUNNING_WITH(LINES));
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('ListTrainingJobLogs answered 103 lines for PageSize 100');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(r.logCalls).toBe(5);
  });

  it('run --timeout 1s: exit 6 while the oversized page is being retried', async () => {
    const r = await run(t.emu, 'overservetimeout', RUNNING_WITH(LINES), ['--timeout', '1s'], SLOW_RETRY);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.logCalls).toBe(1);
  });

  it('the built CLI honours the first Ctrl-C after the first oversized page: exit 130', async () => {
    const dir = projectFor(t.emu, 'overservesigint', RUNNING_WITH(LINES));
    // Nothing is printed in this attack: the signal goes once the first oversized page was answered.
    const r = await spawnRun(t.emu, 'overservesigint', dir, (_stdout, calls) => calls >= 1);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.callsAfter).toBeLessThanOrEqual(1);
  });
});

describe('a TotalCount far ahead of the lines served (logTotalCountAhead)', () => {
  const t = attack({ logTotalCountAhead: 1_000_000 });

  it('run: exit 0, every line once, a bounded number of reads (no loop over empty pages)', async () => {
    const r = await run(t.emu, 'totalahead', [...RUNNING_WITH(LINES), { at: 300, status: 'Succeed' }]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(LINES.join(''));
    // 3 pages for the lines, one probe, then one read per idle interval (40 ms) while the job runs its 300 ms,
    // and the drain: tens of calls, not a loop towards a million.
    expect(r.logCalls).toBeLessThanOrEqual(30);
  });

  it('run --timeout 1s on a job that keeps running: exit 6, every line once', async () => {
    const r = await run(t.emu, 'totalaheadtimeout', RUNNING_WITH(LINES), ['--timeout', '1s']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout).toBe(LINES.join(''));
    expectNoRepeats(r.stdout);
  });

  it('logs JOB of a finished job: every line once, exactly 5 reads', async () => {
    const job = t.emu.jobs.create(
      { TrainingJobName: 'ahead-snapshot_1', WorkspaceId: t.emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
      { script: [...RUNNING_WITH(LINES), { at: 0, status: 'Succeed' }] },
    );
    const r = await runCli(['logs', job.id], { env: t.emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(LINES.join(''));
    // Pages 1 and 2 at 100; page 3 short (50, TotalCount saying more: taken for a cap of 50, nothing printed from
    // it); then page 5 at 50 (lines 200-249, full) and page 6 at 50 (empty): the end.
    expect(logCallsOf(t.emu, 'ahead-snapshot')).toBe(5);
  });
});
