#!/usr/bin/env node
'use strict';
// The only place that ends the process: main() returns an exit code and never exits itself,
// so tests can call it in-process. exitNow is for a second Ctrl-C, which must not wait for anything.
// CommonJS on purpose: an ES module entry point starts Node's ESM loader, some 30 ms before any of our code runs.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

// A reader that stopped reading (`logs ID | head -1`, `schema | true`) closes stdout: the command has nothing
// left to do, so it ends quietly with 0, as Unix tools do, instead of dying on an unhandled EPIPE with a stack
// trace. A cloud job being followed keeps running; a local job's workers are stopped on exit
// (src/core/local/process-group.ts).
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// A closed stderr (`2>&1 | head -1` closes both; stdout usually notices first) loses only progress and messages:
// the command goes on and ends with its own exit code.
process.stderr.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;
const help = (only === '--help' || only === '-h') && !process.stdout.isTTY ? prerenderedHelp() : undefined;
if (only === '--version' || only === '-V') {
  // A CI loop asks this often: answer without loading the CLI.
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else if (help !== undefined) {
  // Without a terminal commander renders help at 80 columns; the build rendered exactly that (scripts/bundle.mjs).
  process.stdout.write(help);
} else {
  const { main } = loadCli();
  const loadLibrary = (name) => require('./load-bundle.cjs').loadLibrary(name).exports;
  main(argv, { exitNow: (code) => process.exit(code), importFile: (url) => import(url), loadLibrary }).then((code) => {
    process.exitCode = code;
  });
}

/** The bundled CLI; a tree that was never built gets the command that builds it instead of a stack trace. */
function loadCli() {
  const { loadBundle, BUNDLE } = require('./load-bundle.cjs');
  try {
    return loadBundle();
  } catch (error) {
    if (error.code !== 'ENOENT' || error.path !== BUNDLE) throw error;
    process.stderr.write(`✖ pai-process is not built: ${BUNDLE} is missing\n→ Run \`npm run build\` in ${join(__dirname, '..')} (npm ci and npm install build it).\n`);
    process.exit(70);
  }
}

/** The top-level help the build wrote, or undefined when this tree was built without it. */
function prerenderedHelp() {
  try {
    return readFileSync(join(__dirname, '..', 'dist', 'bundle', 'help.txt'), 'utf8');
  } catch {
    return undefined;
  }
}
