import { dirname, resolve } from 'node:path';
import type { ObjectStore } from '../../core/ports/backends.js';
import type { LoadedJob } from '../../core/config/load-job.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { CliError, ConfigError, CredentialsError, UsageError } from '../../core/errors.js';
import { isEnvName, localJobSpec, ossLocations, runLocalJob, runsFolder, SECRET_ENV_NAMES, type LocalRuntime } from '../../core/local/index.js';
import { jobName } from '../../core/request/job-name.js';
import type { Session } from '../../core/session/resolve.js';
import type { Invocation } from '../context.js';
import { flagValue, nameOf } from '../flags.js';
import { interruptSignal, reported, reporterFor } from './reporter.js';
import { connectStore, credentialsFor, type ResolvedCredentials } from './connect.js';
import type { RunOptions } from './run-options.js';

interface SessionState {
  session: Session;
  problems: Diagnostic[];
  sdkConfigShown: string;
}

/**
 * `run --local` (or `instance_type: local`): the job on this machine, reported through the same reporters as a
 * cloud run. Ctrl-C stops it (the job is ours): the first stops it gracefully, the second kills it at once, a
 * third leaves without waiting. OSS is reached only when an oss:// location needs it.
 */
export async function runLocal(inv: Invocation, opts: RunOptions, loaded: LoadedJob, state: SessionState, maxCodeSize: number | undefined): Promise<number> {
  const { ctx, io } = inv;
  refuseCloudFlags(opts);
  const runtime = runtimeFlag(opts.localRuntime);
  const passEnv = passEnvFlag(opts.passEnv);
  for (const name of passEnv) if (ctx.env[name] === undefined) io.err(`! --pass-env ${name}: ${name} is not set in this shell, so the job does not get it\n`);
  // The job's output goes through io, which masks these wherever they appear (a --pass-env'd secret included).
  for (const name of SECRET_ENV_NAMES) io.addSecret(ctx.env[name]);
  const name = jobName(loaded.job.base_job_name, inv.runtime.date());
  const spec = localJobSpec(loaded.job, name, nameOf);
  const oss = ossLocations(spec);
  const access = oss.downloads.length + oss.uploads.length > 0 ? await ossAccess(inv, state, oss.downloads) : {};
  const base = loaded.file ? dirname(resolve(ctx.cwd, loaded.file)) : ctx.cwd;

  // The first Ctrl-C stops the job gracefully, the second kills it (the job is ours: nothing keeps running).
  const interrupt = interruptSignal(inv, 2);
  // With --quiet a local job's essential output is its own log lines.
  const reporter = await reporterFor(inv, 'logs');
  return reported(inv, reporter, interrupt, () =>
    runLocalJob(spec, { env: ctx.env, ...access, signal: interrupt.signal, force: interrupt.force, clock: inv.runtime.now }, reporter.emit, {
      runs: runsFolder(base),
      runtime,
      installRequirements: opts.installRequirements === true,
      passEnv,
      nameOf,
      ...(maxCodeSize !== undefined ? { maxCodeSize } : {}),
    }),
  );
}

/** Flags about following a cloud job mean nothing here; saying so beats ignoring them. */
function refuseCloudFlags(opts: RunOptions): void {
  const hints: Record<string, string> = {
    '--dry-run': '--dry-run shows the cloud request; a local run sends none. Use `pai-process validate --local` to check the job.',
    '--detach': '--detach leaves a cloud job running; a local job runs in the foreground, in this terminal.',
    '--timeout': '--timeout stops following a cloud job; to bound a local job, set max_run_time (--max-run-time).',
  };
  for (const [flag, hint] of Object.entries(hints)) {
    const value = flagValue(opts, flag);
    if (value !== undefined && value !== false) {
      throw new UsageError(`${flag} does not apply to a local run`, hint);
    }
  }
}

function passEnvFlag(names: string[] | undefined): string[] {
  for (const name of names ?? []) {
    if (!isEnvName(name))
      throw new UsageError(
        `--pass-env expects a variable name, got "${name}"`,
        'Name one variable per --pass-env, such as --pass-env ALIBABA_CLOUD_ACCESS_KEY_ID; to set a value, use --env KEY=VALUE.',
      );
  }
  return names ?? [];
}

function runtimeFlag(value: string | undefined): LocalRuntime {
  if (value === undefined || value === 'plain') return 'plain';
  if (value === 'docker') return 'docker';
  throw new UsageError(
    `--local-runtime expects plain or docker, got "${value}"`,
    "plain runs the command as a process here (the default); docker runs it in the job's image.",
  );
}

/**
 * OSS for the oss:// locations of a local run. Downloads (the code, inputs) cannot do without it: no region is a
 * config error (2), no credentials exit 4. Uploads can: an output then stays in the run folder, and the runner
 * says why (`noStoreReason`).
 */
async function ossAccess(inv: Invocation, state: SessionState, downloads: string[]): Promise<{ store?: ObjectStore; noStoreReason?: string }> {
  const what = `${downloads.join(', ')} ${downloads.length === 1 ? 'is' : 'are'} on OSS, and downloading ${downloads.length === 1 ? 'it' : 'them'} needs`;
  const { session, problems } = state;
  const region = session.region?.value;
  const endpoint = session.ossEndpoint?.value;
  if (!region || !endpoint || problems.length > 0) {
    const reason = !region ? 'no region is set (--region or PAI_REGION_ID)' : 'the session has problems (see `pai-process config show`)';
    if (downloads.length === 0) return { noStoreReason: reason };
    const diagnostics: Diagnostic[] = [...problems];
    if (!region)
      diagnostics.push({ path: 'session.region_id', message: 'no region: pass --region, export PAI_REGION_ID, or set session.region_id in the job config' });
    throw new ConfigError(
      `${what} ${!region ? 'a region' : 'a complete session'}; nothing was run`,
      diagnostics,
      'Set a region and credentials (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or use local paths.',
    );
  }
  let credentials: ResolvedCredentials;
  try {
    credentials = await credentialsFor(inv, session);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    if (downloads.length === 0)
      return { noStoreReason: 'no credentials were found (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or a profile)' };
    if (error instanceof CredentialsError)
      throw new CredentialsError(`${what} credentials: ${lowerFirst(error.message)}; nothing was run`, error.details, error.hint);
    throw error;
  }
  return { store: await connectStore(inv, credentials, { region, endpoint }) };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
