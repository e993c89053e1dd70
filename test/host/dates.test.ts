/**
 * Dates cross the Apps Script boundary as Date objects for the wall time shown in the cell, in
 * the spreadsheet's time zone (Range.getValues/setValues, custom-function arguments), and
 * Utilities.formatDate follows Java's SimpleDateFormat.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';
import { formatNumber, isDateTimeFormat } from '../../src/offline/host/numberFormat.ts';
import { instantFromSerial, serialFromInstant } from '../../src/offline/host/timezone.ts';
import { wallTimeIn } from './helpers.ts';

describe('dates in cells (non-UTC spreadsheet time zones)', () => {
  for (const timeZone of ['America/New_York', 'Asia/Tokyo', 'Australia/Adelaide']) {
    it(`a Date for 23:30 on the 31st stays on the 31st in ${timeZone}`, () => {
      const host = createHost({ timeZone });
      const sheet = host.globals.SpreadsheetApp.getActiveSheet();
      const lateEvening = wallTimeIn(timeZone, 2026, 3, 31, 23, 30);
      sheet.getRange('A1').setValue(lateEvening);
      sheet.getRange('B1').setFormula('=DAY(A1)');
      sheet.getRange('C1').setFormula('=TEXT(A1,"yyyy-mm-dd hh:mm")');
      const back = sheet.getRange('A1').getValue() as Date;
      expect(Object.prototype.toString.call(back)).toBe('[object Date]');
      expect(back.getTime()).toBe(lateEvening.getTime());
      expect(sheet.getRange('B1:C1').getValues()).toEqual([[31, '2026-03-31 23:30']]);
      expect(sheet.getRange('A1').getDisplayValue()).toBe('3/31/2026 23:30:00');
      expect(sheet.getRange('A1').getNumberFormat()).toBe('M/d/yyyy H:mm:ss');
    });
  }

  it('stores the wall time: after setSpreadsheetTimeZone the cell shows the same clock time, so its Date moves', () => {
    const host = createHost({ timeZone: 'America/New_York' });
    const ss = host.globals.SpreadsheetApp.getActive();
    const cell = ss.getActiveSheet().getRange('A1');
    cell.setValue(wallTimeIn('America/New_York', 2026, 7, 1, 9));
    ss.setSpreadsheetTimeZone('Europe/London');
    expect((cell.getValue() as Date).getTime()).toBe(wallTimeIn('Europe/London', 2026, 7, 1, 9).getTime());
    expect(cell.getDisplayValue()).toBe('7/1/2026 9:00:00');
  });

  it('typed date strings become dates (en_US reads M/D/Y; other locales D/M/Y)', () => {
    const us = createHost({ timeZone: 'America/New_York' });
    us.globals.SpreadsheetApp.getActiveSheet().getRange('A1:B1').setValues([['3/4/2026', '2026-03-31']]);
    expect(us.values('Sheet1', 'A1:B1')).toEqual([[wallTimeIn('America/New_York', 2026, 3, 4), wallTimeIn('America/New_York', 2026, 3, 31)]]);
    const uk = createHost({ timeZone: 'Europe/London', locale: 'en_GB' });
    uk.globals.SpreadsheetApp.getActiveSheet().getRange('A1').setValue('3/4/2026');
    expect(uk.values('Sheet1', 'A1')).toEqual([[wallTimeIn('Europe/London', 2026, 4, 3)]]);
  });

  it('a number in a cell with a date format reads as a Date; a date with a number format reads as a number', () => {
    const host = createHost({ timeZone: 'America/New_York' });
    const sheet = host.globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange('A1:B1').setValues([[46112, new Date(Date.UTC(2026, 0, 1, 12))]]);
    sheet.getRange('A1').setNumberFormat('yyyy-mm-dd');
    sheet.getRange('B1').setNumberFormat('0.00');
    const [[a, b]] = sheet.getRange('A1:B1').getValues();
    expect((a as Date).getTime()).toBe(wallTimeIn('America/New_York', 2026, 3, 31).getTime());
    expect(b).toBeCloseTo(46023 + 7 / 24, 9);
    expect(sheet.getRange('A1:B1').getDisplayValues()).toEqual([['2026-03-31', '46023.29']]);
  });

  it('serials round-trip through DST changes (New York, 2026-03-08 and 2026-11-01)', () => {
    const tz = 'America/New_York';
    for (const d of [wallTimeIn(tz, 2026, 3, 8, 1, 59), wallTimeIn(tz, 2026, 3, 8, 3, 0), wallTimeIn(tz, 2026, 11, 1, 0, 30), wallTimeIn(tz, 2026, 11, 2, 12)]) {
      expect(instantFromSerial(serialFromInstant(d.getTime(), tz), tz)).toBe(d.getTime());
    }
    expect(serialFromInstant(wallTimeIn(tz, 2026, 3, 31, 23, 30).getTime(), tz)).toBeCloseTo(46112 + 23.5 / 24, 9);
  });
});

describe('Utilities.formatDate (SimpleDateFormat patterns)', () => {
  it('formats yyyy MM dd HH mm ss Z EEE MMM in the given time zone', () => {
    const host = createHost();
    const { Utilities } = host.globals;
    const d = new Date(Date.UTC(2026, 3, 1, 3, 30, 5));
    expect(Utilities.formatDate(d, 'America/New_York', 'yyyy-MM-dd HH:mm:ss Z')).toBe('2026-03-31 23:30:05 -0400');
    expect(Utilities.formatDate(d, 'Etc/UTC', "EEE, d MMM yyyy HH:mm 'UTC'")).toBe('Wed, 1 Apr 2026 03:30 UTC');
    expect(Utilities.formatDate(d, 'Asia/Kolkata', 'h:mm a EEEE MMMM')).toBe('9:00 AM Wednesday April');
    expect(() => Utilities.formatDate(d, 'Etc/UTC', 'yyyy-qq')).toThrow("Illegal pattern character 'q'");
  });
});

describe('Sheets number formats (getDisplayValues, TEXT)', () => {
  it('renders numbers, percentages, currency and sections', () => {
    expect(formatNumber(1234567.891, '#,##0.00')).toBe('1,234,567.89');
    expect(formatNumber(0.5, '0%')).toBe('50%');
    expect(formatNumber(-42.5, '"$"#,##0.00;("$"#,##0.00)')).toBe('($42.50)');
    expect(formatNumber(-3, '0')).toBe('-3');
    expect(formatNumber(0, '0.0;-0.0;"zero"')).toBe('zero');
    expect(formatNumber(3.14159, '0.###############')).toBe('3.14159');
    expect(formatNumber(12345, '0.0,"k"')).toBe('12.3k');
    expect(formatNumber(1 / 3, undefined)).toBe('0.3333333333');
  });

  it('renders dates, times and durations, with m as minutes next to h or s', () => {
    const serial = 46112 + 23.5 / 24;
    expect(formatNumber(serial, 'yyyy-mm-dd')).toBe('2026-03-31');
    expect(formatNumber(serial, 'dddd, mmmm d')).toBe('Tuesday, March 31');
    expect(formatNumber(serial, 'h:mm am/pm')).toBe('11:30 PM');
    expect(formatNumber(serial, 'M/d/yyyy H:mm:ss')).toBe('3/31/2026 23:30:00');
    expect(formatNumber(1.5, '[h]:mm')).toBe('36:00');
    expect(isDateTimeFormat('yyyy-mm-dd')).toBe(true);
    expect(isDateTimeFormat('[h]:mm:ss')).toBe(true);
    expect(isDateTimeFormat('#,##0.00 "days"')).toBe(false);
  });
});

describe('TODAY() and NOW()', () => {
  it('use the spreadsheet\'s time zone and the host clock, not the Node process\'s zone', () => {
    // 2026-04-01 02:30 UTC is still March 31 in New York (22:30 EDT).
    const host = createHost({ timeZone: 'America/New_York', now: () => Date.UTC(2026, 3, 1, 2, 30) });
    const sheet = host.globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange('A1:C1').setFormulas([['=TODAY()', '=NOW()', '=TEXT(NOW(),"yyyy-mm-dd hh:mm")']]);
    const [[today, now, text]] = sheet.getRange('A1:C1').getValues();
    expect((today as Date).getTime()).toBe(wallTimeIn('America/New_York', 2026, 3, 31).getTime());
    expect((now as Date).getTime()).toBe(Date.UTC(2026, 3, 1, 2, 30));
    expect(text).toBe('2026-03-31 22:30');
  });
});
