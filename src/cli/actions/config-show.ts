import { findJobConfig } from '../../core/config/find.js';
import { sessionBlockOf } from '../../core/config/session-block.js';
import { CredentialsError } from '../../core/errors.js';
import { writeJson } from '../../ui/json.js';
import { renderError } from '../../ui/render-error.js';
import { renderSession, sessionJson, type CredentialsView } from '../../ui/render-session.js';
import { createStyle } from '../../ui/style.js';
import { warner } from '../../ui/warn.js';
import type { CommonOptions, Invocation } from '../context.js';
import type { SessionFlags } from '../../core/session/resolve.js';
import { credentialsFor } from './connect.js';
import { loadSession } from './session.js';
import { visible } from '../../ui/sanitize.js';

/**
 * Prints every session value with its origin, and where credentials come from. The job config is read
 * only for its session block, so a job with other problems still shows its session.
 */
export async function configShowAction(opts: SessionFlags & CommonOptions & { file?: string }, inv: Invocation): Promise<void> {
  const { ctx, io } = inv;
  const warn = warner(io);
  const lookup = await findJobConfig({ file: opts.file, cwd: ctx.cwd, homedir: ctx.homedir, importFile: ctx.importFile });
  for (const s of lookup.skipped) warn(s.message);
  const { session, problems } = loadSession(ctx, opts, sessionBlockOf(lookup, ctx.env), warn);

  const { maskAccessKeyId } = await import('../../cloud/credentials.js');
  let credentials: CredentialsView;
  let failure: CredentialsError | undefined;
  try {
    const found = await credentialsFor(inv, session);
    credentials = { source: found.source, accessKeyId: maskAccessKeyId(found.accessKeyId), kind: found.securityToken ? 'STS token' : 'AccessKey' };
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    failure = error;
    credentials = { source: 'none', error: error.message };
  }

  if (opts.json) writeJson(io, { ...sessionJson(session, credentials), problems });
  else {
    const style = createStyle(io.color && io.stdoutIsTTY);
    io.out(renderSession(session, credentials, style) + '\n');
    for (const p of problems) io.err(`${createStyle(io.color).yellow('!')} ${visible(`${p.origin ?? p.path}: ${p.message}`)}\n`);
  }
  if (failure) inv.exitCode = renderError(io, failure, false);
}
