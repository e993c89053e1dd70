/**
 * Range and Sheet reading/writing, against the behaviour the Apps Script reference documents for
 * Range.getValues/setValues/setValue/getFormulas/getDisplayValues and Sheet.getRange/appendRow.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';

function scriptSheet(name = 'Data') {
  const host = createHost();
  const ss = host.globals.SpreadsheetApp.getActiveSpreadsheet();
  const sheet = ss.insertSheet(name);
  return { host, ss, sheet };
}

describe('Range.getValues / setValues', () => {
  it('returns a 2D array with numbers, booleans, strings, and "" for empty cells (Range.getValues)', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:C2').setValues([[1, 'two', true], [null, '', 2.5]]);
    expect(sheet.getRange('A1:D3').getValues()).toEqual([
      [1, 'two', true, ''],
      ['', '', 2.5, ''],
      ['', '', '', ''],
    ]);
  });

  it('throws Apps Script\'s message when the data has the wrong number of rows or columns (Range.setValues)', () => {
    const { sheet } = scriptSheet();
    expect(() => sheet.getRange('A1:B3').setValues([[1, 2], [3, 4]])).toThrow(
      'The number of rows in the data does not match the number of rows in the range. The data has 2 but the range has 3.',
    );
    expect(() => sheet.getRange('A1:B2').setValues([[1, 2], [3]])).toThrow(
      'The number of columns in the data does not match the number of columns in the range. The data has 1 but the range has 2.',
    );
    expect(() => sheet.getRange('A1:B1').setValues([1, 2] as unknown as unknown[][])).toThrow(/don't match the method signature/);
  });

  it('turns a string starting with "=" into a formula (Range.setValue: "If it begins with \'=\' it is interpreted as a formula")', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:A2').setValues([[2], [3]]);
    sheet.getRange('B1').setValue('=A1*A2');
    sheet.getRange('B2:B3').setValues([['=SUM(A1:A2)'], ['=']]);
    expect(sheet.getRange('B1:B3').getValues()).toEqual([[6], [5], ['=']]);
    expect(sheet.getRange('B1:B3').getFormulas()).toEqual([['=A1*A2'], ['=SUM(A1:A2)'], ['']]);
    expect(sheet.getRange('B1').getFormula()).toBe('=A1*A2');
  });

  it('parses strings like typed input: numbers, TRUE/FALSE, and a leading apostrophe keeps text', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:D1').setValues([['42', 'TRUE', 'false', "'007"]]);
    expect(sheet.getRange('A1:D1').getValues()).toEqual([[42, true, false, '007']]);
  });

  it('setValue fills every cell of the range; getValue reads the top-left cell', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:B2').setValue(7);
    expect(sheet.getRange('A1:B2').getValues()).toEqual([[7, 7], [7, 7]]);
    sheet.getRange('A1').setValue('x');
    expect(sheet.getRange('A1:B2').getValue()).toBe('x');
  });

  it('returns formula results, and error cells as their error string (#DIV/0!, #N/A, #ERROR!)', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:C1').setFormulas([['=1/0', '=NA()', '=SUM(']]);
    expect(sheet.getRange('A1:C1').getValues()).toEqual([['#DIV/0!', '#N/A', '#ERROR!']]);
    expect(sheet.getRange('A1:C1').getDisplayValues()).toEqual([['#DIV/0!', '#N/A', '#ERROR!']]);
  });

  it('setFormula on a multi-cell range moves relative references like a fill', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:A3').setValues([[1], [2], [3]]);
    sheet.getRange('B1:B3').setFormula('=A1*10');
    expect(sheet.getRange('B1:B3').getFormulas()).toEqual([['=A1*10'], ['=A2*10'], ['=A3*10']]);
    expect(sheet.getRange('B1:B3').getValues()).toEqual([[10], [20], [30]]);
  });

  it('clearContent keeps formats, clear() removes both (Range.clear: "Clears the range of contents and formats")', () => {
    const { sheet } = scriptSheet();
    const r = sheet.getRange('A1:B1');
    r.setValues([[1, 2]]).setBackground('red').setNumberFormat('0.00');
    r.clearContent();
    expect(r.getValues()).toEqual([['', '']]);
    expect(r.getBackgrounds()).toEqual([['#ff0000', '#ff0000']]);
    r.setValue(3);
    r.clear();
    expect(r.getValues()).toEqual([['', '']]);
    expect(r.getBackground()).toBe('#ffffff');
    expect(r.getNumberFormat()).toBe('0.###############');
  });
});

describe('A1 notation and geometry (Sheet.getRange)', () => {
  it('accepts A1, ranges, whole columns, open-ended ranges and sheet-qualified references', () => {
    const { ss, sheet } = scriptSheet('My data');
    sheet.getRange('B2').setValue('x');
    expect(sheet.getRange('B2').getA1Notation()).toBe('B2');
    expect(sheet.getRange('A1:C3').getNumRows()).toBe(3);
    const column = sheet.getRange('B:B');
    expect([column.getRow(), column.getColumn(), column.getNumRows(), column.getNumColumns()]).toEqual([1, 2, 1000, 1]);
    const open = sheet.getRange('A2:C');
    expect([open.getRow(), open.getNumRows(), open.getNumColumns()]).toEqual([2, 999, 3]);
    expect(ss.getRange("'My data'!B2").getValue()).toBe('x');
    expect(sheet.getRange(2, 2, 1, 1).getValue()).toBe('x');
    expect(sheet.getRange(1, 1, 2, 3).getA1Notation()).toBe('A1:C2');
  });

  it('rejects bad coordinates with Apps Script\'s messages', () => {
    const { ss, sheet } = scriptSheet();
    expect(() => sheet.getRange(0, 1)).toThrow('The starting row of the range is too small.');
    expect(() => sheet.getRange(1, 0)).toThrow('The starting column of the range is too small.');
    expect(() => sheet.getRange(1, 1, 0)).toThrow('The number of rows in the range must be at least 1.');
    expect(() => sheet.getRange(1, 1, 1, 0)).toThrow('The number of columns in the range must be at least 1.');
    expect(() => sheet.getRange('not a range')).toThrow('Range not found');
    expect(() => ss.getRange('Nope!A1')).toThrow('Range not found');
  });

  it('offset, getCell, getLastRow/getLastColumn of a range', () => {
    const { sheet } = scriptSheet();
    const r = sheet.getRange('B2:D4');
    expect(r.offset(1, 1).getA1Notation()).toBe('C3:E5');
    expect(r.offset(0, 0, 1, 1).getA1Notation()).toBe('B2');
    expect(r.getCell(2, 3).getA1Notation()).toBe('D3');
    expect([r.getLastRow(), r.getLastColumn()]).toEqual([4, 4]);
    expect(() => r.offset(-5, 0)).toThrow('The starting row of the range is too small.');
  });
});

describe('Sheet contents and structure', () => {
  it('getLastRow/getLastColumn/getDataRange follow the last cell with content', () => {
    const { sheet } = scriptSheet();
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([0, 0]);
    sheet.getRange('C5').setValue(1);
    sheet.getRange('A2').setFormula('=C5+1');
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([5, 3]);
    expect(sheet.getDataRange().getA1Notation()).toBe('A1:C5');
    sheet.getRange('C5').clearContent();
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([2, 1]);
  });

  it('appendRow writes after the last row with content and grows the sheet', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:B1').setValues([['name', 'n']]);
    sheet.appendRow(['a', 1]).appendRow(['b', '=B2*2']);
    expect(sheet.getDataRange().getValues()).toEqual([['name', 'n'], ['a', 1], ['b', 2]]);
    sheet.getRange(1000, 1).setValue('last');
    sheet.appendRow(['past the grid']);
    expect(sheet.getMaxRows()).toBe(1001);
    expect(sheet.getRange(1001, 1).getValue()).toBe('past the grid');
  });

  it('inserting and deleting rows moves values, formats and formula references', () => {
    const { sheet } = scriptSheet();
    sheet.getRange('A1:A3').setValues([[1], [2], [3]]);
    sheet.getRange('A3').setBackground('#00ff00');
    sheet.getRange('B1').setFormula('=SUM(A1:A3)');
    sheet.insertRowsAfter(1, 2);
    expect(sheet.getRange('A1:A5').getValues()).toEqual([[1], [''], [''], [2], [3]]);
    expect(sheet.getRange('A5').getBackground()).toBe('#00ff00');
    expect(sheet.getRange('B1').getFormula()).toBe('=SUM(A1:A5)');
    expect(sheet.getMaxRows()).toBe(1002);
    sheet.deleteRows(2, 2);
    expect(sheet.getRange('A1:A3').getValues()).toEqual([[1], [2], [3]]);
    expect(sheet.getRange('A3').getBackground()).toBe('#00ff00');
    expect(sheet.getRange('B1').getValue()).toBe(6);
    sheet.insertColumnBefore(1);
    expect(sheet.getRange('B1:C1').getValues()).toEqual([[1, 6]]);
    expect(() => sheet.deleteRows(5000, 1)).toThrow('Those rows are out of bounds.');
  });

  it('writing past the grid grows the sheet; the spreadsheet stops at 10 million cells like Sheets', () => {
    const { sheet } = scriptSheet();
    sheet.getRange(1, 30).setValue('far');
    expect(sheet.getMaxColumns()).toBe(30);
    expect(() => sheet.getRange(400_000, 1, 1, 30).setValue(1)).toThrow(
      'This action would increase the number of cells in the workbook above the limit of 10000000 cells.',
    );
  });

  it('with strictGridBounds, getRange past the grid throws as in Apps Script', () => {
    const host = createHost({ strictGridBounds: true });
    const sheet = host.globals.SpreadsheetApp.getActiveSheet();
    expect(() => sheet.getRange(1001, 1)).toThrow('The coordinates of the range are outside the dimensions of the sheet.');
    expect(sheet.getRange(1000, 26).getA1Notation()).toBe('Z1000');
  });
});

describe('Spreadsheet: sheets and named ranges', () => {
  it('insertSheet activates the new sheet, refuses duplicate names, keeps order and indexes', () => {
    const host = createHost();
    const ss = host.globals.SpreadsheetApp.getActive();
    const leads = ss.insertSheet('Leads');
    expect(ss.getActiveSheet().getName()).toBe('Leads');
    ss.insertSheet('First', 0);
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['First', 'Sheet1', 'Leads']);
    expect(leads.getIndex()).toBe(3);
    expect(() => ss.insertSheet('leads')).toThrow('A sheet with the name "leads" already exists. Please enter another name.');
    expect(ss.getSheetByName('Nope')).toBeNull();
    ss.setActiveSheet(leads);
    ss.moveActiveSheet(1);
    expect(ss.getSheets()[0].getName()).toBe('Leads');
    ss.deleteSheet(ss.getSheetByName('First')!);
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Leads', 'Sheet1']);
  });

  it('renaming a sheet keeps formulas that point at it working', () => {
    const host = createHost();
    const ss = host.globals.SpreadsheetApp.getActive();
    const data = ss.insertSheet('Data');
    data.getRange('A1').setValue(5);
    ss.getSheetByName('Sheet1')!.getRange('A1').setFormula('=Data!A1*2');
    data.setName('Raw data');
    expect(ss.getSheetByName('Sheet1')!.getRange('A1').getFormula()).toBe("='Raw data'!A1*2");
    expect(ss.getSheetByName('Sheet1')!.getRange('A1').getValue()).toBe(10);
  });

  it('named ranges resolve with getRangeByName and in formulas', () => {
    const host = createHost();
    const ss = host.globals.SpreadsheetApp.getActive();
    const sheet = ss.getActiveSheet();
    sheet.getRange('A1:A3').setValues([[1], [2], [3]]);
    ss.setNamedRange('Points', sheet.getRange('A1:A3'));
    sheet.getRange('B1').setFormula('=SUM(Points)');
    expect(sheet.getRange('B1').getValue()).toBe(6);
    expect(ss.getRangeByName('Points')!.getA1Notation()).toBe('A1:A3');
    expect(ss.getNamedRanges().map((n) => n.getName())).toEqual(['Points']);
    ss.removeNamedRange('Points');
    expect(ss.getRangeByName('Points')).toBeNull();
    expect(sheet.getRange('B1').getValue()).toBe('#NAME?');
  });
});
