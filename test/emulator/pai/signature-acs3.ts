// ACS3-HMAC-SHA256, the default signer of @alicloud/openapi-client:
//   CanonicalRequest = METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED_HEADERS\nHASHED_PAYLOAD
//   StringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(CanonicalRequest))
//   Signature = hex(HMAC-SHA256(secret, StringToSign))
import { createHmac } from 'node:crypto';
import { rfc3986, sha256Hex } from '../http-util.js';

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAcs3Authorization(value: string): Acs3Authorization | undefined {
  const m = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(value.trim());
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { accessKeyId: m[1], signedHeaders: m[2].split(';'), signature: m[3].toLowerCase() };
}

export function acs3CanonicalRequest(
  method: string,
  rawPath: string,
  query: Array<[string, string]>,
  headers: Record<string, string>,
  signedHeaders: string[],
  hashedPayload: string,
): string {
  // The client signs its pathname as given, after replacing the first '+', '*' and '%7E'.
  const uri = rawPath.replace('+', '%20').replace('*', '%2A').replace('%7E', '~');
  const q = [...query]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${rfc3986(v)}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(headers[h] ?? '').trim()}\n`).join('');
  return [method, uri, q, canonicalHeaders, signedHeaders.join(';'), hashedPayload].join('\n');
}

export function acs3StringToSign(canonicalRequest: string): string {
  return `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
}

export function acs3Signature(stringToSign: string, secret: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}

/** Headers the service insists on having signed. */
export const ACS3_REQUIRED_SIGNED = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];
