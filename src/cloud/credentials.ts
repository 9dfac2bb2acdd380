import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type * as CredentialsModule from '@alicloud/credentials';
import { CredentialsError } from '../core/ports/errors.js';
import { requireLibrary, type LoadLibrary } from './libraries.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What a credentials lookup may read. Injected so tests choose the environment and home folder. */
export interface CredentialsLookup {
  env: Env;
  homedir: string;
  /** A named profile (--profile): only the profile files are read, and the profile must be there. */
  profile?: string;
  /** Whether the ECS metadata service answers; the default probes 100.100.100.200:80 for 700 ms. */
  probeMetadata?: () => Promise<boolean>;
  /** Where @alicloud/credentials comes from (bin/ passes its code-cached bundle); absent: the installed package. */
  loadLibrary?: LoadLibrary;
}

export interface ResolvedCredentials {
  /** Where they came from, for people: `env ALIBABA_CLOUD_ACCESS_KEY_ID`, `~/.aliyun/config.json (profile dev)`. */
  source: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | undefined;
  /** The library's Credential for the SDK clients: it refreshes STS credentials from the same source. */
  credential: CredentialClient;
}

/** The part of @alicloud/credentials' Credential class the SDK clients use. */
export interface CredentialClient {
  getCredential(): Promise<{ accessKeyId?: string; accessKeySecret?: string; securityToken?: string; providerName?: string }>;
}

const METADATA_HOST = '100.100.100.200';
const METADATA_PROBE_MS = 700;

/**
 * The Alibaba Cloud default credential chain (env, OIDC, ~/.aliyun/config.json, ~/.alibabacloud/credentials,
 * ECS RAM role, credentials URI), built from @alicloud/credentials' own providers, but consulting only the
 * sources that exist. The library's own chain probes the ECS metadata address for seconds and always requests
 * `https://undefined/` when no URI is set (docs/session.md); with nothing configured this answers
 * in well under a second, naming every place it looked.
 */
export async function resolveCredentials(lookup: CredentialsLookup): Promise<ResolvedCredentials> {
  const lib = requireLibrary('@alicloud/credentials', lookup.loadLibrary) as typeof CredentialsModule;
  const candidates = await findCandidates(lookup, lib);
  const present = candidates.filter((c): c is Candidate & { make: () => Provider } => c.make !== undefined);
  if (present.length === 0) {
    const what = lookup.profile ? `No credentials profile "${lookup.profile}" found` : 'No Alibaba Cloud credentials found';
    throw new CredentialsError(
      what,
      candidates.map((c) => `${c.place}: ${c.absent}`),
      lookup.profile ? profileFix(lookup) : FIX,
    );
  }
  const failures = new Map<Candidate, string>();
  for (const candidate of present) {
    try {
      const provider = candidate.make();
      const got = await provider.getCredentials();
      return {
        source: candidate.place,
        accessKeyId: got.accessKeyId,
        accessKeySecret: got.accessKeySecret,
        securityToken: got.securityToken || undefined,
        credential: new (lib.default as unknown as CredentialClass)(null, provider),
      };
    } catch (error) {
      failures.set(candidate, firstLine((error as Error).message));
    }
  }
  const details = candidates.map((c) => `${c.place}: ${failures.get(c) ?? c.absent}`);
  throw new CredentialsError('No usable Alibaba Cloud credentials found', details, FIX);
}

/** True when a TCP connection to host:port opens within the time limit. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// --- internal ---

const FIX =
  "Export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (a RAM user's AccessKey), or run `aliyun configure`, or write a [default] section with type = access_key to ~/.alibabacloud/credentials.";

/**
 * The fix for a --profile that is nowhere: create it, or leave --profile out. Exporting the variables is no fix
 * (--profile reads only the profile files), and when they are already set, leaving --profile out uses them.
 */
