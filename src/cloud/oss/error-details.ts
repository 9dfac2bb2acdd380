import type OSSType from 'ali-oss';
import type { OssErrorDetails } from '../errors.js';

/** The raw answer ali-oss builds an error from (its `requestError(result)`). */
interface RawAnswer {
  status?: number;
  headers?: Record<string, string | undefined>;
  data?: Buffer | string;
}

type WithRequestError = { requestError(result: RawAnswer): Promise<Error> };

/**
 * ali-oss keeps only Code, Message, RequestId and HostId of an OSS error answer. Two other elements decide
 * what the user must do: `<Endpoint>` of a 403 AccessDenied (the bucket is in another region: the endpoint
 * names it) and `<RequestTime>`/`<ServerTime>` of RequestTimeTooSkewed (how far off the clock is). This reads
 * them from the same answer (the body, or on HEAD the base64 `x-oss-err` header) and puts them on the error,
 * with the bucket and the region the client addresses, for cloud/errors.ts fromOssError.
 */
export function keepErrorDetails(client: OSSType, bucket: string, clientRegion: string): void {
  const target = client as unknown as WithRequestError;
  const original = target.requestError.bind(client);
  target.requestError = async (result: RawAnswer): Promise<Error> => {
    const error = await original(result);
    const xml = errorXml(result);
    const details: OssErrorDetails = { bucket, clientRegion };
    const endpoint = element(xml, 'Endpoint');
    if (endpoint) details.ossEndpoint = endpoint;
    const requestTime = element(xml, 'RequestTime');
    const serverTime = element(xml, 'ServerTime');
    if (requestTime) details.requestTime = requestTime;
    if (serverTime) details.serverTime = serverTime;
    // A throttled answer (503 SlowDown) may say when to come back; withRetry (src/core/ports/retry.ts) waits that long.
    const retryAfter = result.headers?.['retry-after'];
    if (retryAfter) details.retryAfter = retryAfter;
    return Object.assign(error, details);
  };
}

function errorXml(result: RawAnswer): string {
  const body = result.data === undefined ? '' : String(result.data);
  if (body.trim() !== '') return body;
  const header = result.headers?.['x-oss-err'];
  return header ? Buffer.from(header, 'base64').toString('utf8') : '';
}

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim() || undefined;
}
