// One soak run: a 4-worker job that logs steadily, followed by the built CLI as a user runs it, while a seeded
// share of every PAI and OSS call fails in every way the emulator knows (test/emulator/faults.ts, random mode).
// The checks are the issue's: exit 0, exactly one job, every worker's lines exactly once and in order.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RandomFaultKind, type ScriptStep } from '../emulator/index.js';
import { ROOT } from '../helpers/spawn-cli.js';
import { project, tempDir } from '../helpers/run-cli.js';

export const SOAK_WORKERS = 4;
/** Each worker logs one line this often. */
const LINE_EVERY_MS = 500;
/** The job starts running this long after it was created. */
const RUNNING_AT_MS = 2_000;

export interface SoakOptions {
  seed: number;
  /** How long the job logs. */
  durationMs: number;
  /** Share of calls that fail. Default 0.1. */
  rate?: number;
  /** The CLI's entry point. Default: this checkout's bin/pai-process.cjs (run `npm run build` first). */
  bin?: string;
}

export interface SoakResult {
  seed: number;
  ok: boolean;
  /** What went wrong, empty when ok. */
  problems: string[];
  exitCode: number | null;
  jobs: number;
  /** Every call the emulator saw, PAI and OSS. */
  calls: number;
  injected: Record<RandomFaultKind, number>;
  /** Lines printed for the job's workers, and how many the job logged. */
  lines: number;
  expectedLines: number;
  durationMs: number;
  /** Where stdout, stderr and the injected faults were written when the run failed. */
  evidence?: string;
}

/** The line a worker logs: its name and a running number, so a line lost, repeated or out of order shows. */
export function soakLine(worker: number, n: number): string {
  return `worker-${worker} line ${n}`;
}

function soakScript(durationMs: number): { steps: ScriptStep[]; perWorker: number } {
  const names = Array.from({ length: SOAK_WORKERS }, (_, w) => `worker-${w}`);
  const steps: ScriptStep[] = [
    { at: 0, status: 'Creating' },
    { at: RUNNING_AT_MS / 2, status: 'Queuing' },
    { at: RUNNING_AT_MS, status: 'Running', instances: names },
  ];
  let n = 0;
  for (let t = RUNNING_AT_MS + LINE_EVERY_MS; t <= RUNNING_AT_MS + durationMs; t += LINE_EVERY_MS, n++) {
    steps.push({ at: t, logs: Object.fromEntries(names.map((name, w) => [name, [`${soakLine(w, n)}\n`]])) });
  }
  steps.push({ at: RUNNING_AT_MS + durationMs + LINE_EVERY_MS, status: 'Succeed' });
  return { steps, perWorker: n };
}

/**
 * Checks the CLI's stdout: per worker, lines 0..perWorker-1, each once, in order. Lines may be prefixed
 * `[worker-N] ` (per-instance streams) or not (the unfiltered stream, when the instances were not yet known).
 */
