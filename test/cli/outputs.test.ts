import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localPathFor } from '../../src/core/outputs/safe-path.js';
import { ossClient } from '../emulator/clients.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli, tempDir } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());
beforeEach(() => emu.journal.clear());

const cli = (args: string[], cwd?: string) => runCli(args, { env: emu.env(), ...(cwd ? { cwd } : {}), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });

/** A finished job with an OSS channel `model`, an OSS channel `metrics` and a NAS channel `cache`. */
function finishedJob(prefix: string, objects: Record<string, string | Buffer>, status = 'Succeed') {
  const bucket = emu.bucket;
  for (const [key, data] of Object.entries(objects)) emu.oss.put(key, data);
  return emu.jobs.create(
    {
      TrainingJobName: `outputs-${prefix}`,
      WorkspaceId: emu.workspaceId,
      AlgorithmSpec: { Image: 'x', Command: ['true'] },
      OutputChannels: [
        { Name: 'model', OutputUri: `oss://${bucket}/${prefix}/model/` },
        { Name: 'metrics', OutputUri: `oss://${bucket}.oss-cn-hangzhou-internal.aliyuncs.com/${prefix}/metrics` },
        { Name: 'cache', OutputUri: 'nas://0123abcd.cn-hangzhou/cache/' },
      ],
    },
    {
      script: [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 0, status },
      ],
    },
  );
}

/** Every file under a folder, relative, sorted (the manifest included). */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out.sort();
}

