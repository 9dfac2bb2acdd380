import type { BackendSite } from '../ports/backends.js';
import type { CompleteSession } from './resolve.js';

/** What the adapters need of a session: the region and the three endpoints, without their origins. */
export function backendSite(session: CompleteSession): BackendSite {
  return {
    region: session.region.value,
    endpoint: session.endpoint.value,
    workspaceEndpoint: session.workspaceEndpoint.value,
    ossEndpoint: session.ossEndpoint.value,
  };
}
