import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS, PeriodUnit, formatWallDate, isMidnight, nextPeriodStart, periodLabel, periodStart, serialToWall, startOfDay, timeZoneClock,
  utcClock, wallToSerial,
} from '../../src/core/time';

const wall = (y: number, m: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, m - 1, d, h, mi, s);
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

/** Reference wall time straight from Intl, one call per instant (no caching). */
const formats = new Map<string, Intl.DateTimeFormat>();
function intlWall(timeZone: string, instant: number): number {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(instant))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (((instant % 1000) + 1000) % 1000);
}

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Sydney'] as const;

describe('timeZoneClock: offsets written out by hand', () => {
  it('New York: EST in winter, EDT in summer', () => {
    const c = timeZoneClock('America/New_York');
    expect(c.toWall(at('2026-01-15T17:00:00Z'))).toBe(wall(2026, 1, 15, 12));
    expect(c.toWall(at('2026-07-15T17:00:00Z'))).toBe(wall(2026, 7, 15, 13));
  });

  it('New York spring forward (8 March 2026, 02:00 EST → 03:00 EDT at 07:00 UTC)', () => {
    const c = timeZoneClock('America/New_York');
    expect(c.toWall(at('2026-03-08T06:59:00Z'))).toBe(wall(2026, 3, 8, 1, 59));
    expect(c.toWall(at('2026-03-08T07:00:00Z'))).toBe(wall(2026, 3, 8, 3, 0));
    expect(c.toInstant(wall(2026, 3, 8, 1, 59))).toBe(at('2026-03-08T06:59:00Z'));
    expect(c.toInstant(wall(2026, 3, 8, 3, 0))).toBe(at('2026-03-08T07:00:00Z'));
  });

  it('New York fall back (1 November 2026): 01:30 happens twice', () => {
    const c = timeZoneClock('America/New_York');
    expect(c.toWall(at('2026-11-01T05:30:00Z'))).toBe(wall(2026, 11, 1, 1, 30)); // EDT
    expect(c.toWall(at('2026-11-01T06:30:00Z'))).toBe(wall(2026, 11, 1, 1, 30)); // EST
    expect([at('2026-11-01T05:30:00Z'), at('2026-11-01T06:30:00Z')]).toContain(c.toInstant(wall(2026, 11, 1, 1, 30)));
    expect(c.toInstant(wall(2026, 11, 1, 2, 30))).toBe(at('2026-11-01T07:30:00Z'));
    expect(c.toInstant(wall(2026, 11, 1, 0, 30))).toBe(at('2026-11-01T04:30:00Z'));
  });

  it('London: GMT, then BST from 29 March 2026 01:00 UTC to 25 October 01:00 UTC', () => {
    const c = timeZoneClock('Europe/London');
    expect(c.toWall(at('2026-03-29T00:59:00Z'))).toBe(wall(2026, 3, 29, 0, 59));
    expect(c.toWall(at('2026-03-29T01:00:00Z'))).toBe(wall(2026, 3, 29, 2, 0));
    expect(c.toWall(at('2026-10-25T00:30:00Z'))).toBe(wall(2026, 10, 25, 1, 30));
    expect(c.toWall(at('2026-10-25T01:30:00Z'))).toBe(wall(2026, 10, 25, 1, 30));
    expect(c.toInstant(wall(2026, 6, 1, 9))).toBe(at('2026-06-01T08:00:00Z'));
    expect(c.toInstant(wall(2026, 12, 1, 9))).toBe(at('2026-12-01T09:00:00Z'));
  });

  it('Kolkata: always UTC+05:30', () => {
    const c = timeZoneClock('Asia/Kolkata');
    for (const iso of ['2026-01-01T00:00:00Z', '2026-03-29T01:00:00Z', '2026-07-01T18:45:00Z', '2026-10-25T01:30:00Z']) {
      expect(c.toWall(at(iso))).toBe(at(iso) + 5.5 * HOUR);
      expect(c.toInstant(at(iso) + 5.5 * HOUR)).toBe(at(iso));
    }
    expect(c.toWall(at('2026-03-31T18:29:00Z'))).toBe(wall(2026, 3, 31, 23, 59));
    expect(c.toWall(at('2026-03-31T18:30:00Z'))).toBe(wall(2026, 4, 1, 0, 0));
  });

  it('Sydney: DST ends 5 April 2026 (03:00 AEDT → 02:00 AEST) and starts 4 October 2026', () => {
    const c = timeZoneClock('Australia/Sydney');
    expect(c.toWall(at('2026-04-04T15:30:00Z'))).toBe(wall(2026, 4, 5, 2, 30)); // AEDT +11
    expect(c.toWall(at('2026-04-04T16:30:00Z'))).toBe(wall(2026, 4, 5, 2, 30)); // AEST +10
    expect(c.toInstant(wall(2026, 4, 5, 1, 30))).toBe(at('2026-04-04T14:30:00Z'));
    expect(c.toInstant(wall(2026, 4, 5, 3, 30))).toBe(at('2026-04-04T17:30:00Z'));
    expect(c.toWall(at('2026-10-03T15:59:00Z'))).toBe(wall(2026, 10, 4, 1, 59));
    expect(c.toWall(at('2026-10-03T16:00:00Z'))).toBe(wall(2026, 10, 4, 3, 0));
    expect(c.toInstant(wall(2026, 10, 4, 1, 30))).toBe(at('2026-10-03T15:30:00Z'));
    expect(c.toInstant(wall(2026, 10, 4, 3, 30))).toBe(at('2026-10-03T16:30:00Z'));
  });

  it('a lead at 23:30 on 31 March in New York stays in March though the instant is 1 April UTC', () => {
    const c = timeZoneClock('America/New_York');
    const instant = at('2026-04-01T03:30:00Z');
    expect(new Date(instant).getUTCMonth()).toBe(3); // April in UTC
    const w = c.toWall(instant);
    expect(periodLabel(periodStart(w, 'month'), 'month')).toBe('2026-03');
    expect(periodLabel(periodStart(w, 'day'), 'day')).toBe('2026-03-31');
    expect(periodLabel(periodStart(w, 'quarter'), 'quarter')).toBe('2026-Q1');
    expect(formatWallDate(w)).toBe('2026-03-31');
  });

  it('UTC and its synonyms use the identity clock', () => {
    for (const tz of ['UTC', 'Etc/UTC', 'GMT', '']) {
      const c = timeZoneClock(tz);
      expect(c.toWall(123_456_789)).toBe(123_456_789);
      expect(c.toInstant(123_456_789)).toBe(123_456_789);
    }
    expect(utcClock.timeZone).toBe('UTC');
  });
});

