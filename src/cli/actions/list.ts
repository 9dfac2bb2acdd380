import type { TrainingJob } from '../../core/ports/backends.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_SINCE, durationOf, parseSince, parseStatus } from '../../core/list-query.js';
import { nameOf, type SessionFlagValues } from '../flags.js';
import { writeJson } from '../../ui/json.js';
import { jobJson, renderJobList } from '../../ui/render-status.js';
import { createStyle } from '../../ui/style.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { sessionForJobCommands } from './job-session.js';

type ListOptions = SessionFlagValues & CommonOptions & { status?: string; name?: string; limit?: string; since?: string };

const PAGE_SIZE = 50;

/**
 * Lists the workspace's jobs since `--since` (default 7 days: the service's own window, now said out loud),
 * newest first. `--name` is an exact name: the service matches TrainingJobName as it likes (a substring in the
 * emulator; the model does not say), so names are compared here and every page is read until the limit.
 */
export async function listAction(opts: ListOptions, inv: Invocation): Promise<void> {
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit expects a positive number, got "${opts.limit}"`);
  const now = inv.runtime.date();
  const startTime = parseSince(opts.since ?? DEFAULT_SINCE, now, nameOf);
  const status = opts.status === undefined ? undefined : parseStatus(opts.status, nameOf);
  const session = await sessionForJobCommands(inv, opts, { workspace: true });
  const { jobs } = await connect(inv, session);
  const found: TrainingJob[] = [];
  for (let page = 1; found.length < limit; page++) {
    const size = opts.name ? PAGE_SIZE : Math.min(PAGE_SIZE, limit);
    const answer = await jobs.listJobs({
      workspaceId: session.workspaceId.value,
      pageNumber: page,
      pageSize: size,
      startTime,
      ...(status ? { status } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    });
    found.push(...answer.jobs.filter((j) => opts.name === undefined || j.name === opts.name));
    if (answer.jobs.length < size || page * size >= answer.totalCount) break;
  }
  const shown = found.slice(0, limit).map((j) => {
    const duration = durationOf(j, now);
    return duration === undefined ? j : { ...j, duration };
  });
  const { io } = inv;
  if (opts.json) {
    writeJson(io, shown.map(jobJson));
    return;
  }
  if (opts.quiet) {
    io.out(shown.map((j) => `${j.id}\n`).join(''));
    return;
  }
  if (shown.length === 0) {
    const filters = [status ? `in status ${status}` : '', opts.name ? `named ${opts.name}` : ''].filter(Boolean).join(' and ');
    // The two reasons a list is empty that a user can act on: the time window and the workspace.
    io.err(
      `No jobs${filters ? ` ${filters}` : ''} in workspace ${session.workspaceId.value} since ${startTime} (use --since to look further back, e.g. --since 30d; --workspace or PAI_WORKSPACE_ID for another workspace).\n`,
    );
    return;
  }
  io.out(renderJobList(shown, createStyle(io.color && io.stdoutIsTTY)) + '\n');
}
