// Several workers, a worker that fails, max_run_time, and Ctrl-C: every ending stops every process of the job.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWorkers } from '../../src/core/local/workers.js';
import { alive, jobYaml, runLocal, tempDir, waitFor } from './support.js';

const pids = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : []);

describe('local workers', () => {
  it('instance_count 2: two workers with RANK, WORLD_SIZE, MASTER_ADDR and one free MASTER_PORT, each line prefixed', async () => {
    const r = await runLocal({
      'job.yaml': jobYaml({ instance_count: 2, command: 'echo "rank=$RANK world=$WORLD_SIZE addr=$MASTER_ADDR port=$MASTER_PORT"; echo "done $RANK"' }),
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const of = (w: string) => lines.filter((l) => l.startsWith(`[${w}] `)).map((l) => l.slice(w.length + 3));
    const w0 = of('worker-0');
    const w1 = of('worker-1');
    expect(w0[0]).toMatch(/^rank=0 world=2 addr=127\.0\.0\.1 port=\d+$/);
    expect(w1[0]).toMatch(/^rank=1 world=2 addr=127\.0\.0\.1 port=\d+$/);
    expect(w0[1]).toBe('done 0');
    expect(w1[1]).toBe('done 1');
    const port = (s: string) => Number(/port=(\d+)/.exec(s)?.[1]);
    expect(port(w0[0]!)).toBe(port(w1[0]!));
    expect(port(w0[0]!)).toBeGreaterThan(0);
  });

  it('a worker that fails fails the job: exit 1, naming the worker and its exit code, and the other worker is stopped', async () => {
    const dir = tempDir('pids-');
    const file = join(dir, 'pids');
    const r = await runLocal(
      {
        'job.yaml': jobYaml({
          instance_count: 2,
          command: 'if [ "$RANK" = 1 ]; then sleep 0.3; echo "rank 1 gives up"; exit 7; fi; echo $$ >> "$PIDFILE"; echo "rank 0 waits"; sleep 30',
          environments: { PIDFILE: file },
        }),
      },
      [],
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[worker-1] rank 1 gives up');
    expect(r.stdout).toContain('[worker-0] rank 0 waits');
    expect(r.stderr).toContain('Reason   WorkerFailed: worker-1 exited with code 7; the other workers were stopped');
    const [rank0] = pids(file);
    expect(rank0).toBeGreaterThan(0);
    expect(alive(rank0!)).toBe(false);
  });

  it('max_run_time ends a job that runs too long: exit 1, and the reason says so', async () => {
    // A job left to its 60 s sleep would fail on the test timeout (20 s); no wall-clock limit here.
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo sleeping; sleep 60', max_run_time: 1 }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('sleeping\n');
    expect(r.stderr).toContain('Reason   MaxRunTimeExceeded: the job ran longer than max_run_time (1s) and was stopped');
  });

  it('Ctrl-C stops the job, children included, and exits 130', async () => {
    const dir = tempDir('pids-');
    const file = join(dir, 'pids');
    let handler: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const running = runLocal(
      {
        'job.yaml': jobYaml({
          instance_count: 2,
          // Each worker starts a child of its own; all of them must be gone afterwards.
          command: 'sleep 300 & echo "$! $$" >> "$PIDFILE"; echo started; wait',
          environments: { PIDFILE: file },
        }),
      },
      [],
      { context: { onSignal: (h) => ((handler = h), () => (handler = undefined)) } },
    );
    const started = await waitFor(() => (pids(file).length === 4 ? pids(file) : undefined), 10_000, 'both workers to start');
    expect(started.every(alive)).toBe(true);
    handler!('SIGINT');
    const r = await running;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/■ Stopped \S+ \(Stopped\)/);
    expect(started.filter(alive)).toEqual([]);
    expect(handler).toBeUndefined();
  });

  it('--json: Ctrl-C ends the NDJSON stream with a result that says 130 and Stopped', async () => {
    const dir = tempDir('pids-');
    const file = join(dir, 'pids');
    let handler: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
    const running = runLocal({ 'job.yaml': jobYaml({ command: 'echo $$ > "$PIDFILE"; sleep 300', environments: { PIDFILE: file } }) }, ['--json'], {
      context: { onSignal: (h) => ((handler = h), () => undefined) },
    });
    const [pid] = await waitFor(() => (pids(file).length ? pids(file) : undefined));
    handler!('SIGINT');
    const r = await running;
    expect(r.code).toBe(130);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ event: 'result', status: 'Stopped', exitCode: 130, reasonCode: 'Interrupted' });
    expect(alive(pid!)).toBe(false);
  });

  it('a process that ignores SIGTERM is killed after the grace period; a second Ctrl-C kills at once', async () => {
    const dir = tempDir('pids-');
    const file = join(dir, 'pids');
    const stubborn = {
      name: 'worker-0',
      argv: ['sh', '-c', `trap '' TERM; echo $$ > "${file}"; while :; do sleep 0.1; done`],
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '' },
    };

    const stop = new AbortController();
    const graceful = runWorkers([stubborn], { signal: stop.signal, graceMs: 300 }, () => {});
    const [pid] = await waitFor(() => (pids(file).length ? pids(file) : undefined));
    const t0 = Date.now();
    stop.abort();
    expect(await graceful).toEqual({ kind: 'interrupted' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(alive(pid!)).toBe(false);

    const stop2 = new AbortController();
    const kill = new AbortController();
    const forced = runWorkers([stubborn], { signal: stop2.signal, force: kill.signal, graceMs: 60_000 }, () => {});
    const [pid2] = await waitFor(() => (pids(file)[0] !== pid ? pids(file) : undefined));
    // The second Ctrl-C comes once the stop has begun (its grace period listens for it), not after a fixed sleep.
    const listening = new Promise<void>((resolve) => {
      const add = kill.signal.addEventListener.bind(kill.signal);
      kill.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
        add(...args);
        if (args[0] === 'abort') resolve();
      }) as AbortSignal['addEventListener'];
    });
    stop2.abort();
    await listening;
    kill.abort();
    // With a 60 s grace period, only the forced kill ends this within the test timeout (20 s).
    expect(await forced).toEqual({ kind: 'interrupted' });
    expect(alive(pid2!)).toBe(false);
  });
});
