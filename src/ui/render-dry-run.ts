import type { ChalkInstance } from 'chalk';
import type { Job } from '../core/job.js';
import type { RequestPlan } from '../core/request/plan.js';
import { endpointUrl } from '../core/session/endpoint.js';
import type { CompleteSession } from '../core/session/resolve.js';
import { renderJob } from './render-job.js';
import { renderSession } from './render-session.js';
import { columns } from './table.js';
import { formatBytes, plural } from './format.js';
import { visible, visibleLines } from './sanitize.js';

export interface DryRunView {
  job: Job;
  originOf: (key: string) => string;
  session: CompleteSession;
  plan: RequestPlan;
  configFile: string | undefined;
  /** List every object the code upload would write. */
  verbose?: boolean;
}

/**
 * `run --dry-run` for a person: the job, the session, what would be uploaded, and the exact request. Names of
 * files and folders, and values from the config, are made visible (src/ui/sanitize.ts).
 */
export function renderDryRun(view: DryRunView, style: ChalkInstance): string {
  const { job, plan, session } = view;
  const out: string[] = [];
  out.push(style.bold(`Job ${visible(plan.jobName)}`) + (view.configFile ? style.dim(`  from ${visible(view.configFile)}`) : ''));
  out.push(renderJob(job, view.originOf, style), '');
  out.push(style.bold('Session'), renderSession(session, undefined, style), '');
  const uploads: string[][] = [];
  const code = plan.codeUpload;
  if (code) uploads.push(['code', visible(code.dir), '→', objectUri(code.bucket, code.key)]);
  for (const u of plan.inputUploads) uploads.push([visible(`input ${u.channel}`), visible(u.path), '→', visible(u.uri)]);
  if (uploads.length > 0) out.push(style.bold('Uploads'), columns(uploads));
  if (code?.kind === 'files' && code.fileCount !== undefined) {
    out.push(
      style.dim(
        `  code: ${plural(code.fileCount, 'file')}, ${formatBytes(code.bytes ?? 0)}, one object each under the prefix; then ${objectUri(code.bucket, code.marker ?? '')} (skipped when it exists)`,
      ),
    );
  } else if (code?.kind === 'archive') {
    out.push(style.dim(`  code: one ${formatBytes(code.bytes ?? 0)} .tar.gz (code_upload: archive: the job sees it only where the service unpacks it)`));
  }
  if (uploads.length > 0) out.push('');
  if (view.verbose && code?.objects) {
    out.push(style.bold('Code objects'), ...code.objects.map((o) => `  ${objectUri(code.bucket, o.key)}  ${formatBytes(o.size)}`), '');
  }
  const url = `${endpointUrl(session.endpoint.value)}/api/v1/trainingjobs`;
  out.push(style.bold('Request') + `  CreateTrainingJob  POST ${url}`);
  // JSON.stringify escapes C0 controls, not DEL or C1.
  out.push(visibleLines(JSON.stringify(plan.body, null, 2)));
  out.push(style.dim('At submit, a label pai-process-submission-id=<a new UUID> is added, so a create whose answer is lost is never sent twice.'));
  return out.join('\n') + '\n';
}

function objectUri(bucket: string | null, key: string): string {
  return visible(`oss://${bucket ?? '<workspace-default-bucket>'}/${key}`);
}
