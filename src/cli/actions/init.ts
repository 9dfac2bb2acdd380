import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { starterConfig } from '../../core/init-template.js';
import { writeJson } from '../../ui/json.js';
import type { CommonOptions, Invocation } from '../context.js';
import { packageInfo } from '../package-info.js';

/** The JSON Schema shipped in the package (schema/job-config.schema.json), as an absolute path. */
export function shippedSchemaPath(): string {
  return join(packageInfo().root, 'schema', 'job-config.schema.json');
}

/**
 * The schema as the YAML language server reads it from the new file: relative to that file's folder, so the file
 * can be committed and works for everyone whose pai-process sits in the same place (node_modules/pai-process);
 * an absolute path would name this machine's folders.
 */
function schemaReference(file: string): string {
  const rel = relative(dirname(file), shippedSchemaPath()).split(sep).join('/');
  return rel.startsWith('../') || rel.startsWith('/') ? rel : `./${rel}`;
}

export async function initAction(opts: CommonOptions & { file: string; force?: boolean }, inv: Invocation): Promise<void> {
  const path = resolve(inv.ctx.cwd, opts.file);
  if (existsSync(path) && !opts.force) {
    throw new UsageError(`${opts.file} already exists; nothing was written`, 'Pass --force to overwrite it, or -f to write another file.');
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, starterConfig(schemaReference(path)));
  if (opts.json) writeJson(inv.io, { file: path });
  else if (opts.quiet) inv.io.out(`${path}\n`);
  else
    inv.io.err(
      `Wrote ${opts.file}. Next: edit image_uri and command, then \`pai-process validate${opts.file === 'pai-process.config.yaml' ? '' : ` -f ${opts.file}`}\`.\n`,
    );
}
