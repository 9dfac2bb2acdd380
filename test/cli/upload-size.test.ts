// Upload dedup (src/core/upload-code.ts, src/core/upload-files.ts): an object already at the code's key counts
// as uploaded only when it holds this content. One of another size (a truncated upload, another tool's file)
// is sent again, whatever its ETag or metadata claim.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\nwait: false\n';
type CodeDirBody = { AlgorithmSpec: { CodeDir: { LocationValue: { Key: string } } } };

async function codeKey(dir: string, args: string[] = []): Promise<string> {
  const dry = await runCli(['run', '-f', 'job.yaml', '--dry-run', '--json', ...args], { cwd: dir, env: emu.env() });
  expect(dry.code, dry.stderr).toBe(0);
  return (JSON.parse(dry.stdout) as { request: CodeDirBody }).request.AlgorithmSpec.CodeDir.LocationValue.Key;
}

function run(dir: string, args: string[] = []) {
  return runCli(['run', '-f', 'job.yaml', ...args], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
}

const putsOf = (key: string, since: number) => emu.journal.filter((e) => e.action === 'PutObject' && e.key === key && e.seq > since).length;
const mark = () => emu.journal.last()?.seq ?? 0;

describe('an object already in OSS with another size', () => {
  it('code_upload: archive: a shorter object at the archive key is replaced; the right one is then kept', async () => {
    const dir = project({ 'job.yaml': JOB, 'code/main.py': 'print("archive")\n', 'code/lib/util.py': 'X = 1\n' });
    const key = await codeKey(dir, ['--set', 'code_upload=archive']);
    emu.oss.store(emu.bucket, key, Buffer.from('truncated'), 'application/gzip', {});
    let since = mark();
    expect((await run(dir, ['--set', 'code_upload=archive'])).code).toBe(0);
    expect(putsOf(key, since)).toBe(1);
    const stored = emu.oss.get(key, emu.bucket)!;
    expect(stored.data.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // a gzip stream, not the placed bytes
    // The object now holds this content: the next run sends nothing.
    since = mark();
    const again = await run(dir, ['--set', 'code_upload=archive']);
    expect(again.code).toBe(0);
    expect(putsOf(key, since)).toBe(0);
  });

  it("files: an object of another size whose metadata claims the file's SHA-256 is sent again", async () => {
    const content = 'print("files")\n';
    const dir = project({ 'job.yaml': JOB, 'code/main.py': content });
    const prefix = await codeKey(dir);
    const sha256 = createHash('sha256').update(content).digest('hex');
    // As a multipart upload leaves it (an ETag that is no MD5 of the bytes), with the right digest in its metadata.
    emu.oss.store(
      emu.bucket,
      `${prefix}main.py`,
      Buffer.from('print("files")\n# and more\n'),
      'text/plain',
      { 'content-sha256': sha256 },
      '5B0E0E1C1F3A6D1A2B3C4D5E6F708192-2',
    );
    const since = mark();
    expect((await run(dir)).code).toBe(0);
    expect(putsOf(`${prefix}main.py`, since)).toBe(1);
    expect(emu.oss.get(`${prefix}main.py`, emu.bucket)!.data.toString()).toBe(content);
  });
});
