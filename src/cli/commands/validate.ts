import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addJobOptions, localOption } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerValidate(program: Command, inv: Invocation): void {
  const cmd = program
    .command('validate')
    .description('Check a job config offline and print the resolved job, with where each value came from')
    .addOption(localOption('check it as `run --local` runs it (instance_type: local, so outputs may be local paths)'));
  addJobOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exits 0 when the job is valid and 2 with every problem listed when it is not. Sends nothing.

Examples:
  $ pai-process validate -f job.yaml
  $ pai-process validate                       # the config found from the current folder
  $ pai-process validate -f job.yaml --param lr=0.01 --json
  $ pai-process validate -f job.yaml --local      # as run --local will run it`,
  );
  cmd.action(async (opts) => {
    const { validateAction } = await import('../actions/validate.js');
    await validateAction(opts, inv);
  });
}
