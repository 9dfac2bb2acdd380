import { defineConfig } from 'vitest/config';

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
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
