import type { TrainingJob } from '../../cloud/types.js';
import { UsageError } from '../../core/errors.js';
import type { SessionFlags } from '../../core/session/resolve.js';
import { writeJson } from '../../ui/json.js';
import { jobJson, renderJobList } from '../../ui/render-status.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { retrying } from './retrying.js';
import { sessionForJobCommands } from './job-session.js';

type ListOptions = SessionFlags & CommonOptions & { status?: string; name?: string; limit?: string };

const PAGE_SIZE = 50;

export async function listAction(opts: ListOptions, inv: Invocation): Promise<void> {
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit expects a positive number, got "${opts.limit}"`);
  const session = await sessionForJobCommands(inv, opts, { workspace: true });
  const { jobs } = await connect(inv, session);
  const call = retrying(inv);
  const found: TrainingJob[] = [];
  for (let page = 1; found.length < limit; page++) {
    const size = Math.min(PAGE_SIZE, limit);
    const answer = await call(() => jobs.listJobs({ workspaceId: session.workspaceId.value, pageNumber: page, pageSize: size, ...(opts.status ? { status: opts.status } : {}), ...(opts.name ? { name: opts.name } : {}) }));
    found.push(...answer.jobs);
    if (answer.jobs.length < size || found.length >= answer.totalCount) break;
  }
  const shown = found.slice(0, limit);
  const { io } = inv;
  if (opts.json) writeJson(io, shown.map(jobJson));
  else io.out(renderJobList(shown, createStyle(io.color && io.stdoutIsTTY)) + '\n');
}
