/**
 * Timing and statistics for the bench: child processes timed with process.hrtime from spawn to exit, medians,
 * percentiles, and the table. Only node: built-ins.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Timed {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Called with the pid once the child is running (e.g. to poll its /proc entry). */
  onSpawn?: (pid: number) => void;
  /** Called with each chunk of stdout as it arrives, with the time it arrived (hrtime ms). */
  onStdout?: (chunk: string, atMs: number) => void;
  /** Kill (SIGKILL) after this long; the result then has signal set. */
  timeoutMs?: number;
}

/** Milliseconds on the monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Runs a command and resolves when it has exited and its output is read. `ms` is spawn → exit, measured with
 * process.hrtime in this process (asynchronously: this process keeps serving the emulator meanwhile).
 */
export function timed(command: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
    };
    const start = nowMs();
    const child = spawn(command, args, spawnOptions);
    let stdout = '';
    let stderr = '';
    let exitedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk, nowMs());
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
      if (options.timeoutMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    });
    child.on('exit', () => (exitedAt = nowMs()));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ ms: (exitedAt || nowMs()) - start, code, signal, stdout, stderr, pid: child.pid });
    });
  });
}

/** Runs a command and throws with its output when it fails. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
  const r = await timed(command, args, options);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code ?? r.signal}\n${r.stderr.slice(-4000)}${r.stdout.slice(-2000)}`);
  return r;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (rank - lo);
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= 1024 * MiB) return `${(bytes / 1024 / MiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** The spread of a sample as printed: `min–max`. */
export function spread(values: readonly number[], fmt: (v: number) => string = fmtMs): string {
  if (values.length === 0) return '—';
  return `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
}

/** One row of the results table. */
export interface Row {
  figure: string;
  /** How many measurements (or what the measurement is). */
  runs: string;
  value: string;
  spread: string;
  baseline: string;
  baselineValue: string;
  /** The figure that is compared with the target (a ratio, a size…), as printed. */
  measured: string;
  target: string;
  ok: boolean | undefined;
}

export function renderTable(rows: readonly Row[]): string {
  const head = ['figure', 'runs', 'median', 'min–max', 'baseline (same run)', 'baseline median', 'measured', 'target', 'result'];
  const lines = [head, head.map(() => '---')];
  for (const r of rows) {
    lines.push([
      r.figure,
      r.runs,
      r.value,
      r.spread,
      r.baseline,
      r.baselineValue,
      r.measured,
      r.target,
      r.ok === undefined ? 'info' : r.ok ? 'met' : '**MISSED**',
    ]);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The peak (VmHWM) and current (VmRSS) resident set of a running process in bytes, or undefined once it is gone. */
export function readMemory(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return hwm && rss ? { hwm: Number(hwm[1]) * 1024, rss: Number(rss[1]) * 1024 } : undefined;
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
