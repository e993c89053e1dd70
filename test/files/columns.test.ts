/** Per-column reading: day/month order and decimal mark decided from a column's values, the file, the locale, the options. */
import { afterAll, describe, expect, it } from 'vitest';
import { DATE_FORMAT, DATETIME_FORMAT } from '../../src/offline/files/infer.ts';
import { parseCsv, readLeadsFile, type ReadTable } from '../../src/offline/files/read.ts';
import { wallTimeToDate } from '../../src/offline/files/timezone.ts';
import { cleanupTempDirs, tempDir, toCsv, writeTemp } from './helpers.ts';

afterAll(cleanupTempDirs);

const NY = 'America/New_York';
/** Midnight of a calendar day in New York, as the reader gives it. */
const day = (year: number, month: number, d: number) =>
  wallTimeToDate({ year, month, day: d, hour: 0, minute: 0, second: 0, millisecond: 0 }, NY);
const pad = (n: number) => String(n).padStart(2, '0');
const col = (t: ReadTable, c: number) => t.rows.slice(1).map(r => r[c]);

/** n generated leads whose "Created" (column C) holds dd/mm/yyyy dates with day and month both 12 or less. */
function ambiguousLeads(n: number, sep = '/'): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const d = (i % 12) + 1;
    const m = ((i * 5) % 12) + 1;
    rows.push([`Lead ${i}`, `lead${i}@example.test`, `${pad(d)}${sep}${pad(m)}${sep}2018`]);
  }
  return rows;
}

const HEADER = ['Name', 'Email', 'Created'];

describe('day/month order from the column\'s values', () => {
  it('a day-first date in the last row settles the whole column, earlier cells included', async () => {
    const rows = [HEADER, ['Ana', 'ana@example.test', '01/02/2018'], ...ambiguousLeads(3000), ['Zed', 'zed@example.test', '20/10/2017 14:05']];
    // read as a file bigger than one read chunk, so the proof arrives long after the first cells
    const dir = tempDir();
    const t = await readLeadsFile(writeTemp(dir, 'late.csv', toCsv(rows)));
    expect(t.rows[1][2]).toEqual(day(2018, 2, 1)); // 1 February, not 2 January
    expect(t.numberFormats[1][2]).toBe(DATE_FORMAT);
    expect(t.rows[2][2]).toEqual(day(2018, 1, 1));
    expect(t.rows[3][2]).toEqual(day(2018, 6, 2)); // "02/06/2018"
    expect(t.rows.at(-1)![2]).toEqual(new Date('2017-10-20T18:05:00.000Z'));
    expect(t.numberFormats.at(-1)![2]).toBe(DATETIME_FORMAT);
    expect(col(t, 2).every(v => v instanceof Date)).toBe(true);
    expect(t.columns[2]).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'values' });
    expect(t.columns[0]).toEqual({});
    expect(t.notes).toEqual(['Column C "Created": dates read day first (20/10/2017 is 20 October), proven by 1 cell.']);
  });

  it('a month-first date settles the column the other way', () => {
    const t = parseCsv(toCsv([HEADER, ['Ana', 'a@example.test', '01/02/2018'], ['Bo', 'b@example.test', '10/20/2017 2:05 PM'], ['Cy', 'c@example.test', '3/4/18']]));
    expect(col(t, 2)).toEqual([day(2018, 1, 2), new Date('2017-10-20T18:05:00.000Z'), day(2018, 3, 4)]);
    expect(t.columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'values' });
    expect(t.notes).toEqual(['Column C "Created": dates read month first (10/20/2017 is 20 October), proven by 1 cell.']);
  });

  it('counts every proving cell and reads German dotted dates', () => {
    const t = parseCsv('Name;Datum\nA;20.10.2017\nB;01.02.2018\nC;3.4.2018 14:05:33\nD;31.12.2017\n');
    expect(col(t, 1)).toEqual([day(2017, 10, 20), day(2018, 2, 1), new Date('2018-04-03T18:05:33.000Z'), day(2017, 12, 31)]);
    expect(t.notes).toEqual(['Column B "Datum": dates read day first (20.10.2017 is 20 October), proven by 2 cells.']);
  });

  it('reads year-first dates as they are and says nothing about them', () => {
    const t = parseCsv('Name,Created\nA,2017/10/20\nB,2018-02-01\n');
    expect(col(t, 1)).toEqual([day(2017, 10, 20), day(2018, 2, 1)]);
    expect(t.columns[1]).toEqual({ dateOrder: 'ymd', dateOrderFrom: 'values' });
    expect(t.notes).toEqual([]);
  });

  it('leaves the ambiguous cells of a column proving both orders as text, and says so', () => {
    const t = parseCsv(toCsv([HEADER,
      ['A', 'a@example.test', '01/02/2018'], ['B', 'b@example.test', '20/10/2017'],
      ['C', 'c@example.test', '10/20/2017'], ['D', 'd@example.test', '03/04/2018'], ['E', 'e@example.test', '05/05/2018']]));
    expect(col(t, 2)).toEqual(['01/02/2018', day(2017, 10, 20), day(2017, 10, 20), '03/04/2018', day(2018, 5, 5)]);
    expect(t.numberFormats[1][2]).toBeNull();
    expect(t.columns[2]).toEqual({ textDates: 2 });
    expect(t.notes).toEqual([
      'Column C "Created": dates disagree on the order: 20/10/2017 is day first but 10/20/2017 is month first. ' +
      'Cells that can be read only one way are read that way; the 2 cells that could be either (such as 01/02/2018) ' +
      'are left as text. Give --date-order dmy or mdy to read them all one way.',
    ]);
  });

  it('leaves dates impossible in the column\'s order as text, with a count', () => {
    const t = parseCsv('Name,Created\nA,20/10/2017\nB,31/02/2017\nC,01/02/2018\nD,2021-02-30\n');
    expect(col(t, 1)).toEqual([day(2017, 10, 20), '31/02/2017', day(2018, 2, 1), '2021-02-30']);
    expect(t.columns[1]).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'values', textDates: 2 });
    expect(t.notes[1]).toBe('Column B "Created": 2 cells look like dates but are not valid dates read day first, so they are left as text (such as "31/02/2017").');
  });
});

