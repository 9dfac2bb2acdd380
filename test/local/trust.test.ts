// What a local job may reach of the user's machine: not the cloud credentials of the shell that ran it
// (unless --pass-env names one), never in the clear on the CLI's output, and never the user's input files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobEnvironment } from '../../src/core/local/index.js';
import { runCli } from '../helpers/run-cli.js';
import { jobYaml, parseEnv, runLocal, tempDir } from './support.js';

const SECRET = 'sk-LOCAL-trust-9f8e7d6c5b4a';
const CREDENTIALS = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-local-trust-id',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET,
  ALIBABA_CLOUD_SECURITY_TOKEN: 'sts-token-local-trust-0123',
  ALIBABA_CLOUD_CREDENTIALS_URI: 'http://127.0.0.1:1/credentials',
  ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1:role/x',
  ALIBABA_CLOUD_OIDC_TOKEN_FILE: '/var/run/oidc/token',
};

describe("run --local and the shell's cloud credentials", () => {
  it("the job does not see them; the rest of the environment and the job's own variables it does", async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'env', environments: { MINE: 'yes' } }) }, [], {
      env: { ...CREDENTIALS, KEEP_ME: 'kept', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    });
    expect(r.code).toBe(0);
    const seen = parseEnv(r.stdout);
    for (const name of Object.keys(CREDENTIALS)) expect(seen[name], name).toBeUndefined();
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain('LTAI-local-trust-id');
    expect(seen['KEEP_ME']).toBe('kept');
    expect(seen['MINE']).toBe('yes');
    expect(seen['PAI_WORKING_DIR']).toBeDefined();
  });

  it('--pass-env lets one through; a secret passed is still masked in what the job prints', async () => {
    const r = await runLocal(
      { 'job.yaml': jobYaml({ command: 'env; echo "secret is $ALIBABA_CLOUD_ACCESS_KEY_SECRET"' }) },
      ['--pass-env', 'ALIBABA_CLOUD_ACCESS_KEY_ID', '--pass-env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
      { env: { ...CREDENTIALS, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' } },
    );
    expect(r.code).toBe(0);
    const seen = parseEnv(r.stdout);
    expect(seen['ALIBABA_CLOUD_ACCESS_KEY_ID']).toBe('LTAI-local-trust-id');
    // The job received it (the line is there), and the CLI printed it masked.
    expect(seen['ALIBABA_CLOUD_ACCESS_KEY_SECRET']).toBe('****');
    expect(r.stdout).toContain('secret is ****');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    // Only what was named: the token stays withheld.
    expect(seen['ALIBABA_CLOUD_SECURITY_TOKEN']).toBeUndefined();
  });

  it('--pass-env of a variable this shell does not have: said, and the job runs without it', async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo "[$NOT_THERE]"' }) }, ['--pass-env', 'NOT_THERE']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[]\n');
    expect(r.stderr).toContain('! --pass-env NOT_THERE: NOT_THERE is not set in this shell, so the job does not get it');
  });

  it('--pass-env takes a variable name, and only with --local', async () => {
    const bad = await runLocal({ 'job.yaml': jobYaml({ command: 'true' }) }, ['--pass-env', 'A=B']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--pass-env expects a variable name, got "A=B"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const cloud = await runCli(['run', '--image', 'python:3.11', '--command', 'true', '--instance-type', 'ecs.c6.large', '--pass-env', 'HOME', '--dry-run'], {
      env: { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '1' },
    });
    expect(cloud.code).toBe(2);
    expect(cloud.stderr).toContain('--pass-env applies to local runs only');
  });

  it('the rule itself: credentials and PAI_* withheld, names in passEnv let through, empty values dropped', () => {
    const env = { ...CREDENTIALS, ALICLOUD_SECRET_KEY: 'old-form', PAI_INPUT_STALE: '/x', HOME: '/h', UNSET: undefined };
    expect(jobEnvironment(env)).toEqual({ HOME: '/h' });
    expect(jobEnvironment(env, ['ALIBABA_CLOUD_ROLE_ARN', 'PAI_INPUT_STALE'])).toEqual({
      HOME: '/h',
      ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1:role/x',
      PAI_INPUT_STALE: '/x',
    });
  });
});

describe("run --local and the user's input files", () => {
  it("a job that writes into its input folder and input file leaves the user's files untouched", async () => {
    const data = tempDir('data-');
    writeFileSync(join(data, 'a.txt'), 'original\n');
    const r = await runLocal({
      'job.yaml': jobYaml({
        command: 'echo changed > "$PAI_INPUT_ALL"a.txt && echo new > "$PAI_INPUT_ALL"new.txt && echo changed > "$PAI_INPUT_ONE"',
        inputs: { all: data, one: './local/one.txt' },
      }),
      'local/one.txt': 'one\n',
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(data, 'a.txt'), 'utf8')).toBe('original\n');
    expect(() => readFileSync(join(data, 'new.txt'))).toThrow();
    expect(readFileSync(join(r.dir, 'local', 'one.txt'), 'utf8')).toBe('one\n');
  });
});
