import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LeadFlowError } from '../../src/core/errors';
import { timeZoneClock, utcClock } from '../../src/core/time';
import {
  DateReader, assertSameHeight, column, endExclusive, isBlank, isDate, isOmitted, normalizeLabel, parseDateText, readNumber, toGrid,
} from '../../src/core/values';

const ctx = { fn: 'FUNNEL', arg: 'deal_values' };
const dctx = { fn: 'NETLEADFLOW', arg: 'arrived_dates' };
const DAY = 86_400_000;
/** Wall time written out by hand: the calendar date and clock time, stored as if UTC. */
const wall = (y: number, m: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, m - 1, d, h, mi, s);

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('readNumber', () => {
  it.each([
    ['$22,700.00', 22700],
    ['1,200', 1200],
    ['(350)', -350],
    ['12%', 0.12],
    ['1 200', 1200],
    ['1\u00a0200', 1200],
    ['  42  ', 42],
    ['-17.5', -17.5],
    ['-$1,250.50', -1250.5],
    ['€9,999', 9999],
    ['£0.99', 0.99],
    ['22,700 USD', 22700],
    ['.5', 0.5],
    ['(12%)', -0.12],
    ['12.5 %', 0.125],
  ])('reads %j as %d', (text, expected) => {
    expect(readNumber(text, ctx)).toBeCloseTo(expected, 12);
  });

  it('passes numbers through unchanged, including 0 and negatives', () => {
    expect(readNumber(0, ctx)).toBe(0);
    expect(readNumber(-3.25, ctx)).toBe(-3.25);
    expect(readNumber(1e9, ctx)).toBe(1e9);
  });

  it.each([[''], ['   '], [null], [undefined]])('reads blank %j as NaN', (v) => {
    expect(readNumber(v, ctx)).toBeNaN();
  });

  it('rejects text that is not a number, naming the function, the argument and the row', () => {
    const e = errorOf(() => readNumber('abc', ctx, 7));
    expect(e).toBeInstanceOf(LeadFlowError);
    expect(e.message).toMatch(/^FUNNEL: deal_values /);
    expect(e.message).toContain('row 7');
    expect(e.message).toContain('"abc"');
    expect(e.message).toContain('not a number');
  });

  it.each([['n/a'], ['1e5'], ['$'], ['12-13'], ['1.2.3'], ['--5']])('rejects %j', (text) => {
    expect(() => readNumber(text, ctx, 2)).toThrow(/FUNNEL: deal_values row 2 /);
  });

  it('rejects a half-written accounting negative like "(350" instead of reading +350', () => {
    expect(() => readNumber('(350', ctx, 4)).toThrow(/FUNNEL: deal_values row 4/);
    expect(() => readNumber('350)', ctx, 5)).toThrow(/FUNNEL: deal_values row 5/);
  });

  it('rejects booleans rather than reading TRUE as 1', () => {
    expect(() => readNumber(true, ctx, 3)).toThrow(/FUNNEL: deal_values row 3 holds true/);
    expect(() => readNumber(false, ctx)).toThrow(/FUNNEL: deal_values holds false/);
  });

  it('leaves the row out of the message when no row is given', () => {
    const e = errorOf(() => readNumber('lots', ctx));
    expect(e.message).not.toMatch(/row/);
  });
});