describe('a column whose values never settle the order', () => {
  const ambiguous = toCsv([HEADER, ...ambiguousLeads(5)]);

  it('takes the order another date column of the file proves', () => {
    const rows = [[...HEADER, 'Closed'], ...ambiguousLeads(5).map((r, i) => [...r, i === 4 ? '12/25/2018' : ''])];
    const t = parseCsv(toCsv(rows), 'Leads', { locale: 'fr_FR' }); // the proof beats the locale
    expect(t.columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'file' });
    expect(t.rows[1][2]).toEqual(day(2018, 1, 1));
    expect(t.rows[2][2]).toEqual(day(2018, 2, 6)); // "02/06/2018" month first
    expect(t.notes[0]).toBe('Column C "Created": dates read month first (02/06/2018 is 6 February), as column D "Closed" proves: ' +
      'no cell of this column proves the order (all days are 12 or less). Give --date-order dmy if they are day first.');
    // and the other way round, in a ";" file
    const semi = parseCsv(toCsv([[...HEADER, 'Closed'], ...ambiguousLeads(5).map((r, i) => [...r, i === 0 ? '25/12/2018' : ''])], ';'));
    expect(semi.columns[2]).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'file' });
  });

  it('ignores other columns that prove opposite orders', () => {
    const rows = [[...HEADER, 'Closed', 'Paid'], ...ambiguousLeads(3).map((r, i) => [...r, i === 0 ? '25/12/2018' : '', i === 0 ? '12/25/2018' : ''])];
    const t = parseCsv(toCsv(rows));
    expect(t.columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'locale' });
  });

  it('reads day first in a ";"-separated file', () => {
    const t = parseCsv(toCsv([HEADER, ...ambiguousLeads(5)], ';'));
    expect(t.columns[2]).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'file' });
    expect(t.rows[2][2]).toEqual(day(2018, 6, 2));
    expect(t.notes[0]).toMatch(/^Column C "Created": dates read day first \(02\/06\/2018 is 2 June\), as the ";" separators of the file suggest \(a European export\): no cell of this column proves the order \(all days are 12 or less\)\. Give --date-order mdy if they are month first\.$/);
  });

  it('reads day first in a file with decimal-comma numbers', () => {
    const rows = [[...HEADER, 'Amount'], ...ambiguousLeads(3).map(r => [...r, '12,50'])];
    const t = parseCsv(toCsv(rows));
    expect(t.columns[2]).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'file' });
    expect(t.columns[3]).toEqual({ decimalComma: true });
    expect(t.notes[0]).toMatch(/as the decimal-comma numbers of the file suggest \(a European export\)/);
  });

  it('then follows the locale option', () => {
    for (const locale of ['en_GB', 'fr_FR', 'de_DE', 'es_ES', 'pt_BR', 'pt_PT', 'it_IT', 'nl_NL', 'de-DE']) {
      const t = parseCsv(ambiguous, 'Leads', { locale });
      expect(t.columns[2], locale).toEqual({ dateOrder: 'dmy', dateOrderFrom: 'locale' });
      expect(t.rows[2][2]).toEqual(day(2018, 6, 2));
    }
    const us = parseCsv(ambiguous, 'Leads', { locale: 'en_US' });
    expect(us.columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'locale' });
    expect(parseCsv(ambiguous, 'Leads', { locale: 'en_GB' }).notes[0]).toMatch(/, as en_GB spreadsheets do: /);
  });

  it('and is month first by default, as en_US spreadsheets are', () => {
    const t = parseCsv(ambiguous);
    expect(t.columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'locale' });
    expect(t.rows[2][2]).toEqual(day(2018, 2, 6));
    expect(t.notes).toEqual(['Column C "Created": dates read month first (02/06/2018 is 6 February), as en_US spreadsheets do: ' +
      'no cell of this column proves the order (all days are 12 or less). Give --date-order dmy if they are day first.']);
  });

  it('a ";" separator beats the locale; a proof in the column beats both', () => {
    const semi = toCsv([HEADER, ...ambiguousLeads(3)], ';');
    expect(parseCsv(semi, 'Leads', { locale: 'en_US' }).columns[2].dateOrder).toBe('dmy');
    const proven = toCsv([HEADER, ...ambiguousLeads(3), ['Z', 'z@example.test', '10/20/2017']], ';');
    expect(parseCsv(proven, 'Leads', { locale: 'fr_FR' }).columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'values' });
  });
});

