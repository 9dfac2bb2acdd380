import type { SessionConfig } from '../job.js';
import type { JobConfigLookup } from './find.js';
import { interpolate, type Env } from './interpolate.js';

/** A job config's session block as session resolution takes it (SessionInputs.job), with whether it was searched for. */
export interface JobSessionBlock {
  config: SessionConfig;
  /** How origins name the file (`job.yaml session.region_id`). */
  label: string;
  /** The file was found by search, not named with -f: the session keys it decides are announced. */
  discovered: boolean;
}

/**
 * The session block of a job config read only for its session (`config show`, `status`, `logs`, `stop`, `list`), so a
 * job with other problems still has its session. Undefined when there is no config or no block.
 */
export function sessionBlockOf(lookup: JobConfigLookup, env: Env): JobSessionBlock | undefined {
  const block = (lookup.source?.data as { session?: unknown } | undefined)?.session;
  if (!block || typeof block !== 'object') return undefined;
  return { config: interpolate(block, env, []) as SessionConfig, label: lookup.source?.file ?? 'the job config', discovered: lookup.discovered };
}
