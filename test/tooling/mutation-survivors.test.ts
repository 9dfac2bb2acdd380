import { describe, expect, it } from 'vitest';
import { type Report, render, scores, survivors } from '../../scripts/mutation-survivors.js';

const at = (line: number, column = 1) => ({ start: { line, column } });

// Two files as Stryker's JSON report has them: every status once, in no particular order.
const REPORT: Report = {
  files: {
    'src/core/b.ts': {
      mutants: [
        { mutatorName: 'BooleanLiteral', replacement: 'false', status: 'Survived', location: at(9) },
        { mutatorName: 'ConditionalExpression', replacement: 'true', status: 'Killed', location: at(3) },
        { mutatorName: 'BlockStatement', replacement: '{\n  }', status: 'NoCoverage', location: at(4, 7) },
        { mutatorName: 'EqualityOperator', replacement: 'a >= b', status: 'Survived', location: at(4, 2) },
      ],
    },
    'src/core/a.ts': {
      mutants: [
        { mutatorName: 'ArithmeticOperator', replacement: 'a - b', status: 'Timeout', location: at(1) },
        { mutatorName: 'ObjectLiteral', replacement: '{}', status: 'CompileError', location: at(2) },
        { mutatorName: 'ArrayDeclaration', replacement: '[]', status: 'Ignored', location: at(5) },
        { mutatorName: 'LogicalOperator', replacement: 'a || b', status: 'Killed', location: at(6) },
      ],
    },
  },
};

describe('scripts/mutation-survivors.ts', () => {
  it('scores each file as detected (killed or timed out) over valid mutants, errors and ignored ones left out', () => {
    expect(scores(REPORT)).toEqual([
      { file: 'src/core/a.ts', detected: 2, survived: 0, noCoverage: 0, invalid: 2, score: 100 },
      { file: 'src/core/b.ts', detected: 1, survived: 2, noCoverage: 1, invalid: 0, score: 25 },
      { file: 'all', detected: 3, survived: 2, noCoverage: 1, invalid: 2, score: 50 },
    ]);
  });

  it('lists each undetected mutant once, by file and then by position, on one line', () => {
    expect(survivors(REPORT)).toEqual([
      '',
      '**src/core/b.ts**',
      '',
      '- 4: EqualityOperator `a >= b` (Survived)',
      '- 4: BlockStatement `{ }` (NoCoverage)',
      '- 9: BooleanLiteral `false` (Survived)',
    ]);
  });

  it('prints the table before the list', () => {
    const text = render(REPORT);
    expect(text.indexOf('| all | 3 | 2 | 1 | 50.0% |')).toBeGreaterThan(0);
    expect(text.indexOf('| all |')).toBeLessThan(text.indexOf('**src/core/b.ts**'));
  });
});
