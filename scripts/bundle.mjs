// The second step of `npm run build`, after tsc. Writes dist/bundle/:
//   main.cjs           dist/cli/main.js and all it imports but the Alibaba libraries, as one CommonJS file
//   main.cjs.v8-cache  V8's code cache of it, warmed by running the commands a script runs most
//   help.txt           the top-level `--help` as the CLI prints it without a terminal
//   ali-oss.cjs        ali-oss and its dependencies as one CommonJS file, and its code cache (ali-oss.cjs.v8-cache)
// bin/pai-process.cjs runs main.cjs through bin/load-bundle.cjs, and prints help.txt for a bare `--help`.
//
// Why (docs/performance.md has the figures): Node's ESM loader costs about a millisecond a module and some 30 ms to
// start at all, and the CLI reached some 60 modules of ours and 100 files of its libraries (yaml alone is 70); then
// compiling them was most of what was left. One CommonJS file loaded from V8's code cache skips both. Modules that
// only a dynamic import() reaches are still evaluated only when reached. The Alibaba libraries, cosmiconfig
// (its loaders resolve files relative to its own modules) and typescript (cosmiconfig's optional loader) stay outside:
// the code loads them with require() at run time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist', 'bundle');
const bundle = join(outdir, 'main.cjs');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

// import.meta.url has no CommonJS equivalent that esbuild fills in: give it the bundle's own file URL.
const shim = join(outdir, 'import-meta-url.js');
writeFileSync(shim, 'export const importMetaUrl = require("node:url").pathToFileURL(__filename).href;\n');
await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['@alicloud/*', 'ali-oss', 'cosmiconfig', 'typescript'],
  inject: [shim],
  define: { 'import.meta.url': 'importMetaUrl' },
  logLevel: 'warning',
});
rmSync(shim);

// ali-oss apart: requiring the package costs some 170 ms (urllib, xml2js, ...), one file from a code cache about half
// that, and only commands that touch OSS load it (bin/load-bundle.cjs loadLibrary). `proxy-agent` is an optional
// dependency of urllib that is not installed: it stays a require() that fails as it does unbundled.
await build({
  stdin: { contents: "module.exports = require('ali-oss');", resolveDir: root, sourcefile: 'ali-oss-entry.cjs' },
  outfile: join(outdir, 'ali-oss.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['proxy-agent'],
  logLevel: 'warning',
});

// Code run from the code cache cannot import(): V8 keeps no module loader for it (bin/load-bundle.cjs). The one
// import() allowed is CliContext's default importFile, which bin/pai-process.cjs replaces with its own.
const dynamicImports = readFileSync(bundle, 'utf8')
  .match(/.*\bimport\((?!\)).*/g)
  ?.filter((line) => line.trim() !== 'importFile: (url) => import(url),');
if (dynamicImports?.length) {
  throw new Error(`dist/bundle/main.cjs must not contain import(); use require() or CliContext.importFile:\n${dynamicImports.join('\n')}`);
}

// In a child process, with no flags of ours (V8 rejects a cache made under other flags) and stdout a pipe, as a
// script's would be: commander then renders help at its default 80 columns, whatever this build's terminal is.
const work = mkdtempSync(join(tmpdir(), 'pai-process-build-'));
try {
  mkdirSync(join(work, 'code'));
  writeFileSync(join(work, 'code', 'main.py'), 'print("hello")\n');
  writeFileSync(join(work, 'job.yaml'), 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\n');
  const warm = `
    const { loadBundle, loadLibrary } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.cjs'))});
    const { main, writeCache } = loadBundle();
    const env = { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '1', PAI_OSS_BUCKET_NAME: 'b', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };
    const context = (stdout) => ({ stdout, stderr: { write: () => true }, env, cwd: ${JSON.stringify(work)}, importFile: (url) => import(url) });
    const sink = { write: () => true };
    (async () => {
      let help = '';
      if ((await main(['--help'], context({ write: (s) => ((help += s), true) }))) !== 0) throw new Error('--help failed');
      for (const argv of [['run', '--help'], ['validate', '-f', 'job.yaml'], ['run', '-f', 'job.yaml', '--dry-run'], ['run', '-f', 'job.yaml', '--dry-run', '--json']]) {
        const code = await main(argv, context(sink));
        if (code !== 0) throw new Error(argv.join(' ') + ' exited ' + code);
      }
      writeCache();
      // ali-oss: loaded and a client made (what a run does before its first request), then its cache written.
      const oss = loadLibrary('ali-oss');
      new oss.exports({ accessKeyId: 'warm', accessKeySecret: 'warm', bucket: 'warm', region: 'oss-cn-hangzhou' });
      oss.writeCache();
      process.stdout.write(help);
    })().catch((error) => { process.exitCode = 1; process.stderr.write(String(error.stack) + '\\n'); });`;
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const help = execFileSync(process.execPath, ['-e', warm], { encoding: 'utf8', env, cwd: work });
  if (!help.startsWith('Usage: pai-process')) throw new Error(`unexpected --help:\n${help}`);
  writeFileSync(join(outdir, 'help.txt'), help);
} finally {
  rmSync(work, { recursive: true, force: true });
}
