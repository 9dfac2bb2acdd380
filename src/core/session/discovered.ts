import type { Session, Setting } from './resolve.js';

/**
 * The session keys that decide where signed requests and the code go. When one comes from a job config that was found
 * by search rather than named, the user is told which file set it: a file in a parent folder they did not write could
 * otherwise send their requests (and STS token) or their code to a host or bucket of someone else's choosing.
 */
const ROUTING_KEYS: readonly [keyof Session, string][] = [
  ['endpoint', 'endpoint'],
  ['workspaceEndpoint', 'workspace_endpoint'],
  ['ossEndpoint', 'oss_endpoint'],
  ['ossBucketName', 'oss_bucket_name'],
];

/** The routing keys (`session.endpoint`, ...) whose resolved value came from the config labelled `label`. */
export function routingKeysFrom(session: Session, label: string): string[] {
  return ROUTING_KEYS.filter(([field, key]) => (session[field] as Setting<unknown> | undefined)?.origin === `${label} session.${key}`).map(
    ([, key]) => `session.${key}`,
  );
}
