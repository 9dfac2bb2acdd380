import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { bashCompletion, commandTree, fishCompletion, zshCompletion } from '../completion.js';
import type { Invocation } from '../context.js';

export function registerCompletion(program: Command, inv: Invocation): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  $ source <(pai-process completion bash)              # in ~/.bashrc
  $ source <(pai-process completion zsh)               # in ~/.zshrc
  $ pai-process completion fish > ~/.config/fish/completions/pai-process.fish`,
    )
    .action((shell: string) => {
      const tree = commandTree(program);
      const scripts: Record<string, () => string> = { bash: () => bashCompletion(tree), zsh: () => zshCompletion(tree), fish: () => fishCompletion(tree) };
      const make = scripts[shell];
      if (!make) throw new UsageError(`No completion for "${shell}"`, 'Choose bash, zsh or fish.');
      inv.ctx.stdout.write(make());
    });
}
