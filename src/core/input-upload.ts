import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ObjectStore, UploadProgress } from '../cloud/types.js';

/** One file of a local input and where it goes. */
interface InputFile {
  path: string;
  key: string;
  size: number;
}

/**
 * Plans the upload of a local-path input, content-addressed under `pai/input_data/`:
 * a file goes to `pai/input_data/sha256-<file hash>/<name>`, a folder's files under
 * `pai/input_data/sha256-<tree hash>/<relative path>`, where the tree hash covers every file's path and
 * content. The same data always maps to the same place, so it is uploaded once.
 */
export async function planInputUpload(path: string): Promise<{ prefixUri: (bucket: string) => string; files: InputFile[] }> {
  const info = await lstat(path);
  if (info.isFile()) {
    const hash = await sha256File(path);
    const key = `pai/input_data/sha256-${hash}/${basename(path)}`;
    return { prefixUri: (bucket) => `oss://${bucket}/${key}`, files: [{ path, key, size: info.size }] };
  }
  const entries = await walk(path);
  const tree = createHash('sha256');
  const hashed: { rel: string; path: string; size: number }[] = [];
  for (const e of entries) {
    const rel = relative(path, e.path).split(sep).join('/');
    tree.update(`${rel}\0${await sha256File(e.path)}\n`);
    hashed.push({ rel, path: e.path, size: e.size });
  }
  const prefix = `pai/input_data/sha256-${tree.digest('hex')}/`;
  return { prefixUri: (bucket) => `oss://${bucket}/${prefix}`, files: hashed.map((h) => ({ path: h.path, key: prefix + h.rel, size: h.size })) };
}

/** Uploads what is not there yet (a HEAD per file); returns how many bytes went up. */
export async function uploadInputFiles(
  store: ObjectStore,
  bucket: string,
  files: InputFile[],
  call: <T>(fn: () => Promise<T>) => Promise<T>,
  onProgress?: (p: UploadProgress) => void,
): Promise<number> {
  let sent = 0;
  for (const f of files) {
    const existing = await call(() => store.head(bucket, f.key));
    if (existing && existing.size === f.size) continue;
    await call(() => store.putFile(bucket, f.key, f.path, onProgress ? { onProgress } : {}));
    sent += f.size;
  }
  return sent;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Regular files under a folder, sorted; links are followed only when they point at files. */
async function walk(dir: string): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const full = join(dir, name);
    const info = await lstat(full);
    if (info.isDirectory()) out.push(...(await walk(full)));
    else if (info.isFile()) out.push({ path: full, size: info.size });
  }
  return out;
}
