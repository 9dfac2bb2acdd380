import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, runCli } from '../helpers/run-cli.js';

// What `run` puts in the code: parent folders' .gitignore files count, and a local input inside source_dir goes up
// once (as the input), unless .paiignore keeps it in the code too.

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\nwait: false\n';

type Body = { AlgorithmSpec: { CodeDir: { LocationValue: { Bucket: string; Key: string } } }; InputChannels: { Name: string; InputUri: string }[] };

/** The relative paths under the last job's code prefix, and its input URIs by channel. */
function lastJob(): { code: string[]; inputs: Record<string, string> } {
  const body = emu.journal.last('CreateTrainingJob')!.body as Body;
  const { Bucket, Key } = body.AlgorithmSpec.CodeDir.LocationValue;
  return {
    code: emu.oss
      .list(Key, Bucket)
      .map((o) => o.key.slice(Key.length))
      .sort(),
    inputs: Object.fromEntries(body.InputChannels.map((c) => [c.Name, c.InputUri])),
  };
}

describe('run: which files go up as code', () => {
  it('leaves out what the .gitignore of a parent folder ignores, up to the repository root', async () => {
    const dir = project({
      '.gitignore': 'code/model/\n*.log\n',
      'job.yaml': JOB,
      'code/main.py': 'print(1)\n',
      'code/model/model.json': '{}\n',
      'code/train.log': 'x\n',
    });
    mkdirSync(join(dir, '.git'));
    const r = await runCli(['run', '-f', 'job.yaml', '--detach'], { cwd: dir, env: emu.env() });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(lastJob().code).toEqual(['main.py']);
  });

  it('uploads a local input inside source_dir once, as the input, and says so', async () => {
    const dir = project({ 'job.yaml': JOB + 'inputs:\n  train: code/data/\n', 'code/main.py': 'print(2)\n', 'code/data/train.csv': 'x,y\n' });
    const r = await runCli(['run', '-f', 'job.yaml', '--detach'], { cwd: dir, env: emu.env() });
    expect(r.code).toBe(0);
    const job = lastJob();
    expect(job.code).toEqual(['main.py']);
    expect(emu.oss.list(job.inputs['train']!.replace(/^oss:\/\/[^/]+\//, ''), emu.bucket).map((o) => o.key.split('/').pop())).toEqual(['train.csv']);
    expect(r.stderr).toContain(
      'The input "train" (data/) is inside source_dir: it goes up once, as the input (/ml/input/data/train/), and is left out of the code.',
    );
    expect(r.stderr).toContain('add "!data/" to a .paiignore in source_dir');
  });

  it('keeps the input in the code too when .paiignore names it with a ! rule, and says it goes up twice', async () => {
    const dir = project({
      'job.yaml': JOB + 'inputs:\n  train: code/data/train.csv\n',
      'code/.paiignore': '!data/train.csv\n',
      'code/main.py': 'print(3)\n',
      'code/data/train.csv': 'x,y\n',
    });
    const r = await runCli(['run', '-f', 'job.yaml', '--detach'], { cwd: dir, env: emu.env() });
    expect(r.code).toBe(0);
    expect(lastJob().code).toEqual(['.paiignore', 'data/train.csv', 'main.py']);
    expect(r.stderr).toContain('The input "train" (data/train.csv) is inside source_dir and the .paiignore keeps it in the code: it is uploaded twice');
  });

  it('--max-code-size 10B names the limit in bytes, not "0.0 MiB"', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'print(4)\n'.repeat(4) });
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--max-code-size', '10B'], { cwd: dir, env: emu.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds 36 B, more than --max-code-size (10 B)');
    expect(r.stderr).toContain('main.py (36 B)');
  });
});
