import { CommanderError } from 'commander';
import { ExitCode } from '../core/exit-codes.js';
import { defaultContext, Invocation, type CliContext } from './context.js';
import { buildProgram } from './program.js';

/**
 * Runs the CLI for `argv` (without node and the script) and returns the exit code. It never exits the
 * process (bin/ does), so tests call it in-process with their own context.
 */
export async function main(argv: string[], context: Partial<CliContext> = {}): Promise<number> {
  const inv = new Invocation({ ...defaultContext(), ...context });
  const program = buildProgram(inv);
  // `help config show`: commander's help command reads one level only and would show the `config` group.
  if (argv[0] === 'help' && argv.length > 2 && argv.slice(1).every((a) => !a.startsWith('-'))) argv = [...argv.slice(1), '--help'];
  try {
    await program.parseAsync(argv, { from: 'user' });
    return inv.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error, argv, inv);
    const { renderError } = await import('../ui/render-error.js');
    // Only `run` submits: elsewhere "nothing was submitted" says nothing (validate, list, status...).
    return renderError(inv.io, error, inv.options.json === true, { submits: argv.find((a) => !a.startsWith('-')) === 'run' });
  }
}

// --- internal ---

/** Help and version end with 0; every parse error is a usage error (2) with a pointer to --help. */
async function commanderExit(error: CommanderError, argv: string[], inv: Invocation): Promise<number> {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
  if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
  const { renderError } = await import('../ui/render-error.js');
  const { UsageError } = await import('../core/errors.js');
  const command = argv.find((a) => !a.startsWith('-'));
  const message = error.message.replace(/^error: /, '').replace(/\n/g, ' ');
  // An unknown command is not a command to ask help of: `pai-process lsit --help` would fail the same way.
  const hint =
    error.code === 'commander.unknownCommand'
      ? 'Run `pai-process --help` to see the commands.'
      : `Run \`pai-process ${command ? `${command} ` : ''}--help\` to see the options.`;
  return renderError(inv.io, new UsageError(message, hint), argv.includes('--json'));
}
