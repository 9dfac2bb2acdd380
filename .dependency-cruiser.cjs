// The layer rules of docs/architecture.md, checked by `npm run deps` (scripts/layer-rules.mjs, part of `npm test`).
// Paths are relative to the directory it runs in: the repository root, or a fixture tree of
// test/tooling/layer-rules.test.ts. npm packages are matched by name: scripts/layer-rules.mjs says why.
// Type-only imports count: a layer that names another's types depends on it as surely as one that calls it.

/** Node's own modules and the npm packages (left unresolved, by name) are not layers. */
const NOT_LAYERS = { dependencyTypesNot: ['core', 'unknown'] };

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'bin-only-to-cli',
      comment:
        'bin/ starts the process and exits it; everything else happens in the CLI it loads (dist/, built from src/cli/). ' +
        'Reaching past the CLI into core, cloud or ui would make a second entry point that skips its wiring.',
      severity: 'error',
      from: { path: '^bin/' },
      to: { pathNot: ['^bin/', '^dist/', '^src/cli/'], ...NOT_LAYERS },
    },
    {
      name: 'only-bin-imports-cli',
      comment: 'The CLI is the top layer: parsing and wiring. Anything below that imports it would depend on flags and on the whole command tree.',
      severity: 'error',
      from: { pathNot: ['^bin/', '^src/cli/'] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-to-cloud-only-through-connect',
      comment:
        'The CLI builds the backends in one wiring module, src/cli/actions/connect.ts, so that one place decides how ' +
        'the Alibaba adapters are created and wrapped (and the libraries load only for commands that talk to PAI).',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: '^src/cli/actions/connect[.]ts$' },
      to: { path: '^src/cloud/' },
    },
    {
      name: 'connect-loads-cloud-lazily',
      comment:
        'The wiring module loads the adapters with import() (types aside): a static import would load the Alibaba ' +
        'libraries on every command, `--help` and `validate` included.',
      severity: 'error',
      from: { path: '^src/cli/actions/connect[.]ts$' },
      to: { path: '^src/cloud/', dependencyTypesNot: ['dynamic-import', 'type-only', 'type-import'] },
    },
    {
      name: 'cloud-only-to-core-ports',
      comment:
        'cloud/ implements the ports core declares (src/core/ports/): it may import those interfaces and nothing else of ' +
        'core, so that core decides and the adapters only translate.',
      severity: 'error',
      from: { path: '^src/cloud/' },
      to: { path: '^src/core/', pathNot: '^src/core/ports/' },
    },
    {
      name: 'cloud-not-to-cli-or-ui',
      comment: 'An adapter neither parses flags nor writes to the terminal: it reports through return values and errors.',
      severity: 'error',
      from: { path: '^src/cloud/' },
      to: { path: '^src/(cli|ui)/' },
    },
    {
      name: 'ui-not-to-cloud-or-cli',
      comment: "ui/ renders core's types; it never needs to know which cloud (or which command) produced them.",
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/(cloud|cli)/' },
    },
    {
      name: 'core-not-to-cli-ui-or-cloud',
      comment:
        'core/ decides: it is driven through its ports and reports through return values and events, so it can be ' +
        'tested with fakes and run under any front end. It imports no CLI, no terminal and no adapter.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(cli|ui|cloud)/' },
    },
    {
      name: 'alibaba-libraries-only-in-cloud',
      comment: 'The Alibaba SDKs (@alicloud/*, ali-oss) are what cloud/ adapts; anywhere else they would leak the vendor into the domain.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cloud/' },
      to: { path: '^(@alicloud/|ali-oss($|/))' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one in all but name: neither can be understood, tested or loaded without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The generated validator imports nothing of ours; leaving it out keeps the run fast.
    exclude: { path: '(^|/)src/core/config/job-config[.]validator[.]generated[.]ts$' },
    // Count `import type` too (see the top of this file).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
