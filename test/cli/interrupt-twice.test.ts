// `run --stop-on-interrupt`: the first Ctrl-C stops the job and waits for it to stop (src/core/run-job.ts); a
// second Ctrl-C during that wait ends the process at once with 130 (src/cli/actions/reporter.ts,
// interruptSignal). In process, the context's exitNow stands for process.exit; test/e2e/signals-pipes.test.ts
// sends the real signals to the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  // A stop that takes far longer than the test: the job stays Stopping while the run waits.
  emu = await startEmulator({ stopDelayMs: 600_000 });
});
afterAll(async () => emu?.close());

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Ctrl-C twice with --stop-on-interrupt', () => {
  it('the first stops the job and waits; the second, during the wait, exits at once with 130', async () => {
    emu.jobs.script([{ at: 0, status: 'Running', instances: ['worker-0'] }], { name: /^twice_/ });
    let fire: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const exits: number[] = [];
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n' });
    const pending = runCli(['run', '-f', 'job.yaml', '--name', 'twice', '--stop-on-interrupt'], {
      cwd: dir,
      env: emu.env(),
      context: { cadence: FAST_CADENCE, retry: FAST_RETRY, onSignal: (h) => ((fire = h), () => (fire = undefined)), exitNow: (code) => void exits.push(code) },
    });
    const job = () => emu.jobs.all().find((j) => j.name.startsWith('twice_'));
    const stops = emu.journal.count('StopTrainingJob');
    // Each signal on an event (the run following, the stop sent), never after a fixed sleep.
    await until(
      () => job() !== undefined && emu.journal.all().some((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(job()!.id)),
      'the run to follow the job',
    );
    fire?.('SIGINT');
    await until(() => emu.journal.count('StopTrainingJob') > stops, 'the stop to be sent');
    expect(exits).toEqual([]);
    expect(job()!.status).toBe('Stopping');
    fire?.('SIGINT');
    // At once: before the job stopped, before the wait ended.
    expect(exits).toEqual([130]);
    expect(job()!.status).toBe('Stopping');
    // In process nothing exits: let the job stop so that the run's wait ends.
    emu.jobs.setStatus(job()!.id, 'Stopped');
    const r = await pending;
    expect(r.code).toBe(3);
    expect(emu.journal.count('StopTrainingJob') - stops).toBe(1);
  });
});
