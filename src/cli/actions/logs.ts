import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { isTerminal } from '../../core/job-status.js';
import type { SessionFlagValues } from '../flags.js';
import type { CommonOptions, Invocation } from '../context.js';
import { connect } from './connect.js';
import { sessionForJobCommands } from './job-session.js';
import { watch } from './watch.js';

type LogsOptions = SessionFlagValues & CommonOptions & { follow?: boolean; tail?: string; worker?: string; timeout?: string };

export async function logsAction(jobId: string, opts: LogsOptions, inv: Invocation): Promise<void> {
  const tail = opts.tail === undefined ? undefined : count('--tail', opts.tail);
  const timeout = opts.timeout === undefined ? undefined : parseDuration(opts.timeout);
  if (opts.timeout !== undefined && timeout === undefined) throw new UsageError(`--timeout expects a duration such as 90s, 30m or 2h, got "${opts.timeout}"`);
  const session = await sessionForJobCommands(inv, opts, { workspace: false });
  const { jobs } = await connect(inv, session);
  let instance: string | undefined;
  if (opts.worker) {
    const job = await jobs.getJob(jobId);
    const names = job.instances.map((i) => i.name);
    instance = names.find((n) => n === opts.worker || n === `${jobId}-${opts.worker}`);
    if (!instance && names.length === 0 && isTerminal(job.status)) {
      // A finished job's pods may be gone from Instances while its lines are still kept: ask by name.
      const name = opts.worker.startsWith(`${jobId}-`) ? opts.worker : `${jobId}-${opts.worker}`;
      const probe = await jobs.listLogs(jobId, { pageNumber: 1, pageSize: 1, instanceId: name });
      if (probe.notStarted)
        throw new UsageError(
          `Job ${jobId} has ended and the service knows no worker "${opts.worker}" of it`,
          `Leave out --worker to read every line of the job: pai-process logs ${jobId}`,
        );
      instance = name;
    }
    if (!instance)
      throw new UsageError(
        `Job ${jobId} has no worker "${opts.worker}"`,
        names.length ? `Its workers: ${names.map((n) => n.replace(`${jobId}-`, '')).join(', ')}` : 'It has no workers yet.',
      );
  }
  await watch(
    inv,
    jobs,
    jobId,
    {
      showLogs: true,
      once: !opts.follow,
      tail,
      ...(instance ? { instance } : {}),
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    },
    // Without --follow only the lines matter: no status lines, no summary.
    !opts.follow,
  );
}

function count(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} expects a number of lines, got "${text}"`);
  return Number(text);
}
