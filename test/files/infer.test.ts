import { describe, expect, it } from 'vitest';
import { CURRENCY_FORMAT, DATE_FORMAT, DATETIME_FORMAT, inferCell } from '../../src/offline/files/infer.ts';
import { dateToSerial, dateToWallTime, serialToDate, wallTimeToDate } from '../../src/offline/files/timezone.ts';

const NY = 'America/New_York';
const cell = (s: string, tz = NY) => inferCell(s, tz);
const iso = (s: string, tz = NY) => {
  const c = inferCell(s, tz);
  return { value: c.value instanceof Date ? c.value.toISOString() : c.value, format: c.format };
};

describe('numbers (Sheets en_US import)', () => {
  it.each([
    ['1200', 1200, null],
    ['-3.5', -3.5, null],
    ['.5', 0.5, null],
    ['+7', 7, null],
    ['1.', 1, null],
    [' 42 ', 42, null],
    ['1,200', 1200, '#,##0'],
    ['1,200.50', 1200.5, '#,##0.00'],
    ['-12,345,678', -12345678, '#,##0'],
    ['1.5E3', 1500, '0.00E+00'],
    ['$22,700.00', 22700, CURRENCY_FORMAT],
    ['$22,700', 22700, CURRENCY_FORMAT],
    ['-$5', -5, CURRENCY_FORMAT],
    ['$-5.25', -5.25, CURRENCY_FORMAT],
    ['12%', 0.12, '0%'],
    ['12.5%', 0.125, '0.00%'],
    ['-7%', -0.07, '0%'],
    ['0', 0, null],
    ['-0', 0, null],
  ])('%j → %j (%j)', (s, value, format) => {
    const c = cell(s);
    expect(c.value).toBe(value);
    expect(c.format).toBe(format);
  });

  it('turns leading-zero digit strings into numbers, as Sheets does', () => {
    expect(cell('00123')).toEqual({ value: 123, format: null });
    expect(cell('02134')).toEqual({ value: 2134, format: null });
  });

  it.each([
    ['12345678901234567890', 'more than 15 significant digits would be rounded'],
    ['+14155552671', 'E.164 phone number'],
    ['1,2,3', 'bad grouping'],
    ['12,5', 'decimal comma'],
    ['1 200', 'space grouping'],
    ['$342.09K', 'suffix'],
    ['€5', 'non-en_US currency'],
    ['(1,200)', 'accounting negative'],
    ['0x1F', 'hex'],
    ['Infinity', 'not a number'],
    ['1e400', 'overflows'],
    ['-$-5', 'two signs'],
    ['660-485-0224', 'phone number'],
  ])('keeps %j as text (%s)', s => {
    expect(cell(s)).toEqual({ value: s, format: null });
  });
});

describe('booleans, empties and text', () => {
  it('reads TRUE/FALSE in any case', () => {
    expect(cell('TRUE').value).toBe(true);
    expect(cell('false').value).toBe(false);
    expect(cell('True').value).toBe(true);
  });

  it('keeps other text exactly as written', () => {
    for (const s of ['Yes', 'No', '  padded  ', 'Lead 7', 'a,b', '=SUM(A1:A3)', '@mention', 'v1.2.3', 'TRUEISH']) {
      expect(cell(s)).toEqual({ value: s, format: null });
    }
  });

  it('empty stays empty; whitespace stays as written', () => {
    expect(cell('')).toEqual({ value: '', format: null });
    expect(cell('   ')).toEqual({ value: '   ', format: null });
  });
});

