import { relative } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { SessionConfig } from '../../core/job.js';
import { routingKeysFrom } from '../../core/session/discovered.js';
import { readSdkConfig, sdkConfigPath } from '../../core/session/sdk-config.js';
import { resolveSession, type Session } from '../../core/session/resolve.js';
import { sessionFlags, type SessionFlagValues } from '../flags.js';
import type { CliContext } from '../context.js';

/**
 * The session for this invocation, with the SDK config file's path shown as the user would type it. When the job
 * config was found by search (`discovered`) and sets an endpoint or the bucket, `warn` is told which file set which
 * keys (stderr, so never in `--json` output).
 */
export function loadSession(
  ctx: CliContext,
  flags: SessionFlagValues,
  job: { config: SessionConfig; label: string; discovered?: boolean } | undefined,
  warn?: (message: string) => void,
): { session: Session; problems: Diagnostic[]; sdkConfigShown: string } {
  const path = sdkConfigPath(ctx.env, ctx.homedir);
  const sdkConfigShown = path.startsWith(ctx.homedir + '/') ? `~${path.slice(ctx.homedir.length)}` : path;
  const sdkConfig = readSdkConfig(path);
  if (sdkConfig) sdkConfig.path = sdkConfigShown;
  const inputs: Parameters<typeof resolveSession>[0] = { flags: sessionFlags(flags), env: ctx.env };
  if (job) inputs.job = job;
  if (sdkConfig) inputs.sdkConfig = sdkConfig;
  const resolved = resolveSession(inputs);
  if (job?.discovered && warn) {
    const keys = routingKeysFrom(resolved.session, job.label);
    if (keys.length > 0)
      warn(
        `${keys.join(', ')} from ${relative(ctx.cwd, job.label) || job.label} (a job config found by search; -f FILE names another, PAI_* variables override it)`,
      );
  }
  return { ...resolved, sdkConfigShown };
}