describe('timeZoneClock: properties against Intl', () => {
  const instant = fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2035, 0, 1) });

  it('toWall agrees with Intl for the four reference zones', () => {
    for (const tz of ZONES) {
      const c = timeZoneClock(tz);
      fc.assert(fc.property(instant, (i) => c.toWall(i) === intlWall(tz, i)), { numRuns: 150 });
    }
  });

  it('toWall agrees with Intl on every quarter hour around every 2026 transition', () => {
    for (const tz of ZONES) {
      const c = timeZoneClock(tz);
      for (const day of ['2026-03-08', '2026-03-29', '2026-04-04', '2026-10-03', '2026-10-25', '2026-11-01']) {
        const t0 = at(`${day}T00:00:00Z`);
        for (let t = t0 - 12 * HOUR; t < t0 + 36 * HOUR; t += 15 * 60_000) expect(c.toWall(t), `${tz} ${new Date(t).toISOString()}`).toBe(intlWall(tz, t));
      }
    }
  });

  it('wall → instant → wall is the identity for every wall time that exists', () => {
    for (const tz of ZONES) {
      const c = timeZoneClock(tz);
      fc.assert(
        fc.property(instant, (i) => {
          const w = c.toWall(i); // a wall time that exists, since an instant shows it
          const back = c.toInstant(w);
          expect(c.toWall(back)).toBe(w);
          // Either the same instant, or the other instant showing the same wall time (fall-back hour).
          expect(Math.abs(back - i) === 0 || Math.abs(back - i) === HOUR).toBe(true);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('instant → wall → instant is the identity outside the repeated fall-back hour', () => {
    for (const tz of ZONES) {
      const c = timeZoneClock(tz);
      fc.assert(
        fc.property(instant, (i) => {
          const w = c.toWall(i);
          // A wall time is ambiguous when the instant an hour earlier or later shows the same wall time.
          const repeated = intlWall(tz, i + HOUR) === w || intlWall(tz, i - HOUR) === w;
          if (!repeated) expect(c.toInstant(w)).toBe(i);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('toWall is right just after a DST change in half-hour zones (Adelaide, St John\'s)', () => {
    const adelaide = timeZoneClock('Australia/Adelaide');
    // 4 October 2026 02:00 ACST (+09:30) → 03:00 ACDT (+10:30), at 16:30 UTC on 3 October.
    expect(adelaide.toWall(at('2026-10-03T16:45:00Z'))).toBe(wall(2026, 10, 4, 3, 15));
    const stJohns = timeZoneClock('America/St_Johns');
    // 8 March 2026 02:00 NST (−03:30) → 03:00 NDT (−02:30), at 05:30 UTC.
    expect(stJohns.toWall(at('2026-03-08T05:45:00Z'))).toBe(wall(2026, 3, 8, 3, 15));
  });
});

describe('periods', () => {
  // 2026-03-30 is a Monday; 2026-03-29 a Sunday; 2026-01-01 a Thursday.
  it('weeks start on Monday', () => {
    expect(periodStart(wall(2026, 3, 31, 23, 30), 'week')).toBe(wall(2026, 3, 30));
    expect(periodStart(wall(2026, 3, 30, 0, 0), 'week')).toBe(wall(2026, 3, 30));
    expect(periodStart(wall(2026, 3, 29, 23, 59), 'week')).toBe(wall(2026, 3, 23));
    expect(periodStart(wall(2026, 4, 5, 12), 'week')).toBe(wall(2026, 3, 30));
    expect(periodStart(wall(2026, 1, 1), 'week')).toBe(wall(2025, 12, 29));
    expect(periodLabel(wall(2025, 12, 29), 'week')).toBe('2025-12-29');
  });

  it('months, quarters, years and days', () => {
    expect(periodStart(wall(2026, 3, 31, 23, 59), 'month')).toBe(wall(2026, 3, 1));
    expect(periodStart(wall(2026, 4, 1, 0, 0), 'month')).toBe(wall(2026, 4, 1));
    expect(periodStart(wall(2026, 3, 31, 23, 59), 'quarter')).toBe(wall(2026, 1, 1));
    expect(periodStart(wall(2026, 4, 1), 'quarter')).toBe(wall(2026, 4, 1));
    expect(periodStart(wall(2026, 12, 31, 18), 'quarter')).toBe(wall(2026, 10, 1));
    expect(periodStart(wall(2026, 8, 15), 'year')).toBe(wall(2026, 1, 1));
    expect(periodStart(wall(2026, 8, 15, 13, 14), 'day')).toBe(wall(2026, 8, 15));
  });

  it('labels sort and read well', () => {
    expect(periodLabel(wall(2026, 3, 1), 'month')).toBe('2026-03');
    expect(periodLabel(wall(2026, 10, 1), 'month')).toBe('2026-10');
    expect(periodLabel(wall(2026, 1, 1), 'quarter')).toBe('2026-Q1');
    expect(periodLabel(wall(2026, 7, 1), 'quarter')).toBe('2026-Q3');
    expect(periodLabel(wall(2026, 10, 1), 'quarter')).toBe('2026-Q4');
    expect(periodLabel(wall(2026, 1, 1), 'year')).toBe('2026');
    expect(periodLabel(wall(2026, 3, 9), 'day')).toBe('2026-03-09');
  });

  it('next period starts roll over months and years', () => {
    expect(nextPeriodStart(wall(2026, 12, 1), 'month')).toBe(wall(2027, 1, 1));
    expect(nextPeriodStart(wall(2026, 1, 1), 'month')).toBe(wall(2026, 2, 1));
    expect(nextPeriodStart(wall(2026, 10, 1), 'quarter')).toBe(wall(2027, 1, 1));
    expect(nextPeriodStart(wall(2026, 3, 30), 'week')).toBe(wall(2026, 4, 6));
    expect(nextPeriodStart(wall(2026, 2, 28), 'day')).toBe(wall(2026, 3, 1));
    expect(nextPeriodStart(wall(2026, 1, 1), 'year')).toBe(wall(2027, 1, 1));
  });

  it('every wall time lies in its period, and period starts are fixed points', () => {
    const units: PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];
    fc.assert(
      fc.property(fc.integer({ min: wall(1990, 1, 1), max: wall(2040, 1, 1) }), fc.constantFrom(...units), (w, unit) => {
        const s = periodStart(w, unit);
        const next = nextPeriodStart(s, unit);
        expect(s).toBeLessThanOrEqual(w);
        expect(w).toBeLessThan(next);
        expect(periodStart(s, unit)).toBe(s);
        expect(periodStart(next, unit)).toBe(next);
        expect(isMidnight(s)).toBe(true);
        if (unit === 'week') expect(new Date(s).getUTCDay()).toBe(1);
        if (unit === 'month' || unit === 'quarter' || unit === 'year') expect(new Date(s).getUTCDate()).toBe(1);
        if (unit === 'quarter') expect(new Date(s).getUTCMonth() % 3).toBe(0);
        // Labels sort in time order.
        expect(periodLabel(s, unit) < periodLabel(next, unit)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('serials and wall times convert both ways', () => {
    expect(serialToWall(46112)).toBe(wall(2026, 3, 31));
    expect(wallToSerial(wall(2026, 3, 31, 12))).toBe(46112.5);
    expect(serialToWall(wallToSerial(wall(2021, 4, 15, 23, 3)))).toBe(wall(2021, 4, 15, 23, 3));
    expect(startOfDay(wall(2026, 3, 31, 23, 59))).toBe(wall(2026, 3, 31));
    expect(startOfDay(wall(1969, 12, 31, 5))).toBe(wall(1969, 12, 31));
    expect(isMidnight(wall(2026, 3, 31))).toBe(true);
    expect(isMidnight(wall(2026, 3, 31, 0, 0, 1))).toBe(false);
    expect(DAY_MS).toBe(24 * HOUR);
  });
});
