import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { list } from 'tar';
import { Readable } from 'node:stream';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli, tempDir } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\nwait: false\n';
const LONG = `${'deep-folder-name/'.repeat(8)}a-file-with-a-rather-long-name-to-pass-one-hundred-characters.py`;

/** The entries of the code archive the emulator received for the last job. */
async function uploadedEntries(): Promise<string[]> {
  const body = emu.journal.last('CreateTrainingJob')!.body as { AlgorithmSpec: { CodeDir: { LocationValue: { Bucket: string; Key: string } } } };
  const { Bucket, Key } = body.AlgorithmSpec.CodeDir.LocationValue;
  const object = emu.oss.get(Key, Bucket);
  expect(object, `oss://${Bucket}/${Key} was uploaded`).toBeDefined();
  const entries: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = list({ onReadEntry: (e) => void (e.type !== 'Directory' && entries.push(e.type === 'SymbolicLink' ? `${e.path} -> ${e.linkpath}` : e.path)) });
    parser.on('end', resolve).on('error', reject);
    Readable.from(object!.data).pipe(parser as unknown as NodeJS.WritableStream);
  });
  return entries.sort();
}

function run(dir: string, args: string[] = []) {
  return runCli(['run', '-f', 'job.yaml', ...args], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
}

describe('what run uploads', () => {
  it('with a .paiignore: the defaults, its rules and a negation; links out of the tree left out with a warning', async () => {
    const outside = tempDir('outside-');
    writeFileSync(join(outside, 'secret.txt'), 'not for upload');
    const dir = project({
      'job.yaml': JOB,
      'code/main.py': 'print(1)\n',
      'code/.paiignore': '*.log\n!keep.log\ndata/\n!.env.example\n',
      'code/.git/config': '[core]\n',
      'code/.env': 'TOKEN=x\n',
      'code/.env.example': 'TOKEN=\n',
      'code/__pycache__/main.cpython-311.pyc': 'x',
      'code/pkg/__init__.py': '',
      'code/pkg/util.pyc': 'x',
      'code/debug.log': 'x',
      'code/keep.log': 'kept',
      'code/data/big.bin': 'x',
      'code/node_modules/left-pad/index.js': '',
      'code/数据/文件 名.py': '# unicode\n',
      'code/émoji-😀.txt': 'ok',
      [`code/${LONG}`]: '# long\n',
    });
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'code', 'outside-link'));
    symlinkSync('main.py', join(dir, 'code', 'inside-link.py'));
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('outside-link');
    expect(await uploadedEntries()).toEqual(
      [
        '.env.example',
        '.paiignore',
        'inside-link.py -> main.py',
        'keep.log',
        'main.py',
        'pkg/__init__.py',
        '数据/文件 名.py',
        'émoji-😀.txt',
        LONG,
      ].sort(),
    );
  });

  it('without a .paiignore: the .gitignore files of the tree, nested ones below their folder', async () => {
    const dir = project({
      'job.yaml': JOB,
      'code/main.py': '',
      'code/.gitignore': '*.tmp\n/build/\n',
      'code/build/out.o': '',
      'code/a.tmp': '',
      'code/sub/.gitignore': 'local.cfg\n!keep.tmp\n',
      'code/sub/local.cfg': '',
      'code/sub/keep.tmp': '',
      'code/sub/x.tmp': '',
      'code/local.cfg': 'top-level: not ignored by sub/.gitignore',
      'code/other/build/kept.txt': '',
    });
    expect((await run(dir)).code).toBe(0);
    expect(await uploadedEntries()).toEqual(['.gitignore', 'local.cfg', 'main.py', 'other/build/kept.txt', 'sub/.gitignore', 'sub/keep.tmp'].sort());
  });

  it('the same tree in two places gives the same archive and key; a one-byte change a new one', async () => {
    const files = { 'job.yaml': JOB, 'code/main.py': 'print("twin")\n', 'code/lib/a.py': 'A = 1\n' };
    const a = project(files);
    const b = project(files);
    expect((await run(a)).code).toBe(0);
    const keyA = (emu.journal.last('CreateTrainingJob')!.body as { AlgorithmSpec: { CodeDir: { LocationValue: { Key: string } } } }).AlgorithmSpec.CodeDir.LocationValue.Key;
    const puts = emu.journal.count('PutObject');
    expect((await run(b)).code).toBe(0);
    const keyB = (emu.journal.last('CreateTrainingJob')!.body as { AlgorithmSpec: { CodeDir: { LocationValue: { Key: string } } } }).AlgorithmSpec.CodeDir.LocationValue.Key;
    expect(keyB).toBe(keyA);
    expect(emu.journal.count('PutObject')).toBe(puts);
    writeFileSync(join(b, 'code/lib/a.py'), 'A = 2\n');
    expect((await run(b)).code).toBe(0);
    expect(emu.journal.count('PutObject')).toBe(puts + 1);
  });

  it('large code goes up in parallel parts; a failed part is retried', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': '' });
    mkdirSync(join(dir, 'code/weights'), { recursive: true });
    // Random bytes do not compress: the archive stays above the multipart threshold.
    const { randomBytes } = await import('node:crypto');
    writeFileSync(join(dir, 'code/weights/model.bin'), randomBytes(20 * 1024 * 1024));
    emu.faults.add({ action: 'UploadPart', call: 2, kind: 'drop' });
    const parts = emu.journal.count('UploadPart');
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(emu.journal.count('UploadPart') - parts).toBeGreaterThanOrEqual(3);
    expect(emu.journal.count('CompleteMultipartUpload')).toBeGreaterThan(0);
    expect(emu.multipart.open()).toEqual([]);
  });

  it('an upload whose parts keep failing is aborted, leaving no parts behind, and exits 5', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': '' });
    mkdirSync(join(dir, 'code/weights'), { recursive: true });
    const { randomBytes } = await import('node:crypto');
    writeFileSync(join(dir, 'code/weights/model.bin'), randomBytes(18 * 1024 * 1024));
    const fault = emu.faults.add({ action: 'UploadPart', times: Infinity, kind: 'status', status: 500, code: 'InternalError' });
    const creates = emu.journal.count('CreateTrainingJob');
    const r = await run(dir);
    emu.faults.remove(fault);
    expect(r.code).toBe(5);
    expect(emu.multipart.open()).toEqual([]);
    expect(emu.journal.count('AbortMultipartUpload')).toBeGreaterThan(0);
    expect(emu.journal.count('CreateTrainingJob')).toBe(creates);
  });

  it('--max-code-size refuses large code before uploading anything', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'x'.repeat(5000) });
    const uploads = () => emu.journal.count('PutObject') + emu.journal.count('InitiateMultipartUpload');
    const before = uploads();
    const r = await run(dir, ['--max-code-size', '1KB']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('more than --max-code-size');
    expect(r.stderr).toContain('main.py');
    expect(uploads()).toBe(before);
  });

  it('run --dry-run --verbose lists what would be packaged', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': '', 'code/.env': 'x', 'code/lib/a.py': '' });
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--verbose'], { cwd: dir, env: emu.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Packaged files');
    expect(r.stdout).toMatch(/ {2}lib\/a\.py/);
    expect(r.stdout).not.toContain('.env');
  });
});
