import type { CompleteSession } from '../core/session/resolve.js';
import type { CredentialClient } from './credentials.js';
import type { LoadLibrary } from './libraries.js';
import { OssObjectStore } from './oss/store.js';
import { PaiClient } from './pai/client.js';
import { PaiJobsApi } from './pai/jobs-api.js';
import type { JobsApi, ObjectStore } from './types.js';

export interface Backends {
  jobs: JobsApi;
  store: ObjectStore;
}

/**
 * The PAI and OSS adapters for a session. This module (and the Alibaba libraries behind it) is only
 * loaded with `await import()`, by commands that talk to the cloud.
 */
export function createBackends(session: CompleteSession, credential: CredentialClient, version: string, timeouts: Timeouts = {}, libraries: Libraries = {}): Backends {
  const userAgent = `pai-process/${version}`;
  const region = session.region.value;
  const load = libraries.load;
  const t = { ...(load ? { loadLibrary: load } : {}), ...(timeouts.connectMs !== undefined ? { connectTimeoutMs: timeouts.connectMs } : {}), ...(timeouts.readMs !== undefined ? { readTimeoutMs: timeouts.readMs } : {}) };
  const pai = new PaiClient({ host: session.endpoint.value.host, protocol: session.endpoint.value.protocol, regionId: region, credential, userAgent, ...t });
  const workspace = new PaiClient({ host: session.workspaceEndpoint.value.host, protocol: session.workspaceEndpoint.value.protocol, regionId: region, credential, userAgent, ...t });
  const oss = session.ossEndpoint.value;
  return {
    jobs: new PaiJobsApi(pai, workspace, region),
    store: new OssObjectStore({ endpoint: `${oss.protocol}://${oss.host}`, region: `oss-${region}`, credential, ...(load ? { loadLibrary: () => load('ali-oss') } : {}), ...(timeouts.ossMs !== undefined ? { timeoutMs: timeouts.ossMs } : {}),
      ...(timeouts.multipartThreshold !== undefined ? { multipartThreshold: timeouts.multipartThreshold } : {}),
      ...(timeouts.partSize !== undefined ? { partSize: timeouts.partSize } : {}),
      ...(timeouts.ossRetries !== undefined ? { retries: timeouts.ossRetries } : {}),
    }),
  };
}

/**
 * Explicit timeouts (PAI calls connect in 10 s and answer in 30 s; an OSS request may take 120 s) and the
 * multipart sizes (16 MiB threshold, 8 MiB parts). Tests shorten them.
 */
export interface Timeouts {
  connectMs?: number;
  readMs?: number;
  ossMs?: number;
  multipartThreshold?: number;
  partSize?: number;
  /** ali-oss's own retries of a network failure (each part on its own), before ours. Default 3. */
  ossRetries?: number;
}

/** Where the Alibaba libraries come from when not from the installed packages (bin/ passes its code-cached bundles). */
export interface Libraries {
  load?: LoadLibrary;
}
