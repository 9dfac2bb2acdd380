import { type LoadedJob, loadJob } from '../../core/config/load-job.js';
import { warner } from '../../ui/warn.js';
import type { Invocation } from '../context.js';
import { type JobFlagValues, jobOverrides } from './job-overrides.js';

/**
 * The job config as `run` and `validate` read it: found or named with -f, the flags applied on top (`--local`
 * included, which makes the job local and so lets its outputs be local paths), warnings on stderr. A rejected
 * config's hint names the check that judges the job as this command does.
 */
export function loadJobFromFlags(inv: Invocation, opts: JobFlagValues): Promise<LoadedJob> {
  const { ctx } = inv;
  const checkCommand = `pai-process validate${opts.local ? ' --local' : ''}${opts.file !== undefined ? ` -f ${opts.file}` : ''}`;
  return loadJob({
    file: opts.file,
    cwd: ctx.cwd,
    homedir: ctx.homedir,
    env: ctx.env,
    overrides: jobOverrides(opts),
    importFile: ctx.importFile,
    warn: warner(inv.io),
    checkCommand,
  });
}
