// startEmulator(): a local PAI (PaiStudio + AIWorkspace) + OSS set for tests and offline use. The three
// servers bind 127.0.0.1 only, each on its own port (0 = any free port), and verify every signature.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from './clock.js';
import { CredentialStore, type CredentialEntry } from './credentials.js';
import { Faults } from './faults.js';
import { Journal } from './journal.js';
import { MultipartUploads } from './oss/multipart.js';
import { ossAdapter } from './oss/server.js';
import { OssStore } from './oss/store.js';
import { NonceCache } from './pai/auth.js';
import { Executor, type ExecuteOptions } from './pai/execute.js';
import { JobStore } from './pai/jobs.js';
import type { Script } from './pai/script.js';
import { paiAdapter } from './pai/server.js';
import { createHandler, Sleeper } from './service.js';

export { ManualClock, systemClock, type Clock } from './clock.js';
export type { CredentialEntry } from './credentials.js';
export type { ActiveFault, FaultKind, FaultSpec, Faults } from './faults.js';
export { RANDOM_FAULT_KINDS, type RandomFaultKind, type RandomFaultOptions, type RandomFaults } from './faults.js';
export type { Journal, JournalEntry, SignatureCheck } from './journal.js';
export type { StoredObject, OssStore } from './oss/store.js';
export type { Job, JobStore, LogLine, Instance, Transition } from './pai/jobs.js';
export type { ExecuteOptions } from './pai/execute.js';
export { defaultScript, TERMINAL_STATUSES, type InstanceInit, type Script, type ScriptStep } from './pai/script.js';

export interface EmulatorOptions {
  /** Default 'cn-hangzhou'. */
  region?: string;
  /** The workspace jobs are created in. Default '100001'. */
  workspaceId?: string;
  /** The default OSS bucket (exists from the start). Default 'pai-emulator-bucket'. */
  bucket?: string;
  /** More buckets that exist from the start. */
  buckets?: string[];
  /** The default key pair. Defaults: 'EMULATORAKID0001' / 'emulator-access-key-secret'. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Makes the default key pair an STS credential that needs this token. */
  securityToken?: string;
  /** All known keys (id → {secret, securityToken?, expired?}); replaces the default pair. */
  credentials?: Record<string, CredentialEntry>;
  /** Ports to listen on (127.0.0.1). Default 0 for each (any free port). */
  paiPort?: number;
  ossPort?: number;
  /** The AIWorkspace (ListConfigs) port: its own endpoint, as on the service. */
  workspacePort?: number;
  /**
   * ListTrainingJobs without StartTime lists only jobs created this many days back, as the service does.
   * Default 7; 0 lists every job.
   */
  listWindowDays?: number;
  /**
   * Buckets in another region than `region` (name → region, such as { 'sh-bucket': 'cn-shanghai' }); they
   * exist from the start. GetBucketInfo answers their Location; any other request for them through this
   * emulator's OSS endpoint answers 403 AccessDenied with the right <Endpoint>, as OSS does.
   */
  bucketRegions?: Record<string, string>;
  /** The clock job scripts run on. Default: real time. Use a ManualClock to step jobs by hand. */
  clock?: Clock;
  /** Shifts the services' idea of "now" for signature dates (e.g. 20 min makes every request stale). */
  serverTimeOffsetMs?: number;
  /** Allowed clock skew of a request's date. Default 15 minutes, as the services. */
  maxSkewMs?: number;
  /** Script for jobs that no registered script matches (see pai/script.ts). */
  defaultScript?: Script;
  /** How long a stopped job stays Stopping. Default 100 ms. */
  stopDelayMs?: number;
  /** The status a stopped job ends in. Default 'Stopped'. */
  stopFinalStatus?: 'Stopped' | 'Terminated';
  /** Server-side cap on ListTrainingJobLogs/Events PageSize. Default 100. */
  maxLogPageSize?: number;
  /** PageSize when the request gives none. Default 10. */
  defaultLogPageSize?: number;
  /** ListTrainingJobLogs TotalCount reports this many lines more than it serves. Default 0 (pai/logs.ts). */
  logTotalCountAhead?: number;
  /** A broken ListTrainingJobLogs that serves page 1 whatever PageNumber says. Default false. */
  logIgnorePageNumber?: boolean;
  /** A broken ListTrainingJobLogs whose pages hold this many lines more than PageSize. Default 0. */
  logOverServe?: number;
  /** GetTrainingJob answers Instances: [] once a job ended (its pods collected). Default false (pai/jobs.ts). */
  emptyInstancesAfterEnd?: boolean;
  /** Settings.JobReservedMinutes leads to SucceededReserving / FailedReserving. Default false (pai/jobs.ts). */
  reserving?: boolean;
  /** Workspaces (id → aiworkspace configs). Default: workspaceId with modelExportPath in the bucket. */
  workspaces?: Record<string, Record<string, string>>;
  /** The bucket of cname-style requests (no bucket on the wire). Default: bucket. */
  cnameBucket?: string;
  /**
   * Executed mode: jobs that no registered script matches run for real through the local runner
   * (src/core/local): code and oss:// inputs from the emulated OSS, logs served by ListTrainingJobLogs,
   * outputs written back to the emulated OSS. `true` for the defaults, or options (pai/execute.ts).
   */
  execute?: boolean | ExecuteOptions;
}

