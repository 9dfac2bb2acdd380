import type { Diagnostic } from '../diagnostics.js';
import { ConfigError } from '../errors.js';
import type { NameOf } from '../option-names.js';
import type { ChannelLocation, Job } from '../job.js';
import { classifyLocation } from '../uris.js';
import { envName } from './contract.js';

/**
 * What the local runner needs to know of a job. The CLI makes one from a validated Job; the emulator's
 * executed mode makes one from a CreateTrainingJob body. Locations are absolute local paths or oss:// URIs.
 */
export interface LocalJobSpec {
  /** The job name (`<base>_<YYYYmmdd_HHMMSS>`), also the id the reporters show. */
  name: string;
  image: string;
  /** A string runs through `sh -c`; a list is the argv itself. */
  command: string | string[];
  /** A local folder (packaged like the cloud's upload), or an oss:// URI of an archive or a prefix. */
  code?: string;
  parameters: Record<string, string>;
  environments: Record<string, string>;
  /** Extra pip requirements (`requirements` in the config, `PythonRequirements` on the wire). */
  requirements: string[];
  instanceCount: number;
  /** Seconds. */
  maxRunTime?: number;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

/**
 * The local spec of a validated job, or a ConfigError naming every channel this machine cannot provide:
 * datasets and NAS/CPFS/MaxCompute storage exist only inside PAI. `nameOf` words how the user overrides a channel.
 */
export function localJobSpec(job: Job, name: string, nameOf: NameOf): LocalJobSpec {
  const problems: Diagnostic[] = [];
  const channels = (key: 'inputs' | 'outputs'): Record<string, string> => {
    const out: Record<string, string> = {};
    const seen = new Map<string, string>();
    for (const [channel, loc] of Object.entries(job[key])) {
      const problem = unsupported(loc);
      if (problem) problems.push({ path: `${key}.${channel}`, message: problem });
      else out[channel] = loc as string;
      // Two channels that give one variable name would silently share PAI_INPUT_X.
      const variable = envName(channel);
      const other = seen.get(variable);
      if (other !== undefined)
        problems.push({
          path: `${key}.${channel}`,
          message: `gives the same variable as ${key}.${other} (PAI_${key === 'inputs' ? 'INPUT' : 'OUTPUT'}_${variable}); rename one of them`,
        });
      seen.set(variable, channel);
    }
    return out;
  };
  const spec: LocalJobSpec = {
    name,
    image: job.image_uri,
    command: typeof job.command === 'string' ? job.command : [...job.command],
    parameters: { ...job.parameters },
    environments: { ...job.environments },
    requirements: [...(job.requirements ?? [])],
    instanceCount: job.instance_count,
    inputs: channels('inputs'),
    outputs: channels('outputs'),
  };
  if (job.source_dir !== undefined) spec.code = job.source_dir;
  if (job.max_run_time !== undefined) spec.maxRunTime = job.max_run_time;
  if (Array.isArray(job.command) && job.command.length === 0) problems.push({ path: 'command', message: 'must not be empty' });
  if (problems.length > 0) {
    throw new ConfigError(
      `This job cannot run on this machine (${problems.length === 1 ? 'a problem' : `${problems.length} problems`}); nothing was run`,
      problems,
      `Locally, inputs are local paths or oss:// URIs, and outputs local paths or oss:// URIs. Override one with ${nameOf('inputs')} NAME=PATH or ${nameOf('outputs')} NAME=PATH.`,
    );
  }
  return spec;
}

/** The oss:// locations of a spec, by what they are for: the code and inputs must be downloaded before the job runs. */
export function ossLocations(spec: LocalJobSpec): { downloads: string[]; uploads: string[] } {
  const isOss = (loc: string) => /^oss:\/\//i.test(loc);
  const downloads = Object.entries(spec.inputs)
    .filter(([, loc]) => isOss(loc))
    .map(([name]) => `inputs.${name}`);
  if (spec.code !== undefined && isOss(spec.code)) downloads.unshift('source_dir');
  const uploads = Object.entries(spec.outputs)
    .filter(([, loc]) => isOss(loc))
    .map(([name]) => `outputs.${name}`);
  return { downloads, uploads };
}

function unsupported(loc: ChannelLocation): string | undefined {
  if (typeof loc !== 'string') {
    return 'dataset_id' in loc
      ? `dataset ${loc.dataset_id} is mounted by PAI only; a local run needs a local path or an oss:// URI`
      : `file system ${loc.file_system_id} is mounted by PAI only; a local run needs a local path or an oss:// URI`;
  }
  const kind = classifyLocation(loc);
  if (kind.kind === 'path' || (kind.kind === 'uri' && kind.scheme === 'oss')) return undefined;
  return `${kind.scheme}:// storage is mounted by PAI only; a local run needs a local path or an oss:// URI`;
}
