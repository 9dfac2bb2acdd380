/**
 * The job container contract (docs/local.md): the variables a job's command finds, and the
 * hyperparameters file. Pure functions of the job and of where its folders are, so the plain runtime (host
 * paths) and the Docker runtime (/ml paths) build their environment the same way.
 */

/** Where the contract's folders are, for the process that reads them (host paths, or /ml/... in a container). */
export interface ContractPaths {
  /** The code, and the command's working directory. */
  usercode: string;
  /** Holds hyperparameters.json. */
  config: string;
  /** Each input channel's path: its folder, or the file itself for a single-file input. */
  inputs: Record<string, string>;
  /** Each output channel's folder. */
  outputs: Record<string, string>;
}

/** `train.learning-rate` → `TRAIN_LEARNING_RATE`: every character outside [A-Za-z0-9_] becomes `_`, then upper case. */
export function envName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
}

/** A word as a POSIX shell reads it back: unchanged when it is safe, else in single quotes (Python's shlex.quote). */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/**
 * `PAI_USER_ARGS`: `--name value ...` in the order of the config, each word shell-quoted once, so that
 * `eval "python train.py $PAI_USER_ARGS"` passes every value through intact. (The SDK's local runner quotes
 * values twice; a script would then see the quotes.)
 */
export function userArgs(parameters: Readonly<Record<string, string>>): string {
  return Object.entries(parameters)
    .flatMap(([name, value]) => [`--${name}`, value])
    .map(shellQuote)
    .join(' ');
}

/**
 * JSON the way Python's `json.dumps` writes it by default (`", "` and `": "` separators, non-ASCII escaped as
 * \uXXXX), which is what `PAI_HPS` and hyperparameters.json hold on PAI and in the SDK's local runner.
 */
export function pythonJson(values: Readonly<Record<string, string>>): string {
  const body = Object.entries(values)
    .map(([k, v]) => `${asciiJson(k)}: ${asciiJson(v)}`)
    .join(', ');
  return `{${body}}`;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The contents of input/config/hyperparameters.json: a JSON object, every value a string. */
export function hyperparametersFile(parameters: Readonly<Record<string, string>>): string {
  return pythonJson(parameters) + '\n';
}

/**
 * The contract's variables for one process: PAI_CONFIG_DIR, PAI_WORKING_DIR, PAI_HPS, PAI_HPS_<NAME>,
 * PAI_USER_ARGS, PAI_INPUT_<CHANNEL>, PAI_OUTPUT_<CHANNEL>. Folder paths end in "/", as PAI documents them.
 */
export function contractEnv(parameters: Readonly<Record<string, string>>, paths: ContractPaths): Record<string, string> {
  const env: Record<string, string> = {
    PAI_CONFIG_DIR: asDir(paths.config),
    PAI_WORKING_DIR: asDir(paths.usercode),
    PAI_HPS: pythonJson(parameters),
    PAI_USER_ARGS: userArgs(parameters),
  };
  for (const [name, value] of Object.entries(parameters)) env[`PAI_HPS_${envName(name)}`] = value;
  for (const [name, path] of Object.entries(paths.inputs)) env[`PAI_INPUT_${envName(name)}`] = path;
  for (const [name, path] of Object.entries(paths.outputs)) env[`PAI_OUTPUT_${envName(name)}`] = asDir(path);
  return env;
}

/** The variables of distributed jobs, as PAI-DLC sets them for PyTorch: worker `rank` of `worldSize`. */
export function distributedEnv(rank: number, worldSize: number, masterPort: number): Record<string, string> {
  return { RANK: String(rank), WORLD_SIZE: String(worldSize), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(masterPort) };
}

export function asDir(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
