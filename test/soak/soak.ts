// `npm run soak`: the long soak of issue 14. Each seed gets its own emulator and its own CLI process.
//   npm run soak -- [--minutes M (10)] [--seeds N (1)] [--seed S (first seed; default from the clock)]
//                   [--parallel P (1)] [--rate R (0.1)] [--cli PATH (bin/pai-process.cjs)]
// Seeds S, S+1, ... S+N-1 are run, P at a time. Build first (`npm run build`): it runs the built CLI.
import { parseArgs } from 'node:util';
import { describeResult, runSoak, type SoakResult } from './soak-run.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seeds: { type: 'string', default: '1' },
    seed: { type: 'string' },
    parallel: { type: 'string', default: '1' },
    rate: { type: 'string', default: '0.1' },
    cli: { type: 'string' },
  },
});

function number(name: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`soak: --${name} must be a number of at least ${min}, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}

const minutes = number('minutes', values.minutes, 0.1);
const count = Math.floor(number('seeds', values.seeds, 1));
const first = values.seed !== undefined ? Math.floor(number('seed', values.seed, 0)) : Date.now() % 1_000_000;
const parallel = Math.floor(number('parallel', values.parallel, 1));
const rate = number('rate', values.rate, 0);
const seeds = Array.from({ length: count }, (_, i) => first + i);

const started = Date.now();
process.stdout.write(`soak: ${count} seed(s) from ${first}, ${minutes} min each, ${parallel} at a time, ${rate * 100}% of calls fail\n`);
const results: SoakResult[] = [];
let next = 0;
async function lane(): Promise<void> {
  while (next < seeds.length) {
    const seed = seeds[next++]!;
    const r = await runSoak({ seed, durationMs: minutes * 60_000, rate, ...(values.cli ? { bin: values.cli } : {}) });
    results.push(r);
    process.stdout.write(`${describeResult(r)}\n`);
  }
}
await Promise.all(Array.from({ length: Math.min(parallel, seeds.length) }, lane));

const failed = results.filter((r) => !r.ok).map((r) => r.seed);
const wall = (Date.now() - started) / 1000;
process.stdout.write(
  `soak: ${results.length - failed.length}/${results.length} seeds passed (${seeds.join(', ')}), ${minutes} min each, wall time ${Math.floor(wall / 60)} min ${Math.round(wall % 60)} s` +
    (failed.length ? `; FAILED: ${failed.join(', ')}` : '') +
    '\n',
);
process.exitCode = failed.length ? 1 : 0;
