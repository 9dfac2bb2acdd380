// The request journal: what tests can assert on after driving the emulator with real clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ossClient, paiClient } from './clients.js';
import { startEmulator, type Emulator, type JournalEntry } from './index.js';
import { minimalJob } from './test-support.js';

describe('journal', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => emu.close());

  it('records PAI requests with their parsed body, query, headers and signature check', async () => {
    const seen: JournalEntry[] = [];
    const stop = emu.journal.onEntry((e) => seen.push(e));
    const body = minimalJob(emu, 'journaled');
    const res = await paiClient(emu, { signatureAlgorithm: 'v2' }).call('CreateTrainingJob', 'POST', '/api/v1/trainingjobs', { body });
    await paiClient(emu).call('ListTrainingJobs', 'GET', '/api/v1/trainingjobs', { query: { TrainingJobName: 'journaled' } });
    stop();
    await paiClient(emu).call('ListTrainingJobs', 'GET', '/api/v1/trainingjobs');
    expect(seen.map((e) => e.action)).toEqual(['CreateTrainingJob', 'ListTrainingJobs']);

    const create = emu.journal.filter('CreateTrainingJob')[0];
    expect(create).toMatchObject({
      service: 'pai',
      method: 'POST',
      path: '/api/v1/trainingjobs',
      body,
      status: 200,
      requestId: res.body['RequestId'],
      signature: { algorithm: 'v2', ok: true, accessKeyId: emu.accessKeyId },
    });
    expect(create?.headers['authorization']).toMatch(/^acs /);
    expect(create?.headers['x-acs-action']).toBe('CreateTrainingJob');
    expect(emu.journal.filter((e) => e.action === 'ListTrainingJobs' && e.query['TrainingJobName'] === 'journaled')).toHaveLength(1);
    expect(emu.journal.count('ListTrainingJobs')).toBe(2);
  });

  it('records OSS requests with bucket, key and the body size and sha256', async () => {
    await ossClient(emu).put('j/file.txt', Buffer.from('abc'));
    expect(emu.journal.last('PutObject')).toMatchObject({
      service: 'oss',
      bucket: emu.bucket,
      key: 'j/file.txt',
      bodyInfo: { length: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
      signature: { algorithm: 'oss-v1', ok: true },
      status: 200,
    });
    expect(emu.journal.last('PutObject')?.body).toBeUndefined();
  });

  it('records refusals with the error code and clears on demand', async () => {
    await ossClient(emu, { accessKeySecret: 'nope' })
      .get('j/file.txt')
      .catch(() => undefined);
    expect(emu.journal.last()).toMatchObject({ action: 'GetObject', status: 403, errorCode: 'SignatureDoesNotMatch', signature: { ok: false } });
    emu.journal.clear();
    expect(emu.journal.all()).toEqual([]);
    expect(emu.faults.calls('PutObject')).toBe(1);
  });
});
