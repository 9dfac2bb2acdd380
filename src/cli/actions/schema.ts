import { jobConfigSchema } from '../../core/config/schema.js';
import type { CommonOptions, Invocation } from '../context.js';

/** The schema is itself JSON, so --json changes nothing: it is always one JSON document on stdout. */
export async function schemaAction(_opts: CommonOptions, inv: Invocation): Promise<void> {
  inv.io.out(JSON.stringify(jobConfigSchema, null, 2) + '\n');
}
