import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, FAST_RETRY, project, runCli } from '../helpers/run-cli.js';

/** What `run` sends to OSS from a code folder that holds credentials, seen from the storage side. */

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

const JOB = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\nwait: false\n';
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

type CodeDirBody = { AlgorithmSpec: { CodeDir: { LocationValue: { Bucket: string; Key: string } } } };

function uploadedPaths(): string[] {
  const { Bucket, Key } = (emu.journal.last('CreateTrainingJob')!.body as CodeDirBody).AlgorithmSpec.CodeDir.LocationValue;
  return emu.oss
    .list(Key, Bucket)
    .map((o) => o.key.slice(Key.length))
    .sort();
}

describe('run with credentials in the code folder', () => {
  it('uploads none of them, and names a private key kept under another name', async () => {
    const dir = project({
      'job.yaml': JOB,
      'code/main.py': 'print(1)\n',
      'code/.env.local': 'ALIBABA_CLOUD_ACCESS_KEY_SECRET=s3cr3t\n',
      'code/.aws/credentials': '[default]\naws_secret_access_key = s3cr3t\n',
      'code/.aliyun/config.json': '{"access_key_secret": "s3cr3t"}\n',
      'code/deploy/id_ed25519': KEY,
      'code/tls/server.key': KEY,
      'code/.netrc': 'machine x login u password s3cr3t\n',
      'code/conf/deploy_identity': KEY,
    });
    const r = await runCli(['run', '-f', 'job.yaml'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
    expect(r.code, r.stderr).toBe(0);
    expect(uploadedPaths()).toEqual(['conf/deploy_identity', 'main.py']);
    expect(r.stderr).toMatch(/conf\/deploy_identity looks like a private key/);
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('uploads one that .paiignore brings back', async () => {
    const dir = project({
      'job.yaml': JOB,
      'code/main.py': 'print(1)\n',
      'code/.paiignore': '!.env.example\n',
      'code/.env.example': 'TOKEN=\n',
      'code/.env.local': 'TOKEN=x\n',
    });
    const r = await runCli(['run', '-f', 'job.yaml'], { cwd: dir, env: emu.env(), context: { cadence: FAST_CADENCE, retry: FAST_RETRY } });
    expect(r.code, r.stderr).toBe(0);
    expect(uploadedPaths()).toEqual(['.env.example', '.paiignore', 'main.py']);
  });
});
