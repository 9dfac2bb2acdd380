'use strict';
// Loads the bundled CLI (dist/bundle/main.cjs, written by scripts/bundle.mjs) the way Node loads a CommonJS module,
// but through V8's code cache that the build wrote beside it (main.cjs.v8-cache): compiling the bundle is most of what
// a short command costs, and the cache lets V8 skip it. Node 22 does the same with module.enableCompileCache(); the
// Node 20 we support has no such switch. V8 checks the cache against its version, its flags and the source, and
// compiles as usual when it does not match (another Node, NODE_OPTIONS with V8 flags), so a stale cache costs time,
// never correctness. Code run from the cache has no module loader behind import(): the bundle contains none
// (scripts/bundle.mjs checks) and imports JavaScript job configs through CliContext.importFile instead.
// The same goes for the Alibaba libraries, bundled apart: ali-oss (dist/bundle/ali-oss.cjs), which only commands that
// touch OSS need, and @alicloud/credentials with @alicloud/openapi-client and @alicloud/tea-util (dist/bundle/alicloud.cjs,
// one file since the OpenAPI client requires the credentials library itself), which every command that talks to PAI
// needs (CliContext.loadLibrary). Required from the installed packages they cost a command 150-300 ms of compiling.
// yaml too (dist/bundle/yaml.cjs), and the job config's validator (dist/bundle/job-config-validator.cjs), which main.cjs
// requires only when a command reads or checks a job config (requireFor).
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');
const lazyModule = require('./lazy-module.cjs');

const BUNDLE_DIR = join(__dirname, '..', 'dist', 'bundle');
const BUNDLE = join(BUNDLE_DIR, 'main.cjs');

/** A CommonJS file run through its code cache (`<file>.v8-cache`), and a way to write that cache once its code has run. */
function loadCached(file) {
  // The build writes the bundles in ASCII (scripts/bundle.mjs checks), where latin1 reads the same string as UTF-8;
  // Node hands a large latin1 string (ali-oss.cjs, 1.1 MB) to V8 without decoding or copying it: 4-8 ms less.
  const source = readFileSync(file, 'latin1');
  const cache = `${file}.v8-cache`;
  let cachedData;
  try {
    // V8 compares only the source's length with the one the cache was made from: a file changed after its cache
    // was written (by hand: the build writes both, the cache last) could run stale code. Newer than its cache: skip it.
    if (statSync(cache).mtimeMs >= statSync(file).mtimeMs) cachedData = readFileSync(cache);
  } catch {
    cachedData = undefined; // none written yet (the build writes it), or unreadable: compile as usual
  }
  // Module.wrap's parameters: the file runs as require() would run it.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, requireFor(file), module, file, dirname(file));
  return {
    exports: module.exports,
    /** Whether V8 used the cache (false: none, or it did not match). */
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCache: () => writeFileSync(cache, script.createCachedData()),
  };
}

/**
 * The require() a bundle runs with: Node's, but a library that main.cjs leaves to a bundle of its own (yaml) comes
 * from that bundle and its code cache, and the modules of LAZY only when first used (bin/lazy-module.cjs).
 */
function requireFor(file) {
  const nodeRequire = Module.createRequire(file);
  const fromMain = file === BUNDLE;
  const lazy = LAZY[basename(file)];
  if (!fromMain && lazy === undefined) return nodeRequire;
  const load = (id) => (fromMain && REQUIRED_FROM_MAIN.has(id) ? loadLibrary(id).exports : nodeRequire(id));
  const standIns = new Map();
  const bundledRequire = (id) => {
    if (lazy === undefined || !lazy.has(id)) return load(id);
    let standIn = standIns.get(id);
    if (standIn === undefined) standIns.set(id, (standIn = lazyModule(() => load(id))));
    return standIn;
  };
  return Object.assign(bundledRequire, { resolve: nodeRequire.resolve, cache: nodeRequire.cache, main: nodeRequire.main });
}

/**
 * What a bundle requires at its top (so at start-up) that a command may never use, by bundle: required on first use.
 * Node compiles a built-in outside its start-up snapshot when it is first required, ~2-3 ms each on this project's
 * machine (docs/performance.md), and the cloud commands used none of these before their first request:
 * child_process (commander, for executable subcommands; src/core/local, to start a local job; the credentials
 * library, for an external credential process, with its top-level promisify deferred by scripts/bundle.mjs), v8 (the
 * upload's garbage collections, src/core/upload-files.ts), readline/promises (src/ui/prompt.ts), zlib (httpx, to
 * inflate a compressed answer; main.cjs's tar reads zlib's constants as it loads, and only commands that package or
 * unpack code load it), and yaml (src/core/config/source.ts and overrides.ts import it at their top, and every command
 * that looks for a job config loads them, whether it finds one or not).
 */
const LAZY = {
  'main.cjs': new Set(['node:child_process', 'node:v8', 'node:readline/promises', 'yaml']),
  'alicloud.cjs': new Set(['child_process', 'zlib']),
};

/** The bundle's exports ({ main }), and a way to write the cache once the code that should be in it has run. */
function loadBundle() {
  const loaded = loadCached(BUNDLE);
  return { main: loaded.exports.main, cacheUsed: loaded.cacheUsed, writeCache: loaded.writeCache };
}

/** Each library's bundle (scripts/bundle.mjs), and the key of its exports in the bundle's exports when it holds several. */
const LIBRARIES = {
  'ali-oss': { bundle: 'ali-oss' },
  '@alicloud/credentials': { bundle: 'alicloud', key: '@alicloud/credentials' },
  '@alicloud/openapi-client': { bundle: 'alicloud', key: '@alicloud/openapi-client' },
  '@alicloud/tea-util': { bundle: 'alicloud', key: '@alicloud/tea-util' },
  yaml: { bundle: 'yaml' },
  './job-config-validator.cjs': { bundle: 'job-config-validator' },
};

/** What main.cjs requires by name (the other libraries it gets through CliContext.loadLibrary); scripts/bundle.mjs. */
const REQUIRED_FROM_MAIN = new Set(['yaml', './job-config-validator.cjs']);

const bundles = new Map();

/**
 * A library the build bundled apart (a name of LIBRARIES), from its code cache; the installed package when this tree
 * has no such bundle. Each bundle is loaded once. `writeCache` writes the cache of the whole bundle the library is in.
 */
function loadLibrary(name) {
  const where = LIBRARIES[name];
  if (!where) throw new Error(`bin/load-bundle.cjs: no bundle holds ${name}`);
  let loaded = bundles.get(where.bundle);
  if (!loaded) {
    const file = join(BUNDLE_DIR, `${where.bundle}.cjs`);
    try {
      loaded = loadCached(file);
    } catch (error) {
      if (error.code !== 'ENOENT' || error.path !== file) throw error;
      loaded = { exports: undefined, cacheUsed: false, writeCache: () => undefined };
    }
    bundles.set(where.bundle, loaded);
  }
  if (loaded.exports === undefined) return { ...loaded, exports: Module.createRequire(BUNDLE)(name) };
  return where.key === undefined ? loaded : { ...loaded, exports: loaded.exports[where.key] };
}

module.exports = { loadBundle, loadLibrary, BUNDLE };
