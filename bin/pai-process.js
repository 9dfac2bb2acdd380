#!/usr/bin/env node
// The only place that ends the process: main() returns an exit code and never exits itself,
// so tests can call it in-process. exitNow is for a second Ctrl-C, which must not wait for anything.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), { exitNow: (code) => process.exit(code) });
