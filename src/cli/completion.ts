import type { Command } from 'commander';
import { KNOWN_STATUSES } from '../core/job-status.js';

/**
 * The values an option or a command's argument takes, offered after it. Job ids are not offered: they would need a
 * list call per keystroke (credentials, a network round trip) or a cache of ids written by every command.
 */
const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  '--status': KNOWN_STATUSES,
  '--local-runtime': ['plain', 'docker'],
};
const ARGUMENT_VALUES: Readonly<Record<string, readonly string[]>> = {
  completion: ['bash', 'zsh', 'fish'],
};

/** A command as completion sees it: its name path, its options, and what it is for. */
interface CommandInfo {
  path: string[];
  description: string;
  options: { long: string; short?: string; description: string; takesValue: boolean; file: boolean; values?: readonly string[] }[];
  subcommands: string[];
  /** The values of the command's argument, when they are a fixed list (`completion bash`). */
  argumentValues?: readonly string[];
}

/** Every command of the tree, from commander's own definitions, so completion never drifts from --help. */
export function commandTree(program: Command): CommandInfo[] {
  const out: CommandInfo[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const visible = cmd.commands.filter((c) => c.name() !== 'help');
    out.push({
      path,
      description: cmd.description(),
      options: cmd.options
        .filter((o) => o.long)
        .map((o) => ({
          long: o.long!,
          ...(o.short ? { short: o.short } : {}),
          description: o.description,
          takesValue: o.required || o.optional,
          file: /--file$|--source-dir$/.test(o.long!),
          ...(OPTION_VALUES[o.long!] ? { values: OPTION_VALUES[o.long!] } : {}),
        })),
      subcommands: visible.map((c) => c.name()),
      ...(ARGUMENT_VALUES[path.join(' ')] ? { argumentValues: ARGUMENT_VALUES[path.join(' ')] } : {}),
    });
    for (const c of visible) walk(c, [...path, c.name()]);
  };
  walk(program, []);
  return out;
}

export function bashCompletion(tree: CommandInfo[]): string {
  const cases = tree
    .map((c) => {
      const words = [
        ...c.subcommands,
        ...(c.argumentValues ?? []),
        ...c.options.map((o) => o.long),
        ...c.options.flatMap((o) => (o.short ? [o.short] : [])),
        '--help',
      ];
      const fileOpts = c.options.filter((o) => o.file).flatMap((o) => [o.long, ...(o.short ? [o.short] : [])]);
      return `    "${c.path.join(' ')}")\n      words="${words.join(' ')}"; fileopts="${fileOpts.join(' ')}" ;;`;
    })
    .join('\n');
  const valueCases = Object.entries(OPTION_VALUES)
    .map(([option, values]) => `    ${option}) COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur")); return ;;`)
    .join('\n');
  return `# pai-process bash completion. Load it with:  source <(pai-process completion bash)
_pai_process() {
  local cur prev path="" words fileopts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command path: the words before the cursor that are not options or option values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) case " ${[...new Set(tree.flatMap((c) => c.path))].join(' ')} " in
           *" \${COMP_WORDS[i]} "*) path="\${path:+$path }\${COMP_WORDS[i]}" ;;
         esac ;;
    esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  if [[ " $fileopts " == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi
  case "$prev" in
${valueCases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _pai_process pai-process
`;
}

export function zshCompletion(tree: CommandInfo[]): string {
  return `#compdef pai-process
# pai-process zsh completion. Load it with:  source <(pai-process completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(tree)}`;
}

export function fishCompletion(tree: CommandInfo[]): string {
  const q = (s: string) => `'${s.replace(/'/g, "\\'")}'`;
  const lines = ['# pai-process fish completion. Load it with:  pai-process completion fish | source'];
  for (const c of tree) {
    const cond = c.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${c.path[c.path.length - 1]}`;
    for (const sub of c.subcommands) {
      const info = tree.find((t) => t.path.join(' ') === [...c.path, sub].join(' '));
      lines.push(`complete -c pai-process -f -n ${q(cond)} -a ${sub} -d ${q(info?.description ?? '')}`);
    }
    for (const o of c.options) {
      const short = o.short ? ` -s ${o.short.replace(/^-/, '')}` : '';
      const value = o.takesValue ? (o.file ? ' -r -F' : o.values ? ` -x -a ${q(o.values.join(' '))}` : ' -r') : '';
      lines.push(`complete -c pai-process -n ${q(cond)} -l ${o.long.replace(/^--/, '')}${short}${value} -d ${q(o.description)}`);
    }
    if (c.argumentValues) lines.push(`complete -c pai-process -f -n ${q(cond)} -a ${q(c.argumentValues.join(' '))}`);
  }
  return lines.join('\n') + '\n';
}
