import type { ServiceError } from '../errors.js';
import type { Answer } from '../service.js';
import { el, xmlDocument } from './xml.js';

/**
 * OSS's error answer: an XML <Error> body and x-oss-request-id. A HEAD answer has no body, so
 * the same XML travels base64-encoded in x-oss-err (ali-oss reads the code from there).
 */
export function ossErrorAnswer(error: ServiceError, requestId: string, hostId: string, method: string): Answer {
  const details = Object.entries(error.details)
    .map(([k, v]) => el(k, v))
    .join('');
  const body = xmlDocument('Error', el('Code', error.code) + el('Message', error.message) + el('RequestId', requestId) + el('HostId', hostId) + details);
  const headers: Record<string, string> = {
    'content-type': 'application/xml',
    'x-oss-request-id': requestId,
    server: 'AliyunOSS',
    date: new Date().toUTCString(),
  };
  if (method === 'HEAD') headers['x-oss-err'] = Buffer.from(body).toString('base64');
  return { status: error.status, headers, body, errorCode: error.code };
}
