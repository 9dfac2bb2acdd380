/**
 * The local runner (docs/local.md): a job run on this machine with PAI's container contract, as a
 * plain process or in Docker. The CLI's `run --local` and the emulator's executed mode both use it.
 */
export { contractEnv, distributedEnv, envName, hyperparametersFile, pythonJson, shellQuote, userArgs, type ContractPaths } from './contract.js';
export { CONTAINER_PATHS, containerName, dockerRunArgs, requireDocker, type DockerWorkerInput, type Mount } from './docker.js';
export { CREDENTIAL_ENV_NAMES, isEnvName, jobEnvironment, SECRET_ENV_NAMES } from './job-env.js';
export { createRunFolder, runLayout, runsFolder, type RunLayout } from './layout.js';
export { DEFAULT_GRACE_MS, dockerInput, runLocalJob, type LocalRunDeps, type LocalRunOptions, type LocalRuntime } from './run-local.js';
export { localJobSpec, ossLocations, type LocalJobSpec } from './spec.js';
export type { Staged, StagedInput } from './stage.js';
