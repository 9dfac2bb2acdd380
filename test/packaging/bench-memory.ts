/**
 * Packs a generated tree and reports time and peak RSS, next to `tar -czf` of the same tree. Not a test: run it by
 * hand, `npx tsx test/packaging/bench-memory.ts [sizeMB=200]`, and compare two sizes to see that memory does not
 * grow with the tree. The tree is generated once per size under the temp folder and kept for reruns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packArchive, selectFiles } from '../../src/core/packaging/index.js';

const MiB = 1024 * 1024;

/** Roughly `sizeMB`: a third in 8 MiB incompressible files, the rest in 20 KiB text files across 50 folders. */
function generate(root: string, sizeMB: number): void {
  const bigFiles = Math.max(1, Math.round(sizeMB / 3 / 8));
  for (let i = 0; i < bigFiles; i++) {
    mkdirSync(join(root, 'models'), { recursive: true });
    writeFileSync(join(root, 'models', `weights-${i}.bin`), randomBytes(8 * MiB));
  }
  const line = 'def f(x):\n    return x * 2  # some ordinary python source text\n';
  const text = line.repeat(Math.ceil((20 * 1024) / line.length));
  const smallFiles = Math.round(((sizeMB - bigFiles * 8) * 1024) / 20);
  for (let i = 0; i < smallFiles; i++) {
    const dir = join(root, 'src', `pkg${i % 50}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `module_${i}.py`), `# ${i}\n${text}`);
  }
  writeFileSync(join(root, '.done'), '');
}

/** Runs in a fresh process, so that the peak is packaging's alone. */
async function measure(root: string, destination: string): Promise<void> {
  let peak = process.memoryUsage().rss;
  const before = peak;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  const selection = await selectFiles(root);
  const t1 = performance.now();
  const archive = await packArchive(selection, destination);
  const t2 = performance.now();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(
    JSON.stringify({
      files: selection.fileCount,
      totalMB: +(selection.totalBytes / MiB).toFixed(1),
      archiveMB: +(archive.bytes / MiB).toFixed(1),
      selectMs: Math.round(t1 - t0),
      packMs: Math.round(t2 - t1),
      rssBeforeMB: +(before / MiB).toFixed(1),
      rssPeakMB: +(peak / MiB).toFixed(1),
      rssGrowthMB: +((peak - before) / MiB).toFixed(1),
    }),
  );
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--measure' && rest[0] && rest[1]) return measure(rest[0], rest[1]);

  const sizeMB = Number(mode ?? 200);
  const root = join(tmpdir(), `pai-pack-bench-${sizeMB}mb`);
  if (!existsSync(join(root, '.done'))) {
    rmSync(root, { recursive: true, force: true });
    console.log(`generating ~${sizeMB} MB under ${root}…`);
    generate(root, sizeMB);
  }
  const out = join(tmpdir(), `pai-pack-bench-${sizeMB}mb.tar.gz`);
  // Warm the page cache so that both tools read from memory.
  execFileSync('tar', ['-cf', '/dev/null', '-C', root, '.']);

  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, self, '--measure', root, out], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  console.log('pai-process:', child.stdout.trim());

  const gnuOut = join(tmpdir(), `pai-pack-bench-${sizeMB}mb.gnu.tar.gz`);
  const t0 = performance.now();
  execFileSync('tar', ['-czf', gnuOut, '-C', root, '.']);
  const ms = Math.round(performance.now() - t0);
  console.log('tar -czf:   ', JSON.stringify({ ms, archiveMB: +(statSync(gnuOut).size / MiB).toFixed(1) }));
  rmSync(out, { force: true });
  rmSync(gnuOut, { force: true });
}

await main();