describe('dates and date-times (wall time in the given zone)', () => {
  it.each([
    // ISO
    ['2021-04-15', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['2021-01-15', '2021-01-15T05:00:00.000Z', DATE_FORMAT], // EST in winter
    ['2021/04/15', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['2021-04-15 23:03:00', '2021-04-16T03:03:00.000Z', DATETIME_FORMAT],
    ['2021-04-15 23:03', '2021-04-16T03:03:00.000Z', DATETIME_FORMAT],
    ['2021-04-15T23:03:00', '2021-04-16T03:03:00.000Z', DATETIME_FORMAT],
    ['2021-04-15T23:03:00.250', '2021-04-16T03:03:00.250Z', DATETIME_FORMAT],
    // explicit instants
    ['2021-04-15T23:03:00Z', '2021-04-15T23:03:00.000Z', DATETIME_FORMAT],
    ['2021-04-15T23:03:00+02:00', '2021-04-15T21:03:00.000Z', DATETIME_FORMAT],
    ['2021-04-15T23:03:00-0530', '2021-04-16T04:33:00.000Z', DATETIME_FORMAT],
    // Zoho
    ['15 Apr, 2021 00:03:00', '2021-04-15T04:03:00.000Z', DATETIME_FORMAT],
    ['15 Apr, 2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    // US
    ['04/15/2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['4/15/2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['4/15/21', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['1/2/45', '1945-01-02T04:00:00.000Z', DATE_FORMAT],
    ['04/15/2021 11:03 PM', '2021-04-16T03:03:00.000Z', DATETIME_FORMAT],
    ['04/15/2021 12:00 am', '2021-04-15T04:00:00.000Z', DATETIME_FORMAT],
    ['4/15/2021 23:03:05', '2021-04-16T03:03:05.000Z', DATETIME_FORMAT],
    // month names
    ['15-Apr-2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['15-apr-2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['15 April 2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['Apr 15, 2021', '2021-04-15T04:00:00.000Z', DATE_FORMAT],
    ['Sept 1, 2021', '2021-09-01T04:00:00.000Z', DATE_FORMAT],
    ['April 15 2021 3:04 PM', '2021-04-15T19:04:00.000Z', DATETIME_FORMAT],
    ['2020-02-29', '2020-02-29T05:00:00.000Z', DATE_FORMAT],
  ])('%j → %s', (s, instant, format) => {
    expect(iso(s)).toEqual({ value: instant, format });
  });

  it('uses the timeZone option for wall times, not the machine zone', () => {
    expect(iso('2021-04-15 23:03:00', 'Europe/Berlin').value).toBe('2021-04-15T21:03:00.000Z');
    expect(iso('2021-04-15 23:03:00', 'UTC').value).toBe('2021-04-15T23:03:00.000Z');
    expect(iso('2021-04-15', 'Asia/Tokyo').value).toBe('2021-04-14T15:00:00.000Z');
    // an explicit Z is the same instant whatever the zone
    expect(iso('2021-04-15T23:03:00Z', 'Asia/Tokyo').value).toBe('2021-04-15T23:03:00.000Z');
  });

  it('resolves daylight-saving gaps forward and overlaps to the earlier instant', () => {
    expect(iso('2021-03-14 02:30:00').value).toBe('2021-03-14T07:30:00.000Z'); // shown as 03:30 EDT
    expect(iso('2021-11-07 01:30:00').value).toBe('2021-11-07T05:30:00.000Z'); // first 01:30 (EDT)
    expect(iso('2021-03-14 03:30:00').value).toBe('2021-03-14T07:30:00.000Z');
  });

  it.each([
    '2021-02-29', '2021-13-01', '2021-04-31', '13/45/2021', '2021-04-15 25:00', '2021-04-15 10:60',
    '4/15', '3-4', '15-Foo-2021', '2021-04-15 13:00 PM', '2021-04-15T10:00Z PM', '32 Jan 2021',
  ])('keeps impossible or partial date %j as text', s => {
    expect(cell(s)).toEqual({ value: s, format: null });
  });
});

describe('time zone helpers', () => {
  it('round-trips wall times and serials in a zone', () => {
    const w = { year: 2021, month: 4, day: 15, hour: 23, minute: 3, second: 0, millisecond: 0 };
    const d = wallTimeToDate(w, 'Asia/Kolkata');
    expect(d.toISOString()).toBe('2021-04-15T17:33:00.000Z');
    expect(dateToWallTime(d, 'Asia/Kolkata')).toEqual(w);
    const serial = dateToSerial(d, 'Asia/Kolkata');
    expect(serial).toBeCloseTo(44301 + (23 * 60 + 3) / 1440, 9);
    expect(serialToDate(serial, 'Asia/Kolkata').toISOString()).toBe(d.toISOString());
  });

  it('rejects an unknown zone with a clear message', () => {
    expect(() => inferCell('2021-04-15', 'Mars/Olympus')).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });
});
