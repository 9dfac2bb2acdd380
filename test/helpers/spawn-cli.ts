import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './run-cli.js';

/** The project's root, where bin/ and dist/ are. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The built CLI in a child process, as a user runs it in CI: only the environment given (never the
 * developer's), a private HOME, CI=true, and never the ECS metadata address. Asynchronous, so an emulator
 * in the test's own process keeps answering.
 */
export function spawnCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Spawned> {
  return spawnNode([`${ROOT}bin/pai-process.cjs`, ...args], cwd, env);
}

/** How a spawned CLI ended, and how long it took (ms, wall clock). */
export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `node ...argv` in the same clean environment as spawnCli (for a command line written elsewhere, as in the README). */
export function spawnNode(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<Spawned> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
