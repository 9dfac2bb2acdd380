import type { Diagnostic } from '../../core/diagnostics.js';
import type { SessionConfig } from '../../core/job.js';
import { readSdkConfig, sdkConfigPath } from '../../core/session/sdk-config.js';
import { resolveSession, type Session, type SessionFlags } from '../../core/session/resolve.js';
import type { CliContext } from '../context.js';

/** The session for this invocation, with the SDK config file's path shown as the user would type it. */
export function loadSession(
  ctx: CliContext,
  flags: SessionFlags,
  job: { config: SessionConfig; label: string } | undefined,
): { session: Session; problems: Diagnostic[]; sdkConfigShown: string } {
  const path = sdkConfigPath(ctx.env, ctx.homedir);
  const sdkConfigShown = path.startsWith(ctx.homedir + '/') ? `~${path.slice(ctx.homedir.length)}` : path;
  const sdkConfig = readSdkConfig(path);
  if (sdkConfig) sdkConfig.path = sdkConfigShown;
  const inputs: Parameters<typeof resolveSession>[0] = { flags, env: ctx.env };
  if (job) inputs.job = job;
  if (sdkConfig) inputs.sdkConfig = sdkConfig;
  return { ...resolveSession(inputs), sdkConfigShown };
}
