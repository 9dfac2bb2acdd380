import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, ConfigError, InterruptedError, NotFoundError } from '../../src/core/errors.js';
import { createOnce, submitJob, type PackagedCode } from '../../src/core/submit.js';
import { SUBMISSION_LABEL } from '../../src/core/request/create-training-job.js';
import { retryingJobs } from '../../src/core/retrying-backends.js';
import { aJob, aSession, events, fakeClock, fakeJobs, fakeRuntime, fakeStore, trainingJob } from './submit-fakes.js';

const NAME = 'proc_20260102_030405';
const SUB = 'sub-1';
const mine = trainingJob({ id: 'train-7', name: NAME, labels: { [SUBMISSION_LABEL]: SUB } });

const lost = () => new ApiError('CreateTrainingJob: socket hang up', { code: 'ECONNRESET', action: 'CreateTrainingJob', retryable: true, ambiguous: true });
const serverError = (status = 500, code = 'InternalError') =>
  new ApiError(`CreateTrainingJob failed: ${code}`, { code, status, requestId: 'req-9', action: 'CreateTrainingJob', retryable: true });

/** createOnce as submitJob calls it: the look-ups through the retrying backends, on a fake clock. */
function setup(options: Parameters<typeof fakeJobs>[0], grace?: number) {
  const clock = fakeClock(0);
  const runtime = fakeRuntime(clock, grace === undefined ? {} : { lostCreateGraceMs: grace });
  const fake = fakeJobs(options);
  const run = () => createOnce('{"body":1}', NAME, SUB, 'ws-1', retryingJobs(fake.jobs, runtime.retrying), runtime);
  return { clock, runtime, ...fake, run };
}

/** The waits of the look-ups (the retry policy's own backoff is 0 ms here). */
const waits = (s: { clock: { slept: number[] } }) => s.clock.slept.filter((ms) => ms > 0);

