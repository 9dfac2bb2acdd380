import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addJobOptions, addSessionOptions, commandOption, localOption } from '../flags.js';
import { addCommonOptions, addRawOption } from '../options.js';

export function registerRun(program: Command, inv: Invocation): void {
  const cmd = program
    .command('run')
    .description('Validate a job, package and upload its code, submit it to PAI and follow it until it ends')
    .option('--dry-run', 'print the resolved job and the exact CreateTrainingJob request; send nothing, need no credentials')
    .option('--detach', 'return once the job is submitted (exit 0); follow it later with `pai-process logs JOB --follow`')
    .option('--timeout <duration>', 'stop following after this long (90s, 30m, 2h): exit 6, the job keeps running')
    .option('--stop-on-interrupt', 'on Ctrl-C, stop the job too (and wait for it to stop) instead of leaving it running')
    .addOption(commandOption('download', 'after the job succeeds, copy its OSS outputs into <dir>/<channel>/ (as `pai-process outputs JOB --download`)'))
    .addOption(commandOption('max_code_size'))
    // Local mode (docs/local.md): the same job on this machine, with PAI's container contract.
    .addOption(localOption('run the job on this machine (as instance_type: local does), in .pai-process/runs/<job-name>/; no cloud account needed'))
    .addOption(commandOption('local_runtime'))
    .addOption(commandOption('install_requirements'))
    .option(
      '--pass-env <NAME>',
      'with --local: let the job inherit this variable although it is withheld (cloud credentials, PAI_*); repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    );
  addJobOptions(cmd);
  addRawOption(cmd);
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Flags override the job config; --set applies last. Values of --param, --env and --label
reach the job as the text you typed. Job logs go to stdout; progress and the summary to stderr.
Exit codes: 0 succeeded, 1 failed, 2 bad config, 3 stopped, 4 credentials, 5 service
unreachable, 6 --timeout, 130 Ctrl-C (the job keeps running; with --local it is stopped).

Examples:
  $ pai-process run -f job.yaml
  $ pai-process run -f job.yaml --detach
  $ pai-process run -f job.yaml --timeout 2h --stop-on-interrupt
  $ pai-process run -f job.yaml --dry-run
  $ pai-process run -f job.yaml --download ./outputs
  $ pai-process run -f job.yaml --local
  $ pai-process run -f job.yaml --local --install-requirements --output model=./model
  $ pai-process run -f job.yaml --local --pass-env ALIBABA_CLOUD_ACCESS_KEY_ID \\
      --pass-env ALIBABA_CLOUD_ACCESS_KEY_SECRET
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
