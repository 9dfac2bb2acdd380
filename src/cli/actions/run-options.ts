import type { CommonOptions } from '../context.js';
import type { SessionFlagValues } from '../flags.js';
import type { JobFlagValues } from './job-overrides.js';

/** The parsed flags of `run`: its own module, so that run.ts and run-local.ts both use it without importing each other. */
export type RunOptions = JobFlagValues &
  SessionFlagValues &
  CommonOptions & { dryRun?: boolean; detach?: boolean; timeout?: string; stopOnInterrupt?: boolean; maxCodeSize?: string; download?: string } & LocalFlags;

/** The flags of `run --local` (docs/local.md). */
export interface LocalFlags {
  local?: boolean;
  localRuntime?: string;
  installRequirements?: boolean;
  passEnv?: string[];
}
