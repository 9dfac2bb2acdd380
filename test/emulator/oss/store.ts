// Buckets and objects, in memory. Tests read and write it directly through `emu.oss`.
import { md5 } from '../http-util.js';

export interface StoredObject {
  bucket: string;
  key: string;
  data: Buffer;
  contentType: string;
  /** Quoted, upper-case hex like the service's: "5EB63BBBE01EEED093CB22BB8F5ACDC3" (multipart: "...-N"). */
  etag: string;
  lastModified: number;
  /** x-oss-meta-* values, keyed without the prefix. */
  meta: Record<string, string>;
  type: 'Normal' | 'Multipart';
}

export interface PutOptions {
  bucket?: string;
  contentType?: string;
  meta?: Record<string, string>;
}

export function etagOf(data: Buffer): string {
  return `"${md5(data).toString('hex').toUpperCase()}"`;
}

/** Byte-wise key order, as OSS lists keys. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export class OssStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Buckets that live in another region than the emulator's (bucket → region, such as cn-shanghai). */
  private readonly regions = new Map<string, string>();

  constructor(readonly defaultBucket: string) {
    this.createBucket(defaultBucket);
  }

  /** Puts a bucket in a region (creating it if needed); requests through this emulator's endpoint then get 403. */
  setRegion(name: string, region: string): void {
    this.createBucket(name);
    this.regions.set(name, region);
  }

  /** The bucket's region, or undefined when it is in the emulator's own region. */
  regionOf(name: string): string | undefined {
    return this.regions.get(name);
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores an object (creating the bucket if needed: this is the test-side API). */
  put(key: string, data: Buffer | string, options: PutOptions = {}): StoredObject {
    const bucket = options.bucket ?? this.defaultBucket;
    this.createBucket(bucket);
    return this.store(bucket, key, typeof data === 'string' ? Buffer.from(data) : data, options.contentType ?? 'application/octet-stream', options.meta ?? {});
  }

  /** Stores an object in an existing bucket (used by the server). */
  store(bucket: string, key: string, data: Buffer, contentType: string, meta: Record<string, string>, etag?: string): StoredObject {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`emulator: no bucket ${bucket}`);
    const obj: StoredObject = {
      bucket,
      key,
      data,
      contentType,
      etag: etag ?? etagOf(data),
      lastModified: Date.now(),
      meta,
      type: etag === undefined ? 'Normal' : 'Multipart',
    };
    objects.set(key, obj);
    return obj;
  }

  get(key: string, bucket: string = this.defaultBucket): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  /** The object's bytes as text, or undefined. */
  text(key: string, bucket: string = this.defaultBucket): string | undefined {
    return this.get(key, bucket)?.data.toString('utf8');
  }

  delete(key: string, bucket: string = this.defaultBucket): boolean {
    return this.buckets.get(bucket)?.delete(key) ?? false;
  }

  /** Objects under a prefix, in key order. */
  list(prefix = '', bucket: string = this.defaultBucket): StoredObject[] {
    const objects = this.buckets.get(bucket);
    if (!objects) return [];
    return [...objects.values()].filter((o) => o.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  }

  keys(prefix = '', bucket: string = this.defaultBucket): string[] {
    return this.list(prefix, bucket).map((o) => o.key);
  }

  /** An object with exactly this key, or, for a key ending in '/', at least one object under it. */
  hasKeyOrPrefix(bucket: string, key: string): boolean {
    const objects = this.buckets.get(bucket);
    if (!objects) return false;
    if (objects.has(key)) return true;
    if (!key.endsWith('/')) return false;
    for (const k of objects.keys()) if (k.startsWith(key)) return true;
    return false;
  }

  /** Removes every object (buckets stay). */
  clear(): void {
    for (const objects of this.buckets.values()) objects.clear();
  }
}
