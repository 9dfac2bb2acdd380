import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take minutes (each a fresh clone with its own `npm ci`, or a minute-long soak) start first, so
// that the rest of the suite runs beside them; otherwise a clean clone, which has no timings from an earlier run,
// orders the files by size and starts the longest last.
const SLOWEST_FIRST = ['test/e2e/fresh-clone.test.ts', 'test/e2e/npm-pack.test.ts', 'test/reliability/soak.test.ts', 'test/reliability/fault-matrix.test.ts'];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const at = SLOWEST_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return at === -1 ? SLOWEST_FIRST.length : at;
    };
    return [...(await super.sort(files))].sort((a, b) => rank(a) - rank(b));
  }
}

// PAI_PROCESS_TEST_FILES (comma-separated test files) narrows the run to those files. It exists for
// test/e2e/fresh-clone.test.ts, which runs the README's `npm ci && npm test` in a fresh clone: the whole suite
// there would include that test again (and so on), so it runs typecheck and build in full and vitest on one
// named file. Unset, every test runs.
const only = process.env['PAI_PROCESS_TEST_FILES']
  ?.split(',')
  .map((f) => f.trim())
  .filter(Boolean);

export default defineConfig({
  test: {
    include: only && only.length > 0 ? only : ['test/**/*.test.ts'],
    // The @alicloud packages are TS-compiled CJS; without this vitest hands back the class where
    // Node hands back module.exports, and code that works in the CLI breaks in tests.
    deps: { interopDefault: false },
    // Most test files wait on servers, child processes and timers rather than compute: on a 2-core machine the
    // default (one worker per core but one) ran them one after another, ~8 minutes; three at once take ~3.5.
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
