import { basename } from 'node:path';
import { statSync } from 'node:fs';
import type { Job } from '../job.js';
import type { CompleteSession } from '../session/resolve.js';
import { parseOssUri } from '../uris.js';
import { buildCreateTrainingJobBody, type CodeLocation, type CreateTrainingJobBody } from './create-training-job.js';
import { jobName as makeJobName, plainText } from './job-name.js';

/** Written where the bucket belongs while it is still to be asked of the workspace. */
export const PENDING_BUCKET = '<workspace-default-bucket>';

/** What a submit will do: the job name, what it uploads and where, and the exact request body. */
export interface RequestPlan {
  jobName: string;
  body: CreateTrainingJobBody;
  /** The code folder to upload, and its prefix (or archive key); absent for no code or an oss:// source_dir. */
  codeUpload?: { dir: string; bucket: string | null; key: string } & Partial<CodeDetails>;
  /** Local-path inputs to upload, and the URI each channel will point at. */
  inputUploads: { channel: string; path: string; uri: string }[];
  /** True when the bucket is not configured and will be asked of the workspace at submit time. */
  bucketPending: boolean;
}

/** What a prepared code folder will put in OSS (a dry run shows it; the real run sends exactly this). */
export interface CodeDetails {
  kind: 'files' | 'archive';
  fileCount: number;
  /** The files' bytes (files) or the archive's (archive). */
  bytes: number;
  /** The object written once every file is in place (files). */
  marker?: string;
  /** Every object under the prefix, in order (files). */
  objects?: { key: string; size: number }[];
}

/** What is known once the bucket is resolved and the code and inputs are packaged. */
export interface PlanResolution {
  bucket?: string;
  /** The code's CodeDir key: its content-addressed prefix (or archive key); without it, the SDK's prefix stands in. */
  codeKey?: string;
  code?: CodeDetails;
  /** The URI each local-path input was uploaded to, by channel. */
  inputUris?: Record<string, string>;
  /** The run's submission id, sent as a label. */
  submissionId?: string;
}

/**
 * Plans a submit without touching the network. Without a resolution (a plain dry run) the code key is the
 * SDK's prefix `pai/processing_src/{job}/` and local inputs get the SDK's `pai/input_data/{time}/` folder.
 */
export function planRequest(job: Job, session: CompleteSession, now: Date, resolved: PlanResolution = {}): RequestPlan {
  const name = makeJobName(job.base_job_name, now);
  const bucket = resolved.bucket ?? session.ossBucketName?.value ?? null;
  const ossHost = session.ossEndpoint.value.host;
  let code: CodeLocation | undefined;
  let codeUpload: RequestPlan['codeUpload'];
  if (job.source_dir?.startsWith('oss://')) {
    const uri = parseOssUri(job.source_dir)!;
    code = { bucket: uri.bucket, key: uri.key, endpoint: uri.endpoint ?? ossHost };
  } else if (job.source_dir) {
    const key = resolved.codeKey ?? `pai/processing_src/${plainText(name)}/`;
    code = { bucket, key, endpoint: ossHost };
    codeUpload = { dir: job.source_dir, bucket, key, ...(resolved.code ?? {}) };
  }
  const inputUploads: RequestPlan['inputUploads'] = [];
  const stamp = inputStamp(now);
  for (const [channel, loc] of Object.entries(job.inputs)) {
    if (typeof loc !== 'string' || /^[a-z]+:\/\//i.test(loc)) continue;
    const isDir = statSync(loc, { throwIfNoEntry: false })?.isDirectory() ?? false;
    const uri = resolved.inputUris?.[channel] ?? `oss://${bucket ?? PENDING_BUCKET}/pai/input_data/${stamp}/${isDir ? '' : basename(loc)}`;
    inputUploads.push({ channel, path: loc, uri });
  }
  const body = buildCreateTrainingJobBody(job, {
    jobName: name,
    workspaceId: session.workspaceId.value,
    region: session.region.value,
    code,
    uploadedInputs: Object.fromEntries(inputUploads.map((u) => [u.channel, u.uri])),
    ...(resolved.submissionId ? { submissionId: resolved.submissionId } : {}),
  });
  const bucketPending = bucket === null && (codeUpload !== undefined || inputUploads.length > 0);
  const plan: RequestPlan = { jobName: name, body, inputUploads, bucketPending };
  if (codeUpload) plan.codeUpload = codeUpload;
  return plan;
}

/** The SDK's folder name for uploaded inputs: `YYYYmmdd_HHMMSS_ffffff` (microseconds, local time). */
function inputStamp(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}_${p(now.getMilliseconds() * 1000, 6)}`;
}
