// What a mutation run left, from Stryker's JSON report: `npx tsx scripts/mutation-survivors.ts [report.json]`
// (default reports/mutation/mutation.json, written by `npm run mutation`). Prints the score per file as a
// Markdown table, then every mutant that survived or that no test reached, a line each, grouped by file: the
// list docs/testing.md keeps, each line to be given its reason there.
// The score is Stryker's: detected (killed or timed out) over valid mutants (all but compile and runtime errors
// and ignored ones). The report's format is the mutation-testing-report-schema.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Status = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: Status;
  location: { start: { line: number; column: number } };
}

export interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

export interface FileScore {
  file: string;
  detected: number;
  survived: number;
  noCoverage: number;
  invalid: number;
  score: number;
}

const DETECTED: ReadonlySet<Status> = new Set(['Killed', 'Timeout']);
const UNDETECTED: ReadonlySet<Status> = new Set(['Survived', 'NoCoverage']);

function scoreOf(file: string, mutants: readonly Mutant[]): FileScore {
  const count = (pick: (status: Status) => boolean) => mutants.filter((m) => pick(m.status)).length;
  const detected = count((s) => DETECTED.has(s));
  const survived = count((s) => s === 'Survived');
  const noCoverage = count((s) => s === 'NoCoverage');
  const valid = detected + survived + noCoverage;
  return {
    file,
    detected,
    survived,
    noCoverage,
    invalid: mutants.length - valid,
    score: valid === 0 ? 100 : (100 * detected) / valid,
  };
}

/** The score of each file (sorted by path) and of all of them together, last. */
export function scores(report: Report): FileScore[] {
  const files = Object.keys(report.files).sort();
  const perFile = files.map((file) => scoreOf(file, report.files[file]?.mutants ?? []));
  const all = scoreOf(
    'all',
    files.flatMap((file) => report.files[file]?.mutants ?? []),
  );
  return [...perFile, all];
}

/** Every mutant no test detected, by file and then by position: `- 42: Mutator \`replacement\` (Survived)`. */
export function survivors(report: Report): string[] {
  const out: string[] = [];
  for (const file of Object.keys(report.files).sort()) {
    const left = (report.files[file]?.mutants ?? [])
      .filter((m) => UNDETECTED.has(m.status))
      .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    if (left.length === 0) continue;
    out.push('', `**${file}**`, '');
    for (const m of left) {
      // One line per mutant: a replacement spanning lines is shown up to 80 characters of its first lines.
      const shown = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
      out.push(`- ${m.location.start.line}: ${m.mutatorName} \`${shown}\` (${m.status})`);
    }
  }
  return out;
}

export function render(report: Report): string {
  const rows = scores(report).map((s) => `| ${s.file} | ${s.detected} | ${s.survived} | ${s.noCoverage} | ${s.score.toFixed(1)}% |`);
  return ['| file | detected | survived | no coverage | score |', '| --- | --- | --- | --- | --- |', ...rows, ...survivors(report)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = process.argv[2] ?? 'reports/mutation/mutation.json';
  process.stdout.write(`${render(JSON.parse(readFileSync(path, 'utf8')) as Report)}\n`);
}
