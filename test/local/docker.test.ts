// --local-runtime docker: the `docker run` arguments (there is no Docker engine on the test machine), and the
// clear refusal when no engine answers.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerInput, dockerRunArgs, runLayout, type LocalJobSpec, type Staged } from '../../src/core/local/index.js';
import { jobYaml, runLocal, tempDir } from './support.js';

const spec: LocalJobSpec = {
  name: 'train_20250101_120000',
  image: 'registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch-training:2.3-cpu',
  command: 'python train.py --epochs 2',
  parameters: { lr: '0.1' },
  environments: { TOKEN: 's3cret value' },
  requirements: ['numpy==1.26'],
  instanceCount: 2,
  inputs: { train: '/data/train', test: '/data/test.csv' },
  outputs: { model: 'oss://b/model/' },
};
const layout = runLayout('/p/.pai-process/runs/train_20250101_120000');
const staged: Staged = {
  inputs: [
    { channel: 'train', path: `${layout.data}/train/`, source: '/data/train' },
    { channel: 'test', path: `${layout.data}/test/test.csv`, file: 'test.csv', source: '/data/test.csv' },
  ],
  outputs: { model: `${layout.output}/model` },
};
const distributed = { RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500' };

describe('docker run arguments', () => {
  it('runs the image with the real /ml paths bound to the run folder, the command replacing the entrypoint', () => {
    const { args, env } = dockerRunArgs(dockerInput('worker-1', spec, layout, staged, distributed, false));
    const R = '/p/.pai-process/runs/train_20250101_120000';
    expect(args).toEqual([
      'run',
      '--rm',
      '--init',
      '--name',
      'pai-process-train_20250101_120000-worker-1',
      '--workdir',
      '/ml/usercode/',
      '--network',
      'host',
      '--env',
      'MASTER_ADDR',
      '--env',
      'MASTER_PORT',
      '--env',
      'PAI_CONFIG_DIR',
      '--env',
      'PAI_HPS',
      '--env',
      'PAI_HPS_LR',
      '--env',
      'PAI_INPUT_TEST',
      '--env',
      'PAI_INPUT_TRAIN',
      '--env',
      'PAI_OUTPUT_MODEL',
      '--env',
      'PAI_USER_ARGS',
      '--env',
      'PAI_WORKING_DIR',
      '--env',
      'RANK',
      '--env',
      'TOKEN',
      '--env',
      'WORLD_SIZE',
      '--volume',
      `${R}/usercode:/ml/usercode`,
      '--volume',
      `${R}/input/config:/ml/input/config`,
      '--volume',
      '/data/train:/ml/input/data/train:ro',
      '--volume',
      '/data/test.csv:/ml/input/data/test/test.csv:ro',
      '--volume',
      `${R}/output/model:/ml/output/model`,
      '--entrypoint',
      'sh',
      'registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch-training:2.3-cpu',
      '-c',
      'python train.py --epochs 2',
    ]);
    // Values travel in the docker client's environment, never on its command line (visible to `ps`).
    expect(args.join(' ')).not.toContain('s3cret');
    expect(env).toEqual({
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: '29500',
      PAI_CONFIG_DIR: '/ml/input/config/',
      PAI_HPS: '{"lr": "0.1"}',
      PAI_HPS_LR: '0.1',
      PAI_INPUT_TEST: '/ml/input/data/test/test.csv',
      PAI_INPUT_TRAIN: '/ml/input/data/train/',
      PAI_OUTPUT_MODEL: '/ml/output/model/',
      PAI_USER_ARGS: '--lr 0.1',
      PAI_WORKING_DIR: '/ml/usercode/',
      RANK: '1',
      TOKEN: 's3cret value',
      WORLD_SIZE: '2',
    });
  });

  it('a list command is the argv; one worker keeps the default network; --install-requirements pip-installs in the container first', () => {
    const single = { ...spec, instanceCount: 1, command: ['python', 'train.py'] };
    const plain = dockerRunArgs(dockerInput('worker-0', single, layout, staged, { ...distributed, RANK: '0', WORLD_SIZE: '1' }, false)).args;
    expect(plain).not.toContain('--network');
    expect(plain.slice(plain.indexOf('--entrypoint'))).toEqual(['--entrypoint', 'python', spec.image, 'train.py']);

    const withReqs = dockerRunArgs(dockerInput('worker-0', single, layout, staged, distributed, true)).args;
    expect(withReqs.slice(withReqs.indexOf('--entrypoint'))).toEqual([
      '--entrypoint',
      'sh',
      spec.image,
      '-c',
      'if [ -f requirements.txt ]; then python -m pip install --disable-pip-version-check -r requirements.txt || exit $?; fi; python -m pip install --disable-pip-version-check numpy==1.26 || exit $?; exec "$@"',
      'sh',
      'python',
      'train.py',
    ]);
  });
});

describe('--local-runtime docker without a Docker engine', () => {
  it('a docker program whose engine does not answer: exit 5 with the reason, nothing run or staged', async () => {
    const bin = tempDir('bin-');
    const docker = join(bin, 'docker');
    writeFileSync(docker, '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n');
    chmodSync(docker, 0o755);
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo never' }) }, ['--local-runtime', 'docker'], { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      '--local-runtime docker needs a Docker engine, and none answers (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); nothing was run',
    );
    expect(r.stderr).toContain('leave out --local-runtime docker: the default runtime runs the job as a plain process');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(r.dir, '.pai-process'))).toBe(false);
  });

  it('no docker program at all: exit 5, "command not found"', async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo never' }) }, ['--local-runtime', 'docker'], { env: { PATH: tempDir('empty-bin-') } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('none answers (docker: command not found)');
  });
});
