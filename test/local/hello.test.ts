// The hello example (docs/local.md's first command), run locally by the built CLI as a user runs it, and the same job
// through the emulator's executed mode (submit, logs and outputs through the cloud APIs).
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, runCli, tempDir } from '../helpers/run-cli.js';
import { ROOT as root, spawnCli } from '../helpers/spawn-cli.js';
import { python3Available } from './support.js';

/** A copy of examples/hello, so that its run folders land in a temporary folder and not in the repository. */
function helloCopy(): string {
  const dir = tempDir('hello-');
  cpSync(join(root, 'examples', 'hello'), dir, { recursive: true, filter: (src) => !src.includes('.pai-process') });
  return dir;
}

const EXPECTED_REPORT = {
  files: 1,
  words: 16,
  top: [
    ['the', 4],
    ['fox', 2],
    ['dog', 2],
    ['quick', 1],
    ['brown', 1],
  ],
};

const cli = spawnCli;

describe.runIf(python3Available())('the hello example', () => {
  it('`pai-process run --local -f examples/hello/job.yaml` (the built CLI, no cloud account): exit 0, its report in output/report/', async () => {
    const dir = helloCopy();
    const r = await cli(['run', '--local', '-f', 'job.yaml'], dir, { PATH: process.env['PATH'] ?? '', CI: 'true' });
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    const runs = join(dir, '.pai-process', 'runs');
    const [run] = readdirSync(runs);
    const report = join(runs, run!, 'output', 'report', 'report.json');
    expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual(EXPECTED_REPORT);
    expect(r.stdout).toContain(`wrote ${report}\n`);
    expect(r.stdout).toContain('"words": 16');
    // The example names an oss:// output; without a session it stays in the run folder, and the summary says where.
    expect(r.stderr).toContain('! outputs.report (oss://my-bucket/pai-process/hello/report/) will not be uploaded');
    expect(r.stderr).toContain(`Output   report  ${join(runs, run!, 'output', 'report')}/`);
  });

  describe('through the emulator in executed mode', () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator({ execute: true });
    });
    afterAll(async () => emu?.close());

    it('`pai-process run` submits it, the emulator runs it, its logs come back through ListTrainingJobLogs and its report lands in OSS', async () => {
      const dir = helloCopy();
      const logCalls = emu.journal.count('ListTrainingJobLogs');
      const r = await runCli(['run', '-f', 'job.yaml'], {
        cwd: dir,
        env: { ...emu.env(), PATH: process.env['PATH'] ?? '' },
        context: { cadence: FAST_CADENCE },
      });
      expect(r.stderr).toContain('✔ Submitted');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('"words": 16');
      expect(r.stdout).toMatch(/wrote \S+\/output\/report\/report\.json\n/);
      expect(r.stderr).toMatch(/✔ Job \S+ succeeded/);
      expect(r.stderr).toContain(`Output   report  oss://${emu.bucket}/pai-process/hello/report/`);
      // The output channel was written to the emulated OSS, where the job's OutputUri points.
      expect(JSON.parse(emu.oss.text('pai-process/hello/report/report.json') ?? 'null')).toEqual(EXPECTED_REPORT);
      // Logs were served through the API, as a cloud job's are.
      expect(emu.journal.count('ListTrainingJobLogs') - logCalls).toBeGreaterThan(0);
      const [job] = emu.jobs.all().filter((j) => j.status === 'Succeed' && j.logs.some((l) => l.text.includes('"words": 16')));
      expect(job?.instances.map((i) => i.name)).toEqual([`${job!.id}-worker-0`]);
    });

    it('a job that fails there fails here: exit 1, with the reason; StopTrainingJob stops a running one', async () => {
      const dir = tempDir('job-');
      cpSync(join(root, 'examples', 'hello', 'main.py'), join(dir, 'main.py'));
      const yaml = (command: string, name: string) =>
        `image_uri: python:3.11\ncommand: ${JSON.stringify(command)}\ninstance_type: ecs.c6.large\nsource_dir: .\nbase_job_name: ${name}\n`;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'job.yaml'), yaml('echo failing; exit 4', 'fails'));
      const failed = await runCli(['run', '-f', 'job.yaml'], {
        cwd: dir,
        env: { ...emu.env(), PATH: process.env['PATH'] ?? '' },
        context: { cadence: FAST_CADENCE },
      });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('failing\n');
      expect(failed.stderr).toContain('Reason   WorkerFailed: the command exited with code 4');

      writeFileSync(join(dir, 'job.yaml'), yaml('echo sleeping; sleep 60', 'sleeps'));
      let handler: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
      const running = runCli(['run', '-f', 'job.yaml', '--stop-on-interrupt'], {
        cwd: dir,
        env: { ...emu.env(), PATH: process.env['PATH'] ?? '' },
        context: { cadence: FAST_CADENCE, onSignal: (h) => ((handler = h), () => undefined) },
      });
      const until = Date.now() + 10_000;
      while (!emu.jobs.all().some((j) => j.name.startsWith('sleeps_') && j.logs.length > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      handler!('SIGINT');
      const stopped = await running;
      expect(stopped.code).toBe(3);
      const job = emu.jobs.all().find((j) => j.name.startsWith('sleeps_'));
      expect(job?.status).toBe('Stopped');
    });
  });
});
