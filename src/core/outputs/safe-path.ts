import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Where an object goes under the download folder: `<root>/<channel>/<key below the channel's prefix>`, or the
 * reason it may not go anywhere. Object keys come from the bucket, which anyone with write access to it fills:
 * a key with a `..` segment, an absolute path, a backslash or a NUL, or one that would resolve outside the
 * channel's folder is refused, so a download never writes outside the folder the user named.
 */
export function localPathFor(root: string, channel: string, relativeKey: string): { path: string } | { refused: string } {
  if (!isSafeSegment(channel)) return { refused: `the channel name "${channel}" is not a plain folder name` };
  if (relativeKey.includes('\0')) return { refused: 'it contains a NUL character' };
  if (relativeKey.includes('\\')) return { refused: 'it contains a backslash, which some systems read as a folder separator' };
  if (relativeKey.startsWith('/') || isAbsolute(relativeKey)) return { refused: 'it is an absolute path' };
  const segments = relativeKey.split('/');
  if (segments.some((s) => s === '..')) return { refused: 'it has a ".." segment' };
  if (segments.some((s) => s === '.' || s === '')) return { refused: 'it has an empty or "." segment' };
  const folder = resolve(root, channel);
  const path = resolve(folder, ...segments);
  const rel = relative(folder, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { refused: 'it resolves outside the download folder' };
  return { path };
}

function isSafeSegment(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}
