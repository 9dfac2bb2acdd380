import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const cli = spawnCli;

describe('the built CLI against the emulator', () => {
  it('runs a job: packages, uploads, submits, streams its logs and exits 0', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Creating' },
        { at: 100, status: 'Running', instances: ['worker-0'] },
        { at: 150, logs: ['epoch 1 loss 0.5\n', 'epoch 2 loss 0.25\n'] },
        { at: 400, status: 'Succeed' },
      ],
      { name: /^e2e_/ },
    );
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python train.py\ninstance_type: ecs.c6.large\nsource_dir: src\nbase_job_name: e2e\n',
      'src/train.py': 'print("hi")\n',
    });
    const r = await cli(['run', '-f', 'job.yaml'], dir, emu.env());
    expect(r.stderr).toContain('Submitted');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('epoch 1 loss 0.5\nepoch 2 loss 0.25\n');
    expect(r.stderr).toMatch(/✔ Job \S+ succeeded/);
    const create = emu.journal.last('CreateTrainingJob');
    expect(create?.signature).toMatchObject({ algorithm: 'v2', ok: true });
  });

  it('a wrong secret is refused by the service: exit 4, the secret never printed', async () => {
    const dir = project({ 'job.yaml': 'image_uri: python:3.11\ncommand: "true"\ninstance_type: ecs.c6.large\n' });
    const r = await cli(['run', '-f', 'job.yaml', '--detach'], dir, { ...emu.env(), ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-right-secret' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('SignatureDoesNotMatch');
    expect(r.stderr + r.stdout).not.toContain('not-the-right-secret');
  });
});

describe('the executed job finds the code in /ml/usercode', () => {
  // The job lists its working folder (usercode/) and prints a file, so the logs show what it was given.
  const JOB =
    'image_uri: python:3.11\ncommand: "find . -type f | LC_ALL=C sort; cat lib/util.py"\ninstance_type: ecs.c6.large\nsource_dir: src\nbase_job_name: usercode\n';
  const FILES = {
    'job.yaml': JOB,
    'src/train.py': 'print("hi")\n',
    'src/lib/util.py': 'UTIL = 1\n',
    'src/.paiignore': 'notes.txt\n',
    'src/notes.txt': 'left out\n',
  };

  describe('with the default emulator (a CodeDir is used as it is)', () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator({ execute: true });
    });
    afterAll(async () => emu?.close());

    it('files under the prefix: exactly the selected files, paths kept, no marker among them', async () => {
      const r = await cli(['run', '-f', 'job.yaml'], project(FILES), emu.env());
      expect(r.stderr).toContain('succeeded');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('./.paiignore\n./lib/util.py\n./train.py\nUTIL = 1\n');
    });

    it('code_upload: archive: the job finds the archive itself (nothing unpacks it)', async () => {
      const r = await cli(
        ['run', '-f', 'job.yaml', '--set', 'code_upload=archive'],
        project({ ...FILES, 'job.yaml': JOB.replace('; cat lib/util.py', '') }),
        emu.env(),
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('./source.tar.gz\n');
    });
  });

  describe('with the emulator in legacy mode (execute.unpackCodeArchive)', () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator({ execute: { unpackCodeArchive: true } });
    });
    afterAll(async () => emu?.close());

    it('code_upload: archive: the archive is unpacked into usercode', async () => {
      const r = await cli(['run', '-f', 'job.yaml', '--set', 'code_upload=archive'], project(FILES), emu.env());
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('./.paiignore\n./lib/util.py\n./train.py\nUTIL = 1\n');
    });
  });
});
