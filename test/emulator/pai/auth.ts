// Verifies a PAI request the way the Alibaba Cloud API gateway does: known key, fresh date,
// matching signature (ROA v2 or ACS3), the STS token the key requires, and a nonce never seen.
import type { CredentialStore } from '../credentials.js';
import { ServiceError } from '../errors.js';
import { sha256Hex } from '../http-util.js';
import type { SignatureCheck } from '../journal.js';
import { ACS3_REQUIRED_SIGNED, acs3CanonicalRequest, acs3Signature, acs3StringToSign, parseAcs3Authorization } from './signature-acs3.js';
import { parseRoaAuthorization, roaSignature, roaStringToSign } from './signature-roa.js';

export interface PaiAuthRequest {
  method: string;
  rawPath: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PaiAuthDeps {
  credentials: CredentialStore;
  nonces: NonceCache;
  /** The service's idea of now (real time plus any configured offset). */
  serverNow(): number;
  maxSkewMs: number;
}

export interface AuthResult {
  check: SignatureCheck;
  error?: ServiceError;
}

/** Nonces seen within the freshness window; older ones are forgotten (their dates are stale anyway). */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  has(nonce: string): boolean {
    return this.seen.has(nonce);
  }

  add(nonce: string, now: number): void {
    this.seen.set(nonce, now);
    if (this.seen.size % 256 === 0) {
      for (const [n, t] of this.seen) if (now - t > 2 * this.windowMs) this.seen.delete(n);
    }
  }
}

function fail(check: SignatureCheck, status: number, code: string, message: string): AuthResult {
  return { check: { ...check, ok: false, reason: message }, error: new ServiceError(status, code, message) };
}

export function authenticatePai(req: PaiAuthRequest, deps: PaiAuthDeps): AuthResult {
  const h = req.headers;
  const auth = h['authorization'];
  if (!auth) {
    return fail(
      { algorithm: 'none', ok: false },
      400,
      'IncompleteSignature',
      'The request signature does not conform to Aliyun standards: no Authorization header.',
    );
  }
  const v2 = auth.startsWith('acs ');
  const check: SignatureCheck = { algorithm: v2 ? 'v2' : 'acs3', ok: false };
  const roa = v2 ? parseRoaAuthorization(auth) : undefined;
  const acs3 = v2 ? undefined : parseAcs3Authorization(auth);
  const accessKeyId = roa?.accessKeyId ?? acs3?.accessKeyId;
  if (!accessKeyId) {
    return fail(check, 400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards: malformed Authorization header.');
  }
  check.accessKeyId = accessKeyId;

  const entry = deps.credentials.get(accessKeyId);
  if (!entry) return fail(check, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');

  // Freshness: ROA signs the Date header, ACS3 the x-acs-date header.
  const dateValue = v2 ? h['date'] : h['x-acs-date'];
  const when = dateValue ? Date.parse(dateValue) : NaN;
  if (Number.isNaN(when)) {
    return fail(check, 400, 'InvalidTimeStamp.Format', `Specified time stamp or date value is not well formatted: ${v2 ? 'Date' : 'x-acs-date'}.`);
  }
  if (Math.abs(deps.serverNow() - when) > deps.maxSkewMs) {
    return fail(check, 400, 'InvalidTimeStamp.Expired', `Specified time stamp or date value is expired: ${dateValue}.`);
  }

  if (roa) {
    const stringToSign = roaStringToSign(req.method, h, req.rawPath, req.query);
    if (roaSignature(stringToSign, entry.secret) !== roa.signature) {
      return fail(check, 400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
    }
  } else if (acs3) {
    const missing = ACS3_REQUIRED_SIGNED.filter((name) => !acs3.signedHeaders.includes(name));
    const unsigned = Object.keys(h).filter((name) => name.startsWith('x-acs-') && !acs3.signedHeaders.includes(name));
    if (missing.length > 0 || unsigned.length > 0) {
      return fail(
        check,
        400,
        'IncompleteSignature',
        `The request signature does not conform to Aliyun standards: headers not signed: ${[...missing, ...unsigned].join(', ')}.`,
      );
    }
    const payloadHash = sha256Hex(req.body);
    if ((h['x-acs-content-sha256'] ?? '') !== payloadHash) {
      return fail(check, 400, 'SignatureDoesNotMatch', `The x-acs-content-sha256 header does not match the body: server body sha256 is ${payloadHash}.`);
    }
    const canonical = acs3CanonicalRequest(req.method, req.rawPath, req.query, h, acs3.signedHeaders, h['x-acs-content-sha256'] ?? '');
    if (acs3Signature(acs3StringToSign(canonical), entry.secret) !== acs3.signature) {
      return fail(check, 400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server canonical request is:${canonical}`);
    }
  }

  const token = h['x-acs-security-token'];
  switch (deps.credentials.checkToken(entry, token)) {
    case 'missing':
      // An STS access key id means nothing without its token: the gateway does not know it.
      return fail(check, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found (an STS access key needs its security token).');
    case 'mismatch':
      return fail(check, 400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.');
    case 'unexpected':
      return fail(check, 400, 'InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.');
    case 'expired':
      return fail(check, 400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
    default:
      break;
  }
  const stsKeyHeader = h['x-acs-accesskey-id'];
  if (stsKeyHeader !== undefined && stsKeyHeader !== accessKeyId) {
    return fail(check, 400, 'InvalidSecurityToken.MismatchWithAccessKey', 'The x-acs-accesskey-id header does not name the signing access key.');
  }

  const nonce = h['x-acs-signature-nonce'];
  if (!nonce) return fail(check, 400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.');
  if (deps.nonces.has(nonce)) return fail(check, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  deps.nonces.add(nonce, deps.serverNow());

  return { check: { ...check, ok: true } };
}