describe('DateReader', () => {
  const ny = new DateReader(timeZoneClock('America/New_York'));
  const utc = new DateReader(utcClock);

  it('reads a Date object as wall time in the spreadsheet time zone', () => {
    // 23:30 EDT on 31 March is 03:30 UTC on 1 April.
    expect(ny.read(new Date('2026-04-01T03:30:00Z'), dctx)).toBe(wall(2026, 3, 31, 23, 30));
    // 09:15 EST in January is 14:15 UTC.
    expect(ny.read(new Date('2026-01-15T14:15:00Z'), dctx)).toBe(wall(2026, 1, 15, 9, 15));
    expect(utc.read(new Date('2026-01-15T14:15:00Z'), dctx)).toBe(wall(2026, 1, 15, 14, 15));
  });

  it('reads Date objects from another realm (node:vm) like local ones', () => {
    const foreign = vm.runInNewContext('new Date(0)');
    expect(foreign instanceof Date).toBe(false);
    expect(isDate(foreign)).toBe(true);
    expect(utc.read(foreign, dctx)).toBe(0);
    // 1970-01-01T00:00Z is 19:00 on 31 December 1969 in New York.
    expect(ny.read(foreign, dctx)).toBe(wall(1969, 12, 31, 19));
    const later = vm.runInNewContext('new Date(Date.UTC(2026, 2, 31, 15, 0))');
    expect(ny.read(later, dctx)).toBe(wall(2026, 3, 31, 11));
  });

  it('rejects an invalid Date object, also from another realm', () => {
    expect(() => ny.read(new Date(NaN), dctx, 4)).toThrow(/NETLEADFLOW: arrived_dates row 4 holds an invalid date/);
    expect(() => ny.read(vm.runInNewContext('new Date(NaN)'), dctx, 5)).toThrow(/row 5 holds an invalid date/);
  });

  it('reads date serials the way Sheets numbers days (46112 = 2026-03-31)', () => {
    expect(ny.read(46112, dctx)).toBe(wall(2026, 3, 31));
    expect(ny.read(46112.75, dctx)).toBe(wall(2026, 3, 31, 18));
    expect(ny.read(1, dctx)).toBe(wall(1899, 12, 31));
    expect(ny.read(25569, dctx)).toBe(0);
    expect(ny.read(45658, dctx)).toBe(wall(2025, 1, 1));
  });

  it.each([[0], [-5], [3_000_000], [NaN]])('rejects the number %d as a date serial', (n) => {
    expect(() => ny.read(n, dctx, 9)).toThrow(/NETLEADFLOW: arrived_dates row 9 holds the number .* which is not a date/);
  });

  it.each([
    ['2026-03-31', wall(2026, 3, 31)],
    ['2021-04-15 23:03:00', wall(2021, 4, 15, 23, 3)],
    ['2021-04-15T23:03', wall(2021, 4, 15, 23, 3)],
    ['2021-04-15T23:03:07.250', wall(2021, 4, 15, 23, 3, 7)],
    ['2021-4-5', wall(2021, 4, 5)],
    ['15 Apr, 2021 00:03:00', wall(2021, 4, 15, 0, 3)],
    ['15 Apr 2021', wall(2021, 4, 15)],
    ['15 April 2021', wall(2021, 4, 15)],
    ['15-Apr-2021', wall(2021, 4, 15)],
    ['5 Sept 2021', wall(2021, 9, 5)],
    ['15 Apr, 2021 12:03:00 AM', wall(2021, 4, 15, 0, 3)],
    ['15 Apr, 2021 3:05 pm', wall(2021, 4, 15, 15, 5)],
    ['Apr 15, 2021', wall(2021, 4, 15)],
    ['April 15 2021 3:05 PM', wall(2021, 4, 15, 15, 5)],
    ['04/15/2021', wall(2021, 4, 15)],
    ['4/5/2021', wall(2021, 4, 5)],
    ['15/04/2021', wall(2021, 4, 15)],
    ['04/15/2021 18:30', wall(2021, 4, 15, 18, 30)],
    ['  2026-03-31  ', wall(2026, 3, 31)],
  ])('reads %j', (text, expected) => {
    expect(ny.read(text, dctx)).toBe(expected);
  });

  it('reads text without a zone as wall time, whatever the spreadsheet zone', () => {
    for (const tz of ['America/New_York', 'Asia/Kolkata', 'Australia/Sydney']) {
      expect(new DateReader(timeZoneClock(tz)).read('2026-03-31 23:30:00', dctx)).toBe(wall(2026, 3, 31, 23, 30));
    }
  });

  it('converts text with an explicit zone into the spreadsheet wall time', () => {
    // 03:30 UTC on 1 April = 23:30 EDT on 31 March.
    expect(ny.read('2026-04-01T03:30:00Z', dctx)).toBe(wall(2026, 3, 31, 23, 30));
    expect(utc.read('2026-04-01T03:30:00Z', dctx)).toBe(wall(2026, 4, 1, 3, 30));
    // 09:00 at +05:30 is 03:30 UTC, 23:30 the evening before in New York.
    expect(ny.read('2026-04-01T09:00:00+05:30', dctx)).toBe(wall(2026, 3, 31, 23, 30));
    expect(ny.read('2026-04-01T09:00:00+0530', dctx)).toBe(wall(2026, 3, 31, 23, 30));
    // -04:00 is New York's own offset in April: the wall time is unchanged.
    expect(ny.read('2026-04-10 08:00:00-04:00', dctx)).toBe(wall(2026, 4, 10, 8));
    const kolkata = new DateReader(timeZoneClock('Asia/Kolkata'));
    expect(kolkata.read('2026-01-10T00:00:00Z', dctx)).toBe(wall(2026, 1, 10, 5, 30));
  });

  it.each([
    ['2021-02-30'],
    ['2021-02-29'],
    ['2021-04-31 10:00'],
    ['2021-13-01'],
    ['2021-04-15 24:00'],
    ['2021-04-15 23:60'],
    ['31 Apr, 2021'],
    ['13/13/2021'],
    ['02/30/2021'],
    ['15 Foo 2021'],
    ['soon'],
    ['2021/04/15x'],
  ])('rejects the invalid date %j, naming function, argument and row', (text) => {
    const e = errorOf(() => ny.read(text, dctx, 12));
    expect(e).toBeInstanceOf(LeadFlowError);
    expect(e.message).toMatch(/^NETLEADFLOW: arrived_dates row 12 holds /);
    expect(e.message).toContain(JSON.stringify(text.trim()));
    expect(e.message).toContain('not a date');
  });

  it('rejects words that merely start like a month name ("15 Junk 2021", "1 Decade 2021")', () => {
    expect(() => ny.read('15 Junk 2021', dctx, 1)).toThrow(/not a date/);
    expect(() => ny.read('1 Decade 2021', dctx, 2)).toThrow(/not a date/);
  });

  it('accepts 29 February in a leap year', () => {
    expect(ny.read('2024-02-29', dctx)).toBe(wall(2024, 2, 29));
  });

  it('keeps rejecting an invalid text once it is cached, with the row of each occurrence', () => {
    const r = new DateReader(utcClock);
    expect(() => r.read('2021-02-30', dctx, 1)).toThrow(/row 1/);
    expect(() => r.read('2021-02-30', dctx, 2)).toThrow(/row 2/);
    expect(r.read('2021-02-28', dctx, 3)).toBe(wall(2021, 2, 28));
  });

  it('reads blanks as NaN and rejects booleans', () => {
    expect(ny.read('', dctx)).toBeNaN();
    expect(ny.read('  ', dctx)).toBeNaN();
    expect(ny.read(null, dctx)).toBeNaN();
    expect(ny.read(undefined, dctx)).toBeNaN();
    expect(() => ny.read(true, dctx, 2)).toThrow(/NETLEADFLOW: arrived_dates row 2 holds true/);
  });

  it('shortens long text in its message', () => {
    const long = 'This lead called back after the webinar and asked for a proposal next quarter';
    const e = errorOf(() => ny.read(long, dctx, 1));
    expect(e.message).not.toContain(long);
    expect(e.message).toContain('...');
  });

  it('parseDateText returns undefined for non-dates instead of throwing', () => {
    expect(parseDateText('Qualified', utcClock)).toBeUndefined();
    expect(parseDateText('2021-02-30', utcClock)).toBeUndefined();
    expect(parseDateText('2021-02-28', utcClock)).toBe(wall(2021, 2, 28));
  });
});

