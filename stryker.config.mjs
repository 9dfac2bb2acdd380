// Mutation testing (`npm run mutation`, not part of `npm test`): Stryker changes one operator, condition or value
// at a time in the modules where a bug costs a user a job, a line or money, and runs the tests that cover that
// code (per-test coverage). A mutant no test notices "survives". docs/testing.md explains the report and lists
// the survivors left, each with why it is equivalent or not worth a test.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  // Two cores on the machines this runs on; more workers only queue.
  concurrency: 2,
  // A mutant that makes the follow loop spin or wait for ever is cut after its tests' normal time plus this:
  // counted as detected (a user would notice a hang), without waiting out each test's own timeout.
  timeoutMS: 5_000,
  timeoutFactor: 1.5,
  mutate: [
    // Following and log streams.
    'src/core/follow/follow.ts',
    'src/core/follow/log-stream.ts',
    'src/core/follow/streams.ts',
    'src/core/follow/budget.ts',
    // Submit and the exactly-once create (the submission label is added to the body at these lines).
    'src/core/submit.ts',
    'src/core/await-created.ts',
    'src/core/request/create-training-job.ts:44-46',
    // Retry: the policy, the one wrapper every backend method but the create goes through, and the runtime that holds them.
    'src/core/ports/retry.ts',
    'src/core/retrying-backends.ts',
    'src/core/runtime.ts',
    // Interrupt handling.
    'src/core/run-job.ts',
    'src/cli/actions/reporter.ts:30-41',
    // Upload dedup.
    'src/core/upload-files.ts',
    'src/core/upload-code.ts',
    // Secret masking (createIO's mask and addSecret).
    'src/ui/io.ts:47-87',
    // Exit codes: the table, a job status's code, each error's code, and what an unknown error maps to.
    'src/core/exit-codes.ts',
    'src/core/job-status.ts',
    'src/core/errors.ts',
    'src/core/ports/errors.ts',
    'src/ui/render-error.ts:16-33',
  ],
  ignoreStatic: true,
  // Not the wording of messages and hints (a string changed is still a message): the scope is what the code
  // decides. The exact texts that matter to scripts (exit codes, JSON fields) are numbers and keys, still mutated.
  mutator: { excludedMutations: ['StringLiteral'] },
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // `npm run mutation -- --incremental` reuses the results of mutants whose code and tests did not change since the
  // last run: for working on one module's tests, not for the score (a full run is the measure).
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