describe('outputs JOB', () => {
  it("lists each channel's URI; a NAS channel with the note that it is not downloaded; --json", async () => {
    const job = finishedJob('list', {});
    const r = await cli(['outputs', job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Outputs of ${job.id} (Succeed):`);
    expect(r.stdout).toMatch(new RegExp(`model\\s+oss://${emu.bucket}/list/model/`));
    expect(r.stdout).toMatch(/cache\s+nas:\/\/0123abcd\.cn-hangzhou\/cache\/\s+\(nas storage is reachable only from inside PAI: not downloaded\)/);
    // Listing needs no OSS call at all.
    expect(emu.journal.filter((e) => e.service === 'oss')).toHaveLength(0);

    const j = await cli(['outputs', job.id, '--json']);
    const data = JSON.parse(j.stdout);
    expect(data).toMatchObject({ jobId: job.id, status: 'Succeed' });
    expect(data.channels.map((c: { name: string; kind: string; downloadable: boolean }) => [c.name, c.kind, c.downloadable])).toEqual([
      ['model', 'oss', true],
      ['metrics', 'oss', true],
      ['cache', 'nas', false],
    ]);
  });

  it('--channel that the job does not have: exit 2 naming its channels', async () => {
    const job = finishedJob('nochan', {});
    const r = await cli(['outputs', job.id, '--channel', 'weights']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no output channel named "weights"');
    expect(r.stderr).toContain('Its channels: model, metrics, cache');
  });

  it('an unknown job: exit 2', async () => {
    const r = await cli(['outputs', 'trainnosuchjob0000']);
    expect(r.code).toBe(2);
  });
});

describe('outputs JOB --download DIR', () => {
  it('copies every OSS channel into DIR/<channel>/ (folders kept), signed GETs, a summary of files and bytes', async () => {
    const big = Buffer.alloc(300_000, 7);
    const job = finishedJob('dl', {
      'dl/model/model.bin': big,
      'dl/model/sub/dir/config.json': '{"a":1}\n',
      'dl/model/': '', // a folder marker, as the console makes them: not a file
      'dl/metrics/scores.csv': 'epoch,loss\n1,0.5\n',
      'dl/model2/not-mine.txt': 'beside the channel, not in it\n',
    });
    const dir = join(tempDir('dl-'), 'out');
    const r = await cli(['outputs', job.id, '--download', dir]);
    expect(r.stderr).toContain('Downloading 3 files (300 KB)');
    expect(r.code).toBe(0);
    expect(files(dir)).toEqual(['.pai-process-download.json', 'metrics/scores.csv', 'model/model.bin', 'model/sub/dir/config.json']);
    expect(readFileSync(join(dir, 'model/model.bin')).equals(big)).toBe(true);
    expect(readFileSync(join(dir, 'model/sub/dir/config.json'), 'utf8')).toBe('{"a":1}\n');
    expect(r.stderr).toContain(`✔ Downloaded 3 files (300 KB) into ${dir}`);
    expect(r.stderr).toContain('! cache: nas storage is reachable only from inside PAI: not downloaded');
    // Not a terminal: one line per file.
    expect(r.stderr).toMatch(/↓ model\/model\.bin \(300 KB; \d\/3 files/);
    const gets = emu.journal.filter('GetObject');
    expect(gets).toHaveLength(3);
    for (const g of gets) expect(g.signature.ok).toBe(true);
    const lists = emu.journal.filter('ListObjectsV2');
    expect(lists.map((l) => l.query['prefix']).sort()).toEqual(['dl/metrics/', 'dl/model/']);
    for (const l of lists) expect(l.signature).toMatchObject({ algorithm: 'oss-v1', ok: true });
    const manifest = JSON.parse(readFileSync(join(dir, '.pai-process-download.json'), 'utf8'));
    expect(manifest.files['model/model.bin']).toEqual({
      etag: emu.oss.get('dl/model/model.bin')!.etag.replace(/"/g, ''),
      size: 300_000,
      uri: `oss://${emu.bucket}/dl/model/model.bin`,
    });
  });

  it('resumes: files there with the same size and ETag are skipped; a changed object or a changed file is fetched again', async () => {
    const job = finishedJob('resume', {
      'resume/model/a.txt': 'aaaa',
      'resume/model/b.txt': 'bbbb',
      'resume/model/c.txt': 'cccc',
      'resume/metrics/m.txt': 'm',
    });
    const dir = tempDir('resume-');
    expect((await cli(['outputs', job.id, '--download', dir])).code).toBe(0);
    emu.journal.clear();

    const again = await cli(['outputs', job.id, '--download', dir]);
    expect(again.code).toBe(0);
    expect(emu.journal.filter('GetObject')).toHaveLength(0);
    expect(again.stderr).toContain('Downloading 0 files (0 B); 4 already there (same size and ETag), skipped');
    expect(again.stderr).toContain('✔ Downloaded 0 files (0 B), 4 already there (13 B)');

    emu.oss.put('resume/model/a.txt', 'AAAA'); // same size, new ETag
    writeFileSync(join(dir, 'model/b.txt'), 'b'); // the local file changed size
    writeFileSync(join(dir, 'model/c.txt'), 'xxxx'); // same size: not noticed (only size and the recorded ETag are compared)
    emu.journal.clear();
    const third = await cli(['outputs', job.id, '--download', dir, '--json']);
    expect(third.code).toBe(0);
    expect(
      emu.journal
        .filter('GetObject')
        .map((e) => e.key)
        .sort(),
    ).toEqual(['resume/model/a.txt', 'resume/model/b.txt']);
    expect(readFileSync(join(dir, 'model/a.txt'), 'utf8')).toBe('AAAA');
    expect(readFileSync(join(dir, 'model/b.txt'), 'utf8')).toBe('bbbb');
    expect(JSON.parse(third.stdout).download).toEqual({ dir, files: 2, bytes: 8, skipped: 2, skippedBytes: 5 });
  });

  it('a key with a ".." segment is refused: exit 5 naming it, and nothing is written', async () => {
    const job = finishedJob('evil', { 'evil/model/ok.txt': 'fine', 'evil/model/../../../escape.txt': 'pwned' });
    const root = tempDir('evil-');
    const dir = join(root, 'out');
    const r = await cli(['outputs', job.id, '--download', dir]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`oss://${emu.bucket}/evil/model/../../../escape.txt: it has a ".." segment`);
    expect(r.stderr).toContain('nothing was downloaded');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
    expect(emu.journal.filter('GetObject')).toHaveLength(0);
  });

  it('an absolute key below the prefix is refused too', async () => {
    const job = finishedJob('abs', { 'abs/model//etc/passwd': 'x' });
    const dir = tempDir('abs-');
    const r = await cli(['outputs', job.id, '--download', dir, '--channel', 'model']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`oss://${emu.bucket}/abs/model//etc/passwd: it is an absolute path`);
    expect(files(dir)).toEqual([]);
  });

  it('a symbolic link inside DIR that leads outside is not followed to write there', async () => {
    const job = finishedJob('link', { 'link/model/sub/f.txt': 'through the link' });
    const outside = tempDir('outside-');
    const dir = tempDir('link-');
    mkdirSync(join(dir, 'model'));
    symlinkSync(outside, join(dir, 'model', 'sub'));
    const r = await cli(['outputs', job.id, '--download', dir, '--channel', 'model']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('leads outside the download folder');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('on a terminal: one progress line redrawn in place, cleared before the summary', async () => {
    const job = finishedJob('tty', { 'tty/model/a.bin': Buffer.alloc(2000, 1), 'tty/model/b.bin': Buffer.alloc(3000, 2) });
    const dir = tempDir('tty-');
    const r = await runCli(['outputs', job.id, '--download', dir, '--channel', 'model', '--no-color'], { env: emu.env(), tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\r\x1b[2K↓ 2/2 files, 5.0 KB of 5.0 KB');
    expect(r.stderr).not.toContain('  ↓ model/');
    expect(r.stderr).toMatch(/\r\x1b\[2K✔ Downloaded 2 files \(5\.0 KB\) into /);
  });

  it('--channel downloads that channel only', async () => {
    const job = finishedJob('one', { 'one/model/w.bin': 'w', 'one/metrics/m.csv': 'm' });
    const dir = tempDir('one-');
    const r = await cli(['outputs', job.id, '--download', dir, '--channel', 'metrics']);
    expect(r.code).toBe(0);
    expect(files(dir)).toEqual(['.pai-process-download.json', 'metrics/m.csv']);
  });

  it('a GET whose connection drops is retried; no partial file is left', async () => {
    const job = finishedJob('drop', { 'drop/model/a.bin': Buffer.alloc(5000, 1) });
    const dir = tempDir('drop-');
    emu.faults.add({ action: 'GetObject', kind: 'drop' });
    const r = await cli(['outputs', job.id, '--download', dir, '--channel', 'model']);
    expect(r.code).toBe(0);
    expect(emu.journal.filter('GetObject').length).toBeGreaterThanOrEqual(2);
    expect(files(dir)).toEqual(['.pai-process-download.json', 'model/a.bin']);
    expect(statSync(join(dir, 'model/a.bin')).size).toBe(5000);
  });

  it('a GET that keeps failing: exit 5, no partial file, and the next run resumes', async () => {
    const job = finishedJob('fail', { 'fail/model/a.txt': 'a', 'fail/model/b.txt': 'b' });
    const dir = tempDir('fail-');
    const fault = emu.faults.add({ action: 'GetObject', kind: 'status', status: 503, code: 'ServiceUnavailable', times: Infinity });
    const r = await cli(['outputs', job.id, '--download', dir, '--channel', 'model']);
    emu.faults.remove(fault);
    expect(r.code).toBe(5);
    expect(files(dir).filter((f) => f.endsWith('.pai-process-partial'))).toEqual([]);
    const again = await cli(['outputs', job.id, '--download', dir, '--channel', 'model']);
    expect(again.code).toBe(0);
    expect(files(dir)).toEqual(['.pai-process-download.json', 'model/a.txt', 'model/b.txt']);
  });

  it('a GET the credentials may not make (RAM refuses GetObject, hence HEAD): exit 4 naming the call, not a service failure', async () => {
    const job = finishedJob('denied', { 'denied/model/a.txt': 'a' });
    const faults = ['GetObject', 'HeadObject'].map((action) =>
      emu.faults.add({
        action,
        kind: 'status',
        status: 403,
        code: 'AccessDenied',
        message: 'You have no right to access this object because of bucket acl.',
        times: Infinity,
      }),
    );
    const r = await cli(['outputs', job.id, '--download', tempDir('denied-'), '--channel', 'model']);
    for (const f of faults) emu.faults.remove(f);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`GetObject oss://${emu.bucket}/denied/model/a.txt was refused: AccessDenied`);
  });

  it('Ctrl-C during a download: exit 130, no partial file, and the next run resumes', async () => {
    const job = finishedJob('int', { 'int/model/slow.bin': Buffer.alloc(4000, 3) });
    const dir = tempDir('int-');
    const fault = emu.faults.add({ action: 'GetObject', kind: 'delay', delayMs: 60_000 });
    let press: (() => void) | undefined;
    // Ctrl-C once the GET has reached the emulator (the fault counts it on arrival and holds the answer).
    const watch = setInterval(() => {
      if (fault.hits > 0 && press) {
        clearInterval(watch);
        press();
      }
    }, 5);
    const off = () => clearInterval(watch);
    const r = await runCli(['outputs', job.id, '--download', dir, '--channel', 'model'], {
      env: emu.env(),
      context: { retry: FAST_RETRY, onSignal: (handler) => ((press = () => handler('SIGINT')), () => (press = undefined)) },
    });
    off();
    emu.faults.remove(fault);
    expect(r.code).toBe(130);
    expect(files(dir)).toEqual([]);
    const again = await cli(['outputs', job.id, '--download', dir, '--channel', 'model']);
    expect(again.code).toBe(0);
    expect(files(dir)).toEqual(['.pai-process-download.json', 'model/slow.bin']);
  });

  it('DIR that is a file: exit 2 before any call', async () => {
    const job = finishedJob('file', {});
    const file = join(tempDir('file-'), 'x');
    writeFileSync(file, '');
    const r = await cli(['outputs', job.id, '--download', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exists and is not a folder');
  });

  it('wrong credentials: exit 4, the secret never printed', async () => {
    const job = finishedJob('cred', { 'cred/model/a.txt': 'a' });
    const r = await runCli(['outputs', job.id, '--download', tempDir('cred-')], {
      env: { ...emu.env(), ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-right-secret' },
      context: { retry: FAST_RETRY },
    });
    expect(r.code).toBe(4);
    expect(r.stderr + r.stdout).not.toContain('not-the-right-secret');
  });
});

describe('run --download DIR', () => {
  const JOB = (name: string) =>
    `image_uri: python:3.11\ncommand: python train.py\ninstance_type: ecs.c6.large\nsource_dir: src\nbase_job_name: ${name}\noutputs:\n  model: oss://${'pai-emulator-bucket'}/runs/${name}/model/\n`;

  it('after a job that succeeded: its outputs in DIR; with --json a download event after the result', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 50, outputs: { model: { 'weights.bin': 'W'.repeat(1000), 'meta/info.txt': 'trained\n' } } },
        { at: 100, status: 'Succeed' },
      ],
      { name: /^rundl_/ },
    );
    const cwd = project({ 'job.yaml': JOB('rundl'), 'src/train.py': 'print(1)\n' });
    const r = await cli(['run', '-f', 'job.yaml', '--download', 'out', '--json'], cwd);
    expect(r.code).toBe(0);
    expect(files(join(cwd, 'out'))).toEqual(['.pai-process-download.json', 'model/meta/info.txt', 'model/weights.bin']);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.at(-2).event).toBe('result');
    expect(events.at(-1)).toMatchObject({ event: 'download', status: 'Succeed', download: { dir: resolve(cwd, 'out'), files: 2, bytes: 1008, skipped: 0 } });
  });

  it('after a job that failed: nothing downloaded, it says so, exit 1', async () => {
    emu.jobs.script(
      [
        { at: 0, status: 'Running', instances: ['worker-0'] },
        { at: 50, outputs: { model: { 'partial.bin': 'p' } } },
        { at: 100, status: 'Failed', reasonCode: 'JobFailed', reasonMessage: 'exit 1' },
      ],
      { name: /^runfail_/ },
    );
    const cwd = project({ 'job.yaml': JOB('runfail'), 'src/train.py': 'print(1)\n' });
    const r = await cli(['run', '-f', 'job.yaml', '--download', 'out'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Nothing downloaded: the job did not succeed\. Its outputs: pai-process outputs train\w+/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
    expect(emu.journal.filter('GetObject')).toHaveLength(0);
  });

  it('with --detach, or a DIR that is a file: exit 2 and nothing submitted', async () => {
    const cwd = project({ 'job.yaml': JOB('runbad'), 'src/train.py': 'print(1)\n', afile: 'x' });
    const detach = await cli(['run', '-f', 'job.yaml', '--download', 'out', '--detach'], cwd);
    expect(detach.code).toBe(2);
    expect(detach.stderr).toContain('--download waits for the job to succeed, and --detach does not wait');
    const file = await cli(['run', '-f', 'job.yaml', '--download', 'afile'], cwd);
    expect(file.code).toBe(2);
    expect(emu.journal.filter('CreateTrainingJob')).toHaveLength(0);
  });
});

describe('run --download with an executed job', () => {
  let exec: Emulator;
  beforeAll(async () => {
    exec = await startEmulator({ execute: true });
  });
  afterAll(async () => exec?.close());

  it('what the job wrote to its output folder (PAI_OUTPUT_MODEL) comes back into DIR', async () => {
    const job = `image_uri: python:3.11\ncommand: "mkdir -p $PAI_OUTPUT_MODEL/ckpt && printf weights > $PAI_OUTPUT_MODEL/ckpt/w.txt"\ninstance_type: ecs.c6.large\nsource_dir: src\nbase_job_name: execdl\noutputs:\n  model: oss://${exec.bucket}/runs/execdl/model/\n`;
    const cwd = project({ 'job.yaml': job, 'src/train.py': 'print(1)\n' });
    const r = await runCli(['run', '-f', 'job.yaml', '--download', 'out'], { env: exec.env(), cwd, context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
    expect(r.stderr).toContain('✔ Downloaded 1 file (7 B)');
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'out/model/ckpt/w.txt'), 'utf8')).toBe('weights');
  });
});

describe('the built CLI (the bundle, with its own ali-oss)', () => {
  it('outputs --download works as in-process', async () => {
    const job = finishedJob('bundle', { 'bundle/model/x/y.txt': 'from the bundle' });
    const dir = tempDir('bundle-');
    const r = await spawnCli(['outputs', job.id, '--download', dir, '--channel', 'model'], tempDir('cwd-'), emu.env());
    expect(r.stderr).toContain('✔ Downloaded 1 file (15 B)');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'model/x/y.txt'), 'utf8')).toBe('from the bundle');
  });
});

describe('the emulated OSS checks the signatures of the calls a download makes', () => {
  it('ListObjectsV2 and GetObject with a wrong secret: 403 SignatureDoesNotMatch', async () => {
    emu.oss.put('sig/model/a.txt', 'a');
    const bad = ossClient(emu, { accessKeySecret: 'wrong-secret' });
    await expect(bad.listV2({ prefix: 'sig/model/' })).rejects.toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    // ali-oss does not read the body of a streamed GET's error: the status is all it gives.
    await expect(bad.getStream('sig/model/a.txt')).rejects.toMatchObject({ status: 403 });
    expect(emu.journal.last('GetObject')).toMatchObject({ status: 403, errorCode: 'SignatureDoesNotMatch' });
    await expect(ossClient(emu).listV2({ prefix: 'sig/model/' })).resolves.toMatchObject({ objects: [{ name: 'sig/model/a.txt' }] });
  });
});

describe('localPathFor', () => {
  it('keeps keys inside the channel folder and refuses the rest', () => {
    expect(localPathFor('/d', 'model', 'a/b.txt')).toEqual({ path: '/d/model/a/b.txt' });
    expect(localPathFor('/d', 'model', '..')).toEqual({ refused: 'it has a ".." segment' });
    expect(localPathFor('/d', 'model', 'a/../../x')).toEqual({ refused: 'it has a ".." segment' });
    expect(localPathFor('/d', 'model', '/etc/passwd')).toEqual({ refused: 'it is an absolute path' });
    expect(localPathFor('/d', 'model', 'a\\..\\x')).toHaveProperty('refused');
    expect(localPathFor('/d', 'model', 'a/./b')).toHaveProperty('refused');
    expect(localPathFor('/d', '..', 'x')).toHaveProperty('refused');
    expect(localPathFor('/d', 'model', '..hidden/x')).toEqual({ path: '/d/model/..hidden/x' });
  });
});
