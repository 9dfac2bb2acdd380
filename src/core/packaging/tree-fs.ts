import { constants, promises as fsp } from 'node:fs';

/** The part of an lstat result the walker uses; node's `fs.Stats` is one. */
export interface FileStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  size: number;
  mode: number;
}

/**
 * The file-system calls the walker makes. Tests replace some of them: running as root, a `chmod 000` file is
 * still readable, so an unreadable file can only be shown by a `checkReadable` that refuses.
 */
export interface TreeFs {
  readdir(path: string): Promise<string[]>;
  lstat(path: string): Promise<FileStat>;
  readlink(path: string): Promise<string>;
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<string>;
  /** Resolves when the current user may open the file for reading, rejects (EACCES…) when not. */
  checkReadable(path: string): Promise<void>;
}

export const nodeTreeFs: TreeFs = {
  readdir: path => fsp.readdir(path),
  lstat: path => fsp.lstat(path),
  readlink: path => fsp.readlink(path),
  realpath: path => fsp.realpath(path),
  readFile: path => fsp.readFile(path, 'utf8'),
  // access(R_OK) asks the same question as open(O_RDONLY) without opening a descriptor per file.
  checkReadable: path => fsp.access(path, constants.R_OK),
};
