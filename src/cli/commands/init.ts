import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addCommonOptions } from '../options.js';

export function registerInit(program: Command, inv: Invocation): void {
  const cmd = program
    .command('init')
    .description('Write a commented starter job config (every key explained); never overwrites without --force')
    .option('-f, --file <path>', 'where to write it', 'pai-process.config.yaml')
    .option('--force', 'overwrite the file if it exists');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
The file sets image_uri, command, source_dir and instance_type, and lists every other
key commented out with an example. Its first line points editors (YAML language server)
at the JSON Schema shipped with pai-process, for completion and checks.

Examples:
  $ pai-process init
  $ pai-process init -f jobs/train.yaml && pai-process validate -f jobs/train.yaml`,
  );
  cmd.action(async (opts) => {
    const { initAction } = await import('../actions/init.js');
    await initAction(opts, inv);
  });
}
