import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions, commandOption } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerOutputs(program: Command, inv: Invocation): void {
  const cmd = program
    .command('outputs')
    .description("List a job's output channels (their URIs); with --download, copy the OSS ones into a folder")
    .argument('<job-id>', 'the training job id (train...)')
    .addOption(
      commandOption('download', 'copy each OSS output channel into <dir>/<channel>/, resuming: files already there with the same size and ETag are skipped'),
    )
    .addOption(commandOption('channel'));
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Channels on NAS, CPFS or a dataset are listed but not downloaded: only OSS is reachable from here.
An object key with a ".." segment, or one that would land outside <dir>, refuses the download (exit 5).
Progress and the summary go to stderr; --json prints the channels (and the download summary) on stdout.

Examples:
  $ pai-process outputs train1a2b3c4d
  $ pai-process outputs train1a2b3c4d --download ./outputs
  $ pai-process outputs train1a2b3c4d --download ./model --channel model
  $ pai-process outputs train1a2b3c4d --json | jq -r '.channels[].uri'`,
  );
  cmd.action(async (jobId: string, opts) => {
    const { outputsAction } = await import('../actions/outputs.js');
    await outputsAction(jobId, opts, inv);
  });
}
