// Checks the layer rules of .dependency-cruiser.cjs: `node scripts/layer-rules.mjs [--json] [dir...]` (default
// `src bin`), run from the root of the tree to check. Exit code 1 when a rule is broken, else 0.
//
// Why not the `depcruise` command: dependency-cruiser 17.3.9 throws (`includes is not a function`) on
// package.json's `"bundleDependencies": true`, which it expects as a list, whenever it classifies an import it
// resolved into node_modules; its config file cannot change how imports resolve. Through its API, npm packages
// are not looked up at all (`modules: []`): such an import keeps the name it was written with (`ali-oss`,
// `@alicloud/credentials`), which is all the rules need. Relative imports resolve as usual.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const args = process.argv.slice(2);
const json = args.includes('--json');
const dirs = args.filter((a) => !a.startsWith('--'));
const config = fileURLToPath(new URL('../.dependency-cruiser.cjs', import.meta.url));

const options = await extractDepcruiseOptions(config);
const tsConfigFile = options.tsConfig?.fileName;
const tsConfig = tsConfigFile && existsSync(tsConfigFile) ? extractTSConfig(tsConfigFile) : undefined;
if (tsConfigFile && !tsConfig) delete options.tsConfig;
const outputType = json ? 'json' : 'err';
const result = await cruise(dirs.length > 0 ? dirs : ['src', 'bin'], { ...options, outputType }, { modules: [] }, { tsConfig });
const output = typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
process.stdout.write(output);
// dependency-cruiser's own exit code is the number of errors for its text reporters (which wraps past 255) and 0
// for JSON: 1 says "a rule is broken" in both.
const errors = json ? JSON.parse(output).summary.error : result.exitCode;
process.exitCode = errors > 0 ? 1 : 0;
