// `run --local` in-process: the run folder, the contract's variables as the job sees them, inputs,
// outputs, and the refusals a user can act on.
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobYaml, parseEnv, runFolders, runLocal, tempDir } from './support.js';

describe('run --local', () => {
  it('gives the job every variable of the contract, pointing into its run folder', async () => {
    const data = tempDir('data-');
    writeFileSync(join(data, 'a.csv'), 'x\n');
    const r = await runLocal(
      {
        'job.yaml': jobYaml({
          command: 'env',
          base_job_name: 'contract',
          parameters: { lr: 0.1, 'batch-size': 32, msg: "it's" },
          environments: { MY_VAR: 'mine', PAI_HPS_LR: 'overridden?' },
          inputs: { train: data, 'test-set': `${data}/a.csv` },
          outputs: { model: './model-out' },
        }),
        'main.py': '',
      },
      [],
      { env: { PAI_INPUT_STALE: 'from my shell', KEEP_ME: 'yes' } },
    );
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    const [run] = runFolders(r.dir);
    expect(run).toMatch(/\/\.pai-process\/runs\/contract_20250101_120000$/);
    const env = parseEnv(r.stdout);
    expect(env).toMatchObject({
      PAI_CONFIG_DIR: `${run}/input/config/`,
      PAI_WORKING_DIR: `${run}/usercode/`,
      PAI_HPS: `{"lr": "0.1", "batch-size": "32", "msg": "it's"}`,
      PAI_HPS_LR: '0.1',
      PAI_HPS_BATCH_SIZE: '32',
      PAI_HPS_MSG: "it's",
      PAI_USER_ARGS: `--lr 0.1 --batch-size 32 --msg 'it'"'"'s'`,
      PAI_INPUT_TRAIN: `${run}/input/data/train/`,
      PAI_INPUT_TEST_SET: `${run}/input/data/test-set/a.csv`,
      PAI_OUTPUT_MODEL: `${run}/output/model/`,
      RANK: '0',
      WORLD_SIZE: '1',
      MASTER_ADDR: '127.0.0.1',
      MY_VAR: 'mine',
      KEEP_ME: 'yes',
      PWD: `${run}/usercode`,
    });
    expect(Number(env['MASTER_PORT'])).toBeGreaterThan(0);
    // The contract wins over `environments`; the shell's own PAI_* never reach the job.
    expect(env['PAI_HPS_LR']).toBe('0.1');
    expect(env['PAI_INPUT_STALE']).toBeUndefined();
    expect(
      Object.keys(env)
        .filter((k) => k.startsWith('PAI_'))
        .sort(),
    ).toEqual(
      [
        'PAI_CONFIG_DIR',
        'PAI_HPS',
        'PAI_HPS_BATCH_SIZE',
        'PAI_HPS_LR',
        'PAI_HPS_MSG',
        'PAI_INPUT_TEST_SET',
        'PAI_INPUT_TRAIN',
        'PAI_OUTPUT_MODEL',
        'PAI_USER_ARGS',
        'PAI_WORKING_DIR',
      ].sort(),
    );
  });

  it('writes hyperparameters.json (every value a string) and copies the code the cloud upload would send, file by file, ignore rules included', async () => {
    const r = await runLocal({
      'job.yaml': jobYaml({ command: 'cat "$PAI_CONFIG_DIR/hyperparameters.json"; ls -A', parameters: { top: 5, lowercase: true, name: 'ü' } }),
      'main.py': 'print(1)\n',
      '.paiignore': 'secret.txt\n',
      'secret.txt': 'no\n',
      'pkg/mod.py': '',
    });
    expect(r.code).toBe(0);
    const [run] = runFolders(r.dir);
    const hps = JSON.parse(readFileSync(join(run!, 'input', 'config', 'hyperparameters.json'), 'utf8'));
    expect(hps).toEqual({ top: '5', lowercase: 'true', name: 'ü' });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('{"top": "5", "lowercase": "true", "name": "\\u00fc"}');
    // What the cloud would get: no secret.txt, no .pai-process (the runs themselves).
    expect(lines.slice(1).sort()).toEqual(['.paiignore', 'job.yaml', 'main.py', 'pkg']);
    expect(r.stderr).toMatch(/Code: 4 files/);
  });

  it('copies a folder input to input/data/<channel>/ and a single-file input to input/data/<channel>/<file>', async () => {
    const data = tempDir('data-');
    mkdirSync(join(data, 'sub'));
    writeFileSync(join(data, 'sub', 'b.txt'), 'bee\n');
    writeFileSync(join(data, 'a.txt'), 'ay\n');
    const r = await runLocal({
      'job.yaml': jobYaml({
        command: 'cat "$PAI_INPUT_ONE"; cat "$PAI_INPUT_ALL"sub/b.txt; ls "$PAI_INPUT_ALL"',
        inputs: { one: './local/one.txt', all: data },
      }),
      'local/one.txt': 'one\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('one\nbee\na.txt\nsub\n');
    const [run] = runFolders(r.dir);
    const one = join(run!, 'input', 'data', 'one', 'one.txt');
    // Copies, as PAI downloads inputs: no link leads the job back to the user's files.
    expect(lstatSync(one).isSymbolicLink()).toBe(false);
    expect(readFileSync(one, 'utf8')).toBe('one\n');
    expect(lstatSync(join(run!, 'input', 'data', 'all')).isDirectory()).toBe(true);
    expect(readFileSync(join(run!, 'input', 'data', 'all', 'sub', 'b.txt'), 'utf8')).toBe('bee\n');
  });

  it('copies each output channel to the local path given in outputs, and the summary lists where', async () => {
    const r = await runLocal({
      'job.yaml': jobYaml({
        command:
          'mkdir -p "$PAI_OUTPUT_MODEL/sub" && echo w > "$PAI_OUTPUT_MODEL/weights.bin" && echo n > "$PAI_OUTPUT_MODEL/sub/notes.txt" && echo l > "$PAI_OUTPUT_LOGS/log.txt"',
        outputs: { model: './out/model', logs: 'out/logs/' },
      }),
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.dir, 'out', 'model', 'weights.bin'), 'utf8')).toBe('w\n');
    expect(readFileSync(join(r.dir, 'out', 'model', 'sub', 'notes.txt'), 'utf8')).toBe('n\n');
    expect(readFileSync(join(r.dir, 'out', 'logs', 'log.txt'), 'utf8')).toBe('l\n');
    expect(r.stderr).toContain(`Output   model  ${join(r.dir, 'out', 'model')}/`);
    expect(r.stderr).toContain(`Output   logs  ${join(r.dir, 'out', 'logs')}/`);
    // Left in the run folder as well.
    const [run] = runFolders(r.dir);
    expect(existsSync(join(run!, 'output', 'model', 'weights.bin'))).toBe(true);
  });

  it('instance_type: local in the config runs locally without --local, and needs no session', async () => {
    const { runCli } = await import('../helpers/run-cli.js');
    const { project } = await import('../helpers/run-cli.js');
    const dir = project({ 'job.yaml': jobYaml({ command: 'echo hi from $PAI_HPS_WHO', instance_type: 'local', parameters: { who: 'config' } }) });
    const r = await runCli(['run', '-f', 'job.yaml'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi from config\n');
  });

  const systemPath = '/usr/bin:/bin';
  it.runIf(existsSync('/usr/bin/python3') && !existsSync('/usr/bin/python') && !existsSync('/bin/python'))(
    'on a machine with python3 but no python, `python` in the command runs python3 (PAI images have python)',
    async () => {
      const r = await runLocal({ 'job.yaml': jobYaml({ command: 'python -c "import sys; print(sys.version_info[0])"' }) }, [], { env: { PATH: systemPath } });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('3\n');
      const [run] = runFolders(r.dir);
      expect(lstatSync(join(run!, 'bin', 'python')).isSymbolicLink()).toBe(true);
    },
  );

  it('a string command runs through sh -c, a list is the argv itself', async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: ['printf', '%s|', 'a b', '$HOME'] }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a b|$HOME|\n');
  });

  it('a command that fails exits 1 and says with which code; one that cannot start says why', async () => {
    const failed = await runLocal({ 'job.yaml': jobYaml({ command: 'echo about to fail; exit 3' }) });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('about to fail\n');
    expect(failed.stderr).toMatch(/✖ Job \S+ failed \(Failed\)/);
    expect(failed.stderr).toContain('Reason   WorkerFailed: the command exited with code 3');
    const missing = await runLocal({ 'job.yaml': jobYaml({ command: ['no-such-program-here', 'x'] }) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('the command could not start (no-such-program-here: command not found)');
  });

  it('--json: NDJSON events on stdout, log lines and the result with its exit code', async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo one; echo two >&2' }) }, ['--json']);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      events
        .filter((e) => e['event'] === 'log')
        .map((e) => e['line'])
        .sort(),
    ).toEqual(['one', 'two']);
    expect(events.filter((e) => e['event'] === 'status').map((e) => e['status'])).toEqual(['Running', 'Succeed']);
    expect(events.at(-1)).toMatchObject({ event: 'result', status: 'Succeed', exitCode: 0 });
  });

  it('an oss:// output without a session stays in the run folder, with a warning that says why', async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo r > "$PAI_OUTPUT_REPORT/r.txt"', outputs: { report: 'oss://some-bucket/out/' } }) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('! outputs.report (oss://some-bucket/out/) will not be uploaded: no region is set (--region or PAI_REGION_ID)');
    const [run] = runFolders(r.dir);
    expect(r.stderr).toContain(`Output   report  ${run}/output/report/`);
    expect(readFileSync(join(run!, 'output', 'report', 'r.txt'), 'utf8')).toBe('r\n');
  });

  describe('refuses, before running anything, with a message and the documented exit code', () => {
    it('an oss:// input without a region: exit 2, naming the input and what to set', async () => {
      const r = await runLocal({ 'job.yaml': jobYaml({ command: 'true', inputs: { train: 'oss://b/data/' } }) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('inputs.train is on OSS, and downloading it needs a region; nothing was run');
      expect(r.stderr).toContain('PAI_REGION_ID');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(r.dir, '.pai-process'))).toBe(false);
    });

    it('an oss:// input without credentials: exit 4, naming the input and where credentials were looked for', async () => {
      const r = await runLocal({ 'job.yaml': jobYaml({ command: 'true', inputs: { train: 'oss://b/data/' } }) }, [], { env: { PAI_REGION_ID: 'cn-hangzhou' } });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('inputs.train is on OSS, and downloading it needs credentials: no Alibaba Cloud credentials found; nothing was run');
      expect(r.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
    });

    it('a dataset or NAS channel: exit 2, they exist only inside PAI', async () => {
      const r = await runLocal({ 'job.yaml': jobYaml({ command: 'true', inputs: { ds: { dataset_id: 'd-1' }, nas: 'nas://fs.cn-hangzhou/x/' } }) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('inputs.ds: dataset d-1 is mounted by PAI only');
      expect(r.stderr).toContain('inputs.nas: nas:// storage is mounted by PAI only');
    });

    it('a local output path that is a file: exit 2', async () => {
      const r = await runLocal({ 'job.yaml': jobYaml({ command: 'true', outputs: { model: './taken' } }), taken: 'a file' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('outputs.model:');
      expect(r.stderr).toContain('is a file; an output channel is copied into a folder');
    });

    it.each([
      [['--detach'], '--detach does not apply to a local run'],
      [['--dry-run'], '--dry-run does not apply to a local run'],
      [['--timeout', '5m'], '--timeout does not apply to a local run'],
      [['--local-runtime', 'podman'], '--local-runtime expects plain or docker, got "podman"'],
    ])('%j: exit 2', async (args, message) => {
      const r = await runLocal({ 'job.yaml': jobYaml({ command: 'true' }) }, args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    });

    it('--install-requirements without --local on a cloud job: exit 2', async () => {
      const { runCli, project } = await import('../helpers/run-cli.js');
      const dir = project({ 'job.yaml': jobYaml({ command: 'true' }) });
      const r = await runCli(['run', '-f', 'job.yaml', '--install-requirements'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--install-requirements applies to local runs only');
    });
  });

  it('a cloud job still refuses a local output path, and says that --local takes one', async () => {
    const { runCli, project, SESSION_ENV } = await import('../helpers/run-cli.js');
    const dir = project({ 'job.yaml': jobYaml({ command: 'true', outputs: { model: './out' } }) });
    const r = await runCli(['run', '-f', 'job.yaml', '--dry-run'], { cwd: dir, env: SESSION_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"./out" is a local path; a cloud job writes its outputs to oss://');
    expect(r.stderr).toContain('(a local path works with run --local)');
  });

  it('a second run of the same job in the same second gets its own folder', async () => {
    const files = { 'job.yaml': jobYaml({ command: 'true', base_job_name: 'twice' }) };
    const { runCli, project } = await import('../helpers/run-cli.js');
    const dir = project(files);
    const env = { PATH: process.env['PATH'] ?? '' };
    expect((await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['run', '-f', 'job.yaml', '--local'], { cwd: dir, env })).code).toBe(0);
    expect(runFolders(dir).map((p) => p.split('/').pop())).toEqual(['twice_20250101_120000', 'twice_20250101_120000-2']);
  });
});
