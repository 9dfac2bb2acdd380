import type { Command } from 'commander';
import type { Invocation } from '../context.js';
import { addCommonOptions } from '../options.js';

export function registerSchema(program: Command, inv: Invocation): void {
  const cmd = program.command('schema').description('Print the JSON Schema of the job config, for editors and other tools');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ pai-process schema > pai-process.schema.json
  # then, first line of a job.yaml, for editors with the YAML language server:
  # yaml-language-server: $schema=./pai-process.schema.json`,
  );
  cmd.action(async (opts) => {
    const { schemaAction } = await import('../actions/schema.js');
    await schemaAction(opts, inv);
  });
}
