import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, realpath, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { RunLayout } from './layout.js';

/** The requirements file PAI pip-installs before the command, in /ml/usercode/. */
export const REQUIREMENTS_FILE = 'requirements.txt';

/** The requirements file of the code, if it has one. */
export function requirementsFile(usercode: string): string | undefined {
  return statSync(join(usercode, REQUIREMENTS_FILE), { throwIfNoEntry: false })?.isFile() ? REQUIREMENTS_FILE : undefined;
}

/** The full path of a program on the PATH of `env`, or undefined. */
export function onPath(program: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, program);
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * PAI's images have `python`; many machines have only `python3`. When `python` is missing and `python3` is
 * there, a `python` link to it goes in the run's bin/, which the runner puts first on PATH, so that
 * `command: python main.py` runs here as it does in the cloud. Returns the folder to put on PATH, if any.
 */
export async function pythonShim(layout: RunLayout, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (onPath('python', env)) return undefined;
  const python3 = onPath('python3', env);
  if (!python3) return undefined;
  await mkdir(layout.bin, { recursive: true });
  const link = join(layout.bin, 'python');
  if (!existsSync(link)) await symlink(await realpath(python3), link);
  return layout.bin;
}

/**
 * The commands that make the run's virtualenv and install the requirements into it: python3 -m venv (with the
 * machine's own packages visible, as an image's are, and never changed), then pip from inside the venv.
 */
export function virtualenvCommands(layout: RunLayout, python3: string, file: string | undefined, extra: readonly string[]): string[][] {
  const pip = [join(layout.venv, 'bin', 'python'), '-m', 'pip', 'install', '--disable-pip-version-check'];
  const commands = [[python3, '-m', 'venv', '--system-site-packages', layout.venv]];
  if (file) commands.push([...pip, '-r', file]);
  if (extra.length > 0) commands.push([...pip, ...extra]);
  return commands;
}

/** The environment changes that make a process use the virtualenv, as `source venv/bin/activate` does. */
export function virtualenvEnv(layout: RunLayout, path: string | undefined): Record<string, string> {
  const bin = join(layout.venv, 'bin');
  return { VIRTUAL_ENV: layout.venv, PATH: path ? `${bin}${delimiter}${path}` : bin };
}
