import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 2 });
});
afterAll(async () => emu?.close());

const cli = (args: string[], context = {}) => runCli(args, { env: emu.env(), context: { cadence: FAST_CADENCE, ...context } });

function createJob(name: string, steps: Parameters<Emulator['jobs']['script']>[0]) {
  return emu.jobs.create({ TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } }, { script: steps });
}

describe('logs', () => {
  it('prints every line there is, per worker and prefixed, and exits 0', async () => {
    const job = createJob('logs-1', [
      { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
      { at: 0, logs: { 'worker-0': ['a\n', 'b\n', 'c\n'], 'worker-1': ['x\n', 'y'] } },
    ]);
    const r = await cli(['logs', job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[worker-0] a\n[worker-0] b\n[worker-0] c\n[worker-1] x\n[worker-1] y\n');
    expect(r.stderr).toBe('');
  });

  it('--tail N starts at the last N lines; --worker keeps one worker, unprefixed', async () => {
    const job = createJob('logs-2', [
      { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
      { at: 0, logs: { 'worker-0': ['1\n', '2\n', '3\n', '4\n', '5\n'], 'worker-1': ['x\n'] } },
    ]);
    expect((await cli(['logs', job.id, '--tail', '2'])).stdout).toBe('[worker-0] 4\n[worker-0] 5\n[worker-1] x\n');
    expect((await cli(['logs', job.id, '--worker', 'worker-0', '--tail', '3'])).stdout).toBe('3\n4\n5\n');
    const bad = await cli(['logs', job.id, '--worker', 'worker-9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Its workers: worker-0, worker-1');
  });

  it("--follow prints lines as they come and exits with the job's result", async () => {
    const job = createJob('logs-3', [
      { at: 0, status: 'Running', instances: ['worker-0'] },
      { at: 0, logs: ['one\n'] },
      { at: 150, logs: ['two\n'] },
      { at: 250, status: 'Failed', reasonCode: 'OOM', reasonMessage: 'out of memory' },
    ]);
    const r = await cli(['logs', job.id, '--follow']);
    expect(r.stdout).toBe('one\ntwo\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Reason   OOM: out of memory');
  });

  it('before the job has an instance, prints nothing and exits 0', async () => {
    const job = createJob('logs-4', [{ at: 0, status: 'Queuing' }]);
    const r = await cli(['logs', job.id]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('status', () => {
  it('shows the job, and --json its documented fields', async () => {
    const job = createJob('status-1', [{ at: 0, status: 'Running', instances: ['worker-0'] }]);
    const r = await cli(['status', job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+Running/);
    expect(r.stdout).toMatch(/worker\s+worker-0/);
    const j = await cli(['status', job.id, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ id: job.id, name: 'status-1', status: 'Running', workers: [{ name: `${job.id}-worker-0` }] });
  });

  it("--wait exits with the job's exit code", async () => {
    const job = createJob('status-2', [
      { at: 0, status: 'Running' },
      { at: 100, status: 'Terminated' },
    ]);
    expect((await cli(['status', job.id, '--wait'])).code).toBe(3);
  });

  it("an unknown job is a usage error (exit 2) naming it, with the service's code", async () => {
    const r = await cli(['status', 'train-nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No training job train-nope in region cn-hangzhou (GetTrainingJob answered TRAINING_JOB_NOT_EXIST)');
  });
});

describe('stop', () => {
  it('refuses to prompt without a terminal, and stops with --yes', async () => {
    const job = createJob('stop-1', [{ at: 0, status: 'Running' }]);
    const asked = await cli(['stop', job.id]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain(`Pass --yes: pai-process stop ${job.id} --yes`);
    expect(emu.jobs.get(job.id)?.status).toBe('Running');
    const r = await cli(['stop', job.id, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Job ${job.id} is Stopped`);
  });

  it('asks on a terminal, and does nothing on "no"', async () => {
    const job = createJob('stop-2', [{ at: 0, status: 'Running' }]);
    const questions: string[] = [];
    const r = await runCli(['stop', job.id], { env: emu.env(), tty: true, context: { confirm: async (q: string) => (questions.push(q), false) } });
    expect(questions).toEqual([`Stop job ${job.id}?`]);
    expect(r.code).toBe(0);
    expect(emu.jobs.get(job.id)?.status).toBe('Running');
  });
});

describe('list', () => {
  it("lists the workspace's jobs, filtered by status and limited", async () => {
    // An emulator of its own, so that the listing holds these jobs and no others: exact lists, not arrayContaining.
    const own = await startEmulator();
    try {
      const make = (name: string, status: 'Running' | 'Succeed') =>
        own.jobs.create(
          { TrainingJobName: name, WorkspaceId: own.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } },
          { script: [{ at: 0, status }] },
        ).id;
      const running = [0, 1, 2].map((i) => make(`list-run-${i}`, 'Running'));
      const done = [make('list-done-0', 'Succeed'), make('list-done-1', 'Succeed')];
      const list = async (...args: string[]) => {
        const r = await runCli(['list', '--json', ...args], { env: own.env(), context: { cadence: FAST_CADENCE } });
        expect(r.code, r.stderr).toBe(0);
        return (JSON.parse(r.stdout) as { id: string }[]).map((j) => j.id);
      };
      expect((await list('--limit', '100')).sort()).toEqual([...running, ...done].sort());
      // Only --status filters here: a --status that did nothing would list all five.
      expect((await list('--status', 'Succeed')).sort()).toEqual([...done].sort());
      expect((await list('--status', 'Running')).sort()).toEqual([...running].sort());
      const two = await list('--limit', '2');
      expect(two).toHaveLength(2);
      expect(new Set(two).size).toBe(2);
      for (const id of two) expect([...running, ...done]).toContain(id);
      const table = await runCli(['list', '--name', 'list-done-0'], { env: own.env(), context: { cadence: FAST_CADENCE } });
      expect(table.stdout).toMatch(/ID\s+NAME\s+STATUS/);
      expect(table.stdout).toContain(done[0]);
      expect(table.stdout).not.toContain(done[1]);
    } finally {
      await own.close();
    }
  });
});

describe('status transitions', () => {
  it('lists the statuses the job went through', async () => {
    const job = createJob('status-3', [
      { at: 0, status: 'Creating' },
      { at: 0, status: 'Queuing' },
      { at: 0, status: 'Running', instances: ['worker-0'] },
    ]);
    const r = await cli(['status', job.id, '--json']);
    expect((JSON.parse(r.stdout) as { transitions: { status: string }[] }).transitions.map((t) => t.status)).toEqual(['Creating', 'Queuing', 'Running']);
    const text = await cli(['status', job.id]);
    expect(text.stdout).toMatch(/transition\s+Queuing/);
  });
});

// --- the service behaviours of docs/service.md sections 2 and 3, each switched on in its own emulator ---

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('condition not reached');
}

function withEmulator(options: Parameters<typeof startEmulator>[0]) {
  const box: { emu?: Emulator } = {};
  beforeAll(async () => {
    box.emu = await startEmulator(options);
  });
  afterAll(async () => box.emu?.close());
  return {
    get emu(): Emulator {
      return box.emu!;
    },
    cli(args: string[], context = {}) {
      return runCli(args, { env: box.emu!.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY, ...context } });
    },
    create(name: string, steps: Parameters<Emulator['jobs']['script']>[0], extra: Record<string, unknown> = {}) {
      return box.emu!.jobs.create(
        { TrainingJobName: name, WorkspaceId: box.emu!.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] }, ...extra },
        { script: steps },
      );
    },
  };
}

describe('a finished job whose instances are gone (emptyInstancesAfterEnd)', () => {
  const t = withEmulator({ emptyInstancesAfterEnd: true, maxLogPageSize: 50 });
  const twoWorkers = { ComputeResource: { EcsCount: 2, EcsSpec: 'ecs.c6.large' } };
  const lines = (w: string) => Array.from({ length: 70 }, (_, i) => `${w} ${i}\n`);

  it('`logs JOB` prints every line exactly once, from the unfiltered stream', async () => {
    const job = t.create(
      'gone',
      [
        { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
        { at: 1, logs: { 'worker-0': lines('a'), 'worker-1': lines('b') } },
        { at: 2, status: 'Succeed' },
      ],
      twoWorkers,
    );
    await until(() => t.emu.jobs.must(job.id).status === 'Succeed');
    const status = await t.cli(['status', job.id, '--json']);
    expect(JSON.parse(status.stdout).workers).toEqual([]);
    const from = t.emu.journal.count('ListTrainingJobLogs');
    const r = await t.cli(['logs', job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([...lines('a'), ...lines('b')].join(''));
    expect(
      t.emu.journal
        .filter('ListTrainingJobLogs')
        .slice(from)
        .every((e) => e.query['InstanceId'] === undefined),
    ).toBe(true);
  });

  it('`logs JOB --follow` of it prints every line once and exits 0', async () => {
    const job = t.create(
      'gone-follow',
      [
        { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
        { at: 1, logs: { 'worker-0': lines('a'), 'worker-1': lines('b') } },
        { at: 2, status: 'Succeed' },
      ],
      twoWorkers,
    );
    await until(() => t.emu.jobs.must(job.id).status === 'Succeed');
    const r = await t.cli(['logs', job.id, '--follow']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([...lines('a'), ...lines('b')].join(''));
  });

  it('`logs JOB --worker worker-1` of it asks for that worker by name and prints only its lines', async () => {
    const job = t.create(
      'gone-worker',
      [
        { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
        { at: 1, logs: { 'worker-0': lines('a'), 'worker-1': lines('b') } },
        { at: 2, status: 'Succeed' },
      ],
      twoWorkers,
    );
    await until(() => t.emu.jobs.must(job.id).status === 'Succeed');
    const r = await t.cli(['logs', job.id, '--worker', 'worker-1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines('b').join(''));
    const unknown = await t.cli(['logs', job.id, '--worker', 'worker-7']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no worker "worker-7"');
    expect(unknown.stdout).toBe('');
  });

  it('a 2-worker job followed while it runs keeps its prefixed per-worker streams to the end', async () => {
    const job = t.create(
      'gone-live',
      [
        { at: 0, status: 'Running', instances: ['worker-0', 'worker-1'] },
        { at: 100, logs: { 'worker-0': lines('a'), 'worker-1': lines('b') } },
        { at: 300, status: 'Succeed' },
      ],
      twoWorkers,
    );
    const r = await t.cli(['logs', job.id, '--follow']);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n').slice(0, -1);
    expect(out.filter((l) => l.startsWith('[worker-0] '))).toEqual(lines('a').map((l) => `[worker-0] ${l.trim()}`));
    expect(out.filter((l) => l.startsWith('[worker-1] '))).toEqual(lines('b').map((l) => `[worker-1] ${l.trim()}`));
    expect(out).toHaveLength(140);
  });
});

describe('a TotalCount one ahead of the lines (logTotalCountAhead)', () => {
  const t = withEmulator({ logTotalCountAhead: 1 });

  it('does not shrink the page size: a burst after a few lines still costs a few calls, every line once', async () => {
    const burst = Array.from({ length: 500 }, (_, i) => `line ${i + 5}\n`);
    const job = t.create(
      'ahead',
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 10, logs: ['line 0\n', 'line 1\n', 'line 2\n', 'line 3\n', 'line 4\n'] },
        { at: 200, logs: burst },
        { at: 400, status: 'Succeed' },
      ],
      { ComputeResource: { EcsCount: 1, EcsSpec: 'ecs.c6.large' } },
    );
    const from = t.emu.journal.count('ListTrainingJobLogs');
    const r = await t.cli(['logs', job.id, '--follow']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(Array.from({ length: 505 }, (_, i) => `line ${i}\n`).join(''));
    const calls = t.emu.journal.filter('ListTrainingJobLogs').slice(from);
    // At most one probe at a smaller size; every other request asks for the full page.
    expect(calls.filter((e) => e.query['PageSize'] !== '100').length).toBeLessThanOrEqual(1);
    // Idle reads every 40 ms for about half a second, the burst in 6 pages, the drain: nowhere near a page per 5 lines.
    expect(calls.length).toBeLessThanOrEqual(45);
  });
});

describe('reserving statuses (reserving)', () => {
  const t = withEmulator({ reserving: true });
  const reserved = { Settings: { JobReservedMinutes: 30 } };

  it('SucceededReserving ends following with exit 0 and says the instances are kept and how to release them', async () => {
    const job = t.create(
      'reserve-ok',
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 10, logs: ['done\n'] },
        { at: 60, status: 'Succeed' },
      ],
      reserved,
    );
    const r = await t.cli(['logs', job.id, '--follow']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('done\n');
    expect(t.emu.jobs.must(job.id).status).toBe('SucceededReserving');
    expect(r.stderr).toContain('SucceededReserving');
    expect(r.stderr).toContain('instances are kept for up to 30 minutes');
    expect(r.stderr).toContain(`pai-process stop ${job.id}`);
    const status = await t.cli(['status', job.id]);
    expect(status.stdout).toContain('SucceededReserving');
    expect(status.stdout).toContain(
      `instances are kept for up to 30 minutes after the end (Settings.JobReservedMinutes); release them with: pai-process stop ${job.id}`,
    );
  });

  it('FailedReserving ends `status --wait` with exit 1 and the reason', async () => {
    const job = t.create(
      'reserve-fail',
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 60, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'worker-0 exited with 2' },
      ],
      reserved,
    );
    const r = await t.cli(['status', job.id, '--wait']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FailedReserving');
    expect(r.stderr).toContain('worker-0 exited with 2');
    expect(r.stderr).toContain('instances are kept');
  });

  it('an unknown status is shown once and waited on', async () => {
    const job = t.create('unknown-status', [
      { at: 0, status: 'Running', instances: ['worker-0'] },
      { at: 50, status: 'Rebalancing' },
      { at: 400, status: 'Running' },
      { at: 450, status: 'Succeed' },
    ]);
    const r = await t.cli(['logs', job.id, '--follow']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/does not know/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/Running → Rebalancing/);
    expect(r.stderr).toMatch(/Rebalancing → Running/);
  });
});

describe('broken log paging', () => {
  describe('a server that ignores PageNumber (logIgnorePageNumber)', () => {
    const t = withEmulator({ logIgnorePageNumber: true });
    const many = Array.from({ length: 250 }, (_, i) => `line ${i}\n`);

    it('`logs JOB` exits 5 saying what the service did, after a bounded number of calls', async () => {
      const job = t.create('ignore-page', [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 0, logs: many },
      ]);
      const from = t.emu.journal.count('ListTrainingJobLogs');
      const r = await t.cli(['logs', job.id]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('ignores PageNumber');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      // Five attempts of two pages each: the retry policy bounds it, no endless loop.
      expect(t.emu.journal.count('ListTrainingJobLogs') - from).toBeLessThanOrEqual(10);
      // What was read before the service repeated itself was printed once.
      expect(r.stdout.startsWith(many.slice(0, 100).join(''))).toBe(true);
    });

    it('`logs JOB --follow` honours the first Ctrl-C while the service keeps failing', async () => {
      const job = t.create('ignore-page-follow', [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 0, logs: many },
      ]);
      let fire: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
      let seen = 0;
      const stop = t.emu.journal.onEntry((e) => {
        // The second page is the repeat: the tool is then waiting to try again.
        if (e.action === 'ListTrainingJobLogs' && ++seen === 2) setTimeout(() => fire?.('SIGINT'), 100);
      });
      // Long backoffs: only the interrupt can end this run quickly.
      const r = await t.cli(['logs', job.id, '--follow'], {
        retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxTotalMs: 600_000 },
        onSignal: (h: (s: 'SIGINT' | 'SIGTERM') => void) => ((fire = h), () => (fire = undefined)),
      });
      stop();
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('trying again');
      expect(r.stderr).toMatch(/pai-process logs \S+ --follow/);
    });
  });

  describe('a server whose pages hold more than PageSize (logOverServe)', () => {
    const t = withEmulator({ logOverServe: 3 });

    it('`logs JOB` exits 5 naming the page it got, and prints nothing twice', async () => {
      const job = t.create('over-serve', [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 0, logs: Array.from({ length: 150 }, (_, i) => `line ${i}\n`) },
      ]);
      const r = await t.cli(['logs', job.id]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('103 lines for PageSize 100');
      expect(r.stdout).toBe('');
    });
  });
});
