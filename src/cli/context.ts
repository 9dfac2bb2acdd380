import { homedir } from 'node:os';
import { createRuntime, type Runtime } from '../core/runtime.js';
import { createIO, type IO, type OutStream } from '../ui/io.js';

/** Everything a command may read from the outside world; tests replace any of it. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  homedir: string;
  stdout: OutStream;
  stderr: OutStream;
  now: () => Date;
  /**
   * Imports a JavaScript job config (a file URL). bin/ passes its own: the bundled CLI runs from V8's code cache,
   * where an import() of the bundle's own has no module loader to call.
   */
  importFile: (url: string) => Promise<unknown>;
  /**
   * Loads an Alibaba library (ali-oss, @alicloud/credentials, @alicloud/openapi-client, @alicloud/tea-util). bin/
   * passes its own, which runs the copies the build bundled apart with a code cache (bin/load-bundle.cjs):
   * requiring the packages costs a command some 150-300 ms before its first request. Absent: the packages.
   */
  loadLibrary?: import('../core/ports/libraries.js').LoadLibrary;
  /** Whether the ECS metadata service answers; tests answer without leaving the machine. */
  probeMetadata?: () => Promise<boolean>;
  /** Subscribes to Ctrl-C, SIGTERM and SIGHUP (a closed terminal, a dropped SSH session); returns the unsubscribe function. */
  onSignal?: (handler: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => void) => () => void;
  /** Ends the process at once (a second Ctrl-C). Only bin/ provides it, since only bin/ exits. */
  exitNow?: (code: number) => void;
  /** Asks a yes/no question on the terminal (absent: never ask). */
  confirm?: (question: string) => Promise<boolean>;
  /** After a create whose answer was lost, how long to look for the job (shortened by tests). */
  lostCreateGraceMs?: number;
  /** Network timeouts, shortened by tests. */
  timeouts?: import('../core/ports/backends.js').Timeouts;
  /** Retry timings, shortened by tests. */
  retry?: import('../core/runtime.js').RetrySettings;
  /** Follow-loop timings, shortened by tests. */
  cadence?: Partial<import('../core/follow/cadence.js').Cadence>;
}

/** The options every command takes. */
export interface CommonOptions {
  json?: boolean;
  /** Only the essential value on stdout (ids, a status); no progress or notes. */
  quiet?: boolean;
  color?: boolean;
  verbose?: boolean;
  /** --raw of `logs` and `run`: the job's log lines exactly as written (docs/security.md, "What is printed"). */
  raw?: boolean;
}

/**
 * One invocation: the context, the common options once commander has parsed them, the IO built from
 * both, and the exit code the command settled on.
 */
export class Invocation {
  exitCode = 0;
  options: CommonOptions = {};
  #io: IO | undefined;
  #runtime: Runtime | undefined;

  constructor(readonly ctx: CliContext) {}

  /** The clock, retry policy, cadence, timeouts and Ctrl-C signal of this invocation, built once from the context. */
  get runtime(): Runtime {
    const { ctx } = this;
    this.#runtime ??= createRuntime({
      date: ctx.now,
      retry: ctx.retry ?? {},
      cadence: ctx.cadence ?? {},
      timeouts: ctx.timeouts ?? {},
      ...(ctx.lostCreateGraceMs !== undefined ? { lostCreateGraceMs: ctx.lostCreateGraceMs } : {}),
    });
    return this.#runtime;
  }

  /** The terminal, with colours and verbosity as the parsed options say. */
  get io(): IO {
    this.#io ??= createIO({
      stdout: this.ctx.stdout,
      stderr: this.ctx.stderr,
      env: this.ctx.env,
      colorFlag: this.options.color !== false,
      verbose: this.options.verbose === true,
    });
    return this.#io;
  }
}

export function defaultContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
    // bin/pai-process.cjs passes its own. The bundle's one import(), allowed by the marker that follows:
    // @bundle-allows-import (scripts/bundle.mjs)
    importFile: (url) => import(url),
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const { confirm } = await import('../ui/prompt.js');
      return confirm(question, process.stdin, process.stderr);
    },
    onSignal(handler) {
      // SIGHUP as SIGTERM: without a handler Node dies at once, and a local job's workers (process groups of
      // their own) would live on, orphaned. Handled, they are stopped; a cloud job is left running, exit 130.
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, listener] of listeners) process.on(signal, listener);
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
  };
}
