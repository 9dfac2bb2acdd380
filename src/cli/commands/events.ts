import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerEvents(program: Command, inv: Invocation): void {
  const cmd = program
    .command('events')
    .description("Print a job's events (scheduling, image pulls, quota): why it waits or failed; with --follow, until it ends")
    .argument('<job-id>', 'the training job id (train...)')
    .option('--follow', "keep printing new events until the job ends; exit with the job's exit code");
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Each event once, as the service wrote it, one per line on stdout. With --json, one JSON
record per event: {"event":"event","time","v","jobId","eventTime","text"}. --follow reads
every 10 s and exits as logs --follow does: 0 succeeded, 1 failed, 3 stopped, 130 Ctrl-C.

Examples:
  $ pai-process events train1a2b3c4d
  $ pai-process events train1a2b3c4d --follow
  $ pai-process events train1a2b3c4d --json | jq -r .text`,
  );
  cmd.action(async (jobId: string, opts) => {
    const { eventsAction } = await import('../actions/events.js');
    await eventsAction(jobId, opts, inv);
  });
}
