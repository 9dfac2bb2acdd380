import type { Job } from '../core/job.js';
import type { ChalkInstance } from 'chalk';
import { visible } from './sanitize.js';
import { columns } from './table.js';

/** Maps shown one entry per line (`parameters.lr`), so each entry's origin can be shown. */
const EXPANDED = new Set([
  'parameters',
  'environments',
  'labels',
  'inputs',
  'outputs',
  'settings',
  'spot_spec',
  'user_vpc_config',
  'experiment_config',
  'instance_spec',
  'session',
]);

/**
 * The resolved job, one key per line with where its value came from (`job.yaml:3`, `--image`, `default`). Keys,
 * values and origins come from a file: each is made visible (src/ui/sanitize.ts).
 */
export function renderJob(job: Job, originOf: (key: string) => string, style: ChalkInstance): string {
  const rows: string[][] = [];
  for (const [key, value] of Object.entries(job)) {
    if (value === undefined) continue;
    if (EXPANDED.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      for (const [sub, v] of entries)
        rows.push([visible(`${key}.${sub}`), show(v), style.dim(visible(originOf(`${key}.${sub}`) === 'default' ? originOf(key) : originOf(`${key}.${sub}`)))]);
    } else {
      rows.push([key, show(value), style.dim(visible(originOf(key)))]);
    }
  }
  return columns(rows);
}

function show(value: unknown): string {
  // JSON.stringify escapes C0 controls but leaves DEL and C1 as they are.
  return visible(typeof value === 'string' ? value : JSON.stringify(value));
}
