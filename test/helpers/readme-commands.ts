import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './spawn-cli.js';

/**
 * The two set-up commands of README.md, exactly as printed between its `<!-- setup-commands ... -->` and
 * `<!-- /setup-commands -->` markers (comments included: a shell reads them as comments). Tests run these
 * lines, so a change to the README changes what is tested, and a README without the block fails.
 */
export function readmeSetupCommands(root: string = ROOT): { quickstart: string; test: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /<!-- setup-commands[^>]*-->\s*```sh\n([\s\S]*?)```\s*<!-- \/setup-commands -->/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no <!-- setup-commands --> block');
  const lines = block.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 2) throw new Error(`README.md's setup-commands block must hold two commands, found ${lines.length}`);
  return { quickstart: lines[0]!, test: lines[1]! };
}

/** A command line without its trailing `# comment`, split on `&&` into the steps a shell runs in turn. */
export function commandSteps(line: string): string[] {
  return line
    .replace(/\s+#.*$/, '')
    .split('&&')
    .map((s) => s.trim());
}
