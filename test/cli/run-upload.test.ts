import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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

type CodeDirBody = { AlgorithmSpec: { CodeDir: { LocationValue: { Bucket: string; Key: string } } } };

/** The CodeDir of the last job created. */
function lastCodeDir(): { Bucket: string; Key: string } {
  return (emu.journal.last('CreateTrainingJob')!.body as CodeDirBody).AlgorithmSpec.CodeDir.LocationValue;
}

/** The objects under the last job's code prefix, by relative path, with their bytes as text. */
function uploadedFiles(): Record<string, string> {
  const { Bucket, Key } = lastCodeDir();
  expect(Key).toMatch(/^pai\/processing_src\/sha256-[0-9a-f]{64}\/$/);
  return Object.fromEntries(emu.oss.list(Key, Bucket).map((o) => [o.key.slice(Key.length), o.data.toString('utf8')]));
}

/** The marker object beside a code prefix (`…/sha256-<digest>/` → `…/sha256-<digest>.json`). */
const markerOf = (prefix: string) => `${prefix.slice(0, -1)}.json`;

/** The entries of the code archive the emulator received for the last job (code_upload: archive). */
async function uploadedEntries(): Promise<string[]> {
  const { Bucket, Key } = lastCodeDir();
  const object = emu.oss.get(Key, Bucket);
  expect(object, `oss://${Bucket}/${Key} was uploaded`).toBeDefined();
  const entries: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = list({
      onReadEntry: (e) => void (e.type !== 'Directory' && entries.push(e.type === 'SymbolicLink' ? `${e.path} -> ${e.linkpath}` : e.path)),
    });
    parser.on('end', resolve).on('error', reject);
    Readable.from(object!.data).pipe(parser as unknown as NodeJS.WritableStream);
  });
  return entries.sort();
}

