// OSS refusals through ali-oss: wrong secret, unknown key, stale date, STS tokens, for V1 and
// V4; errors are 403 XML with x-oss-request-id, and HEAD errors carry the code in x-oss-err.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ossClient } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { failure, rawRequest } from './test-support.js';

describe('OSS signatures', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      credentials: {
        AKOSS: { secret: 'oss-secret' },
        'STS.OSSTEMP': { secret: 'sts-secret', securityToken: 'sts-token' },
      },
    });
    emu.oss.put('exists.txt', 'here');
  });
  afterAll(async () => emu.close());

  for (const v4 of [false, true]) {
    describe(v4 ? 'V4' : 'V1', () => {
      it('refuses a wrong secret with 403 SignatureDoesNotMatch, as XML', async () => {
        const err = await failure(ossClient(emu, { v4, accessKeySecret: 'wrong' }).put('a.txt', Buffer.from('a')));
        expect(err['code']).toBe('SignatureDoesNotMatch');
        expect(err['status']).toBe(403);
        expect(typeof err['requestId']).toBe('string');
        expect(err['hostId']).toBe(`${emu.bucket}.oss-cn-hangzhou.aliyuncs.com`);
        expect(emu.oss.get('a.txt')).toBeUndefined();
        expect(emu.journal.last('PutObject')?.signature).toMatchObject({ algorithm: v4 ? 'oss-v4' : 'oss-v1', ok: false });
      });

      it('reports the code of a refused HEAD through x-oss-err', async () => {
        const err = await failure(ossClient(emu, { v4, accessKeySecret: 'wrong' }).head('exists.txt'));
        expect(err['code']).toBe('SignatureDoesNotMatch');
        expect(err['status']).toBe(403);
      });

      it('refuses an unknown key with 403 InvalidAccessKeyId', async () => {
        const err = await failure(ossClient(emu, { v4, accessKeyId: 'AKNOBODY', accessKeySecret: 'x' }).get('exists.txt'));
        expect(err['code']).toBe('InvalidAccessKeyId');
        expect(err['status']).toBe(403);
      });

      it('refuses a stale date with 403 RequestTimeTooSkewed', async () => {
        emu.serverTimeOffsetMs = -20 * 60 * 1000;
        try {
          const err = await failure(ossClient(emu, { v4 }).get('exists.txt'));
          expect(err['code']).toBe('RequestTimeTooSkewed');
          expect(err['status']).toBe(403);
        } finally {
          emu.serverTimeOffsetMs = 0;
        }
      });

      it('accepts an STS key with its token; refuses a wrong or missing token', async () => {
        const sts = { v4, accessKeyId: 'STS.OSSTEMP', accessKeySecret: 'sts-secret' };
        const ok = await ossClient(emu, { ...sts, stsToken: 'sts-token' }).get('exists.txt');
        expect(ok.content.toString()).toBe('here');
        expect(emu.journal.last('GetObject')?.headers['x-oss-security-token']).toBe('sts-token');
        const wrong = await failure(ossClient(emu, { ...sts, stsToken: 'other' }).get('exists.txt'));
        expect(wrong['code']).toBe('InvalidSecurityToken');
        expect(wrong['status']).toBe(403);
        const missing = await failure(ossClient(emu, sts).get('exists.txt'));
        expect(missing['code']).toBe('InvalidAccessKeyId');
      });
    });
  }

  it('answers an anonymous request with 403 AccessDenied, XML body and x-oss-request-id', async () => {
    const res = await rawRequest(`${emu.ossEndpoint}/exists.txt`, 'GET', { host: `${emu.bucket}.oss-cn-hangzhou.aliyuncs.com` });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><RequestId>[0-9A-F-]+<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/,
    );
    expect(res.headers['x-oss-request-id']).toBe(/<RequestId>([^<]+)</.exec(res.body)?.[1]);
  });

  it('includes the string to sign in SignatureDoesNotMatch, as OSS does', async () => {
    await failure(ossClient(emu, { accessKeySecret: 'wrong' }).get('exists.txt'));
    const reason = emu.journal.last('GetObject')?.signature.reason;
    expect(reason).toMatch(/does not match/);
  });
});
