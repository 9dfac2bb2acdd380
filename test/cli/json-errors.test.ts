// A bad reference (a job, workspace or bucket that does not exist) is a usage error, exit 2, and with --json the
// error carries the service's answer as fields: `code`, `requestId` and `action`, the request id being the one
// the service sent (read here from the emulator's journal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const cli = (args: string[], env: Record<string, string | undefined> = {}, cwd?: string) =>
  runCli(args, { env: { ...emu.env(), ...env }, ...(cwd ? { cwd } : {}), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });

interface ErrorDoc {
  error: { message: string; exitCode: number; hint?: string; code?: string; requestId?: string; action?: string };
}

/** The last journalled answer with this error code: the request id the CLI must report. */
function answered(code: string) {
  const entry = emu.journal
    .all()
    .filter((e) => e.errorCode === code)
    .at(-1);
  if (!entry) throw new Error(`no ${code} answer in the journal`);
  return entry;
}

describe('--json errors for a bad reference', () => {
  it('an unknown job: status, logs and stop exit 2 with code, requestId and action', async () => {
    for (const args of [
      ['status', 'train-nope'],
      ['logs', 'train-nope'],
      ['stop', 'train-nope', '--yes'],
    ]) {
      const r = await cli([...args, '--json']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      const { error } = JSON.parse(r.stdout) as ErrorDoc;
      const entry = answered('TRAINING_JOB_NOT_EXIST');
      expect(error).toMatchObject({ exitCode: 2, code: 'TRAINING_JOB_NOT_EXIST', requestId: entry.requestId });
      expect(error.action).toMatch(/TrainingJob/);
      expect(error.message).toContain('No training job train-nope');
    }
  });

  it('an unknown workspace: run exits 2 with ListConfigs, WorkspaceNotFound and its request id', async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n',
      'main.py': 'print(1)\n',
    });
    const r = await cli(['run', '-f', 'job.yaml', '--json'], { PAI_WORKSPACE_ID: '999', PAI_OSS_BUCKET_NAME: undefined }, dir);
    expect(r.code, r.stderr).toBe(2);
    const doc = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Partial<ErrorDoc>)
      .find((d) => d.error)!;
    expect(doc.error).toMatchObject({ exitCode: 2, code: 'WorkspaceNotFound', action: 'ListConfigs', requestId: answered('WorkspaceNotFound').requestId });
  });

  it('an unknown bucket: run exits 2 with NoSuchBucket, the OSS request id and the call', async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: .\n',
      'main.py': 'print(1)\n',
    });
    const r = await cli(['run', '-f', 'job.yaml', '--json'], { PAI_OSS_BUCKET_NAME: 'no-such-bucket' }, dir);
    expect(r.code, r.stderr).toBe(2);
    const doc = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Partial<ErrorDoc>)
      .find((d) => d.error)!;
    expect(doc.error).toMatchObject({ exitCode: 2, code: 'NoSuchBucket', requestId: answered('NoSuchBucket').requestId });
    expect(doc.error?.action).toMatch(/GetBucketInfo|no-such-bucket/);
    expect(doc.error?.message).toContain('Bucket no-such-bucket does not exist');
  });

  it('a refused call (exit 4) carries the same fields', async () => {
    const fault = emu.faults.add({ action: 'GetTrainingJob', kind: 'status', status: 403, code: 'Forbidden.RAM', message: 'no permission' });
    const r = await cli(['status', 'train-x', '--json']);
    emu.faults.remove(fault);
    expect(r.code, r.stderr).toBe(4);
    const { error } = JSON.parse(r.stdout) as ErrorDoc;
    expect(error).toMatchObject({ exitCode: 4, code: 'Forbidden.RAM', requestId: answered('Forbidden.RAM').requestId });
    expect(error.action).toMatch(/GetTrainingJob/);
  });
});
