// OSS signature V4 (ali-oss with authorizationV4: true):
//   CanonicalRequest = VERB\nURI\nQUERY\nHEADERS\nADDITIONAL_HEADERS\nPAYLOAD_HASH
//   URI = rfc3986("/bucket/key") with %2F back to "/"; QUERY = all parameters, keys sorted,
//   "k=v" encoded, or "k" for an empty value; HEADERS = content-type, content-md5, x-oss-* and
//   the additional headers, "name:value\n" sorted.
//   StringToSign = "OSS4-HMAC-SHA256\n" x-oss-date "\n" scope "\n" hex(sha256(CanonicalRequest))
//   key = HMAC chain "aliyun_v4"+secret → date → region → product → "aliyun_v4_request"
import { createHmac } from 'node:crypto';
import { rfc3986, sha256Hex } from '../http-util.js';

export interface OssV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  product: string;
  additionalHeaders: string[];
  signature: string;
}

export function parseOssV4Authorization(value: string): OssV4Authorization | undefined {
  const m = /^OSS4-HMAC-SHA256\s+(.*)$/.exec(value.trim());
  if (!m?.[1]) return undefined;
  const fields: Record<string, string> = {};
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const cred = (fields['Credential'] ?? '').split('/');
  const [accessKeyId, date, region, product, terminator] = cred;
  const signature = fields['Signature'];
  if (!accessKeyId || !date || !region || !product || terminator !== 'aliyun_v4_request' || !signature) return undefined;
  const additional = fields['AdditionalHeaders'];
  return {
    accessKeyId,
    date,
    region,
    product,
    additionalHeaders: additional
      ? additional
          .split(';')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean)
      : [],
    signature: signature.toLowerCase(),
  };
}

export function ossV4CanonicalRequest(
  method: string,
  bucket: string | undefined,
  key: string,
  query: Array<[string, string]>,
  headers: Record<string, string>,
  additionalHeaders: string[],
): string {
  const uri = rfc3986(bucket === undefined ? `/${key}` : `/${bucket}/${key}`).replace(/%2F/g, '/');
  const q = [...query]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, v]) => (v === '' ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(v)}`))
    .join('&');
  const names = new Set(additionalHeaders);
  for (const name of Object.keys(headers)) {
    if (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')) names.add(name);
  }
  const canonicalHeaders = [...names]
    .sort()
    .map((n) => `${n}:${(headers[n] ?? '').trim()}\n`)
    .join('');
  return [method, uri, q, canonicalHeaders, additionalHeaders.join(';'), headers['x-oss-content-sha256'] || 'UNSIGNED-PAYLOAD'].join('\n');
}

export function ossV4StringToSign(auth: OssV4Authorization, ossDate: string, canonicalRequest: string): string {
  return ['OSS4-HMAC-SHA256', ossDate, `${auth.date}/${auth.region}/${auth.product}/aliyun_v4_request`, sha256Hex(canonicalRequest)].join('\n');
}

export function ossV4Signature(secret: string, auth: OssV4Authorization, stringToSign: string): string {
  let key: Buffer = createHmac('sha256', `aliyun_v4${secret}`).update(auth.date).digest();
  for (const part of [auth.region, auth.product, 'aliyun_v4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** Parses the compact x-oss-date of V4 (20261129T011047Z). */
export function parseCompactDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
