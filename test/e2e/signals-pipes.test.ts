// The built CLI against what a terminal or a pipeline does to it: the terminal closes (SIGHUP), the reader of
// its output goes away (EPIPE). Neither may leave a local job's workers running or print a stack trace.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/spawn-cli.js';
import { project, tempDir } from '../helpers/run-cli.js';
import { alive, jobYaml, waitFor } from '../local/support.js';

const BIN = `${ROOT}bin/pai-process.cjs`;

function start(args: string[], cwd: string) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function ended(child: ReturnType<typeof start>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

function pids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('the built CLI and a closed terminal', () => {
  it('SIGHUP to `run --local` stops every worker and its children, and exits 130', async () => {
    const file = join(tempDir('pids-'), 'pids');
    const dir = project({
      'job.yaml': jobYaml({ instance_count: 2, command: 'sleep 300 & echo "$! $$" >> "$PIDFILE"; echo started; wait', environments: { PIDFILE: file } }),
    });
    const child = start(['run', '-f', 'job.yaml', '--local'], dir);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const done = ended(child);
    const started = await waitFor(() => (pids(file).length === 4 ? pids(file) : undefined), 20_000, 'both workers to start');
    expect(started.every(alive)).toBe(true);
    child.kill('SIGHUP');
    const { code } = await done;
    expect(code).toBe(130);
    expect(started.filter(alive)).toEqual([]);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the built CLI and a reader that stops reading', () => {
  // As `schema | true`: the reader is gone before the CLI writes (a pipe closed after a first chunk may
  // already hold the whole schema, and then no write fails).
  it.each([['schema'], ['completion', 'bash'], ['--help']])('`%s` into a pipe already closed: exit 0, nothing on stderr', async (...args) => {
    const child = start(args, tempDir('cwd-'));
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const { code } = await ended(child);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('`run --local` whose output reader goes away: exit 0, no stack trace, and its workers are gone', async () => {
    const file = join(tempDir('pids-'), 'pids');
    // The job writes a line, records its pids, then keeps writing: the CLI's next write meets the closed pipe.
    const dir = project({
      'job.yaml': jobYaml({ command: 'sleep 300 & echo "$! $$" >> "$PIDFILE"; while true; do echo tick; sleep 0.05; done', environments: { PIDFILE: file } }),
    });
    const child = start(['run', '-f', 'job.yaml', '--local'], dir);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = ended(child);
    child.stdout.once('data', () => child.stdout.destroy());
    const started = await waitFor(() => (pids(file).length === 2 ? pids(file) : undefined), 20_000, 'the worker to start');
    const { code } = await done;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    await waitFor(() => (started.filter(alive).length === 0 ? true : undefined), 5_000, 'the workers to be gone');
  });
});
