// The pure parts of issue 13's service handling: --since, --status, a listed job's duration, the region of an
// OSS endpoint, the wait through a new job's not-found, and how POP / OSS errors are classified.
import { describe, expect, it } from 'vitest';
import type { JobsApi, TrainingJob } from '../../src/core/ports/backends.js';
import { fromOssError, fromPaiError, isNotFound } from '../../src/cloud/errors.js';
import { awaitCreated } from '../../src/core/await-created.js';
import { regionOfLocation, regionOfOssEndpoint } from '../../src/core/bucket-region.js';
import { ApiError, CredentialsError, NotFoundError, UsageError } from '../../src/core/errors.js';
import { durationOf, parseSince, parseStatus } from '../../src/core/list-query.js';
import { nameOf } from '../../src/cli/flags.js';

const NOW = new Date('2026-12-02T10:00:00Z');

describe('--since', () => {
  it('takes a duration back from now, a date (UTC midnight) or a time', () => {
    expect(parseSince('7d', NOW, nameOf)).toBe('2026-11-25T10:00:00Z');
    expect(parseSince('12h', NOW, nameOf)).toBe('2026-12-01T22:00:00Z');
    expect(parseSince('1d12h', NOW, nameOf)).toBe('2026-11-30T22:00:00Z');
    expect(parseSince('2026-11-01', NOW, nameOf)).toBe('2026-11-01T00:00:00Z');
    expect(parseSince('2026-11-01T08:30:00+08:00', NOW, nameOf)).toBe('2026-11-01T00:30:00Z');
  });

  it('refuses anything else, and the future', () => {
    for (const bad of ['yesterday', '7', '2026-13-01', '3w', '']) expect(() => parseSince(bad, NOW, nameOf), bad).toThrow(UsageError);
    expect(() => parseSince('2027-01-01', NOW, nameOf)).toThrow(/in the future/);
  });
});

describe('--status', () => {
  it('fixes the case and refuses a typo with a guess', () => {
    expect(parseStatus('succeed', nameOf)).toBe('Succeed');
    expect(parseStatus('Running', nameOf)).toBe('Running');
    expect(() => parseStatus('Succeeded', nameOf)).toThrow('did you mean "Succeed"?');
    expect(() => parseStatus('xyz', nameOf)).toThrow(/is not a job status/);
  });
});

describe('durationOf', () => {
  const job = (over: Partial<TrainingJob>): TrainingJob => ({
    id: 'j',
    name: 'n',
    status: 'Running',
    instances: [],
    outputs: [],
    transitions: [],
    labels: {},
    ...over,
  });
  it('keeps a duration the service gave', () => {
    expect(durationOf(job({ duration: 42, createTime: '2026-12-02T09:00:00Z' }), NOW)).toBe(42);
  });
  it('runs to now while the job runs, and to its terminal status otherwise', () => {
    expect(durationOf(job({ createTime: '2026-12-02T09:00:00Z' }), NOW)).toBe(3600);
    const done = job({
      status: 'Failed',
      createTime: '2026-12-02T09:00:00Z',
      modifiedTime: '2026-12-02T09:59:00Z',
      transitions: [
        { status: 'Running', startTime: '2026-12-02T09:00:10Z' },
        { status: 'Failed', startTime: '2026-12-02T09:10:00Z' },
      ],
    });
    expect(durationOf(done, NOW)).toBe(600);
    expect(durationOf(job({ status: 'Succeed', createTime: '2026-12-02T09:00:00Z', modifiedTime: '2026-12-02T09:01:00Z' }), NOW)).toBe(60);
    expect(durationOf(job({}), NOW)).toBeUndefined();
  });
});

describe('regions of OSS names', () => {
  it('reads the region of an endpoint and of a Location', () => {
    expect(regionOfOssEndpoint('oss-cn-shanghai.aliyuncs.com')).toBe('cn-shanghai');
    expect(regionOfOssEndpoint('my-bucket.oss-ap-southeast-1-internal.aliyuncs.com')).toBe('ap-southeast-1');
    expect(regionOfOssEndpoint('https://oss-us-west-1.aliyuncs.com')).toBe('us-west-1');
    expect(regionOfOssEndpoint('127.0.0.1:9000')).toBeUndefined();
    expect(regionOfLocation('oss-cn-hangzhou')).toBe('cn-hangzhou');
    expect(regionOfLocation('cn-hangzhou')).toBeUndefined();
  });
});