describe('the dateOrder option', () => {
  it('wins over the values, the file and the locale', () => {
    const text = toCsv([HEADER, ['A', 'a@example.test', '01/02/2018'], ['B', 'b@example.test', '20/10/2017'], ['C', 'c@example.test', '2017-10-20']], ';');
    const t = parseCsv(text, 'Leads', { dateOrder: 'mdy', locale: 'fr_FR' });
    expect(col(t, 2)).toEqual([day(2018, 1, 2), '20/10/2017', day(2017, 10, 20)]);
    expect(t.columns[2]).toEqual({ dateOrder: 'mdy', dateOrderFrom: 'option', textDates: 1 });
    expect(t.notes).toEqual([
      'Column C "Created": dates read month first (01/02/2018 is 2 January), as the date order option (mdy) asks.',
      'Column C "Created": 1 cell looks like a date but is not a valid date read month first, so it is left as text (such as "20/10/2017").',
    ]);
    const dmy = parseCsv(toCsv([HEADER, ['A', 'a@example.test', '01/02/2018'], ['B', 'b@example.test', '10/20/2017']]), 'Leads', { dateOrder: 'dmy' });
    expect(col(dmy, 2)).toEqual([day(2018, 2, 1), '10/20/2017']);
  });

  it('ymd reads 2-digit year-first dates', () => {
    const t = parseCsv('Name,Created\nA,18/02/01\nB,2018/02/03\n', 'Leads', { dateOrder: 'ymd' });
    expect(col(t, 1)).toEqual([day(2018, 2, 1), day(2018, 2, 3)]);
  });

  it('is checked, as is the locale', async () => {
    expect(() => parseCsv('A\n1\n', 'x', { dateOrder: 'dym' as never })).toThrow(/Unknown date order "dym": expected "dmy" \(day first\), "mdy" \(month first\) or "ymd"/);
    expect(() => parseCsv('A\n1\n', 'x', { locale: 'xx_YY' })).toThrow(/Unknown locale "xx_YY"/);
    const dir = tempDir();
    await expect(readLeadsFile(writeTemp(dir, 'a.csv', 'A\n1\n'), { locale: '!!' })).rejects.toThrow(RangeError);
  });
});

