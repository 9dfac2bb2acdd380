#!/usr/bin/env node
// The only place that ends the process: main() returns an exit code and never exits itself,
// so tests can call it in-process. exitNow is for a second Ctrl-C, which must not wait for anything.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // A CI loop asks this often: answer without loading the CLI (commander alone costs half a `node -e 0`).
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(argv, { exitNow: (code) => process.exit(code) });
}
