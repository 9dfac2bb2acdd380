import { GroupProcess, type ProcessExit, type ProcessSpec } from './process-group.js';

/** One worker of a local job: its name (`worker-0`, ...) and its process. */
export interface WorkerSpec extends ProcessSpec {
  name: string;
  /** Run after SIGKILL when a worker must go for good and killing its group is not enough (a container). */
  forceStop?: () => Promise<void>;
}

export interface WorkerOptions {
  /** Ctrl-C: stop every worker (SIGTERM, then SIGKILL after the grace period). */
  signal: AbortSignal;
  /** A second Ctrl-C: SIGKILL now, without waiting for the grace period. */
  force?: AbortSignal;
  /** max_run_time, in ms. */
  maxRunTimeMs?: number;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
}

export type WorkersOutcome =
  | { kind: 'succeeded' }
  /** The first worker that failed; the others were stopped. */
  | { kind: 'failed'; worker: string; exit: ProcessExit }
  | { kind: 'timed-out' }
  | { kind: 'interrupted' };

/**
 * Runs the workers side by side until all succeed, one fails, max_run_time passes or the user interrupts.
 * In every case but success the remaining workers are stopped (SIGTERM to each process group, SIGKILL after
 * the grace period) before this returns, so no process of the job outlives it.
 */
export async function runWorkers(
  workers: readonly WorkerSpec[],
  options: WorkerOptions,
  onLine: (worker: string, line: string) => void,
): Promise<WorkersOutcome> {
  if (options.signal.aborted) return { kind: 'interrupted' };
  const started: { spec: WorkerSpec; process: GroupProcess }[] = [];
  for (const spec of workers) started.push({ spec, process: new GroupProcess(spec, (line) => onLine(spec.name, line)) });

  let stopReason: WorkersOutcome | undefined;
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const stop = (reason: WorkersOutcome) => {
    stopReason ??= reason;
    wake();
  };
  const onAbort = () => stop({ kind: 'interrupted' });
  options.signal.addEventListener('abort', onAbort, { once: true });
  const timer = options.maxRunTimeMs !== undefined ? setTimeout(() => stop({ kind: 'timed-out' }), options.maxRunTimeMs) : undefined;

  const exits = started.map(({ spec, process }) =>
    process.exited.then((exit) => {
      if (exit.code !== 0) stop({ kind: 'failed', worker: spec.name, exit });
      return exit;
    }),
  );
  try {
    await Promise.race([Promise.all(exits), woken]);
    if (stopReason === undefined) return { kind: 'succeeded' };
    await stopAll(started, options);
    return stopReason;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
  }
}

/** SIGTERM to every running worker's group; SIGKILL to those still running after the grace period (or at once on `force`). */
async function stopAll(started: { spec: WorkerSpec; process: GroupProcess }[], options: WorkerOptions): Promise<void> {
  const running = started.filter((w) => w.process.running);
  if (running.length === 0) return;
  for (const w of running) w.process.signal('SIGTERM');
  const allExited = Promise.all(running.map((w) => w.process.exited));
  let timer: NodeJS.Timeout | undefined;
  let onForce: (() => void) | undefined;
  const escalate = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.graceMs);
    if (options.force) {
      if (options.force.aborted) resolve();
      onForce = () => resolve();
      options.force.addEventListener('abort', onForce, { once: true });
    }
  });
  try {
    const first = await Promise.race([allExited.then(() => 'exited' as const), escalate.then(() => 'escalate' as const)]);
    if (first === 'exited') return;
    for (const w of running) {
      if (!w.process.running) continue;
      w.process.signal('SIGKILL');
      await w.spec.forceStop?.().catch(() => undefined);
    }
    await allExited;
  } finally {
    clearTimeout(timer);
    if (onForce) options.force?.removeEventListener('abort', onForce);
  }
}
