import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ObjectStore } from './ports/backends.js';
import { hashFile } from './packaging/tree-digest.js';
import { uploadFiles, type FileToUpload, type UploadFilesOptions, type UploadFilesResult } from './upload-files.js';

/**
 * Plans the upload of a local-path input, content-addressed under `pai/input_data/`:
 * a file goes to `pai/input_data/sha256-<file hash>/<name>`, a folder's files under
 * `pai/input_data/sha256-<tree hash>/<relative path>`, where the tree hash covers every file's path and
 * content. The same data always maps to the same place, so it is uploaded once, and a dry run (which
 * hashes but sends nothing) shows the very URI the real run uses.
 */
export async function planInputUpload(path: string): Promise<{ prefix: string; prefixUri: (bucket: string) => string; files: FileToUpload[] }> {
  const info = await lstat(path);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  if (info.isFile()) {
    const { sha256, size } = hashFile(path, buffer);
    const prefix = `pai/input_data/sha256-${sha256}/`;
    const key = prefix + basename(path);
    return { prefix, prefixUri: (bucket) => `oss://${bucket}/${key}`, files: [{ abs: path, key, size, sha256 }] };
  }
  const entries = await walk(path);
  const tree = createHash('sha256');
  const hashed: { rel: string; path: string; size: number; sha256: string }[] = [];
  for (const e of entries) {
    const rel = relative(path, e.path).split(sep).join('/');
    const { sha256, size } = hashFile(e.path, buffer);
    tree.update(`${rel}\0${sha256}\n`);
    hashed.push({ rel, path: e.path, size, sha256 });
  }
  const prefix = `pai/input_data/sha256-${tree.digest('hex')}/`;
  return {
    prefix,
    prefixUri: (bucket) => `oss://${bucket}/${prefix}`,
    files: hashed.map((h) => ({ abs: h.path, key: prefix + h.rel, size: h.size, sha256: h.sha256 })),
  };
}

/** Uploads what is not there yet (one listing of the prefix, then the missing files concurrently). */
export async function uploadInputFiles(
  store: ObjectStore,
  bucket: string,
  plan: { prefix: string; files: FileToUpload[] },
  options: UploadFilesOptions = {},
): Promise<UploadFilesResult> {
  return uploadFiles(store, bucket, plan.prefix, plan.files, options);
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
