// Writes docs/commands.md from the CLI's own --help, so the reference never drifts from the tool:
//   npx tsx scripts/commands-doc.ts > docs/commands.md
// test/cli/commands-doc.test.ts fails when the file is out of date.
import { envGroupsOf } from '../src/cli/environment.js';
import { main } from '../src/cli/main.js';

const COMMANDS: { args: string[]; json: string }[] = [
  {
    args: ['run'],
    json: 'NDJSON on stdout, one event a line, each with `event`, `time` and `v` (the version of the records, 1; raised only when a record changes incompatibly): `packaged` (mode files|archive, files, bytes, archiveBytes for an archive, sha256: the tree digest or the archive\'s hash, uri: the code prefix or archive), `upload` (uri; skipped, or started with bytes and files, or done with sentFiles and sentBytes), `submitted` (jobId, name, url), `status` (jobId, status, previous), `log` (worker, line), `heartbeat` (status, quietMs), `event` (jobId, eventTime: the time the text starts with or null, text: the event as the service wrote it; once each), `retry` (code, message, attempt, delayMs), and last `result` (jobId, status, exitCode, durationSeconds, reasonCode, reasonMessage, url, outputs[{name, uri}]; `detached`, `timedOut` or `interrupted` when so). With `--dry-run`: one document `{"job": <the resolved config>, "uploads": {"code": {dir, mode, uri, files, bytes, marker, objects (with --verbose)}, "inputs": [{channel, path, uri}]}, "request": <the CreateTrainingJob body>}`.',
  },
  { args: ['logs'], json: 'The same NDJSON events as `run` (`log`, and with `--follow` `status` and `result`).' },
  { args: ['status'], json: '`{id, name, status, reasonCode, reasonMessage, createTime, durationSeconds, workers[{name, status}], transitions[{status, startTime, endTime, reasonCode, reasonMessage}], outputs[{name, uri}], url, events[{time, text}] (the last 5)}`. With `--wait`: the NDJSON events of `run`.' },
  { args: ['events'], json: 'NDJSON, one `event` record a line, as in `run`: `{event: "event", time, v, jobId, eventTime, text}`; with `--follow` until the job ends.' },
  { args: ['stop'], json: '`{id, status, stopped}`.' },
  { args: ['list'], json: 'An array of the `status` document (without `events`), newest first.' },
  { args: ['init'], json: '`{file}`: the path written.' },
  { args: ['validate'], json: '`{valid: true, file, job}`; on problems, `{"error": {message, exitCode, hint, diagnostics[{path, message, file, line, column, origin}]}}`.' },
  { args: ['config', 'show'], json: 'Each session value as `{value, origin}` (region, workspace_id, oss_bucket_name, oss_endpoint, endpoint, workspace_endpoint, network, profile), `credentials` {source, accessKeyId (masked), kind}, and `problems`.' },
  { args: ['schema'], json: 'The schema is JSON already.' },
  { args: ['completion'], json: 'Not applicable: prints a shell script.' },
];

/** The environment variables a command reads, one bullet a group (src/cli/environment.ts). */
function environment(command: string): string {
  const groups = envGroupsOf(command);
  if (groups.length === 0) return '**Environment**: none.';
  const bullets = groups.map((g) => `- ${g.title}${g.note ? ` (${g.note})` : ''}: ${g.names.map((n) => `\`${n}\``).join(', ')}`);
  return ['**Environment**:', '', ...bullets].join('\n');
}

async function help(args: string[]): Promise<string> {
  let out = '';
  await main([...args, '--help'], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {} });
  return out.trimEnd();
}

const parts = [
  '# Commands',
  '',
  'Generated from `pai-process <command> --help` by `scripts/commands-doc.ts`; a test keeps it in step.',
  'Every command takes `--json` (data on stdout), `--no-color` and `--verbose`. Job logs and data go to stdout;',
  'progress, status lines, warnings and the summary to stderr. Exit codes: [exit-codes.md](exit-codes.md).',
  '',
  '```',
  await help([]),
  '```',
  '',
];
for (const c of COMMANDS) {
  parts.push(`## pai-process ${c.args.join(' ')}`, '', '```', await help(c.args), '```', '', `**--json**: ${c.json}`, '', environment(c.args.join(' ')), '');
}
process.stdout.write(parts.join('\n'));
