import { spawn } from 'node:child_process';
import { posix } from 'node:path';
import { ServiceError } from '../errors.js';
import type { NameOf } from '../option-names.js';
import { shellQuote } from './contract.js';
import { CONTAINER_ROOT } from './layout.js';
import { REQUIREMENTS_FILE } from './python-env.js';

/** A host path bound into the container. */
export interface Mount {
  host: string;
  container: string;
  readOnly: boolean;
}

/** The real /ml paths of a PAI container. */
export const CONTAINER_PATHS = {
  usercode: `${CONTAINER_ROOT}/usercode`,
  config: `${CONTAINER_ROOT}/input/config`,
  data: `${CONTAINER_ROOT}/input/data`,
  output: `${CONTAINER_ROOT}/output`,
} as const;

export interface DockerWorkerInput {
  /** The container's name, so that it can be killed by name. */
  name: string;
  image: string;
  command: string | string[];
  /** Every variable of the job, with container paths. */
  env: Record<string, string>;
  mounts: Mount[];
  /** Workers of a distributed job share the host's network, so that MASTER_ADDR=127.0.0.1 reaches worker-0. */
  hostNetwork: boolean;
  /** --install-requirements: pip-install requirements.txt (and `requirements`) in the container first, as PAI does. */
  installRequirements: boolean;
  requirements: readonly string[];
}

/**
 * The `docker run` arguments (after `docker`) for one worker, and the environment to start the docker client
 * with. Variables are passed as `-e NAME`, their values taken from the client's environment, so that no value
 * (a token in `environments`) shows in the process list. The command replaces the image's entrypoint, as PAI's
 * Command does; a string runs through `sh -c`.
 */
export function dockerRunArgs(input: DockerWorkerInput): { args: string[]; env: Record<string, string> } {
  const args = ['run', '--rm', '--init', '--name', input.name, '--workdir', `${CONTAINER_PATHS.usercode}/`];
  if (input.hostNetwork) args.push('--network', 'host');
  const names = Object.keys(input.env).sort();
  for (const name of names) args.push('--env', name);
  for (const m of input.mounts) args.push('--volume', `${m.host}:${m.container}${m.readOnly ? ':ro' : ''}`);
  const argv = typeof input.command === 'string' ? ['sh', '-c', input.command] : [...input.command];
  const [entrypoint, ...rest] = input.installRequirements ? ['sh', '-c', installThenExec(input.requirements), 'sh', ...argv] : argv;
  args.push('--entrypoint', entrypoint ?? '', input.image, ...rest);
  return { args, env: Object.fromEntries(names.map((n) => [n, input.env[n]!])) };
}

/** The script that installs the requirements with the image's own pip, then becomes the command ("$@"). */
function installThenExec(requirements: readonly string[]): string {
  const steps = [`if [ -f ${REQUIREMENTS_FILE} ]; then python -m pip install --disable-pip-version-check -r ${REQUIREMENTS_FILE} || exit $?; fi`];
  if (requirements.length > 0) steps.push(`python -m pip install --disable-pip-version-check ${requirements.map(shellQuote).join(' ')} || exit $?`);
  steps.push('exec "$@"');
  return steps.join('; ');
}

/** A container name Docker accepts, from the job name and the worker: `pai-process-<job>-worker-0`. */
export function containerName(jobName: string, worker: string): string {
  return `pai-process-${jobName}-${worker}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** Where an input channel is mounted: the folder, or `<folder>/<file>` for a single-file input. */
export function containerInputPath(channel: string, file: string | undefined): string {
  return file === undefined ? `${CONTAINER_PATHS.data}/${channel}` : posix.join(CONTAINER_PATHS.data, channel, file);
}

/**
 * Refuses, with exit 5 (like a cloud service that cannot be reached), when no Docker engine answers
 * `docker info`: the docker program is missing, or the engine is not running or not ours to use.
 */
export async function requireDocker(env: Readonly<Record<string, string | undefined>>, nameOf: NameOf, timeoutMs = 20_000): Promise<void> {
  const result = await runQuiet(['docker', 'info', '--format', '{{.ServerVersion}}'], env, timeoutMs);
  if (result.code === 0) return;
  const reason = result.startError ?? (lastLine(result.stderr) || `docker info exited with ${result.code ?? result.signal}`);
  const runtime = `${nameOf('local_runtime')} docker`;
  throw new ServiceError(
    `${runtime} needs a Docker engine, and none answers (${reason}); nothing was run`,
    `Start Docker (\`docker info\` must succeed), or leave out ${runtime}: the default runtime runs the job as a plain process and needs no Docker.`,
  );
}

/** `docker kill NAME`: what stops a container for good when its client is gone or ignored SIGKILL's reach. */
export async function killContainer(name: string, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  await runQuiet(['docker', 'kill', name], env, 20_000);
}

function runQuiet(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; stderr: string; startError?: string }> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    let stderr = '';
    const child = spawn(file!, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ code: null, signal: null, stderr, startError: error.code === 'ENOENT' ? `${file}: command not found` : error.message }),
    );
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
