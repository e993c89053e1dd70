/**
 * The engine's COUNTIF, COUNTIFS, SUMIF and SUMIFS (cached match masks, engine/criteria.ts) give
 * what HyperFormula's own give, on random columns (text with case, space and wildcard variants,
 * numbers, dates, text numbers, booleans, blanks, errors, formulas) and random criteria of every
 * form LeadFlow and users write, before and after cells are edited.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormulaEngine } from '../../src/offline/engine.ts';
import type { RawContent } from '../../src/offline/engine.ts';
import { SHEETS_ERRORS, twinEngines } from './twin.ts';

const ROWS = 24;


const texts = ['Won', 'won', 'WON', ' Won', 'Won ', 'Closed Won', 'closed  won', 'W*n', 'W?n', 'W~n', 'Wn', 'Woon', '*', '?', '~', 'é', 'e', 'Open', ''];
const cell = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...texts) },
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 2.5, -3, 5, 45000, 45000.5, 45001, 45716.25) },
  { weight: 1, arbitrary: fc.constantFrom('5', '05', '5.0', '45000', 'TRUE', 'false') },
  { weight: 1, arbitrary: fc.constantFrom('3/31/2026', '2025-01-15', '3/1/2025') },
  { weight: 1, arbitrary: fc.constantFrom(true, false) },
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom('=1/0', '=NA()', '=""', '="Won"', '=2+3') },
) as fc.Arbitrary<RawContent>;

const criterion = fc.oneof(
  fc.constantFrom('"=Won"', '"Won"', '"won"', '"= Won"', '"=Closed Won"', '""', '"<>"', '"<>Won"', '"<> Won"', '"=W~*n"', '"W*"', '"*n"', '"?on"', '"W?n"',
    '"~*"', '"~?"', '"W~~n"', '"*"', '"?"', '"=é"', '"=e"', '"=5"', '"5"', '">5"', '">=2"', '"<2.5"', '"<=0"', '"<>5"', '">=45000"', '"<45001"',
    '">="&DATE(2023,3,15)', '"<"&(DATE(2023,3,15)+1)', '">="&45000.5', 'TRUE', 'FALSE', '5', '0', '45000', '"TRUE"', '"=false"', '"<abc"', '">"'),
  fc.constant('$H$1'),
);

interface Case {
  columns: RawContent[][];
  formulas: string[];
  edits: { row: number; col: number; value: RawContent }[];
}

/** A column as a range, a whole column, or an open-ended range (plain HyperFormula gets the latter closed at row 1000, as the engine bounds it). */
const ranges = (col: string) => [`Data!${col}1:${col}${ROWS}`, `Data!$${col}$1:$${col}$${ROWS}`, `Data!${col}:${col}`, `'Data'!$${col}:$${col}`, `Data!${col}1:${col}`];
const closeOpenRanges = (f: string) => f.replace(/(Data!\$?[A-C]\$?\d+:\$?[A-C])(?=[,)])/g, '$11000');

const formula = fc.oneof(
  fc.tuple(fc.constantFrom('A', 'B', 'C'), criterion, fc.nat(4)).map(([c, k, r]) => `=COUNTIF(${ranges(c)[r]},${k})`),
  fc.tuple(fc.constantFrom('A', 'B'), criterion, fc.constantFrom('A', 'B'), criterion, fc.nat(4)).map(([c1, k1, c2, k2, r]) =>
    `=COUNTIFS(${ranges(c1)[r]},${k1},${ranges(c2)[r]},${k2})`),
  fc.tuple(fc.constantFrom('A', 'B'), criterion, fc.nat(4)).map(([c, k, r]) => `=SUMIF(${ranges(c)[r]},${k},${ranges('C')[r]})`),
  fc.tuple(fc.constantFrom('A', 'B'), criterion, fc.nat(4)).map(([c, k, r]) => `=SUMIF(${ranges(c)[r]},${k})`),
  fc.tuple(criterion, criterion, fc.nat(4)).map(([k1, k2, r]) => `=SUMIFS(${ranges('C')[r]},${ranges('A')[r]},${k1},${ranges('B')[r]},${k2})`),
  // Shapes HyperFormula itself decides: ranges of different sizes, a 2-D range, ranges starting on other rows.
  fc.constantFrom('=COUNTIFS(Data!A1:A10,"Won",Data!B1:B11,"<>")', '=COUNTIF(Data!A1:B10,"Won")', '=COUNTIFS(Data!A1:A10,"<>",Data!B2:B11,"<>")',
    '=SUMIF(Data!A1:A10,"Won",Data!C2:C11)', '=COUNTIF(Data!A1,"Won")', '=COUNTIF({1,2,3},">1")', '=SUMIFS(Data!C:C,Data!A1:A,"<>")'),
);

