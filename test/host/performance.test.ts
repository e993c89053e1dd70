/**
 * Bulk data: 100k rows × 10 columns written with one setValues and read back with getValues whole,
 * with formulas over the data still right afterwards. (How long it takes is measured by
 * npm run bench, not asserted here.)
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';

const ROWS = 100_000;

function leads(): unknown[][] {
  const base = Date.UTC(2025, 0, 1, 12);
  const rows: unknown[][] = [];
  for (let r = 0; r < ROWS; r++) {
    rows.push([`lead${r}`, new Date(base + r * 3_600_000), r % 7 === 0 ? 'Won' : 'Open', r, r * 1.5, `src${r % 13}`, r % 2 === 0, r % 3, 'x', r / 7]);
  }
  return rows;
}

describe('bulk writes and reads', () => {
  it('100k × 10 setValues + getValues round-trip every value; formulas over the data are right', { timeout: 120_000 }, () => {
    const host = createHost({ timeZone: 'America/New_York' });
    const ss = host.globals.SpreadsheetApp.getActive();
    const summary = ss.insertSheet('Summary');
    summary.getRange('A1:B1').setFormulas([['=COUNTIFS(Data!C:C,"won")', '=SUMIFS(Data!D:D,Data!G:G,TRUE)']]);
    const data = ss.insertSheet('Data');
    const rows = leads();

    data.getRange(1, 1, ROWS, 10).setValues(rows);
    const back = data.getRange(1, 1, ROWS, 10).getValues();
    expect(back).toHaveLength(ROWS);
    expect(back[ROWS - 1]).toEqual(rows[ROWS - 1]);
    expect((back[4242][1] as Date).getTime()).toBe((rows[4242][1] as Date).getTime());
    expect(data.getLastRow()).toBe(ROWS);
    const won = rows.filter((r) => r[2] === 'Won').length;
    const evenSum = rows.filter((r) => r[6] === true).reduce((n, r) => n + (r[3] as number), 0);
    expect(summary.getRange('A1:B1').getValues()).toEqual([[won, evenSum]]);
  });

  it('a large write after a sheet was deleted keeps every other sheet and formula in place', () => {
    const host = createHost();
    const ss = host.globals.SpreadsheetApp.getActive();
    const gone = ss.insertSheet('Gone');
    const keep = ss.insertSheet('Keep');
    keep.getRange('A1').setFormula('=SUM(Data!A:A)');
    ss.deleteSheet(gone);
    const data = ss.insertSheet('Data');
    data.getRange(1, 1, 30_000, 1).setValues(Array.from({ length: 30_000 }, (_, i) => [i + 1]));
    expect(keep.getRange('A1').getValue()).toBe((30_000 * 30_001) / 2);
    keep.getRange('B1').setValue('still writable');
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Sheet1', 'Keep', 'Data']);
    expect(host.values('Keep', 'A1:B1')).toEqual([[(30_000 * 30_001) / 2, 'still writable']]);
  });
});
