import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 4 });
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n';

function run(args: string[], files: Record<string, string> = { 'job.yaml': JOB, 'main.py': 'print(1)\n' }, extraEnv: Record<string, string> = {}) {
  const dir = project(files);
  return runCli(['run', '-f', 'job.yaml', ...args], { cwd: dir, env: { ...emu.env(), ...extraEnv }, context: { cadence: FAST_CADENCE } });
}

function script(name: string, steps: Parameters<Emulator['jobs']['script']>[0]) {
  emu.jobs.script(steps, { name: new RegExp(`^${name}_`) });
}

describe('run against the emulator', () => {
  it('submits, streams every line once and in order across capped pages, and exits 0 on success', async () => {
    const lines = Array.from({ length: 23 }, (_, i) => `line ${i + 1}${i % 3 === 0 ? '' : '\n'}`);
    script('ok', [
      { at: 0, status: 'Creating' },
      { at: 30, status: 'Running', instances: ['worker-0'] },
      { at: 40, logs: lines.slice(0, 9) },
      { at: 150, logs: lines.slice(9) },
      { at: 300, status: 'Succeed' },
    ]);
    const r = await run(['--name', 'ok']);
    expect(r.stderr).toContain('✔ Submitted');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(Array.from({ length: 23 }, (_, i) => `line ${i + 1}\n`).join(''));
    expect(r.stderr).toMatch(/Status: Creating/);
    expect(r.stderr).toMatch(/✔ Job \S+ succeeded after/);
    expect(r.stderr).toContain('Console  https://');
  });

  it("prefixes each worker's lines when the job has several, each stream complete and in order", async () => {
    script('multi', [
      { at: 0, status: 'Running', instances: ['master-0', 'worker-0', 'worker-1'] },
      { at: 10, logs: { 'master-0': ['m1\n', 'm2\n'], 'worker-0': ['a1\n', 'a2\n', 'a3\n', 'a4\n', 'a5\n'], 'worker-1': ['b1\n'] } },
      { at: 120, logs: { 'worker-1': ['b2\n', 'b3\n'], 'master-0': ['m3\n'] } },
      { at: 250, status: 'Succeed' },
    ]);
    const r = await run(['--name', 'multi', '--set', 'instance_count=3']);
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n');
    const of = (w: string) => out.filter((l) => l.startsWith(`[${w}] `)).map((l) => l.slice(w.length + 3));
    expect(of('master-0')).toEqual(['m1', 'm2', 'm3']);
    expect(of('worker-0')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(of('worker-1')).toEqual(['b1', 'b2', 'b3']);
    expect(out).toHaveLength(11);
  });

  it.each([
    ['Failed', 1],
    ['InitializeFailed', 1],
    ['CreateFailed', 1],
    ['Terminated', 3],
    ['Stopped', 3],
  ])('a job that ends %s exits %d with the reason', async (status, code) => {
    const name = `end${status}`;
    script(name, [
      { at: 0, status: 'Creating' },
      { at: 50, status, reasonCode: 'ReasonX', reasonMessage: `went ${status}` },
    ]);
    const r = await run(['--name', name]);
    expect(r.code).toBe(code);
    // Stopped and Terminated (exit 3) say why as well: a job the platform stopped names its reason.
    expect(r.stderr).toContain(`Reason   ReasonX: went ${status}\n`);
    expect(r.stderr).toContain(code === 3 ? `was stopped (${status})` : `failed (${status})`);
  });

  it('--detach returns after submitting, with exit 0 and the command to follow', async () => {
    const r = await run(['--detach', '--name', 'detached']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/pai-process logs \S+ --follow/);
    // The job id alone on stdout (issue 16), the one the follow command names.
    expect(r.stdout).toBe(`${/pai-process logs (\S+) --follow/.exec(r.stderr)?.[1]}\n`);
  });

  it('--timeout stops following with exit 6; the job keeps running', async () => {
    script('slow', [{ at: 0, status: 'Running', instances: ['worker-0'] }]);
    const r = await run(['--timeout', '1s', '--name', 'slow']);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('(--timeout). The job keeps running (Running)');
  });

  it('--json prints NDJSON events ending with the result', async () => {
    script('json', [
      { at: 0, status: 'Running', instances: ['worker-0'] },
      { at: 10, logs: ['hello\n'] },
      { at: 100, status: 'Failed', reasonCode: 'E', reasonMessage: 'boom' },
    ]);
    const r = await run(['--json', '--name', 'json']);
    expect(r.code).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e['event'])).toContain('submitted');
    expect(events.filter((e) => e['event'] === 'log').map((e) => e['line'])).toEqual(['hello']);
    expect(events.at(-1)).toMatchObject({ event: 'result', status: 'Failed', exitCode: 1, reasonCode: 'E', reasonMessage: 'boom' });
  });

  it('uploads the code once per content', async () => {
    const files = { 'job.yaml': JOB + 'wait: false\n', 'main.py': 'print("same")\n' };
    const before = emu.journal.count('PutObject');
    // The code folder holds job.yaml and main.py: one PUT each, then the marker.
    expect((await run([], files)).code).toBe(0);
    expect(emu.journal.count('PutObject')).toBe(before + 3);
    expect((await run([], files)).code).toBe(0);
    expect(emu.journal.count('PutObject')).toBe(before + 3);
    // Another content, another prefix: both files and its marker.
    expect((await run([], { ...files, 'main.py': 'print("same!")\n' })).code).toBe(0);
    expect(emu.journal.count('PutObject')).toBe(before + 6);
  });

  it('Ctrl-C detaches: exit 130, the job keeps running, the commands to reattach and stop are printed', async () => {
    script('interrupt', [{ at: 0, status: 'Running', instances: ['worker-0'] }]);
    let fire: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const dir = project({ 'job.yaml': JOB, 'main.py': '' });
    const pending = runCli(['run', '-f', 'job.yaml', '--name', 'interrupt'], {
      cwd: dir,
      env: emu.env(),
      context: { cadence: FAST_CADENCE, onSignal: (h) => ((fire = h), () => (fire = undefined)) },
    });
    await waitFor(() => emu.jobs.all().some((j) => j.name.startsWith('interrupt_')));
    // The signal comes once the run is following the job (its first log request), not after a fixed sleep.
    await waitFor(() => following(emu.jobs.all().find((j) => j.name.startsWith('interrupt_'))!.id));
    expect(fire).toBeDefined();
    fire?.('SIGINT');
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/pai-process logs \S+ --follow/);
    expect(r.stderr).toMatch(/pai-process stop \S+/);
    const job = emu.jobs.all().find((j) => j.name.startsWith('interrupt_'))!;
    expect(emu.jobs.get(job.id)?.status).toBe('Running');
  });

  it('--stop-on-interrupt stops the job and waits for it to stop (exit 3)', async () => {
    script('stopint', [{ at: 0, status: 'Running', instances: ['worker-0'] }]);
    const stops = emu.journal.count('StopTrainingJob');
    let fire: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const dir = project({ 'job.yaml': JOB, 'main.py': '' });
    const pending = runCli(['run', '-f', 'job.yaml', '--name', 'stopint', '--stop-on-interrupt'], {
      cwd: dir,
      env: emu.env(),
      context: { cadence: FAST_CADENCE, onSignal: (h) => ((fire = h), () => (fire = undefined)) },
    });
    await waitFor(() => emu.jobs.all().some((j) => j.name.startsWith('stopint_')));
    // The signal comes once the run is following the job (its first log request), not after a fixed sleep.
    await waitFor(() => following(emu.jobs.all().find((j) => j.name.startsWith('stopint_'))!.id));
    expect(fire).toBeDefined();
    fire?.('SIGTERM');
    const r = await pending;
    expect(r.code).toBe(3);
    const job = emu.jobs.all().find((j) => j.name.startsWith('stopint_'))!;
    expect(emu.jobs.get(job.id)?.status).toBe('Stopped');
    expect(emu.journal.count('StopTrainingJob') - stops).toBe(1);
  });

  it('without credentials exits 4 and sends nothing', async () => {
    const before = emu.journal.all().length;
    const dir = project({ 'job.yaml': JOB, 'main.py': '' });
    const env = { ...emu.env(), ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' };
    const r = await runCli(['run', '-f', 'job.yaml'], { cwd: dir, env });
    expect(r.code).toBe(4);
    expect(emu.journal.all().length).toBe(before);
  });

  it('a refused secret is exit 4, and the secret never appears in the output', async () => {
    const r = await run([], undefined, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'a-wrong-secret-value' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('SignatureDoesNotMatch');
    expect(r.stderr + r.stdout).not.toContain('a-wrong-secret-value');
  });
});

