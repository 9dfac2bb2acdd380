// Injected faults, per action and call number, as the real clients see them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ossClient, paiClient } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { failure, minimalJob, rawRequest } from './test-support.js';

const JOBS = '/api/v1/trainingjobs';

describe('faults', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => emu.close());

  async function newJob(name: string): Promise<string> {
    const res = await paiClient(emu).call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, name) });
    return String(res.body['TrainingJobId']);
  }

  it('fails exactly the numbered call of one action with an error status and code', async () => {
    const id = await newJob('status-fault');
    const pai = paiClient(emu);
    const fault = emu.faults.add({ action: 'GetTrainingJob', call: 2, kind: 'status', status: 503, code: 'ServiceUnavailable' });
    expect((await pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`)).statusCode).toBe(200);
    // Other actions do not count towards GetTrainingJob's calls.
    await pai.call('ListTrainingJobs', 'GET', JOBS);
    const err = await failure(pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`));
    expect(err['code']).toBe('ServiceUnavailable');
    expect(err['statusCode']).toBe(503);
    expect((await pai.call('GetTrainingJob', 'GET', `${JOBS}/${id}`)).statusCode).toBe(200);
    expect(fault.hits).toBe(1);
    expect(emu.faults.pending()).toHaveLength(0);
    expect(
      emu.journal
        .filter('GetTrainingJob')
        .map((e) => e.status)
        .slice(-3),
    ).toEqual([200, 503, 200]);
  });

  it('throttles with a Retry-After header, repeated `times` times', async () => {
    const pai = paiClient(emu);
    emu.faults.add({
      action: 'ListTrainingJobs',
      kind: 'status',
      status: 429,
      code: 'Throttling.User',
      message: 'Request was denied due to user flow control.',
      retryAfter: 2,
      times: 2,
    });
    const first = await failure(pai.call('ListTrainingJobs', 'GET', JOBS));
    expect(first).toMatchObject({ code: 'Throttling.User', statusCode: 429 });
    // The same fault seen on the wire: JSON error body and Retry-After.
    const raw = await rawRequest(`${emu.paiEndpoint}${JOBS}`, 'GET', { 'x-acs-version': '2022-01-12', 'x-acs-action': 'ListTrainingJobs' });
    expect(raw.status).toBe(429);
    expect(raw.headers['retry-after']).toBe('2');
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(raw.body)).toMatchObject({ Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' });
    expect((await pai.call('ListTrainingJobs', 'GET', JOBS)).statusCode).toBe(200);
  });

  it('drops the connection before the work: no job is created', async () => {
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'drop' });
    const err = await failure(paiClient(emu).call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, 'dropped-before') }));
    expect(String(err['code'] ?? err.message)).toMatch(/ECONNRESET|socket hang up/);
    expect(emu.jobs.byName('dropped-before')).toHaveLength(0);
    expect(emu.journal.last('CreateTrainingJob')).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('drops the answer after the work: the job exists and ListTrainingJobs finds it by name', async () => {
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'drop-after' });
    const pai = paiClient(emu);
    const err = await failure(pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, 'answer-lost') }));
    expect(String(err['code'] ?? err.message)).toMatch(/ECONNRESET|socket hang up/);
    const found = await pai.call('ListTrainingJobs', 'GET', JOBS, { query: { TrainingJobName: 'answer-lost', WorkspaceId: emu.workspaceId } });
    expect(found.body['TotalCount']).toBe(1);
    const [job] = found.body['TrainingJobs'] as Array<Record<string, unknown>>;
    expect(job?.['TrainingJobName']).toBe('answer-lost');
    expect(emu.jobs.byName('answer-lost')[0]?.id).toBe(job?.['TrainingJobId']);
    expect(emu.journal.filter('CreateTrainingJob').at(-1)).toMatchObject({ status: 0, fault: 'drop-after' });
  });

  it('answers 500 after the work (status-after): the job exists though the create failed', async () => {
    emu.faults.add({ action: 'CreateTrainingJob', kind: 'status-after', status: 500, code: 'InternalError' });
    const pai = paiClient(emu);
    const err = await failure(pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, 'done-then-500') }));
    expect(err['statusCode']).toBe(500);
    expect(emu.jobs.byName('done-then-500')).toHaveLength(1);
    expect(emu.journal.filter('CreateTrainingJob').at(-1)).toMatchObject({ status: 500, fault: 'status-after' });
  });

  it('delays an answer, long enough for a short client timeout to fire', async () => {
    const id = await newJob('slow');
    emu.faults.add({ action: 'GetTrainingJob', kind: 'delay', delayMs: 300 });
    const started = Date.now();
    const res = await paiClient(emu).call('GetTrainingJob', 'GET', `${JOBS}/${id}`);
    expect(res.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    emu.faults.add({ action: 'GetTrainingJob', kind: 'delay', delayMs: 400 });
    const err = await failure(paiClient(emu, { timeout: 100 }).call('GetTrainingJob', 'GET', `${JOBS}/${id}`));
    expect(`${err.name} ${err.message}`).toMatch(/Timeout/i);
  });

  it('answers a non-JSON 502 page, which the OpenAPI client cannot parse', async () => {
    emu.faults.add({ action: 'GetTrainingJob', kind: 'html' });
    const err = await failure(paiClient(emu).call('GetTrainingJob', 'GET', `${JOBS}/whatever`));
    expect(err['code']).toBeUndefined();
    expect(err.name).toBe('SyntaxError');
    expect(emu.journal.last('GetTrainingJob')).toMatchObject({ status: 502, fault: 'html' });
  });

  it("matches any action with '*'", async () => {
    emu.faults.add({ action: '*', kind: 'status', status: 500, code: 'InternalError' });
    const err = await failure(paiClient(emu).call('ListTrainingJobs', 'GET', JOBS));
    expect(err).toMatchObject({ code: 'InternalError', statusCode: 500 });
  });

  describe('on OSS', () => {
    it('fails PutObject with an XML error status and HeadObject with x-oss-err', async () => {
      const oss = ossClient(emu);
      emu.faults.add({ action: 'PutObject', kind: 'status', status: 503, code: 'ServiceUnavailable' });
      const put = await failure(oss.put('f.txt', Buffer.from('x')));
      expect(put).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
      emu.oss.put('f.txt', 'x');
      emu.faults.add({ action: 'HeadObject', kind: 'status', status: 500, code: 'InternalError' });
      expect(await failure(oss.head('f.txt'))).toMatchObject({ code: 'InternalError', status: 500 });
      expect((await oss.head('f.txt')).status).toBe(200);
    });

    it('drops the second UploadPart; ali-oss retries the part and the upload completes', async () => {
      emu.faults.add({ action: 'UploadPart', call: 2, kind: 'drop' });
      const data = randomBytes(300_000);
      await ossClient(emu, { retryMax: 2 }).multipartUpload('retried.bin', data, { partSize: 102_400, parallel: 1 });
      expect(emu.oss.get('retried.bin')?.data.equals(data)).toBe(true);
      const parts = emu.journal.filter((e) => e.action === 'UploadPart' && e.key === 'retried.bin');
      expect(parts.map((e) => e.status)).toEqual([200, 0, 200, 200]);
    });

    it('stores the object when the PutObject answer is lost', async () => {
      emu.faults.add({ action: 'PutObject', kind: 'drop-after' });
      const err = await failure(ossClient(emu).put('lost-answer.txt', Buffer.from('stored anyway')));
      expect(err['status']).toBe(-1);
      expect(emu.oss.text('lost-answer.txt')).toBe('stored anyway');
    });

    it('answers a 502 page that is not OSS XML', async () => {
      emu.faults.add({ action: 'GetObject', kind: 'html' });
      emu.oss.put('page.txt', 'x');
      const err = await failure(ossClient(emu).get('page.txt'));
      expect(err['status']).toBe(502);
    });
  });

  it('does not keep close() waiting on a delayed answer', async () => {
    const emu2 = await startEmulator();
    // An answer delayed ten minutes: a close() that waited for it would time the test out, so no clock is read here.
    const fault = emu2.faults.add({ action: 'ListTrainingJobs', kind: 'delay', delayMs: 600_000 });
    const pending = paiClient(emu2, { timeout: 1_200_000 })
      .call('ListTrainingJobs', 'GET', JOBS)
      .catch((e: unknown) => e);
    // Close once the request has arrived and is being delayed (the fault counts its hit on arrival).
    while (fault.hits === 0) await new Promise((r) => setImmediate(r));
    await emu2.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