const arbitraryCase: fc.Arbitrary<Case> = fc.record({
  columns: fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: ROWS, maxLength: ROWS }),
  formulas: fc.array(formula, { minLength: 1, maxLength: 8 }),
  edits: fc.array(fc.record({ row: fc.nat(ROWS + 2), col: fc.nat(2), value: cell }), { maxLength: 4 }),
});

/** The formulas' values in the engine and in plain HyperFormula, on the same data (H1 holds a criterion too). */
function both(c: Case, criterionCell: RawContent): { engine: unknown[]; raw: unknown[] } {
  const { engine, hf, sheets: [data, out], write } = twinEngines('Data', 'Out');
  write(data, 0, 0, c.columns.map((r) => [...r, null, null, null, null, r === c.columns[0] ? criterionCell : null]));
  write(out, 0, 0, c.formulas.map((f) => [f.replace(/\$H\$1/g, 'Data!$H$1')]), (f) => closeOpenRanges(String(f)));
  const read = () => ({
    engine: c.formulas.map((_f, r) => engine.getValue(out, r, 0)),
    raw: c.formulas.map((_f, r) => {
      const v = hf.getCellValue({ sheet: 1, row: r, col: 0 });
      return v !== null && typeof v === 'object' ? `#${(v as { type: string }).type}` : v;
    }),
  });
  const first = read();
  for (const e of c.edits) write(data, e.row, e.col, [[e.value]]);
  const second = read();
  const norm = (vs: unknown[]) => vs.map((v) => (v !== null && typeof v === 'object' ? (v as { code: string }).code : v));
  return { engine: [...norm(first.engine), ...norm(second.engine)], raw: [...first.raw, ...second.raw].map((v) => (typeof v === 'string' && v.startsWith('#') ? SHEETS_ERRORS[v] ?? v : v)) };
}

describe('COUNTIF, COUNTIFS, SUMIF, SUMIFS from cached masks', () => {
  it('equal HyperFormula\'s own on random columns and criteria, before and after edits', () => {
    fc.assert(
      fc.property(arbitraryCase, fc.constantFrom<RawContent>('Won', '>2', '', 5, true, '<>', 'W*'), (c, h) => {
        const { engine, raw } = both(c, h);
        expect(engine).toEqual(raw);
      }),
      { numRuns: 250 },
    );
  });

  it('answer from the cache: a column is read once for many formulas, and an edit patches it', () => {
    const engine = new FormulaEngine();
    const data = engine.addSheet('Data');
    const out = engine.addSheet('Out');
    const statuses = ['New', 'Won', 'Lost', 'won '];
    engine.setContents(data, 0, 0, Array.from({ length: 5000 }, (_, i) => [statuses[i % 4], 45000 + (i % 90), i % 7]));
    const periods = Array.from({ length: 30 }, (_, d) => [`=COUNTIFS(Data!$A:$A,"=Won",Data!$B:$B,">="&${45000 + d},Data!$B:$B,"<"&${45001 + d})`,
      `=SUMIFS(Data!$C:$C,Data!$A:$A,"won",Data!$B:$B,">="&${45000 + d})`]);
    engine.setContents(out, 0, 0, periods);
    const count = (d: number) => Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 4 === 1 && 45000 + (i % 90) === 45000 + d).length;
    expect(engine.getValue(out, 3, 0)).toBe(count(3));
    const reads = engine.columns.stats.columnReads;
    expect(reads).toBeLessThanOrEqual(3);
    engine.setContents(data, 3, 0, [['WON']]); // row 3: day 3, was "New"
    expect(engine.getValue(out, 3, 0)).toBe(count(3) + 1);
    expect(engine.columns.stats.columnReads).toBe(reads);
    expect(engine.columns.stats.criteriaFallback).toBe(0);
  });

  it('follow cells a spilled array fills or leaves when a value blocks it or is cleared, as HyperFormula does', () => {
    const { engine, hf, sheets: [s, out], write } = twinEngines('S', 'Out');
    const compare = () => {
      const raw = hf.getRangeValues({ start: { sheet: out, row: 0, col: 0 }, end: { sheet: out, row: 0, col: 2 } })[0];
      expect(engine.getValues(out, 0, 0, 1, 3)[0]).toEqual(raw);
    };
    write(s, 0, 0, [[1, '=A1:A5*2'], [2], [3], [4], [5]]);
    write(out, 0, 0, [['=COUNTIF(S!B:B,">2")', '=SUMIF(S!B:B,">0")', '=COUNTIFS(S!B1:B5,"<>")']]);
    expect(engine.getValues(out, 0, 0, 1, 3)).toEqual([[4, 30, 5]]);
    write(s, 2, 1, [['block']]);
    compare();
    write(s, 2, 1, [[null]]); // (HyperFormula leaves the array blocked)
    compare();
    write(s, 0, 1, [['=A1:A4*3']]);
    compare();
    write(s, 3, 0, [[40]]);
    compare();
    expect(engine.getValues(out, 0, 0, 1, 3)).toEqual([[4, 138, 4]]);
  });
});
