// A short first log page (a job that has printed 3 lines so far) is the end of what is there, not a server cap:
// the page size must stay 100 (src/core/follow/log-stream.ts), or every later line costs a call of its own.
// Counted on the emulator's journal: the pages asked for after the short page, whatever the timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

const FIRST = Array.from({ length: 3 }, (_, i) => `starting ${i}\n`);
const BULK = Array.from({ length: 250 }, (_, i) => `step ${i}\n`);

for (const [label, ahead] of [
  ['an exact TotalCount', 0],
  ['a TotalCount one ahead of the lines', 1],
] as const) {
  describe(`a short first page, with ${label}`, () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator({ logTotalCountAhead: ahead });
    });
    afterAll(async () => emu?.close());

    it('does not collapse the page size: 250 later lines take 3 pages of 100, not one call per line', async () => {
      emu.jobs.script(
        [
          { at: 0, status: 'Running', instances: ['worker-0'] },
          { at: 10, logs: FIRST },
          // Only once the short page was read: the bulk then comes in one step.
          { atPoll: 3, logs: BULK },
          { atPoll: 5, status: 'Succeed' },
        ],
        { name: /^short_/ },
      );
      const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n' });
      const r = await runCli(['run', '-f', 'job.yaml', '--name', 'short'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe([...FIRST, ...BULK].join(''));
      const id = emu.jobs.all().find((j) => j.name.startsWith('short_'))!.id;
      const reads = emu.journal.all().filter((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(id));
      // No read asks for fewer than 20 lines (MIN_LOG_PAGE_SIZE), but at most one probe of page 2 at the short
      // page's size when TotalCount runs ahead; a size collapsed to 3 would read 250 lines in 84 calls.
      const sizes = reads.map((e) => Number(e.query['PageSize']));
      expect(sizes.filter((size) => size < 20).length).toBeLessThanOrEqual(ahead);
      expect(reads.length).toBeLessThan(BULK.length / 3);
      if (ahead === 0) {
        // With an exact TotalCount nothing is ever taken for a cap: every read asks for 100 lines, and 253 lines
        // are pages 1 to 3 (later reads of page 3 are the idle reads of its tail). With TotalCount ahead, a
        // last page of 20 or more may be taken for a cap (docs/following.md), so pages may be smaller.
        expect(sizes.every((size) => size === 100)).toBe(true);
        const pages = reads.map((e) => Number(e.query['PageNumber']));
        expect(Math.max(...pages)).toBe(3);
        expect(pages.indexOf(3)).toBeGreaterThan(pages.indexOf(2));
      }
    });
  });
}
