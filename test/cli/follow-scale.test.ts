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

  it('a steady job costs no more API calls than docs/following.md says: 40 log calls per worker and 6 status calls a minute', async () => {
    // The cadence scaled down 20 times: 3 s here is one minute of the real cadence.
    const scale = 20;
    const cadence = Object.fromEntries(Object.entries(CADENCE).map(([k, v]) => [k, k === 'statusBackoff' ? v : v / scale]));
    const job = createJob('steady', [{ at: 0, status: 'Running', instances: ['worker-0', 'worker-1', 'worker-2'] }]);
    const before = { logs: emu.journal.count('ListTrainingJobLogs'), status: emu.journal.count('GetTrainingJob') };
    const minute = 60_000 / scale;
    const r = await runCli(['logs', job.id, '--follow', '--timeout', `${minute / 1000}s`], { env: emu.env(), context: { cadence } });
    expect(r.code).toBe(6);
    const logs = emu.journal.count('ListTrainingJobLogs') - before.logs;
    const status = emu.journal.count('GetTrainingJob') - before.status;
    console.log(`following 3 steady workers for one (scaled) minute: ${logs} ListTrainingJobLogs, ${status} GetTrainingJob calls`);
    // 40 a minute per worker (a round every 1.5 s), plus the first read; status: the documented 6 a minute once
    // backed off, plus the ramp. The lower bound: rounds must not stall (timers at this scale run late, not early).
    expect(logs).toBeLessThanOrEqual(3 * (40 + 1));
    expect(logs).toBeGreaterThanOrEqual(3 * 28);
    expect(status).toBeLessThanOrEqual(6 + 4 + 1);
  });
});
