import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions } from '../flags.js';
import { addCommonOptions } from '../options.js';

export function registerList(program: Command, inv: Invocation): void {
  const cmd = program
    .command('list')
    .description("List the workspace's training jobs, newest first")
    .option('--since <duration|date>', 'jobs created since: 3d, 12h, 90m, or a date such as 2026-11-01 (default 7d, as the service)')
    .option('--status <status>', 'only jobs in this status (Running, Succeed, Failed, ...; case does not matter)')
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
