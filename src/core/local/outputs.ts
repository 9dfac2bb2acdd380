import { cp, mkdir, stat } from 'node:fs/promises';
import type { ObjectStore } from '../ports/backends.js';
import { CliError, ConfigError, ServiceError } from '../errors.js';
import type { Emit } from '../events.js';
import { asDirUri } from '../uris.js';
import { asDir } from './contract.js';
import { uploadFolder } from './oss-transfer.js';

/** Where one output channel ended up, for the summary. */
export interface DeliveredOutput {
  name: string;
  uri: string;
}

/**
 * Checks, before anything runs, that every local output path can take a folder, so that a typo is a config
 * error (exit 2) and not a failure after the job has done its work.
 */
export async function checkOutputPaths(outputs: Readonly<Record<string, string>>): Promise<void> {
  const problems = [];
  for (const [name, location] of Object.entries(outputs)) {
    if (/^oss:\/\//i.test(location)) continue;
    const info = await stat(location).catch(() => undefined);
    if (info && !info.isDirectory()) problems.push({ path: `outputs.${name}`, message: `${location} is a file; an output channel is copied into a folder` });
  }
  if (problems.length > 0) throw new ConfigError('An output cannot be delivered; nothing was run', problems);
}

/**
 * Copies each output channel's folder to its local path or uploads it to its oss:// URI. A channel whose
 * oss:// URI cannot be reached from here (no session) stays in its run folder. Returns where each one is.
 */
export async function deliverOutputs(
  outputs: Readonly<Record<string, string>>,
  folders: Readonly<Record<string, string>>,
  deps: { store?: ObjectStore },
  emit: Emit,
): Promise<DeliveredOutput[]> {
  const delivered: DeliveredOutput[] = [];
  for (const [name, location] of Object.entries(outputs)) {
    const folder = folders[name]!;
    try {
      if (!/^oss:\/\//i.test(location)) {
        await mkdir(location, { recursive: true });
        await cp(folder, location, { recursive: true, force: true });
        delivered.push({ name, uri: asDir(location) });
      } else if (deps.store) {
        await uploadFolder(deps.store, folder, location, `outputs.${name}`);
        emit({ type: 'uploaded', uri: asDirUri(location), done: true });
        delivered.push({ name, uri: asDirUri(location) });
      } else {
        delivered.push({ name, uri: asDir(folder) });
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const exitCode = error instanceof CliError ? error.exitCode : undefined;
      const message = `The job succeeded, but outputs.${name} could not be delivered to ${location}: ${why}`;
      const hint = `Its files are in ${asDir(folder)}.`;
      throw exitCode !== undefined && exitCode !== 5 ? new CliError(message, exitCode, hint) : new ServiceError(message, hint);
    }
  }
  return delivered;
}
