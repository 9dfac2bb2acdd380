import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ApiError, CredentialsError, NotFoundError } from '../../src/core/errors.js';
import { ManualClock, startEmulator, type Emulator } from '../emulator/index.js';
import { tempDir } from '../helpers/run-cli.js';
import { backendsFor } from './backends.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ maxLogPageSize: 3 });
});
afterAll(async () => emu?.close());

function body(name: string, extra: Record<string, unknown> = {}, on: Emulator = emu): string {
  return JSON.stringify({
    AlgorithmSpec: { Command: ['sh', '-c', 'echo hi'], Image: 'python:3.11', JobType: 'PyTorchJob', SupportsDistributedTraining: true },
    ComputeResource: { EcsCount: 1, EcsSpec: 'ecs.c6.large' },
    TrainingJobName: name,
    WorkspaceId: on.workspaceId,
    ...extra,
  });
}

describe('PaiJobsApi against the emulator, through @alicloud/openapi-client', () => {
  it('creates, gets, lists, reads logs of and stops a job', async () => {
    // Its own emulator on a clock that moves only when told, so "before the job runs" holds however slow the machine.
    const clock = new ManualClock();
    const emu = await startEmulator({ maxLogPageSize: 3, clock });
    onTestFinished(() => emu.close());
    emu.jobs.script(
      [
        { at: 0, status: 'Creating' },
        { at: 50, status: 'Running', instances: ['worker-0'] },
        { at: 60, logs: ['a\n', 'b\n', 'c\n', 'd\n', 'e'] },
      ],
      { name: 'adapters-1' },
    );
    const { jobs } = await backendsFor(emu);
    const id = await jobs.createJob(body('adapters-1', {}, emu));
    expect(id).toMatch(/\S/);
    const early = await jobs.listLogs(id, { pageNumber: 1, pageSize: 10 });
    expect(early).toEqual({ lines: [], totalCount: 0, notStarted: true });
    clock.advance(120);
    const job = await jobs.getJob(id);
    expect(job).toMatchObject({ id, name: 'adapters-1', status: 'Running' });
    expect(job.instances.map((i) => i.name)).toEqual([`${id}-worker-0`]);
    expect(job.url).toContain(id);
    const page = await jobs.listLogs(id, { pageNumber: 1, pageSize: 100 });
    expect(page.lines).toEqual(['a\n', 'b\n', 'c\n']); // the server caps the page at 3
    expect(page.totalCount).toBe(5);
    const second = await jobs.listLogs(id, { pageNumber: 2, pageSize: 3, instanceId: `${id}-worker-0` });
    expect(second.lines).toEqual(['d\n', 'e']);
    const listed = await jobs.listJobs({ workspaceId: emu.workspaceId, pageNumber: 1, pageSize: 10, name: 'adapters-1' });
    expect(listed.jobs.map((j) => j.id)).toEqual([id]);
    await jobs.stopJob(id);
    clock.advance(150);
    expect((await jobs.getJob(id)).status).toBe('Stopped');
    const create = emu.journal.last('CreateTrainingJob');
    expect(create?.signature).toMatchObject({ algorithm: 'v2', ok: true });
  });

  it('asks the workspace for its default storage', async () => {
    const { jobs } = await backendsFor(emu);
    expect(await jobs.defaultStorage(emu.workspaceId)).toBe(`oss://${emu.bucket}/pai/model_export/`);
  });

  it('maps errors: unknown job, refused credentials, a service error, an unreachable endpoint', async () => {
    const { jobs } = await backendsFor(emu);
    const missing = await jobs.getJob('train-none').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ kind: 'job', subject: 'train-none', exitCode: 2 });
    const wrong = await backendsFor(emu, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong-secret-value' });
    const refused = await wrong.jobs.getJob('x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CredentialsError);
    expect((refused as CredentialsError).message).toContain('SignatureDoesNotMatch');
    emu.faults.add({ action: 'GetTrainingJob', kind: 'status', status: 503, code: 'ServiceUnavailable' });
    const unavailable = (await jobs.getJob('x').catch((e: unknown) => e)) as ApiError;
    expect(unavailable).toMatchObject({ code: 'ServiceUnavailable', retryable: true, status: 503 });
    const nowhere = await backendsFor(emu, { PAI_ENDPOINT: 'http://127.0.0.1:1' });
    const unreachable = (await nowhere.jobs.getJob('x').catch((e: unknown) => e)) as ApiError;
    expect(unreachable).toBeInstanceOf(ApiError);
    expect(unreachable).toMatchObject({ retryable: true, ambiguous: false });
  });
});

