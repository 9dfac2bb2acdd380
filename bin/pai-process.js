#!/usr/bin/env node
// The only place that ends the process: main() returns an exit code and never exits itself,
// so tests can call it in-process.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
