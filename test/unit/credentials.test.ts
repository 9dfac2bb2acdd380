import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeTcp, resolveCredentials } from '../../src/cloud/credentials.js';
import { maskAccessKeyId } from '../../src/ui/mask.js';
import { CredentialsError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/run-cli.js';

const noMetadata = async () => false;
const AK = 'LTAI5tFakeKeyId0001';
const SECRET = 'fake-secret-value-0001';

function home(files: Record<string, string> = {}): string {
  const dir = tempDir('home-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('resolveCredentials', () => {
  it('takes an AccessKey from the environment', async () => {
    const c = await resolveCredentials({
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET },
      homedir: home(),
      probeMetadata: noMetadata,
    });
    expect(c).toMatchObject({ accessKeyId: AK, accessKeySecret: SECRET, securityToken: undefined });
    expect(c.source).toContain('env ALIBABA_CLOUD_ACCESS_KEY_ID');
    expect((await c.credential.getCredential()).accessKeyId).toBe(AK);
  });

  it('takes an STS token from the environment', async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.abcdefghij', ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, ALIBABA_CLOUD_SECURITY_TOKEN: 'token-123456' };
    const c = await resolveCredentials({ env, homedir: home(), probeMetadata: noMetadata });
    expect(c.securityToken).toBe('token-123456');
    expect((await c.credential.getCredential()).securityToken).toBe('token-123456');
  });

  it('reads the aliyun CLI profile, the current one or a named one', async () => {
    const config = {
      current: 'dev',
      profiles: [
        { name: 'dev', mode: 'AK', access_key_id: 'LTAIdevdevdev01', access_key_secret: 'dev-secret-1' },
        { name: 'prod', mode: 'AK', access_key_id: 'LTAIprodprod001', access_key_secret: 'prod-secret-1' },
      ],
    };
    const dir = home({ '.aliyun/config.json': JSON.stringify(config) });
    const current = await resolveCredentials({ env: {}, homedir: dir, probeMetadata: noMetadata });
    expect(current.accessKeyId).toBe('LTAIdevdevdev01');
    expect(current.source).toBe('~/.aliyun/config.json');
    const named = await resolveCredentials({ env: {}, homedir: dir, profile: 'prod', probeMetadata: noMetadata });
    expect(named.accessKeyId).toBe('LTAIprodprod001');
    expect(named.source).toBe('~/.aliyun/config.json (profile prod)');
  });

  it('reads ~/.alibabacloud/credentials, and the credentials.ini the Python toolkit writes', async () => {
    const ini = '[default]\nenable = true\ntype = access_key\naccess_key_id = LTAIiniinini001\naccess_key_secret = ini-secret-1\n';
    const a = await resolveCredentials({ env: {}, homedir: home({ '.alibabacloud/credentials': ini }), probeMetadata: noMetadata });
    expect(a.accessKeyId).toBe('LTAIiniinini001');
    const b = await resolveCredentials({ env: {}, homedir: home({ '.alibabacloud/credentials.ini': ini }), probeMetadata: noMetadata });
    expect(b.accessKeyId).toBe('LTAIiniinini001');
    expect(b.source).toBe('~/.alibabacloud/credentials.ini (profile default)');
  });

  it('reads a profile file, a quoted value and a comment among it, without touching process.env', async () => {
    const ini =
      '; written by hand\n[other]\ntype = access_key\naccess_key_id = LTAIotherother01\naccess_key_secret = x\n\n[default]\ntype = access_key\naccess_key_id = "LTAIiniinini002"\naccess_key_secret = ini-secret-2\n';
    const real = process.env;
    // Any write to the process environment while the file is read fails the lookup (and so this test).
    process.env = new Proxy(real, {
      set: () => {
        throw new Error('process.env was written');
      },
      deleteProperty: () => {
        throw new Error('process.env was written');
      },
    });
    try {
      const c = await resolveCredentials({ env: {}, homedir: home({ '.alibabacloud/credentials.ini': ini }), probeMetadata: noMetadata });
      expect(c.accessKeyId).toBe('LTAIiniinini002');
      expect(c.accessKeySecret).toBe('ini-secret-2');
      expect((await c.credential.getCredential()).accessKeyId).toBe('LTAIiniinini002');
    } finally {
      process.env = real;
    }
  });

  it('prefers the environment over the files, as the default chain does', async () => {
    const ini = '[default]\ntype = access_key\naccess_key_id = LTAIiniinini001\naccess_key_secret = ini-secret-1\n';
    const c = await resolveCredentials({
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET },
      homedir: home({ '.alibabacloud/credentials': ini }),
      probeMetadata: noMetadata,
    });
    expect(c.accessKeyId).toBe(AK);
  });

  it('with nothing anywhere, names every place it looked, asking only the injected metadata probe', async () => {
    let probed = 0;
    const error = await resolveCredentials({ env: {}, homedir: home(), probeMetadata: async () => (probed++, false) }).catch((e: unknown) => e);
    // The metadata service is asked once, through the probe (not the library's own chain, which retries for seconds).
    expect(probed).toBe(1);
    expect(error).toBeInstanceOf(CredentialsError);
    const e = error as CredentialsError;
    expect(e.exitCode).toBe(4);
    expect(e.details.join('\n')).toMatch(/ALIBABA_CLOUD_ACCESS_KEY_ID.*not set/);
    expect(e.details.join('\n')).toContain('~/.aliyun/config.json: no such file');
    expect(e.details.join('\n')).toContain('~/.alibabacloud/credentials (profile default): no such file');
    expect(e.details.join('\n')).toContain('ECS RAM role (metadata service 100.100.100.200): not reachable');
    expect(e.details.join('\n')).toContain('ALIBABA_CLOUD_CREDENTIALS_URI: not set');
    expect(e.hint).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
  });

  it('says which half of an env AccessKey is missing', async () => {
    const e = (await resolveCredentials({ env: { ALIBABA_CLOUD_ACCESS_KEY_ID: AK }, homedir: home(), probeMetadata: noMetadata }).catch(
      (x: unknown) => x,
    )) as CredentialsError;
    expect(e.details[0]).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set');
  });

  it('reports a profile that is there but unusable, with the reason', async () => {
    const e = (await resolveCredentials({
      env: {},
      homedir: home({ '.alibabacloud/credentials': '[default]\nenable = true\n' }),
      probeMetadata: noMetadata,
    }).catch((x: unknown) => x)) as CredentialsError;
    expect(e).toBeInstanceOf(CredentialsError);
    expect(e.details.join('\n')).toContain('Can not find credential type for "default"');
  });

  it('honours ALIBABA_CLOUD_ECS_METADATA_DISABLED without probing', async () => {
    let probed = false;
    const e = (await resolveCredentials({
      env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
      homedir: home(),
      probeMetadata: async () => ((probed = true), false),
    }).catch((x: unknown) => x)) as CredentialsError;
    expect(probed).toBe(false);
    expect(e.details.join('\n')).toContain('disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED');
  });

  it('with --profile, reads only that profile and says when it is not there', async () => {
    const e = (await resolveCredentials({
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET },
      homedir: home(),
      profile: 'ci',
      probeMetadata: noMetadata,
    }).catch((x: unknown) => x)) as CredentialsError;
    expect(e).toBeInstanceOf(CredentialsError);
    expect(e.message).toBe('No credentials profile "ci" found');
  });
});

describe('maskAccessKeyId', () => {
  it('keeps enough to tell keys apart', () => {
    expect(maskAccessKeyId('LTAI5tFakeKeyId0001')).toBe('LTAI****0001');
    expect(maskAccessKeyId('short')).toBe('****');
  });
});

describe('probeTcp', () => {
  it('is true for a listening port and false for a closed one, within its time limit', async () => {
    const server = createServer((s) => s.end()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    expect(await probeTcp('127.0.0.1', port, 500)).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await probeTcp('127.0.0.1', port, 500)).toBe(false);
  });
});
