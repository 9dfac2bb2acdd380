import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 3 });
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';

function run(name: string, args: string[] = []) {
  const dir = project({ 'job.yaml': JOB, 'main.py': `print("${name}")\n` });
  return runCli(['run', '-f', 'job.yaml', '--name', name, ...args], {
    cwd: dir,
    env: emu.env(),
    context: { cadence: FAST_CADENCE, retry: FAST_RETRY, lostCreateGraceMs: 300 },
  });
}

const jobsNamed = (name: string) => emu.jobs.all().filter((j) => j.name.startsWith(`${name}_`));

describe('run through faults', () => {
  it("prints every line exactly once through throttling, 5xx, dropped connections and a proxy's HTML page", async () => {
    const lines = Array.from({ length: 14 }, (_, i) => `l${i}\n`);
    emu.jobs.script(
      [
        { at: 0, status: 'Creating' },
        { at: 50, status: 'Running', instances: ['worker-0'] },
        { at: 60, logs: lines.slice(0, 7) },
        { at: 200, logs: lines.slice(7) },
        { at: 350, status: 'Succeed' },
      ],
      { name: /^bumpy_/ },
    );
    emu.faults.add({ action: 'ListTrainingJobLogs', call: 2, kind: 'status', status: 400, code: 'Throttling.User' });
    emu.faults.add({ action: 'ListTrainingJobLogs', call: 4, kind: 'drop' });
    emu.faults.add({ action: 'ListTrainingJobLogs', call: 6, kind: 'html' });
    emu.faults.add({ action: 'GetTrainingJob', call: 2, times: 2, kind: 'status', status: 503, code: 'ServiceUnavailable' });
    emu.faults.add({ action: 'GetTrainingJob', call: 5, kind: 'status', status: 500, code: 'InternalError' });
    const r = await run('bumpy');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines.join(''));
    expect(r.stderr).toContain('trying again');
  });

  it('a create whose answer is lost is not sent twice: the job is found by its name', async () => {
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'drop-after' });
    const r = await run('lost', ['--detach']);
    expect(r.code).toBe(0);
    expect(jobsNamed('lost')).toHaveLength(1);
    expect(r.stderr).toContain(`Submitted ${jobsNamed('lost')[0]!.id}`);
  });

  it('a create refused before any work is retried and makes one job', async () => {
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'drop' });
    emu.faults.add({ action: 'CreateTrainingJob', call: 2, kind: 'status', status: 400, code: 'Throttling.User' });
    const r = await run('retried', ['--detach']);
    expect(r.code).toBe(0);
    expect(jobsNamed('retried')).toHaveLength(1);
  });

  it('an upload that fails once is retried', async () => {
    emu.faults.add({ action: 'PutObject', kind: 'status', status: 503, code: 'ServiceUnavailable' });
    const r = await run('upload-retry', ['--detach']);
    expect(r.code).toBe(0);
  });

  it('a service that keeps failing exits 5, and names the job that may still run', async () => {
    emu.jobs.script([{ at: 0, status: 'Running', instances: ['worker-0'] }], { name: /^down_/ });
    const fault = emu.faults.add({ action: 'GetTrainingJob', call: 2, times: Infinity, kind: 'status', status: 503, code: 'ServiceUnavailable' });
    const r = await run('down');
    emu.faults.remove(fault);
    expect(r.code).toBe(5);
    const id = jobsNamed('down')[0]!.id;
    expect(r.stderr).toContain(`pai-process logs ${id} --follow`);
  });

  it("a bad request is not retried: exit 5 at once with the service's message", async () => {
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'status', status: 400, code: 'InvalidParameter', message: 'EcsSpec is not supported' });
    const before = emu.journal.count('CreateTrainingJob');
    const r = await run('invalid');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('InvalidParameter: EcsSpec is not supported');
    expect(emu.journal.count('CreateTrainingJob')).toBe(before + 1);
  });
});
