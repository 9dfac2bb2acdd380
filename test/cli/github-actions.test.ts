import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, project, runCli, tempDir } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\noutputs: {model: oss://b/model}\n';

async function runInActions(name: string, args: string[] = []) {
  const summaryFile = join(tempDir('gha-'), 'summary.md');
  writeFileSync(summaryFile, '');
  const dir = project({ 'job.yaml': JOB, 'main.py': `# ${name}\n` });
  const r = await runCli(['run', '-f', 'job.yaml', '--name', name, ...args], {
    cwd: dir,
    env: { ...emu.env(), GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_STEP_SUMMARY: summaryFile },
    context: { cadence: FAST_CADENCE },
  });
  return { ...r, summary: readFileSync(summaryFile, 'utf8') };
}

describe('under GitHub Actions', () => {
  it('a failing job writes an ::error:: annotation with the reason and a summary', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 10, logs: ['Traceback...\n', 'ValueError: bad input\n'] },
        { at: 80, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'worker-0 exited with code 1, 100% broken' },
      ],
      { name: /^ghafail_/ },
    );
    const r = await runInActions('ghafail');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('::group::Packaging and uploading the code');
    expect(r.stderr).toContain('::endgroup::');
    expect(r.stderr).toMatch(/::error title=PAI job \S+ Failed::JobFailed: worker-0 exited with code 1, 100%25 broken/);
    expect(r.stdout).toBe('Traceback...\nValueError: bad input\n');
    expect(r.summary).toContain('### PAI job ❌ Failed');
    expect(r.summary).toContain('| Reason | JobFailed: worker-0 exited with code 1, 100% broken |');
    expect(r.summary).toMatch(/\| Console \| \[open\]\(https:\/\/.*\) \|/);
    expect(r.summary).toContain('| Output `model` | `oss://b/model/` |');
  });

  it('a job that succeeds writes the summary and no annotation', async () => {
    emu.jobs.script([{ at: 0, status: 'Running', instances: ['worker-0'] }, { at: 50, status: 'Succeed' }], { name: /^ghaok_/ });
    const r = await runInActions('ghaok');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('::error');
    expect(r.summary).toContain('### PAI job ✅ Succeed');
  });

  it('--json keeps stdout NDJSON; the workflow commands go to stderr', async () => {
    emu.jobs.script([{ at: 0, status: 'Failed', reasonCode: 'X', reasonMessage: 'y' }], { name: /^ghajson_/ });
    const r = await runInActions('ghajson', ['--json']);
    expect(r.code).toBe(1);
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(r.stderr).toContain('::error ');
  });
});
