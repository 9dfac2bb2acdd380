import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addCommonOptions, addJobOptions, addSessionOptions } from '../options.js';

export function registerRun(program: Command, inv: Invocation): void {
  const cmd = program
    .command('run')
    .description('Validate a job, package and upload its code, submit it to PAI and follow it until it ends')
    .option('--dry-run', 'print the resolved job and the exact CreateTrainingJob request; send nothing, need no credentials');
  addJobOptions(cmd);
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Flags override the job config; --set applies last. Values of --param, --env and --label
reach the job as the text you typed.

Examples:
  $ pai-process run -f job.yaml --dry-run
  $ pai-process run -f job.yaml --dry-run --json | jq .request
  $ pai-process run --image python:3.11 --command "python main.py" --source-dir . \\
      --instance-type ecs.c6.large --param lr=0.1 --dry-run
  $ pai-process run -f job.yaml --set spot_spec.spot_strategy=SpotAsPriceGo --region cn-shanghai`,
  );
  cmd.action(async (opts) => {
    const { runAction } = await import('../actions/run.js');
    await runAction(opts, inv);
  });
}
