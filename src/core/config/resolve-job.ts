import { realpathSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../duration.js';
import { structuredText } from './parameter-text.js';
import { DEFAULT_BASE_JOB_NAME, DEFAULT_JOB_TYPE, type ChannelLocation, type Job } from '../job.js';
import { checkChannelUri, classifyLocation } from '../uris.js';
import { jobConfigKeys } from './schema.js';

type Raw = Record<string, unknown>;

/** A problem at a key path; the caller adds the file position or the flag that set the value. */
export type Problem = { path: (string | number)[]; message: string };

/**
 * The checks a schema cannot express (machines, Lingjun, spot, local paths, channel URIs), and the
 * resolved Job. Runs on data that passed the schema, so the shapes are known.
 */
export function resolveJob(data: Raw, baseDir: string, options: { local?: boolean; home?: string | undefined } = {}): { job: Job; problems: Problem[] } {
  // A local job (`run --local`, which sets instance_type: local, or the config's own) may write its outputs to local paths.
  const local = options.local ?? data['instance_type'] === 'local';
  const problems: Problem[] = [];
  const job: Job = {
    image_uri: data['image_uri'] as string,
    command: data['command'] as string | string[],
    job_type: (data['job_type'] as string | undefined) ?? DEFAULT_JOB_TYPE,
    parameters: stringMap(data['parameters']) ?? {},
    base_job_name: (data['base_job_name'] as string | undefined) ?? DEFAULT_BASE_JOB_NAME,
    instance_count: (data['instance_count'] as number | undefined) ?? 1,
    inputs: {},
    outputs: {},
    wait: (data['wait'] as boolean | undefined) ?? true,
    show_logs: (data['show_logs'] as boolean | undefined) ?? true,
    code_upload: (data['code_upload'] as 'files' | 'archive' | undefined) ?? 'files',
  };
  copy(data, job, [
    'output_path',
    'instance_type',
    'spot_spec',
    'resource_type',
    'resource_id',
    'user_vpc_config',
    'experiment_config',
    'settings',
    'requirements',
    'description',
    'priority',
    'role_arn',
  ]);
  const environments = stringMap(data['environments']);
  if (environments) job.environments = environments;
  const labels = stringMap(data['labels']);
  if (labels) job.labels = labels;
  if (data['instance_spec']) job.instance_spec = stringMap(data['instance_spec']);
  if (data['session']) job.session = stringMap(data['session']);

  if (data['max_run_time'] !== undefined) {
    const seconds = parseDuration(data['max_run_time'] as string | number);
    if (seconds === undefined) problems.push({ path: ['max_run_time'], message: 'must be a number of seconds or a duration such as 90m or 2h30m' });
    else job.max_run_time = seconds;
  }
  if (typeof job.command === 'string' && job.command.trim() === '') problems.push({ path: ['command'], message: 'must not be empty' });

  checkMachines(job, problems);
  resolveSourceDir(data['source_dir'] as string | undefined, baseDir, job, problems, options.home ?? homedir());
  job.inputs = resolveChannels(data['inputs'], 'inputs', baseDir, problems);
  job.outputs = resolveChannels(data['outputs'], 'outputs', baseDir, problems, local);
  return { job: inSchemaOrder(job), problems };
}

// --- internal ---

function checkMachines(job: Job, problems: Problem[]): void {
  const quota = job.resource_id !== undefined;
  if (!job.instance_type && !(quota && job.instance_spec)) {
    if (quota) problems.push({ path: ['instance_spec'], message: 'is required with resource_id, unless instance_type names the machine type' });
    else
      problems.push({
        path: ['instance_type'],
        message: 'is required: name a machine type such as ecs.c6.large, or run on a quota with resource_id and instance_spec',
      });
  }
  if (job.instance_spec && !quota) problems.push({ path: ['instance_spec'], message: 'needs resource_id: an instance_spec is a share of a resource quota' });
  if (job.resource_type === 'Lingjun' && !(quota && job.instance_spec)) {
    // The API has no ResourceType field; the SDK drops it silently and the job lands on general machines.
    problems.push({
      path: ['resource_type'],
      message: 'Lingjun jobs need resource_id and instance_spec (the API has no resource type field; a Lingjun job runs on a Lingjun quota)',
    });
  }
  if (job.spot_spec) {
    if (quota && !job.instance_type)
      problems.push({ path: ['spot_spec'], message: 'applies to pay-as-you-go machines (instance_type), not to a resource quota' });
    if (job.spot_spec.spot_strategy === 'SpotAsPriceGo' && job.spot_spec.spot_discount_limit !== undefined) {
      problems.push({ path: ['spot_spec', 'spot_discount_limit'], message: 'applies only with spot_strategy SpotWithPriceLimit' });
    }
  }
}

function resolveSourceDir(value: string | undefined, baseDir: string, job: Job, problems: Problem[], home: string): void {
  if (value === undefined) return;
  const kind = classifyLocation(value);
  if (kind.kind === 'uri' && kind.scheme === 'oss') {
    const bad = checkChannelUri(value, 'oss');
    if (bad) problems.push({ path: ['source_dir'], message: bad });
    job.source_dir = value;
    return;
  }
  if (kind.kind !== 'path') {
    problems.push({ path: ['source_dir'], message: `must be a local folder or an oss:// URI, not a ${kind.scheme}:// URI` });
    return;
  }
  const abs = absolute(value, baseDir);
  const stat = safeStat(abs);
  if (stat === 'loop') problems.push({ path: ['source_dir'], message: `is a symbolic link loop: ${abs}` });
  else if (!stat) problems.push({ path: ['source_dir'], message: `folder not found: ${abs}` });
  else if (!stat.isDirectory()) problems.push({ path: ['source_dir'], message: `is not a folder: ${abs}` });
  else {
    const tooWide = wholeTree(abs, home);
    if (tooWide)
      problems.push({
        path: ['source_dir'],
        message: `is ${abs}, ${tooWide}: all of it would be uploaded (keys, shell history, other projects); point source_dir at the project's own folder`,
      });
  }
  job.source_dir = abs;
}

function resolveChannels(value: unknown, key: 'inputs' | 'outputs', baseDir: string, problems: Problem[], local = false): Record<string, ChannelLocation> {
  const out: Record<string, ChannelLocation> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [name, loc] of Object.entries(value as Raw)) {
    const path = [key, name];
    if (typeof loc !== 'string') {
      out[name] = checkStructured(loc as Raw, path, problems);
      continue;
    }
    const kind = classifyLocation(loc);
    if (kind.kind === 'uri') {
      const bad = checkChannelUri(loc, kind.scheme);
      if (bad) problems.push({ path, message: bad });
      out[name] = loc;
    } else if (kind.kind === 'unsupported-uri') {
      problems.push({ path, message: `${kind.scheme}:// is not a storage PAI can mount; use oss://, nas://, cpfs://, bmcpfs:// or odps://` });
      out[name] = loc;
    } else if (key === 'outputs' && local) {
      out[name] = absolute(loc, baseDir);
    } else if (key === 'outputs') {
      problems.push({
        path,
        message: `"${loc}" is a local path; a cloud job writes its outputs to oss://, nas://, cpfs://, bmcpfs:// or odps:// (a local path works with run --local)`,
      });
      out[name] = loc;
    } else {
      const abs = absolute(loc, baseDir);
      const stat = safeStat(abs);
      if (stat === 'loop') problems.push({ path, message: `is a symbolic link loop: ${abs}` });
      else if (!stat) problems.push({ path, message: `local input not found: ${abs}` });
      out[name] = abs;
    }
  }
  return out;
}

