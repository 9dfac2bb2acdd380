// A create whose fate is unknown (src/core/submit.ts, createOnce): the job is looked up by this run's
// submission label before anything is sent again, never by its name alone (another run's job can carry the same
// name), and a create that the service carried out but answered with a 500 is looked up, not sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n';
const LINES = ['mine 1\n', 'mine 2\n'];

/** Both runs use the same --name and the same clock (runCli's fixed now): their jobs get the same name. */
function run(name: string, args: string[] = []) {
  const dir = project({ 'job.yaml': JOB });
  return runCli(['run', '-f', 'job.yaml', '--name', name, ...args], {
    cwd: dir,
    env: emu.env(),
    context: { cadence: FAST_CADENCE, retry: FAST_RETRY, lostCreateGraceMs: 300 },
  });
}

const jobsNamed = (name: string) => emu.jobs.all().filter((j) => j.name.startsWith(`${name}_`));
const submittedId = (stderr: string) => /Submitted (\S+)/.exec(stderr)?.[1];

describe('a create whose answer is uncertain', () => {
  it("is looked up by its submission label: another run's job of the same name is not adopted", async () => {
    // Another run's job, same name, still running.
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 60, logs: ['not mine\n'] },
      ],
      { name: /^twin_/, once: true },
    );
    const other = await run('twin', ['--detach']);
    expect(other.code, other.stderr).toBe(0);
    const [theirs] = jobsNamed('twin');
    expect(theirs).toBeDefined();

    // This run's create is cut off before the service acts: its fate is unknown to the client, so it looks.
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 20, logs: LINES },
        { at: 100, status: 'Succeed' },
      ],
      { name: /^twin_/, once: true },
    );
    const creates = emu.journal.count('CreateTrainingJob');
    const lists = emu.journal.count('ListTrainingJobs');
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'drop' });
    const r = await run('twin');
    expect(r.code, r.stderr).toBe(0);
    // It looked, found only the other run's job, and sent its own create again.
    expect(emu.journal.count('ListTrainingJobs') - lists).toBeGreaterThan(0);
    expect(emu.journal.count('CreateTrainingJob') - creates).toBe(2);
    const twins = jobsNamed('twin');
    expect(twins).toHaveLength(2);
    expect(twins[0]!.name).toBe(twins[1]!.name);
    const mine = twins.find((j) => j.id !== theirs!.id)!;
    expect(submittedId(r.stderr)).toBe(mine.id);
    expect(r.stdout).toBe(LINES.join(''));
  });

  it('a create carried out but answered with a 500 is looked up, not sent again: one job, and the run follows it', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 20, logs: LINES },
        { at: 100, status: 'Succeed' },
      ],
      { name: /^done500_/, once: true },
    );
    const creates = emu.journal.count('CreateTrainingJob');
    const fault = emu.faults.add({ action: 'CreateTrainingJob', kind: 'status-after', status: 500, code: 'InternalError' });
    const r = await run('done500');
    expect(fault.hits).toBe(1);
    expect(r.code, r.stderr).toBe(0);
    expect(emu.journal.count('CreateTrainingJob') - creates).toBe(1);
    const jobs = jobsNamed('done500');
    expect(jobs).toHaveLength(1);
    expect(submittedId(r.stderr)).toBe(jobs[0]!.id);
    expect(r.stdout).toBe(LINES.join(''));
  });
});
