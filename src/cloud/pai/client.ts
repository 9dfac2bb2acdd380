import type * as OpenApiModule from '@alicloud/openapi-client';
import type * as TeaUtilModule from '@alicloud/tea-util';
import type { CredentialClient } from '../credentials.js';
import { fromPaiError, isClockSkew } from '../errors.js';
import { requireLibrary, type LoadLibrary } from '../libraries.js';

export interface PaiClientOptions {
  /** `host[:port]`, no scheme. */
  host: string;
  protocol: 'http' | 'https';
  regionId: string;
  credential: CredentialClient;
  userAgent: string;
  /**
   * Time to connect (default 10 s) and to the whole answer (default 30 s, counted from the connection); the
   * client's default of 3 s is too short for a busy API. See socketTimeoutMs for how the two combine.
   */
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** Where the OpenAPI client and tea-util come from (bin/ passes its code-cached bundle); absent: the packages. */
  loadLibrary?: LoadLibrary;
}

/** The one method we use of the library's client class (its CJS default export types poorly under NodeNext). */
interface OpenApiClient {
  callApi(params: OpenApiModule.Params, request: OpenApiModule.OpenApiRequest, runtime: TeaUtilModule.RuntimeOptions): Promise<unknown>;
}

export interface PaiCall {
  action: string;
  version: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pathname: string;
  query?: Record<string, string>;
  /** The exact JSON text to send. */
  body?: string;
}

/**
 * Calls a PAI ROA API with @alicloud/openapi-client, signed with the legacy ROA HMAC-SHA1 signature as the
 * PAI Python SDK signs (`signatureAlgorithm: 'v2'`). Every failure comes back as an ApiError or a
 * CredentialsError (cloud/errors.ts); the caller decides on retries.
 */
export class PaiClient {
  readonly #client: OpenApiClient;
  readonly #lib: typeof OpenApiModule;
  readonly #runtime: InstanceType<typeof TeaUtilModule.RuntimeOptions>;
  readonly #origin: string;

  constructor(options: PaiClientOptions) {
    this.#origin = `${options.protocol}://${options.host}`;
    this.#lib = requireLibrary('@alicloud/openapi-client', options.loadLibrary) as typeof OpenApiModule;
    const util = requireLibrary('@alicloud/tea-util', options.loadLibrary) as typeof TeaUtilModule;
    const OpenApi = this.#lib.default as unknown as new (config: OpenApiModule.Config) => OpenApiClient;
    this.#client = new OpenApi(
      new this.#lib.Config({
        credential: options.credential as unknown as OpenApiModule.Config['credential'],
        endpoint: options.host,
        protocol: options.protocol.toUpperCase(),
        regionId: options.regionId,
        signatureAlgorithm: 'v2',
        userAgent: options.userAgent,
      }),
    );
    const readTimeout = options.readTimeoutMs ?? 30_000;
    this.#runtime = new util.RuntimeOptions({
      connectTimeout: socketTimeoutMs(options.connectTimeoutMs ?? 10_000, readTimeout),
      readTimeout,
      autoretry: false,
    });
  }

  async call<T>(call: PaiCall): Promise<T> {
    const params = new this.#lib.Params({
      action: call.action,
      version: call.version,
      protocol: 'HTTPS',
      pathname: call.pathname,
      method: call.method,
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });
    const request = new this.#lib.OpenApiRequest({
      ...(call.query ? { query: withoutEmpty(call.query) } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
    });
    try {
      const response = (await this.#client.callApi(params, request, this.#runtime)) as { body?: unknown };
      return (response.body ?? {}) as T;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw fromPaiError(error, call.action, typeof code === 'string' && isClockSkew(code) ? await this.clockSkewMs() : undefined);
    }
  }

  /**
   * This machine's clock minus the service's, in ms, or undefined when it cannot be told. A refused timestamp
   * does not say the service's time, and the client's errors carry no headers, so one unsigned request reads
   * the `Date` header the gateway answers any request with (second precision: enough to say minutes).
   */
  async clockSkewMs(): Promise<number | undefined> {
    try {
      const sent = Date.now();
      const res = await fetch(`${this.#origin}/`, { method: 'GET', signal: AbortSignal.timeout(5_000) });
      await res.body?.cancel();
      const date = Date.parse(res.headers.get('date') ?? '');
      if (!Number.isFinite(date)) return undefined;
      // The middle of the round trip is when the service read its clock.
      return (sent + Date.now()) / 2 - date;
    } catch {
      return undefined;
    }
  }
}

/**
 * What to give the client as its "connect timeout". The HTTP client under @alicloud/openapi-client (httpx,
 * through @alicloud/tea-typescript's doAction) passes it to http.request as `timeout`, which Node applies to the
 * socket as an idle timeout for the whole exchange, not only the connect: an answer slower than it is cut,
 * after the request was sent, with a "ConnectTimeout" error. So it is never less than the read timeout, and a
 * slow answer is cut by the read timeout alone. The cost: a connect that hangs gives up after the longer of
 * the two (the client offers no connect-only timer).
 */
export function socketTimeoutMs(connectTimeoutMs: number, readTimeoutMs: number): number {
  return Math.max(connectTimeoutMs, readTimeoutMs);
}

/**
 * The Node client signs an empty query value as `k=` where the signature specification (and the service)
 * expects `k` alone (test/emulator/README.md, "Signatures and credentials"): never send one.
 */
function withoutEmpty(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}
