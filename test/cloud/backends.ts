import { createBackends } from '../../src/cloud/index.js';
import type { Backends } from '../../src/core/ports/backends.js';
import { resolveCredentials } from '../../src/cloud/credentials.js';
import { nameOf } from '../../src/cli/flags.js';
import { requireSession, resolveSession } from '../../src/core/session/resolve.js';
import { backendSite } from '../../src/core/session/site.js';
import type { Emulator } from '../emulator/index.js';
import { tempDir } from '../helpers/run-cli.js';

/** The real adapters, pointed at an emulator the way a user points the CLI at it: by its environment. */
export async function backendsFor(emu: Emulator, env: Record<string, string> = {}): Promise<Backends> {
  const allEnv = { ...emu.env(), ...env };
  const { session, problems } = resolveSession({ flags: {}, env: allEnv });
  const complete = requireSession(session, problems, '~/.pai/config.json', nameOf);
  const credentials = await resolveCredentials({ env: allEnv, homedir: tempDir('home-'), probeMetadata: async () => false });
  return createBackends(backendSite(complete), credentials.credential, 'test');
}
