import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addSessionOptions } from '../flags.js';
import { addCommonOptions } from '../options.js';

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
    .option('-f, --file <path>', 'a job config whose session block to include; default: found by searching from the current folder')
    .option(
      '--check',
      'also ask the service: the credentials are accepted, the workspace exists, the bucket exists and is in the region (exit 0 only if all hold)',
    );
  addSessionOptions(show);
  addCommonOptions(show);
  show.addHelpText(
    'after',
    `
Secrets are never printed. Exits 4 when no credentials are found. With --check it also asks
PAI and OSS (reads only) and exits with the first failure's code: 4 credentials refused,
2 no such workspace or bucket, or a bucket in another region, 5 the service unreachable.

Examples:
  $ pai-process config show
  $ pai-process config show --check            # a preflight for CI: exit 0 only if a run can start
  $ pai-process config show --region cn-shanghai --json`,
  );
  show.action(async (opts) => {
    const { configShowAction } = await import('../actions/config-show.js');
    await configShowAction(opts, inv);
  });
}
