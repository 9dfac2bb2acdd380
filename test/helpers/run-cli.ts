import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
  tty?: boolean;
  now?: Date;
  /** Anything else of the context (cadence, onSignal, ...). */
  context?: Partial<CliContext>;
}

/**
 * Runs the CLI in-process, as `pai-process ...argv`, with captured streams. The environment is exactly
 * what the test gives (plus a private HOME), never the developer's, so no test reads real credentials.
 */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const home = options.home ?? tempDir('home-');
  const code = await main(argv, {
    env: { HOME: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ...options.env },
    cwd: options.cwd ?? tempDir('cwd-'),
    homedir: home,
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    now: () => options.now ?? new Date(2025, 0, 1, 12, 0, 0),
    // Never reach for the real metadata address from a test.
    probeMetadata: async () => false,
    ...options.context,
  });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'pai-process-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (path → content) under a new temp folder and returns the folder. */
export function project(files: Record<string, string>): string {
  const root = tempDir('project-');
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** The session environment most tests need. */
export const SESSION_ENV = { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '12345', PAI_OSS_BUCKET_NAME: 'mybucket' };

/** Follow-loop timings short enough for tests against the emulator. */
export const FAST_CADENCE = {
  logActiveMs: 20,
  logIdleMs: 40,
  statusMinMs: 40,
  statusMaxMs: 120,
  drainIntervalMs: 60,
  drainMaxMs: 1000,
  heartbeatMs: 60_000,
  callSpacingMs: 2,
  maxWaitFloorMs: 200,
  maxWaitPerStreamMs: 10,
};

/** Retry backoff short enough for fault tests. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };
