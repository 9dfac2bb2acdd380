// The second step of `npm run build`, after tsc. Writes dist/bundle/:
//   main.cjs           dist/cli/main.js and all it imports but the Alibaba libraries, as one CommonJS file
//   main.cjs.v8-cache  V8's code cache of it, warmed by running the commands a script runs most
//   help.txt           the top-level `--help` as the CLI prints it without a terminal
//   command-help.json  every command's `--help` likewise ({ "run": ..., "config show": ... })
//   ali-oss.cjs        ali-oss and its dependencies as one CommonJS file, and its code cache (ali-oss.cjs.v8-cache)
//   alicloud.cjs       @alicloud/credentials, @alicloud/openapi-client and @alicloud/tea-util, and their code cache
//   job-config-validator.cjs  the job config's generated validator, and its code cache (required by main.cjs likewise)
//   yaml.cjs           the yaml library, and its code cache (main.cjs requires it through bin/load-bundle.cjs)
// bin/pai-process.cjs runs main.cjs through bin/load-bundle.cjs, and prints help.txt for a bare `--help` and
// command-help.json's text for `<command> --help`.
//
// Why (docs/performance.md has the figures): Node's ESM loader costs about a millisecond a module and some 30 ms to
// start at all, and the CLI reached some 60 modules of ours and 100 files of its libraries (yaml alone is 70); then
// compiling them was most of what was left. One CommonJS file loaded from V8's code cache skips both. Modules that
// only a dynamic import() reaches are still evaluated only when reached. The Alibaba libraries are bundled apart
// (below), and the code loads them at run time (bin/load-bundle.cjs loadLibrary).
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

// Every bundle: CommonJS for Node 20, without comments and extra whitespace, and ASCII only (checked below). What a
// start-up pays for a bundle grows with its text: Node reads it as UTF-8 (a file with one non-ASCII character, such
// as a `→` in a comment, decodes some two times slower and makes a string of two bytes a character that V8 then
// hashes and scans), and V8 checks the code cache against it. Names are kept: stack traces (--verbose) stay readable.
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  logLevel: 'warning',
};

// import.meta.url has no CommonJS equivalent that esbuild fills in: give it the bundle's own file URL.
const shim = join(outdir, 'import-meta-url.js');
writeFileSync(shim, 'export const importMetaUrl = require("node:url").pathToFileURL(__filename).href;\n');
// The job config's validator (generated from the schema) apart, in dist/bundle/job-config-validator.cjs: only commands
// that check a job config run it, and its one large function compiled into main.cjs's code cache was deserialised by
// every command at start-up (V8 reads a code cache whole). main.cjs requires it by this relative name, which
// bin/load-bundle.cjs serves from the file's code cache.
const VALIDATOR = './job-config-validator.cjs';
const validatorApart = {
  name: 'job-config-validator-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]job-config\.validator\.generated\.js$/ }, () => ({ path: VALIDATOR, external: true }));
  },
};
// bin/load-bundle.cjs hands main.cjs and alicloud.cjs a stand-in for some modules they require at their top (its
// LAZY), required on first use. The credentials library passes child_process.execFile to promisify at its top level,
// which would require child_process there: this plugin makes the same call when a credential process is first run.
const deferExecFile = {
  name: 'defer-exec-file',
  setup(b) {
    // A new version of the library may word it otherwise: the build then fails here rather than bundle it unchanged.
    b.onLoad({ filter: /[\\/]@alicloud[\\/]credentials[\\/]dist[\\/]src[\\/]providers[\\/]external\.js$/ }, (args) => {
      const line = 'const execFileAsync = (0, util_1.promisify)(child_process_1.execFile);';
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(line)) throw new Error(`${args.path} no longer holds \`${line}\`: see the plugin defer-exec-file in scripts/bundle.mjs`);
      return { contents: source.replace(line, 'const execFileAsync = (...args) => (0, util_1.promisify)(child_process_1.execFile)(...args);'), loader: 'js' };
    });
  },
};
const mainBuild = await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  outfile: bundle,
  ...common,
  external: ['@alicloud/*', 'ali-oss', 'yaml'],
  plugins: [validatorApart],
  inject: [shim],
  define: { 'import.meta.url': 'importMetaUrl' },
  metafile: true,
});
await build({
  entryPoints: [join(root, 'dist', 'core', 'config', 'job-config.validator.generated.js')],
  outfile: join(outdir, VALIDATOR),
  ...common,
  inject: [shim],
  define: { 'import.meta.url': 'importMetaUrl' },
});
rmSync(shim);

// ali-oss apart: requiring the package costs some 170 ms (urllib, xml2js, ...), one file from a code cache about half
// that, and only commands that touch OSS load it (bin/load-bundle.cjs loadLibrary). `proxy-agent` is an optional
// dependency of urllib that is not installed: it stays a require() that fails as it does unbundled.
await build({
  stdin: { contents: "module.exports = require('ali-oss');", resolveDir: root, sourcefile: 'ali-oss-entry.cjs' },
  outfile: join(outdir, 'ali-oss.cjs'),
  ...common,
  external: ['proxy-agent'],
});

// The libraries every command that talks to PAI loads, apart from ali-oss: required from the installed packages they
// cost 150-300 ms (the credentials library alone is most of it), from one file and its code cache about a third of
// that. One file for the three, since the OpenAPI client requires the credentials library itself: a credential made
// by one copy is then used by the same copy.
await build({
  stdin: {
    contents: ['@alicloud/credentials', '@alicloud/openapi-client', '@alicloud/tea-util']
      .map((name) => `exports[${JSON.stringify(name)}] = require(${JSON.stringify(name)});`)
      .join('\n'),
    resolveDir: root,
    sourcefile: 'alicloud-entry.cjs',
  },
  outfile: join(outdir, 'alicloud.cjs'),
  ...common,
  plugins: [deferExecFile],
});

// yaml apart: only a command that reads a job config parses YAML, but its compiled code in main.cjs's cache was
// deserialised by every command at start-up (V8 reads a code cache whole): some 290 KB of source, the largest part of
// main.cjs. From its own file and cache (bin/load-bundle.cjs) a command pays for it only when it requires it.
await build({
  stdin: { contents: "module.exports = require('yaml');", resolveDir: root, sourcefile: 'yaml-entry.cjs' },
  outfile: join(outdir, 'yaml.cjs'),
  ...common,
});

for (const name of ['main.cjs', 'ali-oss.cjs', 'alicloud.cjs', 'yaml.cjs', 'job-config-validator.cjs']) {
  const at = readFileSync(join(outdir, name)).findIndex((byte) => byte > 0x7f);
  if (at >= 0) throw new Error(`dist/bundle/${name} is not ASCII at byte ${at}: bin/load-bundle.cjs reads it faster as ASCII (see \`common\` above)`);
}

// Code run from the code cache cannot import(): V8 keeps no module loader for it (bin/load-bundle.cjs). esbuild turns
// an import() of a module it bundles into a require(); one of a computed name stays an import(). The only one allowed
// is CliContext's default importFile (src/cli/context.ts), which bin/pai-process.cjs replaces with its own: its line
// follows a comment with the marker below. So the bundle must hold exactly as many import() as the bundled modules
// have markers, each marker followed by a line with an import().
const MARKER = '@bundle-allows-import';
const marked = [];
for (const input of Object.keys(mainBuild.metafile.inputs)) {
  if (!input.startsWith('dist/') || input.startsWith('dist/bundle/')) continue; // ours, as tsc wrote them
  const lines = readFileSync(join(root, input), 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.includes(MARKER)) return;
    const next = lines.slice(i + 1).find((l) => !/^\s*(\/\/|\/?\*)/.test(l));
    if (!next || !/\bimport\(/.test(next)) throw new Error(`${input}:${i + 1}: ${MARKER} must be followed by the line with the import() it allows`);
    marked.push(`${input}:${i + 2}: ${next.trim()}`);
  });
}
const dynamicImports = readFileSync(bundle, 'utf8').match(/.{0,80}\bimport\((?!\)).{0,80}/g) ?? [];
if (dynamicImports.length !== marked.length) {
  throw new Error(
    `dist/bundle/main.cjs must not contain import() but those marked ${MARKER} (${marked.length}: ${marked.join('; ') || 'none'}); ` +
      `use require() or CliContext.importFile. Its ${dynamicImports.length}:\n${dynamicImports.join('\n')}`,
  );
}

// The code caches and help.txt, written by scripts/warm-code-caches.cjs in a child process with no flags of ours (V8
// rejects a cache made under other flags) and stdout a pipe, as a script's would be: commander then renders help at
// its default 80 columns, whatever this build's terminal is.
const work = mkdtempSync(join(tmpdir(), 'pai-process-build-'));
try {
  mkdirSync(join(work, 'code'));
  writeFileSync(join(work, 'code', 'main.py'), 'print("hello")\n');
  writeFileSync(join(work, 'job.yaml'), 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\n');
  // Only PATH of the caller's environment: no NODE_OPTIONS, proxies or Alibaba settings that the libraries read.
  const env = { PATH: process.env.PATH ?? '' };
  const { top, commands } = JSON.parse(
    execFileSync(process.execPath, [join(root, 'scripts', 'warm-code-caches.cjs'), work], { encoding: 'utf8', env, cwd: work }),
  );
  writeFileSync(join(outdir, 'help.txt'), top);
  writeFileSync(join(outdir, 'command-help.json'), `${JSON.stringify(commands, null, 1)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
