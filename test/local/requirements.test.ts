// --install-requirements: requirements.txt goes into a virtualenv in the run folder, never into the user's Python.
// The requirement is a wheel built here, so pip needs no network.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobYaml, runFolders, runLocal, tempDir, venvAvailable } from './support.js';

const venv = venvAvailable();

/** A wheel of a one-module package `paiprocesstestpkg`, written with Python's zipfile (a wheel is a zip with metadata). */
function buildWheel(dir: string): string {
  const script = `
import base64, hashlib, sys, zipfile
name, version = "paiprocesstestpkg", "1.0"
path = sys.argv[1] + f"/{name}-{version}-py3-none-any.whl"
files = {
  f"{name}/__init__.py": b"VALUE = 'installed in the venv'\\n",
  f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n".encode(),
  f"{name}-{version}.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = ""
for n, data in files.items():
  digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
  record += f"{n},sha256={digest},{len(data)}\\n"
record += f"{name}-{version}.dist-info/RECORD,,\\n"
files[f"{name}-{version}.dist-info/RECORD"] = record.encode()
with zipfile.ZipFile(path, "w") as z:
  for n, data in files.items():
    z.writestr(n, data)
print(path)
`;
  const r = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not build the test wheel: ${r.stderr}`);
  return r.stdout.trim();
}

describe('--install-requirements', () => {
  it.skipIf(!venv.ok)(
    `installs requirements.txt into a virtualenv under the run folder, not into the user's Python${venv.ok ? '' : ` (skipped: ${venv.why})`}`,
    async () => {
      const wheel = buildWheel(tempDir('wheel-'));
      const files = {
        'job.yaml': jobYaml({ command: 'python -c "import sys, paiprocesstestpkg; print(paiprocesstestpkg.VALUE); print(sys.prefix)"' }),
        'requirements.txt': `${wheel}\n`,
      };
      const r = await runLocal(files, ['--install-requirements'], { env: { PIP_NO_INDEX: '1' } });
      expect(r.stderr).toContain('succeeded');
      expect(r.code).toBe(0);
      const [run] = runFolders(r.dir);
      expect(existsSync(join(run!, 'venv', 'bin', 'python'))).toBe(true);
      expect(r.stdout).toContain('installed in the venv\n');
      expect(r.stdout).toContain(`${join(run!, 'venv')}\n`);
      expect(r.stdout).toMatch(/Successfully installed paiprocesstestpkg-1\.0/);
      // The user's Python never saw it.
      const mine = spawnSync('python3', ['-c', 'import paiprocesstestpkg'], { encoding: 'utf8', cwd: tempDir() });
      expect(mine.status).not.toBe(0);
    },
    120_000,
  );

  it('without the flag, requirements.txt is left alone and a warning says how to install it', async () => {
    const r = await runLocal({ 'job.yaml': jobYaml({ command: 'echo ran' }), 'requirements.txt': 'numpy\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('! requirements.txt not installed: PAI installs them before the command; here, pass --install-requirements');
    const [run] = runFolders(r.dir);
    expect(existsSync(join(run!, 'venv'))).toBe(false);
  });

  it.skipIf(!venv.ok)(
    'a requirement pip cannot install fails the job with exit 1, saying it was the install',
    async () => {
      const r = await runLocal(
        { 'job.yaml': jobYaml({ command: 'echo never' }), 'requirements.txt': './no-such-wheel-1.0-py3-none-any.whl\n' },
        ['--install-requirements'],
        { env: { PIP_NO_INDEX: '1' } },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('never');
      expect(r.stderr).toMatch(/Reason {3}RequirementsFailed: installing the requirements \(python -m pip\) exited with code \d+/);
    },
    120_000,
  );
});
