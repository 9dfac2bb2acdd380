// `config show --check`: a preflight that asks the service (the emulator here) whether a run can start. Each
// failure ends with its own exit code and a message that says what to fix; nothing is ever created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_RETRY, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ bucketRegions: { 'sh-bucket': 'cn-shanghai' } });
});
afterAll(async () => emu?.close());

const check = (env: Record<string, string | undefined> = {}, extra: string[] = []) =>
  runCli(['config', 'show', '--check', ...extra], {
    env: { ...emu.env(), ...env },
    context: { retry: FAST_RETRY, timeouts: { connectMs: 500, readMs: 2000 } },
  });

describe('config show --check', () => {
  it('all holds: exit 0, one line per check, and only reads were sent', async () => {
    const from = emu.journal.all().length;
    const r = await check();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/workspace\s+100001/);
    expect(r.stderr).toContain('✔ PAI accepts the credentials (ListTrainingJobs at 127.0.0.1:');
    expect(r.stderr).toContain(`✔ workspace ${emu.workspaceId} exists in cn-hangzhou`);
    expect(r.stderr).toContain('✔ bucket pai-emulator-bucket exists and is in cn-hangzhou');
    const actions = emu.journal
      .all()
      .slice(from)
      .map((e) => e.action);
    expect(actions).toEqual(['ListTrainingJobs', 'ListConfigs', 'GetBucketInfo']);
    const json = await check({}, ['--json']);
    expect(json.code).toBe(0);
    expect(Object.keys((JSON.parse(json.stdout) as { check: Record<string, string> }).check)).toEqual(['credentials', 'workspace', 'bucket']);
  });

  it('credentials the service refuses: exit 4, the code and what to do', async () => {
    const r = await check({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-secret' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('SignatureDoesNotMatch');
    expect(r.stderr).toContain('→');
    expect(r.stderr).not.toContain('not-the-secret');
  });

  it('a workspace that does not exist: exit 2 naming it and where to find the right one', async () => {
    const r = await check({ PAI_WORKSPACE_ID: '999' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No PAI workspace 999 in region cn-hangzhou');
    expect(r.stderr).toContain('PAI console');
  });

  it('a bucket that does not exist, or is in another region: exit 2 naming it and the fix', async () => {
    const missing = await check({ PAI_OSS_BUCKET_NAME: 'no-such-bucket' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Bucket no-such-bucket does not exist');
    const elsewhere = await check({ PAI_OSS_BUCKET_NAME: 'sh-bucket' });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('Bucket sh-bucket is in region cn-shanghai, but the job runs in cn-hangzhou');
  });

  it('an incomplete session: exit 2 before anything is sent; no credentials: exit 4', async () => {
    const from = emu.journal.all().length;
    const noWorkspace = await check({ PAI_WORKSPACE_ID: undefined });
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toContain('no workspace');
    expect(emu.journal.all().length).toBe(from);
    const noCredentials = await check({ ALIBABA_CLOUD_ACCESS_KEY_ID: undefined, ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined });
    expect(noCredentials.code).toBe(4);
  });

  it('PAI unreachable: exit 5 naming the endpoint to check', async () => {
    const r = await check({ PAI_ENDPOINT: 'http://127.0.0.1:1' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('PAI_ENDPOINT');
  });
});