describe('endExclusive', () => {
  it('makes a whole-day end date cover the whole day', () => {
    expect(endExclusive(wall(2026, 3, 31))).toBe(wall(2026, 4, 1));
  });
  it('leaves an end with a time of day as it is', () => {
    expect(endExclusive(wall(2026, 3, 31, 12))).toBe(wall(2026, 3, 31, 12));
  });
  it('also works before 1970', () => {
    expect(endExclusive(wall(1969, 7, 20))).toBe(wall(1969, 7, 20) + DAY);
  });
});

describe('normalizeLabel', () => {
  it.each([
    ['Closed-Won', 'closed won'],
    ['closed_won', 'closed won'],
    ['  CLOSED   WON ', 'closed won'],
    ['Pre-Qualified', 'pre qualified'],
    ['qualified ', 'qualified'],
    ['Proposal/Price Quote', 'proposal price quote'],
    ['Id. Decision Makers', 'id decision makers'],
    ['Closed - Lost', 'closed lost'],
  ])('%j → %j', (label, expected) => {
    expect(normalizeLabel(label)).toBe(expected);
  });

  it('makes spellings of one status equal and different statuses different', () => {
    expect(normalizeLabel('Closed Won')).toBe(normalizeLabel('closed-won'));
    expect(normalizeLabel('Lost')).not.toBe(normalizeLabel('Lost Lead'));
    expect(normalizeLabel('Qualified')).not.toBe(normalizeLabel('Disqualified'));
  });

  it('reads non-text values as their text', () => {
    expect(normalizeLabel(42)).toBe('42');
  });
});

