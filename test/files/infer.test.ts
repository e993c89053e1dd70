import { describe, expect, it } from 'vitest';
import { CURRENCY_FORMAT, DATE_FORMAT, DATETIME_FORMAT, inferCell } from '../../src/offline/files/infer.ts';
import { dateToSerial, dateToWallTime, serialToDate, wallTimeToDate } from '../../src/offline/files/timezone.ts';

const NY = 'America/New_York';
const cell = (s: string, tz = NY) => inferCell(s, tz);
const iso = (s: string, tz = NY) => {
  const c = inferCell(s, tz);
  return { value: c.value instanceof Date ? c.value.toISOString() : c.value, format: c.format };
};

describe('numbers (one field alone: en_US unless told)', () => {
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
    ['1 200', 'plain-space grouping: an ID or phone unless its column holds numbers'],
    ['$342.09K', 'suffix'],
    ['(1)', 'a footnote mark, not an accounting negative'],
    ['(2021)', 'a year in brackets'],
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

describe('numbers in their local forms', () => {
  it.each([
    // decimal comma, thousands as ".", space, no-break space, narrow no-break space
    ['12,5', 12.5, null],
    ['0,5', 0.5, null],
    ['-1.200,00', -1200, '#,##0.00'],
    ['1.234.567', 1234567, '#,##0'],
    ['1 234,50', 1234.5, '#,##0.00'],
    ['1\u00a0234,50', 1234.5, '#,##0.00'],
    ['1\u202f234,50', 1234.5, '#,##0.00'],
    ['1\u00a0234', 1234, '#,##0'],
    // currencies before or after, with or without a space
    ['1.234,50 €', 1234.5, '#,##0.00 "€"'],
    ['1.234,50€', 1234.5, '#,##0.00"€"'],
    ['€1.234,50', 1234.5, '"€"#,##0.00'],
    ['€5', 5, '"€"#,##0.00'],
    ['-€5', -5, '"€"#,##0.00'],
    ['1.234,50 EUR', 1234.5, '#,##0.00 "EUR"'],
    ['R$ 1.234,50', 1234.5, '"R$ "#,##0.00'],
    ['£1,234.50', 1234.5, '"£"#,##0.00'],
    ['USD 12,500.00', 12500, '"USD "#,##0.00'],
    ['12,500.00 USD', 12500, '#,##0.00 "USD"'],
    // accounting negatives
    ['(1,200)', -1200, '#,##0;(#,##0)'],
    ['(12.50)', -12.5, '#,##0.00;(#,##0.00)'],
    ['($5.00)', -5, '$#,##0.00;($#,##0.00)'],
    // percentages
    ['12,5 %', 0.125, '0.00%'],
    ['12 %', 0.12, '0%'],
  ])('%j → %j (%j)', (s, value, format) => {
    expect(cell(s)).toEqual({ value, format });
  });

  it('settles 1,234 and 1.234 by the locale when the field is alone', () => {
    expect(cell('1,234')).toEqual({ value: 1234, format: '#,##0' });
    expect(cell('1.234')).toEqual({ value: 1.234, format: null });
    expect(inferCell('1,234', NY, { locale: 'de_DE' })).toEqual({ value: 1.234, format: null });
    expect(inferCell('1.234', NY, { locale: 'fr_FR' })).toEqual({ value: 1234, format: '#,##0' });
    expect(inferCell('1.234,50 €', NY, { locale: 'en_US' }).value).toBe(1234.5); // unambiguous whatever the locale
  });

  it.each([
    ['ABC 5', 'not a currency code'],
    ['5 kg', 'a unit'],
    ['EUR', 'a code alone'],
    ['1,', 'a trailing comma'],
    ['1.2.3', 'a version'],
    ['1,234.5,6', 'two decimal marks'],
    ['+1 415 555 2671', 'a phone number with spaces'],
    ['+33 6 12 34 56 78', 'a phone number in pairs'],
    ['12 345 Main St', 'an address'],
    ['(555) 123-4567', 'a US phone number'],
  ])('keeps %j as text (%s)', s => {
    expect(cell(s)).toEqual({ value: s, format: null });
  });
});

describe('text that looks like a formula stays text', () => {
  it.each(['=HYPERLINK("http://x","y")', '=1+1', '+ call back', '-- no reply', '@handle', '-', '+', '=', '-x', '+1-800-FLOWERS'])(
    'keeps %j exactly as written', s => {
      expect(cell(s)).toEqual({ value: s, format: null });
    });

  it('still reads signed numbers', () => {
    expect(cell('-5').value).toBe(-5);
    expect(cell('+7').value).toBe(7);
    expect(cell('-1.200,00').value).toBe(-1200);
  });
});

describe('dates in their local forms', () => {
  it.each([
    // day first proven by the value itself, in every separator
    ['20/10/2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['20-10-2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['20.10.2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['20.10.2017 14:05', '2017-10-20T18:05:00.000Z', DATETIME_FORMAT],
    ['20/10/2017 14:05:33', '2017-10-20T18:05:33.000Z', DATETIME_FORMAT],
    ['20/10/2017 2:05 PM', '2017-10-20T18:05:00.000Z', DATETIME_FORMAT],
    ['2017.10.20', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    // month names in other languages
    ['20 oct. 2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['20. Okt. 2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['20. Oktober 2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['3 März 2020', '2020-03-03T05:00:00.000Z', DATE_FORMAT],
    ['20 de outubro de 2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['20 de octubre de 2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['1er janvier 2017', '2017-01-01T05:00:00.000Z', DATE_FORMAT],
    ['15 févr. 2021 10:30', '2021-02-15T15:30:00.000Z', DATETIME_FORMAT],
    ['20-Oct-17', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
    ['Okt 20, 2017', '2017-10-20T04:00:00.000Z', DATE_FORMAT],
  ])('%j → %s', (s, instant, format) => {
    expect(iso(s)).toEqual({ value: instant, format });
  });

  it('reads 01/02/2018 by dateOrder, else by the locale (default en_US: month first)', () => {
    expect(iso('01/02/2018').value).toBe('2018-01-02T05:00:00.000Z');
    expect((inferCell('01/02/2018', NY, { locale: 'en_GB' }).value as Date).toISOString()).toBe('2018-02-01T05:00:00.000Z');
    expect((inferCell('01/02/2018', NY, { dateOrder: 'dmy' }).value as Date).toISOString()).toBe('2018-02-01T05:00:00.000Z');
    expect((inferCell('18/02/01', NY, { dateOrder: 'ymd' }).value as Date).toISOString()).toBe('2018-02-01T05:00:00.000Z');
    // the option wins over what the field shows: 20/10/2017 is no date month first
    expect(inferCell('20/10/2017', NY, { dateOrder: 'mdy' })).toEqual({ value: '20/10/2017', format: null });
  });

  it.each(['20.10.17', '1.2.10', '31/02/2017', '13/13/2017', '00/01/2017', '20 Foo 2017', '20 oct 17'])('keeps %j as text', s => {
    expect(cell(s)).toEqual({ value: s, format: null });
  });

  it('refuses an unknown locale or date order', () => {
    expect(() => inferCell('01/02/2018', NY, { locale: 'not a locale' })).toThrow(/Unknown locale "not a locale"/);
  });
});
