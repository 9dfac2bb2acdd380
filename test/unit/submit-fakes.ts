import type { JobsApi, ListJobsQuery, ObjectStore, TrainingJob } from '../../src/core/ports/backends.js';
import { InterruptedError } from '../../src/core/errors.js';
import type { Job } from '../../src/core/job.js';
import { createRuntime, type Runtime, type RuntimeSettings } from '../../src/core/runtime.js';
import type { CompleteSession } from '../../src/core/session/resolve.js';
import type { RunEvent } from '../../src/core/events.js';

/** A clock that moves only when something sleeps on it: no test waits for real time. */
export function fakeClock(start = Date.UTC(2026, 0, 2, 3, 4, 5)) {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => void (t += ms),
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new InterruptedError('Interrupted');
      // A wait loop that never ends (a deadline never reached) fails the test at once instead of hanging it.
      if (slept.length >= 10_000) throw new Error(`still waiting after ${slept.length} waits`);
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

/** A runtime on a fake clock, retrying without waiting for real. */
export function fakeRuntime(clock = fakeClock(), settings: RuntimeSettings = {}): Runtime {
  return createRuntime({ now: clock.now, sleep: clock.sleep, retry: { maxAttempts: 3, baseDelayMs: 0 }, ...settings });
}

export function trainingJob(fields: Partial<TrainingJob> = {}): TrainingJob {
  return { id: 'train-1', name: 'proc', status: 'Creating', instances: [], outputs: [], transitions: [], labels: {}, ...fields };
}

/** A validated job config: an image and a command, nothing to upload. */
export function aJob(fields: Partial<Job> = {}): Job {
  return {
    image_uri: 'registry.example/image:1',
    command: 'python main.py',
    job_type: 'PyTorchJob',
    parameters: {},
    base_job_name: 'proc',
    instance_type: 'ecs.c6.large',
    instance_count: 1,
    inputs: {},
    outputs: {},
    wait: true,
    show_logs: false,
    code_upload: 'files',
    ...fields,
  };
}

export function aSession(fields: Partial<CompleteSession> = {}): CompleteSession {
  const host = (h: string) => ({ value: { host: h, protocol: 'https' as const }, origin: 'default' });
  return {
    region: { value: 'cn-hangzhou', origin: 'env PAI_REGION_ID' },
    workspaceId: { value: 'ws-1', origin: 'env PAI_WORKSPACE_ID' },
    ossEndpoint: host('oss-cn-hangzhou.aliyuncs.com'),
    endpoint: host('pai.cn-hangzhou.aliyuncs.com'),
    workspaceEndpoint: host('aiworkspace.cn-hangzhou.aliyuncs.com'),
    network: { value: 'public', origin: 'default' },
    ...fields,
  };
}

/**
 * An in-memory PAI: createJob answers `train-1` (or what `create` does), getJob answers the statuses of
 * `statuses` one read after another (the last one repeats). Every call is recorded.
 */
export function fakeJobs(options: {
  create?: (body: string) => Promise<string>;
  statuses?: (string | TrainingJob)[];
  getJob?: (id: string, read: number) => Promise<TrainingJob>;
  list?: (query: ListJobsQuery) => Promise<{ jobs: TrainingJob[]; totalCount: number }>;
  defaultStorage?: string;
}) {
  const calls = { create: [] as string[], get: [] as string[], list: [] as ListJobsQuery[], stop: [] as string[], storage: [] as string[] };
  const statuses = options.statuses ?? ['Creating'];
  const jobs: JobsApi = {
    async createJob(body) {
      calls.create.push(body);
      return options.create ? options.create(body) : 'train-1';
    },
    async getJob(id) {
      calls.get.push(id);
      if (options.getJob) return options.getJob(id, calls.get.length);
      const s = statuses[Math.min(calls.get.length, statuses.length) - 1]!;
      return typeof s === 'string' ? trainingJob({ id, status: s }) : s;
    },
    async listJobs(query) {
      calls.list.push(query);
      return options.list ? options.list(query) : { jobs: [], totalCount: 0 };
    },
    async listLogs() {
      return { lines: [], totalCount: 0, notStarted: false };
    },
    async stopJob(id) {
      calls.stop.push(id);
    },
    async defaultStorage(ws) {
      calls.storage.push(ws);
      return options.defaultStorage;
    },
  };
  return { jobs, calls };
}

/** An in-memory OSS that has nothing yet and records what is put, and the region of each bucket asked. */
export function fakeStore(region?: string) {
  const puts: string[] = [];
  const putSignals: (AbortSignal | undefined)[] = [];
  const regionAsked: string[] = [];
  const store: ObjectStore = {
    head: async () => undefined,
    putFile: async (bucket, key, _path, options) => void (puts.push(`oss://${bucket}/${key}`), putSignals.push(options?.signal)),
    putContent: async (bucket, key) => void puts.push(`oss://${bucket}/${key}`),
    getFile: async () => {},
    list: async () => [],
    ...(region ? { bucketRegion: async (bucket: string) => (regionAsked.push(bucket), region) } : {}),
  };
  return { store, puts, putSignals, regionAsked };
}

/** Collects the events a run emits. */
export function events() {
  const all: RunEvent[] = [];
  return {
    all,
    emit: (e: RunEvent) => void all.push(e),
    of: <T extends RunEvent['type']>(type: T) => all.filter((e) => e.type === type) as Extract<RunEvent, { type: T }>[],
  };
}
