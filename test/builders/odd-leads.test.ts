/**
 * Leads at the edges of the rules, in every built sheet: a lead with no status but an arrival date
 * (a lead by its date alone), and text such as "n/a" in a stage-date column. The sheets' formulas,
 * evaluated by the offline engine, must give exactly the values src/core cached for them (medians
 * included), and the sheet's note must say what happened to the text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import type { BuildRequest } from '../../src/core/report/index.ts';
import { sampleLeads } from '../../src/core/sample.ts';
import { createHost, type Host } from '../../src/offline/host/index.ts';
import { TZ, build, expectPlanComputedByEngine } from './helpers.ts';

beforeAll(async () => {
  await buildDist();
});

describe('leads by their date alone, and stage dates written as text', () => {
  let host: Host;
  let textDates = 0;
  let dateOnly = 0;
  beforeAll(() => {
    host = createHost({ timeZone: TZ, strictGridBounds: true });
    const sample = sampleLeads({ rows: 600, seed: 3, timeZone: TZ, from: '2025-01-01', days: 365, stageDates: true });
    const statusAt = sample.headers.indexOf('Lead Status');
    const stageDateAt = sample.headers.findIndex((header, at) => at > statusAt && /date/i.test(header) && !/created/i.test(header));
    expect(statusAt).toBeGreaterThanOrEqual(0);
    expect(stageDateAt, sample.headers.join('|')).toBeGreaterThanOrEqual(0);
    sample.rows.forEach((row, i) => {
      if (i % 7 === 0) {
        row[statusAt] = '';
        dateOnly++;
      } else if (i % 11 === 0) {
        row[stageDateAt] = 'n/a';
        textDates++;
      }
    });
    host.addSheet('Leads', [sample.headers, ...sample.rows]);
    host.loadBundle();
  }, 120_000);

  const requests: [string, BuildRequest][] = [['Funnel', { kind: 'funnel' }], ['Net lead flow', { kind: 'flow' }], ['Lead review', { kind: 'checklist', leads: 'all', period: 'quarter' }]];
  for (const [sheet, request] of requests) {
    it(`the ${sheet} sheet computes what src/core cached`, () => {
      const built = build(host, request);
      expect(built.result.ok).toBe(true);
      expectPlanComputedByEngine(host, built.plan, sheet);
      const note = built.plan.notes.find((line) => line.includes('not a date'));
      expect(note).toMatch(new RegExp(`^${textDates} rows have text that is not a date in ".+": those cells take no lead to that stage\\.`));
      expect(dateOnly).toBeGreaterThan(50);
    }, 120_000);
  }
});
