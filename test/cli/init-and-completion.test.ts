import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobConfigSchema } from '../../src/core/config/schema.js';
import { project, runCli } from '../helpers/run-cli.js';

describe('init', () => {
  it('writes a starter config that validates, pointing editors at the shipped schema', async () => {
    const dir = project({});
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'pai-process.config.yaml'), 'utf8');
    const first = text.split('\n')[0]!;
    // Relative to the file's folder (an absolute path would name this machine's folders in a committed file).
    expect(first).toMatch(/^# yaml-language-server: \$schema=\.{1,2}\/.*schema\/job-config\.schema\.json$/);
    const schemaPath = resolve(dir, first.split('$schema=')[1]!);
    expect(JSON.parse(readFileSync(schemaPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(jobConfigSchema)));
    for (const key of Object.keys(jobConfigSchema.properties).filter((k) => k !== '$schema')) expect(text).toMatch(new RegExp(`^(# )?${key}:`, 'm'));
    const v = await runCli(['validate'], { cwd: dir });
    expect(v.code).toBe(0);
  });

  it('never overwrites without --force', async () => {
    const dir = project({ 'pai-process.config.yaml': 'mine\n' });
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'pai-process.config.yaml'), 'utf8')).toBe('mine\n');
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'pai-process.config.yaml'), 'utf8')).toContain('image_uri:');
  });

  it('writes elsewhere with -f', async () => {
    const dir = project({});
    expect((await runCli(['init', '-f', 'jobs/train.yaml'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['validate', '-f', 'jobs/train.yaml'], { cwd: dir })).code).toBe(0);
  });
});

describe('the shipped schema file', () => {
  it('is the schema the validator uses (update it with `pai-process schema > schema/job-config.schema.json`)', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../schema/job-config.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(jobConfigSchema)));
  });
});

describe('completion', () => {
  it('bash: completes commands, options and subcommands', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    const dir = project({});
    writeFileSync(join(dir, 'c.bash'), r.stdout);
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        ['-c', `source c.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _pai_process; echo "\${COMPREPLY[@]}"`],
        { cwd: dir, encoding: 'utf8' },
      ).trim();
    expect(complete(['pai-process', 'va'])).toBe('validate');
    expect(complete(['pai-process', 'run', '--dry'])).toBe('--dry-run');
    expect(complete(['pai-process', 'config', ''])).toBe('show --help');
    expect(complete(['pai-process', 'logs', '--fo'])).toBe('--follow');
    // Values: statuses, runtimes, shells.
    expect(complete(['pai-process', 'list', '--status', 'Run'])).toBe('Running');
    expect(complete(['pai-process', 'list', '--status', 'Succe'])).toBe('Succeed SucceededReserving');
    expect(complete(['pai-process', 'run', '--local-runtime', ''])).toBe('plain docker');
    expect(complete(['pai-process', 'completion', ''])).toBe('bash zsh fish --help');
  });

  it('zsh and fish scripts name every command; an unknown shell is a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.stdout).toContain('#compdef pai-process');
    const fish = await runCli(['completion', 'fish']);
    for (const cmd of ['run', 'logs', 'status', 'stop', 'list', 'init', 'validate', 'config', 'schema']) expect(fish.stdout).toContain(`-a ${cmd} `);
    expect(fish.stdout).toContain("-l dry-run -d 'print the resolved job");
    expect(fish.stdout).toContain("-l local-runtime -x -a 'plain docker'");
    expect(fish.stdout).toMatch(/-l status -x -a 'Creating .*Running .*FailedReserving'/);
    expect(fish.stdout).toContain("complete -c pai-process -f -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
    const bad = await runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
  });
});