export interface Emulator {
  /** http://127.0.0.1:PORT of the PAI (PaiStudio) server. */
  readonly paiEndpoint: string;
  /** http://127.0.0.1:PORT of the AIWorkspace server (ListConfigs). */
  readonly workspaceEndpoint: string;
  readonly workspacePort: number;
  /** http://127.0.0.1:PORT of the OSS server. */
  readonly ossEndpoint: string;
  readonly paiPort: number;
  readonly ossPort: number;
  readonly region: string;
  /** The region as ali-oss names it: 'oss-' + region. */
  readonly ossRegion: string;
  readonly workspaceId: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string | undefined;
  /** The environment that points pai-process at this emulator. */
  env(): Record<string, string>;
  readonly jobs: JobStore;
  readonly faults: Faults;
  readonly journal: Journal;
  readonly oss: OssStore;
  readonly multipart: MultipartUploads;
  readonly credentials: CredentialStore;
  readonly clock: Clock;
  /** Shift of the services' "now" for signature dates; may be changed at any time. */
  serverTimeOffsetMs: number;
  /** In executed mode, the folder jobs are staged in (one run folder per job); undefined otherwise. */
  readonly runsRoot: string | undefined;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'cn-hangzhou';
  const workspaceId = options.workspaceId ?? '100001';
  const bucket = options.bucket ?? 'pai-emulator-bucket';
  const keys: Record<string, CredentialEntry> = options.credentials ?? {
    [options.accessKeyId ?? 'EMULATORAKID0001']: {
      secret: options.accessKeySecret ?? 'emulator-access-key-secret',
      ...(options.securityToken !== undefined ? { securityToken: options.securityToken } : {}),
    },
  };
  const accessKeyId = options.accessKeyId ?? Object.keys(keys)[0];
  const defaultKey = accessKeyId !== undefined ? keys[accessKeyId] : undefined;
  if (accessKeyId === undefined || !defaultKey) throw new Error('emulator: credentials must contain the accessKeyId it is started with');

  const clock = options.clock ?? systemClock;
  const maxSkewMs = options.maxSkewMs ?? 15 * 60 * 1000;
  const credentials = new CredentialStore(keys);
  const faults = new Faults();
  const journal = new Journal();
  const sleeper = new Sleeper();
  const store = new OssStore(bucket);
  for (const b of options.buckets ?? []) store.createBucket(b);
  for (const [b, r] of Object.entries(options.bucketRegions ?? {})) store.setRegion(b, r);
  const multipart = new MultipartUploads(store);
  const executor = options.execute ? new Executor(store, options.execute === true ? {} : options.execute) : undefined;
  const jobs = new JobStore({
    clock,
    ...(executor ? { executor } : {}),
    ...(options.defaultScript ? { defaultScript: options.defaultScript } : {}),
    ...(options.stopDelayMs !== undefined ? { stopDelayMs: options.stopDelayMs } : {}),
    ...(options.stopFinalStatus ? { stopFinalStatus: options.stopFinalStatus } : {}),
    ...(options.emptyInstancesAfterEnd ? { emptyInstancesAfterEnd: true } : {}),
    ...(options.reserving ? { reserving: true } : {}),
    writeObject: (b, key, data) => store.put(key, data, { bucket: b }),
  });
  executor?.attach(jobs);
  const workspaces = new Map(Object.entries(options.workspaces ?? { [workspaceId]: { modelExportPath: `oss://${bucket}/pai/model_export/` } }));

