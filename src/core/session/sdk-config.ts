import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Env } from '../config/interpolate.js';

/** The four keys the PAI Python SDK reads from its config file (`python -m pai.toolkit.config` writes them). */
export interface SdkConfig {
  path: string;
  region_id?: string;
  workspace_id?: string;
  oss_bucket_name?: string;
  oss_endpoint?: string;
}

const KEYS = ['region_id', 'workspace_id', 'oss_bucket_name', 'oss_endpoint'] as const;

/** Where the SDK's config file is: `PAI_CONFIG_PATH`, else `~/.pai/config.json`. */
export function sdkConfigPath(env: Env, homedir: string): string {
  return env['PAI_CONFIG_PATH'] || join(homedir, '.pai', 'config.json');
}

/**
 * Reads the SDK's config file, or returns undefined when there is none. Like the SDK, it keeps only the
 * four session keys (credentials written there are ignored). A file that is not JSON is an error,
 * since silently ignoring it would send the job somewhere the user did not mean.
 */
export function readSdkConfig(path: string): SdkConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`Could not read the PAI config file ${path}: ${(error as Error).message}`, []);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The PAI config file ${path} is not valid JSON: ${(error as Error).message}`,
      [],
      'Fix it, or write it again with `python -m pai.toolkit.config`.',
    );
  }
  const config: SdkConfig = { path };
  if (data && typeof data === 'object') {
    for (const key of KEYS) {
      const v = (data as Record<string, unknown>)[key];
      if (typeof v === 'string' && v !== '') config[key] = v;
      else if (typeof v === 'number') config[key] = String(v);
    }
  }
  return config;
}
