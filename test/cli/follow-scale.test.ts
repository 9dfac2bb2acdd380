import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CADENCE } from '../../src/core/follow/cadence.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  // The server caps pages at 50 lines, below the 100 the tool asks for first.
  emu = await startEmulator({ maxLogPageSize: 50 });
});
afterAll(async () => emu?.close());

function createJob(name: string, steps: Parameters<Emulator['jobs']['script']>[0]) {
  return emu.jobs.create({ TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } }, { script: steps });
}

describe('following at scale', () => {
  it('3 workers × 2000 lines, a capped page size, throttling and a dropped connection: every line once, in order, prefixed', async () => {
    const workers = ['worker-0', 'worker-1', 'worker-2'];
    const batch = (w: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${w} line ${from + i}${(from + i) % 2 ? '\n' : ''}`);
    const steps: Parameters<Emulator['jobs']['script']>[0] = [{ at: 0, status: 'Running', instances: workers }];
    for (let k = 0; k < 4; k++) {
      steps.push({ at: 20 + k * 120, logs: Object.fromEntries(workers.map((w) => [w, batch(w, k * 500, (k + 1) * 500)])) });
    }
    steps.push({ at: 700, status: 'Succeed' });
    const job = createJob('scale', steps);
    emu.faults.add({ action: 'ListTrainingJobLogs', call: 7, kind: 'status', status: 400, code: 'Throttling.User' });
    emu.faults.add({ action: 'ListTrainingJobLogs', call: 23, kind: 'drop' });
    const r = await runCli(['logs', job.id, '--follow'], { env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(6000);
    for (const w of workers) {
      const mine = lines.filter((l) => l.startsWith(`[${w}] `));
      expect(mine).toEqual(Array.from({ length: 2000 }, (_, i) => `[${w}] ${w} line ${i}`));
    }
    expect(r.stderr).toContain('trying again');
  });

  // The cadence scaled down 20 times: 3 s here is one minute of the real cadence.
  const scale = 20;
  const scaled = () => Object.fromEntries(Object.entries(CADENCE).map(([k, v]) => [k, k === 'statusBackoff' ? v : v / scale]));
  const minute = 60_000 / scale;
  const names = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i}`);

  it.each([3, 16, 64])('a steady job of %i workers: at most 150 calls a minute in all, and every worker read within its bound', async (n) => {
    // 64 workers are followed for two (scaled) minutes, so that their 32 s bound shows in the count of reads.
    const minutes = n === 64 ? 2 : 1;
    const job = createJob(`steady-${n}`, [{ at: 0, status: 'Running', instances: names(n) }]);
    const from = { logs: emu.journal.count('ListTrainingJobLogs'), status: emu.journal.count('GetTrainingJob') };
    const r = await runCli(['logs', job.id, '--follow', '--timeout', `${(minutes * minute) / 1000}s`], { env: emu.env(), context: { cadence: scaled() } });
    expect(r.code).toBe(6);
    const logs = emu.journal.filter('ListTrainingJobLogs').slice(from.logs);
    const calls = [...logs, ...emu.journal.filter('GetTrainingJob').slice(from.status)];
    console.log(
      `following ${n} steady workers for ${minutes} (scaled) minute(s): ${logs.length} ListTrainingJobLogs, ${calls.length - logs.length} GetTrainingJob calls`,
    );
    // One budget, whatever the number of workers: calls start 400 ms (scaled) apart.
    expect(calls.length).toBeLessThanOrEqual(150 * minutes + 1);
    // Every worker is read at least every max(10 s, N × 0.5 s): in the time followed, at least that many times
    // after its first read (timers at this scale run late, never early, so the first read is the slack).
    const bound = Math.max(10_000, n * 500);
    for (const w of names(n)) {
      const reads = logs.filter((e) => e.query['InstanceId'] === `${job.id}-${w}`).length;
      expect(reads, w).toBeGreaterThanOrEqual(Math.floor((minutes * 60_000) / bound));
    }
    // The budget is used, not left idle: rounds do not stall.
    expect(calls.length).toBeGreaterThanOrEqual(n <= 3 ? 3 * 28 : 75 * minutes);
  });

  it('64 workers printing: every line exactly once and in order, within the budget', async () => {
    const workers = names(64);
    const steps: Parameters<Emulator['jobs']['script']>[0] = [{ at: 0, status: 'Running', instances: workers }];
    for (let k = 0; k < 3; k++)
      steps.push({ at: 50 + k * 400, logs: Object.fromEntries(workers.map((w) => [w, Array.from({ length: 40 }, (_, i) => `${w} line ${k * 40 + i}\n`)])) });
    steps.push({ at: 1_400, status: 'Succeed' });
    const job = emu.jobs.create(
      { TrainingJobName: 'many', WorkspaceId: emu.workspaceId, ComputeResource: { EcsCount: 64, EcsSpec: 'ecs.c6.large' } },
      { script: steps },
    );
    const from = { logs: emu.journal.count('ListTrainingJobLogs'), status: emu.journal.count('GetTrainingJob') };
    const r = await runCli(['logs', job.id, '--follow'], { env: emu.env(), context: { cadence: scaled() } });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(64 * 120);
    for (const w of workers) expect(lines.filter((l) => l.startsWith(`[${w}] `))).toEqual(Array.from({ length: 120 }, (_, i) => `[${w}] ${w} line ${i}`));
    const calls = [...emu.journal.filter('ListTrainingJobLogs').slice(from.logs), ...emu.journal.filter('GetTrainingJob').slice(from.status)].sort(
      (a, b) => a.time - b.time,
    );
    const span = calls[calls.length - 1]!.time - calls[0]!.time;
    // No window of one (scaled) minute holds more than 150 calls: over the whole span, 150 a minute plus one.
    expect(calls.length).toBeLessThanOrEqual(Math.floor((span / minute) * 150) + 2);
  });
});
