import { findJobConfig } from '../../core/config/find.js';
import { sessionBlockOf } from '../../core/config/session-block.js';
import { ConfigError } from '../../core/errors.js';
import { requireSession, type CompleteSession } from '../../core/session/resolve.js';
import { nameOf, type SessionFlagValues } from '../flags.js';
import { warner } from '../../ui/warn.js';
import type { Invocation } from '../context.js';
import { loadSession } from './session.js';

/**
 * The session for commands about an existing job (logs, status, stop, list): flags, environment, the
 * session block of a job config found from the current folder, and ~/.pai/config.json. A config that cannot be
 * read does not stop these commands: it is named in a warning and its session block is not used.
 */
export async function sessionForJobCommands(inv: Invocation, flags: SessionFlagValues, needs: { workspace: boolean }): Promise<CompleteSession> {
  const { ctx } = inv;
  const warn = warner(inv.io);
  let job: ReturnType<typeof sessionBlockOf> | undefined;
  try {
    const lookup = await findJobConfig({ file: undefined, cwd: ctx.cwd, homedir: ctx.homedir, importFile: ctx.importFile });
    for (const s of lookup.skipped) warn(s.message);
    job = sessionBlockOf(lookup, ctx.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warn(`The job config's session block was not used: ${error.message.replace(/, nothing was submitted$|; nothing was submitted$/, '')}`);
  }
  const { session, problems, sdkConfigShown } = loadSession(ctx, flags, job, warn);
  return requireSession(session, problems, sdkConfigShown, nameOf, needs);
}