describe('OssObjectStore against the emulator, through ali-oss', () => {
  it('heads, puts small files in one request and large ones in parts', async () => {
    const { store } = await backendsFor(emu);
    const dir = tempDir();
    const small = join(dir, 'small.bin');
    writeFileSync(small, 'hello');
    expect(await store.head(emu.bucket, 'x/small.bin')).toBeUndefined();
    await store.putFile(emu.bucket, 'x/small.bin', small);
    // A single PUT's ETag is the MD5 of its bytes, bare and upper-case (what the upload compares with).
    expect(await store.head(emu.bucket, 'x/small.bin')).toEqual({ size: 5, etag: createHash('md5').update('hello').digest('hex').toUpperCase(), meta: {} });

    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(17 * 1024 * 1024, 7));
    const progress: number[] = [];
    await store.putFile(emu.bucket, 'x/big.bin', big, { onProgress: (p) => progress.push(p.sent) });
    expect(await store.head(emu.bucket, 'x/big.bin')).toMatchObject({ size: 17 * 1024 * 1024, etag: expect.stringMatching(/^[0-9A-F]{32}-3$/) });
    expect(progress.at(-1)).toBe(17 * 1024 * 1024);
    expect(emu.journal.count('UploadPart')).toBe(3);
  });
});

describe('the service answers of issue 13, through the real clients', () => {
  it('asks ListConfigs at the AIWorkspace endpoint only, and lists with Order=DESC and StartTime', async () => {
    const { jobs } = await backendsFor(emu);
    expect(await jobs.defaultStorage(emu.workspaceId)).toBe(`oss://${emu.bucket}/pai/model_export/`);
    const missing = await jobs.defaultStorage('999').catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'workspace', subject: '999', exitCode: 2 });
    const misrouted = await backendsFor(emu, { PAI_WORKSPACE_ENDPOINT: emu.paiEndpoint });
    const error = (await misrouted.jobs.defaultStorage(emu.workspaceId).catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ code: 'InvalidAction.NotFound', status: 404 });
    await jobs.listJobs({ workspaceId: emu.workspaceId, pageNumber: 1, pageSize: 5, startTime: '2026-01-01T00:00:00Z' });
    expect(emu.journal.filter('ListTrainingJobs').at(-1)?.query).toMatchObject({ Order: 'DESC', SortBy: 'GmtCreateTime', StartTime: '2026-01-01T00:00:00Z' });
  });

  it('OssObjectStore.bucketRegion: the Location, another region, a refusal (undefined) and a missing bucket', async () => {
    const regional = await startEmulator({ bucketRegions: { 'far-bucket': 'eu-central-1' } });
    try {
      const { store } = await backendsFor(regional);
      expect(await store.bucketRegion?.(regional.bucket)).toBe('cn-hangzhou');
      expect(await store.bucketRegion?.('far-bucket')).toBe('eu-central-1');
      regional.faults.add({ action: 'GetBucketInfo', kind: 'status', status: 403, code: 'AccessDenied' });
      expect(await store.bucketRegion?.(regional.bucket)).toBeUndefined();
      const missing = (await store.bucketRegion?.('nope-bucket').catch((e: unknown) => e)) as ApiError;
      expect(missing).toMatchObject({ code: 'NoSuchBucket', notFound: true });
      // An object call on the far bucket says where it is, from the Endpoint OSS names (HEAD: x-oss-err).
      const head = await store.head('far-bucket', 'k').catch((e: unknown) => e);
      expect((head as Error).message).toBe('Bucket far-bucket is in region eu-central-1, but the job runs in cn-hangzhou; nothing was uploaded or created');
    } finally {
      await regional.close();
    }
  });
});
