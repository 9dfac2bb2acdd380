import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, runCli, SESSION_ENV } from '../helpers/run-cli.js';

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n';

async function validateJson(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = await runCli(['validate', '--json', ...args], { cwd, env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { file: string | null; job: Record<string, unknown> };
}

describe('finding the job config', () => {
  it.each([
    ['pai-process.config.yaml', JOB],
    ['pai-process.config.yml', JOB],
    ['.pai-processrc', JOB],
    ['.pai-processrc.yaml', JOB],
    ['.pai-processrc.yml', JOB],
    ['.pai-processrc.json', JSON.stringify({ image_uri: 'python:3.11', command: 'python main.py', instance_type: 'ecs.c6.large' })],
    ['pai-process.config.json', JSON.stringify({ image_uri: 'python:3.11', command: 'python main.py', instance_type: 'ecs.c6.large' })],
    ['job.yaml', JOB],
    ['job.yml', JOB],
  ])('finds %s in the current folder', async (name, content) => {
    const dir = project({ [name]: content });
    const doc = await validateJson(dir);
    expect(doc.file).toContain(name);
    expect(doc.job['image_uri']).toBe('python:3.11');
  });

  it("a dry run says a JavaScript config's values came from that file (it has no lines to show)", async () => {
    const dir = project({ 'pai-process.config.mjs': "export default { image_uri: 'python:3.11', command: 'python main.py', instance_type: 'ecs.c6.large' };" });
    const r = await runCli(['run', '--dry-run', '-f', 'pai-process.config.mjs'], { cwd: dir, env: SESSION_ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/image_uri +python:3\.11 +pai-process\.config\.mjs\n/);
    expect(r.stdout).toMatch(/instance_count +1 +default\n/);
  });

  it('reads the "pai-process" key of package.json, with lines in package.json', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'x', 'pai-process': { image_uri: 'python:3.11', command: 'x', instance_type: 't' } }, null, 2),
    });
    expect((await validateJson(dir)).job['instance_type']).toBe('t');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'x', 'pai-process': { image_uri: 'python:3.11', command: 'x', instance_typ: 't' } }, null, 2),
    );
    const bad = await runCli(['validate'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/package\.json:6:5 {2}instance_typ: unknown key "instance_typ"; did you mean "instance_type"\?/);
  });

  it('searches up to the project root from a subfolder', async () => {
    const dir = project({ 'package.json': '{"name":"x"}', 'pai-process.config.yaml': JOB, 'sub/deeper/.keep': '' });
    const doc = await validateJson(join(dir, 'sub', 'deeper'));
    expect(doc.file).toBe(join(dir, 'pai-process.config.yaml'));
  });

  it('works with flags alone when there is no file', async () => {
    const dir = project({ 'main.py': '' });
    const doc = await validateJson(dir, ['--image', 'python:3.11', '--command', 'python main.py', '--instance-type', 'ecs.c6.large', '--source-dir', '.']);
    expect(doc.file).toBeNull();
    expect(doc.job['source_dir']).toBe(dir);
  });

  it('searches up to the git root from a subfolder (.git marks a project as package.json does)', async () => {
    const dir = project({ '.git/HEAD': 'ref: refs/heads/main\n', '.pai-processrc.yaml': JOB, 'sub/deeper/.keep': '' });
    const doc = await validateJson(join(dir, 'sub', 'deeper'));
    expect(doc.file).toBe(join(dir, '.pai-processrc.yaml'));
  });

  it('a pai-process file anywhere up to the root comes before job.yaml, which is looked for last, in the working folder only', async () => {
    const dir = project({ '.git/HEAD': '', 'pai-process.config.yaml': JOB, 'sub/job.yaml': JOB.replace('python:3.11', 'python:3.12') });
    expect((await validateJson(join(dir, 'sub'))).file).toBe(join(dir, 'pai-process.config.yaml'));
    const alone = project({ '.git/HEAD': '', 'job.yaml': JOB, 'sub/.keep': '' });
    const result = await runCli(['validate'], { cwd: join(alone, 'sub') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No job config found');
  });

  it('without a file or flags, says that no job config was found, where it looked and how to make or name one (exit 2)', async () => {
    const dir = project({ 'x.txt': '' });
    for (const command of [['validate'], ['run'], ['run', '--dry-run']]) {
      const result = await runCli(command, { cwd: dir, env: SESSION_ENV });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      // Only `run` submits, so only `run` says that nothing was.
      expect(result.stderr).toContain(command[0] === 'run' ? '✖ No job config found; nothing was submitted\n' : '✖ No job config found\n');
      expect(result.stderr).toContain(`looked in ${dir} only: no folder from it up to / has .git or package.json`);
      expect(result.stderr).toContain('.pai-processrc, .pai-processrc.json');
      expect(result.stderr).toContain('then job.yaml or job.yml in the working folder');
      expect(result.stderr).toContain('→ Run `pai-process init` to write a starter config here, or name one with -f FILE');
      // Three "is required" lines said nothing about the missing file.
      expect(result.stderr).not.toContain('is required');
    }
  });

  it('without a file, flags that are not a whole job get the same message, with what the flags left out', async () => {
    const dir = project({ 'x.txt': '' });
    const result = await runCli(['validate', '--json', '--image', 'python:3.11'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No job config found');
    expect(result.stderr).toContain('command: is required');
    expect(result.stderr).not.toContain('image_uri: is required');
    const doc = JSON.parse(result.stdout) as { error: { message: string; exitCode: number; diagnostics: { message: string }[] } };
    expect(doc.error.exitCode).toBe(2);
    expect(doc.error.message).toBe('No job config found');
    expect(doc.error.diagnostics[0]!.message).toContain(`looked in ${dir} only`);
  });
});

describe('values', () => {
  it("reads relative paths against the config file's folder, not the current one", async () => {
    const dir = project({ 'jobs/job.yaml': `${JOB}source_dir: ../code\ninputs: {train: ./data.csv}\n`, 'code/main.py': '', 'jobs/data.csv': '' });
    const doc = await validateJson(dir, ['-f', 'jobs/job.yaml']);
    expect(doc.job['source_dir']).toBe(join(dir, 'code'));
    expect(doc.job['inputs']).toEqual({ train: join(dir, 'jobs', 'data.csv') });
  });

  it('replaces ${VAR} and ${VAR:-default} from the environment, and $${ is a literal', async () => {
    const dir = project({
      'job.yaml': 'image_uri: ${REGISTRY}/app:${TAG:-latest}\ncommand: echo $${HOME} ${GREETING}\ninstance_type: ${TYPE:-ecs.c6.large}\n',
    });
    const doc = await validateJson(dir, ['-f', 'job.yaml'], { REGISTRY: 'registry.cn-hangzhou.aliyuncs.com/me', GREETING: 'hi' });
    expect(doc.job['image_uri']).toBe('registry.cn-hangzhou.aliyuncs.com/me/app:latest');
    expect(doc.job['command']).toBe('echo ${HOME} hi');
    expect(doc.job['instance_type']).toBe('ecs.c6.large');
  });

  it('keeps the text of parameter, environment and label values as written', async () => {
    const dir = project({
      'job.yaml': `${JOB}parameters:\n  lr: 1.0\n  eps: 1e-05\n  on: True\n  hex: 0x1F\n  s: "007"\n  big: 12345678901234567890\nenvironments: {N: 010}\nlabels: {v: 2.50}\n`,
    });
    const doc = await validateJson(dir, ['-f', 'job.yaml']);
    expect(doc.job['parameters']).toEqual({ lr: '1.0', eps: '1e-05', on: 'True', hex: '0x1F', s: '007', big: '12345678901234567890' });
    expect(doc.job['environments']).toEqual({ N: '010' });
    expect(doc.job['labels']).toEqual({ v: '2.50' });
  });

  it('applies flags over the file, and --set last', async () => {
    const dir = project({ 'job.yaml': `${JOB}parameters: {lr: 0.1, epochs: 3}\ninstance_count: 1\n` });
    const doc = await validateJson(dir, [
      '-f',
      'job.yaml',
      '--image',
      'python:3.12',
      '--instance-count',
      '4',
      '--param',
      'lr=0.01',
      '--param',
      'note=a=b',
      '--env',
      'MODE=fast',
      '--label',
      'team=ml',
      '--input',
      'data=oss://b/data/',
      '--output',
      'model=oss://b/model',
      '--max-run-time',
      '2h',
      '--name',
      'nightly',
      '--set',
      'spot_spec.spot_strategy=SpotAsPriceGo',
      '--set',
      'parameters.epochs=5.0',
      '--set',
      'requirements=[numpy, pandas==2.2]',
      '--set',
      'instance_count=3',
    ]);
    expect(doc.job).toMatchObject({
      image_uri: 'python:3.12',
      instance_count: 3,
      parameters: { lr: '0.01', epochs: '5.0', note: 'a=b' },
      environments: { MODE: 'fast' },
      labels: { team: 'ml' },
      inputs: { data: 'oss://b/data/' },
      outputs: { model: 'oss://b/model' },
      max_run_time: 7200,
      base_job_name: 'nightly',
      spot_spec: { spot_strategy: 'SpotAsPriceGo' },
      requirements: ['numpy', 'pandas==2.2'],
    });
  });

  it('shows where each value came from', async () => {
    const dir = project({ 'job.yaml': `${JOB}parameters: {lr: 0.1}\n` });
    const result = await runCli(['validate', '-f', 'job.yaml', '--param', 'epochs=3', '--instance-count', '2'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('job.yaml is valid');
    const lines = result.stdout.split('\n');
    const row = (key: string) =>
      lines
        .find((l) => l.trimStart().startsWith(key + ' '))
        ?.trim()
        .split(/\s{2,}/);
    expect(row('image_uri')).toEqual(['image_uri', 'python:3.11', 'job.yaml:1']);
    expect(row('parameters.lr')).toEqual(['parameters.lr', '0.1', 'job.yaml:4']);
    expect(row('parameters.epochs')).toEqual(['parameters.epochs', '3', '--param epochs']);
    expect(row('instance_count')).toEqual(['instance_count', '2', '--instance-count']);
    expect(row('job_type')).toEqual(['job_type', 'PyTorchJob', 'default']);
  });

  it('run --dry-run (human) shows the job, the session and the request, and names the job with the time', async () => {
    const dir = project({ 'job.yaml': `${JOB}source_dir: .\n`, 'main.py': '' });
    const result = await runCli(['run', '-f', 'job.yaml', '--dry-run'], { cwd: dir, env: SESSION_ENV, now: new Date(2026, 10, 29, 9, 5, 7) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Job processor_20261129_090507');
    expect(result.stdout).toContain('region         cn-hangzhou');
    expect(result.stdout).toMatch(new RegExp(`code  ${dir}  →  oss://mybucket/pai/processing_src/sha256-[0-9a-f]{64}/\n`));
    expect(result.stdout).toContain('Request  CreateTrainingJob  POST https://pai.cn-hangzhou.aliyuncs.com/api/v1/trainingjobs');
    expect(result.stdout).toContain('"TrainingJobName": "processor_20261129_090507"');
    expect(result.stderr).toMatch(
      /^Code: 2 files, .* → oss:\/\/mybucket\/pai\/processing_src\/sha256-[0-9a-f]{64}\/\nDry run: nothing was uploaded or submitted\.\n$/,
    );
  });
});
