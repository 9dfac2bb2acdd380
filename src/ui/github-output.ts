import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { RunEvent } from '../core/events.js';
import type { Reporter } from './run-reporter.js';

/**
 * Under GitHub Actions, the step outputs `job-id`, `url` (once the job exists) and `status` (each time it is known:
 * submitted, ended, timed out, interrupted) appended to $GITHUB_OUTPUT, so a later step reads
 * `steps.<id>.outputs.job-id`. The last value written wins, as the runner reads the file. The exit code is the
 * process's own, which the step (action.yml) records itself. Values are written with a random delimiter, as the
 * runner's toolkit does, so no value can inject another output.
 */
export function withGitHubOutput(inner: Reporter, env: Readonly<Record<string, string | undefined>>): Reporter {
  const file = env['GITHUB_OUTPUT'];
  if (env['GITHUB_ACTIONS'] !== 'true' || !file) return inner;
  const set = (values: Record<string, string | undefined>) => {
    let text = '';
    for (const [name, value] of Object.entries(values)) if (value !== undefined) text += outputEntry(name, value);
    if (text) appendFileSync(file, text);
  };
  const emit = (event: RunEvent): void => {
    inner.emit(event);
    switch (event.type) {
      case 'submitted':
        set({ 'job-id': event.jobId, url: event.url ?? undefined, status: event.detail.status });
        return;
      case 'result':
        set({ 'job-id': event.jobId, url: event.url ?? undefined, status: event.status });
        return;
      case 'timed-out':
        set({ status: event.status });
        return;
      case 'interrupted':
        set({ 'job-id': event.jobId, status: event.status ?? undefined });
        return;
      default:
        return;
    }
  };
  return { ...inner, emit };
}

/** `name<<DELIM\nvalue\nDELIM\n`: the file command format that holds any value, newlines included. */
export function outputEntry(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}
