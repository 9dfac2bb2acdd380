/**
 * The settings core's messages tell the user to give: config keys (`session.region_id`, `inputs`) and the options of
 * a run or a command (`max_code_size`, `since`). Core names them by these keys; the caller says how its user gives
 * each (the CLI: a flag, from its table in src/cli/flags.ts), so core never spells a flag itself.
 */
export type NamedSetting =
  | 'session.region_id'
  | 'session.workspace_id'
  | 'inputs'
  | 'outputs'
  | 'max_code_size'
  | 'local_runtime'
  | 'install_requirements'
  | 'since'
  | 'status'
  | 'channel'
  | 'download';

/** How the user gives a setting, as the caller words it: `--region` for the CLI. */
export type NameOf = (setting: NamedSetting) => string;