describe('numbers: the decimal mark per column', () => {
  it('1.234 is 1234 in a decimal-comma column and 1.234 in a decimal-point one', () => {
    const t = parseCsv(toCsv([['Name', 'Betrag', 'Score'], ['A', '1.234,50', '1.5'], ['B', '1.234', '1.234'], ['C', '-1.200,00', '2']]));
    expect(col(t, 1)).toEqual([1234.5, 1234, -1200]);
    expect(col(t, 2)).toEqual([1.5, 1.234, 2]);
    expect(t.numberFormats[2][1]).toBe('#,##0');
    expect(t.columns[1]).toEqual({ decimalComma: true });
    expect(t.columns[2]).toEqual({ decimalComma: false });
    expect(t.notes).toEqual(['Column B "Betrag": numbers read with a decimal comma (1.234,50 is 1234.5), proven by 2 cells.']);
  });

  it('1,234 is 1234 in a column holding 1,234.50, and 1.234 in one holding 12,5', () => {
    const t = parseCsv(toCsv([['Name', 'Amount', 'Rate'], ['A', '1,234.50', '12,5'], ['B', '1,234', '1,234']]));
    expect(col(t, 1)).toEqual([1234.5, 1234]);
    expect(col(t, 2)).toEqual([12.5, 1.234]);
  });

  it('settles a column of only 1,234-like numbers by the other columns, then ";", then the locale', () => {
    const rows = (sep: string, extra: string) => toCsv([['Name', 'Amount', 'Other'], ['A', '1,234', extra], ['B', '12,345', '']], sep);
    expect(col(parseCsv(rows(',', '')), 1)).toEqual([1234, 12345]);
    expect(col(parseCsv(rows(',', '3,5')), 1)).toEqual([1.234, 12.345]); // another column has a decimal comma
    expect(col(parseCsv(rows(';', '')), 1)).toEqual([1.234, 12.345]);
    expect(col(parseCsv(rows(';', '3.5')), 1)).toEqual([1234, 12345]); // another column has a decimal point
    expect(col(parseCsv(rows(',', ''), 'x', { locale: 'de_DE' }), 1)).toEqual([1.234, 12.345]);
    const t = parseCsv(rows(',', ''));
    expect(t.columns[1]).toEqual({ decimalComma: false });
    expect(t.notes).toEqual(['Column B "Amount": numbers such as 1,234 read as 1234, with "," as the thousands separator, as en_US spreadsheets do: ' +
      'no cell of this column shows which mark is the decimal one. Give --locale de_DE if the decimal mark is a comma.']);
    expect(parseCsv(rows(';', '')).notes[0]).toMatch(/^Column B "Amount": numbers such as 1,234 read as 1\.234, with "," as the decimal comma, as the ";" separators of the file suggest/);
  });

  it('leaves 1,234 as text in a column with both decimal marks', () => {
    const t = parseCsv(toCsv([['Name', 'Amount'], ['A', '1.234,50'], ['B', '1,234.50'], ['C', '1,234'], ['D', '7']]));
    expect(col(t, 1)).toEqual([1234.5, 1234.5, '1,234', 7]);
    expect(t.columns[1]).toEqual({});
    expect(t.notes).toEqual(['Column B "Amount": numbers disagree on the decimal mark: 1.234,50 has a decimal comma but 1,234.50 a decimal point. ' +
      'Cells that can be read only one way are read that way; the 1 cell that could be either (such as 1,234) is left as text.']);
  });

  it('reads "1 234" only in a column of numbers', () => {
    const t = parseCsv(toCsv([['Name', 'Amount', 'SIREN'], ['A', '1 234', '123 456 789'], ['B', '567', '987 654 321'], ['C', '12 000,50', '']]));
    expect(col(t, 1)).toEqual([1234, 567, 12000.5]);
    expect(col(t, 2)).toEqual(['123 456 789', '987 654 321', '']);
  });

  it('keeps phone numbers, IDs and zip codes as they were', () => {
    const t = parseCsv(toCsv([['Phone', 'ID', 'Zip', 'Version'],
      ['+14155552671', '12345678901234567890', '02134', 'v1.2.3'],
      ['+1 415 555 2671', '1234567890123456', '12345-6789', '1.2.10']]));
    expect(t.rows.slice(1)).toEqual([
      ['+14155552671', '12345678901234567890', 2134, 'v1.2.3'],
      ['+1 415 555 2671', '1234567890123456', '12345-6789', '1.2.10'],
    ]);
  });

  it('names the currency of a column and gives its cells a currency format', () => {
    const t = parseCsv(toCsv([['Name', 'EUR', 'BRL', 'USD', 'Code'],
      ['A', '1.234,50 €', 'R$ 1.234,50', '$22,700.00', 'USD 12,500.00'],
      ['B', '€1.234,50', 'R$ 99,90', '(1,200)', '12,500.00 USD']]));
    expect(t.rows.slice(1)).toEqual([['A', 1234.5, 1234.5, 22700, 12500], ['B', 1234.5, 99.9, -1200, 12500]]);
    expect(t.numberFormats[1]).toEqual([null, '#,##0.00 "€"', '"R$ "#,##0.00', '$#,##0.00', '"USD "#,##0.00']);
    expect(t.numberFormats[2]).toEqual([null, '"€"#,##0.00', '"R$ "#,##0.00', '#,##0;(#,##0)', '#,##0.00 "USD"']);
    expect(t.columns.map(c => c.currency)).toEqual([undefined, '€', 'R$', '$', 'USD']);
  });
});