function profileFix(lookup: CredentialsLookup): string {
  const envSet = Boolean(lookup.env['ALIBABA_CLOUD_ACCESS_KEY_ID'] && lookup.env['ALIBABA_CLOUD_ACCESS_KEY_SECRET']);
  const create = `Create it (\`aliyun configure --profile ${lookup.profile}\`, or a [${lookup.profile}] section in ~/.alibabacloud/credentials)`;
  return envSet
    ? `${create}, or leave out --profile to use the ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET already set in the environment.`
    : `${create}, or leave out --profile to use the default credentials chain.`;
}

type CredentialClass = new (config: null, provider: Provider) => CredentialClient;

type Provider = { getCredentials(): Promise<{ accessKeyId: string; accessKeySecret: string; securityToken?: string }>; getProviderName(): string };

interface Candidate {
  place: string;
  /** Builds the provider; absent when the source is not configured. */
  make?: () => Provider;
  /** Why the source was not used, for the "no credentials" message. */
  absent: string;
}

async function findCandidates(lookup: CredentialsLookup, lib: typeof CredentialsModule): Promise<Candidate[]> {
  const { env, homedir, profile } = lookup;
  const isTrue = (name: string) => (env[name] ?? '').toLowerCase() === 'true';
  const out: Candidate[] = [];

  if (!profile) {
    const id = env['ALIBABA_CLOUD_ACCESS_KEY_ID'];
    const secret = env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'];
    const token = env['ALIBABA_CLOUD_SECURITY_TOKEN'];
    const place = 'env ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET';
    if (id && secret) {
      const make = token
        ? () => lib.StaticSTSCredentialsProvider.builder().withAccessKeyId(id).withAccessKeySecret(secret).withSecurityToken(token).build() as Provider
        : () => lib.StaticAKCredentialsProvider.builder().withAccessKeyId(id).withAccessKeySecret(secret).build() as Provider;
      out.push({ place, make, absent: '' });
    } else {
      out.push({ place, absent: id ? 'ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set' : secret ? 'ALIBABA_CLOUD_ACCESS_KEY_ID is not set' : 'not set' });
    }

    const oidc = ['ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'];
    const oidcPlace = 'env ALIBABA_CLOUD_OIDC_TOKEN_FILE (RRSA)';
    if (oidc.every((n) => env[n])) {
      out.push({
        place: oidcPlace,
        absent: '',
        make: () => {
          const b = lib.OIDCRoleArnCredentialsProvider.builder()
            .withRoleArn(env['ALIBABA_CLOUD_ROLE_ARN']!)
            .withOIDCProviderArn(env['ALIBABA_CLOUD_OIDC_PROVIDER_ARN']!)
            .withOIDCTokenFilePath(env['ALIBABA_CLOUD_OIDC_TOKEN_FILE']!);
          if (env['ALIBABA_CLOUD_ROLE_SESSION_NAME']) b.withRoleSessionName(env['ALIBABA_CLOUD_ROLE_SESSION_NAME']);
          if (env['ALIBABA_CLOUD_STS_REGION']) b.withStsRegionId(env['ALIBABA_CLOUD_STS_REGION']);
          if (isTrue('ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED')) b.withEnableVpc(true);
          return b.build() as Provider;
        },
      });
    } else {
      out.push({ place: oidcPlace, absent: `not set (needs ${oidc.join(', ')})` });
    }
  }

  const profileName = profile ?? env['ALIBABA_CLOUD_PROFILE'];
  const cliPath = join(homedir, '.aliyun', 'config.json');
  const cliPlace = `${tilde(cliPath, homedir)}${profileName ? ` (profile ${profileName})` : ''}`;
  if (isTrue('ALIBABA_CLOUD_CLI_PROFILE_DISABLED')) out.push({ place: cliPlace, absent: 'disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED' });
  else if (!existsSync(cliPath)) out.push({ place: cliPlace, absent: 'no such file' });
  else {
    out.push({
      place: cliPlace,
      absent: '',
      make: () => {
        const b = lib.CLIProfileCredentialsProvider.builder();
        if (profileName) b.withProfileName(profileName);
        return withHome(b.build() as Provider, homedir);
      },
    });
  }

  const iniPath =
    env['ALIBABA_CLOUD_CREDENTIALS_FILE'] ||
    [join(homedir, '.alibabacloud', 'credentials'), join(homedir, '.alibabacloud', 'credentials.ini')].find((p) => existsSync(p));
  const iniShown = iniPath ? tilde(iniPath, homedir) : '~/.alibabacloud/credentials';
  const iniPlace = `${iniShown} (profile ${profileName ?? 'default'})`;
  if (!iniPath || !existsSync(iniPath)) out.push({ place: iniPlace, absent: 'no such file' });
  else {
    out.push({
      place: iniPlace,
      absent: '',
      make: () =>
        profileFromFile(
          lib.ProfileCredentialsProvider.builder()
            .withProfileName(profileName ?? 'default')
            .build() as unknown as ProfileProvider,
          iniPath,
        ),
    });
  }

  if (!profile) {
    const ecsPlace = `ECS RAM role (metadata service ${METADATA_HOST})`;
    if (isTrue('ALIBABA_CLOUD_ECS_METADATA_DISABLED')) out.push({ place: ecsPlace, absent: 'disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED' });
    else {
      const probe = lookup.probeMetadata ?? (() => probeTcp(METADATA_HOST, 80, METADATA_PROBE_MS));
      if (await probe()) {
        out.push({
          place: ecsPlace,
          absent: '',
          make: () => {
            const b = lib.ECSRAMRoleCredentialsProvider.builder();
            if (env['ALIBABA_CLOUD_ECS_METADATA']) b.withRoleName(env['ALIBABA_CLOUD_ECS_METADATA']);
            return b.build() as Provider;
          },
        });
      } else {
        out.push({ place: ecsPlace, absent: `not reachable within ${METADATA_PROBE_MS} ms (not on ECS)` });
      }
    }

    const uri = env['ALIBABA_CLOUD_CREDENTIALS_URI'];
    const uriPlace = 'env ALIBABA_CLOUD_CREDENTIALS_URI';
    if (uri) out.push({ place: uriPlace, absent: '', make: () => lib.URICredentialsProvider.builder().withCredentialsURI(uri).build() as Provider });
    else out.push({ place: uriPlace, absent: 'not set' });
  }
  return out;
}

