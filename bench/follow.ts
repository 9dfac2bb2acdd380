/**
 * Following 3 workers at steady state: the built CLI follows a job of the bench's emulator (`run` without --detach,
 * the real cadence); the bench emits log lines through the emulator's job API at random times, timestamps each line
 * as it arrives on the CLI's stdout, and counts the API calls in the emulator's journal.
 *
 * Phases, after the CLI has started following:
 *   quiet  — no lines; the status schedule backs off to its maximum; calls counted once it has (steady state);
 *   busy   — each worker emits a line after a random pause of 0.1–4 s (about 1.5 lines a second in all);
 *   sparse — one line at a time on a random worker, 2–4 s apart: every read in between finds nothing, so the
 *            follow loop is at its quiet cadence when each line comes (the worst case for latency).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../test/emulator/index.js';
import { nowMs, percentile, sleep, timed } from './lib.js';

export interface FollowPhase {
  name: 'quiet' | 'busy' | 'sparse';
  seconds: number;
  lines: number;
  /** emission → print, ms, one per line printed. */
  latencies: number[];
  /** Lines emitted but never printed while measuring. */
  missing: number;
  logCalls: number;
  statusCalls: number;
  callsPerMinute: number;
}

export interface FollowResult {
  phases: FollowPhase[];
  workers: number;
}

const WORKERS = ['worker-0', 'worker-1', 'worker-2'];

export async function measureFollow(emu: Emulator, options: { dir: string; env: Record<string, string>; cli: string; scale: number }): Promise<FollowResult> {
  const project = join(options.dir, 'follow-project');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'job.yaml'), 'base_job_name: bench-follow\nimage_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n');
  // Jobs created from now on run until told otherwise, with three workers.
  emu.jobs.script([{ at: 0, status: 'Running', instances: WORKERS }], { name: /bench-follow/, once: true });

  const emittedAt = new Map<number, number>();
  const printedAt = new Map<number, number>();
  let partial = '';
  const onStdout = (chunk: string, at: number) => {
    const text = partial + chunk;
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /bench-line (\d+)$/.exec(line);
      if (m) printedAt.set(Number(m[1]), at);
    }
  };
  let pid: number | undefined;
  const child = timed(process.execPath, [options.cli, 'run', '-f', 'job.yaml'], { cwd: project, env: options.env, onStdout, onSpawn: p => (pid = p), timeoutMs: 15 * 60_000 });

  // Wait for the job and the first log read.
  const startedAt = nowMs();
  let jobId: string | undefined;
  while (!jobId || emu.journal.filter(e => e.action === 'ListTrainingJobLogs' && e.path.includes(jobId as string)).length === 0) {
    if (nowMs() - startedAt > 60_000) throw new Error('the CLI did not start following within 60 s');
    await sleep(50);
    jobId ??= emu.jobs.all().find(j => j.name.startsWith('bench-follow') && j.status === 'Running')?.id;
  }
  const id = jobId;
  const followingAt = nowMs();

  let seq = 0;
  const emit = (worker: string) => {
    const n = seq++;
    emittedAt.set(n, nowMs());
    emu.jobs.log(id, worker, `bench-line ${n}\n`);
    return n;
  };
  const calls = (action: string, from: number, to: number) => emu.journal.filter(e => e.action === action && e.path.includes(id) && e.time >= from && e.time < to).length;

  const phases: FollowPhase[] = [];
  const runPhase = async (name: FollowPhase['name'], seconds: number, plan: () => Promise<number[]>, countFrom?: number) => {
    const phaseStart = Date.now();
    const ids = await plan();
    // The last lines' reads: at most one quiet interval and a little.
    await sleep(2500);
    const phaseEnd = Date.now();
    const from = countFrom ?? phaseStart;
    const latencies: number[] = [];
    let missing = 0;
    for (const n of ids) {
      const printed = printedAt.get(n);
      if (printed === undefined) missing++;
      else latencies.push(printed - (emittedAt.get(n) as number));
    }
    const logCalls = calls('ListTrainingJobLogs', from, phaseEnd);
    const statusCalls = calls('GetTrainingJob', from, phaseEnd);
    phases.push({ name, seconds, lines: ids.length, latencies, missing, logCalls, statusCalls, callsPerMinute: ((logCalls + statusCalls) * 60_000) / (phaseEnd - from) });
  };

  const ms = (s: number) => s * 1000 * options.scale;
  try {
    // quiet: let the status reads back off (2, 3, 4.5, 6.75, then 10 s apart: ~17 s), then count 30 s.
    const quietFrom = Date.now() + Math.max(0, 18_000 - (nowMs() - followingAt));
    await runPhase('quiet', Math.round(ms(30) / 1000), async () => {
      await sleep(quietFrom - Date.now() + ms(30) - 2500);
      return [];
    }, quietFrom);

    await runPhase('busy', Math.round(ms(60) / 1000), async () => {
      const end = nowMs() + ms(60);
      const ids: number[] = [];
      await Promise.all(
        WORKERS.map(async w => {
          for (;;) {
            await sleep(100 + Math.random() * 3900);
            if (nowMs() >= end) return;
            ids.push(emit(w));
          }
        }),
      );
      return ids;
    });

    await runPhase('sparse', Math.round(ms(60) / 1000), async () => {
      const end = nowMs() + ms(60);
      const ids: number[] = [];
      for (;;) {
        await sleep(2000 + Math.random() * 2000);
        if (nowMs() >= end) return ids;
        ids.push(emit(WORKERS[Math.floor(Math.random() * WORKERS.length)] as string));
      }
    });
  } finally {
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await child;
  }
  return { phases, workers: WORKERS.length };
}

export function p95(values: readonly number[]): number {
  return percentile(values, 95);
}