  let offset = options.serverTimeOffsetMs ?? 0;
  const serverNow = (): number => Date.now() + offset;
  const env = { faults, journal, sleeper };

  const paiContext = {
    jobs,
    oss: store,
    credentials,
    nonces: new NonceCache(maxSkewMs),
    clock,
    serverNow,
    maxSkewMs,
    region,
    workspaces,
    logs: {
      maxPageSize: options.maxLogPageSize ?? 100,
      defaultPageSize: options.defaultLogPageSize ?? 10,
      totalCountAhead: options.logTotalCountAhead ?? 0,
      ignorePageNumber: options.logIgnorePageNumber ?? false,
      overServe: options.logOverServe ?? 0,
    },
    listWindowDays: options.listWindowDays ?? 7,
  };
  const paiServer = createServer(createHandler(paiAdapter(paiContext, 'paistudio'), env));
  const workspaceServer = createServer(createHandler(paiAdapter(paiContext, 'aiworkspace'), env));
  const ossServer = createServer(
    createHandler(ossAdapter({ store, multipart, credentials, serverNow, maxSkewMs, region, cnameBucket: options.cnameBucket ?? bucket }), env),
  );
  // Clients keep connections alive; close() cuts them, so nothing needs a keep-alive timeout.
  const paiPort = await listen(paiServer, options.paiPort ?? 0);
  const ossPort = await listen(ossServer, options.ossPort ?? 0).catch(async (err: unknown) => {
    await shutdown(paiServer);
    throw err;
  });
  const workspacePort = await listen(workspaceServer, options.workspacePort ?? 0).catch(async (err: unknown) => {
    await Promise.all([shutdown(paiServer), shutdown(ossServer), shutdown(workspaceServer)]);
    throw err;
  });

  const emulator: Emulator = {
    paiEndpoint: `http://127.0.0.1:${paiPort}`,
    workspaceEndpoint: `http://127.0.0.1:${workspacePort}`,
    workspacePort,
    ossEndpoint: `http://127.0.0.1:${ossPort}`,
    paiPort,
    ossPort,
    region,
    ossRegion: `oss-${region}`,
    workspaceId,
    bucket,
    accessKeyId,
    accessKeySecret: defaultKey.secret,
    securityToken: defaultKey.securityToken,
    env() {
      return {
        PAI_ENDPOINT: `http://127.0.0.1:${paiPort}`,
        PAI_WORKSPACE_ENDPOINT: `http://127.0.0.1:${workspacePort}`,
        PAI_OSS_ENDPOINT: `http://127.0.0.1:${ossPort}`,
        PAI_REGION_ID: region,
        PAI_WORKSPACE_ID: workspaceId,
        PAI_OSS_BUCKET_NAME: bucket,
        ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: defaultKey.secret,
        ...(defaultKey.securityToken !== undefined ? { ALIBABA_CLOUD_SECURITY_TOKEN: defaultKey.securityToken } : {}),
      };
    },
    jobs,
    faults,
    journal,
    oss: store,
    multipart,
    credentials,
    clock,
    get serverTimeOffsetMs() {
      return offset;
    },
    set serverTimeOffsetMs(ms: number) {
      offset = ms;
    },
    runsRoot: executor?.root,
    async close() {
      // Executed jobs are stopped first, so that none outlives the emulator.
      await executor?.close();
      sleeper.close();
      await Promise.all([shutdown(paiServer), shutdown(ossServer), shutdown(workspaceServer)]);
    },
  };
  return emulator;
}
