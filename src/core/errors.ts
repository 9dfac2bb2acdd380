import { CliError } from './ports/errors.js';
import type { Diagnostic } from './diagnostics.js';
import { ExitCode } from './exit-codes.js';

export { ApiError, CliError, CredentialsError, InterruptedError, NotFoundError, ServiceError, UsageError, type ServiceAnswer } from './ports/errors.js';

/** A job config or session that cannot be used; every problem is listed at once (exit 2). */
export class ConfigError extends CliError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(message: string, diagnostics: readonly Diagnostic[], hint?: string) {
    super(message, ExitCode.usage, hint);
    this.diagnostics = diagnostics;
  }
}
