import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addCommonOptions, addSessionOptions } from '../options.js';

export function registerList(program: Command, inv: Invocation): void {
  const cmd = program
    .command('list')
    .description("List the workspace's training jobs, newest first")
    .option('--status <status>', 'only jobs in this status (Running, Succeed, Failed, ...)')
    .option('--name <name>', 'only jobs with this name')
    .option('--limit <n>', 'at most this many jobs (default 20)');
  addSessionOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ pai-process list
  $ pai-process list --status Running --limit 50
  $ pai-process list --json | jq -r '.[].id'`,
  );
  cmd.action(async (opts) => {
    const { listAction } = await import('../actions/list.js');
    await listAction(opts, inv);
  });
}
