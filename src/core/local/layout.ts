import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The folders of one local run, on this machine. They mirror /ml/ in a PAI container. */
export interface RunLayout {
  /** `.pai-process/runs/<job-name>/` */
  root: string;
  /** `/ml/usercode/`: the code, unpacked from the archive the cloud would get; the working directory. */
  usercode: string;
  /** `/ml/input/config/`: hyperparameters.json. */
  config: string;
  /** `/ml/input/data/`: one folder per input channel. */
  data: string;
  /** `/ml/output/`: one folder per output channel. */
  output: string;
  /** The virtualenv of `--install-requirements`. */
  venv: string;
  /** Helpers put first on PATH (a `python` that runs python3 when the machine has no `python`). */
  bin: string;
}

/** The container side of the same layout, as PAI mounts it. */
export const CONTAINER_ROOT = '/ml';

export function runLayout(root: string): RunLayout {
  return {
    root,
    usercode: join(root, 'usercode'),
    config: join(root, 'input', 'config'),
    data: join(root, 'input', 'data'),
    output: join(root, 'output'),
    venv: join(root, 'venv'),
    bin: join(root, 'bin'),
  };
}

/** `<base>/.pai-process/runs`: where a project's local runs are kept (left out of every code archive). */
export function runsFolder(base: string): string {
  return join(base, '.pai-process', 'runs');
}

/**
 * Creates a new, empty run folder for the job under `runs`: `<name>`, or `<name>-2`, `-3`... when a run of the
 * same name (same base name, same second) is already there. A run never reuses another run's folder.
 */
export async function createRunFolder(runs: string, name: string): Promise<string> {
  await mkdir(runs, { recursive: true });
  for (let n = 1; ; n++) {
    const path = join(runs, n === 1 ? name : `${name}-${n}`);
    try {
      await mkdir(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