describe('error classes', () => {
  const pai = (code: string, statusCode: number) => Object.assign(new Error('x'), { code, statusCode, data: { Code: code, Message: 'm', RequestId: 'R1' } });
  it('not-found: 404 and the codes that say so, but not a missing API or a job without instances', () => {
    expect(isNotFound('TRAINING_JOB_NOT_EXIST', 400)).toBe(true);
    expect(isNotFound('WorkspaceNotFound', 404)).toBe(true);
    expect(isNotFound('NoSuchBucket', 404)).toBe(true);
    expect(isNotFound('Anything', 404)).toBe(true);
    expect(isNotFound('InvalidAction.NotFound', 404)).toBe(false);
    expect(isNotFound('TRAINING_JOB_INSTANCE_NOT_FOUND', 400)).toBe(false);
    expect(isNotFound('InvalidParameter', 400)).toBe(false);
  });
  it('RAM refusals are exit 4 naming the call; a bad key stays a credentials error', () => {
    for (const code of ['Forbidden', 'Forbidden.RAM', 'Forbidden.NoPermission', 'NoPermission']) {
      const e = fromPaiError(pai(code, 403), 'StopTrainingJob');
      expect(e, code).toBeInstanceOf(CredentialsError);
      expect(e.exitCode).toBe(4);
      expect(e.message).toMatch(/^StopTrainingJob was refused: /);
    }
    expect(fromPaiError(pai('InvalidAccessKeyId.NotFound', 404), 'GetTrainingJob').message).toMatch(/^GetTrainingJob failed: InvalidAccessKeyId/);
    expect(fromPaiError(pai('Throttling.User', 400), 'GetTrainingJob')).toMatchObject({ retryable: true, notFound: false });
  });
  it('clock skew says by how much when known, and that it is off when not', () => {
    expect(fromPaiError(pai('InvalidTimeStamp.Expired', 400), 'ListTrainingJobs', 25 * 60_000).message).toContain("clock is about 25 minutes ahead of PAI's");
    expect(fromPaiError(pai('InvalidTimeStamp.Expired', 400), 'ListTrainingJobs').message).toContain("this machine's clock is off");
    const oss = Object.assign(new Error('too skewed'), {
      code: 'RequestTimeTooSkewed',
      status: 403,
      requestTime: '2026-12-02T10:00:00.000Z',
      serverTime: '2026-12-02T13:00:00.000Z',
    });
    expect(fromOssError(oss, 'PutObject oss://b/k').message).toContain("clock is about 3 hours behind OSS's");
  });
  it("OSS AccessDenied naming another endpoint is the bucket's region (exit 2); without one, a refusal (exit 4)", () => {
    const moved = Object.assign(new Error('must be addressed'), {
      code: 'AccessDenied',
      status: 403,
      ossEndpoint: 'oss-eu-central-1.aliyuncs.com',
      bucket: 'b',
      clientRegion: 'oss-cn-hangzhou',
    });
    const e = fromOssError(moved, 'HeadObject oss://b/k');
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('Bucket b is in region eu-central-1, but the job runs in cn-hangzhou; nothing was uploaded or created');
    const denied = fromOssError(Object.assign(new Error('no right'), { code: 'AccessDenied', status: 403 }), 'PutObject oss://b/k');
    expect(denied.exitCode).toBe(4);
    expect(denied.message).toMatch(/^PutObject oss:\/\/b\/k was refused/);
  });
});

describe('awaitCreated', () => {
  const job: TrainingJob = { id: 'train-1', name: 'n', status: 'Creating', instances: [], outputs: [], transitions: [], labels: {} };
  const notFound = () => new NotFoundError('job', 'train-1', 'No training job train-1', 'hint');
  function fake(misses: number): { jobs: JobsApi; reads: () => number } {
    let n = 0;
    const jobs = {
      getJob: async () => {
        n++;
        if (n <= misses) throw notFound();
        return job;
      },
    } as unknown as JobsApi;
    return { jobs, reads: () => n };
  }

  it('reads through a few not-founds, with growing waits', async () => {
    let t = 0;
    const waits: number[] = [];
    const { jobs, reads } = fake(3);
    const got = await awaitCreated(jobs, 'train-1', {
      now: () => t,
      sleep: async (ms) => {
        waits.push(ms);
        t += ms;
      },
    });
    expect(got).toBe(job);
    expect(reads()).toBe(4);
    expect(waits).toEqual([250, 500, 1000]);
  });

  it('gives up after the grace period with the id Create returned, not "lost"', async () => {
    let t = 0;
    const { jobs, reads } = fake(Infinity);
    const error = await awaitCreated(jobs, 'train-1', {
      graceMs: 5_000,
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('CreateTrainingJob returned the id train-1, but GetTrainingJob still does not find that job after 5 s');
    expect(t).toBe(5_000);
    expect(reads()).toBeGreaterThan(3);
  });

  it('passes any other error straight on', async () => {
    const jobs = {
      getJob: async () => {
        throw new ApiError('boom', { code: 'InternalError', retryable: false });
      },
    } as unknown as JobsApi;
    await expect(awaitCreated(jobs, 'x', { now: Date.now, sleep: async () => {} })).rejects.toThrow('boom');
  });
});
