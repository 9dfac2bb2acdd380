// The emulator's executed mode runs jobs through the local runner: like a PAI container, a job there must not
// find the credentials of the process that runs it (the emulator's, execute.env), only its Environments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const HOST_SECRET = 'emulator-host-secret-4242';
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    execute: {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: HOST_SECRET,
        ALIBABA_CLOUD_SECURITY_TOKEN: 'emulator-host-token',
        HOST_THING: 'kept',
      },
    },
  });
});
afterAll(async () => emu?.close());

describe("an executed job's environment", () => {
  it("has the job's Environments and the host's other variables, never the host's cloud credentials", async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: env\ninstance_type: ecs.c6.large\nbase_job_name: envjob\nenvironments:\n  MINE: "yes"\n',
    });
    const r = await spawnCli(['run', '-f', 'job.yaml'], dir, emu.env());
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('MINE=yes');
    expect(lines).toContain('HOST_THING=kept');
    expect(r.stdout).not.toContain(HOST_SECRET);
    expect(r.stdout).not.toContain('emulator-host-token');
    expect(lines.some((l) => l.startsWith('ALIBABA_CLOUD_'))).toBe(false);
  });
});
