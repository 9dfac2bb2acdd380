// Executed mode (test/emulator/README.md): a submitted job runs for real through the local runner
// (src/core/local). Its code is laid out from the emulated OSS (every object under the CodeDir prefix,
// relative paths kept; a .tar.gz object unpacked only in legacy mode), its oss:// inputs downloaded from
// it, its log lines become the job's logs (ListTrainingJobLogs), its statuses the job's statuses,
// and its outputs are written back to the emulated OSS before the job succeeds.
import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListedObject, ObjectStore } from '../../../src/core/ports/backends.js';
import { ApiError } from '../../../src/core/errors.js';
import { nameOf } from '../../../src/cli/flags.js';
import type { Emit } from '../../../src/core/events.js';
import { runLocalJob, type LocalJobSpec } from '../../../src/core/local/index.js';
import type { OssStore } from '../oss/store.js';
import type { Job, JobExecutor, JobStore } from './jobs.js';

export interface ExecuteOptions {
  /** Where jobs are staged (one run folder each). Default: a temporary folder, removed on close(). */
  root?: string;
  /** pip-install requirements.txt into a virtualenv first, as PAI installs it. Default false (offline). */
  installRequirements?: boolean;
  /** Between SIGTERM and SIGKILL when a job is stopped. Default 2 s. */
  graceMs?: number;
  /**
   * The environment jobs inherit. Default: this process's. The shared runner (src/core/local/job-env.ts) leaves
   * out the cloud credentials, as PAI does: a container gets the job's Environments and the contract, never the
   * caller's AccessKey (CreateTrainingJob carries `Environments`, and nothing of the caller's shell).
   */
  env?: Record<string, string | undefined>;
  /**
   * Legacy mode: a CodeDir whose key is a .tar.gz object is unpacked into usercode/. Default false: the job
   * finds the archive itself in /ml/usercode, as with a service that does not unpack (the current SDK never
   * sends an archive: pai/common/oss_utils.py upload() puts a folder one object per file under a prefix,
   * and pai/job/_training_job.py passes that prefix as CodeDir). A prefix is always laid out as it is.
   */
  unpackCodeArchive?: boolean;
}

type Body = Record<string, unknown>;

/** Runs jobs for real; one per job id, stopped by StopTrainingJob or close(). */
export class Executor implements JobExecutor {
  readonly root: string;
  readonly #ownRoot: boolean;
  readonly #running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  #jobs: JobStore | undefined;

  constructor(
    private readonly oss: OssStore,
    private readonly options: ExecuteOptions = {},
  ) {
    this.#ownRoot = options.root === undefined;
    this.root = options.root ?? mkdtempSync(join(tmpdir(), 'pai-emulator-runs-'));
  }

  /** The job store whose jobs this executor drives (set once the store exists). */
  attach(jobs: JobStore): void {
    this.#jobs = jobs;
  }

  start(job: Job): void {
    const stop = new AbortController();
    const done = this.#execute(job, stop.signal).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, { stop, done });
  }

  stop(job: Job): void {
    this.#running.get(job.id)?.stop.abort();
  }

