/**
 * Generated code trees for the bench: incompressible "weights" files (AES-CTR output, seeded, so every run packs the
 * same bytes) mixed with Python-like text files (seeded too, compressing about 4:1 like real source code), spread
 * over folders. Written asynchronously so that the bench's emulator stays responsive.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;

export interface TreeSpec {
  /** Files of random bytes and their size. */
  randomFiles: number;
  randomFileBytes: number;
  /** Text files and their (approximate) size. */
  textFiles: number;
  textFileBytes: number;
  /** Text files are spread over this many folders under `src/`. */
  folders: number;
  seed: string;
}

/** ~120 MB / 4000 files: the tree of the end-to-end and packaging figures (as test/packaging/bench-memory.ts). */
export const TREE_120MB: TreeSpec = { randomFiles: 5, randomFileBytes: 8 * MiB, textFiles: 4000, textFileBytes: 20 * 1024, folders: 50, seed: 'pai-bench-120' };

/** ~1 GB: a third random bytes in 8 MiB files, two thirds text in 100 KiB files. */
export const TREE_1GB: TreeSpec = { randomFiles: 43, randomFileBytes: 8 * MiB, textFiles: 6800, textFileBytes: 100 * 1024, folders: 100, seed: 'pai-bench-1g' };

/** A small job's code: a few files, as in a typical dry run. */
export const TREE_SMALL: TreeSpec = { randomFiles: 0, randomFileBytes: 0, textFiles: 12, textFileBytes: 4 * 1024, folders: 3, seed: 'pai-bench-small' };

export function treeBytes(spec: TreeSpec): number {
  return spec.randomFiles * spec.randomFileBytes + spec.textFiles * spec.textFileBytes;
}

/** A deterministic stream of pseudo-random bytes. */
function randomStream(seed: string, label: string) {
  const key = createHash('sha256').update(`${seed}/${label}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
}

export async function generateTree(root: string, spec: TreeSpec): Promise<void> {
  await mkdir(root, { recursive: true });
  if (spec.randomFiles > 0) await mkdir(join(root, 'models'), { recursive: true });
  for (let i = 0; i < spec.randomFiles; i++) {
    const data = randomStream(spec.seed, `weights-${i}`).update(Buffer.alloc(spec.randomFileBytes));
    await writeFile(join(root, 'models', `weights-${i}.bin`), data);
  }
  let state = createHash('sha256').update(spec.seed).digest().readUInt32LE(0) || 1;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const words = ['value', 'batch', 'model', 'loss', 'input', 'output', 'config', 'layer', 'weight', 'grad', 'step', 'epoch', 'data', 'path', 'name', 'size'];
  const word = () => words[next() % words.length] as string;
  for (let f = 0; f < spec.folders; f++) await mkdir(join(root, 'src', `pkg${f}`), { recursive: true });
  const pending: Promise<void>[] = [];
  for (let i = 0; i < spec.textFiles; i++) {
    const parts: string[] = [`# module ${i}\nimport os\nimport sys\n\n`];
    let length = parts[0]!.length;
    while (length < spec.textFileBytes) {
      const n = next();
      const line = `def ${word()}_${word()}_${n % 10007}(${word()}, ${word()}=${n % 97}):\n    """Return the ${word()} of the ${word()}."""\n    return ${word()} * ${n % 13} + ${(n >>> 8) % 1000}  # ${(n >>> 3).toString(36)}\n\n`;
      parts.push(line);
      length += line.length;
    }
    pending.push(writeFile(join(root, 'src', `pkg${i % spec.folders}`, `module_${i}.py`), parts.join('')));
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await writeFile(join(root, 'README.md'), `# bench tree ${spec.seed}\n`);
}
