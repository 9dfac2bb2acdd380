import { ApiError, CredentialsError } from '../core/errors.js';

/** Error codes that mean the credentials were refused, expired or lack permission (exit 4, not 5). */
const AUTH_CODES = [
  /^InvalidAccessKeyId/,
  /^SignatureDoesNotMatch$/,
  /^IncompleteSignature$/,
  /^InvalidSecurityToken/,
  /^SecurityTokenExpired$/,
  /^Forbidden\.AccessKey/,
  /^InvalidAccessKeySecret$/,
  /^AccessDenied$/,
  /^Forbidden\.RAM$/,
  /^NoPermission/,
];

/** Network failures: the request may or may not have reached the service. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ResponseTimeoutError', 'ConnectionTimeoutError', 'RequestTimeoutError']);

/** Failures that happen before a byte is sent, so even a create can safely be tried again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ConnectionTimeoutError']);

/**
 * One shape for every failure of a PAI call made with @alicloud/openapi-client. Its errors are plain
 * Errors with `code`, `statusCode` and `data` (the JSON body); network failures carry a Node error code;
 * and a body that is not JSON surfaces as a bare SyntaxError, which we name for what it is.
 */
export function fromPaiError(error: unknown, action: string): ApiError | CredentialsError {
  const e = error as { name?: string; code?: string; statusCode?: number; message?: string; data?: Record<string, unknown> };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const requestId = typeof e.data?.['RequestId'] === 'string' ? (e.data['RequestId'] as string) : undefined;
  const serviceMessage = typeof e.data?.['Message'] === 'string' ? (e.data['Message'] as string) : undefined;
  if (error instanceof SyntaxError || e.name === 'SyntaxError') {
    return new ApiError(`${action}: the service answered with something that is not JSON (a proxy or gateway error?)`, { code: 'InvalidResponse', retryable: true, action });
  }
  const code = typeof e.code === 'string' ? e.code : e.name === 'RequestTimeoutError' ? 'RequestTimeoutError' : 'Unknown';
  if (status === undefined && (NETWORK_CODES.has(code) || /timeout/i.test(e.name ?? '') || /timeout/i.test(e.message ?? ''))) {
    const notSent = NOT_SENT_CODES.has(code) || /^Connect/i.test(e.message ?? '');
    return new ApiError(`${action}: could not reach the PAI service (${code}${firstLine(e.message) ? `: ${firstLine(e.message)}` : ''})`, {
      code,
      action,
      retryable: true,
      ambiguous: !notSent,
      hint: 'Check the network, or PAI_ENDPOINT if you set one.',
    });
  }
  const text = `${action} failed: ${code}${serviceMessage ? `: ${serviceMessage}` : ''}${requestId ? ` (request id ${requestId})` : ''}`;
  if (AUTH_CODES.some((r) => r.test(code))) return new CredentialsError(text, [], authHint(code, 'PAI'));
  return new ApiError(text, { code, action, ...(status !== undefined ? { status } : {}), ...(requestId ? { requestId } : {}), retryable: isRetryableStatus(code, status) });
}

/**
 * The same for ali-oss, whose errors carry `code`, `status` (-1 network, -2 timeout) and `requestId`.
 */
export function fromOssError(error: unknown, action: string): ApiError | CredentialsError {
  const e = error as { name?: string; code?: string; status?: number; message?: string; requestId?: string };
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : undefined;
  const code = typeof e.code === 'string' && e.code ? e.code : (e.name ?? 'Unknown');
  if (status === undefined) {
    return new ApiError(`${action}: could not reach OSS (${firstLine(e.message) ?? code})`, { code, action, retryable: true, ambiguous: true, hint: 'Check the network, or PAI_OSS_ENDPOINT if you set one.' });
  }
  const detail = firstLine(e.message);
  const text = `${action} failed: ${code}${detail && detail !== code ? `: ${detail}` : ''}${e.requestId ? ` (request id ${e.requestId})` : ''}`;
  if (AUTH_CODES.some((r) => r.test(code))) return new CredentialsError(text, [], authHint(code, 'the bucket'));
  return new ApiError(text, { code, action, status, ...(e.requestId ? { requestId: e.requestId } : {}), retryable: isRetryableStatus(code, status) });
}

/** What to do about a refused credential, by why it was refused. */
function authHint(code: string, what: string): string {
  if (/Expired/i.test(code)) {
    return 'The STS token has expired: get a new one (ALIBABA_CLOUD_SECURITY_TOKEN), or use a source that renews itself (a RAM role, OIDC, or a profile with RamRoleArn).';
  }
  if (/^(Forbidden|NoPermission|AccessDenied)/.test(code)) return `The credentials are valid but not allowed: grant their RAM user or role access to ${what}.`;
  return 'Check the AccessKey (`pai-process config show` says which one is used and where it came from).';
}

/** Throttling, 429, and 5xx are worth another try; other 4xx describe the request and are not. */
export function isRetryableStatus(code: string, status: number | undefined): boolean {
  if (/^Throttling/i.test(code) || code === 'ServiceUnavailable' || code === 'InternalError') return true;
  return status === 429 || (status !== undefined && status >= 500);
}

/**
 * The first line of a client's error message, without the request line and connection dump the HTTP clients
 * append (`..., HEAD http://host/key -1 (connected: false, keepalive socket: ...)`, `...GET https://host/path failed.`).
 */
function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n')[0]?.trim();
  return line?.replace(/,?\s*(GET|PUT|POST|HEAD|DELETE) https?:\/\/\S+.*$/, '').trim() || undefined;
}
