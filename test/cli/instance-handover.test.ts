// A job that asked for one instance but lists more as it runs (src/core/follow/streams.ts): its one unfiltered
// stream already printed lines, and its position counts lines of every instance, so it must stay the only
// stream. Handing that position to per-instance streams would repeat some lines and skip others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  // Small pages, so that positions fall inside pages and a wrong one shows.
  emu = await startEmulator({ maxLogPageSize: 4 });
});
afterAll(async () => emu?.close());

const before = Array.from({ length: 6 }, (_, i) => `w0 before ${i}\n`);
const w0After = Array.from({ length: 3 }, (_, i) => `w0 after ${i}\n`);
const w1 = Array.from({ length: 5 }, (_, i) => `w1 line ${i}\n`);

describe('a one-instance job that gains instances', () => {
  it('every line once, in the order emitted, unprefixed: the one stream keeps its position', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 10, logs: { 'worker-0': before } },
        // Once the first lines were read (by the 5th status read; the journal shows them read by the 3rd): a
        // second instance appears, and both print.
        { atPoll: 5, instances: ['worker-1'], logs: { 'worker-1': w1.slice(0, 2) } },
        { atPoll: 5, logs: { 'worker-0': w0After } },
        { atPoll: 6, logs: { 'worker-1': w1.slice(2) } },
        { atPoll: 8, status: 'Succeed' },
      ],
      { name: /^grows_/ },
    );
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\ninstance_count: 1\n' });
    const r = await runCli(['run', '-f', 'job.yaml', '--name', 'grows'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe([...before, ...w1.slice(0, 2), ...w0After, ...w1.slice(2)].join(''));
    const job = emu.jobs.all().find((j) => j.name.startsWith('grows_'))!;
    expect(job.instances).toHaveLength(2);
    // One stream, unfiltered, throughout: no per-instance stream started from a position that means nothing to it.
    const reads = emu.journal.all().filter((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(job.id));
    expect(reads.every((e) => e.query['InstanceId'] === undefined)).toBe(true);
  });
});
