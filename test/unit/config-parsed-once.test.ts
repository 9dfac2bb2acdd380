import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { project } from '../helpers/run-cli.js';

/**
 * Config discovery (src/core/config/find.ts) reads each file it meets once, and parses it once: the YAML parser is
 * counted here, per text, while the search passes over a package.json without a `pai-process` key and stops at the
 * job config, and while loadJob then validates and resolves that config.
 */
const parsed: string[] = [];
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  const parseDocument = ((text: string, ...rest: unknown[]) => {
    parsed.push(text);
    return (yaml.parseDocument as (...args: unknown[]) => unknown)(text, ...rest);
  }) as typeof yaml.parseDocument;
  return { ...yaml, parseDocument };
});

const { findJobConfig } = await import('../../src/core/config/find.js');
const { loadJob } = await import('../../src/core/config/load-job.js');

const PACKAGE_JSON = '{ "name": "app", "version": "1.0.0" }\n';
const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsession:\n  region_id: cn-hangzhou\n';
const importFile = (): Promise<unknown> => Promise.reject(new Error('no JavaScript config here'));

beforeEach(() => {
  parsed.length = 0;
});

describe('config discovery parses each file once', () => {
  it('the search: a package.json passed over, then the job config', async () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'app/job.yaml': JOB });
    const lookup = await findJobConfig({ file: undefined, cwd: join(root, 'app'), homedir: undefined, importFile });
    expect(lookup.source?.file).toBe(join(root, 'app', 'job.yaml'));
    expect(parsed.sort()).toEqual([JOB, PACKAGE_JSON].sort());
  });

  it('loadJob: found, validated and resolved on one parse', async () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'job.yaml': JOB });
    const loaded = await loadJob({ file: undefined, cwd: root, homedir: undefined, env: {}, overrides: [], importFile });
    expect(loaded.job.image_uri).toBe('python:3.11');
    expect(loaded.originOf('instance_type')).toBe(`${join(root, 'job.yaml')}:3`);
    expect(parsed.sort()).toEqual([JOB, PACKAGE_JSON].sort());
  });

  it('-f: the named file alone, once', async () => {
    const root = project({ 'package.json': PACKAGE_JSON, 'jobs/train.yaml': JOB });
    await loadJob({ file: 'jobs/train.yaml', cwd: root, homedir: undefined, env: {}, overrides: [], importFile });
    expect(parsed).toEqual([JOB]);
  });
});
