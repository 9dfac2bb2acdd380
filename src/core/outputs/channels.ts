import type { TrainingJob } from '../ports/backends.js';
import { classifyLocation, parseOssUri } from '../uris.js';

/** One output channel of a job, and whether `--download` can copy it. */
export interface OutputChannel {
  name: string;
  /** OutputUri as GetTrainingJob answers it (absent for a channel that names only a dataset). */
  uri?: string;
  datasetId?: string;
  /** `oss`, `nas`, `cpfs`, ... from the URI; `dataset` without one. */
  kind: string;
  /** Set for an OSS channel: where its objects are. The prefix always ends in `/` (or is empty: the whole bucket). */
  oss?: { bucket: string; prefix: string };
  /** Why the channel is not downloaded, for the ones that are not OSS. */
  note?: string;
}

/**
 * The job's output channels as GetTrainingJob describes them (OutputChannels: Name, OutputUri, DatasetId in the
 * official PaiStudio model). Only OSS channels can be copied to this machine; the others (NAS, CPFS, a dataset
 * id) are listed with a note saying so.
 */
export function outputChannels(job: Pick<TrainingJob, 'outputs'>): OutputChannel[] {
  return job.outputs.map((o) => {
    const base = { name: o.name, ...(o.uri ? { uri: o.uri } : {}), ...(o.datasetId ? { datasetId: o.datasetId } : {}) };
    if (!o.uri) return { ...base, kind: 'dataset', note: `a dataset (${o.datasetId ?? 'no id'}), not a storage URI: not downloaded` };
    const location = classifyLocation(o.uri);
    const scheme = location.kind === 'path' ? 'path' : location.scheme;
    if (scheme !== 'oss') return { ...base, kind: scheme, note: `${scheme} storage is reachable only from inside PAI: not downloaded` };
    const parsed = parseOssUri(o.uri);
    if (!parsed) return { ...base, kind: 'oss', note: 'not an OSS URI this tool can read: not downloaded' };
    // The SDK writes output URIs as folders (as_oss_dir_uri): `oss://b/p` is the folder p/, never p2/ beside it.
    const prefix = parsed.key === '' || parsed.key.endsWith('/') ? parsed.key : `${parsed.key}/`;
    return { ...base, kind: 'oss', oss: { bucket: parsed.bucket, prefix } };
  });
}

/** The channels `--channel NAME` selects (all without it); an unknown name is a usage error the caller raises. */
export function selectChannels(channels: OutputChannel[], name: string | undefined): OutputChannel[] | undefined {
  if (name === undefined) return channels;
  const found = channels.filter((c) => c.name === name);
  return found.length > 0 ? found : undefined;
}
