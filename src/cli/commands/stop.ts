import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerStop(program: Command, inv: Invocation): void {
  const cmd = program
    .command('stop')
    .description('Stop a running job (asks first on a terminal; --yes otherwise)')
    .argument('<job-id>', 'the training job id (train...)')
    .option('-y, --yes', 'do not ask; required when not running in a terminal');
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Waits (up to a minute) for the job to reach a stopped state and prints it.

Examples:
  $ pai-process stop train1a2b3c4d
  $ pai-process stop train1a2b3c4d --yes        # in a script or CI`,
  );
  cmd.action(async (jobId: string, opts) => {
    const { stopAction } = await import('../actions/stop.js');
    await stopAction(jobId, opts, inv);
  });
}
