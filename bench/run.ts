/**
 * `npm run bench`: the performance figures of docs/performance.md, each measured against a baseline interleaved in
 * the same run (this machine is shared and noisy, so only ratios within one run mean something), several runs,
 * medians. Prints a Markdown table and exits 1 when a target is missed. Not part of `npm test`.
 *
 *   npm run bench                       everything (about 6 minutes on 2 cores)
 *   npm run bench -- --only startup,pack,e2e,second,rss,follow
 *   npm run bench -- --runs 31 --heavy-runs 7 --no-build --keep --quick
 *   npm run bench -- --only follow --cli /path/to/other/bin/pai-process.cjs   (compare another build)
 *   npm run bench -- --only startup,second --also-cli /path/to/other/bin/pai-process.cjs   (both builds, same rounds)
 *
 * The CLI is spawned from the built bin/pai-process.cjs (built first unless --no-build) with a clean environment that
 * points at an emulator started in this process (test/emulator), and ALIBABA_CLOUD_ECS_METADATA_DISABLED=true. All
 * traffic goes to 127.0.0.1. Generated trees live under os.tmpdir() and are deleted at the end (unless --keep).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator, type Emulator, type JournalEntry } from '../test/emulator/index.js';
import { measureFollow, p95 } from './follow.js';
import { fmtBytes, fmtMs, median, mustRun, readMemory, renderTable, spread, timed, type Row, type Timed } from './lib.js';
import { generateTree, TREE_120MB, TREE_1GB, TREE_SMALL, treeBytes } from './trees.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// --cli: another build of the CLI to measure (a prototype), instead of this repository's bin/pai-process.cjs.
const CLI_DEFAULT = join(REPO, 'bin', 'pai-process.cjs');
const PACK_ALONE = join(REPO, 'bench', 'pack-alone.mjs');
const FIGURES = ['startup', 'pack', 'e2e', 'second', 'rss', 'follow'] as const;
type Figure = (typeof FIGURES)[number];

const TARGETS = {
  startup: 1.5,
  dryRun: 2,
  firstRequest: 2,
  e2e: 1.5,
  pack: 1.2,
  second: 1.5,
  secondRequests: 2,
  rssBytes: 150 * 1024 * 1024,
  latencyP95Ms: 2000,
};

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    'heavy-runs': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    cli: { type: 'string' },
    'also-cli': { type: 'string' },
  },
});
const CLI = args.cli ? resolve(args.cli) : CLI_DEFAULT;
// --also-cli: another build whose start-up is measured in the same rounds (before/after figures from one run).
const ALSO_CLI = args['also-cli'] ? resolve(args['also-cli']) : undefined;
const only = new Set<Figure>(args.only ? (args.only.split(',').map((s) => s.trim()) as Figure[]) : FIGURES);
for (const f of only) if (!FIGURES.includes(f)) throw new Error(`--only: unknown figure ${f} (known: ${FIGURES.join(', ')})`);
const startupRuns = Number(args.runs ?? (args.quick ? 11 : 25));
const heavyRuns = Number(args['heavy-runs'] ?? (args.quick ? 3 : 5));
const followScale = args.quick ? 0.5 : 1;

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function main(): Promise<number> {
  if (!args['no-build']) {
    log('building (npm run build)…');
    await mustRun('npm', ['run', 'build'], { cwd: REPO });
  }
  if (!existsSync(join(REPO, 'dist', 'bundle', 'main.cjs'))) throw new Error('dist/bundle/ is missing: run `npm run build` (or drop --no-build)');

  const dir = await mkdtemp(join(tmpdir(), 'pai-bench-'));
  const emu = await startEmulator();
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  // A clean environment: no credentials, proxies, NODE_OPTIONS or CA bundles of the caller; only the emulator.
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmpdir(),
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    ...emu.env(),
  };
  const rows: Row[] = [];
  const started = Date.now();
  const cleanup = () => {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    if (only.has('startup')) rows.push(...(await startup(dir, env, emu)));
    if (only.has('pack') || only.has('e2e') || only.has('second')) rows.push(...(await heavy(dir, env, emu)));
    if (only.has('rss')) rows.push(await rss(dir, env, emu));
    if (only.has('follow')) rows.push(...(await follow(dir, env, emu)));
  } finally {
    await emu.close();
    if (args.keep) log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
  const missed = rows.filter((r) => r.ok === false);
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  process.stdout.write(
    `node ${process.versions.node}, ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s. ${missed.length === 0 ? 'Every target met.' : `MISSED: ${missed.map((r) => r.figure).join('; ')}`}\n`,
  );
  return missed.length === 0 ? 0 : 1;
}

/** Runs `commands` `runs` times each, interleaved round by round (rotating the order), after `warmup` rounds. */
async function interleaved(commands: readonly { name: string; run: () => Promise<Timed> }[], runs: number, warmup: number): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  for (let round = -warmup; round < runs; round++) {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[(i + Math.max(0, round)) % commands.length]!;
      const r = await c.run();
      if (r.code !== 0) throw new Error(`${c.name} exited ${r.code ?? r.signal}\n${r.stderr.slice(-3000)}`);
      if (round >= 0) times.get(c.name)!.push(r.ms);
    }
  }
  return times;
}