/** Whether the run has asked for the job's logs, that is, it is following it. */
function following(jobId: string): boolean {
  return emu.journal.all().some((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(jobId));
}

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('credentials that stop working', () => {
  it('an STS token that expires while following: exit 4, the request id and what to do, not "no logs yet"', async () => {
    const sts = await startEmulator({ accessKeyId: 'STS.EXPIRES0001', accessKeySecret: 'sts-secret-0001', securityToken: 'sts-token-0001' });
    try {
      sts.jobs.setDefaultScript([{ at: 0, status: 'Running', instances: ['worker-0'] }]);
      const dir = project({ 'job.yaml': JOB, 'main.py': '' });
      const pending = runCli(['run', '-f', 'job.yaml'], { cwd: dir, env: sts.env(), context: { cadence: FAST_CADENCE } });
      await waitFor(() => sts.journal.count('ListTrainingJobLogs') > 0);
      sts.credentials.set('STS.EXPIRES0001', { secret: 'sts-secret-0001', securityToken: 'sts-token-0001', expired: true });
      const r = await pending;
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/InvalidSecurityToken\.Expired.*\(request id [\w-]+\)/);
      expect(r.stderr).toContain('The STS token has expired');
    } finally {
      await sts.close();
    }
  });

  it("a rejected key: exit 4 with the service's request id", async () => {
    const r = await run([], undefined, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIunknownkey0001' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/InvalidAccessKeyId.*\(request id [\w-]+\)/);
  });
});
