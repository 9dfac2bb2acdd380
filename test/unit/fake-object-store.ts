// An in-memory ObjectStore for the upload tests (test/unit/upload-files.test.ts, upload-code.test.ts). It checks
// what OSS checks (each Content-MD5 against the bytes it gets, part by part for a multipart upload), gives each
// object the ETag OSS would (the MD5 of a single PUT, the MD5 of the parts' MD5s for a multipart one), and
// records every call, so a test sees what was sent, what was asked and what was skipped.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ListedObject, ObjectInfo, ObjectStore, PutOptions } from '../../src/core/ports/backends.js';

export interface StoredObject {
  body: Buffer;
  etag: string;
  meta: Record<string, string>;
}

export interface PutCall {
  key: string;
  /** putContent (bytes from memory) or putFile (a path). */
  via: 'content' | 'file';
  options: PutOptions;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

export class FakeObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  readonly puts: PutCall[] = [];
  readonly heads: string[] = [];
  readonly lists: string[] = [];
  /** Uploads under way now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Called at the start of each PUT (after it is counted): a test makes one fail or wait here. */
  beforePut: (key: string) => Promise<void> | void = () => {};
  /** Progress a putFile reports: these fractions of the file, in order. */
  progressSteps: number[] = [0.5, 1];
  multipart?: { threshold: number; partSize: number };
  /** OSS checks a Content-MD5 only when one is sent; the code uploads always send one (a code archive does not). */
  requireMd5 = true;

  constructor(multipart?: { threshold: number; partSize: number }) {
    if (multipart) this.multipart = multipart;
  }

  /** An object as another run (or another tool) left it. */
  seed(key: string, body: Buffer, options: { etag?: string; meta?: Record<string, string> } = {}): void {
    this.objects.set(key, { body, etag: options.etag ?? md5(body).toString('hex').toUpperCase(), meta: options.meta ?? {} });
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    this.heads.push(`${bucket}/${key}`);
    const o = this.objects.get(key);
    return o && { size: o.body.length, etag: o.etag, meta: o.meta };
  }

  async list(bucket: string, prefix: string): Promise<ListedObject[]> {
    this.lists.push(`${bucket}/${prefix}`);
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, o]) => ({ key, size: o.body.length, etag: o.etag }));
  }

  async putContent(_bucket: string, key: string, body: Buffer, options: Omit<PutOptions, 'parts'> = {}): Promise<void> {
    // A copy: the caller may reuse its buffer once the PUT is done.
    await this.put({ key, via: 'content', options }, Buffer.from(body));
  }

  async putFile(_bucket: string, key: string, path: string, options: PutOptions = {}): Promise<void> {
    await this.put({ key, via: 'file', options }, readFileSync(path));
  }

  async getFile(): Promise<void> {
    throw new Error('not used by uploads');
  }

  private async put(call: PutCall, body: Buffer): Promise<void> {
    this.puts.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.beforePut(call.key);
      const { options } = call;
      let etag: string;
      if (options.parts) {
        const { size, contentMd5s } = options.parts;
        const actual: Buffer[] = [];
        for (let at = 0; at < body.length || actual.length === 0; at += size) actual.push(md5(body.subarray(at, at + size)));
        const sent = actual.map((d) => d.toString('base64'));
        if (JSON.stringify(sent) !== JSON.stringify(contentMd5s)) throw new Error(`InvalidDigest: parts of ${call.key}`);
        etag = `${md5(Buffer.concat(actual)).toString('hex').toUpperCase()}-${actual.length}`;
      } else {
        if ((this.requireMd5 || options.contentMd5 !== undefined) && options.contentMd5 !== md5(body).toString('base64'))
          throw new Error(`InvalidDigest: ${call.key}`);
        etag = md5(body).toString('hex').toUpperCase();
      }
      if (call.via === 'file') for (const f of this.progressSteps) options.onProgress?.({ sent: Math.round(body.length * f), total: body.length });
      this.objects.set(call.key, { body, etag, meta: { ...options.meta } });
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Keys PUT, in order. */
  putKeys(): string[] {
    return this.puts.map((p) => p.key);
  }
}
