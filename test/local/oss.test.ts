// `run --local` with oss:// locations, through the real OSS client (ali-oss) against the emulator's OSS:
// inputs downloaded (an object, a prefix), code from an archive, outputs uploaded.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, runCli, tempDir } from '../helpers/run-cli.js';
import { jobYaml, runFolders } from './support.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

/** The session for OSS only: a region, the OSS endpoint and credentials; no workspace. */
function ossEnv(): Record<string, string> {
  const { PAI_WORKSPACE_ID: _w, PAI_ENDPOINT: _e, ...env } = emu.env();
  return { ...env, PATH: process.env['PATH'] ?? '' };
}

describe('run --local with oss:// locations', () => {
  it("downloads a single object and a prefix as the job's inputs, and uploads an output channel", async () => {
    emu.oss.put('data/one.csv', 'a,b\n');
    emu.oss.put('data/set/x.txt', 'x\n');
    emu.oss.put('data/set/deep/y.txt', 'y\n');
    const dir = project({
      'job.yaml': jobYaml({
        command: 'cat "$PAI_INPUT_ONE" "$PAI_INPUT_SET"x.txt "$PAI_INPUT_SET"deep/y.txt; echo "$PAI_INPUT_ONE"; cp -r "$PAI_INPUT_SET" "$PAI_OUTPUT_COPY"set',
        inputs: { one: `oss://${emu.bucket}/data/one.csv`, set: `oss://${emu.bucket}/data/set/` },
        outputs: { copy: `oss://${emu.bucket}/results/run1` },
      }),
    });
    const r = await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env: ossEnv() });
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    const [run] = runFolders(dir);
    expect(r.stdout).toBe(`a,b\nx\ny\n${run}/input/data/one/one.csv\n`);
    expect(emu.oss.keys('results/run1/')).toEqual(['results/run1/set/deep/y.txt', 'results/run1/set/x.txt']);
    expect(emu.oss.text('results/run1/set/deep/y.txt')).toBe('y\n');
    expect(r.stderr).toContain(`✔ Uploaded oss://${emu.bucket}/results/run1/`);
    expect(r.stderr).toContain(`Output   copy  oss://${emu.bucket}/results/run1/`);
    expect(emu.journal.filter('GetObject').every((e) => e.signature.ok)).toBe(true);
  });

  it('runs code from an oss:// archive, as a job whose source_dir is on OSS', async () => {
    const src = project({ 'main.sh': 'echo "from the archive: $PAI_HPS_X"\n' });
    const archive = join(tempDir('tar-'), 'code.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, 'main.sh']);
    emu.oss.put('code/v1/code.tar.gz', readFileSync(archive));
    const dir = project({ 'job.yaml': jobYaml({ command: 'sh main.sh', source_dir: `oss://${emu.bucket}/code/v1/code.tar.gz`, parameters: { x: 'y' } }) });
    const r = await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env: ossEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('from the archive: y\n');
  });

  it('an input that is not there fails before the job runs, naming it (exit 2)', async () => {
    const dir = project({ 'job.yaml': jobYaml({ command: 'echo never', inputs: { train: `oss://${emu.bucket}/nothing/here/` } }) });
    const r = await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env: ossEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`inputs.train: there is nothing at oss://${emu.bucket}/nothing/here/`);
  });

  it("an output bucket that does not exist: the job's files stay in the run folder, exit 5 says so", async () => {
    const dir = project({ 'job.yaml': jobYaml({ command: 'echo r > "$PAI_OUTPUT_OUT/r.txt"', outputs: { out: 'oss://no-such-bucket/x/' } }) });
    const r = await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env: ossEnv(), context: { retry: { maxAttempts: 1 } } });
    expect(r.code).toBe(5);
    const [run] = runFolders(dir);
    expect(r.stderr).toContain('The job succeeded, but outputs.out could not be delivered to oss://no-such-bucket/x/');
    expect(r.stderr).toContain(`Its files are in ${run}/output/out/`);
  });
});
