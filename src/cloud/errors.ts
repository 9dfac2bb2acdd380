import { wrongRegionError, regionOfOssEndpoint } from '../core/ports/oss-region.js';
import { ApiError, CredentialsError, type UsageError } from '../core/ports/errors.js';
import { notAnObject } from './pai/answer.js';

/** Error codes that mean the credentials themselves were refused or expired (exit 4, not 5). */
const AUTH_CODES = [
  /^InvalidAccessKeyId/,
  /^SignatureDoesNotMatch$/,
  /^IncompleteSignature$/,
  /^InvalidSecurityToken/,
  /^SecurityTokenExpired$/,
  /^Forbidden\.AccessKey/,
  /^InvalidAccessKeySecret$/,
];

/**
 * Valid credentials that RAM does not allow this call (exit 4, naming the call): `Forbidden`, `Forbidden.RAM`,
 * `Forbidden.NoPermission`, `NoPermission` (POP), and OSS's `AccessDenied` when it names no other endpoint.
 */
const REFUSED_CODES = [/^Forbidden$/, /^Forbidden\.(?!AccessKey)/, /^NoPermission/, /^AccessDenied$/];

/** The request's date was too far from the service's: `InvalidTimeStamp.Expired` (POP), `RequestTimeTooSkewed` (OSS). */
export function isClockSkew(code: string): boolean {
  return /^InvalidTimeStamp/.test(code) || code === 'RequestTimeTooSkewed';
}

/**
 * A missing job, workspace or bucket. No source we read lists PaiStudio's or AIWorkspace's not-found codes, so
 * HTTP 404 counts, and so do codes that say it (`..._NOT_EXIST`, `...NotFound`, `NoSuchBucket`); except
 * `InvalidAction.NotFound` (the API itself is not at that endpoint) and `TRAINING_JOB_INSTANCE_NOT_FOUND`
 * (a job without instances yet: no logs, not a missing job).
 */
export function isNotFound(code: string, status: number | undefined): boolean {
  if (code === 'InvalidAction.NotFound' || code === 'TRAINING_JOB_INSTANCE_NOT_FOUND') return false;
  return status === 404 || /NOT_EXIST|NotExist|NOT_FOUND|NotFound|^NoSuch/.test(code);
}

/** Network failures: the request may or may not have reached the service. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ResponseTimeoutError',
  'ConnectionTimeoutError',
  'RequestTimeoutError',
]);

/**
 * Failures that provably happen before a byte is sent (no address, no route, the port refused), so even a
 * create can safely be sent again. No timeout is among them: the HTTP client under @alicloud/openapi-client
 * (httpx) uses its connect timeout as the socket's idle timeout and reports it as "ConnectTimeout" even when
 * the request was sent and only the answer was slow, so a timeout leaves the call's fate unknown.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One shape for every failure of a PAI call made with @alicloud/openapi-client. Its errors are plain
 * Errors with `code`, `statusCode` and `data` (the JSON body); network failures carry a Node error code;
 * and a body that is not JSON surfaces as a bare SyntaxError, which we name for what it is.
 */
export function fromPaiError(error: unknown, action: string, clockSkewMs?: number): ApiError | CredentialsError {
  const e = error as { name?: string; code?: string; statusCode?: number; message?: string; data?: Record<string, unknown> };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const requestId = typeof e.data?.['RequestId'] === 'string' ? (e.data['RequestId'] as string) : undefined;
  const serviceMessage = typeof e.data?.['Message'] === 'string' ? (e.data['Message'] as string) : undefined;
  if (error instanceof SyntaxError || e.name === 'SyntaxError') {
    return new ApiError(`${action}: the service answered with something that is not JSON (a proxy or gateway error?)`, {
      code: 'InvalidResponse',
      retryable: true,
      action,
    });
  }
  // tea-util's assertAsMap, on a body that parsed as JSON but is not an object: a plain Error, no code, no status.
  if (e.code === undefined && status === undefined && e.message === 'The value is not a object') return notAnObject(action);
  const code = typeof e.code === 'string' ? e.code : e.name === 'RequestTimeoutError' ? 'RequestTimeoutError' : 'Unknown';
  if (status === undefined && (NETWORK_CODES.has(code) || /timeout/i.test(e.name ?? '') || /timeout/i.test(e.message ?? ''))) {
    const notSent = NOT_SENT_CODES.has(code);
    return new ApiError(`${action}: could not reach the PAI service (${code}${firstLine(e.message) ? `: ${firstLine(e.message)}` : ''})`, {
      code,
      action,
      retryable: true,
      ambiguous: !notSent,
      hint: `Check the network, or ${action === 'ListConfigs' ? 'PAI_WORKSPACE_ENDPOINT' : 'PAI_ENDPOINT'} if you set one.`,
    });
  }
  const detail = `${code}${serviceMessage ? `: ${serviceMessage}` : ''}${requestId ? ` (request id ${requestId})` : ''}`;
  const text = `${action} failed: ${detail}`;
  if (isClockSkew(code)) return clockSkewError(action, 'PAI', detail, clockSkewMs).from({ code, requestId, action });
  if (AUTH_CODES.some((r) => r.test(code))) return new CredentialsError(text, [], authHint(code)).from({ code, requestId, action });
  if (REFUSED_CODES.some((r) => r.test(code))) return refusedError(action, detail, 'PAI').from({ code, requestId, action });
  // The gateway does not serve this API at this endpoint: PaiStudio and AIWorkspace have separate endpoints.
  const hint =
    code === 'InvalidAction.NotFound'
      ? `The endpoint does not serve ${action}: check PAI_ENDPOINT (PaiStudio) and PAI_WORKSPACE_ENDPOINT (AIWorkspace); \`pai-process config show\` shows both.`
      : undefined;
  return new ApiError(text, {
    ...(hint ? { hint } : {}),
    code,
    action,
    ...(status !== undefined ? { status } : {}),
    ...(requestId ? { requestId } : {}),
    retryable: isRetryableStatus(code, status),
    notFound: isNotFound(code, status),
  });
}

