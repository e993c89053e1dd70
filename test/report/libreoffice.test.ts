/**
 * The exported workbook outside Google: LibreOffice opens the report's xlsx, recalculates every
 * formula on load, and gets the numbers the offline host computed, cell by cell, in every built
 * sheet. Cells whose formula only Sheets has (ARRAYFORMULA) keep their cached value and are left
 * out; so are cells that read the clock.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { sampleLeads } from '../../src/core/sample';
import { runReport } from '../../src/offline/report';
import { findSoffice, recalcProfile, runSoffice } from '../files/helpers';

const dir = mkdtempSync(join(tmpdir(), 'leadflow-lo-'));

function csvOf(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}

/** Formulas LibreOffice cannot be expected to recompute the same way: Sheets-only, or reading the clock. */
const NOT_SHARED = /ARRAYFORMULA|\bNOW\(|\bTODAY\(|__xludf/i;

/** LibreOffice's CSV keeps percent cells as "45.6%", whatever "save as shown" says. */
function loNumber(text: string): number {
  const t = text.trim();
  return t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
}

beforeAll(async () => {
  await build();
});

describe('the report in LibreOffice', () => {
  it('recalculates every shared-function cell of every built sheet to the host\'s numbers', async () => {
    const soffice = findSoffice();
    expect(soffice, 'LibreOffice (soffice) must be installed: apt-get install -y libreoffice-calc-nogui (.ci/run does it)').not.toBeNull();
    const sample = sampleLeads({ rows: 400, seed: 5, dateStyle: 'iso', timeZone: 'America/New_York', from: '2025-01-01', days: 300 });
    const input = join(dir, 'leads.csv');
    writeFileSync(input, csvOf(sample.headers, sample.rows));
    const out = join(dir, 'report.xlsx');
    const { host, sheets } = await runReport({ input, out, action: 'all', progress: null });
    expect(sheets).toEqual(['Leads', 'LeadFlow setup', 'Funnel', 'Net lead flow', 'Lead review']);

    const profileDir = join(dir, 'lo-profile');
    mkdirSync(profileDir, { recursive: true });
    await runSoffice(soffice!, [
      `-env:UserInstallation=${recalcProfile(profileDir)}`, '--headless', '--norestore',
      '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1',
      '--outdir', dir, out,
    ]);

    let compared = 0;
    for (const name of ['Funnel', 'Net lead flow', 'Lead review']) {
      const file = join(dir, `report-${name}.csv`);
      expect(existsSync(file), `LibreOffice wrote ${file}`).toBe(true);
      const lo = Papa.parse<string[]>(readFileSync(file, 'utf8')).data;
      const range = host.spreadsheet.getSheetByName(name)!.getDataRange();
      const formulas = range.getFormulas();
      const values = range.getValues();
      formulas.forEach((row, r) => row.forEach((f, c) => {
        if (!f || NOT_SHARED.test(f)) return;
        const ours = values[r][c];
        const theirs = lo[r]?.[c] ?? '';
        const where = `${name}!R${r + 1}C${c + 1} ${f}`;
        if (typeof ours === 'number') {
          expect(loNumber(theirs), where).toBeCloseTo(ours, 6);
        } else if (typeof ours === 'boolean') {
          expect(theirs.toUpperCase(), where).toBe(String(ours).toUpperCase());
        } else if (typeof ours === 'string') {
          expect(theirs, where).toBe(ours);
        } else return;
        compared++;
      }));
    }
    // Every build has counted cells; a handful compared would mean the sheets were not built.
    expect(compared).toBeGreaterThan(100);
  }, 300_000);
});
