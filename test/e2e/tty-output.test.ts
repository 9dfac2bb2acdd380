import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { project, tempDir } from '../helpers/run-cli.js';

// What a person sees on a terminal after `run`, `status` and `list`: the built CLI in a pseudo-terminal (util-linux
// `script`), its bytes replayed on a small screen model (cursor moves, line clears, carriage returns) to get the lines
// left on the screen. Checked: no style left open across a newline and no stray escape code at a line's start, each
// URI once, columns aligned.

const root = fileURLToPath(new URL('../..', import.meta.url));

let emu: Emulator;
let failedJob = '';
beforeAll(async () => {
  emu = await startEmulator();
  emu.jobs.script(
    [
      { at: 0, status: 'Queuing' },
      { at: 300, status: 'Running', instances: ['worker-0'] },
      { at: 400, logs: ['hello from the job\n'] },
      { at: 1200, status: 'Succeed' },
    ],
    { name: /^ttyout_/ },
  );
  const make = (name: string, steps: Parameters<Emulator['jobs']['script']>[0]) =>
    emu.jobs.create({ TrainingJobName: name, WorkspaceId: emu.workspaceId, AlgorithmSpec: { Image: 'x', Command: ['true'] } }, { script: steps });
  failedJob = make('a', [{ at: 0, status: 'Failed', reasonCode: 'OOM', reasonMessage: 'out of memory' }]).id;
  make('a_much_longer_job_name_here', [{ at: 0, status: 'Running', instances: ['worker-0'] }]);
});
afterAll(async () => emu?.close());

/** The built CLI in a pseudo-terminal; the pty merges stdout and stderr, as a screen does. */
function inTerminal(args: string[], dir: string): Promise<{ code: number | null; raw: string }> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: tempDir('home-'), TERM: 'xterm-256color', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ...emu.env() };
  const command = [process.execPath, `${root}bin/pai-process.cjs`, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env, detached: true });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, raw })));
}

// eslint-disable-next-line no-control-regex -- escape sequences are the point
const CSI = /\u001b\[([?0-9;]*)([A-Za-z])/y;

/** The lines left on the screen after the bytes, and what the styles did at each newline. */
function replay(raw: string): { screen: string[]; openAtNewline: string[]; strayAtLineStart: string[] } {
  const screen: string[][] = [[]];
  let row = 0;
  let col = 0;
  const open = new Set<string>();
  const openAtNewline: string[] = [];
  const strayAtLineStart: string[] = [];
  let atLineStart = true;
  for (let i = 0; i < raw.length; ) {
    const ch = raw[i]!;
    if (ch === '\u001b') {
      CSI.lastIndex = i;
      const m = CSI.exec(raw);
      if (!m) {
        i += 1;
        continue;
      }
      const [, params = '', cmd] = m;
      const n = Number(params || '1');
      if (cmd === 'm') {
        for (const code of (params || '0').split(';').map(Number)) {
          const closes = code === 39 ? 'fg' : code === 22 ? 'weight' : code === 49 ? 'bg' : code === 24 ? 'underline' : undefined;
          if (code === 0) open.clear();
          else if (closes) {
            if (!open.has(closes) && atLineStart) strayAtLineStart.push(`row ${row}: \\e[${code}m`);
            open.delete(closes);
          } else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97) || code === 38) open.add('fg');
          else if (code === 1 || code === 2) open.add('weight');
          else if ((code >= 40 && code <= 47) || code === 48) open.add('bg');
          else if (code === 4) open.add('underline');
        }
      } else if (cmd === 'A') row = Math.max(0, row - n);
      else if (cmd === 'B') row += n;
      else if (cmd === 'G') col = n - 1;
      else if (cmd === 'K') screen[row] = params === '2' ? [] : (screen[row] ?? []).slice(0, col);
      else if (cmd === 'J') screen.splice(row + 1);
      i += m[0].length;
      continue;
    }
    if (ch === '\n') {
      if (open.size > 0) openAtNewline.push(`row ${row}: ${[...open].join(', ')}`);
      row += 1;
      col = 0;
      atLineStart = true;
    } else if (ch === '\r') col = 0;
    else {
      const line = (screen[row] ??= []);
      while (line.length < col) line.push(' ');
      line[col] = ch;
      col += 1;
      atLineStart = false;
    }
    while (screen.length <= row) screen.push([]);
    i += 1;
  }
  return { screen: screen.map((l) => l.join('').trimEnd()).filter((l, i, all) => l !== '' || i < all.length - 1), openAtNewline, strayAtLineStart };
}

