// Verifies an OSS request as OSS does: V1 header, V1 pre-signed URL, or V4 header; known key,
// fresh date, matching signature, and the STS token the key requires. Errors are 403s with the
// service's codes, and SignatureDoesNotMatch carries the string to sign, as OSS's does.
import type { CredentialStore } from '../credentials.js';
import { ServiceError } from '../errors.js';
import type { SignatureCheck } from '../journal.js';
import type { Call } from '../service.js';
import { canonicalizedResource, ossV1Signature, ossV1StringToSign, parseOssV1Authorization } from './signature-v1.js';
import { ossV4CanonicalRequest, ossV4Signature, ossV4StringToSign, parseCompactDate, parseOssV4Authorization } from './signature-v4.js';

export interface OssAuthDeps {
  credentials: CredentialStore;
  serverNow(): number;
  maxSkewMs: number;
}

export interface OssAuthResult {
  check: SignatureCheck;
  error?: ServiceError;
}

function fail(check: SignatureCheck, status: number, code: string, message: string, details: Record<string, string> = {}): OssAuthResult {
  return { check: { ...check, ok: false, reason: message }, error: new ServiceError(status, code, message, details) };
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

export function authenticateOss(call: Call, bucket: string | undefined, key: string, deps: OssAuthDeps): OssAuthResult {
  const h = call.headers;
  const q = call.queryObj;
  const auth = h['authorization'];
  const presigned = !auth && q['OSSAccessKeyId'] !== undefined && q['Signature'] !== undefined;
  if (!auth && !presigned) {
    return fail({ algorithm: 'none', ok: false }, 403, 'AccessDenied', 'You have no right to access this object because of bucket acl.');
  }
  const check: SignatureCheck = { algorithm: presigned ? 'oss-v1-url' : auth?.startsWith('OSS4-HMAC-SHA256') ? 'oss-v4' : 'oss-v1', ok: false };
  const v1 = auth && check.algorithm === 'oss-v1' ? parseOssV1Authorization(auth) : undefined;
  const v4 = auth && check.algorithm === 'oss-v4' ? parseOssV4Authorization(auth) : undefined;
  const accessKeyId = presigned ? q['OSSAccessKeyId'] : (v1?.accessKeyId ?? v4?.accessKeyId);
  if (!accessKeyId) return fail(check, 400, 'InvalidArgument', 'Authorization header is invalid.');
  check.accessKeyId = accessKeyId;
  const entry = deps.credentials.get(accessKeyId);
  if (!entry) {
    return fail(check, 403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: accessKeyId });
  }

  const now = deps.serverNow();
  let dateLine: string;
  if (presigned) {
    dateLine = q['Expires'] ?? '';
    const expires = Number(dateLine) * 1000;
    if (!Number.isFinite(expires) || expires < now) return fail(check, 403, 'AccessDenied', 'Request has expired.', { Expires: dateLine });
  } else {
    dateLine = h['x-oss-date'] ?? h['date'] ?? '';
    const when = v4 ? parseCompactDate(dateLine) : Date.parse(dateLine);
    if (Number.isNaN(when)) return fail(check, 403, 'AccessDenied', 'Authentication requires a valid Date or x-oss-date header.');
    if (Math.abs(now - when) > deps.maxSkewMs) {
      return fail(check, 403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
        RequestTime: dateLine,
        ServerTime: new Date(now).toISOString(),
      });
    }
  }

  if (v4) {
    if (!dateLine.startsWith(v4.date)) return fail(check, 403, 'SignatureDoesNotMatch', 'The credential date does not match x-oss-date.');
    const canonical = ossV4CanonicalRequest(call.method, bucket, key, call.query, h, v4.additionalHeaders);
    const stringToSign = ossV4StringToSign(v4, dateLine, canonical);
    if (ossV4Signature(entry.secret, v4, stringToSign) !== v4.signature) {
      return fail(check, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, {
        CanonicalRequest: canonical,
        StringToSign: stringToSign,
        OSSAccessKeyId: accessKeyId,
      });
    }
  } else {
    const query = presigned ? call.query.filter(([k]) => k !== 'OSSAccessKeyId' && k !== 'Signature' && k !== 'Expires') : call.query;
    const stringToSign = ossV1StringToSign(call.method, h, canonicalizedResource(bucket, key, query), dateLine);
    const provided = presigned ? (q['Signature'] ?? '') : (v1?.signature ?? '');
    if (ossV1Signature(stringToSign, entry.secret) !== provided) {
      return fail(check, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, {
        StringToSign: stringToSign,
        SignatureProvided: provided,
        OSSAccessKeyId: accessKeyId,
      });
    }
  }

  const token = presigned ? q['security-token'] : h['x-oss-security-token'];
  switch (deps.credentials.checkToken(entry, token)) {
    case 'missing':
      // Without its token an STS key id is unknown to OSS.
      return fail(check, 403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records (an STS key needs its security token).', {
        OSSAccessKeyId: accessKeyId,
      });
    case 'mismatch':
    case 'unexpected':
      return fail(check, 403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
    case 'expired':
      return fail(check, 403, 'InvalidSecurityToken', 'The security token you provided has expired.');
    default:
      break;
  }
  return { check: { ...check, ok: true } };
}
