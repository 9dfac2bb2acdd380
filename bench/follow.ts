/**
 * Following N workers (3 by default; the bench also runs 16 and 64) at steady state: the built CLI follows a job of the bench's emulator (`run` without --detach,
 * the real cadence); the bench emits log lines through the emulator's job API at random times, timestamps each line
 * as it arrives on the CLI's stdout, and counts the API calls in the emulator's journal.
 *
 * Phases, after the CLI has started following:
 *   quiet  — no lines; the status schedule backs off to its maximum; calls counted once it has (steady state);
 *   busy   — each worker emits a line after a random pause of 0.1–4 s (about 1.5 lines a second in all);
 *   sparse — one line at a time on a random worker, 2–4 s apart: every read in between finds nothing, so the
 *            follow loop is at its quiet cadence when each line comes (the worst case for latency).
 * With more than 3 workers only a busy phase runs, in which one worker in eight prints: the budget of 150 calls a
 * minute is then the limit, and the figures are calls a minute, the longest gap between two reads of one worker,
 * and the latency of the busy workers' lines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../test/emulator/index.js';
import { nowMs, percentile, sleep, timed } from './lib.js';

export interface FollowPhase {
  name: 'quiet' | 'busy' | 'sparse';
  /** The window the calls were counted in (the phase and the wait for its last lines). */
  seconds: number;
  lines: number;
  /** emission → print, ms, one per line printed. */
  latencies: number[];
  /** Lines emitted but never printed while measuring. */
  missing: number;
  /** The longest time between two reads of one worker during the phase, ms. */
  maxReadGapMs: number;
  logCalls: number;
  statusCalls: number;
  callsPerMinute: number;
}

export interface FollowResult {
  phases: FollowPhase[];
  workers: number;
}

export async function measureFollow(
  emu: Emulator,
  options: { dir: string; env: Record<string, string>; cli: string; scale: number; workers?: number },
): Promise<FollowResult> {
  const count = options.workers ?? 3;
  const WORKERS = Array.from({ length: count }, (_, i) => `worker-${i}`);
  const base = `bench-follow-${count}`;
  const project = join(options.dir, `follow-project-${count}`);
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'job.yaml'),
    `base_job_name: ${base}\nimage_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\ninstance_count: ${count}\n`,
  );
  // The next job of this name runs until told otherwise, with its workers.
  emu.jobs.script([{ at: 0, status: 'Running', instances: WORKERS }], { name: new RegExp(`^${base}`), once: true });

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
  const child = timed(process.execPath, [options.cli, 'run', '-f', 'job.yaml'], {
    cwd: project,
    env: options.env,
    onStdout,
    onSpawn: (p) => (pid = p),
    timeoutMs: 15 * 60_000,
  });

  // Wait for the job and the first log read.
  const startedAt = nowMs();
  let jobId: string | undefined;
  while (!jobId || emu.journal.filter((e) => e.action === 'ListTrainingJobLogs' && e.path.includes(jobId as string)).length === 0) {
    if (nowMs() - startedAt > 60_000) throw new Error('the CLI did not start following within 60 s');
    await sleep(50);
    jobId ??= emu.jobs.all().find((j) => j.name.startsWith(base) && j.status === 'Running')?.id;
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
  const calls = (action: string, from: number, to: number) =>
    emu.journal.filter((e) => e.action === action && e.path.includes(id) && e.time >= from && e.time < to).length;

  const phases: FollowPhase[] = [];
  const runPhase = async (name: FollowPhase['name'], plan: () => Promise<number[]>, countFrom?: number) => {
    const phaseStart = Date.now();
    const ids = await plan();
    // The last lines' reads: at most one quiet interval and a little (with many workers, the read bound).
    await sleep(count > 3 ? Math.max(10_000, count * 500) + 1000 : 2500);
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
    let maxReadGapMs = 0;
    for (const w of WORKERS) {
      const times = emu.journal
        .filter((e) => e.action === 'ListTrainingJobLogs' && e.query['InstanceId'] === `${id}-${w}` && e.time >= from && e.time < phaseEnd)
        .map((e) => e.time);
      for (let i = 1; i < times.length; i++) maxReadGapMs = Math.max(maxReadGapMs, (times[i] as number) - (times[i - 1] as number));
    }
    const statusCalls = calls('GetTrainingJob', from, phaseEnd);
    phases.push({
      name,
      seconds: Math.round((phaseEnd - from) / 1000),
      lines: ids.length,
      latencies,
      missing,
      maxReadGapMs,
      logCalls,
      statusCalls,
      callsPerMinute: ((logCalls + statusCalls) * 60_000) / (phaseEnd - from),
    });
  };

  const ms = (s: number) => s * 1000 * options.scale;
  try {
    if (count > 3) {
      // Many workers: one in eight prints. Counting starts once every worker has been read once.
      const busy = WORKERS.filter((_, i) => i % 8 === 0);
      await sleep(Math.max(10_000, count * 500));
      await runPhase('busy', async () => {
        const end = nowMs() + ms(60);
        const ids: number[] = [];
        await Promise.all(
          busy.map(async (w) => {
            for (;;) {
              await sleep(100 + Math.random() * 1900);
              if (nowMs() >= end) return;
              ids.push(emit(w));
            }
          }),
        );
        return ids;
      });
      return { phases, workers: count };
    }
    // quiet: let the status reads back off (2, 3, 4.5, 6.75, then 10 s apart: ~17 s), then count 30 s.
    const quietFrom = Date.now() + Math.max(0, 18_000 - (nowMs() - followingAt));
    await runPhase(
      'quiet',
      async () => {
        await sleep(quietFrom - Date.now() + ms(30) - 2500);
        return [];
      },
      quietFrom,
    );

    await runPhase('busy', async () => {
      const end = nowMs() + ms(60);
      const ids: number[] = [];
      await Promise.all(
        WORKERS.map(async (w) => {
          for (;;) {
            await sleep(100 + Math.random() * 3900);
            if (nowMs() >= end) return;
            ids.push(emit(w));
          }
        }),
      );
      return ids;
    });

    await runPhase('sparse', async () => {
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