/** The OSS requests made since `mark` (a journal sequence number). */
function ossSince(mark: number) {
  return emu.journal.filter((e) => e.service === 'oss' && e.seq > mark);
}
const mark = () => emu.journal.last()?.seq ?? 0;

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
    // One object per file, exact relative keys and bytes; a link inside the tree goes up as the file it points at.
    expect(uploadedFiles()).toEqual({
      '.env.example': 'TOKEN=\n',
      '.paiignore': '*.log\n!keep.log\ndata/\n!.env.example\n',
      'inside-link.py': 'print(1)\n',
      'keep.log': 'kept',
      'main.py': 'print(1)\n',
      'pkg/__init__.py': '',
      '数据/文件 名.py': '# unicode\n',
      'émoji-😀.txt': 'ok',
      [LONG]: '# long\n',
    });
    // The marker sits beside the prefix, not in it: /ml/usercode holds exactly the user's files.
    const { Bucket, Key } = lastCodeDir();
    expect(JSON.parse(emu.oss.text(markerOf(Key), Bucket)!)).toMatchObject({ files: 9 });
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
    expect(Object.keys(uploadedFiles()).sort()).toEqual(
      ['.gitignore', 'local.cfg', 'main.py', 'other/build/kept.txt', 'sub/.gitignore', 'sub/keep.tmp'].sort(),
    );
  });

  it('the same tree in two places gives the same prefix; a second run sends nothing; a one-byte change sends one file', async () => {
    const files = { 'job.yaml': JOB, 'code/main.py': 'print("twin")\n', 'code/lib/a.py': 'A = 1\n' };
    const a = project(files);
    const b = project(files);
    expect((await run(a)).code).toBe(0);
    const keyA = lastCodeDir().Key;
    const before = mark();
    expect((await run(b)).code).toBe(0);
    expect(lastCodeDir().Key).toBe(keyA);
    // Unchanged code: two storage requests (the bucket's region, then the marker's HEAD), and no byte goes up.
    const second = ossSince(before);
    expect(second.map((e) => `${e.action} ${e.key ?? ''}`.trim())).toEqual(['GetBucketInfo', `HeadObject ${markerOf(keyA)}`]);
    writeFileSync(join(b, 'code/lib/a.py'), 'A = 2\n');
    const third = mark();
    expect((await run(b)).code).toBe(0);
    expect(lastCodeDir().Key).not.toBe(keyA);
    // A new prefix: both files go up (content-addressed), then the marker.
    const puts = ossSince(third)
      .filter((e) => e.action === 'PutObject')
      .map((e) => e.key!.split('/').pop());
    expect(puts.sort()).toEqual(['a.py', 'main.py', `${lastCodeDir().Key.split('/').at(-2)}.json`].sort());
  });

  it('every PUT and part carries the Content-MD5 of its bytes (the emulator refuses a wrong one)', async () => {
    const { randomBytes } = await import('node:crypto');
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'print(2)\n', 'code/lib/b.py': 'B = 2\n' });
    writeFileSync(join(dir, 'code/medium.bin'), randomBytes(3 * 1024 * 1024));
    writeFileSync(join(dir, 'code/large.bin'), randomBytes(17 * 1024 * 1024 + 5));
    const before = mark();
    expect((await run(dir)).code).toBe(0);
    const sends = ossSince(before).filter((e) => e.action === 'PutObject' || e.action === 'UploadPart');
    expect(sends.filter((e) => e.action === 'UploadPart')).toHaveLength(3);
    expect(sends.filter((e) => e.action === 'PutObject')).toHaveLength(4); // 3 files and the marker
    for (const e of sends) {
      expect(e.headers['content-md5'], `${e.action} ${e.key}`).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(e.status).toBe(200);
    }
    const { Bucket, Key } = lastCodeDir();
    expect(emu.oss.get(`${Key}large.bin`, Bucket)!.data.equals(readFileSync(join(dir, 'code/large.bin')))).toBe(true);
  });

  it('a run that fails mid-upload leaves no marker; the next run sends only the missing files, then the marker', async () => {
    const files: Record<string, string> = { 'job.yaml': JOB };
    for (let i = 0; i < 20; i++) files[`code/m${String(i).padStart(2, '0')}.py`] = `N = ${i}\n`;
    const dir = project(files);
    const dry = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json'], { cwd: dir, env: emu.env() });
    const prefix = (JSON.parse(dry.stdout) as { request: CodeDirBody }).request.AlgorithmSpec.CodeDir.LocationValue.Key;
    const creates = emu.journal.count('CreateTrainingJob');
    // Refused for good (403 is not retried) on the 10th PUT: the run stops taking files and fails.
    const fault = emu.faults.add({ action: 'PutObject', call: 10, kind: 'status', status: 403, code: 'AccessDenied' });
    const failed = await run(dir);
    emu.faults.remove(fault);
    expect(failed.code).not.toBe(0);
    expect(emu.journal.count('CreateTrainingJob')).toBe(creates);
    expect(emu.oss.get(markerOf(prefix), emu.bucket)).toBeUndefined();
    const there = emu.oss.list(prefix, emu.bucket).length;
    expect(there).toBeGreaterThan(0);
    expect(there).toBeLessThan(20);
    const before = mark();
    expect((await run(dir)).code).toBe(0);
    const puts = ossSince(before).filter((e) => e.action === 'PutObject');
    expect(puts).toHaveLength(20 - there + 1);
    expect(puts.at(-1)!.key).toBe(markerOf(prefix));
    expect(emu.oss.list(prefix, emu.bucket)).toHaveLength(20);
  });

  it('an object already there with another size, or the same size and other bytes, is sent again', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'print("right")\n', 'code/same.py': 'XYZ\n' });
    const dry = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json'], { cwd: dir, env: emu.env() });
    const prefix = (JSON.parse(dry.stdout) as { request: CodeDirBody }).request.AlgorithmSpec.CodeDir.LocationValue.Key;
    emu.oss.store(emu.bucket, `${prefix}main.py`, Buffer.from('print("wrong, and longer")\n'), 'text/plain', {});
    emu.oss.store(emu.bucket, `${prefix}same.py`, Buffer.from('ABC\n'), 'text/plain', {});
    expect((await run(dir)).code).toBe(0);
    expect(uploadedFiles()).toEqual({ 'main.py': 'print("right")\n', 'same.py': 'XYZ\n' });
  });

  it('the executable bit is part of the digest', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/run.sh': 'echo hi\n' });
    const key = async () => {
      const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json'], { cwd: dir, env: emu.env() });
      return (JSON.parse(r.stdout) as { request: CodeDirBody }).request.AlgorithmSpec.CodeDir.LocationValue.Key;
    };
    const plain = await key();
    chmodSync(join(dir, 'code/run.sh'), 0o755);
    const executable = await key();
    expect(executable).not.toBe(plain);
    chmodSync(join(dir, 'code/run.sh'), 0o644);
    expect(await key()).toBe(plain);
  });

  it('the dry run shows the prefix, counts, marker and keys the real run uses', async () => {
    const dir = project({
      'job.yaml': JOB + 'inputs:\n  train: data/train.csv\n',
      'code/main.py': 'print(3)\n',
      'code/lib/c.py': 'C = 3\n',
      'data/train.csv': 'x,y\n',
    });
    const dry = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json', '--verbose'], { cwd: dir, env: emu.env() });
    expect(dry.code).toBe(0);
    const doc = JSON.parse(dry.stdout) as {
      request: Record<string, unknown>;
      uploads: { code: { uri: string; files: number; bytes: number; marker: string; objects: { uri: string; size: number }[] } };
    };
    expect((await run(dir)).code).toBe(0);
    const sent = emu.journal.last('CreateTrainingJob')!.body as Record<string, unknown>;
    // The whole request is the same but for the job name's time and the submission label added at submit.
    const strip = (b: Record<string, unknown>) => JSON.stringify({ ...b, Labels: undefined, TrainingJobName: undefined });
    expect(strip(sent)).toBe(strip(doc.request));
    const { Bucket, Key } = lastCodeDir();
    expect(doc.uploads.code).toMatchObject({ uri: `oss://${Bucket}/${Key}`, files: 2, bytes: 15, marker: `oss://${Bucket}/${markerOf(Key)}` });
    expect(doc.uploads.code.objects.map((o) => o.uri)).toEqual(emu.oss.list(Key, Bucket).map((o) => `oss://${Bucket}/${o.key}`));
    expect((sent['InputChannels'] as { InputUri: string }[])[0]!.InputUri).toMatch(/^oss:\/\/[^/]+\/pai\/input_data\/sha256-[0-9a-f]{64}\/train\.csv$/);
  });

  it('code_upload: archive sends one .tar.gz under its content key (the old way, opt-in)', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'print(4)\n', 'code/lib/d.py': '' });
    symlinkSync('main.py', join(dir, 'code', 'link.py'));
    expect((await run(dir, ['--set', 'code_upload=archive'])).code).toBe(0);
    expect(lastCodeDir().Key).toMatch(/^pai\/processing_src\/sha256-[0-9a-f]{64}\/source\.tar\.gz$/);
    expect(await uploadedEntries()).toEqual(['lib/d.py', 'link.py -> main.py', 'main.py']);
  });

  it('large code goes up in parallel parts; a failed part is retried', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': '' });
    mkdirSync(join(dir, 'code/weights'), { recursive: true });
    // Random bytes do not compress: the archive stays above the multipart threshold.
    const { randomBytes } = await import('node:crypto');
    writeFileSync(join(dir, 'code/weights/model.bin'), randomBytes(20 * 1024 * 1024));
    emu.faults.add({ action: 'UploadPart', call: 2, kind: 'drop' });
    const parts = emu.journal.count('UploadPart');
    const completes = emu.journal.count('CompleteMultipartUpload');
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(emu.journal.count('UploadPart') - parts).toBeGreaterThanOrEqual(3);
    // Differences, not the emulator-wide totals, which an earlier test could have raised.
    expect(emu.journal.count('CompleteMultipartUpload') - completes).toBe(1);
    expect(emu.multipart.open()).toEqual([]);
  });

  it('an upload whose parts keep failing is aborted, leaving no parts behind, and exits 5', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': '' });
    mkdirSync(join(dir, 'code/weights'), { recursive: true });
    const { randomBytes } = await import('node:crypto');
    writeFileSync(join(dir, 'code/weights/model.bin'), randomBytes(18 * 1024 * 1024));
    const fault = emu.faults.add({ action: 'UploadPart', times: Infinity, kind: 'status', status: 500, code: 'InternalError' });
    const creates = emu.journal.count('CreateTrainingJob');
    const aborts = emu.journal.count('AbortMultipartUpload');
    const starts = emu.journal.count('InitiateMultipartUpload');
    const r = await run(dir);
    emu.faults.remove(fault);
    expect(r.code).toBe(5);
    expect(emu.multipart.open()).toEqual([]);
    // Every upload this run started (one per attempt) was aborted.
    const started = emu.journal.count('InitiateMultipartUpload') - starts;
    expect(started).toBeGreaterThan(0);
    expect(emu.journal.count('AbortMultipartUpload') - aborts).toBe(started);
    expect(emu.journal.count('CreateTrainingJob')).toBe(creates);
  });

  it('a throttled upload with Retry-After: 1 is retried after the second the service asked for, not the backoff', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'print("throttled")\n' });
    const fault = emu.faults.add({
      action: 'PutObject',
      kind: 'status',
      status: 503,
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
      retryAfter: 1,
    });
    const from = emu.journal.count();
    const r = await run(dir, ['--json']);
    emu.faults.remove(fault);
    expect(r.code, r.stderr).toBe(0);
    expect(fault.hits).toBe(1);
    // The retry policy was told to wait 1000 ms (FAST_RETRY's own backoff is at most 20 ms)...
    const retries = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; code?: string; delayMs?: number })
      .filter((e) => e.event === 'retry');
    expect(retries).toEqual([expect.objectContaining({ code: 'SlowDown', delayMs: 1000 })]);
    // ...and did: the same key was sent again at least a second after the throttled attempt arrived.
    const puts = emu.journal
      .all()
      .slice(from)
      .filter((e) => e.action === 'PutObject');
    const throttled = puts.find((e) => e.fault === 'status')!;
    const again = puts.find((e) => e.seq > throttled.seq && e.key === throttled.key)!;
    expect(again.status).toBe(200);
    expect(again.time - throttled.time).toBeGreaterThanOrEqual(1000);
  });

  it('--max-code-size refuses large code before uploading anything', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'x'.repeat(5000) });
    const uploads = () => emu.journal.count('PutObject') + emu.journal.count('InitiateMultipartUpload');
    const before = uploads();
    const r = await run(dir, ['--max-code-size', '1KB']);
    expect(r.code).toBe(2);
    // main.py named as the largest file, not merely somewhere in the message (the folder's path holds no "main.py").
    expect(r.stderr).toMatch(/The code folder \S+ holds [^,]+, more than --max-code-size \([^)]+\); nothing was uploaded\. Largest: main\.py\b/);
    expect(uploads()).toBe(before);
  });

  it('run --dry-run --verbose lists every object the code upload would write', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': '', 'code/.env': 'x', 'code/lib/a.py': '' });
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--verbose'], { cwd: dir, env: emu.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Code objects');
    expect(r.stdout).toMatch(/ {2}oss:\/\/[^/]+\/pai\/processing_src\/sha256-[0-9a-f]{64}\/lib\/a\.py {2}0 B/);
    expect(r.stdout).toMatch(/2 files, 0 B, one object each under the prefix; then oss:\/\/[^ ]+\/pai\/processing_src\/sha256-[0-9a-f]{64}\.json/);
    expect(r.stdout).not.toContain('.env');
  });
});
