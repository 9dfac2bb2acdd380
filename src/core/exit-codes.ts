/**
 * The exit codes of docs/exit-codes.md: one table for every command, cloud and local alike.
 * Scripts depend on these numbers; never renumber one.
 */
export const ExitCode = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  jobStopped: 3,
  credentials: 4,
  service: 5,
  timeout: 6,
  internal: 70,
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
