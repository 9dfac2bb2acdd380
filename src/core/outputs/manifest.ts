import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A local file has no ETag, so what each downloaded file was is kept beside them, in one small JSON file at the
 * top of the download folder: `files["<channel>/<path>"] = {etag, size, uri}`. A file is skipped on the next
 * download only when it is there with the listed size AND this record holds the listed ETag; a file it does not
 * know (or whose object changed) is downloaded again.
 */
export const MANIFEST_NAME = '.pai-process-download.json';

export interface ManifestEntry {
  etag: string;
  size: number;
  uri: string;
}

export interface Manifest {
  version: 1;
  files: Record<string, ManifestEntry>;
}

export async function readManifest(root: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(root, MANIFEST_NAME), 'utf8');
  } catch {
    return { version: 1, files: {} };
  }
  try {
    const data = JSON.parse(text) as Partial<Manifest>;
    // An unreadable or foreign record only costs a fresh download; it never stops one.
    if (data.version !== 1 || typeof data.files !== 'object' || data.files === null) return { version: 1, files: {} };
    const files: Record<string, ManifestEntry> = {};
    for (const [k, v] of Object.entries(data.files)) {
      if (v && typeof v.etag === 'string' && typeof v.size === 'number' && typeof v.uri === 'string') files[k] = v;
    }
    return { version: 1, files };
  } catch {
    return { version: 1, files: {} };
  }
}

/** Writes the record through a temporary file and a rename, so an interrupted write never leaves half of it. */
export async function writeManifest(root: string, manifest: Manifest): Promise<void> {
  const path = join(root, MANIFEST_NAME);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(temp, path);
}
