import { createRequire } from 'node:module';
import { open, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type OSSType from 'ali-oss';
import type { CredentialClient } from '../credentials.js';
import { regionOfLocation, regionOfOssEndpoint } from '../../core/ports/oss-region.js';
import { fromOssError } from '../errors.js';
import { keepErrorDetails } from './error-details.js';
import type { ListedObject, ObjectInfo, ObjectStore, PutOptions } from '../../core/ports/backends.js';

export interface OssStoreOptions {
  /** `http(s)://host[:port]`. */
  endpoint: string;
  /** The region as ali-oss names it (`oss-cn-hangzhou`); it also names the host of an IP endpoint. */
  region: string;
  credential: CredentialClient;
  /** ali-oss's module, when not the installed package (bin/ passes the copy bundled with a code cache). */
  loadLibrary?: () => unknown;
  /** Files at least this big go up in parts. */
  multipartThreshold?: number;
  /** Per request (a part, a PUT): long enough for a part on a slow link. */
  timeoutMs?: number;
  /** ali-oss's own retries of a network failure. */
  retries?: number;
  partSize?: number;
  parallel?: number;
}

export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
export const PART_SIZE = 8 * 1024 * 1024;
export const PARALLEL_PARTS = 4;

/**
 * OSS through ali-oss, signed with the V1 signature as the PAI SDK signs. Small files go up in one PUT;
 * larger ones in parallel parts, each retried on a network failure, and the upload is aborted if it fails,
 * so no orphaned parts are left to bill.
 */
export class OssObjectStore implements ObjectStore {
  readonly #clients = new Map<string, Promise<OSSType>>();

  readonly multipart: { threshold: number; partSize: number };

  constructor(private readonly options: OssStoreOptions) {
    this.multipart = { threshold: options.multipartThreshold ?? MULTIPART_THRESHOLD, partSize: options.partSize ?? PART_SIZE };
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const client = await this.#client(bucket);
    try {
      const res = (await client.head(key)) as { res: { headers: Record<string, string> } };
      const headers = res.res.headers;
      const meta: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-oss-meta-')) meta[name.slice('x-oss-meta-'.length)] = value;
      return { size: Number(headers['content-length'] ?? 0), ...(headers['etag'] ? { etag: bareEtag(headers['etag']) } : {}), meta };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw fromOssError(error, `HeadObject oss://${bucket}/${key}`);
    }
  }

  async putFile(bucket: string, key: string, path: string, options: PutOptions = {}): Promise<void> {
    const client = await this.#client(bucket);
    const total = (await stat(path)).size;
    if (options.parts) return this.#putParts(client, bucket, key, path, total, options.parts, options);
    const threshold = this.options.multipartThreshold ?? MULTIPART_THRESHOLD;
    if (total < threshold || options.contentMd5 !== undefined) {
      try {
        await client.put(key, path, putOptions(options));
      } catch (error) {
        throw fromOssError(error, `PutObject oss://${bucket}/${key}`);
      }
      options.onProgress?.({ sent: total, total });
      return;
    }
    let uploadId: string | undefined;
    const onAbort = () => client.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.multipartUpload(key, path, {
        partSize: this.options.partSize ?? PART_SIZE,
        parallel: this.options.parallel ?? PARALLEL_PARTS,
        progress: async (fraction: number, checkpoint?: { uploadId?: string }) => {
          uploadId ??= checkpoint?.uploadId;
          options.onProgress?.({ sent: Math.round(fraction * total), total });
        },
      });
    } catch (error) {
      if (uploadId) await client.abortMultipartUpload(key, uploadId).catch(() => undefined);
      throw fromOssError(error, `Upload of oss://${bucket}/${key}`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async putContent(bucket: string, key: string, body: Buffer, options: Omit<PutOptions, 'parts'> = {}): Promise<void> {
    const client = await this.#client(bucket);
    try {
      // ali-oss computes the Content-MD5 of a Buffer body itself when none is given.
      await client.put(key, body, putOptions(options));
    } catch (error) {
      throw fromOssError(error, `PutObject oss://${bucket}/${key}`);
    }
    options.onProgress?.({ sent: body.length, total: body.length });
  }

  /**
   * A multipart upload driven part by part (ali-oss's initMultipartUpload / uploadPart / completeMultipartUpload),
   * because its multipartUpload cannot give each part its own Content-MD5. Parts go `PARALLEL_PARTS` at a time,
   * streamed from the file; on any failure (or abort) the upload is aborted so no parts are left to bill.
   */
  async #putParts(
    client: OSSType,
    bucket: string,
    key: string,
    path: string,
    total: number,
    parts: NonNullable<PutOptions['parts']>,
    options: PutOptions,
  ): Promise<void> {
    const count = Math.max(1, Math.ceil(total / parts.size));
    if (parts.contentMd5s.length !== count) throw new Error(`internal: ${parts.contentMd5s.length} part digests for ${count} parts of oss://${bucket}/${key}`);
    let uploadId: string | undefined;
    const onAbort = () => client.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const init = await client.initMultipartUpload(key, { ...(options.meta ? { meta: options.meta } : {}) } as OSSType.InitMultipartUploadOptions);
      uploadId = init.uploadId;
      const done: { number: number; etag: string }[] = [];
      let sent = 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
          const i = next++;
          const start = i * parts.size;
          const end = Math.min(total, start + parts.size);
          const res = await client.uploadPart(key, uploadId!, i + 1, path, start, end, {
            headers: { 'Content-MD5': parts.contentMd5s[i]! },
          } as OSSType.RequestOptions);
          done.push({ number: i + 1, etag: res.etag });
          sent += end - start;
          options.onProgress?.({ sent, total });
        }
      };
      await Promise.all(Array.from({ length: Math.min(count, this.options.parallel ?? PARALLEL_PARTS) }, worker));
      await client.completeMultipartUpload(
        key,
        uploadId,
        done.sort((a, b) => a.number - b.number),
      );
    } catch (error) {
      if (uploadId) await client.abortMultipartUpload(key, uploadId).catch(() => undefined);
      throw fromOssError(error, `Upload of oss://${bucket}/${key}`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async getFile(bucket: string, key: string, path: string): Promise<void> {
    const client = await this.#client(bucket);
    try {
      // ali-oss streams the body into the file and removes a partial file when the download fails.
      await client.get(key, path);
    } catch (error) {
      throw fromOssError(error, `GetObject oss://${bucket}/${key}`);
    }
  }

  /**
   * GetObject streamed into a file: the body is counted as it arrives and the file closed before this returns.
   * The caller names a temporary file and renames it once the size is checked (core/outputs/download.ts).
   */
  async download(
    bucket: string,
    key: string,
    path: string,
    options: { onBytes?: (n: number) => void; signal?: AbortSignal } = {},
  ): Promise<{ size: number; etag?: string; written: number }> {
    const client = await this.#client(bucket);
    let result: { stream: NodeJS.ReadableStream; res: { headers: Record<string, string> } };
    // ali-oss's requests take no AbortSignal: on Ctrl-C its connections are closed instead, so a GET still
    // waiting for its answer fails now rather than keeping the process alive until it is answered.
    const sockets = client as unknown as { agent?: { destroy?: () => void }; httpsAgent?: { destroy?: () => void } };
    const onAbort = () => {
      sockets.agent?.destroy?.();
      sockets.httpsAgent?.destroy?.();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      result = (await client.getStream(key)) as unknown as typeof result;
    } catch (error) {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) throw error;
      throw fromOssError(await streamedErrorCode(client, key, error), `GetObject oss://${bucket}/${key}`);
    }
    // An answer that came after Ctrl-C (the GET sent again on a new connection) is dropped before any file exists.
    if (options.signal?.aborted) {
      options.signal.removeEventListener('abort', onAbort);
      (result.stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw options.signal.reason ?? new Error('aborted');
    }
    const headers = result.res.headers;
    let written = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        options.onBytes?.(chunk.length);
        done(null, chunk);
      },
    });
    // Opened (and so created) before anything can fail: the caller's clean-up after an error then always finds the
    // file. A stream's own open is asynchronous, and could create it after that clean-up had run.
    const handle = await open(path, 'w').catch((error: unknown) => {
      (result.stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      options.signal?.removeEventListener('abort', onAbort);
      throw error;
    });
    const file = handle.createWriteStream();
    let writeFailed = false;
    file.on('error', () => (writeFailed = true));
    try {
      await pipeline(result.stream, count, file, ...(options.signal ? ([{ signal: options.signal }] as const) : []));
    } catch (error) {
      // A local write failure (ENOSPC, EACCES) is the caller's to name; a broken body is OSS's.
      if (writeFailed || options.signal?.aborted) throw error;
      throw fromOssError(error, `GetObject oss://${bucket}/${key}`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    return { size: Number(headers['content-length'] ?? written), ...(headers['etag'] ? { etag: bareEtag(headers['etag']) } : {}), written };
  }

  async list(bucket: string, prefix: string): Promise<ListedObject[]> {
    const client = await this.#client(bucket);
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      let page: OSSType.ListV2ObjectResult;
      try {
        page = await client.listV2({ prefix, 'max-keys': 1000, ...(token ? { 'continuation-token': token } : {}) });
      } catch (error) {
        throw fromOssError(error, `ListObjects oss://${bucket}/${prefix}`);
      }
      for (const o of page.objects ?? []) out.push({ key: o.name, size: Number(o.size), ...(o.etag ? { etag: bareEtag(o.etag) } : {}) });
      token = page.isTruncated ? page.nextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /**
   * The bucket's region (GetBucketInfo `Location`, without `oss-`); undefined when the credentials may not ask
   * (the first object call then says where the bucket is). A refusal that names the right endpoint is an answer.
   */
  async bucketRegion(bucket: string): Promise<string | undefined> {
    const client = await this.#client(bucket);
    try {
      const info = (await client.getBucketInfo(bucket)) as { bucket?: { Location?: string } };
      const location = info.bucket?.Location;
      return location ? regionOfLocation(location) : undefined;
    } catch (error) {
      const e = error as { status?: number; code?: string; ossEndpoint?: string };
      if (e.ossEndpoint) return regionOfOssEndpoint(e.ossEndpoint);
      // Only a permission refusal means "may not ask"; a bad key or a skewed clock (also 403) is reported.
      if (e.status === 403 && e.code === 'AccessDenied') return undefined;
      throw fromOssError(error, `GetBucketInfo oss://${bucket}`);
    }
  }

  #client(bucket: string): Promise<OSSType> {
    let client = this.#clients.get(bucket);
    if (!client) {
      client = this.#create(bucket);
      this.#clients.set(bucket, client);
    }
    return client;
  }

  async #create(bucket: string): Promise<OSSType> {
    const OSS = (this.options.loadLibrary?.() ?? createRequire(import.meta.url)('ali-oss')) as typeof OSSType;
    const c = await this.options.credential.getCredential();
    const client = new OSS({
      bucket,
      endpoint: this.options.endpoint,
      region: this.options.region,
      accessKeyId: c.accessKeyId ?? '',
      accessKeySecret: c.accessKeySecret ?? '',
      ...(c.securityToken
        ? {
            stsToken: c.securityToken,
            // STS credentials expire; ask the same provider again (it refreshes them) rather than fail mid-upload.
            refreshSTSToken: async () => {
              const fresh = await this.options.credential.getCredential();
              return { accessKeyId: fresh.accessKeyId ?? '', accessKeySecret: fresh.accessKeySecret ?? '', stsToken: fresh.securityToken ?? '' };
            },
            refreshSTSTokenInterval: 5 * 60_000,
          }
        : {}),
      secure: this.options.endpoint.startsWith('https:'),
      timeout: this.options.timeoutMs ?? 120_000,
      // ali-oss retries only network failures, after a fixed 500 ms; each multipart part on its own.
      retryMax: this.options.retries ?? 3,
    } as OSSType.Options);
    keepErrorDetails(client, bucket, this.options.region);
    return client;
  }
}

/**
 * ali-oss leaves the body of a streamed GET's error answer unread, so the error has no OSS code ("UnknownError"),
 * and a refused key (403 SignatureDoesNotMatch, an expired token, AccessDenied) would look like a service failure.
 * A HEAD of the same key is refused the same way, and OSS sends the code of a HEAD answer in `x-oss-err`, which
 * ali-oss reads: its error stands in. If the HEAD succeeds, the GET's own error is kept.
 */
async function streamedErrorCode(client: OSSType, key: string, error: unknown): Promise<unknown> {
  const e = error as { status?: number; code?: string };
  if (typeof e.status !== 'number' || e.status < 400 || (e.code !== undefined && e.code !== 'UnknownError')) return error;
  try {
    await client.head(key);
    return error;
  } catch (headError) {
    return (headError as { status?: number }).status === e.status ? headError : error;
  }
}

/** The headers and metadata of a PUT, as ali-oss takes them. */
function putOptions(options: Omit<PutOptions, 'parts'>): OSSType.PutObjectOptions {
  return {
    ...(options.contentMd5 ? { headers: { 'Content-MD5': options.contentMd5 } } : {}),
    ...(options.meta ? { meta: options.meta } : {}),
  } as OSSType.PutObjectOptions;
}

/** `"0A1B…"` → `0A1B…`: OSS quotes ETags; the tool compares them bare and in upper case. */
function bareEtag(etag: string): string {
  return etag.replace(/"/g, '').toUpperCase();
}
