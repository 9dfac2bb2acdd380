import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LineSplitter } from './lines.js';

/** One process to start: `argv[0]` looked up on the env's PATH, in its own process group. */
export interface ProcessSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /**
   * A command run (synchronously, with `env`) when the CLI exits while this process still runs: what SIGKILL to
   * the group cannot reach, such as the container a killed `docker run` client leaves behind.
   */
  stopOnExit?: string[];
}

/** How a process ended: its exit code, or the signal that ended it, or why it never started. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started (no such program, not executable). */
  startError?: string;
}

/**
 * The groups still running. When this process ends without stopping them (a third Ctrl-C, a closed stdout:
 * bin/pai-process.cjs exits at once), they are killed on the way out, so no worker outlives the CLI.
 */
const live = new Map<number, ProcessSpec>();
let exitHooked = false;

function track(pid: number, spec: ProcessSpec): void {
  live.set(pid, spec);
  if (exitHooked) return;
  exitHooked = true;
  // 'exit' handlers run synchronously, the event loop already stopped: only kill and spawnSync work here.
  process.once('exit', () => {
    for (const [group, { stopOnExit, env }] of live) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // ESRCH: already gone.
      }
      const [file, ...args] = stopOnExit ?? [];
      if (file !== undefined) spawnSync(file, args, { env, stdio: 'ignore', timeout: 10_000 });
    }
  });
}

/** After the leader exits, how long its output pipes may stay open (held by a process that left the group). */
const PIPE_DRAIN_MS = 2000;

/**
 * A process started as the leader of a new process group, so that everything it starts can be signalled at
 * once, as a container's processes are. Its stdout and stderr reach `onLine` line by line, as a job's logs.
 * When the leader exits, what is left of its group is killed: in PAI the container ends with its command.
 */
export class GroupProcess {
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcess;
  #done = false;

  constructor(spec: ProcessSpec, onLine: (line: string) => void) {
    const [file, ...args] = spec.argv;
    if (file === undefined) throw new Error('GroupProcess: empty argv');
    this.#child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = this.#child.pid;
    if (pid !== undefined) track(pid, spec);
    const out = new LineSplitter(onLine);
    const err = new LineSplitter(onLine);
    this.#child.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    this.#child.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
    this.exited = new Promise<ProcessExit>((resolve) => {
      const finish = (exit: ProcessExit) => {
        out.end();
        err.end();
        resolve(exit);
      };
      this.#child.once('error', (error: NodeJS.ErrnoException) => {
        // 'error' without 'exit': the program could not be started.
        if (this.#child.pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null) return;
        this.#done = true;
        finish({ code: null, signal: null, startError: error.code === 'ENOENT' ? `${file}: command not found` : `${file}: ${error.message}` });
      });
      this.#child.once('exit', (code, signal) => {
        this.#done = true;
        this.#killGroup('SIGKILL');
        if (pid !== undefined) live.delete(pid);
        let settled = false;
        const settle = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          finish({ code, signal });
        };
        // 'close' follows once both pipes are drained; a process that escaped the group may hold them open.
        const timer = setTimeout(() => {
          this.#child.stdout?.destroy();
          this.#child.stderr?.destroy();
          settle();
        }, PIPE_DRAIN_MS);
        timer.unref();
        this.#child.once('close', settle);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Whether the leader is still running. */
  get running(): boolean {
    return !this.#done && this.#child.pid !== undefined;
  }

  /** Sends a signal to the whole group (the leader and everything it started). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.#killGroup(signal);
  }

  #killGroup(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}
