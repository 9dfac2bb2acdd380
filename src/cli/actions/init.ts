import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.js';
import { starterConfig } from '../../core/init-template.js';
import { writeJson } from '../../ui/json.js';
import type { CommonOptions, Invocation } from '../context.js';

/** The JSON Schema shipped in the package (schema/job-config.schema.json), as an absolute path. */
export function shippedSchemaPath(): string {
  return fileURLToPath(new URL('../../../schema/job-config.schema.json', import.meta.url));
}

export async function initAction(opts: CommonOptions & { file: string; force?: boolean }, inv: Invocation): Promise<void> {
  const path = resolve(inv.ctx.cwd, opts.file);
  if (existsSync(path) && !opts.force) {
    throw new UsageError(`${opts.file} already exists; nothing was written`, 'Pass --force to overwrite it, or -f to write another file.');
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, starterConfig(shippedSchemaPath()));
  if (opts.json) writeJson(inv.io, { file: path });
  else inv.io.err(`Wrote ${opts.file}. Next: edit image_uri and command, then \`pai-process validate${opts.file === 'pai-process.config.yaml' ? '' : ` -f ${opts.file}`}\`.\n`);
}
