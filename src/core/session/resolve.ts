import type { Env } from '../config/interpolate.js';
import type { Diagnostic } from '../diagnostics.js';
import { ConfigError } from '../errors.js';
import type { SessionConfig } from '../job.js';
import type { NameOf } from '../option-names.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { unknownRegion } from './regions.js';
import type { SdkConfig } from './sdk-config.js';

/** A resolved value and where it came from (a flag, `env PAI_REGION_ID`, `job.yaml session.region_id`, ...). */
export interface Setting<T> {
  value: T;
  origin: string;
}

/** Region, workspace, storage and endpoints: where a job runs. Credentials are resolved apart (cloud/). */
export interface Session {
  region?: Setting<string>;
  workspaceId?: Setting<string>;
  /** Absent: the workspace's default storage is asked for at submit time. */
  ossBucketName?: Setting<string>;
  ossEndpoint?: Setting<Endpoint>;
  /** The PAI (PaiStudio) API endpoint. */
  endpoint?: Setting<Endpoint>;
  /** The AI workspace API endpoint, asked for the default bucket. */
  workspaceEndpoint?: Setting<Endpoint>;
  network: Setting<'public' | 'vpc'>;
  /** A credentials profile named by the caller (a flag) or ALIBABA_CLOUD_PROFILE. */
  profile?: Setting<string>;
}

/** The session values the caller can give (the session block's keys, and the credentials profile). */
export type SessionKey = 'region_id' | 'workspace_id' | 'workspace_endpoint' | 'profile';

/**
 * Values given for this invocation, which win over everything else, each with the origin the caller names it by
 * (the CLI's flags: src/cli/flags.ts).
 */
export type SessionFlags = Readonly<Partial<Record<SessionKey, Setting<string>>>>;

export interface SessionInputs {
  flags: SessionFlags;
  env: Env;
  /** The job config's session block, and how to name it in origins (`job.yaml`). */
  job?: { config: SessionConfig; label: string };
  sdkConfig?: SdkConfig;
}

/**
 * Resolves each session value by the precedence of docs/session.md: flags > environment > the job config's
 * session block > the PAI SDK's config file > defaults derived from the region.
 * Returns what it found and the problems with what it found; `requireSession` decides what is missing.
 */
