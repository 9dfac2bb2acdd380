import type { ChalkInstance } from 'chalk';
import { endpointUrl, type Endpoint } from '../core/session/endpoint.js';
import type { Session, Setting } from '../core/session/resolve.js';
import { visible } from './sanitize.js';
import { columns } from './table.js';

/** What `config show` and `--dry-run` say about credentials: never a secret. */
export interface CredentialsView {
  source: string;
  accessKeyId?: string;
  kind?: string;
  error?: string;
}

/** Each session value with where it came from (the environment, files: made visible); a missing value says so. */
export function renderSession(session: Session, credentials: CredentialsView | undefined, style: ChalkInstance): string {
  const missing = style.yellow('(not set)');
  const row = (label: string, s: Setting<string> | Setting<Endpoint> | undefined, fallback = missing): string[] =>
    s ? [label, visible(typeof s.value === 'string' ? s.value : endpointUrl(s.value)), style.dim(visible(s.origin))] : [label, fallback, ''];
  const rows = [
    row('region', session.region),
    row('workspace', session.workspaceId),
    row('oss bucket', session.ossBucketName, style.dim("(the workspace's default storage, asked at submit time)")),
    row('oss endpoint', session.ossEndpoint),
    row('pai endpoint', session.endpoint),
    row('workspace api', session.workspaceEndpoint),
    row('network', session.network),
  ];
  if (session.profile) rows.push(row('profile', session.profile));
  if (credentials) {
    if (credentials.error) rows.push(['credentials', style.red('none found'), '']);
    else rows.push(['credentials', visible([credentials.kind, credentials.accessKeyId].filter(Boolean).join(' ')), style.dim(visible(credentials.source))]);
  }
  return columns(rows);
}

/** The same, as data for `--json`. */
export function sessionJson(session: Session, credentials: CredentialsView | undefined): Record<string, unknown> {
  const value = (s: Setting<string> | Setting<Endpoint> | undefined) =>
    s ? { value: typeof s.value === 'string' ? s.value : endpointUrl(s.value), origin: s.origin } : null;
  const out: Record<string, unknown> = {
    region: value(session.region),
    workspace_id: value(session.workspaceId),
    oss_bucket_name: value(session.ossBucketName),
    oss_endpoint: value(session.ossEndpoint),
    endpoint: value(session.endpoint),
    workspace_endpoint: value(session.workspaceEndpoint),
    network: value(session.network),
    profile: value(session.profile),
  };
  if (credentials) out['credentials'] = credentials;
  return out;
}
