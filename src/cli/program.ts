import { Command } from 'commander';
import type { Invocation } from './context.js';
import { UsageError } from '../core/errors.js';
import { environmentHelp } from './environment.js';
import { packageInfo } from './package-info.js';
import { registerCompletion } from './commands/completion.js';
import { registerConfig } from './commands/config.js';
import { registerEvents } from './commands/events.js';
import { registerInit } from './commands/init.js';
import { registerList } from './commands/list.js';
import { registerLogs } from './commands/logs.js';
import { registerOutputs } from './commands/outputs.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerStatus } from './commands/status.js';
import { registerStop } from './commands/stop.js';
import { registerValidate } from './commands/validate.js';

/** The package version, from package.json. */
export function packageVersion(): string {
  return packageInfo().version;
}

/**
 * The command tree. Only commander is loaded here: each command's work is behind a dynamic import in
 * its action, so `--help` and `--version` start fast and never load the Alibaba libraries.
 */
export function buildProgram(inv: Invocation): Command {
  const { stdout, stderr } = inv.ctx;
  const program = new Command('pai-process')
    .description('Run processing and training jobs on Alibaba Cloud PAI from a terminal, a script or CI.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void stdout.write(s),
      writeErr: (s) => void stderr.write(s),
      // Parse errors are rendered by main(), in the same style as every other error.
      outputError: () => {},
    })
    .addHelpCommand('help [command]', 'show help for a command')
    .addHelpText(
      'after',
      `
Examples:
  $ pai-process run -f job.yaml                # submit, follow the logs, exit with the result
  $ pai-process run -f job.yaml --dry-run      # the exact request, nothing sent
  $ pai-process logs train1a2b3c --follow      # follow a running job
  $ pai-process list --status Running          # the workspace's running jobs
  $ pai-process outputs train1a2b3c            # its output URIs; --download DIR copies them
  $ pai-process validate -f job.yaml           # check a job config offline
  $ pai-process config show                    # the session and where each value came from
  $ pai-process schema > job.schema.json       # the job config's JSON Schema

Exit codes: 0 ok, 1 job failed, 2 usage or config error, 3 job stopped, 4 credentials,
5 service unreachable, 6 timeout, 70 internal error, 130 interrupted.

${environmentHelp()}`,
    );
  // Record the parsed common options before the action runs, so errors render as asked (--json, --verbose).
  program.hook('preAction', (_program, action) => {
    inv.options = action.opts();
    if (inv.options.quiet && inv.options.json)
      throw new UsageError('--quiet and --json both say what stdout holds', 'Use one: --json for every field, --quiet for the essential value alone.');
  });
  registerRun(program, inv);
  registerLogs(program, inv);
  registerStatus(program, inv);
  registerEvents(program, inv);
  registerStop(program, inv);
  registerList(program, inv);
  registerOutputs(program, inv);
  registerInit(program, inv);
  registerValidate(program, inv);
  registerConfig(program, inv);
  registerSchema(program, inv);
  registerCompletion(program, inv);
  return program;
}
