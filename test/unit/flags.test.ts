// The one table of flags (src/cli/flags.ts): the commander options and the overrides handed to core come from it,
// and every setting core's messages name is a flag some command has.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { jobOverrides } from '../../src/cli/actions/job-overrides.js';
import { defaultContext, Invocation } from '../../src/cli/context.js';
import { addJobOptions, addSessionOptions, localOption, nameOf, sessionFlags } from '../../src/cli/flags.js';
import { buildProgram } from '../../src/cli/program.js';
import type { NamedSetting } from '../../src/core/option-names.js';

function parsed(args: string[]): Record<string, unknown> {
  const cmd = addSessionOptions(addJobOptions(new Command('t').addOption(localOption('local')))).exitOverride();
  cmd.parse(args, { from: 'user' });
  return cmd.opts();
}

describe('the flag table', () => {
  it('turns job flags into overrides by config key, with the flag as typed for origin', () => {
    const opts = parsed(
      ['--image', 'img', '--source-dir', '.', '--instance-count', '2', '--max-run-time', '90m'].concat([
        '--param',
        'lr=0.1',
        '--env',
        'A=b=c',
        '--set',
        'spot_spec.spot_strategy=SpotAsPriceGo',
        '--local',
      ]),
    );
    expect(jobOverrides(opts)).toEqual([
      { path: ['image_uri'], value: 'img', origin: '--image' },
      { path: ['source_dir'], value: '.', origin: '--source-dir' },
      { path: ['instance_count'], value: 2, origin: '--instance-count' },
      { path: ['max_run_time'], value: '90m', origin: '--max-run-time' },
      { path: ['parameters', 'lr'], value: '0.1', origin: '--param lr' },
      { path: ['environments', 'A'], value: 'b=c', origin: '--env A' },
      { path: ['spot_spec', 'spot_strategy'], value: 'SpotAsPriceGo', origin: '--set spot_spec.spot_strategy' },
      { path: ['instance_type'], value: 'local', origin: '--local' },
    ]);
  });

  it('refuses a key that would reach a prototype, naming the flag', () => {
    expect(() => jobOverrides(parsed(['--env', '__proto__=x']))).toThrow('--env __proto__: "__proto__" is not allowed as a key');
    expect(() => jobOverrides(parsed(['--set', 'settings={constructor: 1}']))).toThrow('--set settings: "constructor" is not allowed as a key');
  });

  it('gives session flags by session key, with the flag for origin', () => {
    expect(sessionFlags(parsed(['--region', 'cn-hangzhou', '--workspace-endpoint', 'h.example']))).toEqual({
      region_id: { value: 'cn-hangzhou', origin: '--region' },
      workspace_endpoint: { value: 'h.example', origin: '--workspace-endpoint' },
    });
  });

  it('names each setting core mentions by a flag that a command has', () => {
    const program = buildProgram(new Invocation(defaultContext()));
    const longs = new Set<string>();
    const walk = (cmd: Command) => {
      for (const o of cmd.options) if (o.long) longs.add(o.long);
      cmd.commands.forEach(walk);
    };
    walk(program);
    // A Record, so that a setting added to core/option-names.ts without a case here fails the typecheck.
    const settings: Record<NamedSetting, true> = {
      'session.region_id': true,
      'session.workspace_id': true,
      inputs: true,
      outputs: true,
      max_code_size: true,
      local_runtime: true,
      install_requirements: true,
      since: true,
      status: true,
      channel: true,
      download: true,
    };
    for (const setting of Object.keys(settings) as NamedSetting[]) expect(longs, setting).toContain(nameOf(setting));
  });
});
