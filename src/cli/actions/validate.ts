import { writeJson } from '../../ui/json.js';
import { renderJob } from '../../ui/render-job.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import type { JobFlagValues } from './job-overrides.js';
import { loadJobFromFlags } from './load-job-flags.js';
import { visible } from '../../ui/sanitize.js';

export async function validateAction(opts: JobFlagValues & CommonOptions & { local?: boolean }, inv: Invocation): Promise<void> {
  const { io } = inv;
  // --local judges the job as `run --local` does (instance_type: local, so outputs may be local paths).
  const loaded = await loadJobFromFlags(inv, opts);
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
