import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { tempDir } from '../helpers/run-cli.js';
import { ROOT as root, spawnCli, spawnNode } from '../helpers/spawn-cli.js';
import { commandSteps, readmeSetupCommands } from '../helpers/readme-commands.js';

/** A copy of examples/quickstart, so runs never write into the repository; without what the README's run left there. */
function quickstart(): string {
  const dir = join(tempDir('quickstart-'), 'quickstart');
  copyExample(dir);
  return dir;
}

function copyExample(to: string): void {
  const from = join(root, 'examples', 'quickstart');
  const left = [join(from, 'model'), join(from, '.pai-process')];
  cpSync(from, to, { recursive: true, filter: (src) => !left.some((l) => src === l || src.startsWith(`${l}/`)) });
}

const cli = spawnCli;

/** The CLI step of the README's first set-up command (after its `npm ci`), as printed there, without its comment. */
function readmeFirstCommand(): string[] {
  return commandSteps(readmeSetupCommands().quickstart).at(-1)!.split(/\s+/);
}

describe("the quickstart (the README's first command)", () => {
  it('works exactly as the README prints it, from the top of a clone', async () => {
    const [program, script, ...args] = readmeFirstCommand();
    expect(program).toBe('node');
    expect(script).toBe('bin/pai-process.cjs');
    // A clone's layout in a temporary folder: bin/ linked to this one, the example copied, so nothing is written here.
    const clone = tempDir('clone-');
    symlinkSync(join(root, 'bin'), join(clone, 'bin'));
    copyExample(join(clone, 'examples', 'quickstart'));
    const r = await spawnNode([script!, ...args], clone);
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    expect(existsSync(join(clone, 'examples', 'quickstart', 'model', 'model.json'))).toBe(true);
  });

  it('runs locally: reads hyperparameters.json and its input, writes its model to the local output path', async () => {
    const dir = quickstart();
    const r = await cli(['run', '--local', '-f', 'job.yaml'], dir);
    expect(r.stderr).toContain('succeeded');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('read 21 rows; training for 200 epochs at learning rate 0.05');
    expect(r.stdout).toMatch(/model: y = 2\.\d+ \* x \+ 0\.9\d+/);
    const model = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8')) as { a: number; b: number };
    expect(model.a).toBeCloseTo(2.5, 1);
    expect(model.b).toBeCloseTo(1, 1);
  });

  describe('through the emulator, which runs the submitted job', () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator({ execute: true });
    });
    afterAll(async () => emu?.close());

    it('gets its logs and its output back through the API', async () => {
      const dir = quickstart();
      const r = await cli(['run', '-f', 'job.yaml', '--output', `model=oss://${emu.bucket}/quickstart/`], dir, emu.env());
      expect(r.stderr).toContain('succeeded');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('epoch 200/200 loss');
      const object = emu.oss.get('quickstart/model.json');
      expect(object, 'the model was written to the emulated OSS').toBeDefined();
      expect(JSON.parse(object!.data.toString('utf8')).a).toBeCloseTo(2.5, 1);
      expect(existsSync(join(dir, 'model'))).toBe(false);
    });
  });
});
