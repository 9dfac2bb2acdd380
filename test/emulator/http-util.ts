import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Reads the whole body; chunked bodies (putStream, the OpenAPI client's streams) arrive the same way. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Lower-cased header map with repeated headers joined by ", ", as signers see them. */
export function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export interface ParsedUrl {
  /** The path exactly as sent (still percent-encoded): the signers sign this form. */
  rawPath: string;
  /** Query pairs, decoded, in wire order. */
  query: Array<[string, string]>;
}

export function parseUrl(url: string): ParsedUrl {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query: Array<[string, string]> = [];
  if (q >= 0) {
    for (const part of url.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const k = eq < 0 ? part : part.slice(0, eq);
      const v = eq < 0 ? '' : part.slice(eq + 1);
      query.push([safeDecode(k.replace(/\+/g, ' ')), safeDecode(v.replace(/\+/g, ' '))]);
    }
  }
  return { rawPath, query };
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function queryObject(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function md5(data: Buffer | string): Buffer {
  return createHash('md5').update(data).digest();
}

/** Request ids look like the services' own (upper-case UUID). */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** RFC 3986 encoding used by both ACS3 and OSS V4 canonical strings. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