describe('createOnce: how long a lost create is looked for', () => {
  it('looks by name in the workspace, every 500 ms, and returns the job that carries its label as soon as it shows', async () => {
    let lists = 0;
    const s = setup({
      create: async () => Promise.reject(lost()),
      list: async () => (++lists >= 4 ? { jobs: [mine], totalCount: 1 } : { jobs: [], totalCount: 0 }),
    });
    await expect(s.run()).resolves.toBe('train-7');
    expect(s.calls.create).toEqual(['{"body":1}']);
    expect(s.calls.list).toEqual(Array(4).fill({ workspaceId: 'ws-1', pageNumber: 1, pageSize: 50, name: NAME }));
    expect(waits(s)).toEqual([500, 500, 500]);
  });

  it('without a grace setting looks for 10 s (the last look at exactly 10 s), then sends the create once more', async () => {
    const s = setup({ create: async () => (s.calls.create.length === 1 ? Promise.reject(lost()) : 'train-8') });
    await expect(s.run()).resolves.toBe('train-8');
    // Looks at 0, 0.5, ..., 10 s: 21 of them, 20 waits of 500 ms between.
    expect(s.calls.list).toHaveLength(21);
    expect(waits(s)).toEqual(Array(20).fill(500));
    expect(s.calls.create).toHaveLength(2);
  });

  it("the runtime's grace replaces the default", async () => {
    const s = setup({ create: async () => (s.calls.create.length === 1 ? Promise.reject(lost()) : 'train-8') }, 1_000);
    await expect(s.run()).resolves.toBe('train-8');
    expect(s.calls.list).toHaveLength(3);
    expect(waits(s)).toEqual([500, 500]);
  });

  it('a job of the same name with another submission label, or our label on another name, is not taken for ours', async () => {
    const theirs = trainingJob({ id: 'train-0', name: NAME, labels: { [SUBMISSION_LABEL]: 'other' } });
    const renamed = trainingJob({ id: 'train-5', name: `${NAME}_copy`, labels: { [SUBMISSION_LABEL]: SUB } });
    const s = setup(
      {
        create: async () => (s.calls.create.length === 1 ? Promise.reject(lost()) : 'train-8'),
        list: async () => ({ jobs: [theirs, renamed], totalCount: 2 }),
      },
      0,
    );
    await expect(s.run()).resolves.toBe('train-8');
    expect(s.calls.create).toHaveLength(2);
  });

  it('a 500 is looked up once, at once, before the create is sent again', async () => {
    const s = setup({ create: async () => (s.calls.create.length === 1 ? Promise.reject(serverError(500)) : 'train-8') });
    await expect(s.run()).resolves.toBe('train-8');
    expect(s.calls.list).toHaveLength(1);
    expect(waits(s)).toEqual([]);
  });

  it('a 500 whose job was created after all is found, not created twice', async () => {
    const s = setup({ create: async () => Promise.reject(serverError(500)), list: async () => ({ jobs: [mine], totalCount: 1 }) });
    await expect(s.run()).resolves.toBe('train-7');
    expect(s.calls.create).toHaveLength(1);
  });

  it('a 503 ServiceUnavailable or a 429 was not carried out: sent again without a look', async () => {
    for (const error of [serverError(503, 'ServiceUnavailable'), serverError(429, 'Throttling'), serverError(499, 'ClientClosed')]) {
      const s = setup({ create: async () => (s.calls.create.length === 1 ? Promise.reject(error) : 'train-8') });
      await expect(s.run()).resolves.toBe('train-8');
      expect(s.calls.list).toEqual([]);
    }
  });

  it('once a look found nothing, a later look (after a 500) is immediate, not another grace', async () => {
    const s = setup(
      {
        create: async () => {
          const n = s.calls.create.length;
          if (n === 1) throw lost();
          if (n === 2) throw serverError(500);
          return 'train-8';
        },
      },
      1_000,
    );
    await expect(s.run()).resolves.toBe('train-8');
    // The lost create's look: 3 lists over 1 s; the 500's look: one list, no wait.
    expect(s.calls.list).toHaveLength(4);
    expect(waits(s)).toEqual([500, 500]);
    expect(s.calls.create).toHaveLength(3);
  });

  it('a look-up that fails for good keeps the status and request id of the failure it reports', async () => {
    const s = setup({
      create: async () => Promise.reject(serverError(500)),
      list: async () =>
        Promise.reject(new ApiError('ListTrainingJobs failed: Forbidden', { code: 'Forbidden', status: 403, requestId: 'req-3', retryable: false })),
    });
    const error = (await s.run().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('Forbidden');
    expect(error.status).toBe(403);
    expect(error.requestId).toBe('req-3');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`so the job ${NAME} may have been created`);
    expect(s.calls.create).toHaveLength(1);
  });

  it('Ctrl-C during the look ends it at once, without waiting out the next poll', async () => {
    const s = setup({
      create: async () => Promise.reject(lost()),
      list: async () => (s.runtime.interrupt(), { jobs: [], totalCount: 0 }),
    });
    await expect(s.run()).rejects.toBeInstanceOf(InterruptedError);
    expect(s.calls.list).toHaveLength(1);
    expect(waits(s)).toEqual([]);
  });

  it('a look-up ended by something other than the service (Ctrl-C) is passed on as it is', async () => {
    const s = setup({ create: async () => Promise.reject(lost()), list: async () => Promise.reject(new InterruptedError('Interrupted')) });
    const error = await s.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('a create lost on every attempt says the job may exist, keeping its code; nothing about the status it never got', async () => {
    const s = setup({ create: async () => Promise.reject(lost()) }, 0);
    const error = (await s.run().catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe(`CreateTrainingJob: socket hang up. CreateTrainingJob got no answer, so the job ${NAME} may have been created`);
    expect(error.code).toBe('ECONNRESET');
    expect(error.status).toBeUndefined();
    expect(error.requestId).toBeUndefined();
    expect(error.hint).toContain(`pai-process list --name ${NAME}`);
  });

  it('a create that fails for good with an answer is reported as the service said, not as "may exist"', async () => {
    const refused = new ApiError('CreateTrainingJob failed: InvalidParameter', {
      code: 'InvalidParameter',
      status: 400,
      action: 'CreateTrainingJob',
      retryable: false,
    });
    const s = setup({ create: async () => Promise.reject(refused) });
    await expect(s.run()).rejects.toBe(refused);
  });

  it('an ambiguous failure of another call than the create is passed on unchanged', async () => {
    const other = new ApiError('GetTrainingJob: socket hang up', { code: 'ECONNRESET', action: 'GetTrainingJob', retryable: false, ambiguous: true });
    const s = setup({ create: async () => Promise.reject(other) });
    await expect(s.run()).rejects.toBe(other);
  });
});

const packed: PackagedCode = { kind: 'archive', sha256: 'ab'.repeat(32), fileCount: 2, totalBytes: 10, bytes: 7, path: '/tmp/code.tar.gz' };
const packer = () => {
  const packed_: string[] = [];
  return { packed: packed_, packCode: async (dir: string) => (packed_.push(dir), packed) };
};

function submitSetup(options: { storage?: string; region?: string; jobs?: Parameters<typeof fakeJobs>[0] } = {}) {
  const clock = fakeClock();
  const runtime = fakeRuntime(clock);
  const fake = fakeJobs({ defaultStorage: options.storage, ...options.jobs });
  const oss = fakeStore(options.region);
  const pack = packer();
  const ev = events();
  const deps = { jobs: fake.jobs, store: oss.store, packCode: pack.packCode, runtime, submissionId: SUB, awaitCreated: { firstDelayMs: 100, graceMs: 1_000 } };
  return { clock, runtime, ...fake, ...oss, ...pack, ev, deps };
}

const body = (create: string[]) => JSON.parse(create[0]!) as Record<string, unknown>;

describe('submitJob: the bucket, the uploads and the create', () => {
  it('a job with nothing local asks for no bucket, uploads nothing, and creates the job with its submission label', async () => {
    const s = submitSetup({ storage: 'oss://default-bucket/x/', region: 'cn-hangzhou' });
    const job = aJob({ source_dir: 'oss://code-bucket/src/', inputs: { data: 'oss://data-bucket/d/', more: 'OSS://data-bucket/e/' } });
    const submission = await submitJob(job, aSession(), s.deps, s.ev.emit);
    expect(s.calls.storage).toEqual([]);
    expect(s.regionAsked).toEqual([]);
    expect(s.puts).toEqual([]);
    expect(s.packed).toEqual([]);
    expect(submission.jobId).toBe('train-1');
    expect(submission.job.id).toBe('train-1');
    expect(body(s.calls.create)['Labels']).toEqual([{ Key: SUBMISSION_LABEL, Value: SUB }]);
    expect(s.ev.all).toEqual([]);
  });

  it('a local code folder without a configured bucket goes to the workspace default storage, said as such, after its region is checked', async () => {
    const s = submitSetup({ storage: 'oss://default-bucket/models/', region: 'cn-hangzhou' });
    const submission = await submitJob(aJob({ source_dir: '/home/me/code' }), aSession(), s.deps, s.ev.emit);
    expect(s.calls.storage).toEqual(['ws-1']);
    expect(s.ev.of('bucket')).toEqual([{ type: 'bucket', bucket: 'default-bucket', origin: 'the default storage of workspace ws-1' }]);
    expect(s.regionAsked).toEqual(['default-bucket']);
    expect(s.packed).toEqual(['/home/me/code']);
    expect(s.puts).toEqual([`oss://default-bucket/pai/processing_src/sha256-${packed.sha256}/source.tar.gz`]);
    const algorithm = submission.plan.body['AlgorithmSpec'] as { CodeDir: { LocationValue: { Bucket: string; Key: string } } };
    expect(algorithm.CodeDir.LocationValue).toMatchObject({ Bucket: 'default-bucket', Key: `pai/processing_src/sha256-${packed.sha256}/source.tar.gz` });
    // The upload can be cut short by Ctrl-C: it is given the run's signal.
    expect(s.putSignals).toEqual([s.deps.runtime.signal]);
  });

  it('a configured bucket is used as it is: no workspace look-up', async () => {
    const s = submitSetup({ storage: 'oss://default-bucket/', region: 'cn-hangzhou' });
    await submitJob(aJob({ source_dir: '/home/me/code' }), aSession({ ossBucketName: { value: 'mine', origin: 'env' } }), s.deps, s.ev.emit);
    expect(s.calls.storage).toEqual([]);
    expect(s.ev.of('bucket')).toEqual([]);
    expect(s.regionAsked).toEqual(['mine']);
    expect(s.puts[0]).toMatch(/^oss:\/\/mine\//);
  });

  it('a bucket in another region ends the submission before anything is uploaded or created', async () => {
    const s = submitSetup({ region: 'cn-beijing' });
    const error = await submitJob(aJob({ source_dir: '/home/me/code' }), aSession({ ossBucketName: { value: 'mine', origin: 'env' } }), s.deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(s.puts).toEqual([]);
    expect(s.calls.create).toEqual([]);
  });

  it('a local input file needs a bucket too, and goes up under it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'submit-test-'));
    const file = join(dir, 'data.csv');
    writeFileSync(file, 'a,b\n');
    const s = submitSetup({ storage: 'oss://default-bucket/', region: 'cn-hangzhou' });
    const submission = await submitJob(aJob({ inputs: { data: file, remote: 'OSS://elsewhere/x' } }), aSession(), s.deps, s.ev.emit);
    expect(s.calls.storage).toEqual(['ws-1']);
    expect(s.regionAsked).toEqual(['default-bucket']);
    expect(s.puts).toHaveLength(1);
    expect(s.puts[0]).toMatch(/^oss:\/\/default-bucket\/pai\/input_data\/sha256-[0-9a-f]{64}\/data\.csv$/);
    expect(JSON.stringify(submission.plan.body)).toContain(s.puts[0]!);
  });

  it('a dataset input needs no bucket', async () => {
    const s = submitSetup({ storage: 'oss://default-bucket/', region: 'cn-hangzhou' });
    await submitJob(aJob({ inputs: { data: { dataset_id: 'd-1' } } }), aSession(), s.deps, s.ev.emit);
    expect(s.calls.storage).toEqual([]);
  });

  it('a code folder already in OSS is neither packed nor uploaded, even with a bucket configured', async () => {
    const s = submitSetup({ region: 'cn-hangzhou' });
    const submission = await submitJob(aJob({ source_dir: 'oss://code-bucket/src/' }), aSession({ ossBucketName: { value: 'mine', origin: 'env' } }), s.deps);
    expect(s.packed).toEqual([]);
    expect(s.puts).toEqual([]);
    const algorithm = submission.plan.body['AlgorithmSpec'] as { CodeDir: { LocationValue: { Bucket: string; Key: string } } };
    expect(algorithm.CodeDir.LocationValue).toMatchObject({ Bucket: 'code-bucket', Key: 'src/' });
  });

  it('a configured bucket with nothing local to put there is not checked', async () => {
    const s = submitSetup({ region: 'cn-beijing' });
    await submitJob(aJob(), aSession({ ossBucketName: { value: 'mine', origin: 'env' } }), s.deps, s.ev.emit);
    expect(s.regionAsked).toEqual([]);
    expect(s.calls.create).toHaveLength(1);
  });

  it('no bucket anywhere while one is needed: a config error naming the workspace, nothing created', async () => {
    for (const storage of [undefined, 'not-a-uri']) {
      const s = submitSetup({ storage });
      const error = await submitJob(aJob({ source_dir: '/home/me/code' }), aSession(), s.deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe('Workspace ws-1 has no default storage, and no OSS bucket is configured');
      // One message and its hint: no list of config problems under it.
      expect((error as ConfigError).diagnostics).toEqual([]);
      expect(s.calls.create).toEqual([]);
      expect(s.packed).toEqual([]);
    }
  });

  it('without a submission id a fresh one is labelled, different for each submission', async () => {
    const a = submitSetup();
    const b = submitSetup();
    const { submissionId: _a, ...depsA } = a.deps;
    const { submissionId: _b, ...depsB } = b.deps;
    await submitJob(aJob(), aSession(), depsA);
    await submitJob(aJob(), aSession(), depsB);
    const label = (create: string[]) => (body(create)['Labels'] as { Key: string; Value: string }[]).find((l) => l.Key === SUBMISSION_LABEL)?.Value;
    expect(label(a.calls.create)).toMatch(/^[0-9a-f-]{36}$/);
    expect(label(a.calls.create)).not.toBe(label(b.calls.create));
  });

  it('the new job is read until the service finds it, with the given backoff', async () => {
    const s = submitSetup({
      jobs: {
        getJob: async (id, read) => (read < 3 ? Promise.reject(new NotFoundError('job', id, 'no job', '')) : trainingJob({ id, url: 'https://console/x' })),
      },
    });
    const submission = await submitJob(aJob(), aSession(), s.deps);
    expect(submission.job.url).toBe('https://console/x');
    expect(s.clock.slept).toEqual([100, 200]);
  });

  it('the new job still not found: an error that says it was created, with how to look for it', async () => {
    const s = submitSetup({ jobs: { getJob: async (id) => Promise.reject(new NotFoundError('job', id, 'no job', '')) } });
    const error = (await submitJob(aJob(), aSession(), s.deps).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('CreatedJobNotFound');
    expect(error.retryable).toBe(false);
    expect(error.hint).toBe('The job train-1 was created and may be running: pai-process status train-1, or pai-process stop train-1.');
    // Waited its 1 s grace on the fake clock, not 15 s.
    expect(s.clock.slept.reduce((a, b) => a + b, 0)).toBe(1_000);
  });

  it('Ctrl-C while waiting for the new job to show ends the wait as an interruption, not a service error', async () => {
    const s = submitSetup({
      jobs: {
        create: async () => (s.deps.runtime.interrupt(), 'train-1'),
        getJob: async (id) => Promise.reject(new NotFoundError('job', id, 'no job', '')),
      },
    });
    await expect(submitJob(aJob(), aSession(), s.deps)).rejects.toBeInstanceOf(InterruptedError);
    expect(s.calls.get).toEqual(['train-1']);
  });
});
