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

// ali-oss's HTTP client (urllib 2) writes "[urllib:warn] ... callback twice!!!" with a stack straight to the
// console when a socket fails after its request was answered, which a retried upload part can cause. It takes
// no logger (ali-oss could only be handed a whole other HTTP client), so the process drops exactly these lines
// here, where the process is set up, rather than the object store patching a global (src/cloud/oss/store.ts):
// the retry is already reported by the CLI.
const consoleWarn = console.warn.bind(console);
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('[urllib:warn]')) return;
  consoleWarn(...args);
};

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;
const help = !process.stdout.isTTY ? prerenderedHelp(argv) : undefined;
if (only === '--version' || only === '-V') {
  // A CI loop asks this often: answer without loading the CLI.
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else if (help !== undefined) {
  // Without a terminal commander renders help at 80 columns; the build rendered exactly that (scripts/bundle.mjs),
  // for the program and for each command: loading the CLI to print it cost `run --help` some 1.9× `node -e 0`.
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
    process.stderr.write(
      `✖ pai-process is not built: ${BUNDLE} is missing\n→ Run \`npm run build\` in ${join(__dirname, '..')} (npm ci and npm install build it).\n`,
    );
    process.exit(70);
  }
}

/**
 * The help the build wrote for `--help` (help.txt) or `<command> [<subcommand>] --help` (command-help.json), or
 * undefined for any other command line, or when this tree was built without them.
 */
function prerenderedHelp(args) {
  const last = args[args.length - 1];
  if (last !== '--help' && last !== '-h') return undefined;
  const words = args.slice(0, -1);
  if (!words.every((word) => /^[a-z][a-z-]*$/.test(word))) return undefined;
  try {
    const bundle = join(__dirname, '..', 'dist', 'bundle');
    if (words.length === 0) return readFileSync(join(bundle, 'help.txt'), 'utf8');
    const text = JSON.parse(readFileSync(join(bundle, 'command-help.json'), 'utf8'))[words.join(' ')];
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}