describe('toGrid, column and friends', () => {
  it('wraps a single cell as a 1×1 grid', () => {
    expect(toGrid('Won')).toEqual([['Won']]);
    expect(toGrid(5)).toEqual([[5]]);
    expect(toGrid(undefined)).toEqual([[undefined]]);
  });

  it('keeps a 2D range as it is and reads a flat array as one row', () => {
    const g = [['a', 1], ['b', 2]];
    expect(toGrid(g)).toBe(g);
    expect(toGrid(['a', 'b'])).toEqual([['a', 'b']]);
    expect(toGrid([])).toEqual([]);
  });

  it('reads a mix of rows and bare values as one cell per row, every time it is asked', () => {
    const mixed = [['New'], 'Won', ['Lost']];
    expect(toGrid(mixed)).toEqual([['New'], ['Won'], ['Lost']]);
    expect(toGrid(mixed)).toEqual([['New'], ['Won'], ['Lost']]);
    expect(toGrid(mixed)).not.toBe(mixed);
    // A range of rows, asked again (a function reads its ranges more than once), is the same range.
    const rows = [['New'], ['Won']];
    expect(toGrid(rows)).toBe(rows);
    expect(toGrid(rows)).toBe(rows);
  });

  it('column takes one column of a range', () => {
    expect(column([['New'], ['Won'], ['']], ctx)).toEqual(['New', 'Won', '']);
    expect(column('Won', ctx)).toEqual(['Won']);
  });

  it('column reads a single row across', () => {
    expect(column([['New', 'Won', 'Lost']], ctx)).toEqual(['New', 'Won', 'Lost']);
  });

  it('column rejects a range of several columns, naming function and argument', () => {
    const e = errorOf(() => column([['New', 1], ['Won', 2]], { fn: 'FUNNELBY', arg: 'group_by' }));
    expect(e.message).toBe('FUNNELBY: group_by must be a single column, but has 2 columns.');
  });

  it('isBlank and isOmitted', () => {
    expect(isBlank(' ')).toBe(true);
    expect(isBlank(0)).toBe(false);
    expect(isBlank(false)).toBe(false);
    expect(isOmitted([['', null], [' ', undefined]])).toBe(true);
    expect(isOmitted([['', 'x']])).toBe(false);
    expect(isOmitted(0)).toBe(false);
  });

  it('assertSameHeight names both arguments and their heights', () => {
    expect(() => assertSameHeight('FUNNEL', { name: 'a', length: 3 }, { name: 'b', length: 3 })).not.toThrow();
    expect(() => assertSameHeight('FUNNEL', { name: 'statuses', length: 3 }, { name: 'arrived_dates', length: 2 })).toThrow(
      'FUNNEL: statuses and arrived_dates must be ranges of the same height, but statuses has 3 rows and arrived_dates has 2.',
    );
  });
});
