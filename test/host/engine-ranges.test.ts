/**
 * Whole-column ("$G:$G") and open-ended ("G2:G") references are given to HyperFormula as internal
 * names (engine/names.ts); for the user nothing changes: formulas read as typed, follow rows added
 * later, move with inserted and deleted rows and columns, fill as Sheets fills them.
 */
import { describe, expect, it } from 'vitest';
import { EngineError, FormulaEngine } from '../../src/offline/engine.ts';
import type { RawContent } from '../../src/offline/engine.ts';

function workbook() {
  const e = new FormulaEngine();
  const data = e.addSheet('Leads');
  const out = e.addSheet('Out');
  const rows: RawContent[][] = [['Status', 'Amount'], ['Won', 10], ['won', 5], ['Lost', 7], [null, 1]];
  e.setContents(data, 0, 0, rows);
  return { e, data, out };
}

describe('whole-column and open-ended references', () => {
  it('read back exactly as typed, and never show the internal names', () => {
    const { e, out } = workbook();
    const typed = [
      `=COUNTIFS('Leads'!$A:$A,"=Won",'Leads'!$B:$B,">="&DATE(2025,3,1))`,
      '=countif(Leads!a:a,  "won")',
      '=SUM(Leads!B2:B)+SUM(Leads!$B$2:$B)',
      '=SUMIF(Leads!A2:A,"<>",Leads!B2:B)',
      '=IF(A7="","",COUNTA(Leads!A:B))',
      '="A:A and B2:B stay text: "&COUNTA(Leads!A:A)',
    ];
    e.setContents(out, 0, 0, typed.map((f) => [f]));
    expect(e.getFormulas(out, 0, 0, typed.length, 1).map(([f]) => f)).toEqual(typed);
    typed.forEach((f, r) => expect(e.getFormula(out, r, 0)).toBe(f));
    expect(e.getValues(out, 0, 0, typed.length, 1)).toEqual([[0], [2], [46], [22], [''], ['A:A and B2:B stay text: 4']]);
  });

  it('follow rows written later, past any bound (whole columns and open-ended ranges)', () => {
    const { e, data, out } = workbook();
    e.setContents(out, 0, 0, [['=COUNTIF(Leads!A:A,"won")', '=SUM(Leads!B2:B)', '=COUNTA(Leads!A2:A)', '=ROWS(Leads!A2:A)']]);
    // (An open-ended range reads down to a bound past the data: row 1,000 at least, as a new sheet's grid.)
    expect(e.getValues(out, 0, 0, 1, 4)).toEqual([[2, 23, 3, 999]]);
    e.setContents(data, 5, 0, Array.from({ length: 2995 }, (_, i) => [i % 2 ? 'Won' : 'Lost', 1]));
    expect(e.getValues(out, 0, 0, 1, 3)).toEqual([[2 + 1497, 23 + 2995, 3 + 2995]]);
    e.setContents(data, 9999, 0, [['WON', 100]]);
    expect(e.getValues(out, 0, 0, 1, 3)).toEqual([[2 + 1498, 23 + 2995 + 100, 3 + 2996]]);
    expect(e.getFormula(out, 0, 1)).toBe('=SUM(Leads!B2:B)');
  });

  it('an open-ended range below a formula is no cycle; a whole column holding the formula is', () => {
    const e = new FormulaEngine();
    const s = e.addSheet('S');
    e.setContents(s, 0, 0, [['=SUM(A2:A)', '=SUM(B:B)'], [1, 1], [2, 2]]);
    expect(e.getValue(s, 0, 0)).toBe(3);
    expect(e.getValue(s, 0, 1)).toBeInstanceOf(EngineError);
    expect((e.getValue(s, 0, 1) as EngineError).code).toBe('#REF!');
  });

  it('move with inserted and deleted rows and columns, keeping their typed style', () => {
    const { e, data, out } = workbook();
    e.setContents(out, 2, 1, [[`=COUNTIF('Leads'!$A:$A,"won")+SUM(Leads!B3:B)`]]);
    expect(e.getValue(out, 2, 1)).toBe(2 + 13);
    e.insertColumns(data, 0, 1); // Status now in B, Amount in C
    expect(e.getFormula(out, 2, 1)).toBe(`=COUNTIF('Leads'!$B:$B,"won")+SUM(Leads!C3:C)`);
    expect(e.getValue(out, 2, 1)).toBe(15);
    e.insertRows(data, 1, 2); // two rows above the data: B3:B becomes C5:C
    expect(e.getFormula(out, 2, 1)).toBe(`=COUNTIF('Leads'!$B:$B,"won")+SUM(Leads!C5:C)`);
    expect(e.getValue(out, 2, 1)).toBe(15);
    e.insertRows(out, 0, 1); // the formula's own row moves
    expect(e.getFormula(out, 3, 1)).toBe(`=COUNTIF('Leads'!$B:$B,"won")+SUM(Leads!C5:C)`);
    expect(e.getFormula(out, 2, 1)).toBe('');
    e.setContents(data, 10, 1, [['Won', 50]]);
    expect(e.getValue(out, 3, 1)).toBe(3 + 63);
    e.deleteColumns(data, 0, 1);
    expect(e.getFormula(out, 3, 1)).toBe(`=COUNTIF('Leads'!$A:$A,"won")+SUM(Leads!B5:B)`);
    expect(e.getValue(out, 3, 1)).toBe(66);
    e.deleteColumns(data, 0, 1);
    expect(e.getFormula(out, 3, 1)).toBe('=COUNTIF(#REF!,"won")+SUM(Leads!A5:A)');
    expect((e.getValue(out, 3, 1) as EngineError).code).toBe('#REF!');
  });

  it('follow a renamed sheet; a removed sheet leaves #REF!', () => {
    const { e, data, out } = workbook();
    e.setContents(out, 0, 0, [[`=COUNTIF('Leads'!$A:$A,"won")`, '=SUM(Leads!B2:B)']]);
    e.renameSheet(data, 'All leads');
    expect(e.getFormulas(out, 0, 0, 1, 2)).toEqual([[`=COUNTIF('All leads'!$A:$A,"won")`, `=SUM('All leads'!B2:B)`]]);
    expect(e.getValues(out, 0, 0, 1, 2)).toEqual([[2, 23]]);
    e.removeSheet(data);
    expect(e.getValues(out, 0, 0, 1, 2).flat().map((v) => (v as EngineError).code)).toEqual(['#REF!', '#REF!']);
    expect(e.getFormula(out, 0, 0)).not.toContain('_LF_');
  });

  it('fill like Sheets: relative columns and rows move, absolute ones stay, open ends stay open', () => {
    const { e, out } = workbook();
    e.setContents(out, 0, 0, [['=COUNTA(Leads!A:A)+SUM(Leads!$B2:B)']]);
    e.fill(out, 0, 0, 2, 2);
    expect(e.getFormulas(out, 0, 0, 2, 2)).toEqual([
      ['=COUNTA(Leads!A:A)+SUM(Leads!$B2:B)', '=COUNTA(Leads!B:B)+SUM(Leads!$B2:C)'],
      ['=COUNTA(Leads!A:A)+SUM(Leads!$B3:B)', '=COUNTA(Leads!B:B)+SUM(Leads!$B3:C)'],
    ]);
    expect(e.getValues(out, 0, 0, 2, 2)).toEqual([[4 + 23, 5 + 23], [4 + 13, 5 + 13]]);
  });

  it('survive a large write (the workbook is rebuilt) and registering functions (HyperFormula is reconfigured)', () => {
    const { e, data, out } = workbook();
    e.setContents(out, 0, 0, [[`=COUNTIF('Leads'!$A:$A,"won")`, '=SUM(Leads!B2:B)', '=DOUBLE(Leads!B2:B)']]);
    e.registerFunctions({ DOUBLE: (args) => (args[0] as { values: unknown[][] }).values.flat().filter((v) => typeof v === 'number').length * 2 });
    expect(e.getValues(out, 0, 0, 1, 3)).toEqual([[2, 23, 8]]);
    e.setContents(data, 0, 0, Array.from({ length: 30_000 }, (_, i) => [i % 3 ? 'Won' : 'x', 1]));
    expect(e.getValues(out, 0, 0, 1, 3)).toEqual([[20_000, 29_999, 2 * 29_999]]);
    expect(e.getFormulas(out, 0, 0, 1, 3)).toEqual([[`=COUNTIF('Leads'!$A:$A,"won")`, '=SUM(Leads!B2:B)', '=DOUBLE(Leads!B2:B)']]);
  });

  it('a user\'s named range beside them is left alone', () => {
    const { e, out } = workbook();
    expect(e.setNamedRange('Amounts', 'Leads!$B$2:$B$5')).toBe(true);
    e.setContents(out, 0, 0, [['=SUM(Amounts)+COUNTA(Leads!A:A)']]);
    expect(e.getValue(out, 0, 0)).toBe(23 + 4);
    expect(e.getFormula(out, 0, 0)).toBe('=SUM(Amounts)+COUNTA(Leads!A:A)');
  });
});
