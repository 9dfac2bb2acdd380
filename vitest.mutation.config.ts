import { configDefaults, defineConfig } from 'vitest/config';

// The tests `npm run mutation` (stryker.config.mjs) runs against each mutant: only those that run src/ in this
// process, where a mutant can change what they see. Not test/e2e (it spawns the built bundle in dist/, which a
// mutant does not change), nor the soak (60 s of real time), nor test/local, test/packaging and test/emulator
// (the code they exercise is outside the mutation scope; see docs/testing.md). The other options are
// vitest.config.ts's (not merged from it: mergeConfig would append its include to this one).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/cloud/**/*.test.ts', 'test/reliability/**/*.test.ts'],
    // bad-input.test.ts checks the config reader against stack-depth limits, which Stryker's instrumented code
    // moves; it covers nothing in the mutation scope.
    exclude: [...configDefaults.exclude, 'test/reliability/soak.test.ts', 'test/reliability/bad-input.test.ts'],
    deps: { interopDefault: false },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
