import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedJob } from '../../core/config/load-job.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { PENDING_BUCKET, planRequest, type PlanResolution, type RequestPlan } from '../../core/request/plan.js';
import { requireSession, type CompleteSession } from '../../core/session/resolve.js';
import { formatBytes, plural } from '../../ui/format.js';
import { writeJson } from '../../ui/json.js';
import { renderDryRun } from '../../ui/render-dry-run.js';
import { createStyle } from '../../ui/style.js';
import { warner } from '../../ui/warn.js';
import type { Invocation } from '../context.js';
import { nameOf } from '../flags.js';
import { loadJobFromFlags } from './load-job-flags.js';
import type { RunOptions } from './run-options.js';
import { loadSession } from './session.js';
export async function runAction(opts: RunOptions, inv: Invocation): Promise<void> {
  const { ctx } = inv;
  const timeoutMs = opts.timeout === undefined ? undefined : durationFlag('--timeout', opts.timeout) * 1000;
  const maxCodeSize = opts.maxCodeSize === undefined ? undefined : await sizeFlag(opts.maxCodeSize);
  const warn = warner(inv.io);
  const loaded = await loadJobFromFlags(inv, opts);
  const { job } = loaded;
  if (opts.download !== undefined && (opts.local || job.instance_type === 'local')) {
    throw new UsageError(
      '--download applies to cloud runs: a local run writes its outputs on this machine already',
      'Drop --download; the outputs are in the run folder (docs/local.md), or where its outputs name.',
    );
  }
  if (opts.download !== undefined && opts.detach) {
    throw new UsageError(
      '--download waits for the job to succeed, and --detach does not wait',
      'Drop one of them; download later with: pai-process outputs JOB_ID --download DIR',
    );
  }
  const { session, problems, sdkConfigShown } = loadSession(
    ctx,
    opts,
    job.session ? { config: job.session, label: loaded.file ?? 'the job config', discovered: loaded.discovered } : undefined,
    warn,
  );
  if (job.instance_type === 'local') {
    // A local run needs no region, workspace or credentials, unless an oss:// location does (run-local.ts asks then).
    const { runLocal } = await import('./run-local.js');
    inv.exitCode = await runLocal(inv, opts, loaded, { session, problems, sdkConfigShown }, maxCodeSize);
    return;
  }
  if (opts.localRuntime !== undefined || opts.installRequirements || opts.passEnv !== undefined) {
    const flag = opts.localRuntime !== undefined ? '--local-runtime' : opts.installRequirements ? '--install-requirements' : '--pass-env';
    throw new UsageError(`${flag} applies to local runs only`, 'Add --local to run the job on this machine.');
  }
  const complete = requireSession(session, problems, sdkConfigShown, nameOf);

  if (opts.dryRun) return dryRun(inv, opts, loaded, complete, maxCodeSize);
  // Checked before anything is submitted: a folder that cannot be used must not be found out after the job.
  const download = opts.download === undefined ? undefined : await (await import('./outputs.js')).checkDownloadDir(inv, opts.download);
  // Loaded only here: a dry run or a local run never needs the upload, the follow loop or their reporter.
  const { submitAndFollow } = await import('./submit-and-follow.js');
  inv.exitCode = await submitAndFollow(inv, job, complete, {
    detach: opts.detach === true,
    stopOnInterrupt: opts.stopOnInterrupt === true,
    timeoutMs,
    maxCodeSize,
    download,
  });
}

