import { findJobConfig } from '../../core/config/find.js';
import { sessionBlockOf } from '../../core/config/session-block.js';
import { CredentialsError } from '../../core/errors.js';
import { writeJson } from '../../ui/json.js';
import { renderError } from '../../ui/render-error.js';
import { renderSession, sessionJson, type CredentialsView } from '../../ui/render-session.js';
import { createStyle } from '../../ui/style.js';
import { warner } from '../../ui/warn.js';
import type { CommonOptions, Invocation } from '../context.js';
import { nameOf, type SessionFlagValues } from '../flags.js';
import { maskAccessKeyId } from '../../ui/mask.js';
import { connect, credentialsFor } from './connect.js';
import type { PreflightPass } from '../../core/preflight.js';
import { requireSession } from '../../core/session/resolve.js';
import { loadSession } from './session.js';
import { visible } from '../../ui/sanitize.js';

/**
 * Prints every session value with its origin, and where credentials come from. The job config is read
 * only for its session block, so a job with other problems still shows its session.
 */
export async function configShowAction(opts: SessionFlagValues & CommonOptions & { file?: string; check?: boolean }, inv: Invocation): Promise<void> {
  const { ctx, io } = inv;
  const warn = warner(io);
  const lookup = await findJobConfig({ file: opts.file, cwd: ctx.cwd, homedir: ctx.homedir, importFile: ctx.importFile });
  for (const s of lookup.skipped) warn(s.message);
  const { session, problems, sdkConfigShown } = loadSession(ctx, opts, sessionBlockOf(lookup, ctx.env), warn);

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

  // --check: ask the service too (core/preflight.ts); a failed check ends with that failure's own exit code.
  let checked: PreflightPass[] | undefined;
  let checkFailure: unknown;
  if (opts.check && !failure) {
    checked = [];
    try {
      const complete = requireSession(session, problems, sdkConfigShown, nameOf);
      const [{ preflight }, backends] = await Promise.all([import('../../core/preflight.js'), connect(inv, complete)]);
      await preflight(complete, backends, (pass) => checked!.push(pass));
    } catch (error) {
      checkFailure = error;
    }
  }

  if (opts.json)
    writeJson(io, {
      ...sessionJson(session, credentials),
      problems,
      ...(checked && !checkFailure ? { check: Object.fromEntries(checked.map((c) => [c.check, c.message])) } : {}),
    });
  else if (opts.quiet) {
    // Nothing to print but what is wrong: the exit code says whether the session can be used.
  } else {
    const style = createStyle(io.color && io.stdoutIsTTY);
    io.out(renderSession(session, credentials, style) + '\n');
    for (const p of problems) io.err(`${createStyle(io.color).yellow('!')} ${visible(`${p.origin ?? p.path}: ${p.message}`)}\n`);
  }
  if (checked && !opts.quiet && !opts.json) {
    const style = createStyle(io.color);
    for (const c of checked) io.err(`${style.green('✔')} ${c.message}\n`);
  }
  if (failure) inv.exitCode = renderError(io, failure, false);
  else if (checkFailure !== undefined) throw checkFailure;
}
