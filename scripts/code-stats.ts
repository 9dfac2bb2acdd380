// Figures about the code, for before/after notes on refactors: `npx tsx scripts/code-stats.ts [--json]`, run from
// the root of the tree to measure.
// - files and lines per layer (bin/, src/cli, src/core, src/cloud, src/ui; the generated validator left out);
// - the 10 longest functions (declarations, methods, and function expressions or arrow functions given a name);
// - the places that build a retry wrapper: calls of withRetry( outside the file that defines it;
// - the direct clock reads in src/: Date.now(), new Date() without arguments, performance.now();
// - the import cycles, as the layer rules report them (scripts/layer-rules.mjs, rule no-circular).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const GENERATED = 'src/core/config/job-config.validator.generated.ts';
const LAYERS = ['bin', 'src/cli', 'src/core', 'src/cloud', 'src/ui'] as const;
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return CODE.test(name) && path !== GENERATED ? [path] : [];
  });
}

function lineCount(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

interface FunctionSize {
  name: string;
  file: string;
  line: number;
  lines: number;
}

/** The name a function goes by: its own, or that of the variable, property or class member it is assigned to. */
function functionName(node: ts.Node, source: ts.SourceFile): string | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name) {
    const owner = node.parent && ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
    return owner + node.name.getText(source);
  }
  if (ts.isConstructorDeclaration(node)) {
    return node.parent.name ? `${node.parent.name.text}.constructor` : 'constructor';
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return parent.left.getText(source);
  }
  return undefined;
}

interface FileFacts {
  functions: FunctionSize[];
  retryCalls: number;
  definesWithRetry: boolean;
  clockReads: number;
}

function factsOf(file: string): FileFacts {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const facts: FileFacts = { functions: [], retryCalls: 0, definesWithRetry: false, clockReads: 0 };
  const calleeText = (e: ts.Expression) => e.getText(source).replace(/\s+/g, '');
  const visit = (node: ts.Node): void => {
    const name = functionName(node, source);
    if (name !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      facts.functions.push({ name, file, line: start + 1, lines: end - start + 1 });
    }
    if (ts.isFunctionDeclaration(node) && node.name?.text === 'withRetry') facts.definesWithRetry = true;
    if (ts.isCallExpression(node)) {
      const callee = calleeText(node.expression);
      if (callee === 'withRetry') facts.retryCalls += 1;
      if (callee === 'Date.now' || callee === 'performance.now') facts.clockReads += 1;
    }
    if (ts.isNewExpression(node) && calleeText(node.expression) === 'Date' && (node.arguments?.length ?? 0) === 0) facts.clockReads += 1;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return facts;
}

/** The cycles that scripts/layer-rules.mjs reports (rule no-circular), each as the list of its modules. */
function importCycles(): string[][] {
  const script = fileURLToPath(new URL('./layer-rules.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script, '--json', 'src', 'bin'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error || !run.stdout) throw new Error(`${relative(process.cwd(), script)} failed: ${run.error?.message ?? run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: { from: string; rule: { name: string }; cycle?: { name: string }[] }[] } };
  return result.summary.violations.filter((v) => v.rule.name === 'no-circular').map((v) => [v.from, ...(v.cycle ?? []).map((c) => c.name)]);
}

const layers = LAYERS.map((layer) => {
  const files = filesUnder(layer);
  return { layer, files: files.length, lines: files.reduce((sum, f) => sum + lineCount(readFileSync(f, 'utf8')), 0) };
});
const all = filesUnder('src').concat(filesUnder('bin'));
const facts = all.map(factsOf);
const longest = facts
  .flatMap((f) => f.functions)
  .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file))
  .slice(0, 10);
const retryWrappers = facts.filter((f) => !f.definesWithRetry).reduce((sum, f) => sum + f.retryCalls, 0);
const clockReads = facts.reduce((sum, f) => sum + f.clockReads, 0);
const clockFiles = all.filter((_, i) => (facts[i]?.clockReads ?? 0) > 0);
const cycles = importCycles();

const stats = { layers, longestFunctions: longest, retryWrappers, clockReads, clockFiles, importCycles: cycles.length, cycles };
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
} else {
  const out: string[] = ['files and lines per layer:'];
  for (const l of layers) out.push(`  ${l.layer.padEnd(10)} ${String(l.files).padStart(4)} files ${String(l.lines).padStart(6)} lines`);
  out.push(
    `  ${'total'.padEnd(10)} ${String(layers.reduce((s, l) => s + l.files, 0)).padStart(4)} files ${String(layers.reduce((s, l) => s + l.lines, 0)).padStart(6)} lines`,
  );
  out.push('the 10 longest functions:');
  for (const f of longest) out.push(`  ${String(f.lines).padStart(4)} lines  ${f.name}  ${f.file}:${f.line}`);
  out.push(`withRetry( calls outside its definition: ${retryWrappers}`);
  out.push(`direct clock reads (Date.now, new Date(), performance.now): ${clockReads} in ${clockFiles.length} files`);
  out.push(`import cycles: ${cycles.length}`);
  for (const c of cycles) out.push(`  ${c.join(' -> ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
