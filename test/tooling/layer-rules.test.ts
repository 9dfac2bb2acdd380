import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/spawn-cli.js';

/**
 * The layer rules (.dependency-cruiser.cjs), run by the project's own check (scripts/layer-rules.mjs, what
 * `npm run deps` runs) on two small trees: a clean one, which must pass, and the same tree with one wrong import
 * per rule, each of which must be reported under that rule's name.
 */

type Tree = Record<string, string>;

const CLEAN: Tree = {
  'bin/main.cjs': "require('../src/cli/main.js');\n",
  'src/cli/main.ts':
    "import { decide } from '../core/decide.js';\nimport { render } from '../ui/render.js';\nimport { connect } from './actions/connect.js';\nexport const main = () => render(decide(connect));\n",
  'src/cli/actions/connect.ts':
    "import type { Jobs } from '../../cloud/adapter.js';\nexport async function connect(): Promise<Jobs> {\n  const { adapter } = await import('../../cloud/adapter.js');\n  return adapter;\n}\n",
  'src/core/ports/jobs.ts': 'export interface JobsApi { get(id: string): string }\n',
  'src/core/decide.ts': "import type { JobsApi } from './ports/jobs.js';\nexport const decide = (connect: unknown): JobsApi | unknown => connect;\n",
  'src/cloud/adapter.ts':
    "import OSS from 'ali-oss';\nimport type { JobsApi } from '../core/ports/jobs.js';\nexport type Jobs = JobsApi;\nexport const adapter = { OSS };\n",
  'src/ui/render.ts': "import type { JobsApi } from '../core/ports/jobs.js';\nexport const render = (x: JobsApi | unknown) => String(x);\n",
};

/** One wrong import per rule: the file that makes it, and the rule that must report it. */
const WRONG: { rule: string; file: string; text: string }[] = [
  { rule: 'bin-only-to-cli', file: 'bin/sneak.cjs', text: "require('../src/core/decide.js');\n" },
  { rule: 'only-bin-imports-cli', file: 'src/core/flags-user.ts', text: "import { main } from '../cli/main.js';\nexport const m = main;\n" },
  {
    rule: 'cli-to-cloud-only-through-connect',
    file: 'src/cli/actions/status.ts',
    text: "import { adapter } from '../../cloud/adapter.js';\nexport const a = adapter;\n",
  },
  {
    rule: 'connect-loads-cloud-lazily',
    file: 'src/cli/actions/connect.ts',
    text: "import { adapter } from '../../cloud/adapter.js';\nexport const connect = () => adapter;\n",
  },
  { rule: 'cloud-only-to-core-ports', file: 'src/cloud/decider.ts', text: "import { decide } from '../core/decide.js';\nexport const d = decide;\n" },
  { rule: 'cloud-not-to-cli-or-ui', file: 'src/cloud/flags.ts', text: "import { main } from '../cli/main.js';\nexport const m = main;\n" },
  { rule: 'ui-not-to-cloud-or-cli', file: 'src/ui/job.ts', text: "import type { Jobs } from '../cloud/adapter.js';\nexport type J = Jobs;\n" },
  { rule: 'core-not-to-cli-ui-or-cloud', file: 'src/core/show.ts', text: "import { render } from '../ui/render.js';\nexport const show = render;\n" },
  {
    rule: 'alibaba-libraries-only-in-cloud',
    file: 'src/core/store.ts',
    text: "import { Config } from '@alicloud/openapi-client';\nexport const c = Config;\n",
  },
  { rule: 'no-circular', file: 'src/core/ping.ts', text: "import { pong } from './pong.js';\nexport const ping = () => pong;\n" },
];
/** The other half of the cycle: a cycle is reported once, from the first of its modules. */
const PONG: Tree = { 'src/core/pong.ts': "import { ping } from './ping.js';\nexport const pong = () => ping;\n" };

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function writeTree(tree: Tree): string {
  const dir = tempDir('layers-');
  made.push(dir);
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function check(dir: string): Promise<{ code: number | null; violations: Violation[]; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'layer-rules.mjs'), '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      const result = JSON.parse(out) as { summary: { violations: Violation[] } };
      resolve({ code, violations: result.summary.violations, out });
    });
  });
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  it('pass a tree that keeps them, and report each wrong import by its rule', async () => {
    const wrongTree: Tree = { ...CLEAN, ...PONG };
    for (const w of WRONG) wrongTree[w.file] = w.text;
    const [clean, wrong] = await Promise.all([check(writeTree(CLEAN)), check(writeTree(wrongTree))]);

    expect(clean.violations, clean.out).toEqual([]);
    expect(clean.code).toBe(0);

    const reported = wrong.violations.map((v) => `${v.rule.name}: ${v.from}`);
    for (const w of WRONG) expect(reported, `${w.rule} for ${w.file}`).toContain(`${w.rule}: ${w.file}`);
    // Nothing from the clean part of the tree. (A wrong import may break two rules: cloud -> cli is also
    // "only bin imports cli".)
    const wrongFiles = new Set(WRONG.map((w) => w.file));
    expect(wrong.violations.filter((v) => !wrongFiles.has(v.from))).toEqual([]);
    expect(wrong.code).toBe(1);
  });
});
