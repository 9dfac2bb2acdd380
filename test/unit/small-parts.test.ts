import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/core/config/interpolate.js';
import { parseSetFlag } from '../../src/cli/actions/job-overrides.js';
import type { Problem } from '../../src/core/config/resolve-job.js';
import { didYouMean, formatPath } from '../../src/core/diagnostics.js';
import { parseDuration } from '../../src/core/duration.js';
import { jobName, plainText } from '../../src/core/request/job-name.js';
import { asDirUri, classifyLocation, parseOssUri } from '../../src/core/uris.js';
import { UsageError } from '../../src/core/errors.js';

describe('interpolate', () => {
  const run = (value: unknown, env: Record<string, string | undefined>) => {
    const problems: Problem[] = [];
    return { value: interpolate(value, env, problems), problems };
  };

  it('replaces references in nested strings and leaves other values alone', () => {
    const { value, problems } = run({ a: '${X}-${Y:-d}', b: [1, '${X}'], c: true }, { X: 'x' });
    expect(value).toEqual({ a: 'x-d', b: [1, 'x'], c: true });
    expect(problems).toEqual([]);
  });

  it('uses the default for a variable set but empty, and keeps an empty value without a default', () => {
    expect(run('${E:-d}', { E: '' }).value).toBe('d');
    expect(run('[${E}]', { E: '' }).value).toBe('[]');
  });

  it('reports an unset variable, a bad name and an unclosed reference at their paths', () => {
    const { problems } = run({ a: { b: '${MISSING}' }, c: '${1X}', d: 'x ${oops' }, {});
    expect(problems.map((p) => [p.path.join('.'), p.message.split(' (')[0]])).toEqual([
      ['a.b', 'environment variable MISSING is not set'],
      ['c', '"${1X}" is not a variable reference: write ${NAME} or ${NAME:-default}'],
      ['d', '"${" is not closed: write ${NAME}, or $${ for a literal "${"'],
    ]);
  });
});

describe('parseSetFlag', () => {
  it('reads values as YAML, except in maps whose values stay text', () => {
    expect(parseSetFlag('instance_count=2')).toEqual({ path: ['instance_count'], value: 2, origin: '--set instance_count' });
    expect(parseSetFlag('requirements=[a, b]').value).toEqual(['a', 'b']);
    expect(parseSetFlag('wait=false').value).toBe(false);
    expect(parseSetFlag('parameters.lr=1.0').value).toBe('1.0');
    expect(parseSetFlag('environments.X=a=b').value).toBe('a=b');
    expect(parseSetFlag('command=').value).toBe('');
  });

  it('refuses text that is not a dotted key assignment', () => {
    expect(() => parseSetFlag('novalue')).toThrow(UsageError);
    expect(() => parseSetFlag('a..b=1')).toThrow(/not a dotted key path/);
  });
});

describe('didYouMean', () => {
  it('suggests close keys only', () => {
    expect(didYouMean('imag_uri', ['image_uri', 'command'])).toBe('image_uri');
    expect(didYouMean('comand', ['image_uri', 'command'])).toBe('command');
    expect(didYouMean('instnace_type', ['instance_type', 'instance_count'])).toBe('instance_type');
    expect(didYouMean('zzz', ['image_uri', 'command'])).toBeUndefined();
  });
});

describe('formatPath', () => {
  it('dots simple keys and quotes the rest', () => {
    expect(formatPath(['inputs', 'train'])).toBe('inputs.train');
    expect(formatPath(['inputs', 'my data'])).toBe('inputs["my data"]');
    expect(formatPath(['command', 0])).toBe('command[0]');
  });
});

describe('parseDuration', () => {
  it.each([
    ['3600', 3600],
    [3600, 3600],
    ['90m', 5400],
    ['2h30m', 9000],
    ['1d', 86400],
    ['45s', 45],
  ])('%j is %d seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '0', 0, '1.5h', 'h', '1 hour', -5, 2.5])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('job names', () => {
  it('are {base}_{YYYYmmdd_HHMMSS} in local time', () => {
    expect(jobName('processor', new Date(2025, 0, 1, 12, 0, 0))).toBe('processor_20250101_120000');
    expect(jobName('etl.v2', new Date(2026, 10, 9, 7, 5, 3))).toBe('etl.v2_20261109_070503');
    expect(plainText('etl.v2-x_1')).toBe('etl_v2_x_1');
  });
});

describe('locations', () => {
  it('tells URIs from paths', () => {
    expect(classifyLocation('oss://b/k')).toEqual({ kind: 'uri', scheme: 'oss' });
    expect(classifyLocation('NAS://x.cn-hangzhou/')).toEqual({ kind: 'uri', scheme: 'nas' });
    expect(classifyLocation('s3://b/k')).toEqual({ kind: 'unsupported-uri', scheme: 's3' });
    expect(classifyLocation('./data')).toEqual({ kind: 'path' });
    expect(classifyLocation('C:\\data')).toEqual({ kind: 'path' });
  });

  it('parses OSS URIs with and without an endpoint', () => {
    expect(parseOssUri('oss://bkt/a/b.txt')).toEqual({ bucket: 'bkt', endpoint: undefined, key: 'a/b.txt' });
    expect(parseOssUri('oss://bkt.oss-cn-beijing.aliyuncs.com/a/')).toEqual({ bucket: 'bkt', endpoint: 'oss-cn-beijing.aliyuncs.com', key: 'a/' });
    expect(parseOssUri('oss://bkt')).toEqual({ bucket: 'bkt', endpoint: undefined, key: '' });
    expect(parseOssUri('oss:///k')).toBeUndefined();
    expect(parseOssUri('oss://Bad_Bucket/k')).toBeUndefined();
  });

  it('gives output URIs a trailing slash once', () => {
    expect(asDirUri('oss://b/out')).toBe('oss://b/out/');
    expect(asDirUri('oss://b/out/')).toBe('oss://b/out/');
  });
});
