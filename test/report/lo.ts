/**
 * LibreOffice as the judge of a written report: it opens the xlsx, recalculates every formula and
 * writes each sheet as CSV; every formula cell it computes must equal the value LeadFlow cached.
 * Cells only Sheets computes (ARRAYFORMULA, kept by their cached value) and cells that read the
 * clock are left out.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import { expect } from 'vitest';
import { NOT_A_LEAD } from '../../src/core/report/grid.ts';
import type { Plan } from '../../src/core/report/index.ts';
import { columnNumber } from '../../src/offline/files/formulas.ts';
import { findSoffice, recalcProfile, runSoffice } from '../files/helpers.ts';

const NOT_SHARED = /ARRAYFORMULA|\bNOW\(|\bTODAY\(|__xludf/i;
const SERIAL_EPOCH = Date.UTC(1899, 11, 30);

/** A recalculated workbook: each sheet's cells as LibreOffice shows them, by sheet name. */
export type Recalculated = (sheetName: string) => string[][] | undefined;

/** Recalculates xlsx files in one LibreOffice run (one start-up for them all); returns each file's sheets. */
export async function recalcWithLibreOffice(files: string[], workDir: string): Promise<Map<string, Recalculated>> {
  const soffice = findSoffice();
  expect(soffice, 'LibreOffice (soffice) must be installed: apt-get install -y libreoffice-calc-nogui (.ci/run does it)').not.toBeNull();
  const outDir = join(workDir, 'lo-out');
  mkdirSync(outDir, { recursive: true });
  await runSoffice(soffice!, [
    `-env:UserInstallation=${recalcProfile(join(workDir, 'lo-profile'))}`, '--headless', '--norestore',
    // Comma separated, UTF-8, every sheet (-1); the profile makes LibreOffice recalculate on load.
    '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1',
    '--outdir', outDir, ...files,
  ], 300_000);
  return new Map(files.map((file) => {
    const stem = basename(file).replace(/\.xlsx$/, '');
    const sheet: Recalculated = (name) => {
      const csv = join(outDir, `${stem}-${name}.csv`);
      return existsSync(csv) ? Papa.parse<string[]>(readFileSync(csv, 'utf8')).data : undefined;
    };
    return [file, sheet];
  }));
}

/** The text LibreOffice's CSV shows for a number: percent as "45.6%", dates as MM/DD/YYYY. */
function loNumber(text: string): number {
  const t = text.trim();
  if (t.endsWith('%')) return Number(t.slice(0, -1)) / 100;
  const d = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
  if (d) return (Date.UTC(+d[3], +d[1] - 1, +d[2]) - SERIAL_EPOCH) / 86_400_000;
  const iso = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (iso) return (Date.UTC(+iso[1], +iso[2] - 1, +(iso[3] ?? 1), +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0)) - SERIAL_EPOCH) / 86_400_000;
  return Number(t.replace(/,/g, ''));
}

/** Every shared formula of each plan equals LibreOffice's recalculated cell; returns how many were compared. */
export function expectPlansRecalculated(plans: Plan[], sheetsOf: (name: string) => string[][] | undefined, label = ''): number {
  let compared = 0;
  for (const plan of plans) {
    const lo = sheetsOf(plan.name);
    expect(lo, `${label} LibreOffice wrote the sheet ${plan.name}`).toBeDefined();
    plan.cells.forEach((row, r) => row.forEach((f, c) => {
      // Rows 1 to 5 hold the sheet's title and "as of" cells, some read from NOW().
      if (typeof f !== 'string' || !f.startsWith('=') || NOT_SHARED.test(f) || r < 5) return;
      const ours = plan.values[r][c];
      const theirs = lo![r]?.[c] ?? '';
      const where = `${label} ${plan.name}!R${r + 1}C${c + 1} ${f.slice(0, 200)}`;
      if (typeof ours === 'number') expect(Math.abs(loNumber(theirs) - ours), `${where}: LibreOffice shows ${theirs}, LeadFlow cached ${ours}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ours)));
      else if (typeof ours === 'boolean') expect(theirs.toUpperCase(), where).toBe(String(ours).toUpperCase());
      else expect(theirs, where).toBe(String(ours));
      compared++;
    }));
    // The counts an array formula spills (FREQUENCY) hold no formula of their own: compared here.
    for (const [top, column, rows] of plan.spills ?? []) {
      for (let r = top; r < top + rows; r++) {
        const [ours, theirs] = [plan.values[r - 1][column - 1], lo![r - 1]?.[column - 1] ?? ''];
        expect(loNumber(theirs), `${label} ${plan.name}!R${r}C${column} (spilled): LibreOffice shows ${theirs}, LeadFlow cached ${ours}`).toBe(ours);
        compared++;
      }
    }
    // The per-lead sheet: each lead's stage no. and keys as LibreOffice computes them from the leads, against src/core's.
    if (plan.xlsx) {
      const { name, headerRow, columns } = plan.xlsx.perLead;
      const perLead = sheetsOf(name);
      expect(perLead, `${label} LibreOffice wrote the sheet ${name}`).toBeDefined();
      columns.forEach((perLeadColumn, c) => {
        // A column another per-lead sheet works out (its title says where) is read there.
        const sharedFrom = /\(read from column ([A-Z]+) of (.+?) while .+ is TRUE; .*\)$/.exec(perLead![headerRow - 1]?.[c] ?? '');
        const source = sharedFrom ? sheetsOf(sharedFrom[2]) : perLead;
        const sourceColumn = sharedFrom ? columnNumber(sharedFrom[1]) - 1 : c;
        expect(source, `${label} LibreOffice wrote the sheet ${sharedFrom?.[2]}`).toBeDefined();
        for (let i = 0; i < perLeadColumn.values.length; i++) {
          const [ours, theirs] = [perLeadColumn.values[i] === NOT_A_LEAD ? '' : perLeadColumn.values[i], source![headerRow + i]?.[sourceColumn] ?? ''];
          expect(ours === '' ? theirs : loNumber(theirs), `${label} ${name}: ${perLeadColumn.title} of lead ${i + 1}`).toBe(ours);
        }
        compared += perLeadColumn.values.length;
      });
    }
  }
  return compared;
}
