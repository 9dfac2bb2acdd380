import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FAST_CADENCE, project, runCli } from '../helpers/run-cli.js';

/**
 * STS credentials that expire during a long follow are renewed through their provider. A local credentials
 * URI (the Alibaba Cloud `ALIBABA_CLOUD_CREDENTIALS_URI` source) hands out short-lived tokens, each of which
 * the emulator expires as soon as the next is issued: a run that kept using its first token would fail.
 */

let emu: Emulator;
let server: Server;
let issued = 0;

beforeAll(async () => {
  emu = await startEmulator();
  server = createServer((_req, res) => {
    issued++;
    const id = `STS.ROTATING${String(issued).padStart(4, '0')}`;
    // The token before this one stops working now.
    const previous = `STS.ROTATING${String(issued - 1).padStart(4, '0')}`;
    const old = emu.credentials.get(previous);
    if (old) emu.credentials.set(previous, { ...old, expired: true });
    emu.credentials.set(id, { secret: `rotating-secret-${issued}`, securityToken: `rotating-token-${issued}` });
    res.setHeader('content-type', 'application/json');
    // Ten minutes left is inside the library's 15-minute refresh window: every use asks for a new one.
    res.end(
      JSON.stringify({
        Code: 'Success',
        AccessKeyId: id,
        AccessKeySecret: `rotating-secret-${issued}`,
        SecurityToken: `rotating-token-${issued}`,
        Expiration: new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await emu?.close();
  await new Promise((r) => server?.close(r));
});

describe('credentials renewed by their provider', () => {
  it('a long follow keeps working as its STS token is replaced, and never prints a token', async () => {
    emu.jobs.setDefaultScript([
      { at: 0, status: 'Running', instances: ['worker-0'] },
      { at: 50, logs: ['a\n'] },
      { at: 400, logs: ['b\n'] },
      { at: 700, status: 'Succeed' },
    ]);
    const env = { ...emu.env(), ALIBABA_CLOUD_CREDENTIALS_URI: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
    delete (env as Record<string, string | undefined>)['ALIBABA_CLOUD_ACCESS_KEY_ID'];
    delete (env as Record<string, string | undefined>)['ALIBABA_CLOUD_ACCESS_KEY_SECRET'];
    const dir = project({ 'job.yaml': 'image_uri: x\ncommand: x\ninstance_type: ecs.c6.large\n', 'main.py': '' });
    const r = await runCli(['run', '-f', 'job.yaml'], { cwd: dir, env, context: { cadence: FAST_CADENCE } });
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a\nb\n');
    expect(issued).toBeGreaterThan(3);
    expect(r.stdout + r.stderr).not.toMatch(/rotating-(secret|token)/);
  });
});
