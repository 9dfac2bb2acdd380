import { findJobConfig } from '../../core/config/find.js';
import { interpolate } from '../../core/config/interpolate.js';
import type { SessionConfig } from '../../core/job.js';
import { requireSession, type CompleteSession, type SessionFlags } from '../../core/session/resolve.js';
import type { Invocation } from '../context.js';
import { loadSession } from './session.js';

/**
 * The session for commands about an existing job (logs, status, stop, list): flags, environment, the
 * session block of a job config found from the current folder, and ~/.pai/config.json.
 */
export async function sessionForJobCommands(inv: Invocation, flags: SessionFlags, needs: { workspace: boolean }): Promise<CompleteSession> {
  const source = await findJobConfig(undefined, inv.ctx.cwd, inv.ctx.importFile).catch(() => undefined);
  const block = (source?.data as { session?: unknown } | undefined)?.session;
  const job = block && typeof block === 'object' ? { config: interpolate(block, inv.ctx.env, []) as SessionConfig, label: source?.file ?? 'the job config' } : undefined;
  const { session, problems, sdkConfigShown } = loadSession(inv.ctx, flags, job);
  return requireSession(session, problems, sdkConfigShown, needs);
}