export function resolveSession(inputs: SessionInputs): { session: Session; problems: Diagnostic[] } {
  const { flags, env, job, sdkConfig } = inputs;
  const problems: Diagnostic[] = [];
  const pick = (given: Setting<string> | undefined, envNames: string[], key: keyof SessionConfig): Setting<string> | undefined => {
    if (given?.value) return given;
    for (const name of envNames) {
      const v = env[name];
      if (v) return { value: v, origin: `env ${name}` };
    }
    const fromJob = job?.config[key];
    if (fromJob) return { value: String(fromJob), origin: `${job!.label} session.${key}` };
    const fromSdk = key === 'endpoint' || key === 'workspace_endpoint' ? undefined : sdkConfig?.[key];
    if (fromSdk) return { value: fromSdk, origin: sdkConfig!.path };
    return undefined;
  };
  const endpointSetting = (raw: Setting<string> | undefined, key: string): Setting<Endpoint> | undefined => {
    if (!raw) return undefined;
    const parsed = parseEndpoint(raw.value);
    if (typeof parsed === 'string') {
      problems.push({
        path: `session.${key}`,
        origin: raw.origin,
        message: `${parsed}; give a host such as oss-cn-hangzhou.aliyuncs.com or a URL such as https://host:port`,
      });
      return undefined;
    }
    return { value: parsed, origin: raw.origin };
  };

  const region = pick(flags.region_id, ['PAI_REGION_ID', 'ALIBABA_CLOUD_REGION_ID'], 'region_id');
  const workspaceId = pick(flags.workspace_id, ['PAI_WORKSPACE_ID'], 'workspace_id');
  const ossBucketName = pick(undefined, ['PAI_OSS_BUCKET_NAME'], 'oss_bucket_name');
  const networkType = (env['PAI_NETWORK_TYPE'] ?? '').toUpperCase();
  const network: Setting<'public' | 'vpc'> =
    networkType === 'VPC' ? { value: 'vpc', origin: 'env PAI_NETWORK_TYPE' } : { value: 'public', origin: networkType ? 'env PAI_NETWORK_TYPE' : 'default' };
  if (networkType && networkType !== 'VPC' && networkType !== 'PUBLIC') {
    problems.push({
      path: 'session.network',
      origin: 'env PAI_NETWORK_TYPE',
      message: `"${env['PAI_NETWORK_TYPE']}" is not a network type: use VPC or PUBLIC`,
    });
  }
  const vpc = network.value === 'vpc';

  let endpoint = endpointSetting(pick(undefined, ['PAI_ENDPOINT'], 'endpoint'), 'endpoint');
  // A region outside PAI's list is most often a typo; an explicit endpoint (private, or a region the list lacks) skips the check.
  const regionProblem = region ? unknownRegion(region, endpoint !== undefined) : undefined;
  if (regionProblem) problems.push(regionProblem);
  let ossEndpoint = endpointSetting(pick(undefined, ['PAI_OSS_ENDPOINT'], 'oss_endpoint'), 'oss_endpoint');
  // AIWorkspace is its own product with its own endpoint (the SDK builds one client per product, each from
  // the region): PAI_ENDPOINT never routes it, or ListConfigs would go to a host that does not serve it.
  let workspaceEndpoint = endpointSetting(pick(flags.workspace_endpoint, ['PAI_WORKSPACE_ENDPOINT'], 'workspace_endpoint'), 'workspace_endpoint');
  if (region) {
    const r = region.value;
    const derived = `derived from region ${r}`;
    endpoint ??= { value: { protocol: 'https', host: `${vpc ? 'pai-vpc' : 'pai'}.${r}.aliyuncs.com` }, origin: derived };
    workspaceEndpoint ??= { value: { protocol: 'https', host: `${vpc ? 'aiworkspace-vpc' : 'aiworkspace'}.${r}.aliyuncs.com` }, origin: derived };
    // Inside a VPC the internal OSS endpoint is the one that answers (the SDK always picks the public one).
    ossEndpoint ??= { value: { protocol: 'https', host: `oss-${r}${vpc ? '-internal' : ''}.aliyuncs.com` }, origin: derived };
  }
  const profileName = flags.profile?.value
    ? flags.profile
    : env['ALIBABA_CLOUD_PROFILE']
      ? { value: env['ALIBABA_CLOUD_PROFILE'], origin: 'env ALIBABA_CLOUD_PROFILE' }
      : undefined;

  const session: Session = { network };
  if (region) session.region = region;
  if (workspaceId) session.workspaceId = workspaceId;
  if (ossBucketName) session.ossBucketName = ossBucketName;
  if (ossEndpoint) session.ossEndpoint = ossEndpoint;
  if (endpoint) session.endpoint = endpoint;
  if (workspaceEndpoint) session.workspaceEndpoint = workspaceEndpoint;
  if (profileName) session.profile = profileName;
  return { session, problems };
}

/** A session with what a submit needs: region and workspace, and endpoints that parsed. */
export interface CompleteSession extends Session {
  region: Setting<string>;
  workspaceId: Setting<string>;
  ossEndpoint: Setting<Endpoint>;
  endpoint: Setting<Endpoint>;
  workspaceEndpoint: Setting<Endpoint>;
}

/**
 * Throws one ConfigError naming every missing or invalid session value and where each can be set (`nameOf`: how the
 * caller lets the user give one).
 */
export function requireSession(
  session: Session,
  problems: readonly Diagnostic[],
  sdkConfigPath: string,
  nameOf: NameOf,
  needs: { workspace: boolean } = { workspace: true },
): CompleteSession {
  const all = [...problems];
  if (!session.region) {
    all.push({
      path: 'session.region_id',
      message: `no region: pass ${nameOf('session.region_id')}, export PAI_REGION_ID, set session.region_id in the job config, or set region_id in ${sdkConfigPath}`,
    });
  }
  if (!session.workspaceId && needs.workspace) {
    all.push({
      path: 'session.workspace_id',
      message: `no workspace: pass ${nameOf('session.workspace_id')}, export PAI_WORKSPACE_ID, set session.workspace_id in the job config, or set workspace_id in ${sdkConfigPath}`,
    });
  }
  if (all.length > 0) {
    throw new ConfigError('The session is incomplete; nothing was submitted', all, 'Run `pai-process config show` to see each value and where it came from.');
  }
  return (session.workspaceId ? session : { ...session, workspaceId: { value: '', origin: 'not needed' } }) as CompleteSession;
}
