import type { Stats } from 'node:fs';

/** Who runs the tool: a file another user could have written is not read as this user's config. */
export interface Identity {
  uid: number;
  gid: number;
}

/** This process's user and primary group; undefined where the platform has none (Windows). */
export function currentIdentity(): Identity | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/**
 * Why a file found by search may have been written by someone else, or undefined when only this user (or root)
 * could have. A config decides where signed requests and the code go, so it must be as much the user's as their
 * shell profile: owned by them or by root, and writable by no one else. A group-writable file passes only when its
 * group is the user's own primary group: with user private groups (Debian, Ubuntu, Fedora) umask 002 makes every
 * new file group-writable by a group that has the user alone.
 */
export function untrustedReason(stats: Pick<Stats, 'uid' | 'gid' | 'mode'>, me: Identity | undefined): string | undefined {
  if (!me) return undefined;
  if (stats.uid !== me.uid && stats.uid !== 0) return `it is owned by another user (uid ${stats.uid}), not by you (uid ${me.uid}) or root`;
  if ((stats.mode & 0o002) !== 0) return 'anyone can write to it (it is world-writable)';
  if ((stats.mode & 0o020) !== 0 && stats.gid !== me.gid) return `the members of group ${stats.gid} can write to it (it is group-writable)`;
  return undefined;
}
