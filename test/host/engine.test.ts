/** The HyperFormula wrapper on its own: Sheets-compatible configuration, plugins and bulk rebuilds. */
import { describe, expect, it } from 'vitest';
import { EngineError, FormulaEngine, TypedNumber, exactlyOneCharacterWildcards } from '../../src/offline/engine.ts';

describe('FormulaEngine', () => {
  it('reads error cells as Sheets codes with tooltips; HyperFormula\'s #CYCLE! reads as #REF!', () => {
    const e = new FormulaEngine();
    const s = e.addSheet('S');
    e.setContents(s, 0, 0, [['=B1', '=A1', '=SUM(', '=1/0']]);
    expect(e.getValues(s, 0, 0, 1, 4)).toEqual([[
      new EngineError('#REF!', 'Circular dependency detected. To resolve with iterative calculation, see File > Settings.'),
      new EngineError('#REF!', 'Circular dependency detected. To resolve with iterative calculation, see File > Settings.'),
      new EngineError('#ERROR!', 'Formula parse error.'),
      new EngineError('#DIV/0!', 'Function DIVIDE parameter 2 cannot be zero.'),
    ]]);
  });

  it('types DATE() results as dates and parses typed US dates', () => {
    const e = new FormulaEngine();
    const s = e.addSheet('S');
    e.setContents(s, 0, 0, [['=DATE(2026,3,31)', '3/31/2026', '2026-03-31 23:30', 46112]]);
    const [[a, b, c, d]] = e.getValues(s, 0, 0, 1, 4) as number[][];
    expect([a, b, d]).toEqual([46112, 46112, 46112]);
    expect(c).toBeCloseTo(46112 + 23.5 / 24, 9);
    expect([0, 1, 2, 3].map((c) => e.numberKind(s, 0, c))).toEqual(['date', 'date', 'datetime', 'number']);
  });

  it('custom functions: called with typed arguments, results sized to fit, thrown errors as #ERROR!', () => {
    const e = new FormulaEngine();
    const s = e.addSheet('S');
    e.setContents(s, 0, 0, [[2, '=DATE(2026,1,1)']]);
    const seen: unknown[] = [];
    e.registerFunctions({
      GRID: (args) => {
        seen.push(args);
        const n = (args[0] as { value: number }).value;
        if (n < 0) throw new Error('negative');
        return Array.from({ length: n }, (_, i) => [i, new TypedNumber(46000 + i, 'date')]);
      },
    });
    e.setContents(s, 2, 0, [['=GRID(A1)']]);
    expect(e.getValues(s, 2, 0, 3, 2)).toEqual([[0, 46000], [1, 46001], [null, null]]);
    expect(e.numberKind(s, 3, 1)).toBe('date');
    expect(seen).toEqual([[{ kind: 'cell', sheet: s, row: 0, col: 0, value: 2 }]]);
    e.setContents(s, 0, 0, [[-1]]);
    expect(e.getValue(s, 2, 0)).toEqual(new EngineError('#ERROR!', 'negative'));
    expect(e.getValue(s, 3, 0)).toBeNull();
  });

  it('a large write rebuilds the workbook keeping sheet ids, named expressions and custom functions', () => {
    const e = new FormulaEngine();
    const removed = e.addSheet('Removed');
    const data = e.addSheet('Data');
    const out = e.addSheet('Out');
    e.registerFunctions({ HALF: (args) => ((args[0] as { value: number }).value / 2) });
    e.removeSheet(removed);
    e.setNamedRange('Amounts', 'Data!$A$1:$A$50000');
    e.setContents(out, 0, 0, [['=SUM(Amounts)', '=HALF(B2)', '=TRUE'], [null, 10, null]]);
    e.setContents(data, 0, 0, Array.from({ length: 50_000 }, () => [1]));
    expect(e.hf.getSheetId('Data')).toBe(data);
    expect(e.hf.getSheetId('Out')).toBe(out);
    expect(e.getValues(out, 0, 0, 1, 3)).toEqual([[50_000, 5, true]]);
  });

  it('"?" matches exactly one character (HyperFormula alone matches zero or one)', () => {
    expect(exactlyOneCharacterWildcards('^(.?e.*)$')).toBe('^(.e.*)$');
    expect(exactlyOneCharacterWildcards('^(a\\.?b)$')).toBe('^(a\\.?b)$');
    const e = new FormulaEngine();
    const s = e.addSheet('S');
    e.setContents(s, 0, 0, [['Eve', '=COUNTIF(A1:A2,"?e*")', '=VLOOKUP("?ee",A1:A2,1,FALSE)', '=VLOOKUP("?Dee",A1:A2,1,FALSE)'], ['Dee']]);
    expect(e.getValues(s, 0, 1, 1, 3)).toEqual([[1, 'Dee', new EngineError('#N/A', 'Value not found.')]]);
  });

  it('refuses a custom function named like a built-in', () => {
    expect(() => new FormulaEngine().registerFunctions({ SUM: () => 1 })).toThrow('Custom function SUM has the name of a built-in function');
  });
});
