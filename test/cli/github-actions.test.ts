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

async function runInActions(name: string, args: string[] = [], env: Record<string, string> = {}) {
  const summaryFile = join(tempDir('gha-'), 'summary.md');
  writeFileSync(summaryFile, '');
  const dir = project({ 'job.yaml': JOB, 'main.py': `# ${name}\n` });
  // Each stream, and both in the order they were written, as the runner reads them.
  let stdout = '';
  let stderr = '';
  let both = '';
  const r = await runCli(['run', '-f', 'job.yaml', '--name', name, ...args], {
    cwd: dir,
    env: { ...emu.env(), GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_STEP_SUMMARY: summaryFile, ...env },
    context: {
      cadence: FAST_CADENCE,
      stdout: { write: (t: string) => ((stdout += t), (both += t)) },
      stderr: { write: (t: string) => ((stderr += t), (both += t)) },
    },
  });
  return { code: r.code, stdout, stderr, both, summary: readFileSync(summaryFile, 'utf8') };
}

/**
 * What the runner makes of a step's output (GitHub's "Stopping and starting workflow commands"): a line
 * `::name props::data` (or the older `##[name]data`) is a command, unless `::stop-commands::TOKEN` came before;
 * then only the line `::TOKEN::` means anything: it resumes. Returns the commands obeyed, in order.
 */
function runnerObeys(output: string): string[] {
  const obeyed: string[] = [];
  let stopToken: string | undefined;
  for (const line of output.split('\n')) {
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const m = /^::([A-Za-z-]+)(?: [^:]*)?::(.*)$/.exec(line) ?? /^##\[([A-Za-z-]+)[^\]]*\](.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'stop-commands') stopToken = m[2];
    obeyed.push(`${m[1]}:${m[2]}`);
  }
  return obeyed;
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
    // The job's lines, and only they, between ::stop-commands::<token> and ::<token>:: (a random token).
    expect(r.stdout).toMatch(/^::stop-commands::([0-9a-f]{32})\nTraceback\.\.\.\nValueError: bad input\n::\1::\n$/);
    expect(r.summary).toContain('### PAI job ❌ Failed');
    expect(r.summary).toContain('| Reason | `JobFailed: worker-0 exited with code 1, 100% broken` |');
    expect(r.summary).toMatch(/\| Console \| \[open\]\(https:\/\/.*\) \|/);
    expect(r.summary).toContain('| Output `model` | `oss://b/model/` |');
  });

  it('a job that succeeds writes the summary and no annotation', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 50, status: 'Succeed' },
      ],
      { name: /^ghaok_/ },
    );
    const r = await runInActions('ghaok');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('::error');
    expect(r.summary).toContain('### PAI job ✅ Succeed');
  });

  it('--json keeps stdout NDJSON; the workflow commands go to stderr', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'], logs: ['::error::a JSON string, never a command\n'] },
        { at: 50, status: 'Failed', reasonCode: 'X', reasonMessage: 'y' },
      ],
      { name: /^ghajson_/ },
    );
    const r = await runInActions('ghajson', ['--json']);
    expect(r.code).toBe(1);
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(r.stdout).toContain('"line":"::error::a JSON string, never a command"');
    expect(r.stderr).toContain('::error ');
    expect(runnerObeys(r.both)).toEqual(['group:Packaging and uploading the code', 'endgroup:', 'error:X: y']);
  });

  it("a job line ::error::, ::add-mask::, ::stop-commands:: or ##[error] is text to the runner, and the tool's own annotations still work after it", async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        {
          at: 10,
          logs: [
            '::error::from the job\n',
            '::add-mask::hunter2\n',
            '::stop-commands::abc\n',
            '::abc::\n',
            '##[error]legacy, from the job\n',
            '::warning file=x::still the job\n',
          ],
        },
        { at: 80, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'boom' },
      ],
      { name: /^ghacmd_/ },
    );
    const first = await runInActions('ghacmd');
    expect(first.code).toBe(1);
    const obeyed = runnerObeys(first.both);
    const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(first.stdout)![1]!;
    expect(obeyed).toEqual(['group:Packaging and uploading the code', 'endgroup:', `stop-commands:${token}`, 'error:JobFailed: boom']);
    // Every job line is inside the region, as it was written.
    expect(first.stdout).toBe(
      `::stop-commands::${token}\n::error::from the job\n::add-mask::hunter2\n::stop-commands::abc\n::abc::\n##[error]legacy, from the job\n::warning file=x::still the job\n::${token}::\n`,
    );
    // A new token every run: a job cannot learn it from an earlier one.
    const second = await runInActions('ghacmd');
    expect(/^::stop-commands::([0-9a-f]{32})$/m.exec(second.stdout)![1]).not.toBe(token);
    expect(runnerObeys(second.both).at(-1)).toBe('error:JobFailed: boom');
  });

  it('the step summary holds no secret, and no HTML, image or link from the service', async () => {
    const reason = `leaked ${emu.accessKeySecret} <img src=x onerror=alert(1)> [click](https://evil.example) ![x](https://evil.example/x.png) | pipe \`tick`;
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 50, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: reason },
      ],
      { name: /^ghasum_/ },
    );
    const r = await runInActions('ghasum');
    expect(r.code).toBe(1);
    expect(r.summary).not.toContain(emu.accessKeySecret);
    // The whole reason is one code span (fenced by two backticks, as it holds one): GitHub shows it as text.
    expect(r.summary).toContain(
      '| Reason | ``JobFailed: leaked **** <img src=x onerror=alert(1)> [click](https://evil.example) ![x](https://evil.example/x.png) \\| pipe `tick`` |',
    );
    expect(r.summary.split('<img').length).toBe(2);
    expect(r.stderr).not.toContain(emu.accessKeySecret);
  });
});