async function dryRun(inv: Invocation, opts: RunOptions, loaded: LoadedJob, session: CompleteSession, maxCodeSize: number | undefined): Promise<void> {
  const { io } = inv;
  const { job } = loaded;
  // Hash the code (and local inputs) here too, so the request shows the exact prefix, keys and counts the
  // real run will use. Nothing leaves this machine.
  const bucket = session.ossBucketName?.value ?? PENDING_BUCKET;
  let resolution: PlanResolution = {};
  if (job.source_dir && !job.source_dir.startsWith('oss://')) {
    const work = await mkdtemp(join(tmpdir(), 'pai-process-'));
    try {
      // In parallel: each awaited import() on its own is a round of the module loader.
      const [{ prepareCode }, { codeKeyOf }, { markerKey }] = await Promise.all([
        import('../../core/package-code.js'),
        import('../../core/upload-code.js'),
        import('../../core/packaging/index.js'),
      ]);
      const code = await prepareCode(job.source_dir, job.code_upload, work, { maxBytes: maxCodeSize, nameOf }, { warning: warner(io) }, job.inputs);
      const codeKey = codeKeyOf(code);
      resolution = {
        codeKey,
        code: {
          kind: code.kind,
          fileCount: code.fileCount,
          bytes: code.bytes,
          ...(code.tree ? { marker: markerKey(code.tree.digest), objects: code.tree.files.map((f) => ({ key: codeKey + f.path, size: f.size })) } : {}),
        },
      };
      io.err(
        code.kind === 'files'
          ? `Code: ${plural(code.fileCount, 'file')}, ${formatBytes(code.totalBytes)} → oss://${bucket}/${codeKey}\n`
          : `Code: ${plural(code.fileCount, 'file')}, ${formatBytes(code.totalBytes)} → ${formatBytes(code.bytes)} archive oss://${bucket}/${codeKey}\n`,
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  if (Object.values(job.inputs).some((l) => typeof l === 'string' && !/^[a-z]+:\/\//i.test(l))) {
    const { plannedInputUris } = await import('../../core/upload-code.js');
    resolution.inputUris = await plannedInputUris(job, bucket);
  }
  const plan = planRequest(job, session, inv.runtime.date(), resolution);
  if (opts.json) {
    writeJson(io, { job: { ...job, session: sessionBlock(session) }, uploads: uploadsBlock(plan, io.verbose), request: plan.body });
  } else {
    const style = createStyle(io.color && io.stdoutIsTTY);
    io.out(renderDryRun({ job, originOf: loaded.originOf, session, plan, configFile: loaded.file, verbose: io.verbose }, style));
  }
  if (plan.bucketPending) {
    io.err("Note: no OSS bucket is configured; at submit time the workspace's default storage is used (set PAI_OSS_BUCKET_NAME to choose one).\n");
  }
  io.err('Dry run: nothing was uploaded or submitted.\n');
}

/** What the run would put in OSS, for `--json`: the code prefix, its counts and marker (its objects with --verbose). */
function uploadsBlock(plan: RequestPlan, verbose: boolean): Record<string, unknown> {
  const c = plan.codeUpload;
  const uri = (key: string) => `oss://${c?.bucket ?? PENDING_BUCKET}/${key}`;
  const code = c
    ? {
        dir: c.dir,
        mode: c.kind ?? null,
        uri: uri(c.key),
        files: c.fileCount ?? null,
        bytes: c.bytes ?? null,
        marker: c.marker ? uri(c.marker) : null,
        ...(verbose && c.objects ? { objects: c.objects.map((o) => ({ uri: uri(o.key), size: o.size })) } : {}),
      }
    : null;
  return { code, inputs: plan.inputUploads.map((u) => ({ channel: u.channel, path: u.path, uri: u.uri })) };
}

function durationFlag(flag: string, text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined) throw new UsageError(`${flag} expects a duration such as 90s, 30m or 2h, got "${text}"`);
  return seconds;
}

async function sizeFlag(text: string): Promise<number> {
  const { parseSize } = await import('../../core/packaging/index.js');
  const bytes = parseSize(text);
  if (bytes === undefined) throw new UsageError(`--max-code-size expects a size such as 500MB or 2GiB, got "${text}"`);
  return bytes;
}

/** The resolved session as the job's `session` block, so `--json` shows where the job would go. */
function sessionBlock(session: CompleteSession): Record<string, string> {
  const block: Record<string, string> = {
    region_id: session.region.value,
    workspace_id: session.workspaceId.value,
    oss_endpoint: session.ossEndpoint.value.host,
    endpoint: `${session.endpoint.value.protocol}://${session.endpoint.value.host}`,
  };
  if (session.ossBucketName) block['oss_bucket_name'] = session.ossBucketName.value;
  return block;
}
