import { describe, expect, it } from 'vitest';
import type { TrainingJob } from '../../src/core/ports/backends.js';
import { ApiError, ConfigError, InterruptedError } from '../../src/core/errors.js';
import type { Job } from '../../src/core/job.js';
import { retryingJobs } from '../../src/core/retrying-backends.js';
import { runJob, type RunEnding, type RunOptions } from '../../src/core/run-job.js';
import type { RuntimeSettings } from '../../src/core/runtime.js';
import { aJob, aSession, events, fakeClock, fakeJobs, fakeRuntime, fakeStore, trainingJob } from './submit-fakes.js';

const throttled = () => new ApiError('GetTrainingJob failed: Throttling', { code: 'Throttling', status: 429, retryable: true, action: 'GetTrainingJob' });

/**
 * A run against an in-memory PAI: `read(n, job)` answers the n-th GetTrainingJob (the first is the one right after
 * the create); the jobs API is the retrying one every command gets. The clock is fake: a run costs milliseconds.
 */
function runSetup(read: (n: number, ctl: { interrupt: () => void; now: () => number }) => TrainingJob | Promise<TrainingJob>, settings: RuntimeSettings = {}) {
  // Not at 0: a duration measured from the wrong end would show.
  const clock = fakeClock(1_000_000);
  const runtime = fakeRuntime(clock, settings);
  const ctl = { interrupt: () => runtime.interrupt(), now: clock.now };
  const fake = fakeJobs({ getJob: async (_id, n) => read(n, ctl) });
  const ev = events();
  // When each event was emitted, on the fake clock.
  const at: Record<string, number> = {};
  const emit = (e: Parameters<typeof ev.emit>[0]) => {
    at[e.type] = clock.now();
    ev.emit(e);
  };
  const endings: RunEnding[] = [];
  const run = (job: Job = aJob(), options: Partial<RunOptions> = {}) =>
    runJob(
      job,
      aSession(),
      { jobs: retryingJobs(fake.jobs, runtime.retrying), store: fakeStore().store, packCode: async () => Promise.reject(new Error('no code')), runtime },
      emit,
      {
        detach: false,
        stopOnInterrupt: false,
        onEnded: (e) => void endings.push(e),
        ...options,
      },
    );
  return { clock, runtime, ...fake, ev, at, endings, run };
}

const job = (status: string, fields: Partial<TrainingJob> = {}) => trainingJob({ status, url: 'https://console/train-1', ...fields });

describe('runJob: detached', () => {
  it('--detach: says the job was submitted and returns 0 without following it', async () => {
    const s = runSetup(() => job('Creating'));
    await expect(s.run(aJob(), { detach: true })).resolves.toBe(0);
    expect(s.ev.all).toEqual([
      { type: 'submitted', jobId: 'train-1', name: 'proc', url: 'https://console/train-1', detail: { status: 'Creating' } },
      { type: 'detached', jobId: 'train-1', status: 'Creating', exitCode: 0, detached: true, url: 'https://console/train-1' },
    ]);
    expect(s.calls.get).toHaveLength(1);
    expect(s.endings).toEqual([]);
  });

  it('wait: false in the config detaches too; a job without a console URL says null', async () => {
    const s = runSetup(() => trainingJob({ status: 'Queuing' }));
    await expect(s.run(aJob({ wait: false }))).resolves.toBe(0);
    expect(s.ev.of('submitted')[0]!.url).toBeNull();
    expect(s.ev.of('detached')[0]!.url).toBeNull();
    expect(s.calls.get).toHaveLength(1);
  });
});

