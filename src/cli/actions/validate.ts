import { loadJob } from '../../core/config/load-job.js';
import { writeJson } from '../../ui/json.js';
import { renderJob } from '../../ui/render-job.js';
import { createStyle } from '../../ui/style.js';
import { warner } from '../../ui/warn.js';
import type { CommonOptions, Invocation } from '../context.js';
import { jobOverrides, type JobFlagValues } from './job-overrides.js';
import { visible } from '../../ui/sanitize.js';

export async function validateAction(opts: JobFlagValues & CommonOptions, inv: Invocation): Promise<void> {
  const { ctx, io } = inv;
  const loaded = await loadJob({ file: opts.file, cwd: ctx.cwd, homedir: ctx.homedir, env: ctx.env, overrides: jobOverrides(opts), importFile: ctx.importFile, warn: warner(io) });
  if (opts.json) {
    writeJson(io, { valid: true, file: loaded.file ?? null, job: loaded.job });
    return;
  }
  const style = createStyle(io.color);
  io.err(`${style.green('✔')} ${visible(loaded.file ?? 'The job given by flags')} is valid\n`);
  io.out(renderJob(loaded.job, loaded.originOf, createStyle(io.color && io.stdoutIsTTY)) + '\n');
}
