import { type Command, Option } from 'commander';
import type { NamedSetting, NameOf } from '../core/option-names.js';
import type { Setting, SessionFlags, SessionKey } from '../core/session/resolve.js';

/**
 * The one table of the flags that set a job's config keys and its session (docs/config.md, docs/session.md): each
 * flag's commander spelling, help text, kind of value and the key it sets. The commander options (`addJobOptions`,
 * `addSessionOptions`) and the overrides handed to core (`sessionFlags` here, `jobOverrides` in actions/job-overrides.ts,
 * which loads the YAML parser and so stays out of `--help`) are both made from it, and
 * it alone knows how a flag is spelled: core speaks of config keys, and names a flag only through an origin label or
 * a wording this file gives it.
 */

/** How a job flag's value becomes overrides. */
type JobFlag =
  /** `-f FILE`: which config file, not a key in it. */
  | { kind: 'file'; flags: string; help: string }
  /** One top-level key; `numeric`: digits are the number they spell (`--instance-count 2` is 2). */
  | { kind: 'scalar'; flags: string; help: string; key: string; numeric?: true }
  /** Repeatable `NAME=VALUE`, each one entry of the map `key`. */
  | { kind: 'map'; flags: string; help: string; key: string }
  /** Repeatable `dotted.key=value`, any key. */
  | { kind: 'set'; flags: string; help: string };

/** In the order `--help` lists them. A key's help text ends with the key: "container image (image_uri)". */
const JOB_FLAGS: readonly JobFlag[] = [
  { kind: 'file', flags: '-f, --file <path>', help: 'the job config (YAML or JSON); default: found by searching from the current folder' },
  { kind: 'scalar', flags: '--image <uri>', help: 'container image', key: 'image_uri' },
  { kind: 'scalar', flags: '--command <command>', help: 'command to run, through sh -c', key: 'command' },
  { kind: 'scalar', flags: '--source-dir <dir>', help: 'code folder to upload, or an oss:// URI', key: 'source_dir' },
  { kind: 'scalar', flags: '--instance-type <type>', help: 'machine type, such as ecs.c6.large', key: 'instance_type' },
  { kind: 'scalar', flags: '--instance-count <n>', help: 'number of machines', key: 'instance_count', numeric: true },
  { kind: 'scalar', flags: '--name <base>', help: 'base of the job name; the job is named <base>_<YYYYmmdd_HHMMSS>', key: 'base_job_name' },
  { kind: 'scalar', flags: '--max-run-time <duration>', help: 'longest run: seconds or 90m, 2h30m', key: 'max_run_time', numeric: true },
  { kind: 'map', flags: '--param <key=value>', help: 'a hyperparameter', key: 'parameters' },
  { kind: 'map', flags: '--env <KEY=VALUE>', help: 'an environment variable in the job', key: 'environments' },
  { kind: 'map', flags: '--input <name=location>', help: 'an input channel', key: 'inputs' },
  { kind: 'map', flags: '--output <name=uri>', help: 'an output channel', key: 'outputs' },
  { kind: 'map', flags: '--label <key=value>', help: 'a job label', key: 'labels' },
  { kind: 'set', flags: '--set <key.path=value>', help: 'set any config key, such as spot_spec.spot_strategy=SpotAsPriceGo; repeatable' },
];

/** Session flags and the session value each sets; they win over the environment, the job config and ~/.pai/config.json. */
const SESSION_FLAGS: readonly { flags: string; help: string; key: SessionKey }[] = [
  { flags: '--region <id>', help: 'region, such as cn-hangzhou (else PAI_REGION_ID)', key: 'region_id' },
  { flags: '--workspace <id>', help: 'PAI workspace id (else PAI_WORKSPACE_ID)', key: 'workspace_id' },
  { flags: '--profile <name>', help: 'credentials profile in ~/.aliyun/config.json or ~/.alibabacloud/credentials', key: 'profile' },
  {
    flags: '--workspace-endpoint <host|url>',
    help: 'AI workspace API endpoint, asked for the default bucket (else PAI_WORKSPACE_ENDPOINT; default aiworkspace.<region>.aliyuncs.com)',
    key: 'workspace_endpoint',
  },
];

/**
 * Options of one command that core's messages name (core/option-names.ts). `help` is absent where each command
 * words its own (`--download` on run and on outputs).
 */
type CommandSetting = Exclude<NamedSetting, 'session.region_id' | 'session.workspace_id' | 'inputs' | 'outputs'>;
const COMMAND_FLAGS: Readonly<Record<CommandSetting, { flags: string; help?: string }>> = {
  max_code_size: { flags: '--max-code-size <size>', help: 'refuse to upload code larger than this (500MB, 2GiB); default 5GiB' },
  local_runtime: { flags: '--local-runtime <runtime>', help: 'with --local: plain (a process, the default) or docker (the image, with the real /ml paths)' },
  install_requirements: {
    flags: '--install-requirements',
    help: 'with --local: pip-install requirements.txt and `requirements` (plain: into a virtualenv in the run folder)',
  },
  since: { flags: '--since <duration|date>', help: 'jobs created since: 3d, 12h, 90m, or a date such as 2026-11-01 (default 7d, as the service)' },
  status: { flags: '--status <status>', help: 'only jobs in this status (Running, Succeed, Failed, ...; case does not matter)' },
  channel: { flags: '--channel <name>', help: 'only this output channel' },
  download: { flags: '--download <dir>' },
};

