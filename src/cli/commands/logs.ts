import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions } from '../flags.js';
import { addCommonOptions, addRawOption } from '../options.js';

export function registerLogs(program: Command, inv: Invocation): void {
  const cmd = program
    .command('logs')
    .description("Print a job's logs; with --follow, keep printing until the job ends and exit with its result")
    .argument('<job-id>', 'the training job id (train...)')
    .option('--follow', "keep printing new lines until the job ends; exit with the job's exit code")
    .option('--tail <n>', 'start with only the last N lines of each worker')
    .option('--worker <name>', "only this worker's lines (worker-0, or the full instance name)")
    .option('--timeout <duration>', 'with --follow: stop after this long (exit 6)');
  addSessionOptions(cmd);
  addRawOption(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Lines of a job with several workers are prefixed with [worker-name]. With --json, one
JSON event per line. Exit codes with --follow are those of run: 0 succeeded, 1 failed,
3 stopped, 6 --timeout, 130 Ctrl-C.

Examples:
  $ pai-process logs train1a2b3c4d
  $ pai-process logs train1a2b3c4d --follow
  $ pai-process logs train1a2b3c4d --tail 50 --worker worker-1`,
  );
  cmd.action(async (jobId: string, opts) => {
    const { logsAction } = await import('../actions/logs.js');
    await logsAction(jobId, opts, inv);
  });
}
