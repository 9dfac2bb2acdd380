import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/run-cli.js';
import { commandSteps, readmeSetupCommands } from '../helpers/readme-commands.js';
import { ROOT } from '../helpers/spawn-cli.js';

/**
 * The README's two set-up commands, run as printed (through `sh -c`, comment and all) in a fresh `git clone` of
 * this repository: its committed state, with no node_modules and no dist. What it proves:
 * - the first command installs, builds and runs the quickstart job locally, which writes its model;
 * - the second installs, then `npm test` runs its format check, lint, layer rules, typecheck and build in full
 *   and vitest on one named test file (PAI_PROCESS_TEST_FILES, read by vitest.config.ts). Running every test there would run this test
 *   again, recursively; that the whole suite passes is what the enclosing `npm test` itself shows.
 * No internet: npm runs offline (npm_config_offline), from the cache the enclosing `npm ci` filled. The command
 * text is not changed for that; only the environment is.
 */
const INNER_TEST_FILE = 'test/cli/commands-doc.test.ts';

interface Ran {
  code: number | null;
  out: string;
}

function sh(command: string, cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd,
      // The real HOME: npm's cache lives under it. Nothing cloud-related is passed on.
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
        npm_config_offline: 'true',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function freshClone(): string {
  const top = tempDir('fresh-clone-');
  made.push(top);
  const dir = join(top, 'pai-process');
  const r = spawnSync('git', ['clone', '--quiet', ROOT, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git clone ${ROOT} failed: ${r.stderr}`);
  return dir;
}

describe("the README's set-up commands, in a fresh clone", () => {
  it('the first installs, builds and runs the quickstart job; the second installs, typechecks, builds and tests', async () => {
    const { quickstart, test } = readmeSetupCommands();
    const clone = freshClone();
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    expect(existsSync(join(clone, 'dist'))).toBe(false);

    const first = await sh(quickstart, clone);
    expect(first.out).toContain('succeeded');
    expect(first.code, first.out).toBe(0);
    const model = JSON.parse(readFileSync(join(clone, 'examples', 'quickstart', 'model', 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(typeof model['a']).toBe('number');

    const second = await sh(test, clone, { PAI_PROCESS_TEST_FILES: INNER_TEST_FILE });
    expect(second.code, second.out).toBe(0);
    // npm test's stages, in order: format check, lint, layer rules, the typecheck, the build, then vitest on the
    // named file, which passed.
    const stages = [
      '> biome format .',
      '> biome lint --error-on-warnings .',
      '> node scripts/layer-rules.mjs',
      '> tsc -p tsconfig.json --noEmit',
      '> tsc -p tsconfig.build.json && node scripts/bundle.mjs',
      INNER_TEST_FILE,
      'Test Files  1 passed',
    ];
    // npm ci's `prepare` runs the build too, so each stage is looked for after the one before it.
    const out = second.out.replace(/\x1b\[[0-9;]*m/g, '');
    let from = 0;
    for (const stage of stages) {
      const at = out.indexOf(stage, from);
      expect(at, `"${stage}" after offset ${from} of:\n${out}`).toBeGreaterThanOrEqual(0);
      from = at + stage.length;
    }
  }, 600_000);

  it("CI (.ci/run) runs the steps of the README's test command", () => {
    const steps = commandSteps(readmeSetupCommands().test);
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    const at = steps.map((s) => ci.indexOf(s));
    expect(
      at.every((i) => i >= 0),
      `.ci/run lacks one of ${steps.join(', ')}`,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
