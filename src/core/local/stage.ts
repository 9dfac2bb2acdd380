import { chmod, copyFile, cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ObjectStore } from '../ports/backends.js';
import { ConfigError, InterruptedError } from '../errors.js';
import type { NameOf } from '../option-names.js';
import { parseOssUri } from '../uris.js';
import type { Emit } from '../events.js';
import { prepareCode } from '../package-code.js';
import { unpackArchive } from '../packaging/index.js';
import { packagedEvent } from '../upload-code.js';
import { asDir, hyperparametersFile } from './contract.js';
import type { RunLayout } from './layout.js';
import { downloadLocation } from './oss-transfer.js';
import type { LocalJobSpec } from './spec.js';

/** An input channel as the job finds it. */
export interface StagedInput {
  channel: string;
  /** PAI_INPUT_<CHANNEL> on this machine: the channel's folder (ending in "/"), or the file of a single-file input. */
  path: string;
  /** The file's name, for a single-file input. */
  file?: string;
  /** What a container binds, read-only: the original folder or file (or the downloaded copy). */
  source: string;
}

export interface Staged {
  inputs: StagedInput[];
  /** Each output channel's folder. */
  outputs: Record<string, string>;
}

export interface StageDeps {
  /** Present when oss:// locations can be read. */
  store?: ObjectStore;
  signal: AbortSignal;
  /** The code-size limit the cloud upload would apply. */
  maxCodeSize?: number;
  /** False: an oss:// .tar.gz code location lands in usercode/ as the file itself (default: unpacked). */
  unpackCodeArchive?: boolean;
  /** How the user gives a setting a message names (the region, the code-size limit). */
  nameOf: NameOf;
}

/**
 * Fills the run folder as PAI fills /ml/: usercode/ holds the files the cloud upload would send (the same
 * selection and ignore rules, one file per object, links as the files they point at), input/config/hyperparameters.json, input/data/<channel>/, and an empty output/<channel>/.
 */
export async function stageJob(spec: LocalJobSpec, layout: RunLayout, deps: StageDeps, emit: Emit): Promise<Staged> {
  const checkpoint = () => {
    if (deps.signal.aborted) throw new InterruptedError('Interrupted');
  };
  await mkdir(layout.usercode, { recursive: true });
  await mkdir(layout.config, { recursive: true });
  await mkdir(layout.data, { recursive: true });
  await mkdir(layout.output, { recursive: true });
  if (spec.code !== undefined) await stageCode(spec.code, layout, deps, emit, spec.inputs);
  checkpoint();
  await writeFile(join(layout.config, 'hyperparameters.json'), hyperparametersFile(spec.parameters));

  const inputs: StagedInput[] = [];
  for (const [channel, location] of Object.entries(spec.inputs)) {
    checkpoint();
    const folder = join(layout.data, channel);
    if (/^oss:\/\//i.test(location)) {
      const got = await downloadLocation(needStore(deps, `inputs.${channel}`, location), location, folder, `inputs.${channel}`);
      inputs.push(got.file ? { channel, path: got.path, file: basename(got.path), source: got.path } : { channel, path: asDir(folder), source: folder });
    } else {
      inputs.push(await copyInput(channel, location, folder));
    }
  }

  const outputs: Record<string, string> = {};
  for (const channel of Object.keys(spec.outputs)) {
    outputs[channel] = join(layout.output, channel);
    await mkdir(outputs[channel], { recursive: true });
  }
  return { inputs, outputs };
}

/**
 * The code: a local folder is copied file by file, exactly the objects a cloud upload would put under the
 * code prefix; oss:// is a prefix (laid out as it is) or a .tar.gz, unpacked unless the spec says to keep it
 * as the file (`unpackCodeArchive: false`, what a service that does not unpack would give the job).
 */
async function stageCode(code: string, layout: RunLayout, deps: StageDeps, emit: Emit, inputs: Record<string, string> = {}): Promise<void> {
  const archive = join(layout.root, 'source.tar.gz');
  try {
    if (!/^oss:\/\//i.test(code)) {
      const prepared = await prepareCode(
        code,
        'files',
        layout.root,
        { maxBytes: deps.maxCodeSize, nameOf: deps.nameOf },
        { warning: (message) => emit({ type: 'warning', message }) },
        inputs,
      );
      for (const f of prepared.tree!.files) {
        const to = join(layout.usercode, ...f.path.split('/'));
        await mkdir(dirname(to), { recursive: true });
        await copyFile(f.abs, to);
        await chmod(to, f.executable ? 0o755 : 0o644);
      }
      emit(packagedEvent(prepared, layout.usercode));
      return;
    }
    const store = needStore(deps, 'source_dir', code);
    if (/\.(tar\.gz|tgz)$/i.test(code) && deps.unpackCodeArchive !== false) {
      const { bucket, key } = splitOss(code);
      await store.getFile(bucket, key, archive);
      await unpackArchive(archive, layout.usercode);
    } else {
      // A kept archive is one object (usercode/source.tar.gz); anything else is read as a prefix.
      const asFile = /\.(tar\.gz|tgz)$/i.test(code);
      await downloadLocation(store, asFile || code.endsWith('/') ? code : `${code}/`, layout.usercode, 'source_dir');
    }
  } finally {
    await rm(archive, { force: true });
  }
}

/**
 * A local input, copied: a folder becomes input/data/<channel>, a file input/data/<channel>/<file>. PAI
 * downloads inputs into the container, so what the job writes there never reaches the source; a link would
 * let it write into the user's data. The copy costs time and disk for large inputs (docs/local.md); the Docker
 * runtime binds the original read-only instead and does not read this copy.
 */
async function copyInput(channel: string, source: string, folder: string): Promise<StagedInput> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new ConfigError(`inputs.${channel}: local input not found: ${source}`, []);
  if (info.isDirectory()) {
    // dereference: a link inside the input is copied as what it points at, so it cannot lead back to the source.
    await cp(source, folder, { recursive: true, dereference: true });
    return { channel, path: asDir(folder), source };
  }
  const file = basename(source);
  await mkdir(folder, { recursive: true });
  await copyFile(source, join(folder, file));
  return { channel, path: join(folder, file), file, source };
}

function needStore(deps: StageDeps, label: string, uri: string): ObjectStore {
  if (deps.store) return deps.store;
  throw new ConfigError(
    `${label} is ${uri}, and there is no OSS session to download it with; nothing was run`,
    [],
    `Set a region (${deps.nameOf('session.region_id')} or PAI_REGION_ID) and credentials (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or use a local path.`,
  );
}

function splitOss(uri: string): { bucket: string; key: string } {
  const parsed = parseOssUri(uri);
  if (!parsed) throw new ConfigError(`"${uri}" is not an OSS URI`, [], 'Write oss://<bucket>/<path>.');
  return parsed;
}
