import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerStatus(program: Command, inv: Invocation): void {
  const cmd = program
    .command('status')
    .description('Show a job: status, reason, times, workers, console link; with --wait, block until it ends')
    .argument('<job-id>', 'the training job id (train...)')
    .option('--wait', 'wait for the job to end and exit with its exit code (0 succeeded, 1 failed, 3 stopped)')
    .option('--timeout <duration>', 'with --wait: give up after this long (exit 6)');
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ pai-process status train1a2b3c4d
  $ pai-process status train1a2b3c4d --json | jq -r .status
  $ pai-process status train1a2b3c4d --wait --timeout 2h && echo done`,
  );
  cmd.action(async (jobId: string, opts) => {
    const { statusAction } = await import('../actions/status.js');
    await statusAction(jobId, opts, inv);
  });
}
