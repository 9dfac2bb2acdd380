// PAI request signing through the real @alicloud/openapi-client: both signers accepted, every
// kind of bad credential refused with the gateway's code, status and JSON error body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paiClient } from './clients.js';
import { startEmulator, type Emulator } from './index.js';
import { failure, rawRequest } from './test-support.js';

const LIST = '/api/v1/trainingjobs';

describe('PAI signatures', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      credentials: {
        AKPERMANENT: { secret: 'permanent-secret' },
        'STS.AKTEMP': { secret: 'sts-secret', securityToken: 'token-123' },
        'STS.AKOLD': { secret: 'old-secret', securityToken: 'token-old', expired: true },
      },
    });
  });
  afterAll(async () => emu.close());

  for (const alg of ['v2', 'acs3'] as const) {
    describe(`signatureAlgorithm ${alg}`, () => {
      it('accepts a correctly signed call and journals the algorithm', async () => {
        const res = await paiClient(emu, { signatureAlgorithm: alg }).call('ListTrainingJobs', 'GET', LIST, { query: { WorkspaceId: emu.workspaceId } });
        expect(res.statusCode).toBe(200);
        expect(res.body['TotalCount']).toBe(0);
        expect(res.headers['x-acs-request-id']).toBe(res.body['RequestId']);
        const entry = emu.journal.last('ListTrainingJobs');
        expect(entry?.signature).toMatchObject({ algorithm: alg, ok: true, accessKeyId: 'AKPERMANENT' });
      });

      it('refuses a wrong secret with SignatureDoesNotMatch (400, JSON body)', async () => {
        const err = await failure(paiClient(emu, { signatureAlgorithm: alg, accessKeySecret: 'wrong' }).call('ListTrainingJobs', 'GET', LIST));
        expect(err['code']).toBe('SignatureDoesNotMatch');
        expect(err['statusCode']).toBe(400);
        const data = err['data'] as Record<string, unknown>;
        expect(data).toMatchObject({ Code: 'SignatureDoesNotMatch', HostId: 'pai.cn-hangzhou.aliyuncs.com' });
        expect(typeof data['RequestId']).toBe('string');
        expect(emu.journal.last()?.signature).toMatchObject({ algorithm: alg, ok: false });
      });

      it('refuses an unknown access key id with InvalidAccessKeyId.NotFound (404)', async () => {
        const err = await failure(
          paiClient(emu, { signatureAlgorithm: alg, accessKeyId: 'AKNOBODY', accessKeySecret: 'x' }).call('ListTrainingJobs', 'GET', LIST),
        );
        expect(err['code']).toBe('InvalidAccessKeyId.NotFound');
        expect(err['statusCode']).toBe(404);
      });

      it('refuses a date more than 15 minutes off with InvalidTimeStamp.Expired (400)', async () => {
        emu.serverTimeOffsetMs = 16 * 60 * 1000;
        try {
          const err = await failure(
            paiClient(emu, { signatureAlgorithm: alg, accessKeyId: 'AKPERMANENT', accessKeySecret: 'permanent-secret' }).call('ListTrainingJobs', 'GET', LIST),
          );
          expect(err['code']).toBe('InvalidTimeStamp.Expired');
          expect(err['statusCode']).toBe(400);
        } finally {
          emu.serverTimeOffsetMs = 0;
        }
        // 14 minutes of skew is still fine.
        emu.serverTimeOffsetMs = -14 * 60 * 1000;
        try {
          await paiClient(emu, { signatureAlgorithm: alg }).call('ListTrainingJobs', 'GET', LIST);
        } finally {
          emu.serverTimeOffsetMs = 0;
        }
      });

      it('accepts an STS key with its token and refuses a wrong, missing or expired token', async () => {
        const sts = { signatureAlgorithm: alg, accessKeyId: 'STS.AKTEMP', accessKeySecret: 'sts-secret' } as const;
        const ok = await paiClient(emu, { ...sts, securityToken: 'token-123' }).call('ListTrainingJobs', 'GET', LIST);
        expect(ok.statusCode).toBe(200);
        expect(emu.journal.last()?.headers['x-acs-security-token']).toBe('token-123');

        const wrong = await failure(paiClient(emu, { ...sts, securityToken: 'token-999' }).call('ListTrainingJobs', 'GET', LIST));
        expect(wrong['code']).toBe('InvalidSecurityToken.MismatchWithAccessKey');
        expect(wrong['statusCode']).toBe(400);

        const missing = await failure(paiClient(emu, sts).call('ListTrainingJobs', 'GET', LIST));
        expect(missing['code']).toBe('InvalidAccessKeyId.NotFound');

        const expired = await failure(
          paiClient(emu, { signatureAlgorithm: alg, accessKeyId: 'STS.AKOLD', accessKeySecret: 'old-secret', securityToken: 'token-old' }).call(
            'ListTrainingJobs',
            'GET',
            LIST,
          ),
        );
        expect(expired['code']).toBe('InvalidSecurityToken.Expired');

        const unexpected = await failure(paiClient(emu, { signatureAlgorithm: alg, securityToken: 'token-123' }).call('ListTrainingJobs', 'GET', LIST));
        expect(unexpected['code']).toBe('InvalidSecurityToken.Malformed');
      });

      it('refuses a replayed request (same nonce) with SignatureNonceUsed', async () => {
        await paiClient(emu, { signatureAlgorithm: alg }).call('ListTrainingJobs', 'GET', LIST, { query: { PageSize: '5' } });
        const captured = emu.journal.last('ListTrainingJobs');
        expect(captured?.status).toBe(200);
        if (!captured) throw new Error('no request captured');
        const headers = { ...captured.headers };
        delete headers['connection'];
        const replay = await rawRequest(`${emu.paiEndpoint}${captured.path}?PageSize=5`, 'GET', headers);
        expect(replay.status).toBe(400);
        expect(replay.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(replay.body)).toMatchObject({ Code: 'SignatureNonceUsed' });
        // A fresh nonce on the same signature no longer matches: the nonce is signed.
        const renonced = await rawRequest(`${emu.paiEndpoint}${captured.path}?PageSize=5`, 'GET', { ...headers, 'x-acs-signature-nonce': 'fresh-nonce' });
        expect(JSON.parse(renonced.body)).toMatchObject({ Code: 'SignatureDoesNotMatch' });
      });

      it('verifies query values that need encoding', async () => {
        const weird = "a b*c!(x)'~+/é%20&=?#";
        const res = await paiClient(emu, { signatureAlgorithm: alg }).call('ListTrainingJobs', 'GET', LIST, {
          query: { TrainingJobName: weird, StartTime: '2020-11-08T16:00:00Z' },
        });
        expect(res.statusCode).toBe(200);
        expect(emu.journal.last()?.query).toEqual({ TrainingJobName: weird, StartTime: '2020-11-08T16:00:00Z' });
      });

      it('serves aiworkspace ListConfigs (2021-02-04) on its own port', async () => {
        const res = await paiClient(emu, { signatureAlgorithm: alg, endpoint: emu.workspaceEndpoint }).call(
          'ListConfigs',
          'GET',
          `/api/v1/workspaces/${emu.workspaceId}/configs`,
          {
            query: { ConfigKeys: 'modelExportPath' },
            version: '2021-02-04',
          },
        );
        expect(res.body['Configs']).toEqual([{ ConfigKey: 'modelExportPath', ConfigValue: `oss://${emu.bucket}/pai/model_export/` }]);
      });
    });
  }

  it('refuses an unsigned request with IncompleteSignature', async () => {
    const res = await rawRequest(`${emu.paiEndpoint}${LIST}`, 'GET', { 'x-acs-version': '2022-01-12', 'x-acs-action': 'ListTrainingJobs' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ Code: 'IncompleteSignature' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('refuses a v2 request that signs an empty query value as "k=" (the spec writes "k")', async () => {
    const err = await failure(paiClient(emu, { signatureAlgorithm: 'v2' }).call('ListTrainingJobs', 'GET', LIST, { query: { Status: '' } }));
    expect(err['code']).toBe('SignatureDoesNotMatch');
  });

  it('answers 404 InvalidAction.NotFound for a wrong version, action name or path', async () => {
    const pai = paiClient(emu);
    const wrongVersion = await failure(pai.call('ListTrainingJobs', 'GET', LIST, { version: '2021-02-04' }));
    expect(wrongVersion['code']).toBe('InvalidAction.NotFound');
    expect(wrongVersion['statusCode']).toBe(404);
    const wrongAction = await failure(pai.call('ListJobs', 'GET', LIST));
    expect(wrongAction['code']).toBe('InvalidAction.NotFound');
    const wrongPath = await failure(pai.call('GetTrainingJob', 'GET', '/api/v1/trainingjob/x'));
    expect(wrongPath['code']).toBe('InvalidAction.NotFound');
  });

  it('answers 404 WorkspaceNotFound for an unknown workspace in ListConfigs', async () => {
    const err = await failure(
      paiClient(emu, { endpoint: emu.workspaceEndpoint }).call('ListConfigs', 'GET', '/api/v1/workspaces/999/configs', { version: '2021-02-04' }),
    );
    expect(err['code']).toBe('WorkspaceNotFound');
    expect(err['statusCode']).toBe(404);
  });
});
