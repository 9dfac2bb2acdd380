import { findJobConfig } from '../../core/config/find.js';
import { interpolate } from '../../core/config/interpolate.js';
import { CredentialsError } from '../../core/errors.js';
import type { SessionConfig } from '../../core/job.js';
import { writeJson } from '../../ui/json.js';
import { renderError } from '../../ui/render-error.js';
import { renderSession, sessionJson, type CredentialsView } from '../../ui/render-session.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import type { SessionFlags } from '../../core/session/resolve.js';
import { credentialsFor } from './connect.js';
import { loadSession } from './session.js';

/**
 * Prints every session value with its origin, and where credentials come from. The job config is read
 * only for its session block, so a job with other problems still shows its session.
 */
export async function configShowAction(opts: SessionFlags & CommonOptions & { file?: string }, inv: Invocation): Promise<void> {
  const { ctx, io } = inv;
  const source = await findJobConfig(opts.file, ctx.cwd, ctx.importFile);
  const block = (source?.data as { session?: unknown } | undefined)?.session;
  const job = block && typeof block === 'object' ? { config: interpolate(block, ctx.env, []) as SessionConfig, label: source?.file ?? 'the job config' } : undefined;
  const { session, problems } = loadSession(ctx, opts, job);

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
  else if (opts.quiet) {
    // Nothing to print but what is wrong: the exit code says whether the session can be used.
  } else {
    const style = createStyle(io.color && io.stdoutIsTTY);
    io.out(renderSession(session, credentials, style) + '\n');
    for (const p of problems) io.err(`${createStyle(io.color).yellow('!')} ${p.origin ?? p.path}: ${p.message}\n`);
  }
  if (failure) inv.exitCode = renderError(io, failure, false);
}
