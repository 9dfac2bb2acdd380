/**
 * The errors core and the adapters share: an adapter (src/cloud/) throws these, core decides on them (retry,
 * exit code, hint). Every other error type of core lives in src/core/errors.ts, which re-exports these.
 */
import { ExitCode } from '../exit-codes.js';

/** The service's answer behind an error: its code, its request id and the call (shown as fields with --json). */
export interface ServiceAnswer {
  code: string;
  requestId?: string | undefined;
  action?: string | undefined;
}

/**
 * An error the user can act on: it carries its exit code and a line that says how to fix it.
 * Anything thrown that is not a CliError is a bug (exit 70) and shows its stack only with --verbose.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** The service answer this error came from, when one did (a support ticket asks for the request id). */
  answer: ServiceAnswer | undefined;

  constructor(message: string, exitCode: ExitCode, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }

  /** Records the service answer behind this error; returns the error, for `throw new X(...).from(answer)`. */
  from(answer: ServiceAnswer | undefined): this {
    this.answer = answer;
    return this;
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/**
 * A job, workspace or bucket that does not exist (or not where the session looks: another region, another
 * workspace). Exit 2: the request named the wrong thing, and the hint says how to find the right one.
 */
export class NotFoundError extends CliError {
  readonly kind: 'job' | 'workspace' | 'bucket';
  readonly subject: string;

  constructor(kind: 'job' | 'workspace' | 'bucket', subject: string, message: string, hint: string) {
    super(message, ExitCode.usage, hint);
    this.kind = kind;
    this.subject = subject;
  }
}

/** No credentials, or credentials the service refused or that expired (exit 4). */
export class CredentialsError extends CliError {
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[], hint?: string) {
    super(message, ExitCode.credentials, hint);
    this.details = details;
  }
}

/** The service or storage could not be reached, or kept failing after retries (exit 5). */
export class ServiceError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.service, hint);
  }
}

/**
 * A PAI or OSS call that failed with an answer (or without one). `retryable` says whether trying again can
 * help: throttling, 5xx and network failures can; a 4xx that names a bad request cannot.
 */
export class ApiError extends CliError {
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  /** True when the request may have reached the service (a reset or timeout after sending). */
  readonly ambiguous: boolean;
  /** The call that failed: CreateTrainingJob, HeadObject oss://b/k, ... */
  readonly action: string | undefined;
  /** How long the service asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  /** The service said the thing addressed does not exist (the adapter decides, e.g. src/cloud/errors.ts isNotFound). */
  readonly notFound: boolean;

  constructor(
    message: string,
    details: {
      code: string;
      status?: number;
      requestId?: string;
      retryable: boolean;
      ambiguous?: boolean;
      hint?: string;
      action?: string;
      retryAfterMs?: number;
      notFound?: boolean;
    },
  ) {
    super(message, ExitCode.service, details.hint);
    this.action = details.action;
    this.retryAfterMs = details.retryAfterMs;
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.retryable = details.retryable;
    this.ambiguous = details.ambiguous ?? false;
    this.notFound = details.notFound ?? false;
    this.answer = { code: details.code, requestId: details.requestId, action: details.action };
  }
}

/** Ctrl-C or SIGTERM: stop now, the job keeps running (exit 130). */
export class InterruptedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.interrupted, hint);
  }
}
