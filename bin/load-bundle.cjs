'use strict';
// Loads the bundled CLI (dist/bundle/main.cjs, written by scripts/bundle.mjs) the way Node loads a CommonJS module,
// but through V8's code cache that the build wrote beside it (main.cjs.v8-cache): compiling the bundle is most of what
// a short command costs, and the cache lets V8 skip it. Node 22 does the same with module.enableCompileCache(); the
// Node 20 we support has no such switch. V8 checks the cache against its version, its flags and the source, and
// compiles as usual when it does not match (another Node, NODE_OPTIONS with V8 flags), so a stale cache costs time,
// never correctness. Code run from the cache has no module loader behind import(): the bundle contains none
// (scripts/bundle.mjs checks) and imports JavaScript job configs through CliContext.importFile instead.
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'main.cjs');
const CACHE = `${BUNDLE}.v8-cache`;

/** The bundle's exports ({ main }), and a way to write the cache once the code that should be in it has run. */
function loadBundle() {
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData;
  try {
    // V8 compares only the source's length with the one the cache was made from: a bundle changed after its cache
    // was written (by hand: the build writes both, the cache last) could run stale code. Newer than its cache: skip it.
    if (statSync(CACHE).mtimeMs >= statSync(BUNDLE).mtimeMs) cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined; // none written yet (the build writes it), or unreadable: compile as usual
  }
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return {
    main: module.exports.main,
    /** Whether V8 used the cache (false: none, or it did not match). */
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCache: () => writeFileSync(CACHE, script.createCachedData()),
  };
}

module.exports = { loadBundle, BUNDLE };
