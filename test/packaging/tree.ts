import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/** A file's content, a file with a mode, a link, or an (empty) folder. */
export type Node = string | Buffer | { content: string | Buffer; mode: number } | { link: string } | { dir: true };

const made: string[] = [];

/** A fresh temp folder, removed after the test file's tests. */
export function tempDir(prefix = 'pai-pack-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a tree described as `{ 'a/b.txt': 'content', 'l': { link: 'a' }, 'empty': { dir: true } }` under `root`. */
export function writeTree(root: string, nodes: Record<string, Node>): string {
  for (const [path, node] of Object.entries(nodes)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof node === 'string' || Buffer.isBuffer(node)) writeFileSync(abs, node);
    else if ('link' in node) symlinkSync(node.link, abs);
    else if ('dir' in node) mkdirSync(abs, { recursive: true });
    else {
      writeFileSync(abs, node.content);
      chmodSync(abs, node.mode);
    }
  }
  return root;
}

/** What a tree holds: path → `file:<content>`, `link:<target>` or `dir`, in sorted order. */
export function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(abs);
      if (stat.isSymbolicLink()) out[path] = `link:${readlinkSync(abs)}`;
      else if (stat.isDirectory()) {
        out[path] = 'dir';
        walk(abs, path);
      } else out[path] = `file:${readFileSync(abs, 'utf8')}`;
    }
  };
  walk(root, '');
  return out;
}

/** Whether this process ignores file permissions (root in CI containers). */
export const isRoot = process.getuid?.() === 0;
