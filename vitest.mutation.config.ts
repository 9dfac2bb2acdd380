import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The tests `npm run mutation` (stryker.config.mjs) runs against each mutant. Stryker runs, for each mutant, the
// tests that reached its line (per-test coverage), one after another, and stops at the first that fails. So what
// a mutant costs is the tests that reach it: every one of them when it survives. The set is therefore the unit
// tests (in-memory backends and fake clocks: milliseconds each), the cloud adapters' tests, and only those
// in-process CLI tests that guard a bug a unit test cannot show (docs/testing.md, "The bugs a user fears most"):
// a CLI test that runs a whole `run` reaches most of the follow loop and would be run again for every mutant
// there. Not test/e2e (it spawns the built bundle in dist/, which a mutant does not change), nor the soak, nor
// tests that count calls per second of real time (instrumented code on a busy machine does not keep up).
// The other options are vitest.config.ts's (not merged from it: mergeConfig would append its include to this one).
const CLI = ['late-lines', 'uncertain-create', 'interrupt-twice', 'log-page-size', 'instance-handover', 'upload-size', 'json-errors'];
const RELIABILITY = ['retry-timeouts'];

// Unit tests first, then the adapters', then the CLI tests: a mutant a unit test kills is done in milliseconds,
// before a CLI test starts an emulator.
const TIERS = ['test/unit/', 'test/cloud/', 'test/reliability/', 'test/cli/'];

class FastestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const tier = (spec: TestSpecification) => TIERS.findIndex((folder) => spec.moduleId.includes(folder));
    return [...files].sort((a, b) => tier(a) - tier(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

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
    sequence: { sequencer: FastestFirst },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
