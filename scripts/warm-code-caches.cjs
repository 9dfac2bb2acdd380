'use strict';
// Run by scripts/bundle.mjs in a child process with no flags of ours (V8 rejects a cache made under other flags):
// `node scripts/warm-code-caches.cjs <work folder>`, in a folder holding job.yaml and code/. Runs in-process, through
// bin/load-bundle.cjs, what users run most, so that V8 has compiled those functions, then writes the code cache of
// every bundle (dist/bundle/*.v8-cache): a function in the cache is not compiled again at start-up. Prints, as JSON,
// the top-level `--help` and every command's `<command> --help` as the CLI renders them without a terminal (these
// are rendered in-process into strings; commander then uses its default 80 columns): { top, commands: { 'run': ...,
// 'config show': ... } }. bin/pai-process.cjs prints them without loading the CLI.
//
// The commands that talk to the cloud (status, logs, list, stop, config show) run against a server of this process on
// 127.0.0.1 that answers every job "not found" and every listing empty, and Alibaba's clients sign and send one
// request each the same way: what a command does until its first request is then in the cache. Nothing leaves the
// machine; the keys are made up.
const { createServer } = require('node:http');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { loadBundle, loadLibrary } = require('../bin/load-bundle.cjs');

const work = process.argv[2];
if (!work) throw new Error('usage: node scripts/warm-code-caches.cjs <work folder>');
const { main, writeCache } = loadBundle();
const sink = { write: () => true };
const home = join(work, 'home');
mkdirSync(home, { recursive: true });

/** Answers as PAI and OSS answer what the commands ask about a job that does not exist. */
function startServer() {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const requestId = 'WARM-UP-0000';
      if (req.headers['x-oss-date'] !== undefined || req.headers['x-oss-user-agent'] !== undefined || req.method === 'HEAD') {
        res.writeHead(404, { 'content-type': 'application/xml', 'x-oss-request-id': requestId }).end();
      } else if (req.method === 'GET' && /^\/api\/v1\/trainingjobs(\?|$)/.test(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ TrainingJobs: [], TotalCount: 0, RequestId: requestId }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ Code: 'TRAINING_JOB_NOT_EXIST', Message: 'The training job does not exist.', RequestId: requestId }));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, origin: `http://127.0.0.1:${server.address().port}` })));
}

/** Every command and subcommand (['run'], ['config', 'show'], ...), from the program the CLI builds (dist/cli). */
async function commandPaths() {
  const dist = join(__dirname, '..', 'dist', 'cli');
  const { buildProgram } = await import(pathToFileURL(join(dist, 'program.js')).href);
  const { defaultContext, Invocation } = await import(pathToFileURL(join(dist, 'context.js')).href);
  const paths = [];
  const walk = (command, path) => {
    for (const sub of command.commands) {
      if (sub.name() === 'help') continue; // commander's `help [command]`: not a command of ours
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(buildProgram(new Invocation({ ...defaultContext(), stdout: sink, stderr: sink })), []);
  if (!paths.some((p) => p.join(' ') === 'run')) throw new Error(`warming the code cache: no run command among ${JSON.stringify(paths)}`);
  return paths;
}

(async () => {
  const { server, seen, origin } = await startServer();
  try {
    const base = { PAI_REGION_ID: 'cn-hangzhou', PAI_WORKSPACE_ID: '1', PAI_OSS_BUCKET_NAME: 'b', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };
    const cloud = { ...base, PAI_ENDPOINT: origin, PAI_WORKSPACE_ENDPOINT: origin, PAI_OSS_ENDPOINT: origin, ALIBABA_CLOUD_ACCESS_KEY_ID: 'WARMUPACCESSKEY1', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'warm-up-secret' };
    const context = (stdout, env = base) => ({
      stdout,
      stderr: sink,
      env,
      cwd: work,
      homedir: home,
      importFile: (url) => import(url),
      loadLibrary: (name) => loadLibrary(name).exports,
    });

    const render = async (argv) => {
      let text = '';
      const code = await main(argv, context({ write: (s) => {
          text += s;
          return true;
        }, }));
      if (code !== 0 || !text.startsWith('Usage: pai-process')) throw new Error(`${argv.join(' ')} exited ${code}:\n${text}`);
      return text;
    };
    const top = await render(['--help']);
    const commands = {};
    for (const path of await commandPaths()) commands[path.join(' ')] = await render([...path, '--help']);
    for (const argv of [['run', '--help'], ['status', '--help'], ['validate', '-f', 'job.yaml'], ['run', '-f', 'job.yaml', '--dry-run'], ['run', '-f', 'job.yaml', '--dry-run', '--json']]) {
      const code = await main(argv, context(sink));
      if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}`);
    }
    // Their exit codes are those of a missing job; what matters is that each sent its request (config show sends none).
    for (const argv of [['status', 'warm-up-job'], ['logs', 'warm-up-job'], ['list'], ['stop', 'warm-up-job', '--yes'], ['config', 'show']]) {
      const before = seen.length;
      await main(argv, context(sink, cloud));
      if (argv[0] !== 'config' && seen.length === before) throw new Error(`warming the code cache: \`${argv.join(' ')}\` sent no request to the local server`);
    }
    writeCache();
    loadLibrary('@alicloud/credentials').writeCache();
    // yaml: parsed job.yaml above (validate, the dry runs, and the session block of the cloud commands).
    loadLibrary('yaml').writeCache();
    loadLibrary('./job-config-validator.cjs').writeCache(); // run by validate and the dry runs above

    // ali-oss: a client made and one HeadObject sent (what a run does before anything else on OSS), then its cache.
    const oss = loadLibrary('ali-oss');
    const client = new oss.exports({ accessKeyId: 'WARMUPACCESSKEY1', accessKeySecret: 'warm-up-secret', bucket: 'warm', region: 'oss-cn-hangzhou', endpoint: origin, timeout: 10_000 });
    const head = await client.head('warm-up').then(() => undefined, (error) => error);
    if (head?.status !== 404) throw new Error(`warming the code cache: ali-oss's HeadObject ended with ${head?.status ?? head}`);
    oss.writeCache();
    process.stdout.write(JSON.stringify({ top, commands }));
  } finally {
    server.close();
  }
})().catch((error) => {
  process.exitCode = 1;
  process.stderr.write(`${String(error.stack)}\n`);
});
