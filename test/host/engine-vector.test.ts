/**
 * Array formulas over whole columns and long ranges (engine/vector.ts: evaluated once per distinct
 * value instead of cell by cell) give what HyperFormula gives: values, errors and number types of
 * every element, on random columns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawContent } from '../../src/offline/engine.ts';
import { SHEETS_ERRORS, twinEngines } from './twin.ts';

const ROWS = 600;


const status = fc.constantFrom<RawContent>('Won', 'won', 'Won ', 'Lost', 'Open', 'New', '', null, null, 'W*n', 3, true);
const amount = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom<RawContent>('7', 'x', null, true, 2.5) },
) as fc.Arbitrary<RawContent>;
const when = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 6000 }).map((k) => 45000 + k / 100) },
  { weight: 1, arbitrary: fc.constantFrom<RawContent>('3/31/2023', null, 'soon', '=DATE(2023,3,15)') },
) as fc.Arbitrary<RawContent>;
/** Cells edited after a first evaluation. */
const edits = fc.array(fc.oneof(
  fc.tuple(fc.nat(ROWS - 1), fc.constant(0), status),
  fc.tuple(fc.nat(ROWS - 1), fc.constant(1), amount),
  fc.tuple(fc.nat(ROWS - 1), fc.constant(2), when),
), { minLength: 1, maxLength: 6 }) as fc.Arbitrary<[number, number, RawContent][]>;
/** A few error cells here and there (one anywhere makes most aggregates an error). */
const errors = fc.array(fc.record({ row: fc.nat(ROWS - 1), col: fc.nat(2), value: fc.constantFrom<RawContent>('=NA()', '=1/0', '#REF!') }), { maxLength: 2 });

const FORMULAS = [
  '=SUMPRODUCT((Data!A:A="Won")*(Data!B:B>5))',
  '=SUMPRODUCT((Data!A1:A600<>"")*(Data!C1:C600>=45010)*(Data!C1:C600<45030.5))',
  '=MEDIAN(IF((Data!A:A="won")*(Data!C:C>=45010),Data!B:B))',
  '=IFERROR(MEDIAN(IF(ISNUMBER(Data!B:B)*(Data!A:A<>"Won"),Data!B:B)),"none")',
  '=MEDIAN(IF(Data!A1:A600="nobody",Data!B1:B600))',
  '=SUM(IFERROR(VLOOKUP(Data!A:A,$H$1:$I$4,2,FALSE),0))',
  '=SUM(IF(Data!A:A="Won",1,0))',
  '=SUM(IF(Data!A:A="Won",Data!B:B))',
  '=SUM(IFNA(MATCH(Data!A:A,{"Won";"Lost"},0),0))',
  '=SUMPRODUCT(--(Data!C1:C600>45020))',
  '=SUMPRODUCT((45020<=Data!C1:C600)*(45040>Data!C1:C600)*1)',
  '=SUMPRODUCT((Data!C1:C600=45020.5)+(Data!C1:C600<>45001))',
  '=SUMPRODUCT((Data!B1:B600>Data!C1:C600)*1)',
  '=MEDIAN(IF((IF((Data!A:A<>"")*(IFERROR(VLOOKUP(Data!A:A,$H$1:$I$4,2,FALSE),0)=0),0,IFERROR(VLOOKUP(Data!A:A,$H$1:$I$4,2,FALSE),0))>=2)*(Data!C:C>=$J$1),Data!B:B))',
  '=COUNT(IF(Data!B1:B600>=3,Data!B1:B600))',
  '=MEDIAN(IF(Data!A1:A600<>"zzz",Data!B1:B600))',
  '=MEDIAN(Data!B1:B600*1)',
  '=MEDIAN(IF(Data!A1:A600<>"zzz",Data!C1:C600))',
  // YEAR and MONTH of each date (computed by the engine itself from serial 61 on), summed.
  '=SUM(IF(ISNUMBER(Data!C:C),(YEAR(Data!C:C)-2000)*12+MONTH(Data!C:C),0))',
  '=SUM(IFERROR(YEAR(Data!B:B)*100+MONTH(Data!B:B),0))',
];
/** Spilled results: every element is compared, with its number type (a date stays a date). */
const SPILLS = ['=Data!B1:B600*2', '=IF(Data!C1:C600>45010,Data!C1:C600,"")', '=-Data!B1:B600', '=Data!A1:A600&"x"', '=(Data!B1:B600>3)*(Data!B1:B600<10)',
  '=IFERROR(Data!B1:B600/Data!B1:B600,"zero")', '=ISNUMBER(Data!C1:C600)', '=Data!C1:C600+1', '=ROUND(Data!C1:C600,0)',
  // Asked once per kind of value (engine/vector.ts BY_KIND): text, numbers, dates, booleans, empties and errors.
  '=ISTEXT(Data!A1:A600)', '=ISBLANK(Data!A1:A600)', '=ISNONTEXT(Data!B1:B600)', '=ISLOGICAL(Data!A1:A600)', '=ISNUMBER(Data!A1:A600)',
  '=ISERROR(Data!B1:B600/Data!B1:B600)', '=ISERR(Data!C1:C600)', '=ISNA(Data!A1:A600)'];

