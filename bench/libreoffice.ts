/**
 * How heavy the built sheets are where they are opened: LibreOffice recalculating the report of
 * 100,000 leads (every sheet built) beside recalculating a minimal hand-made COUNTIFS funnel of the
 * same leads (one COUNTIFS per stage over the statuses), measured side by side in one run. Target:
 * the report takes no more than 3× the minimal funnel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PIPELINE } from '../src/core/defaults';
import { Pipeline } from '../src/core/pipeline';
import { Layout, fx, lit } from '../src/core/report/grid';
import { STATUS_SPELLINGS } from '../src/core/sample';
import { setupToGrid } from '../src/core/setup';
import { writeReportXlsx } from '../src/offline/files/report-writer';
import { buildDataOf, runReport, understand } from '../src/offline/report';
import { findSoffice, recalcProfile } from '../test/files/helpers';
import { exportOf } from './report';

/** Seconds LibreOffice takes to open an xlsx, recalculate every formula and write it out. */
function recalcSeconds(soffice: string, file: string, dir: string): number {
  const t0 = Date.now();
  execFileSync(soffice, [`-env:UserInstallation=${recalcProfile(join(dir, 'profile'))}`, '--headless', '--norestore',
    '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1', '--outdir', join(dir, 'out'), file], { stdio: 'ignore', timeout: 900_000 });
  return (Date.now() - t0) / 1000;
}

export async function benchLibreOffice(n = 100_000): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  const soffice = findSoffice();
  if (!soffice) return [`\nLibreOffice is not installed: the recalculation figure is skipped.`];
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-lo-bench-'));
  const input = exportOf(n);
  const report = join(dir, 'report.xlsx');
  await runReport({ input, out: report, action: 'all', force: true, progress: null, report: null });

  // The minimal funnel a person would make by hand: per stage, one COUNTIFS of every spelling at or past it.
  const u = await understand({ input, progress: null });
  const data = buildDataOf(u);
  const pipeline = new Pipeline(DEFAULT_PIPELINE);
  const spellings = Object.values(STATUS_SPELLINGS).flat();
  const L = new Layout();
  L.put(1, 1, ['Stage', 'Reached'], 't', 1);
  pipeline.stageNames.forEach((stage, k) => {
    const atOrPast = spellings.filter((s) => (pipeline.resolve(s)?.stage ?? -1) >= k);
    L.put(2 + k, 1, [stage, fx(`SUM(COUNTIFS('${u.sheetName}'!$G:$G,{${atOrPast.map(lit).join(',')}}))`, 0)], 'ti');
  });
  const minimal = join(dir, 'minimal.xlsx');
  const columnFormats = u.table.rows[0].map(() => null);
  await writeReportXlsx(minimal, { plans: [L.plan('funnel', 'Hand-made funnel')], timeZone: u.timeZone, leads: { name: u.sheetName, rows: u.table.rows, columnFormats }, setup: { name: 'LeadFlow setup', rows: setupToGrid(u.setup) } }, { force: true });

  const hand = recalcSeconds(soffice, minimal, dir);
  const ours = recalcSeconds(soffice, report, dir);
  say(`\nLibreOffice opening and recalculating ${n.toLocaleString('en-US')} leads (target: the report within 3× of a minimal COUNTIFS funnel)`);
  say(`  minimal hand-made funnel (${pipeline.stageNames.length} COUNTIFS): ${hand.toFixed(1)} s`);
  say(`  LeadFlow's report, every sheet built (${data.rows.length.toLocaleString('en-US')} leads): ${ours.toFixed(1)} s  ${(ours / hand).toFixed(1)}×  ${ours <= 3 * hand ? 'met' : 'MISSED'}`);
  return lines;
}
