import type { Command } from 'commander';

/** Options every command takes. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print machine-readable JSON on stdout')
    .option(
      '-q, --quiet',
      'print only the essential value on stdout (the job id of run and list, the status of status and stop), no progress; errors still show',
    )
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('--verbose', 'more detail, and the stack of an internal error');
}

/** --raw, on the commands that print a job's log lines (logs, run). */
export function addRawOption(cmd: Command): Command {
  return cmd.option('--raw', "print the job's log lines exactly as the job wrote them, terminal escape sequences included (only for a job you trust)");
}
