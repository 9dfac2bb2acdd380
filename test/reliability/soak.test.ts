// The 60-second soak (issue 14): the built CLI runs a 4-worker job while 10% of every PAI and OSS call fails at
// random, of every kind (test/soak/soak-run.ts). `npm run soak` is the long version. The clock is real here: the
// job logs for 60 s, and a stall waits out the CLI's real read timeout, hence the long test timeout.
import { describe, expect, it } from 'vitest';
import { describeResult, runSoak } from '../soak/soak-run.js';

/** A seed seen to pass; it injects faults of several kinds into this short run. */
const SEED = 4;

describe('the 60-second soak', () => {
  it(`seed ${SEED}: exit 0, exactly one job, every worker's lines exactly once and in order`, async () => {
    const r = await runSoak({ seed: SEED, durationMs: 60_000 });
    // The seed and what happened, for a rerun with `npm run soak -- --minutes 1 --seed N`.
    console.log(describeResult(r));
    expect(r.problems).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.jobs).toBe(1);
    expect(r.lines).toBe(r.expectedLines);
    expect(
      Object.values(r.injected).reduce((a, b) => a + b, 0),
      'faults were injected',
    ).toBeGreaterThan(0);
  }, 300_000);
});
