import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** Why a code folder could not be packaged. */
export type PackagingFailure =
  /** The code folder does not exist or is not a folder. */
  | 'not-a-directory'
  /** A file or folder that should be packaged cannot be read (EACCES, EPERM). */
  | 'unreadable'
  /** A file changed or vanished between choosing the files and writing the archive. */
  | 'changed'
  /** A file name that is not valid UTF-8: it cannot become an object key, which OSS requires to be UTF-8. */
  | 'bad-name'
  /** A path longer than the system allows (ENAMETOOLONG): it cannot be opened, here or after unpacking. */
  | 'name-too-long';

/**
 * A code folder that cannot be packaged as it is: the user fixes the tree (permissions, ignore rules) and runs again.
 * It is a CliError with the usage exit code (2, nothing was submitted), so a caller that does not map it still exits
 * with a meaningful code instead of reporting a bug.
 */
export class PackagingError extends CliError {
  /** The absolute path of the file or folder at fault. */
  readonly path: string;
  readonly reason: PackagingFailure;
  /** The errno code behind it (EACCES, ENOENT…), when there was one. */
  readonly code: string | undefined;

  constructor(message: string, details: { path: string; reason: PackagingFailure; code?: string | undefined; hint?: string }) {
    super(message, ExitCode.usage, details.hint);
    this.path = details.path;
    this.reason = details.reason;
    this.code = details.code;
  }
}

/** The errno code of a Node.js system error, or undefined. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** An unreadable file (EACCES, EPERM) as the PackagingError that names it; any other failure as it is. */
export function unreadable(path: string, err: unknown): Error {
  const code = errnoCode(err);
  if (code === 'EACCES' || code === 'EPERM') {
    return new PackagingError(`Cannot read ${path} (${code})`, {
      path,
      reason: 'unreadable',
      code,
      hint: 'Make it readable, or leave it out with an ignore rule.',
    });
  }
  if (code === 'ENAMETOOLONG') {
    return new PackagingError(`Cannot package ${path}: the path is too long for this system (ENAMETOOLONG)`, {
      path,
      reason: 'name-too-long',
      code,
      hint: 'Shorten the folder names, or leave the folder out with a rule in .paiignore.',
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** A name as bytes, printable ASCII kept and every other byte as \xHH, so an undecodable name can be shown. */
export function escapeBytes(name: Buffer): string {
  let out = '';
  for (const byte of name) out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}