export function checkLines(stdout: string, perWorker: number): { lines: number; problems: string[] } {
  const seen: number[][] = Array.from({ length: SOAK_WORKERS }, () => []);
  const problems: string[] = [];
  let lines = 0;
  for (const raw of stdout.split('\n')) {
    if (raw === '') continue;
    const m = /^(?:\[worker-\d+\] )?worker-(\d+) line (\d+)$/.exec(raw);
    const list = m ? seen[Number(m[1])] : undefined;
    if (!m || !list) {
      problems.push(`stdout has a line that is not the job's: ${JSON.stringify(raw.slice(0, 120))}`);
      continue;
    }
    lines++;
    list.push(Number(m[2]));
  }
  seen.forEach((list, w) => {
    const wrong = list.findIndex((n, i) => n !== i);
    if (wrong >= 0) problems.push(`worker-${w}: line ${wrong} printed is number ${list[wrong]} (lost, repeated or out of order)`);
    else if (list.length !== perWorker) problems.push(`worker-${w}: ${list.length} lines printed, ${perWorker} logged`);
  });
  return { lines, problems };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const emu = await startEmulator();
  try {
    const { steps, perWorker } = soakScript(options.durationMs);
    emu.jobs.setDefaultScript(steps);
    const faults = emu.faults.random({ rate: options.rate ?? 0.1, seed: options.seed });
    // A create answered after 12 s is one CreateTrainingJob call in a run, so 10% would rarely meet it: every
    // even seed's first create is slow (the random faults still apply to any further create).
    const slowCreate = options.seed % 2 === 0 ? emu.faults.add({ action: 'CreateTrainingJob', kind: 'delay', delayMs: 12_000 }) : undefined;
    const dir = project({
      'job.yaml':
        'image_uri: registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch:1.12\ncommand: python main.py\ninstance_type: ecs.c6.large\n' +
        `instance_count: ${SOAK_WORKERS}\nsource_dir: .\nbase_job_name: soak\n`,
      'main.py': 'print("soak")\n',
    });
    const run = await runCli(options.bin ?? `${ROOT}bin/pai-process.cjs`, ['run', '-f', 'job.yaml'], dir, emu.env(), options.durationMs * 2 + 10 * 60_000);
    const problems: string[] = [];
    if (run.timedOut) problems.push('the CLI had not ended long after the job did: killed');
    if (run.code !== 0) problems.push(`exit code ${run.code}`);
    const jobs = emu.jobs.all().length;
    if (jobs !== 1) problems.push(`${jobs} jobs created, not 1`);
    const checked = checkLines(run.stdout, perWorker);
    problems.push(...checked.problems.slice(0, 10));
    const result: SoakResult = {
      seed: options.seed,
      ok: problems.length === 0,
      problems,
      exitCode: run.code,
      jobs,
      calls: emu.faults.calls('*'),
      injected: { ...faults.injected, 'slow-create': faults.injected['slow-create'] + (slowCreate?.hits ?? 0) },
      lines: checked.lines,
      expectedLines: perWorker * SOAK_WORKERS,
      durationMs: Date.now() - started,
    };
    if (!result.ok) {
      const evidence = join(tmpdir(), `pai-process-soak-${options.seed}-${process.pid}`);
      mkdirSync(evidence, { recursive: true });
      writeFileSync(join(evidence, 'stdout'), run.stdout);
      writeFileSync(join(evidence, 'stderr'), run.stderr);
      writeFileSync(join(evidence, 'faults.json'), JSON.stringify(faults.log, null, 1));
      writeFileSync(
        join(evidence, 'journal.tsv'),
        emu.journal
          .all()
          .map((e) => [e.seq, new Date(e.time).toISOString(), e.action, e.status, e.errorCode ?? '', e.fault ?? '', e.durationMs ?? ''].join('\t'))
          .join('\n'),
      );
      result.evidence = evidence;
    }
    return result;
  } finally {
    await emu.close();
  }
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The built CLI in its own process, with only the emulator's environment (never the developer's). */
function runCli(bin: string, args: string[], cwd: string, env: Record<string, string>, capMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    // A safety net for a hung CLI, far beyond any expected run: the soak must end to report.
    const cap = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, capMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(cap);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** One line per seed: seed, exit, calls, faults by kind, lines, duration. */
export function describeResult(r: SoakResult): string {
  const kinds = Object.entries(r.injected)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const total = Object.values(r.injected).reduce((a, b) => a + b, 0);
  return (
    `seed ${r.seed}: ${r.ok ? 'PASS' : 'FAIL'} exit ${r.exitCode}, ${r.jobs} job(s), ${r.calls} calls, ${total} faults (${kinds}), ` +
    `${r.lines}/${r.expectedLines} lines, ${(r.durationMs / 1000).toFixed(1)} s` +
    (r.ok ? '' : `\n  ${r.problems.join('\n  ')}\n  evidence: ${r.evidence}`)
  );
}
