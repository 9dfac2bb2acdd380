import { describe, expect, it } from 'vitest';
import { project, runCli, SESSION_ENV } from '../helpers/run-cli.js';

const GOOD = 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\n';

async function validate(files: Record<string, string>, args: string[] = [], env: Record<string, string> = {}) {
  const dir = project(files);
  return runCli(['validate', '-f', Object.keys(files)[0]!, ...args], { cwd: dir, env });
}

describe('a config with problems', () => {
  it('reports every problem at once, with key paths and lines, exits 2 and sends nothing', async () => {
    const dir = project({
      'job.yaml': 'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\ninstance_count: two\nimag_pull: always\n',
    });
    const result = await runCli(['run', '-f', 'job.yaml', '--dry-run'], { cwd: dir, env: SESSION_ENV });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('job.yaml has 2 problems; nothing was submitted');
    expect(result.stderr).toContain('job.yaml:4:17  instance_count: must be an integer, not the string "two"');
    expect(result.stderr).toContain('job.yaml:5:1  imag_pull: unknown key "imag_pull"');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('suggests the key a typo meant, and does not also report it missing', async () => {
    const result = await validate({
      'job.yaml': 'imag_uri: python:3.11\ncommand: x\ninstance_type: t\nspot_spec: {spot_strategy: SpotAsPriceGo, spot_discont_limit: 0.5}\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('job.yaml:1:1  imag_uri: unknown key "imag_uri"; did you mean "image_uri"?');
    expect(result.stderr).toContain('spot_spec.spot_discont_limit: unknown key "spot_discont_limit"; did you mean "spot_discount_limit"?');
    expect(result.stderr).not.toContain('image_uri: is required');
  });

  it('names the line and column of a YAML syntax error, with the line shown', async () => {
    const result = await validate({ 'job.yaml': 'image_uri: python:3.11\ncommand: python: main.py\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('job.yaml:2:10  Nested mappings are not allowed in compact mappings');
    expect(result.stderr).toContain('command: python: main.py');
    expect(result.stderr).toMatch(/\^/);
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const result = await validate({ 'job.json': '{\n  "image_uri": "x",\n  "command": "y",\n}\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/job\.json:\d+:\d+ /);
  });

  it('refuses duplicate keys', async () => {
    const result = await validate({ 'job.yaml': `${GOOD}command: other\n` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('job.yaml:4:1  Map keys must be unique');
  });

  it('explains wrong shapes in the words of the config', async () => {
    const result = await validate({
      'job.yaml': [
        'image_uri: ""',
        'command: []',
        'instance_type: ecs.c6.large',
        'max_run_time: 1 hour',
        'environments: {LR: [1, 2]}',
        'spot_spec: {spot_strategy: Cheap}',
        'base_job_name: my job',
        'inputs: {"my data": oss://b/x}',
        'role_arn: admin',
        '',
      ].join('\n'),
    });
    expect(result.code).toBe(2);
    const err = result.stderr;
    expect(err).toContain('image_uri: must not be empty');
    expect(err).toContain('command: must be a command string or a non-empty list of strings');
    expect(err).toContain('max_run_time: must be a number of seconds or a duration such as 90m or 2h30m');
    expect(err).toContain('environments.LR: must be a string or a number or true or false, not a list');
    expect(err).toContain('spot_spec.spot_strategy: must be one of SpotWithPriceLimit, SpotAsPriceGo');
    expect(err).toContain('base_job_name: may only contain letters, digits');
    expect(err).toContain('inputs["my data"]: channel names may only contain');
    expect(err).toContain('role_arn: must be a RAM role ARN');
  });

  it('checks what the schema cannot: machines, spot, local paths, URIs', async () => {
    const result = await validate({
      'job.yaml': [
        'image_uri: x',
        'command: y',
        'spot_spec: {spot_strategy: SpotAsPriceGo, spot_discount_limit: 0.3}',
        'source_dir: ./nope',
        'inputs:',
        '  a: ./missing.csv',
        '  b: s3://bucket/x',
        '  c: {dataset_id: d-1, directory_path: /x}',
        '  d: odps://proj/events',
        'outputs:',
        '  out: ./results',
        '',
      ].join('\n'),
    });
    expect(result.code).toBe(2);
    const err = result.stderr;
    expect(err).toContain('instance_type: is required: name a machine type such as ecs.c6.large');
    expect(err).toMatch(/job\.yaml:3:\d+  spot_spec\.spot_discount_limit: applies only with spot_strategy SpotWithPriceLimit/);
    expect(err).toMatch(/job\.yaml:4:13 {2}source_dir: folder not found: .*\/nope/);
    expect(err).toMatch(/inputs\.a: local input not found: .*\/missing\.csv/);
    expect(err).toContain('inputs.b: s3:// is not a storage PAI can mount');
    expect(err).toContain('inputs.c.directory_path: belongs to a file system');
    expect(err).toContain('inputs.d: "odps://proj/events" is not a MaxCompute table URI');
    expect(err).toContain('outputs.out: "./results" is a local path');
  });

  it('points at the flag that set a bad value', async () => {
    const result = await validate({ 'job.yaml': GOOD }, ['--instance-count', 'many', '--set', 'spot_spec.spot_strategy=Free', '--set', 'imagee=x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--instance-count  instance_count: must be an integer, not the string "many"');
    expect(result.stderr).toContain('--set spot_spec.spot_strategy  spot_spec.spot_strategy: must be one of');
    expect(result.stderr).toContain('--set imagee  imagee: unknown key "imagee"');
  });

  it('needs an unset ${VAR} to have a default', async () => {
    const result = await validate({ 'job.yaml': 'image_uri: ${IMAGE}\ncommand: x\ninstance_type: ${TYPE:-ecs.c6.large}\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('job.yaml:1:12  image_uri: environment variable IMAGE is not set');
    expect(result.stderr).not.toContain('instance_type');
  });

  it('prints the error as JSON on stdout with --json', async () => {
    const result = await validate({ 'job.yaml': 'image_uri: x\ncommand: y\n' }, ['--json']);
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout);
    expect(doc.error.exitCode).toBe(2);
    expect(doc.error.diagnostics[0]).toMatchObject({ path: 'instance_type', file: 'job.yaml' });
  });

  it('a missing or empty file is a clear error', async () => {
    const missing = await runCli(['validate', '-f', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Could not read the job config nope.yaml: file not found');
    const empty = await validate({ 'job.yaml': '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('The job config job.yaml is empty');
    const list = await validate({ 'job.yaml': '- a\n- b\n' });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('must be a mapping of keys');
  });
});

describe('bad flags', () => {
  it('are usage errors (exit 2) with a pointer to --help', async () => {
    const result = await runCli(['run', '--dry-rnu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--dry-rnu'");
    expect(result.stderr).toContain('(Did you mean --dry-run?)');
    expect(result.stderr).toContain('Run `pai-process run --help`');
  });

  it('--param without = is refused', async () => {
    const result = await runCli(['validate', '--param', 'lr']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--param expects KEY=VALUE, got "lr"');
  });

  it('an unknown command is a usage error', async () => {
    const result = await runCli(['sbumit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'sbumit'");
  });
});
