import type { CompleteSession } from '../core/session/resolve.js';
import type { CredentialClient } from './credentials.js';
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
export function createBackends(session: CompleteSession, credential: CredentialClient, version: string): Backends {
  const userAgent = `pai-process/${version}`;
  const region = session.region.value;
  const pai = new PaiClient({ host: session.endpoint.value.host, protocol: session.endpoint.value.protocol, regionId: region, credential, userAgent });
  const workspace = new PaiClient({ host: session.workspaceEndpoint.value.host, protocol: session.workspaceEndpoint.value.protocol, regionId: region, credential, userAgent });
  const oss = session.ossEndpoint.value;
  return {
    jobs: new PaiJobsApi(pai, workspace),
    store: new OssObjectStore({ endpoint: `${oss.protocol}://${oss.host}`, region: `oss-${region}`, credential }),
  };
}
