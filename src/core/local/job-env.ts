/**
 * What a local job inherits from this shell. A PAI container never receives the caller's cloud credentials
 * (it gets the contract's variables and the job's `environments`), so a local run must not hand them over
 * either: a job that prints its environment, or a dependency that ships it somewhere, would leak them.
 */

/**
 * The variables @alicloud/credentials reads credentials (or where to find them) from, as its dist/ reads
 * them, plus the older forms the aliyun CLI and Terraform read (ALICLOUD_*, ALIYUN_*), which hold the same keys.
 */
export const CREDENTIAL_ENV_NAMES: readonly string[] = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'ALIBABA_CLOUD_CREDENTIALS_URI',
  'ALIBABA_CLOUD_CREDENTIALS_FILE',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_ROLE_ARN',
  'ALIBABA_CLOUD_ROLE_SESSION_NAME',
  'ALIBABA_CLOUD_OIDC_PROVIDER_ARN',
  'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
  'ALICLOUD_ACCESS_KEY',
  'ALICLOUD_SECRET_KEY',
  'ALICLOUD_SECURITY_TOKEN',
  'ALICLOUD_ACCESS_KEY_ID',
  'ALICLOUD_ACCESS_KEY_SECRET',
  'ALIYUN_ACCESS_KEY_ID',
  'ALIYUN_ACCESS_KEY_SECRET',
  'ALIYUN_SECURITY_TOKEN',
];

/** Of those, the ones whose value is itself a secret: masked wherever the CLI prints, job output included. */
export const SECRET_ENV_NAMES: readonly string[] = [
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'ALICLOUD_SECRET_KEY',
  'ALICLOUD_SECURITY_TOKEN',
  'ALICLOUD_ACCESS_KEY_SECRET',
  'ALIYUN_ACCESS_KEY_SECRET',
  'ALIYUN_SECURITY_TOKEN',
];

const CREDENTIALS = new Set(CREDENTIAL_ENV_NAMES);

/** `--pass-env NAME`: a variable name as a shell exports it. */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * The shell's environment as a local job sees it: without the cloud credentials (unless named in `passEnv`),
 * without PAI_* when `dropPai` (the job's own namespace: a stale PAI_INPUT_X must not look like a channel), and
 * without variables that have no value.
 */
export function jobEnvironment(env: Readonly<Record<string, string | undefined>>, passEnv: readonly string[] = [], dropPai = true): Record<string, string> {
  const pass = new Set(passEnv);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (dropPai && k.startsWith('PAI_') && !pass.has(k)) continue;
    if (CREDENTIALS.has(k) && !pass.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** The values of `passEnv` present in `env`, for a container's `-e` list. */
export function passedEnv(env: Readonly<Record<string, string | undefined>>, passEnv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of passEnv) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
