import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPipeline } from '../../src/core/pipeline';
import { SAMPLE_HEADERS, STAGE_DATE_HEADERS, sampleLeads } from '../../src/core/sample';
import { timeZoneClock } from '../../src/core/time';
import { DateReader } from '../../src/core/values';

/** The generator is the test bed of the other property tests: its truth must agree with the sheet it writes. */

const DAY = 86_400_000;
const ctx = { fn: 'TEST', arg: 'sample' };
const STATUS = SAMPLE_HEADERS.indexOf('Lead Status');
const ARRIVED = SAMPLE_HEADERS.indexOf('Created Time');

describe('sampleLeads', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = sampleLeads({ rows: 50, seed: 7, dateStyle: 'iso' });
    const b = sampleLeads({ rows: 50, seed: 7, dateStyle: 'iso' });
    const c = sampleLeads({ rows: 50, seed: 8, dateStyle: 'iso' });
    expect(a).toEqual(b);
    expect(a.rows).not.toEqual(c.rows);
  });

  it('writes the headers, one row per lead, and stage-date columns on request', () => {
    const s = sampleLeads({ rows: 20, seed: 1 });
    expect(s.headers).toEqual(SAMPLE_HEADERS);
    expect(s.rows).toHaveLength(20);
    expect(s.rows.every((r) => r.length === SAMPLE_HEADERS.length)).toBe(true);
    const d = sampleLeads({ rows: 20, seed: 1, stageDates: true });
    expect(d.headers).toEqual([...SAMPLE_HEADERS, ...STAGE_DATE_HEADERS]);
    expect(d.rows.every((r) => r.length === SAMPLE_HEADERS.length + 4)).toBe(true);
  });

  it('every status resolves to the stage and exit of the truth; dates agree with how far a lead got', () => {
    const pipeline = defaultPipeline();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.constantFrom('UTC', 'America/New_York', 'Australia/Sydney'),
        fc.constantFrom('date' as const, 'iso' as const, 'zoho' as const),
        (seed, timeZone, dateStyle) => {
          const s = sampleLeads({ rows: 60, seed, from: '2026-01-01', days: 120, timeZone, dateStyle, stageDates: true });
          const dates = new DateReader(timeZoneClock(timeZone));
          s.rows.forEach((row, i) => {
            const t = s.truth[i];
            const r = pipeline.resolve(row[STATUS])!;
            expect(r, String(row[STATUS])).toBeDefined();
            expect(r.stage).toBe(t.stage);
            expect(r.exit < 0 ? null : pipeline.exitNames[r.exit]).toBe(t.exit);
            // Arrival reads back on the same wall day (a Date in a DST gap may shift by an hour, never a day).
            const arrived = dates.read(row[ARRIVED], ctx);
            expect(Math.floor(arrived / DAY)).toBe(Math.floor(t.arrivedWall / DAY));
            expect(Math.abs(arrived - t.arrivedWall)).toBeLessThanOrEqual(3_600_000);
            // A date for each stage reached after Arrived, none beyond, in order.
            let last = arrived;
            for (let k = 1; k <= 4; k++) {
              const cell = row[SAMPLE_HEADERS.length + k - 1];
              if (k <= t.stage) {
                const w = dates.read(cell, ctx);
                expect(w).toBeGreaterThan(last - 3_600_000);
                last = w;
              } else expect(cell).toBe('');
            }
            // Deal values only for leads that became opportunities.
            if (t.stage < 3) expect(row[SAMPLE_HEADERS.indexOf('Deal Value')]).toBe('');
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the sample is consistent with itself', () => {
  it('a lead marked "Not Contacted" has no contact attempts and no first response; a reviewed lead has both', () => {
    const s = sampleLeads({ rows: 3000, seed: 9, timeZone: 'America/New_York' });
    const col = (h: string) => s.headers.indexOf(h);
    let notContacted = 0;
    s.rows.forEach((r, i) => {
      if (/not contacted/i.test(String(r[col('Lead Status')]))) {
        notContacted++;
        expect(r[col('Contact Attempts')]).toBe(0);
        expect(r[col('First Response (hours)')]).toBe('');
      }
      if (s.truth[i].stage >= 1) expect(r[col('Contact Attempts')] as number).toBeGreaterThan(0);
    });
    expect(notContacted).toBeGreaterThan(50);
  });
});
