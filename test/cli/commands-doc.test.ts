import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('docs/commands.md', () => {
  it('is what --help says today (regenerate: npx tsx scripts/commands-doc.ts > docs/commands.md)', () => {
    const generated = execFileSync(`${root}node_modules/.bin/tsx`, ['scripts/commands-doc.ts'], { cwd: root, encoding: 'utf8' });
    expect(readFileSync(`${root}docs/commands.md`, 'utf8')).toBe(generated);
  });

  it('documents every command', () => {
    const doc = readFileSync(`${root}docs/commands.md`, 'utf8');
    for (const cmd of ['run', 'logs', 'status', 'stop', 'list', 'init', 'validate', 'config show', 'schema', 'completion']) {
      expect(doc).toContain(`## pai-process ${cmd}\n`);
    }
  });
});
