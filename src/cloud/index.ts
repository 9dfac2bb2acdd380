import type { CredentialClient } from './credentials.js';
import type { LoadLibrary } from './libraries.js';
import { OssObjectStore } from './oss/store.js';
import { PaiClient } from './pai/client.js';
import { PaiJobsApi } from './pai/jobs-api.js';
import type { Backends, BackendSite, Timeouts } from '../core/ports/backends.js';

/**
 * The PAI and OSS adapters for a session. This module (and the Alibaba libraries behind it) is only
 * loaded with `await import()`, by commands that talk to the cloud.
 */
export function createBackends(site: BackendSite, credential: CredentialClient, version: string, timeouts: Timeouts = {}, libraries: Libraries = {}): Backends {
  const userAgent = `pai-process/${version}`;
  const region = site.region;
  const load = libraries.load;
  const t = {
    ...(load ? { loadLibrary: load } : {}),
    ...(timeouts.connectMs !== undefined ? { connectTimeoutMs: timeouts.connectMs } : {}),
    ...(timeouts.readMs !== undefined ? { readTimeoutMs: timeouts.readMs } : {}),
  };
  const pai = new PaiClient({ host: site.endpoint.host, protocol: site.endpoint.protocol, regionId: region, credential, userAgent, ...t });
  const workspace = new PaiClient({
    host: site.workspaceEndpoint.host,
    protocol: site.workspaceEndpoint.protocol,
    regionId: region,
    credential,
    userAgent,
    ...t,
  });
  const oss = site.ossEndpoint;
  return {
    jobs: new PaiJobsApi(pai, workspace, region),
    store: new OssObjectStore({
      endpoint: `${oss.protocol}://${oss.host}`,
      region: `oss-${region}`,
      credential,
      ...(load ? { loadLibrary: () => load('ali-oss') } : {}),
      ...(timeouts.ossMs !== undefined ? { timeoutMs: timeouts.ossMs } : {}),
      ...(timeouts.multipartThreshold !== undefined ? { multipartThreshold: timeouts.multipartThreshold } : {}),
      ...(timeouts.partSize !== undefined ? { partSize: timeouts.partSize } : {}),
      ...(timeouts.ossRetries !== undefined ? { retries: timeouts.ossRetries } : {}),
    }),
  };
}

/** Where the Alibaba libraries come from when not from the installed packages (bin/ passes its code-cached bundles). */
export interface Libraries {
  load?: LoadLibrary;
}
