/** host.calls counts the service calls a script makes, by kind, so tests can hold actions to a budget. */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';
import { hostWithBundle } from './helpers.ts';

const SOURCE = `
function buildReport() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var values = ss.getSheetByName('Leads').getDataRange().getValues();
  var out = ss.insertSheet('Report');
  out.getRange(1, 1, values.length, values[0].length).setValues(values);
  out.getRange('A1:B1').setFontWeight('bold').setBackground('#eeeeee');
  out.setFrozenRows(1);
  var rule = SpreadsheetApp.newConditionalFormatRule().whenNumberLessThan(0).setBackground('#ff0000').setRanges([out.getRange('B:B')]).build();
  out.setConditionalFormatRules([rule]);
  return values.length;
}
`;

describe('host.calls', () => {
  it('splits calls into reads, writes, formats and other, with counts per method', () => {
    const host = hostWithBundle(SOURCE);
    host.addSheet('Leads', [['name', 'n'], ['a', 1], ['b', -2]]);
    host.calls.reset();
    expect(host.run('buildReport')).toEqual({ ok: true, value: 3 });
    const snap = host.calls.snapshot();
    expect(snap.byMethod).toEqual({
      'Range.getValues': 1,
      'Range.setBackground': 1,
      'Range.setFontWeight': 1,
      'Range.setValues': 1,
      'Sheet.getDataRange': 1,
      'Sheet.getRange': 3,
      'Sheet.setConditionalFormatRules': 1,
      'Sheet.setFrozenRows': 1,
      'Spreadsheet.getSheetByName': 1,
      'Spreadsheet.insertSheet': 1,
      'SpreadsheetApp.getActiveSpreadsheet': 1,
      'SpreadsheetApp.newConditionalFormatRule': 1,
    });
    expect([snap.reads, snap.writes, snap.formats, snap.other, snap.total]).toEqual([2, 2, 4, 6, 14]);
    host.calls.reset();
    expect(host.calls.snapshot().total).toBe(0);
  });

  it('does not count the host\'s own view (host.spreadsheet, host.sheet, host.addSheet, host.values)', () => {
    const host = createHost();
    host.addSheet('Data', [[1, 2]]);
    host.spreadsheet.getSheetByName('Data')!.getRange('A1').setValue(5);
    expect(host.values('Data')).toEqual([[5, 2]]);
    expect(host.calls.snapshot().total).toBe(0);
    host.globals.SpreadsheetApp.getActive().getSheetByName('Data')!.getRange('A1').getValue();
    expect(host.calls.snapshot()).toMatchObject({ reads: 1, other: 3, total: 4 });
  });
});