  /** Stops every job still running and waits for them; removes the staging folder it made. */
  async close(): Promise<void> {
    const all = [...this.#running.values()];
    for (const r of all) r.stop.abort();
    await Promise.all(all.map((r) => r.done));
    if (this.#ownRoot) await rm(this.root, { recursive: true, force: true });
  }

  async #execute(job: Job, signal: AbortSignal): Promise<void> {
    const jobs = this.#jobs;
    if (!jobs) throw new Error('emulator: executor not attached to a job store');
    let running = false;
    // The instances a running job lists, named as the local runner names its workers.
    let instances: string[] = [];
    const events: Emit = (event) => {
      if (event.type === 'status') {
        if (event.status === 'Running') running = true;
        const { reasonCode, reasonMessage } = event.detail;
        jobs.push(job.id, {
          status: event.status,
          ...(event.status === 'Running' ? { instances } : {}),
          ...(reasonCode ? { reasonCode } : {}),
          ...(reasonMessage ? { reasonMessage } : {}),
        });
      }
      // One worker logs without a prefix; PAI still names its instance worker-0.
      else if (event.type === 'log') jobs.log(job.id, event.worker ?? 'worker-0', `${event.line}\n`);
      else if (event.type === 'warning') jobs.push(job.id, { events: [event.message] });
    };
    try {
      const spec = specOf(job);
      instances = Array.from({ length: spec.instanceCount }, (_, i) => `worker-${i}`);
      await runLocalJob(spec, { env: this.options.env ?? process.env, store: emulatedStore(this.oss), signal, clock: Date.now }, events, {
        runs: this.root,
        runtime: 'plain',
        installRequirements: this.options.installRequirements ?? false,
        nameOf,
        graceMs: this.options.graceMs ?? 2000,
        unpackCodeArchive: this.options.unpackCodeArchive ?? false,
      });
    } catch (error) {
      // What the runner refuses (no such input, a dataset channel) fails the job, as PAI would.
      if (signal.aborted) return;
      jobs.push(job.id, {
        status: running ? 'Failed' : 'InitializeFailed',
        reasonCode: 'ExecutionFailed',
        reasonMessage: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** The local runner's view of a CreateTrainingJob body. */
export function specOf(job: Job): LocalJobSpec {
  const body = job.spec;
  const algo = (body['AlgorithmSpec'] ?? {}) as Body;
  const compute = (body['ComputeResource'] ?? {}) as Body;
  const code = ((algo['CodeDir'] ?? body['CodeDir']) as Body | undefined)?.['LocationValue'] as Body | undefined;
  const spec: LocalJobSpec = {
    name: job.name || job.id,
    image: String(algo['Image'] ?? ''),
    command: ((algo['Command'] as string[] | undefined) ?? []).map(String),
    parameters: Object.fromEntries(((body['HyperParameters'] as Body[] | undefined) ?? []).map((h) => [String(h['Name']), String(h['Value'] ?? '')])),
    environments: { ...((body['Environments'] as Record<string, string> | undefined) ?? {}) },
    requirements: ((body['PythonRequirements'] as string[] | undefined) ?? []).map(String),
    instanceCount: Number(compute['EcsCount'] ?? compute['InstanceCount'] ?? 1),
    inputs: channels(body['InputChannels'], 'InputUri'),
    outputs: channels(body['OutputChannels'], 'OutputUri'),
  };
  if (code?.['Bucket'] && code['Key'] !== undefined) spec.code = `oss://${String(code['Bucket'])}/${String(code['Key'])}`;
  const maxRunTime = ((body['Scheduler'] ?? {}) as Body)['MaxRunningTimeInSeconds'];
  if (typeof maxRunTime === 'number' && maxRunTime > 0) spec.maxRunTime = maxRunTime;
  return spec;
}

function channels(value: unknown, uriKey: 'InputUri' | 'OutputUri'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of (value as Body[] | undefined) ?? []) {
    const name = String(c['Name']);
    const uri = c[uriKey];
    if (typeof uri !== 'string' || !/^oss:\/\//i.test(uri)) {
      throw new Error(`channel ${name}: the emulator executes oss:// channels only (got ${typeof uri === 'string' ? uri : JSON.stringify(c)})`);
    }
    out[name] = uri;
  }
  return out;
}

/** The emulated OSS as the runner's ObjectStore, in memory (the HTTP side is tested on its own). */
export function emulatedStore(oss: OssStore): ObjectStore {
  const missing = (code: string, what: string) => new ApiError(`${code}: ${what}`, { code, status: 404, retryable: false });
  return {
    async head(bucket, key) {
      const o = oss.get(key, bucket);
      return o ? { size: o.data.length } : undefined;
    },
    async putFile(bucket, key, path) {
      if (!oss.hasBucket(bucket)) throw missing('NoSuchBucket', `the bucket ${bucket} does not exist`);
      oss.store(bucket, key, await readFile(path), 'application/octet-stream', {});
    },
    async putContent(bucket, key, body) {
      if (!oss.hasBucket(bucket)) throw missing('NoSuchBucket', `the bucket ${bucket} does not exist`);
      oss.store(bucket, key, body, 'application/octet-stream', {});
    },
    async getFile(bucket, key, path) {
      const o = oss.get(key, bucket);
      if (!o) throw missing('NoSuchKey', `oss://${bucket}/${key}`);
      await writeFile(path, o.data);
    },
    async list(bucket, prefix): Promise<ListedObject[]> {
      return oss.list(prefix, bucket).map((o) => ({ key: o.key, size: o.data.length }));
    },
  };
}