function ratioRow(figure: string, times: number[], baselineName: string, baseline: number[], target: number): Row {
  const ratio = median(times) / median(baseline);
  return {
    figure,
    runs: String(times.length),
    value: fmtMs(median(times)),
    spread: spread(times),
    baseline: baselineName,
    baselineValue: fmtMs(median(baseline)),
    measured: `${ratio.toFixed(2)}×`,
    target: `≤ ${target}×`,
    ok: ratio <= target,
  };
}

// --- figures ---

/**
 * Start-up of every command against `node -e 0` (spawn → exit), interleaved. Commands that talk to the cloud are
 * timed from spawn to the emulator receiving their first request (the journal's arrival time), the rest to exit:
 * `config show` sends none (it resolves the credentials and prints). The jobs they read are ended, so that `stop`
 * only reads its job and every command exits 0.
 */
async function startup(dir: string, env: Record<string, string>, emu: Emulator): Promise<Row[]> {
  const project = join(dir, 'small');
  await generateTree(join(project, 'code'), TREE_SMALL);
  writeFileSync(join(project, 'job.yaml'), 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\n');
  const job = emu.jobs.create({ TrainingJobName: 'bench-startup', WorkspaceId: emu.workspaceId }, { script: [] });
  emu.jobs.push(job.id, { status: 'Running', instances: ['worker-0'] });
  emu.jobs.log(job.id, 'worker-0', 'one', 'two', 'three');
  emu.jobs.setStatus(job.id, 'Succeeded');
  const node =
    (args: string[], cwd = dir) =>
    () =>
      timed(process.execPath, args, { cwd, env });
  // Spawn → the first request the emulator received from this child (Date.now() in both, so within a millisecond).
  const toFirstRequest = (cli: string, args: string[]) => async (): Promise<Timed> => {
    const seq = emu.journal.all().at(-1)?.seq ?? 0;
    const spawnedAt = performance.timeOrigin + performance.now();
    const r = await timed(process.execPath, [cli, ...args], { cwd: dir, env });
    const first = emu.journal.all().find((e) => e.seq > seq);
    if (r.code === 0 && !first) throw new Error(`${args.join(' ')} sent no request`);
    return { ...r, ms: first ? first.time - spawnedAt : r.ms };
  };
  const of = (cli: string, suffix: string) => [
    { name: `version${suffix}`, figure: `\`pai-process --version\`${suffix}`, target: TARGETS.startup, run: node([cli, '--version']) },
    { name: `help${suffix}`, figure: `\`pai-process --help\`${suffix}`, target: TARGETS.startup, run: node([cli, '--help']) },
    { name: `run-help${suffix}`, figure: `\`run --help\`${suffix}`, target: TARGETS.startup, run: node([cli, 'run', '--help']) },
    { name: `status-help${suffix}`, figure: `\`status --help\`${suffix}`, target: TARGETS.startup, run: node([cli, 'status', '--help']) },
    { name: `validate${suffix}`, figure: `\`validate -f job.yaml\`${suffix}`, target: TARGETS.dryRun, run: node([cli, 'validate', '-f', 'job.yaml'], project) },
    { name: `schema${suffix}`, figure: `\`schema\`${suffix}`, target: TARGETS.dryRun, run: node([cli, 'schema']) },
    { name: `completion${suffix}`, figure: `\`completion bash\`${suffix}`, target: TARGETS.dryRun, run: node([cli, 'completion', 'bash']) },
    {
      name: `init${suffix}`,
      figure: `\`init --force\` (writes a starter config)${suffix}`,
      target: TARGETS.dryRun,
      run: node([cli, 'init', '-f', join(dir, 'init.yaml'), '--force']),
    },
    {
      name: `dry${suffix}`,
      figure: `\`run --dry-run\`, small job (${TREE_SMALL.textFiles} files)${suffix}`,
      target: TARGETS.dryRun,
      run: node([cli, 'run', '-f', 'job.yaml', '--dry-run'], project),
    },
    {
      name: `config${suffix}`,
      figure: `\`config show\` (to exit: it sends no request)${suffix}`,
      target: TARGETS.firstRequest,
      run: node([cli, 'config', 'show']),
    },
    {
      name: `status${suffix}`,
      figure: `\`status ID\` to its first request${suffix}`,
      target: TARGETS.firstRequest,
      run: toFirstRequest(cli, ['status', job.id]),
    },
    { name: `logs${suffix}`, figure: `\`logs ID\` to its first request${suffix}`, target: TARGETS.firstRequest, run: toFirstRequest(cli, ['logs', job.id]) },
    { name: `list${suffix}`, figure: `\`list\` to its first request${suffix}`, target: TARGETS.firstRequest, run: toFirstRequest(cli, ['list']) },
    {
      name: `stop${suffix}`,
      figure: `\`stop ID --yes\` (an ended job) to its first request${suffix}`,
      target: TARGETS.firstRequest,
      run: toFirstRequest(cli, ['stop', job.id, '--yes']),
    },
  ];
  const commands = [{ name: 'node', figure: '', target: 0, run: node(['-e', '0']) }, ...of(CLI, ''), ...(ALSO_CLI ? of(ALSO_CLI, ` (${ALSO_CLI})`) : [])];
  log(`startup: ${startupRuns} interleaved rounds of ${commands.map((c) => c.name).join(', ')}…`);
  const times = await interleaved(commands, startupRuns, 2);
  const base = times.get('node')!;
  // The other build's rows are for comparison: they do not decide the exit code.
  return commands
    .filter((c) => c.name !== 'node')
    .map((c) => ({ ...ratioRow(c.figure, times.get(c.name)!, '`node -e 0`', base, c.target), ...(c.name.includes(' (') ? { ok: undefined } : {}) }));
}

/** The code object a run created its job with, from the journal. */
function codeObject(entry: JournalEntry | undefined): { bucket: string; key: string } | undefined {
  const body = entry?.body as { AlgorithmSpec?: { CodeDir?: { LocationValue?: { Bucket?: string; Key?: string } } } } | undefined;
  const loc = body?.AlgorithmSpec?.CodeDir?.LocationValue;
  return loc?.Bucket && loc.Key ? { bucket: loc.Bucket, key: loc.Key } : undefined;
}

/**
 * Removes what a run uploaded, so the next run is a first upload: the archive, or every object under the code
 * prefix and the marker beside it (`…/sha256-<digest>/` → `…/sha256-<digest>.json`).
 */
function forgetCode(emu: Emulator, object: { bucket: string; key: string } | undefined): void {
  if (!object) return;
  if (!object.key.endsWith('/')) {
    emu.oss.delete(object.key, object.bucket);
    return;
  }
  for (const o of emu.oss.list(object.key, object.bucket)) emu.oss.delete(o.key, object.bucket);
  emu.oss.delete(`${object.key.slice(0, -1)}.json`, object.bucket);
}

/** Bytes of object data (PutObject and UploadPart bodies) and storage requests in journal entries after `seq`. */
function storageSince(emu: Emulator, seq: number): { bytes: number; requests: number; actions: string[] } {
  const entries = emu.journal.all().filter((e) => e.seq > seq && e.service === 'oss');
  const bytes = entries.filter((e) => e.action === 'PutObject' || e.action === 'UploadPart').reduce((sum, e) => sum + (e.bodyInfo?.length ?? 0), 0);
  return { bytes, requests: entries.length, actions: entries.map((e) => e.action) };
}

/** Packaging alone, package + upload + submit, both against `tar -czf` in the same rounds; then a second run. */
async function heavy(dir: string, env: Record<string, string>, emu: Emulator): Promise<Row[]> {
  const project = join(dir, 'big');
  const tree = join(project, 'code');
  log(`generating ~${fmtBytes(treeBytes(TREE_120MB))} / ${TREE_120MB.textFiles + TREE_120MB.randomFiles} files under ${tree}…`);
  await generateTree(tree, TREE_120MB);
  writeFileSync(
    join(project, 'job.yaml'),
    'base_job_name: bench-e2e\nimage_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\n',
  );
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const gnuOut = join(dir, 'gnu.tar.gz');

  let lastObject: { bucket: string; key: string } | undefined;
  const phases: { toFirstRequest: number[]; upload: number[]; submit: number[] } = { toFirstRequest: [], upload: [], submit: [] };
  const cliRun = async () => {
    forgetCode(emu, lastObject);
    const seq = emu.journal.all().at(-1)?.seq ?? 0;
    const spawnedAt = Date.now();
    const r = await timed(process.execPath, [CLI, 'run', '-f', 'job.yaml', '--detach'], { cwd: project, env });
    const exitedAt = Date.now();
    lastObject = codeObject(emu.journal.last('CreateTrainingJob'));
    if (r.code === 0 && storageSince(emu, seq).bytes === 0) throw new Error('run --detach uploaded nothing: the bench must measure a first upload');
    // Where the time went, from the emulator's journal: start-up, credentials and hashing until the first
    // storage request (the marker's HeadObject); the upload; then the job's creation and first read until the exit.
    const mine = emu.journal.all().filter((e) => e.seq > seq);
    const firstOss = mine.find((e) => e.service === 'oss');
    const create = mine.find((e) => e.action === 'CreateTrainingJob');
    if (firstOss && create) {
      phases.toFirstRequest.push(firstOss.time - spawnedAt);
      phases.upload.push(create.time - firstOss.time);
      phases.submit.push(exitedAt - create.time);
    }
    return r;
  };
  const commands = [
    {
      name: 'tar',
      run: async () => {
        const r = await timed('tar', ['-czf', gnuOut, '-C', tree, '.'], { env });
        rmSync(gnuOut, { force: true });
        return r;
      },
    },
    ...(only.has('pack') ? [{ name: 'pack', run: () => timed(process.execPath, [PACK_ALONE, tree, work], { env }) }] : []),
    ...(only.has('e2e') || only.has('second') ? [{ name: 'e2e', run: cliRun }] : []),
  ];
  log(`packaging / package+upload+submit: ${heavyRuns} interleaved rounds of ${commands.map((c) => c.name).join(', ')}…`);
  const times = await interleaved(commands, only.has('pack') || only.has('e2e') ? heavyRuns : 0, 1);
  const rows: Row[] = [];
  const base = times.get('tar')!;
  const size = `~${fmtBytes(treeBytes(TREE_120MB))} / ${TREE_120MB.textFiles + TREE_120MB.randomFiles} files`;
  if (only.has('e2e')) rows.push(ratioRow(`package + upload + submit (\`run --detach\`), ${size}`, times.get('e2e')!, '`tar -czf`', base, TARGETS.e2e));
  if (only.has('e2e') && phases.upload.length > 0) {
    log(
      `run --detach, medians: start-up + credentials + packaging ${fmtMs(median(phases.toFirstRequest))}, upload (HeadObject → CreateTrainingJob) ${fmtMs(median(phases.upload))}, create + read back + exit ${fmtMs(median(phases.submit))}`,
    );
  }
  if (only.has('pack')) rows.push(ratioRow(`packaging alone (select + .tar.gz), ${size}`, times.get('pack')!, '`tar -czf`', base, TARGETS.pack));

  if (only.has('second')) {
    // The code of the last run is still there: the same code again, against hashing the tree's files with
    // sha256sum (the least a run that must notice any change can do), in the same rounds.
    const storage: { bytes: number; requests: number; actions: string[] }[] = [];
    const secondRun = (cli: string) => async () => {
      const seq = emu.journal.all().at(-1)?.seq ?? 0;
      const r = await timed(process.execPath, [cli, 'run', '-f', 'job.yaml', '--detach'], { cwd: project, env });
      if (cli === CLI) storage.push(storageSince(emu, seq));
      return r;
    };
    const sha256sum = () => timed('sh', ['-c', 'find . -type f -print0 | xargs -0 sha256sum > /dev/null'], { cwd: tree, env });
    log(`second run: ${heavyRuns} interleaved rounds of run --detach (unchanged code) and sha256sum of the tree…`);
    const second = await interleaved(
      [
        { name: 'sha256sum', run: sha256sum },
        { name: 'second', run: secondRun(CLI) },
        ...(ALSO_CLI ? [{ name: 'second-also', run: secondRun(ALSO_CLI) }] : []),
      ],
      heavyRuns,
      1,
    );
    const worst = storage.reduce((w, s) => (s.bytes > w.bytes || s.requests > w.requests ? s : w), storage[0]!);
    rows.push(ratioRow(`second run, unchanged code, ${size}`, second.get('second')!, '`sha256sum` of the files', second.get('sha256sum')!, TARGETS.second));
    if (ALSO_CLI)
      rows.push({
        ...ratioRow(
          `second run, unchanged code (${ALSO_CLI})`,
          second.get('second-also')!,
          '`sha256sum` of the files',
          second.get('sha256sum')!,
          TARGETS.second,
        ),
        ok: undefined,
      });
    rows.push({
      figure: 'second run, unchanged code: storage traffic (worst run)',
      runs: String(storage.length),
      value: '—',
      spread: '—',
      baseline: '—',
      baselineValue: '—',
      measured: `${fmtBytes(worst.bytes)} uploaded, ${worst.requests} storage request${worst.requests === 1 ? '' : 's'} (${worst.actions.join(', ') || 'none'})`,
      target: `0 B, ≤ ${TARGETS.secondRequests} requests`,
      ok: storage.every((s) => s.bytes === 0 && s.requests <= TARGETS.secondRequests),
    });
  }
  forgetCode(emu, lastObject);
  rmSync(project, { recursive: true, force: true });
  return rows;
}

/** Peak RSS of `run --detach` packaging and uploading ~1 GB of code. */
async function rss(dir: string, env: Record<string, string>, emu: Emulator): Promise<Row> {
  const project = join(dir, 'huge');
  const tree = join(project, 'code');
  log(`generating ~${fmtBytes(treeBytes(TREE_1GB))} / ${TREE_1GB.textFiles + TREE_1GB.randomFiles} files under ${tree}…`);
  await generateTree(tree, TREE_1GB);
  writeFileSync(
    join(project, 'job.yaml'),
    'base_job_name: bench-rss\nimage_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\n',
  );
  log('peak RSS: run --detach of ~1 GB…');
  // GNU time reports the child's ru_maxrss (KiB) exactly; VmHWM polled from /proc is the cross-check.
  const gnuTime = existsSync('/usr/bin/time');
  const timeFile = join(dir, 'rss.txt');
  let polled = 0;
  const samples: { at: number; rss: number }[] = [];
  let poller: NodeJS.Timeout | undefined;
  const seq = emu.journal.all().at(-1)?.seq ?? 0;
  const command = gnuTime ? '/usr/bin/time' : process.execPath;
  const commandArgs = gnuTime
    ? ['-f', '%M', '-o', timeFile, process.execPath, CLI, 'run', '-f', 'job.yaml', '--detach']
    : [CLI, 'run', '-f', 'job.yaml', '--detach'];
  const r = await mustRun(command, commandArgs, {
    cwd: project,
    env,
    onSpawn: (pid) => {
      poller = setInterval(() => {
        // Under GNU time the CLI is time's child: find it.
        const target = gnuTime ? childOf(pid) : pid;
        const memory = target === undefined ? undefined : readMemory(target);
        if (memory) {
          polled = Math.max(polled, memory.hwm);
          samples.push({ at: Date.now(), rss: memory.rss });
        }
      }, 20);
    },
  });
  if (poller) clearInterval(poller);
  const maxRss = gnuTime ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) * 1024 : polled;
  const s = storageSince(emu, seq);
  // The resident set while packaging (until the first storage request) and while uploading, from the samples.
  const firstOss = emu.journal.all().find((e) => e.seq > seq && e.service === 'oss');
  const before = samples.filter((x) => firstOss && x.at < firstOss.time).reduce((m, x) => Math.max(m, x.rss), 0);
  const after = samples.filter((x) => firstOss && x.at >= firstOss.time).reduce((m, x) => Math.max(m, x.rss), 0);
  log(`peak RSS: ${fmtBytes(maxRss)}; sampled VmRSS: up to ${fmtBytes(before)} while packaging, up to ${fmtBytes(after)} while uploading`);
  forgetCode(emu, codeObject(emu.journal.last('CreateTrainingJob')));
  rmSync(project, { recursive: true, force: true });
  return {
    figure: `peak RSS, \`run --detach\` of ~${fmtBytes(treeBytes(TREE_1GB))} / ${TREE_1GB.textFiles + TREE_1GB.randomFiles} files (${fmtBytes(s.bytes)} uploaded)`,
    runs: '1',
    value: fmtMs(r.ms),
    spread: '—',
    baseline: '—',
    baselineValue: '—',
    measured: `${fmtBytes(maxRss)} (VmHWM polled: ${fmtBytes(polled)})`,
    target: `≤ ${fmtBytes(TARGETS.rssBytes)}`,
    ok: maxRss <= TARGETS.rssBytes,
  };
}

