/**
 * The environment variables pai-process reads, by what they are for and which commands read them: the root
 * --help ends with them and docs/commands.md lists them per command (scripts/commands-doc.ts). Kept beside the
 * command tree so a new variable is documented where commands are.
 */
export interface EnvGroup {
  title: string;
  names: readonly string[];
  /** Command paths that read the group (`config show`), or 'all'. */
  commands: readonly string[] | 'all';
  note?: string;
  /** The names in short, for the root --help (one line of at most 80 columns). */
  summary: string;
}

const CLOUD = ['run', 'logs', 'status', 'stop', 'list', 'config show'];

export const ENV_GROUPS: readonly EnvGroup[] = [
  {
    title: 'session',
    names: [
      'PAI_REGION_ID',
      'ALIBABA_CLOUD_REGION_ID',
      'PAI_WORKSPACE_ID',
      'PAI_OSS_BUCKET_NAME',
      'PAI_OSS_ENDPOINT',
      'PAI_ENDPOINT',
      'PAI_WORKSPACE_ENDPOINT',
      'PAI_NETWORK_TYPE',
      'PAI_CONFIG_PATH',
    ],
    commands: CLOUD,
    note: 'below flags, above the job config and ~/.pai/config.json',
    summary: 'PAI_REGION_ID, PAI_WORKSPACE_ID, PAI_OSS_BUCKET_NAME, PAI_*ENDPOINT, ...',
  },
  {
    title: 'credentials',
    names: [
      'ALIBABA_CLOUD_ACCESS_KEY_ID',
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      'ALIBABA_CLOUD_SECURITY_TOKEN',
      'ALIBABA_CLOUD_PROFILE',
      'ALIBABA_CLOUD_CREDENTIALS_FILE',
      'ALIBABA_CLOUD_CLI_PROFILE_DISABLED',
      'ALIBABA_CLOUD_ROLE_ARN',
      'ALIBABA_CLOUD_OIDC_PROVIDER_ARN',
      'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
      'ALIBABA_CLOUD_ROLE_SESSION_NAME',
      'ALIBABA_CLOUD_STS_REGION',
      'ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED',
      'ALIBABA_CLOUD_ECS_METADATA',
      'ALIBABA_CLOUD_ECS_METADATA_DISABLED',
      'ALIBABA_CLOUD_CREDENTIALS_URI',
    ],
    commands: CLOUD,
    note: 'the default credentials chain; not read by run --dry-run or a plain run --local',
    summary: 'ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ...',
  },
  {
    title: 'job config',
    names: ['${VAR} in the config'],
    commands: ['run', 'validate', 'config show'],
    note: 'any variable the config names',
    summary: 'any ${VAR} the job config names',
  },
  { title: 'output', names: ['NO_COLOR', 'FORCE_COLOR', 'TERM'], commands: 'all', note: 'colours', summary: 'NO_COLOR, FORCE_COLOR, TERM' },
  {
    title: 'CI',
    names: ['CI', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY'],
    commands: ['run', 'logs', 'status'],
    note: 'no spinner; GitHub Actions annotations and job summary',
    summary: 'CI, GITHUB_ACTIONS, GITHUB_STEP_SUMMARY',
  },
];

/** The groups one command reads. */
export function envGroupsOf(command: string): EnvGroup[] {
  return ENV_GROUPS.filter((g) => g.commands === 'all' || g.commands.includes(command));
}

/** The block the root --help ends with. */
export function environmentHelp(): string {
  const width = Math.max(...ENV_GROUPS.map((g) => g.title.length)) + 2;
  const lines = ENV_GROUPS.map((g) => `  ${g.title.padEnd(width)}${g.summary}`);
  return `Environment (docs/commands.md lists what each command reads):\n${lines.join('\n')}`;
}
