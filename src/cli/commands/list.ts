import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions, commandOption } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerList(program: Command, inv: Invocation): void {
  const cmd = program
    .command('list')
    .description("List the workspace's training jobs, newest first")
    .addOption(commandOption('since'))
    .addOption(commandOption('status'))
    .option('--name <name>', 'only jobs with exactly this name (the full name, such as processor_20261101_120000)')
    .option('--limit <n>', 'at most this many jobs (default 20)');
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ pai-process list
  $ pai-process list --since 30d --status Failed
  $ pai-process list --status Running --limit 50
  $ pai-process list --json | jq -r '.[].id'`,
  );
  cmd.action(async (opts) => {
    const { listAction } = await import('../actions/list.js');
    await listAction(opts, inv);
  });
}
