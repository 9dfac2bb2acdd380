import type { Backends, Endpoint, ObjectStore } from '../../core/ports/backends.js';
import type { ResolvedCredentials } from '../../cloud/credentials.js';
import type { CompleteSession, Session } from '../../core/session/resolve.js';
import type { Invocation } from '../context.js';
import { packageInfo } from '../package-info.js';
import { backendSite } from '../../core/session/site.js';
import { retryingBackends, retryingStore } from '../../core/retrying-backends.js';

export type { ResolvedCredentials };

/**
 * Credentials (exit 4 when there are none) and the PAI and OSS adapters for a session, every call but the
 * create through the invocation's retry policy (src/core/retrying-backends.ts). The Alibaba libraries load
 * here, on first use, never for --help. The secret and token are masked in all output.
 */
export async function connect(inv: Invocation, session: Session): Promise<Backends> {
  const credentials = await credentialsFor(inv, session);
  const { createBackends } = await import('../../cloud/index.js');
  const { loadLibrary } = inv.ctx;
  const { runtime } = inv;
  const adapters = createBackends(
    backendSite(session as CompleteSession),
    credentials.credential,
    packageInfo().version,
    runtime.timeouts,
    loadLibrary ? { load: loadLibrary } : {},
  );
  if (!inv.io.verbose) return retryingBackends(adapters, runtime.retrying);
  inv.io.err(`· credentials: ${credentials.source}\n`);
  const { traceCalls } = await import('./verbose-calls.js');
  // Traced beneath the retries: each attempt is a line of its own.
  return retryingBackends(traceCalls(adapters, inv.io, runtime.now), runtime.retrying);
}

/** The credentials for this invocation (a CredentialsError, exit 4, when there are none); their secrets masked from now on. */
export async function credentialsFor(inv: Invocation, session: Session): Promise<ResolvedCredentials> {
  const { ctx, io } = inv;
  const { resolveCredentials } = await import('../../cloud/credentials.js');
  const lookup: Parameters<typeof resolveCredentials>[0] = { env: ctx.env, homedir: ctx.homedir };
  if (session.profile) lookup.profile = session.profile.value;
  if (ctx.probeMetadata) lookup.probeMetadata = ctx.probeMetadata;
  if (ctx.loadLibrary) lookup.loadLibrary = ctx.loadLibrary;
  const credentials = await resolveCredentials(lookup);
  io.addSecret(credentials.accessKeySecret);
  io.addSecret(credentials.securityToken);
  return credentials;
}

/** The OSS adapter alone (the oss:// inputs and outputs of `run --local`), every call through the invocation's retry policy. */
export async function connectStore(inv: Invocation, credentials: ResolvedCredentials, site: { region: string; endpoint: Endpoint }): Promise<ObjectStore> {
  const { OssObjectStore } = await import('../../cloud/oss/store.js');
  const { loadLibrary } = inv.ctx;
  const endpoint = `${site.endpoint.protocol}://${site.endpoint.host}`;
  const store = new OssObjectStore({
    endpoint,
    region: `oss-${site.region}`,
    credential: credentials.credential,
    ...(loadLibrary ? { loadLibrary: () => loadLibrary('ali-oss') } : {}),
  });
  return retryingStore(store, inv.runtime.retrying);
}
