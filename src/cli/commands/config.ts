import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addCommonOptions, addSessionOptions } from '../options.js';

export function registerConfig(program: Command, inv: Invocation): void {
  const config = program
    .command('config')
    .description('Inspect the session pai-process resolves')
    .addHelpText(
      'after',
      `
Examples:
  $ pai-process config show
  $ pai-process config show --json | jq .region`,
    );
  const show = config
    .command('show')
    .description('Print the resolved session (region, workspace, storage, endpoints, credentials) and where each value came from')
    .option('-f, --file <path>', 'a job config whose session block to include; default: found by searching from the current folder');
  addSessionOptions(show);
  addCommonOptions(show);
  show.addHelpText(
    'after',
    `
Secrets are never printed. Exits 4 when no credentials are found, so it works as a
preflight check in CI.

Examples:
  $ pai-process config show
  $ pai-process config show --region cn-shanghai --json`,
  );
  show.action(async (opts) => {
    const { configShowAction } = await import('../actions/config-show.js');
    await configShowAction(opts, inv);
  });
}
