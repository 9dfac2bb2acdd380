import { configDefaults, defineConfig } from 'vitest/config';

// The tests `npm run mutation` (stryker.config.mjs) runs against each mutant: those that run src/ in this process
// and exercise the modules in scope. Not test/e2e (it spawns the built bundle in dist/, which a mutant does not
// change), nor the soak (60 s of real time). Per-test coverage runs, for each mutant, every test that reached its
// line: a test that runs a whole `run` reaches most of the follow loop, so the CLI tests here are the ones
// about following, creating, uploading, interrupting, exit codes and secrets, not every CLI test (config
// parsing, init, completion and the like cover nothing in scope and would only slow each mutant down).
// follow-scale.test.ts is left out: it counts reads per minute of real time, which instrumented code on a busy
// machine does not keep up with. The other options are vitest.config.ts's (not merged from it: mergeConfig would append its include to this one).
const CLI = [
  'run-cloud',
  'run-faults',
  'run-upload',
  'upload-trust',
  'follow-history',
  'quiet-detach',
  'json-errors',
  'late-lines',
  'uncertain-create',
  'interrupt-twice',
  'log-page-size',
  'instance-handover',
  'upload-size',
];
const RELIABILITY = ['retry-timeouts', 'log-loop-attacks', 'secret-leak'];

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/cloud/**/*.test.ts',
      ...CLI.map((name) => `test/cli/${name}.test.ts`),
      ...RELIABILITY.map((name) => `test/reliability/${name}.test.ts`),
    ],
    exclude: [...configDefaults.exclude],
    deps: { interopDefault: false },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
