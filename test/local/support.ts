import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { project, runCli, tempDir, type CliResult, type RunOptions } from '../helpers/run-cli.js';

/** What local jobs need from this machine: its PATH (sh, python3). Nothing else of the developer's environment. */
export const LOCAL_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

/** A project with a job config and code, run with `run --local -f job.yaml` in-process. */
export async function runLocal(files: Record<string, string>, args: string[] = [], options: RunOptions = {}): Promise<CliResult & { dir: string }> {
  const dir = project(files);
  const r = await runCli(['run', '-f', 'job.yaml', '--local', ...args], { cwd: dir, ...options, env: { ...LOCAL_ENV, ...options.env } });
  return { ...r, dir };
}

/** A minimal job config: the image is never pulled by the plain runtime, and instance_type is what --local replaces. */
export function jobYaml(lines: Record<string, unknown>): string {
  const base: Record<string, unknown> = { image_uri: 'python:3.11', instance_type: 'ecs.c6.large', source_dir: '.', ...lines };
  return JSON.stringify(base, null, 2);
}

/** The run folders of a project, newest last. */
export function runFolders(dir: string): string[] {
  const runs = join(dir, '.pai-process', 'runs');
  return readdirSync(runs)
    .sort()
    .map((name) => join(runs, name));
}

/** `KEY=VALUE` lines of `env` output, as a map. */
export function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** Whether a process is still there (a zombie waiting for its parent counts as gone: it runs nothing). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Whether `python3 -m venv` works here (--install-requirements needs it). */
export function venvAvailable(): { ok: boolean; why: string } {
  const r = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: `python3 is not on PATH (${r.error.message})` };
  return r.status === 0 ? { ok: true, why: '' } : { ok: false, why: `python3 has no venv/ensurepip module: ${r.stderr.trim()}` };
}

/** Whether python3 runs here (the hello example needs it). */
export function python3Available(): boolean {
  return !spawnSync('python3', ['--version']).error;
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { tempDir };
