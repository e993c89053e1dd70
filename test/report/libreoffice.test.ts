/**
 * The exported workbook outside Google: LibreOffice opens the report's xlsx, recalculates every
 * formula on load, and gets the numbers LeadFlow cached (counted by src/core), cell by cell, in
 * every built sheet. Cells whose formula only Sheets has (ARRAYFORMULA) keep their cached value
 * and are left out; so are cells that read the clock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { sampleLeads } from '../../src/core/sample';
import { runReport } from '../../src/offline/report';
import { expectPlansRecalculated, recalcWithLibreOffice } from './lo';

const dir = mkdtempSync(join(tmpdir(), 'leadflow-lo-'));

function csvOf(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}

beforeAll(async () => {
  await build();
});

describe('the report in LibreOffice', () => {
  it('recalculates every shared-function cell of every built sheet to the numbers LeadFlow cached', async () => {
    const sample = sampleLeads({ rows: 400, seed: 5, dateStyle: 'iso', timeZone: 'America/New_York', from: '2025-01-01', days: 300, stageDates: true, removalDates: true });
    const input = join(dir, 'leads.csv');
    writeFileSync(input, csvOf(sample.headers, sample.rows));
    const out = join(dir, 'report.xlsx');
    const { plans, sheets } = await runReport({ input, out, action: 'all', progress: null, report: null });
    expect(sheets).toEqual(['Funnel', 'Net lead flow', 'Lead review', 'Funnel · per lead', 'Net lead flow · per lead', 'Lead review · per lead', 'Leads', 'LeadFlow setup']);
    const recalculated = await recalcWithLibreOffice([out], dir);
    // Every build has counted cells; a handful compared would mean the sheets were not built.
    expect(expectPlansRecalculated(plans, recalculated.get(out)!)).toBeGreaterThan(500);
  }, 300_000);
});
