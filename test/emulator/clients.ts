// The real client libraries, pointed at an emulator: what the emulator's own tests (and any
// other test that wants a raw client) use. Nothing here talks to the emulator any other way.
import OpenApiMod, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import OSS from 'ali-oss';
import type { Emulator } from './index.js';

// TS-compiled CJS: the class is the `default` property in node, tsx and vitest (interopDefault: false).
const OpenApi = OpenApiMod.default;

export interface PaiClientOptions {
  /** 'v2' = legacy ROA HMAC-SHA1 (what the PAI Python SDK uses); default ACS3-HMAC-SHA256. */
  signatureAlgorithm?: 'v2' | 'acs3';
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  /** ms; default 5000 (both connect and read). */
  timeout?: number;
  /** http://host:port to call; default the PaiStudio endpoint (emu.workspaceEndpoint for ListConfigs). */
  endpoint?: string;
}

export interface PaiCallOptions {
  query?: Record<string, string>;
  body?: unknown;
  /** x-acs-version; default PaiStudio 2022-01-12. */
  version?: string;
}

export interface PaiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface PaiClient {
  call(action: string, method: string, pathname: string, options?: PaiCallOptions): Promise<PaiResponse>;
}

export function paiClient(emu: Emulator, options: PaiClientOptions = {}): PaiClient {
  const securityToken = options.securityToken ?? (options.accessKeyId === undefined ? emu.securityToken : undefined);
  const config = new Config({
    accessKeyId: options.accessKeyId ?? emu.accessKeyId,
    accessKeySecret: options.accessKeySecret ?? emu.accessKeySecret,
    ...(securityToken !== undefined ? { securityToken } : {}),
    endpoint: (options.endpoint ?? emu.paiEndpoint).replace(/^http:\/\//, ''),
    protocol: 'HTTP',
    regionId: emu.region,
    ...(options.signatureAlgorithm === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
  });
  const client = new OpenApi(config);
  const timeout = options.timeout ?? 5000;
  return {
    async call(action, method, pathname, opts = {}) {
      const params = new Params({
        action,
        version: opts.version ?? '2022-01-12',
        protocol: 'HTTP',
        pathname,
        method,
        authType: 'AK',
        style: 'ROA',
        reqBodyType: 'json',
        bodyType: 'json',
      });
      const request = new OpenApiRequest({
        ...(opts.query !== undefined ? { query: opts.query } : {}),
        ...(opts.body !== undefined ? { body: opts.body } : {}),
      });
      const res = (await client.callApi(params, request, new RuntimeOptions({ connectTimeout: timeout, readTimeout: timeout }))) as PaiResponse;
      return res;
    },
  };
}

/** ali-oss options the published types lack. */
export type OssOptions = OSS.Options & { sldEnable?: boolean; retryMax?: number };

export interface OssClientOptions {
  /**
   * 'ip': endpoint http://127.0.0.1:PORT, bucket in the Host header (virtual host);
   * 'path': http://localhost:PORT with sldEnable (path style); 'cname': http://localhost:PORT
   * with cname (no bucket on the wire). Default 'ip'.
   */
  mode?: 'ip' | 'path' | 'cname';
  v4?: boolean;
  accessKeyId?: string;
  accessKeySecret?: string;
  stsToken?: string;
  bucket?: string;
  /** ms; default 5000. */
  timeout?: number;
  retryMax?: number;
}

export function ossClient(emu: Emulator, options: OssClientOptions = {}): OSS {
  const mode = options.mode ?? 'ip';
  const port = emu.ossPort;
  const stsToken = options.stsToken ?? (options.accessKeyId === undefined ? emu.securityToken : undefined);
  const opts: OssOptions = {
    accessKeyId: options.accessKeyId ?? emu.accessKeyId,
    accessKeySecret: options.accessKeySecret ?? emu.accessKeySecret,
    bucket: options.bucket ?? emu.bucket,
    region: emu.ossRegion,
    endpoint: mode === 'ip' ? emu.ossEndpoint : `http://localhost:${port}`,
    timeout: options.timeout ?? 5000,
    ...(mode === 'path' ? { sldEnable: true } : {}),
    ...(mode === 'cname' ? { cname: true } : {}),
    ...(options.v4 ? { authorizationV4: true } : {}),
    ...(stsToken !== undefined ? { stsToken, refreshSTSTokenInterval: 3_600_000 } : {}),
    ...(options.retryMax !== undefined ? { retryMax: options.retryMax } : {}),
  };
  return new OSS(opts);
}
