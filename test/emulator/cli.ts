// Standalone emulator: `npm run emulator` (tsx test/emulator/cli.ts). Prints the `export` lines
// that point pai-process at it on stdout (and, with --write-env-file, writes them to a file), logs one line per
// request on stderr, and serves until SIGINT or SIGTERM.
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index.js';
import type { JournalEntry } from './journal.js';

const USAGE = `usage: tsx test/emulator/cli.ts [--pai-port N] [--oss-port N] [--workspace-port N] [--region R] [--workspace-id ID]
       [--bucket NAME] [--access-key-id ID] [--access-key-secret SECRET] [--execute] [--legacy-code-archive]
       [--write-env-file PATH] [--quiet]
  --execute  run submitted jobs for real through the local runner (executed mode); without it, every job plays
             the default script (canned statuses and log lines) whatever its code does
  --write-env-file PATH  also write the export lines to PATH (mode 0600), whole or not at all: \`source PATH\` once it exists
  --legacy-code-archive  (with --execute) unpack a CodeDir that is a .tar.gz into /ml/usercode, as an older
             service did; by default it lands there as the file itself, and a CodeDir prefix is laid out as it is`;

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number, got ${value}`);
  return n;
}

function describe(e: JournalEntry): string {
  const sig = e.signature.algorithm === 'none' && e.signature.reason === 'not checked' ? '' : ` sig=${e.signature.algorithm}${e.signature.ok ? '' : '!'}`;
  const target = e.service === 'oss' ? ` ${e.bucket ?? ''}/${e.key ?? ''}` : ` ${e.path}`;
  const status = e.status === 0 ? 'dropped' : String(e.status);
  return `[${e.service}] ${status} ${e.action} ${e.method}${target}${sig}${e.errorCode ? ` ${e.errorCode}` : ''}${e.fault ? ` fault=${e.fault}` : ''} ${e.durationMs ?? 0}ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'pai-port': { type: 'string' },
      'oss-port': { type: 'string' },
      'workspace-port': { type: 'string' },
      region: { type: 'string' },
      'workspace-id': { type: 'string' },
      bucket: { type: 'string' },
      'access-key-id': { type: 'string' },
      'access-key-secret': { type: 'string' },
      quiet: { type: 'boolean' },
      execute: { type: 'boolean' },
      'legacy-code-archive': { type: 'boolean' },
      'write-env-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const paiPort = port(values['pai-port'], '--pai-port');
  const ossPort = port(values['oss-port'], '--oss-port');
  const workspacePort = port(values['workspace-port'], '--workspace-port');
  const options: EmulatorOptions = {
    ...(paiPort !== undefined ? { paiPort } : {}),
    ...(ossPort !== undefined ? { ossPort } : {}),
    ...(workspacePort !== undefined ? { workspacePort } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values['workspace-id'] !== undefined ? { workspaceId: values['workspace-id'] } : {}),
    ...(values.bucket !== undefined ? { bucket: values.bucket } : {}),
    ...(values['access-key-id'] !== undefined ? { accessKeyId: values['access-key-id'] } : {}),
    ...(values['access-key-secret'] !== undefined ? { accessKeySecret: values['access-key-secret'] } : {}),
    ...(values.execute ? { execute: values['legacy-code-archive'] ? { unpackCodeArchive: true } : true } : {}),
  };
  const emu = await startEmulator(options);
  const exports = Object.entries(emu.env())
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
  // Not --env-file: tsx (like node) takes that flag for itself, before this script sees it.
  // Written aside and renamed into place, so a script that waits for the file to exist never sources half of it.
  // It holds the emulator's (made-up) secret: readable by this user only.
  const envFile = values['write-env-file'];
  if (envFile !== undefined) {
    const partial = `${envFile}.${process.pid}.partial`;
    writeFileSync(partial, exports, { mode: 0o600 });
    renameSync(partial, envFile);
  }
  process.stdout.write(exports);
  if (!values.quiet) emu.journal.onEntry((e) => process.stderr.write(`${describe(e)}\n`));
  process.stderr.write(
    `pai-process emulator: PAI ${emu.paiEndpoint}, AIWorkspace ${emu.workspaceEndpoint}, OSS ${emu.ossEndpoint}${emu.runsRoot ? `; jobs run for real in ${emu.runsRoot}` : ''}; Ctrl-C to stop\n`,
  );
  if (!emu.runsRoot)
    process.stderr.write('pai-process emulator: jobs play a canned script (statuses and log lines), whatever their code does; --execute runs them for real\n');

  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    process.stderr.write(`pai-process emulator: ${signal}, closing\n`);
    emu.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`pai-process emulator: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`pai-process emulator: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
});
