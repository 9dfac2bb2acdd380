import { delimiter } from 'node:path';
import type { ObjectStore } from '../ports/backends.js';
import { ConfigError, InterruptedError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { NameOf } from '../option-names.js';
import { exitCodeForStatus } from '../job-status.js';
import type { Emit, EventOf } from '../events.js';
import { contractEnv, distributedEnv, type ContractPaths } from './contract.js';
import { CONTAINER_PATHS, containerInputPath, containerName, dockerRunArgs, killContainer, requireDocker, type Mount } from './docker.js';
import { freePort } from './free-port.js';
import { jobEnvironment, passedEnv } from './job-env.js';
import { createRunFolder, runLayout, type RunLayout } from './layout.js';
import { checkOutputPaths, deliverOutputs } from './outputs.js';
import { onPath, pythonShim, requirementsFile, virtualenvCommands, virtualenvEnv } from './python-env.js';
import { ossLocations, type LocalJobSpec } from './spec.js';
import { stageJob, type Staged } from './stage.js';
import { runWorkers, type WorkerSpec, type WorkersOutcome } from './workers.js';

export type LocalRuntime = 'plain' | 'docker';

export interface LocalRunOptions {
  /** Where runs are kept (`.pai-process/runs`); this run gets a new folder in it, named after the job. */
  runs: string;
  runtime: LocalRuntime;
  /** pip-install requirements.txt and `requirements` (into a virtualenv under the run folder, for the plain runtime). */
  installRequirements: boolean;
  maxCodeSize?: number;
  /** False: an oss:// .tar.gz code location is not unpacked (the emulator's default, see stage.ts). */
  unpackCodeArchive?: boolean;
  /** Between SIGTERM and SIGKILL when the job is stopped. Default 10 s. */
  graceMs?: number;
  /** Variables the job inherits even though they are withheld by default (cloud credentials, PAI_*): the CLI's `--pass-env`. */
  passEnv?: readonly string[];
  /** How the user gives a setting a message names (`install_requirements`, the region): the CLI's flags. */
  nameOf: NameOf;
}

export interface LocalRunDeps {
  /** The shell's environment: the job inherits it minus the cloud credentials (job-env.ts); the docker client runs with it. */
  env: Readonly<Record<string, string | undefined>>;
  /** OSS, when oss:// locations can be reached from here: retrying (src/core/retrying-backends.ts). */
  store?: ObjectStore;
  /** Why there is no store (said when an oss:// output has to stay in the run folder). */
  noStoreReason?: string;
  /** Ctrl-C: stop the job. */
  signal: AbortSignal;
  /** A second Ctrl-C: kill it without waiting. */
  force?: AbortSignal;
  /** Milliseconds since the epoch (src/core/runtime.ts). */
  clock: () => number;
}

export const DEFAULT_GRACE_MS = 10_000;

/**
 * Runs a job on this machine with PAI's container contract, and returns the exit code of docs/exit-codes.md:
 * 0 when every worker succeeded (and the outputs were delivered), 1 when one failed or max_run_time passed,
 * 130 on Ctrl-C (the job is ours, so it is stopped: nothing keeps running). What cannot start at all is
 * thrown as a CliError with its own code (a config problem 2, no Docker engine 5, ...).
 */
export async function runLocalJob(spec: LocalJobSpec, deps: LocalRunDeps, emit: Emit, options: LocalRunOptions): Promise<number> {
  const job = new JobState(spec.name, emit);
  const begun = deps.clock();
  const warn = (message: string) => emit({ type: 'warning', message });
  try {
    await preflight(spec, deps, warn, options);
    const layout = runLayout(await createRunFolder(options.runs, spec.name));
    emit({ type: 'local-started', jobId: spec.name, runDir: layout.root, runtime: options.runtime, image: spec.image });
    const staged = await stageJob(
      spec,
      layout,
      {
        ...(deps.store ? { store: deps.store } : {}),
        signal: deps.signal,
        nameOf: options.nameOf,
        ...(options.maxCodeSize !== undefined ? { maxCodeSize: options.maxCodeSize } : {}),
        ...(options.unpackCodeArchive !== undefined ? { unpackCodeArchive: options.unpackCodeArchive } : {}),
      },
      emit,
    );
    const requirements = requirementsFile(layout.usercode);
    if (!options.installRequirements && (requirements || spec.requirements.length > 0)) {
      const what = [requirements, spec.requirements.length > 0 ? "the job's requirements" : undefined].filter(Boolean).join(' and ');
      warn(
        `${what} not installed: PAI installs them before the command; here, pass ${options.nameOf('install_requirements')} to install them into a virtualenv in ${layout.venv}`,
      );
    }
    if (options.installRequirements && !requirements && spec.requirements.length === 0) {
      warn(`${options.nameOf('install_requirements')}: the code has no requirements.txt and the job no requirements; there is nothing to install`);
    }
    if (deps.signal.aborted) throw new InterruptedError('Interrupted');

    job.set('Running');
    const started = deps.clock();
    const deadline = spec.maxRunTime !== undefined ? started + spec.maxRunTime * 1000 : undefined;
    const budget = () => (deadline === undefined ? undefined : Math.max(0, deadline - deps.clock()));
    const workerOptions = () => ({
      signal: deps.signal,
      ...(deps.force ? { force: deps.force } : {}),
      graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
      ...(deadline !== undefined ? { maxRunTimeMs: budget()! } : {}),
    });
    const log = (worker: string, line: string) => emit({ type: 'log', worker: spec.instanceCount > 1 ? worker : null, line });

    let env = { ...jobEnvironment(deps.env, options.passEnv), ...spec.environments };
    if (options.runtime === 'plain') {
      const shim = await pythonShim(layout, env);
      if (shim) env = { ...env, PATH: prependPath(shim, env['PATH']) };
      if (options.installRequirements && (requirements || spec.requirements.length > 0)) {
        const python3 = onPath('python3', env)!;
        for (const argv of virtualenvCommands(layout, python3, requirements, spec.requirements)) {
          const outcome = await runWorkers([{ name: 'setup', argv, cwd: layout.usercode, env }], workerOptions(), (_w, line) =>
            emit({ type: 'log', worker: null, line }),
          );
          if (outcome.kind !== 'succeeded')
            return await finish(
              job,
              outcome,
              deps,
              started,
              staged,
              spec,
              emit,
              `installing the requirements (${argv
                .slice(0, 3)
                .map((a) => a.split('/').pop())
                .join(' ')})`,
            );
        }
        env = { ...env, ...virtualenvEnv(layout, env['PATH']) };
      }
    }

    const port = await freePort();
    const workers = Array.from({ length: spec.instanceCount }, (_, rank) => {
      const name = `worker-${rank}`;
      const distributed = distributedEnv(rank, spec.instanceCount, port);
      return options.runtime === 'plain'
        ? plainWorker(name, spec, layout, staged, { ...env, ...distributed })
        : dockerWorker(name, spec, layout, staged, { ...passedEnv(deps.env, options.passEnv ?? []), ...distributed }, options.installRequirements, deps.env);
    });
    const outcome = await runWorkers(workers, workerOptions(), log);
    return await finish(job, outcome, deps, started, staged, spec, emit);
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    const durationMs = deps.clock() - begun;
    emit({
      type: 'local-interrupted',
      jobId: spec.name,
      status: 'Stopped',
      exitCode: ExitCode.interrupted,
      durationSeconds: Math.round(durationMs / 1000),
      reasonCode: 'Interrupted',
      reasonMessage: 'Ctrl-C stopped the local job',
      url: null,
      outputs: [],
      detail: { name: spec.name, durationMs },
    });
    return ExitCode.interrupted;
  }
}

/** Everything that can be refused before a file is written: missing OSS access, output paths, Docker, python3. */
async function preflight(spec: LocalJobSpec, deps: LocalRunDeps, warn: (message: string) => void, options: LocalRunOptions): Promise<void> {
  const oss = ossLocations(spec);
  if (!deps.store && oss.downloads.length > 0) {
    throw new ConfigError(
      `${oss.downloads.join(', ')} ${oss.downloads.length === 1 ? 'is' : 'are'} on OSS, and OSS cannot be reached from here (${deps.noStoreReason ?? 'no session'}); nothing was run`,
      [],
      `Set a region (${options.nameOf('session.region_id')} or PAI_REGION_ID) and credentials (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or use local paths.`,
    );
  }
  if (!deps.store) {
    for (const label of oss.uploads) {
      const channel = label.slice('outputs.'.length);
      warn(
        `${label} (${spec.outputs[channel]}) will not be uploaded: ${deps.noStoreReason ?? 'no OSS session'}. It stays in the run folder's output/${channel}/`,
      );
    }
  }
  await checkOutputPaths(spec.outputs);
  if (options.runtime === 'docker') await requireDocker(deps.env, options.nameOf);
  if (
    options.runtime === 'plain' &&
    options.installRequirements &&
    !onPath('python3', { ...jobEnvironment(deps.env, options.passEnv), ...spec.environments })
  ) {
    const flag = options.nameOf('install_requirements');
    throw new UsageError(
      `${flag} makes a virtualenv with \`python3 -m venv\`, and there is no python3 on PATH; nothing was run`,
      `Install Python 3, or leave out ${flag}.`,
    );
  }
}

/** How the run ended → status, outputs, summary, exit code. */
async function finish(
  job: JobState,
  outcome: WorkersOutcome,
  deps: LocalRunDeps,
  started: number,
  staged: Staged,
  spec: LocalJobSpec,
  emit: Emit,
  setup?: string,
): Promise<number> {
  if (outcome.kind === 'interrupted') throw new InterruptedError('Interrupted');
  let outputs = Object.entries(staged.outputs).map(([name, folder]) => ({ name, uri: `${folder}/` }));
  if (outcome.kind === 'succeeded') {
    outputs = await deliverOutputs(spec.outputs, staged.outputs, { ...(deps.store ? { store: deps.store } : {}) }, emit);
    job.set('Succeed');
  } else if (outcome.kind === 'timed-out') {
    job.set('Failed', 'MaxRunTimeExceeded', `the job ran longer than max_run_time (${durationText(spec.maxRunTime ?? 0)}) and was stopped`);
  } else {
    const { worker, exit } = outcome;
    const how = exit.startError ? `could not start (${exit.startError})` : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const who = setup ? setup : spec.instanceCount > 1 ? worker : 'the command';
    const others = !setup && spec.instanceCount > 1 ? '; the other workers were stopped' : '';
    job.set('Failed', setup ? 'RequirementsFailed' : 'WorkerFailed', `${who} ${how}${others}`);
  }
  const exitCode = exitCodeForStatus(job.status);
  const durationMs = deps.clock() - started;
  const { reasonCode, reasonMessage } = job.current.detail;
  emit({
    type: 'result',
    jobId: spec.name,
    status: job.status,
    exitCode,
    durationSeconds: Math.round(durationMs / 1000),
    reasonCode: reasonCode ?? null,
    reasonMessage: reasonMessage ?? null,
    url: null,
    outputs,
    detail: { name: spec.name, durationMs },
  });
  return exitCode;
}

/** The local job's status, each change told once as a `status` event (with its reason, as on PAI). */
class JobState {
  current: EventOf<'status'>;

  constructor(
    private readonly jobId: string,
    private readonly emit: Emit,
  ) {
    this.current = { type: 'status', jobId, status: '', previous: null, detail: {} };
  }

  get status(): string {
    return this.current.status;
  }

  /** A status without a reason clears the previous one, as on PAI. */
  set(status: string, reasonCode?: string, reasonMessage?: string): void {
    const reason = { ...(reasonCode ? { reasonCode } : {}), ...(reasonMessage ? { reasonMessage } : {}) };
    this.current = { type: 'status', jobId: this.jobId, status, previous: this.current.status || null, detail: reason };
    this.emit(this.current);
  }
}

/** A worker as a plain process: the command in usercode/, with the contract's variables at host paths. */
function plainWorker(name: string, spec: LocalJobSpec, layout: RunLayout, staged: Staged, env: Record<string, string>): WorkerSpec {
  const paths: ContractPaths = {
    usercode: layout.usercode,
    config: layout.config,
    inputs: Object.fromEntries(staged.inputs.map((i) => [i.channel, i.path])),
    outputs: staged.outputs,
  };
  const argv = typeof spec.command === 'string' ? ['sh', '-c', spec.command] : [...spec.command];
  return { name, argv, cwd: layout.usercode, env: { ...env, ...contractEnv(spec.parameters, paths) } };
}

/** A worker as a container: the same job with the real /ml paths bound to the run folder. */
function dockerWorker(
  name: string,
  spec: LocalJobSpec,
  layout: RunLayout,
  staged: Staged,
  distributed: Record<string, string>,
  installRequirements: boolean,
  hostEnv: LocalRunDeps['env'],
): WorkerSpec {
  const { args, env } = dockerRunArgs(dockerInput(name, spec, layout, staged, distributed, installRequirements));
  const container = containerName(spec.name, name);
  // The docker client needs DOCKER_* and PATH, never the cloud credentials; the container gets only the `-e` list.
  const clientEnv = { ...jobEnvironment(hostEnv, [], false), ...env };
  return {
    name,
    argv: ['docker', ...args],
    cwd: layout.root,
    env: clientEnv,
    forceStop: () => killContainer(container, clientEnv),
    stopOnExit: ['docker', 'kill', container],
  };
}

/** What dockerRunArgs needs for one worker: the run folder's parts bound at PAI's /ml paths. */
export function dockerInput(
  name: string,
  spec: LocalJobSpec,
  layout: RunLayout,
  staged: Staged,
  distributed: Record<string, string>,
  installRequirements: boolean,
) {
  const mounts: Mount[] = [
    { host: layout.usercode, container: CONTAINER_PATHS.usercode, readOnly: false },
    { host: layout.config, container: CONTAINER_PATHS.config, readOnly: false },
    ...staged.inputs.map((i) => ({ host: i.source, container: containerInputPath(i.channel, i.file), readOnly: true })),
    ...Object.entries(staged.outputs).map(([channel, folder]) => ({ host: folder, container: `${CONTAINER_PATHS.output}/${channel}`, readOnly: false })),
  ];
  const paths: ContractPaths = {
    usercode: CONTAINER_PATHS.usercode,
    config: CONTAINER_PATHS.config,
    inputs: Object.fromEntries(
      staged.inputs.map((i) => [i.channel, i.file === undefined ? `${containerInputPath(i.channel, undefined)}/` : containerInputPath(i.channel, i.file)]),
    ),
    outputs: Object.fromEntries(Object.keys(staged.outputs).map((c) => [c, `${CONTAINER_PATHS.output}/${c}`])),
  };
  return {
    name: containerName(spec.name, name),
    image: spec.image,
    command: spec.command,
    env: { ...spec.environments, ...contractEnv(spec.parameters, paths), ...distributed },
    mounts,
    hostNetwork: spec.instanceCount > 1,
    installRequirements,
    requirements: spec.requirements,
  };
}

function prependPath(dir: string, path: string | undefined): string {
  return path ? `${dir}${delimiter}${path}` : dir;
}

/** Seconds as the config writes durations: 90 → 1m30s, 3600 → 1h. */
function durationText(seconds: number): string {
  const parts: [number, string][] = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, u]) => `${n}${u}`)
      .join('') || '0s'
  );
}
