import { lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ObjectStore } from '../ports/backends.js';
import { ConfigError } from '../errors.js';
import { asDirUri, parseOssUri } from '../uris.js';

/**
 * Downloads an oss:// location into `folder`, the way PAI mounts it: an object becomes `folder/<its name>`
 * (a single-file input), a prefix (a URI ending in "/", or a key with objects under `key/`) becomes the
 * folder's contents. Returns the channel's path: the file, or the folder.
 */
export async function downloadLocation(
  store: ObjectStore,
  uri: string,
  folder: string,
  label: string,
): Promise<{ path: string; file: boolean; files: number }> {
  const { bucket, key } = ossParts(uri, label);
  await mkdir(folder, { recursive: true });
  if (key !== '' && !key.endsWith('/')) {
    const object = await store.head(bucket, key);
    if (object) {
      const path = join(folder, key.slice(key.lastIndexOf('/') + 1));
      await store.getFile(bucket, key, path);
      return { path, file: true, files: 1 };
    }
  }
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  const objects = (await store.list(bucket, prefix)).filter((o) => !o.key.endsWith('/'));
  if (objects.length === 0) {
    throw new ConfigError(
      `${label}: there is nothing at ${uri}`,
      [],
      `Check the URI: no object is named ${key || '(the bucket root)'}, and none is under oss://${bucket}/${prefix}.`,
    );
  }
  for (const o of objects) {
    const path = inside(folder, o.key.slice(prefix.length));
    if (!path) continue;
    await mkdir(dirname(path), { recursive: true });
    await store.getFile(bucket, o.key, path);
  }
  return { path: folder, file: false, files: objects.length };
}

/** Uploads every file under `folder` to the oss:// prefix `uri` (its relative paths kept); returns how many. */
export async function uploadFolder(store: ObjectStore, folder: string, uri: string, label: string): Promise<number> {
  const { bucket, key } = ossParts(asDirUri(uri), label);
  const files = await filesUnder(folder);
  for (const file of files) {
    const rel = relative(folder, file).split(sep).join('/');
    await store.putFile(bucket, key + rel, file);
  }
  return files.length;
}

/** Regular files under a folder, in a stable order. Links are not followed: an output is what the job wrote. */
export async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const info = await lstat(path);
      if (info.isDirectory()) await walk(path);
      else if (info.isFile()) out.push(path);
    }
  };
  await walk(folder);
  return out;
}

function ossParts(uri: string, label: string): { bucket: string; key: string } {
  const parsed = parseOssUri(uri);
  if (!parsed) throw new ConfigError(`${label}: "${uri}" is not an OSS URI`, [], 'Write oss://<bucket>/<path>.');
  return { bucket: parsed.bucket, key: parsed.key };
}

/** `folder/rel`, or undefined when an object's name would land outside the folder (`../x`, an absolute name). */
function inside(folder: string, rel: string): string | undefined {
  if (rel === '') return undefined;
  const path = resolve(folder, rel);
  return path.startsWith(resolve(folder) + sep) ? path : undefined;
}