function compareAll(rows: RawContent[][], edits: [number, number, RawContent][]): void {
  const { engine, hf, sheets: [data, out], write } = twinEngines('Data', 'Out');
  const table: RawContent[][] = [['Won', 3], ['won ', 1], ['Lost', '=1/0'], ['Open', 2]];
  const full = rows.map((r, i) => [...r, null, null, null, null, ...(table[i] ?? [null, null]), i === 0 ? 45015 : null]);
  write(data, 0, 0, full);
  const formulas = FORMULAS.map((f) => [f.replace(/\$H\$1:\$I\$4/g, 'Data!$H$1:$I$4').replace(/\$J\$1/g, 'Data!$J$1')]);
  write(out, 0, 0, formulas);
  SPILLS.forEach((f, k) => write(out, 0, 2 + k, [[f]]));
  const code = (v: unknown) => (v !== null && typeof v === 'object' ? (v as { code?: string; type?: string }).code ?? `#${(v as { type: string }).type}` : v);
  const raw = (r: number, c: number) => {
    const v = code(hf.getCellValue({ sheet: 1, row: r, col: c }));
    return typeof v === 'string' ? SHEETS_ERRORS[v] ?? v : v;
  };
  const check = (when: string) => FORMULAS.forEach((f, r) => expect(code(engine.getValue(out, r, 0)), `${f} ${when}`).toEqual(raw(r, 0)));
  check('');
  // Cells edited: cached columns and comparisons follow.
  for (const [row, col, value] of edits) write(data, row, col, [[value]]);
  check('after edits');
  SPILLS.forEach((f, k) => {
    const got = engine.getValues(out, 0, 2 + k, ROWS, 1).map(([v]) => code(v));
    const want = Array.from({ length: ROWS }, (_, r) => raw(r, 2 + k));
    expect(got, f).toEqual(want);
    const kinds = Array.from({ length: ROWS }, (_, r) => engine.numberKind(out, r, 2 + k));
    const rawKinds = Array.from({ length: ROWS }, (_, r) => hf.getCellValueDetailedType({ sheet: 1, row: r, col: 2 + k }));
    const KIND: Record<string, string> = { NUMBER_DATE: 'date', NUMBER_DATETIME: 'datetime', NUMBER_TIME: 'time', NUMBER_PERCENT: 'percent', NUMBER_CURRENCY: 'currency' };
    expect(kinds, `${f} number types`).toEqual(rawKinds.map((t) => KIND[t] ?? 'number'));
  });
  expect(engine.columns.stats.vectorNodes, 'the array formulas went through the dictionary evaluation').toBeGreaterThan(FORMULAS.length);
}

describe('array formulas over whole columns, by distinct values', () => {
  it('equal HyperFormula\'s values, errors and number types on random columns', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(status, amount, when), { minLength: ROWS, maxLength: ROWS }), errors, edits, (rows, errs, changes) => {
        const data: RawContent[][] = rows.map((r) => [...r]);
        for (const e of errs) data[e.row][e.col] = e.value;
        compareAll(data, changes);
      }),
      { numRuns: 16 },
    );
  });
});