/** The pid of a process's (only) child, from /proc. */
function childOf(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

async function follow(dir: string, env: Record<string, string>, emu: Emulator): Promise<Row[]> {
  const rows: Row[] = [];
  // The documented budget (docs/following.md): at most 150 calls a minute in all, whatever the number of workers;
  // every worker read at least every max(10 s, N × 0.5 s). One call is allowed for the edges of the window.
  const { CADENCE, maxWaitMs } = await import('../src/core/follow/cadence.js');
  const budget = 60_000 / CADENCE.callSpacingMs;
  for (const n of [3, 16, 64]) {
    log(
      n === 3
        ? `following 3 workers: quiet, busy and sparse phases (~${Math.round(170 * followScale)} s)…`
        : `following ${n} workers, one in eight printing (~${Math.round(60 * followScale + 2 * Math.max(10, n / 2))} s)…`,
    );
    const result = await measureFollow(emu, { dir, env, cli: CLI, scale: followScale, workers: n });
    const bound = maxWaitMs(CADENCE, n);
    for (const phase of result.phases) {
      const edge = 60 / phase.seconds;
      rows.push({
        figure: `following ${n} workers, ${phase.name}: API calls a minute (${phase.logCalls} log + ${phase.statusCalls} status in ${phase.seconds} s)`,
        runs: '1',
        value: `${phase.callsPerMinute.toFixed(0)}/min`,
        spread: '—',
        baseline: '—',
        baselineValue: '—',
        measured: `${phase.callsPerMinute.toFixed(0)}/min`,
        target: `≤ ${budget}/min (one budget for status and logs)`,
        ok: phase.callsPerMinute <= budget + edge,
      });
      if (n > 3) {
        rows.push({
          figure: `following ${n} workers, ${phase.name}: longest wait between two reads of a worker`,
          runs: `${n} workers`,
          value: fmtMs(phase.maxReadGapMs),
          spread: '—',
          baseline: '—',
          baselineValue: '—',
          measured: fmtMs(phase.maxReadGapMs),
          target: `≤ ${fmtMs(bound)} (max(10 s, N × 0.5 s))`,
          ok: phase.maxReadGapMs > 0 && phase.maxReadGapMs <= bound,
        });
      }
      if (phase.name === 'quiet') continue;
      const p = p95(phase.latencies);
      // With few workers a line shows within TARGETS.latencyP95Ms; with many, within the read bound and a call.
      const target = n > 3 ? bound + 1_000 : TARGETS.latencyP95Ms;
      rows.push({
        figure: `following ${n} workers, ${phase.name}: new line emitted → printed`,
        runs: `${phase.latencies.length} lines${phase.missing ? `, ${phase.missing} MISSING` : ''}`,
        value: fmtMs(median(phase.latencies)),
        spread: spread(phase.latencies),
        baseline: '—',
        baselineValue: '—',
        measured: `p95 ${fmtMs(p)}`,
        target: `p95 ≤ ${fmtMs(target)}`,
        ok: phase.missing === 0 && phase.latencies.length > 0 && p <= target,
      });
    }
  }
  return rows;
}

process.exitCode = await main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 2;
});