/** The column where each header cell starts holds the start of a cell in every row (no ragged columns). */
function expectAligned(header: string, rows: string[]): void {
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index);
  for (const row of rows) {
    for (const at of starts) {
      expect(row[at], `"${row}" at column ${at} (header "${header}")`).toMatch(/\S/);
      if (at > 0) expect(row.slice(at - 2, at), `"${row}" before column ${at}`).toBe('  ');
    }
  }
}

describe('a terminal after run, status and list', () => {
  it('run: styles closed before each newline, each URI once, the job output and the summary on screen', async () => {
    const dir = project({
      'job.yaml':
        'image_uri: python:3.11\ncommand: python main.py\ninstance_type: ecs.c6.large\nsource_dir: code\nbase_job_name: ttyout\ninputs: {train: data/}\n',
      'code/main.py': 'print(1)\n',
      'code/lib.py': 'X = 1\n',
      'data/a.csv': 'x\n',
    });
    const r = await inTerminal(['run', '-f', 'job.yaml'], dir);
    expect(r.code, r.raw).toBe(0);
    const { screen, openAtNewline, strayAtLineStart } = replay(r.raw);
    expect(openAtNewline).toEqual([]);
    expect(strayAtLineStart).toEqual([]);
    const text = screen.join('\n');
    expect(text).toContain('hello from the job');
    expect(text).toMatch(/✔ Job \S+ succeeded after \d+s/);
    const uris = text.match(/oss:\/\/\S+/g) ?? [];
    expect(uris.length).toBeGreaterThanOrEqual(2); // the code, the input
    expect(new Set(uris).size, text).toBe(uris.length);
    expect(text).not.toMatch(/ETA 0s|0% 0 B\/s/);
  });

  it('status: the values start in one column', async () => {
    const r = await inTerminal(['status', failedJob], tempDir());
    expect(r.code, r.raw).toBe(0);
    const { screen, openAtNewline, strayAtLineStart } = replay(r.raw);
    expect(openAtNewline).toEqual([]);
    expect(strayAtLineStart).toEqual([]);
    const lines = screen.filter((l) => /^ {2}\S/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(expect.arrayContaining(['id', 'name', 'status', 'reason', 'console']));
    const valueColumn = (l: string) => /^ {2}\S+\s+/.exec(l)![0].length;
    expect(new Set(lines.map(valueColumn)).size, screen.join('\n')).toBe(1);
  });

  it('list: a header and rows in aligned columns, the duration filled', async () => {
    const r = await inTerminal(['list'], tempDir());
    expect(r.code, r.raw).toBe(0);
    const { screen, openAtNewline, strayAtLineStart } = replay(r.raw);
    expect(openAtNewline).toEqual([]);
    expect(strayAtLineStart).toEqual([]);
    const at = screen.findIndex((l) => l.startsWith('ID'));
    expect(screen[at]).toMatch(/^ID\s+NAME\s+STATUS\s+CREATED\s+DURATION$/);
    const rows = screen.slice(at + 1).filter((l) => l.startsWith('train'));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expectAligned(screen[at]!, rows);
    for (const row of rows) expect(row).toMatch(/(\d+s|\d+m \d\ds|\d+h \d\dm)$/);
  });
});
