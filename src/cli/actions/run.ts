import { loadJob } from '../../core/config/load-job.js';
import { UsageError } from '../../core/errors.js';
import { planRequest } from '../../core/request/plan.js';
import { requireSession, type SessionFlags } from '../../core/session/resolve.js';
import { writeJson } from '../../ui/json.js';
import { renderDryRun } from '../../ui/render-dry-run.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { jobOverrides, type JobFlagValues } from './job-overrides.js';
import { loadSession } from './session.js';

type RunOptions = JobFlagValues & SessionFlags & CommonOptions & { dryRun?: boolean };

export async function runAction(opts: RunOptions, inv: Invocation): Promise<void> {
  const { ctx, io } = inv;
  const loaded = await loadJob({ file: opts.file, cwd: ctx.cwd, env: ctx.env, overrides: jobOverrides(opts) });
  const { job } = loaded;
  const { session, problems, sdkConfigShown } = loadSession(ctx, opts, job.session ? { config: job.session, label: loaded.file ?? 'the job config' } : undefined);
  const complete = requireSession(session, problems, sdkConfigShown);

  if (!opts.dryRun) {
    // Packaging, upload and submit land in the next releases; until then a run stops before sending anything.
    throw new UsageError('This version of pai-process plans jobs but does not submit them yet; nothing was sent', 'Add --dry-run to see the job and the exact request it would send.');
  }

  const plan = planRequest(job, complete, ctx.now());
  if (opts.json) {
    writeJson(io, { job: { ...job, session: sessionBlock(complete) }, request: plan.body });
  } else {
    const style = createStyle(io.color && io.stdoutIsTTY);
    io.out(renderDryRun({ job, originOf: loaded.originOf, session: complete, plan, configFile: loaded.file }, style));
  }
  if (plan.bucketPending) {
    io.err('Note: no OSS bucket is configured; at submit time the workspace\'s default storage is used (set PAI_OSS_BUCKET_NAME to choose one).\n');
  }
  io.err('Dry run: nothing was uploaded or submitted.\n');
}

/** The resolved session as the job's `session` block, so `--json` shows where the job would go. */
function sessionBlock(session: ReturnType<typeof requireSession>): Record<string, string> {
  const block: Record<string, string> = {
    region_id: session.region.value,
    workspace_id: session.workspaceId.value,
    oss_endpoint: session.ossEndpoint.value.host,
    endpoint: `${session.endpoint.value.protocol}://${session.endpoint.value.host}`,
  };
  if (session.ossBucketName) block['oss_bucket_name'] = session.ossBucketName.value;
  return block;
}