describe('runJob: followed to the end', () => {
  it('exits with the job status and reports the duration the service counted, and the outputs it names', async () => {
    const outputs = [
      { name: 'model', uri: 'oss://b/model/' },
      { name: 'dataset-only', datasetId: 'd-1' },
    ];
    const s = runSetup((n) => (n < 3 ? job('Running') : job('Succeed', { duration: 42, outputs })));
    await expect(s.run(aJob({ outputs: { model: 'oss://b/sent/' } }), { stopOnInterrupt: true })).resolves.toBe(0);
    expect(s.ev.of('following')).toEqual([{ type: 'following', jobId: 'train-1', stopOnInterrupt: true }]);
    const result = s.ev.of('result')[0]!;
    expect(result.exitCode).toBe(0);
    expect(result.durationSeconds).toBe(42);
    expect(result.detail.durationMs).toBe(42_000);
    expect(result.outputs).toEqual([{ name: 'model', uri: 'oss://b/model/' }]);
    expect(s.endings).toEqual([{ job: expect.objectContaining({ status: 'Succeed' }), exitCode: 0, outputs: [{ name: 'model', uri: 'oss://b/model/' }] }]);
  });

  it('without a service duration, the time it followed on its own clock; without service outputs, the ones it sent', async () => {
    const s = runSetup((n) => (n < 4 ? job('Running') : job('Failed')));
    await expect(s.run(aJob({ outputs: { model: 'oss://b/sent', logs: { dataset_id: 'd-2' } } }))).resolves.toBe(1);
    const result = s.ev.of('result')[0]!;
    expect(s.at['result']! - s.at['following']!).toBeGreaterThan(0);
    expect(result.detail.durationMs).toBe(s.at['result']! - s.at['following']!);
    expect(result.outputs).toEqual([{ name: 'model', uri: 'oss://b/sent/' }]);
    expect(s.endings[0]!.exitCode).toBe(1);
  });

  it('a caller that does not ask how the job ended still gets its exit code', async () => {
    const s = runSetup(() => job('Failed'));
    await expect(s.run(aJob(), { onEnded: undefined })).resolves.toBe(1);
    expect(s.ev.of('result')[0]!.exitCode).toBe(1);
  });

  it('a job with no outputs at all reports none', async () => {
    const s = runSetup(() => job('Stopped'));
    await expect(s.run()).resolves.toBe(3);
    expect(s.ev.of('result')[0]!.outputs).toEqual([]);
  });

  it('--timeout: stops following, says after how long, exit 6, the job left running', async () => {
    const s = runSetup(() => job('Running'));
    await expect(s.run(aJob(), { timeoutMs: 30_000 })).resolves.toBe(6);
    const timedOut = s.ev.of('timed-out')[0]!;
    expect(timedOut.status).toBe('Running');
    expect(timedOut.detail.afterMs).toBeGreaterThanOrEqual(30_000);
    expect(timedOut.detail.afterMs).toBeLessThan(60_000);
    expect(timedOut.detail.afterMs).toBe(s.at['timed-out']! - s.at['following']!);
    expect(s.ev.of('result')).toEqual([]);
    expect(s.endings).toEqual([]);
    expect(s.calls.stop).toEqual([]);
  });

  it('a throttled status read is retried, not the end of the run', async () => {
    const s = runSetup((n) => {
      if (n === 2) throw throttled();
      return n < 4 ? job('Running') : job('Succeed');
    });
    await expect(s.run()).resolves.toBe(0);
  });

  it('follows on the runtime cadence: status reads as far apart as it says', async () => {
    const reads: number[] = [];
    const s = runSetup(
      (n, ctl) => {
        reads.push(ctl.now());
        return n < 4 ? job('Running') : job('Succeed');
      },
      { cadence: { statusMinMs: 7_000, statusMaxMs: 7_000 } },
    );
    await expect(s.run()).resolves.toBe(0);
    const gaps = reads.slice(2).map((t, i) => t - reads[i + 1]!);
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(7_000);
  });

  it("shows the job's logs only when the config says so", async () => {
    for (const show_logs of [true, false]) {
      const s = runSetup((n) => (n < 3 ? job('Running') : job('Succeed')));
      let logReads = 0;
      s.jobs.listLogs = async () => (logReads++, { lines: ['hello'], totalCount: 1, notStarted: false });
      await s.run(aJob({ show_logs }));
      expect(s.ev.of('log').length > 0).toBe(show_logs);
      expect(logReads > 0).toBe(show_logs);
    }
  });

  it("reads the job's events while it waits only when asked to", async () => {
    for (const jobEvents of [true, false]) {
      const s = runSetup((_n, ctl) => (ctl.now() < 1_060_000 ? job('Queuing') : job('Succeed')));
      let eventReads = 0;
      s.jobs.listEvents = async () => (eventReads++, { events: [], totalCount: 0 });
      await expect(s.run(aJob(), { jobEvents })).resolves.toBe(0);
      expect(eventReads > 0).toBe(jobEvents);
    }
  });

  it('a service failure while following says the job may still be running, and how to reach it', async () => {
    const forbidden = new ApiError('GetTrainingJob failed: Forbidden', { code: 'Forbidden', status: 403, retryable: false });
    const s = runSetup((n) => {
      if (n === 2) throw forbidden;
      return job('Running');
    });
    const error = (await s.run().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('GetTrainingJob failed: Forbidden');
    expect(error.code).toBe('Forbidden');
    expect(error.retryable).toBe(false);
    expect(error.hint).toBe('The job train-1 may still be running: pai-process logs train-1 --follow, or pai-process stop train-1.');
  });

  it('a failure that is not the service is passed on as it is', async () => {
    const bug = new TypeError('boom');
    const s = runSetup((n) => {
      if (n === 2) throw bug;
      return job('Running');
    });
    await expect(s.run()).rejects.toBe(bug);
  });
});

describe('runJob: Ctrl-C', () => {
  it('before the job was created: nothing submitted, cancelled, 130', async () => {
    const s = runSetup(() => job('Running'));
    s.runtime.interrupt();
    await expect(s.run()).resolves.toBe(130);
    expect(s.calls.create).toEqual([]);
    expect(s.ev.all).toEqual([{ type: 'cancelled', jobId: null, status: null, exitCode: 130, interrupted: true }]);
  });

  it('a failure before the job was created that is not Ctrl-C is thrown', async () => {
    const s = runSetup(() => job('Running'));
    const error = await s.run(aJob({ source_dir: '/home/me/code' })).catch((e: unknown) => e);
    // No bucket and no default storage: the config error, not an exit code.
    expect(error).toBeInstanceOf(ConfigError);
  });

  it('while following: stops following, leaves the job running, and names its last status seen; 130', async () => {
    const s = runSetup((n, ctl) => {
      if (n === 3) ctl.interrupt();
      return n === 1 ? job('Creating') : job('Running');
    });
    await expect(s.run()).resolves.toBe(130);
    expect(s.ev.of('interrupted')).toEqual([{ type: 'interrupted', jobId: 'train-1', status: 'Running', exitCode: 130, interrupted: true }]);
    expect(s.calls.stop).toEqual([]);
    expect(s.ev.of('stopping')).toEqual([]);
  });

  it('before the first status read: the status the create answered with', async () => {
    const s = runSetup((n, ctl) => {
      if (n === 1) ctl.interrupt();
      return job('Creating');
    });
    await expect(s.run()).resolves.toBe(130);
    expect(s.ev.of('interrupted')[0]!.status).toBe('Creating');
  });

  it('--stop-on-interrupt: stops the job (even a stop that must be retried), waits for it to stop, exit 3', async () => {
    let stops = 0;
    let readsAfterStop = 0;
    const s = runSetup((n, ctl) => {
      if (n === 3) ctl.interrupt();
      if (s.calls.stop.length === 0) return job('Running');
      return ++readsAfterStop < 3 ? job('Stopping') : job('Stopped');
    });
    const stopJob = s.jobs.stopJob;
    s.jobs.stopJob = async (id) => {
      if (++stops === 1) throw new ApiError('StopTrainingJob failed: ServiceUnavailable', { code: 'ServiceUnavailable', status: 503, retryable: true });
      return stopJob(id);
    };
    await expect(s.run(aJob(), { stopOnInterrupt: true })).resolves.toBe(3);
    expect(stops).toBe(2);
    expect(s.calls.stop).toEqual(['train-1']);
    // Read until it stopped, not a read more.
    expect(readsAfterStop).toBe(3);
    expect(s.ev.of('stopping')).toEqual([{ type: 'stopping', jobId: 'train-1' }]);
    expect(s.ev.of('interrupted')).toEqual([{ type: 'interrupted', jobId: 'train-1', status: 'Stopped', exitCode: 3, interrupted: true }]);
  });

  it('--stop-on-interrupt waits at most --stop-wait, reading once a second, then reports the last status', async () => {
    let stoppedAt = 0;
    let readsAfterStop = 0;
    const s = runSetup((n, ctl) => {
      if (n === 3) ctl.interrupt();
      if (s.calls.stop.length === 0) return job('Running');
      if (readsAfterStop++ === 0) stoppedAt = ctl.now();
      return job('Stopping');
    });
    await expect(s.run(aJob(), { stopOnInterrupt: true, stopWaitMs: 3_000 })).resolves.toBe(3);
    // Reads at 0, 1 and 2 s after the stop; at 3 s the wait is over.
    expect(readsAfterStop).toBe(3);
    expect(s.clock.now() - stoppedAt).toBe(3_000);
    expect(s.ev.of('interrupted')[0]!.status).toBe('Stopping');
  });

  it('--stop-on-interrupt with no wait: the stop is sent, the status is unknown', async () => {
    const s = runSetup((n, ctl) => {
      if (n === 3) ctl.interrupt();
      return job('Running');
    });
    await expect(s.run(aJob(), { stopOnInterrupt: true, stopWaitMs: 0 })).resolves.toBe(3);
    expect(s.calls.stop).toEqual(['train-1']);
    expect(s.calls.get).toHaveLength(3);
    expect(s.ev.of('interrupted')[0]!.status).toBeNull();
  });

  it('--stop-on-interrupt waits 60 s by default', async () => {
    let readsAfterStop = 0;
    const s = runSetup((n, ctl) => {
      if (n === 3) ctl.interrupt();
      if (s.calls.stop.length === 0) return job('Running');
      readsAfterStop++;
      return job('Stopping');
    });
    await expect(s.run(aJob(), { stopOnInterrupt: true })).resolves.toBe(3);
    expect(readsAfterStop).toBe(60);
  });

  it('an interruption thrown from inside the follow (not the runtime signal) is treated as Ctrl-C', async () => {
    const s = runSetup((n) => {
      if (n === 2) throw new InterruptedError('Interrupted');
      return job('Running');
    });
    await expect(s.run()).resolves.toBe(130);
    expect(s.ev.of('interrupted')[0]!.exitCode).toBe(130);
  });
});