/** `--local` on run and validate sets this key to this value (each command words its own help). */
const LOCAL_FLAG = { flags: '--local', key: 'instance_type', value: 'local' } as const;

/** The example `--set` hints give. */
export const SET_EXAMPLE = 'spot_spec.spot_strategy=SpotAsPriceGo';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A fresh commander option for an entry (commander keeps per-command state on the object it is given). */
function jobOption(flag: JobFlag): Option {
  switch (flag.kind) {
    case 'file':
      return new Option(flag.flags, flag.help);
    case 'scalar':
      return new Option(flag.flags, `${flag.help} (${flag.key})`);
    case 'map':
      return new Option(flag.flags, `${flag.help}; repeatable (${flag.key})`).argParser(collect);
    case 'set':
      return new Option(flag.flags, flag.help).argParser(collect);
  }
}

/** Commander's own reading of a spelling: `long` (`--source-dir`) and the attribute its value lands in (`sourceDir`). */
function named(flags: string): { long: string; attribute: string } {
  const option = new Option(flags);
  return { long: option.long!, attribute: option.attributeName() };
}

/** The job flags with commander's names for them, for reading the values an action gets (actions/job-overrides.ts). */
export const JOB = JOB_FLAGS.map((flag) => ({ ...flag, ...named(flag.flags) }));
export const SET = JOB.find((flag) => flag.kind === 'set')!;
export const LOCAL = { ...LOCAL_FLAG, ...named(LOCAL_FLAG.flags) };
const SESSION = SESSION_FLAGS.map((flag) => ({ ...flag, ...named(flag.flags) }));

/** The job config file and the flags that override its keys (docs/config.md). */
export function addJobOptions(cmd: Command): Command {
  for (const flag of JOB_FLAGS) cmd.addOption(jobOption(flag));
  return cmd;
}

/** Session flags: they win over the environment, the job config and ~/.pai/config.json. */
export function addSessionOptions(cmd: Command): Command {
  for (const flag of SESSION_FLAGS) cmd.addOption(new Option(flag.flags, flag.help));
  return cmd;
}

/** The value commander parsed for a flag, by its spelling: commander names the attribute (`--dry-run` → `dryRun`). */
export function flagValue(opts: Readonly<Record<string, unknown>>, long: string): unknown {
  return opts[named(long).attribute];
}

/** `--local`, with the command's own help. */
export function localOption(help: string): Option {
  return new Option(LOCAL_FLAG.flags, help);
}

/** What commander hands an action for the session flags (`region`, `workspace`, `profile`, `workspaceEndpoint`). */
export type SessionFlagValues = Record<string, unknown>;

/** The session flags given, by the session key each sets, with the flag as origin (`--region`). */
export function sessionFlags(opts: SessionFlagValues): SessionFlags {
  const out: Partial<Record<SessionKey, Setting<string>>> = {};
  for (const flag of SESSION) {
    const value = opts[flag.attribute];
    if (typeof value === 'string' && value !== '') out[flag.key] = { value, origin: flag.long };
  }
  return out;
}

/** A command's own option from the table; `help` for the options each command words itself. */
export function commandOption(setting: CommandSetting, help?: string): Option {
  return new Option(COMMAND_FLAGS[setting].flags, help ?? COMMAND_FLAGS[setting].help);
}

const sessionFlag = (key: SessionKey) => SESSION.find((flag) => flag.key === key)!.long;
const mapFlag = (key: string) => JOB.find((flag) => flag.kind === 'map' && flag.key === key)!.long;
const commandFlag = (setting: CommandSetting) => named(COMMAND_FLAGS[setting].flags).long;

/** The flag of each setting core's messages name ("no region: pass --region, ..."). */
const NAMES: Readonly<Record<NamedSetting, string>> = {
  'session.region_id': sessionFlag('region_id'),
  'session.workspace_id': sessionFlag('workspace_id'),
  inputs: mapFlag('inputs'),
  outputs: mapFlag('outputs'),
  max_code_size: commandFlag('max_code_size'),
  local_runtime: commandFlag('local_runtime'),
  install_requirements: commandFlag('install_requirements'),
  since: commandFlag('since'),
  status: commandFlag('status'),
  channel: commandFlag('channel'),
  download: commandFlag('download'),
};

/** How core's messages name a setting, as the user gives it here: its flag. */
export const nameOf: NameOf = (setting) => NAMES[setting];
