/**
 * Custom functions registered from a bundle's @customfunction JSDoc, called the way Sheets calls
 * them (Apps Script guide "Custom Functions in Google Sheets": a range argument is a
 * two-dimensional array of the cells' values, dates become Date objects, a returned 2D array
 * overflows into adjacent cells, a thrown error shows in the cell).
 */
import { describe, expect, it } from 'vitest';
import { hostWithBundle, wallTimeIn } from './helpers.ts';

const NY = 'America/New_York';

const SOURCE = `
var calls = 0;

/**
 * Describes each cell of a range: its type, and for dates the day of the month in the script's
 * time zone; returns one row per input row.
 * @param {Array} input cells
 * @customfunction
 */
function DESCRIBE(input) {
  calls++;
  if (!(input instanceof Array)) return 'scalar:' + (input instanceof Date ? 'date' : typeof input);
  return input.map(function (row) {
    return row.map(function (v) {
      if (v instanceof Date) return 'date:' + Utilities.formatDate(v, Session.getScriptTimeZone(), 'yyyy-MM-dd HH:mm');
      return (v === '' ? 'blank' : typeof v) + ':' + v;
    });
  });
}

/**
 * @customfunction
 */
function NEXTDAYS(start, count) {
  if (count === undefined) count = 2;
  var out = [];
  for (var i = 1; i <= count; i++) out.push([new Date(start.getTime() + i * 86400000)]);
  return out;
}

/** @customfunction */
function FAILS(message) {
  throw new Error('Bad input: ' + message);
}

/** @customfunction */
function ARGCOUNT(a, b, c) {
  return arguments.length + ':' + (b === undefined ? 'undefined' : typeof b);
}

/** @customfunction */
function WRITES() {
  SpreadsheetApp.getActiveSheet().getRange('Z1').setValue('sneaky');
  return 'done';
}

/** @customfunction */
function COLUMNOF(n) {
  var out = [];
  for (var i = 0; i < n; i++) out.push(i + 1);
  return out;
}

/** Not a custom function: no tag. */
function helper() { return 1; }

/** @customfunction */
function private_() { return 1; }

function callCount() { return calls; }
`;

function setup() {
  const host = hostWithBundle(SOURCE, { timeZone: NY });
  host.addSheet('Leads', [
    ['When', 'Count', 'Flag'],
    [wallTimeIn(NY, 2026, 3, 31, 23, 30), 3, true],
    ['', 'text', false],
  ]);
  return host;
}

describe('custom functions from a bundle', () => {
  it('registers exactly the top-level functions whose JSDoc has @customfunction', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1:B1').setFormulas([['=HELPER()', '=PRIVATE_()']]);
    expect(sheet.getRange('A1:B1').getValues()).toEqual([['#NAME?', '#NAME?']]);
  });

  it('receives a range as a 2D array: Dates (in the spreadsheet time zone), numbers, booleans, "" for blanks', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1').setFormula('=DESCRIBE(Leads!A2:C3)');
    expect(sheet.getRange('A1:C2').getValues()).toEqual([
      ['date:2026-03-31 23:30', 'number:3', 'boolean:true'],
      ['blank:', 'string:text', 'boolean:false'],
    ]);
  });

  it('receives a single cell or a literal as a scalar, and omitted arguments as undefined', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1:A4').setFormulas([['=DESCRIBE(Leads!A2)'], ['=DESCRIBE(7)'], ['=ARGCOUNT(1)'], ['=ARGCOUNT(1,"x")']]);
    expect(sheet.getRange('A1:A4').getValues()).toEqual([['scalar:date'], ['scalar:number'], ['1:undefined'], ['2:string']]);
  });

  it('a returned 2D array of Dates spills down as dates; it resizes when the arguments change', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1').setFormula('=NEXTDAYS(Leads!A2, Leads!B2)');
    const day = (d: number) => wallTimeIn(NY, 2026, 4, d, 23, 30);
    expect(sheet.getRange('A1:A4').getValues()).toEqual([[day(1)], [day(2)], [day(3)], ['']]);
    host.sheet('Leads').getRange('B2').setValue(1);
    expect(sheet.getRange('A1:A3').getValues()).toEqual([[day(1)], [''], ['']]);
    host.sheet('Leads').getRange('B2').setValue(4);
    expect(sheet.getLastRow()).toBe(4);
  });

  it('a 1D array spills down one column', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('B2').setFormula('=COLUMNOF(3)');
    expect(sheet.getRange('B2:C5').getValues()).toEqual([[1, ''], [2, ''], [3, ''], ['', '']]);
  });

  it('a thrown error makes the cell #ERROR! with the message as its tooltip (host.errorMessage)', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1').setFormula('=FAILS("no stages")');
    expect(sheet.getRange('A1').getValue()).toBe('#ERROR!');
    expect(host.errorMessage('Sheet1', 'A1')).toBe('Bad input: no stages');
    expect(host.errorMessage('Sheet1', 'B1')).toBeUndefined();
  });

  it('runs in AuthMode.CUSTOM_FUNCTION: changing the spreadsheet is refused ("You do not have permission to call setValue")', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1').setFormula('=WRITES()');
    expect(sheet.getRange('A1').getValue()).toBe('#ERROR!');
    expect(host.errorMessage('Sheet1', 'A1')).toBe('You do not have permission to call setValue');
    expect(sheet.getRange('Z1').getValue()).toBe('');
  });

  it('is called once per distinct arguments, not again when unrelated cells change', () => {
    const host = setup();
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1').setFormula('=DESCRIBE(Leads!A2:C3)');
    const before = host.run('callCount');
    sheet.getRange('H1').setValue('unrelated');
    expect(host.run('callCount')).toEqual(before);
    host.sheet('Leads').getRange('B2').setValue(4);
    expect(host.run('callCount')).toEqual({ ok: true, value: (before as { value: number }).value + 1 });
  });

  it('host.registerCustomFunctions registers plain functions too', () => {
    const host = setup();
    host.registerCustomFunctions({ twice: (x: unknown) => (x as number) * 2 });
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1').setFormula('=TWICE(Leads!B2)+1');
    expect(sheet.getRange('A1').getValue()).toBe(7);
  });
});