/** What an OSS error answer said beyond its code (ali-oss keeps only Code and Message; see oss/error-details.ts). */
export interface OssErrorDetails {
  /** `<Endpoint>` of a 403 AccessDenied: the endpoint the bucket must be addressed through. */
  ossEndpoint?: string;
  /** `<RequestTime>` and `<ServerTime>` of RequestTimeTooSkewed. */
  requestTime?: string;
  serverTime?: string;
  /** The region the store addresses, as ali-oss names it (oss-cn-hangzhou). */
  clientRegion?: string;
  /** The bucket the request addressed. */
  bucket?: string;
  /** The answer's Retry-After header, as sent (seconds, or an HTTP date). */
  retryAfter?: string;
}

/**
 * The same for ali-oss, whose errors carry `code`, `status` (-1 network, -2 timeout) and `requestId`.
 */
export function fromOssError(error: unknown, action: string): ApiError | CredentialsError | UsageError {
  const e = error as { name?: string; code?: string; status?: number; message?: string; requestId?: string } & OssErrorDetails;
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : undefined;
  const code = typeof e.code === 'string' && e.code ? e.code : (e.name ?? 'Unknown');
  if (status === undefined) {
    return new ApiError(`${action}: could not reach OSS (${firstLine(e.message) ?? code})`, {
      code,
      action,
      retryable: true,
      ambiguous: true,
      hint: 'Check the network, or PAI_OSS_ENDPOINT if you set one.',
    });
  }
  const detail = firstLine(e.message);
  const described = `${code}${detail && detail !== code ? `: ${detail}` : ''}${e.requestId ? ` (request id ${e.requestId})` : ''}`;
  const text = `${action} failed: ${described}`;
  // A bucket addressed through another region's endpoint: OSS names the right endpoint, hence its region.
  const bucketRegion = code === 'AccessDenied' && e.ossEndpoint ? regionOfOssEndpoint(e.ossEndpoint) : undefined;
  if (bucketRegion && e.bucket) return wrongRegionError(e.bucket, bucketRegion, e.clientRegion?.replace(/^oss-/, ''));
  if (isClockSkew(code)) {
    const skew = e.serverTime && e.requestTime ? Date.parse(e.requestTime) - Date.parse(e.serverTime) : NaN;
    return clockSkewError(action, 'OSS', described, Number.isFinite(skew) ? skew : undefined).from({ code, requestId: e.requestId, action });
  }
  if (AUTH_CODES.some((r) => r.test(code))) return new CredentialsError(text, [], authHint(code)).from({ code, requestId: e.requestId, action });
  if (REFUSED_CODES.some((r) => r.test(code))) return refusedError(action, described, 'the bucket').from({ code, requestId: e.requestId, action });
  const retryAfterMs = parseRetryAfter(e.retryAfter);
  return new ApiError(text, {
    code,
    action,
    status,
    ...(e.requestId ? { requestId: e.requestId } : {}),
    retryable: isRetryableStatus(code, status),
    notFound: isNotFound(code, status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * A Retry-After header (RFC 9110 section 10.2.3: a number of seconds, or an HTTP date) as milliseconds from
 * `now`; undefined when absent or unreadable, so that the retry policy's own backoff applies. A date already
 * past means "now" (0). Only OSS errors carry it: @alicloud/openapi-client's errors keep the JSON body and the
 * status, not the headers, so a PAI answer's Retry-After cannot be read (see pai/client.ts clockSkewMs).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; without a letter, Date.parse would read "-5" as the year -5.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Valid credentials, refused this one call: say which call, so the missing permission can be granted. */
function refusedError(action: string, detail: string, what: string): CredentialsError {
  return new CredentialsError(
    `${action} was refused: ${detail}`,
    [],
    `The credentials are valid but not allowed to do this: grant their RAM user or role permission for ${action.split(' ')[0]} on ${what} (\`pai-process config show\` says which credentials are used).`,
  );
}

/**
 * The service refused the request's date. `skewMs` is this machine's clock minus the service's, when known
 * (OSS says both times; for PAI the client reads the Date of one unsigned answer).
 */
export function clockSkewError(action: string, service: string, detail: string, skewMs: number | undefined): CredentialsError {
  const off =
    skewMs === undefined ? "this machine's clock is off" : `this machine's clock is ${describeSkew(skewMs)} ${skewMs > 0 ? 'ahead of' : 'behind'} ${service}'s`;
  return new CredentialsError(
    `${action} was refused because ${off} (${detail})`,
    [],
    'Set the clock right (turn on time synchronisation, e.g. `sudo timedatectl set-ntp true`, or sync it in the OS settings), then run again; signed requests are refused when the clock is more than 15 minutes off.',
  );
}

function describeSkew(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 90) return `about ${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `about ${minutes} minutes`;
  return `about ${Math.round(minutes / 6) / 10} hours`;
}

/** What to do about a refused credential, by why it was refused. */
function authHint(code: string): string {
  if (/Expired/i.test(code)) {
    return 'The STS token has expired: get a new one (ALIBABA_CLOUD_SECURITY_TOKEN), or use a source that renews itself (a RAM role, OIDC, or a profile with RamRoleArn).';
  }
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