function checkStructured(loc: Raw, path: (string | number)[], problems: Problem[]): ChannelLocation {
  const dataset = typeof loc['dataset_id'] === 'string';
  const fs = typeof loc['file_system_id'] === 'string';
  if (dataset === fs) {
    problems.push({ path, message: 'must name either a dataset (dataset_id) or a file system (file_system_id)' });
  } else if (dataset && loc['directory_path'] !== undefined) {
    problems.push({ path: [...path, 'directory_path'], message: 'belongs to a file system (file_system_id), not a dataset' });
  } else if (fs && loc['version_name'] !== undefined) {
    problems.push({ path: [...path, 'version_name'], message: 'belongs to a dataset (dataset_id), not a file system' });
  }
  return loc as unknown as ChannelLocation;
}

/** Keys in the order the schema (and `pai-process init`) lists them, so every view of a job reads alike. */
function inSchemaOrder(job: Job): Job {
  const entries = Object.entries(job).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => jobConfigKeys.indexOf(a) - jobConfigKeys.indexOf(b));
  return Object.fromEntries(entries) as unknown as Job;
}

/** Whether a code folder is the file system's root or the home folder (after links), and which; else undefined. */
function wholeTree(abs: string, home: string): string | undefined {
  const real = realOrSelf(abs);
  if (real === '/') return 'the root of the file system';
  if (home !== '' && real === realOrSelf(resolve(home))) return 'your home folder';
  return undefined;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** stat, with a missing path as undefined and a link loop named rather than thrown. */
function safeStat(path: string): Stats | 'loop' | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return 'loop';
    throw error;
  }
}

function absolute(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Scalars as text: YAML numbers already kept their text; values from a .js config are stringified. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const out: Record<string, string> = {};
  // A list or map (a .js config's, or one the YAML did not carry as text) as JSON text: see parameter-text.ts.
  for (const [k, v] of Object.entries(value as Raw)) out[k] = typeof v === 'object' && v !== null ? structuredText(v) : String(v);
  return out;
}

function copy(from: Raw, to: Job, keys: (keyof Job)[]): void {
  for (const key of keys) {
    if (from[key] !== undefined) (to as unknown as Raw)[key] = from[key];
  }
}
