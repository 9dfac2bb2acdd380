// The emulator's endpoints, list window and bucket regions: AIWorkspace on its own port (the SDK's
// pai/api/client_factory.py builds one endpoint per product), ListTrainingJobs' 7-day default window and
// Order (official ListTrainingJobsRequest), and OSS's answer for a bucket addressed through another
// region's endpoint (403 AccessDenied with <Endpoint>; on HEAD only the x-oss-err header).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paiClient, ossClient } from './clients.js';
import { ManualClock, startEmulator, type Emulator } from './index.js';
import { failure } from './test-support.js';

const DAY = 24 * 60 * 60 * 1000;
const LIST = '/api/v1/trainingjobs';

describe('AIWorkspace on its own port', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  it('answers ListConfigs on the workspace port and 404 InvalidAction.NotFound for it on the PAI port', async () => {
    expect(emu.workspacePort).not.toBe(emu.paiPort);
    expect(emu.env()['PAI_WORKSPACE_ENDPOINT']).toBe(emu.workspaceEndpoint);
    const path = `/api/v1/workspaces/${emu.workspaceId}/configs`;
    const ok = await paiClient(emu, { endpoint: emu.workspaceEndpoint, signatureAlgorithm: 'v2' }).call('ListConfigs', 'GET', path, {
      version: '2021-02-04',
      query: { ConfigKeys: 'modelExportPath' },
    });
    expect(ok.body['Configs']).toEqual([{ ConfigKey: 'modelExportPath', ConfigValue: `oss://${emu.bucket}/pai/model_export/` }]);
    // A tool that sent ListConfigs to the PaiStudio host would fail, as it would on the service.
    const wrongHost = await failure(paiClient(emu, { signatureAlgorithm: 'v2' }).call('ListConfigs', 'GET', path, { version: '2021-02-04' }));
    expect(wrongHost['statusCode']).toBe(404);
    expect(wrongHost['code']).toBe('InvalidAction.NotFound');
  });

  it('does not answer PaiStudio calls on the workspace port', async () => {
    const err = await failure(paiClient(emu, { endpoint: emu.workspaceEndpoint }).call('ListTrainingJobs', 'GET', LIST));
    expect(err['code']).toBe('InvalidAction.NotFound');
  });
});

describe('ListTrainingJobs window and order', () => {
  let emu: Emulator;
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  beforeAll(async () => {
    emu = await startEmulator({ clock });
    emu.jobs.create({ TrainingJobName: 'old_job', WorkspaceId: emu.workspaceId });
    clock.advance(8 * DAY);
    emu.jobs.create({ TrainingJobName: 'new_job_a', WorkspaceId: emu.workspaceId });
    clock.advance(1000);
    emu.jobs.create({ TrainingJobName: 'new_job_b', WorkspaceId: emu.workspaceId });
  });
  afterAll(() => emu.close());

  const names = (body: Record<string, unknown>) => (body['TrainingJobs'] as { TrainingJobName: string }[]).map((j) => j.TrainingJobName);

  it('lists only the last 7 days without StartTime, and older jobs with it', async () => {
    const pai = paiClient(emu, { signatureAlgorithm: 'v2' });
    const recent = await pai.call('ListTrainingJobs', 'GET', LIST, { query: { WorkspaceId: emu.workspaceId } });
    expect(names(recent.body)).toEqual(['new_job_b', 'new_job_a']);
    expect(recent.body['TotalCount']).toBe(2);
    const since = new Date(clock.now() - 30 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
    const all = await pai.call('ListTrainingJobs', 'GET', LIST, { query: { WorkspaceId: emu.workspaceId, StartTime: since } });
    expect(names(all.body)).toEqual(['new_job_b', 'new_job_a', 'old_job']);
  });

  it('takes Order=DESC and ASC as the model writes them, and refuses anything else', async () => {
    const pai = paiClient(emu, { signatureAlgorithm: 'v2' });
    const asc = await pai.call('ListTrainingJobs', 'GET', LIST, { query: { Order: 'ASC', SortBy: 'GmtCreateTime' } });
    expect(names(asc.body)).toEqual(['new_job_a', 'new_job_b']);
    const desc = await pai.call('ListTrainingJobs', 'GET', LIST, { query: { Order: 'DESC', SortBy: 'GmtCreateTime' } });
    expect(names(desc.body)).toEqual(['new_job_b', 'new_job_a']);
    const bad = await failure(pai.call('ListTrainingJobs', 'GET', LIST, { query: { Order: 'newest' } }));
    expect(bad['code']).toBe('InvalidParameter');
  });

  it('lists every job with listWindowDays: 0', async () => {
    const c = new ManualClock(Date.UTC(2026, 10, 1));
    const open = await startEmulator({ clock: c, listWindowDays: 0 });
    try {
      open.jobs.create({ TrainingJobName: 'ancient', WorkspaceId: open.workspaceId });
      c.advance(100 * DAY);
      const res = await paiClient(open).call('ListTrainingJobs', 'GET', LIST, {});
      expect(names(res.body)).toEqual(['ancient']);
    } finally {
      await open.close();
    }
  });
});

describe('a bucket in another region', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ bucketRegions: { 'sh-bucket': 'cn-shanghai' } });
  });
  afterAll(() => emu.close());

  it('answers GetBucketInfo with its Location, and the own region for the others', async () => {
    const info = await ossClient(emu).getBucketInfo('sh-bucket');
    expect((info.bucket as { Location: string }).Location).toBe('oss-cn-shanghai');
    const own = await ossClient(emu).getBucketInfo(emu.bucket);
    expect((own.bucket as { Location: string }).Location).toBe('oss-cn-hangzhou');
  });

  it('refuses object calls with 403 AccessDenied naming the right endpoint, in the body and (HEAD) in x-oss-err', async () => {
    const oss = ossClient(emu, { bucket: 'sh-bucket' }) as ReturnType<typeof ossClient> & { requestError(result: RawResult): Promise<Error> };
    // ali-oss keeps only Code and Message of an error: read the raw answer it builds the error from.
    const answers: RawResult[] = [];
    const original = oss.requestError.bind(oss);
    oss.requestError = (result: RawResult) => {
      answers.push(result);
      return original(result);
    };
    const put = await failure(oss.put('k', Buffer.from('x')));
    expect(put['status']).toBe(403);
    expect(put['code']).toBe('AccessDenied');
    expect(String(answers[0]?.data)).toContain('<Endpoint>oss-cn-shanghai.aliyuncs.com</Endpoint>');
    expect(emu.oss.keys('', 'sh-bucket')).toEqual([]);

    const head = await failure(oss.head('k'));
    expect(head['status']).toBe(403);
    expect(head['code']).toBe('AccessDenied');
    const err = answers[1]?.headers['x-oss-err'];
    expect(Buffer.from(err ?? '', 'base64').toString('utf8')).toContain('<Endpoint>oss-cn-shanghai.aliyuncs.com</Endpoint>');
  });
});

interface RawResult {
  status: number;
  headers: Record<string, string>;
  data?: Buffer;
}
