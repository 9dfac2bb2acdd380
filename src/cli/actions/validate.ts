import { loadJob } from '../../core/config/load-job.js';
import { writeJson } from '../../ui/json.js';
import { renderJob } from '../../ui/render-job.js';
import { createStyle } from '../../ui/style.js';
import { warner } from '../../ui/warn.js';
import type { CommonOptions, Invocation } from '../context.js';
import { jobOverrides, type JobFlagValues } from './job-overrides.js';
import { visible } from '../../ui/sanitize.js';

export async function validateAction(opts: JobFlagValues & CommonOptions & { local?: boolean }, inv: Invocation): Promise<void> {
  const { ctx, io } = inv;
  // --local judges the job as `run --local` does (instance_type: local, so outputs may be local paths).
  const overrides = jobOverrides(opts);
  const checkCommand = `pai-process validate${opts.local ? ' --local' : ''}${opts.file !== undefined ? ` -f ${opts.file}` : ''}`;
  const loaded = await loadJob({
    file: opts.file,
    cwd: ctx.cwd,
    homedir: ctx.homedir,
    env: ctx.env,
    overrides,
    importFile: ctx.importFile,
    warn: warner(io),
    checkCommand,
  });
  if (opts.json) {
    writeJson(io, { valid: true, file: loaded.file ?? null, job: loaded.job });
    return;
  }
  // The answer is the exit code (errors, when any, are on stderr).
  if (opts.quiet) return;
  const style = createStyle(io.color);
  io.err(`${style.green('✔')} ${visible(loaded.file ?? 'The job given by flags')} is valid\n`);
  io.out(renderJob(loaded.job, loaded.originOf, createStyle(io.color && io.stdoutIsTTY)) + '\n');
}
