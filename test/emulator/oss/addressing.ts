// Where the bucket is on the wire, for the three ways ali-oss addresses OSS:
// - virtual host: the bucket is the first label of Host (bucket.oss-cn-hangzhou.aliyuncs.com);
//   ali-oss sends this Host when its endpoint is an IP such as http://127.0.0.1:PORT;
// - path style (sldEnable: true, http://localhost:PORT): /bucket/key;
// - cname (cname: true, http://localhost:PORT): no bucket on the wire at all, so the emulator
//   uses its configured default bucket.
// A path whose first segment is not an existing bucket is taken as cname style.
import { safeDecode } from '../http-util.js';

export interface Address {
  bucket?: string;
  key: string;
  style: 'virtual-host' | 'path' | 'cname';
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

export function hostName(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

export function resolveAddress(hostHeader: string | undefined, rawPath: string, hasBucket: (b: string) => boolean, cnameBucket: string): Address {
  const host = hostName(hostHeader);
  const path = safeDecode(rawPath).replace(/^\//, '');
  const virtual = host !== '' && !isIp(host) && host !== 'localhost' && !host.startsWith('oss-') && host.includes('.');
  if (virtual) return { bucket: host.split('.')[0] ?? '', key: path, style: 'virtual-host' };
  const slash = path.indexOf('/');
  const first = slash < 0 ? path : path.slice(0, slash);
  if (first !== '' && hasBucket(first)) return { bucket: first, key: slash < 0 ? '' : path.slice(slash + 1), style: 'path' };
  return { bucket: cnameBucket, key: path, style: 'cname' };
}
