// The legacy ROA signature ("v2", HMAC-SHA1) that the PAI Python SDK uses and that
// @alicloud/openapi-client sends with signatureAlgorithm 'v2':
//   METHOD\nACCEPT\nCONTENT-MD5\nCONTENT-TYPE\nDATE\n + sorted "x-acs-*:value\n" + resource
// where resource = path ["?" sorted "k=v" pairs, raw values; a key with an empty value is "k"].
// The empty-value rule follows the signature specification, not the Node client (which signs
// "k="): a client sending an empty query parameter gets SignatureDoesNotMatch, as from the service.
import { createHmac } from 'node:crypto';

export function roaStringToSign(method: string, headers: Record<string, string>, rawPath: string, query: Array<[string, string]>): string {
  const head = [method, headers['accept'] ?? '', headers['content-md5'] ?? '', headers['content-type'] ?? '', headers['date'] ?? ''].join('\n') + '\n';
  const acs = Object.keys(headers)
    .filter((k) => k.startsWith('x-acs-'))
    .sort()
    .map((k) => `${k}:${(headers[k] ?? '').replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
  const pairs = [...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  const resource = pairs.length > 0 ? `${rawPath}?${pairs.join('&')}` : rawPath;
  return head + acs + resource;
}

export function roaSignature(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/** Parses "acs AK:signature". */
export function parseRoaAuthorization(value: string): { accessKeyId: string; signature: string } | undefined {
  const m = /^acs ([^:\s]+):(\S+)$/.exec(value.trim());
  return m?.[1] && m[2] ? { accessKeyId: m[1], signature: m[2] } : undefined;
}