/** The profile providers read os.homedir() once, in their constructor; point them at ours. */
function withHome(provider: Provider, homedir: string): Provider {
  (provider as unknown as { homedir: string }).homedir = homedir;
  return provider;
}

/** What ProfileCredentialsProvider offers besides a Provider: the profile's provider, chosen from a parsed file. */
type ProfileProvider = Provider & { getCredentialsProvider(ini: Record<string, Record<string, string>>): Provider };

/**
 * ProfileCredentialsProvider reads its file from process.env (ALIBABA_CLOUD_CREDENTIALS_FILE) or ~/.alibabacloud/
 * credentials, with no option for a path; but it chooses the profile's provider (access_key, ecs_ram_role,
 * ram_role_arn) from a parsed file with getCredentialsProvider. So the file the lookup chose (credentials.ini,
 * which the Python toolkit writes, among them) is read and parsed here, once, and the library does the rest:
 * nothing global is changed.
 */
function profileFromFile(profile: ProfileProvider, path: string): Provider {
  let inner: Provider | undefined;
  return {
    getProviderName: () => profile.getProviderName(),
    async getCredentials() {
      inner ??= profile.getCredentialsProvider(parseIni(await readFile(path, 'utf8')));
      return inner.getCredentials();
    },
  };
}

/**
 * An INI file as the library's own reader (the `ini` package) sees a credentials file: `[section]` headers,
 * `key = value` lines, comments from `;` or `#`, values optionally quoted.
 */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = out[header[1]!.trim()] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !section) continue;
    const value = line.slice(eq + 1).trim();
    section[line.slice(0, eq).trim()] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return out;
}

function tilde(path: string, homedir: string): string {
  return path.startsWith(homedir + '/') ? `~${path.slice(homedir.length)}` : path;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
