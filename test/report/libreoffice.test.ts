/**
 * The exported workbook outside Google: LibreOffice opens the report's xlsx, recalculates every
 * formula on load, and gets the numbers LeadFlow cached (counted by src/core), cell by cell, in
 * every built sheet. Cells whose formula only Sheets has (ARRAYFORMULA) keep their cached value
 * and are left out; so are cells that read the clock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { sampleLeads } from '../../src/core/sample';
import { columnNumber } from '../../src/offline/files/formulas';
import { readRowsTo, writeReportXlsx } from '../../src/offline/files/report-writer';
import { columnLetters } from '../../src/offline/files/xlsx/xml';
import { BuildData, Plan, planBuild } from '../../src/core/report';
import { buildDataOf, runReport, understand } from '../../src/offline/report';
import { makeZip } from '../files/helpers';
import { readZip } from '../files/zip-reader';
import { expectPlansRecalculated, recalcWithLibreOffice } from './lo';

const dir = mkdtempSync(join(tmpdir(), 'leadflow-lo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('recalculates the review of leads with no source column, each quarter\'s leads of every source in one row, to the numbers LeadFlow cached', async () => {
    const sample = sampleLeads({ rows: 300, seed: 8, dateStyle: 'iso', timeZone: 'UTC', from: '2025-01-01', days: 300, stageDates: true });
    const sourceAt = sample.headers.indexOf('Lead Source');
    expect(sourceAt).toBeGreaterThanOrEqual(0);
    const without = <T,>(row: T[]) => row.filter((_, at) => at !== sourceAt);
    const input = join(dir, 'no-source.csv');
    writeFileSync(input, csvOf(without(sample.headers), sample.rows.map(without)));
    const out = join(dir, 'no-source.xlsx');
    const { plans } = await runReport({ input, out, action: 'checklist', progress: null, report: null });
    const review = plans[0].cells;
    const head = review.findIndex((line) => line[0] === 'Lead source');
    expect(review[head + 1][0]).toBe('All sources');
    const recalculated = await recalcWithLibreOffice([out], dir);
    expect(expectPlansRecalculated(plans, recalculated.get(out)!)).toBeGreaterThan(50);
  }, 300_000);

  it('moves a lead whose arrival is edited past the last period to the "past the last key" count, and no other table with it', async () => {
    // The file packs each lead's keys of several tables into one number; a period past the table
    // must not spill into the next table's digit (its removal month here).
    const sample = sampleLeads({ rows: 300, seed: 21, dateStyle: 'iso', timeZone: 'UTC', from: '2025-01-01', days: 240, stageDates: true, removalDates: true });
    const input = join(dir, 'edited.csv');
    writeFileSync(input, csvOf(sample.headers, sample.rows));
    const { plans, understood } = await runReport({ input, out: join(dir, 'edited-built.xlsx'), action: 'flow', progress: null, report: null });
    const [flow] = plans;
    const rows = understood.table.rows.map((row) => [...row]);
    const headers = rows[0].map(String);
    const [arrivedAt, removedAt] = [headers.indexOf(understood.setup.columns.arrived!), headers.indexOf(understood.setup.columns.removedAt!)];
    const edited = rows.findIndex((row, r) => r > 0 && typeof row[arrivedAt] === 'number' && typeof row[removedAt] === 'number');
    expect(edited, 'a lead with an arrival and a removal date').toBeGreaterThan(0);
    rows[edited][arrivedAt] = (Date.UTC(2031, 5, 15) - Date.UTC(1899, 11, 30)) / 86_400_000;
    const out = join(dir, 'edited.xlsx');
    await writeReportXlsx(out, { plans, timeZone: 'UTC', leads: { name: understood.sheetName, rows, columnFormats: rows[0].map(() => null) }, setup: { name: 'LeadFlow setup', rows: [['LeadFlow setup']] } });
    const lo = (await recalcWithLibreOffice([out], dir)).get(out)!('Net lead flow')!;

    // Each count block table: its title two rows above its first count, three columns to the left.
    const table = (title: string) => {
      const spill = flow.spills!.find(([top, column]) => flow.values[top - 2][column - 4] === title)!;
      expect(spill, `the count block has the table "${title}"`).toBeDefined();
      const [top, column, height] = spill;
      return Array.from({ length: height }, (_, k) => ({ ours: flow.values[top - 1 + k][column - 1] as number, theirs: Number(lo[top - 1 + k][column - 1]) }));
    };
    const removed = table('Removed');
    expect(removed.map((count) => count.theirs)).toEqual(removed.map((count) => count.ours));
    const arrived = table('Arrived');
    const changed = arrived.map((count, k) => ({ k, by: count.theirs - count.ours })).filter((count) => count.by !== 0);
    expect(changed).toHaveLength(2);
    expect(changed[0].by).toBe(-1);
    // The last count is the keys past the last period's.
    expect(changed[1]).toEqual({ k: arrived.length - 1, by: 1 });
  }, 300_000);

  /** The leads of a sample, read as the report reads them; `plan` builds one sheet of them, written to an xlsx with the leads and recalculated by LibreOffice. */
  async function recalculatedAlone(name: string, sample: ReturnType<typeof sampleLeads>, plan: (data: BuildData) => Plan) {
    const input = join(dir, `${name}.csv`);
    writeFileSync(input, csvOf(sample.headers, sample.rows));
    const understood = await understand({ input, progress: null });
    const built = plan(buildDataOf(understood));
    const out = join(dir, `${name}.xlsx`);
    const rows = understood.table.rows;
    await writeReportXlsx(out, { plans: [built], timeZone: 'UTC', leads: { name: understood.sheetName, rows, columnFormats: rows[0].map(() => null) }, setup: { name: 'LeadFlow setup', rows: [['LeadFlow setup']] } });
    const recalculated = await recalcWithLibreOffice([out], dir);
    return { built, compared: expectPlansRecalculated([built], recalculated.get(out)!) };
  }

  it('recalculates a weekly net lead flow over ten years, whose keys take more than one packed column, to the numbers LeadFlow cached', async () => {
    const sample = sampleLeads({ rows: 400, seed: 23, dateStyle: 'iso', timeZone: 'UTC', from: '2016-01-01', days: 3600, stageDates: true, removalDates: true });
    const { built, compared } = await recalculatedAlone('weekly', sample, (data) => planBuild(data, { kind: 'flow', period: 'week' }));
    expect(built.xlsx!.perLead.columns.filter((column) => column.title.startsWith('Keys of')).length).toBeGreaterThan(1);
    expect(compared).toBeGreaterThan(2000);
  }, 300_000);

  it('recalculates a funnel of one quarter\'s cohort by owner, whose cohort keys keep a column of their own for the pipeline values, to the numbers LeadFlow cached', async () => {
    const sample = sampleLeads({ rows: 400, seed: 29, dateStyle: 'iso', timeZone: 'UTC', from: '2025-01-01', days: 300, stageDates: true });
    const { built, compared } = await recalculatedAlone('cohort', sample, (data) => planBuild(data, { kind: 'funnel', cohort: 'quarter', value: '2025-Q2', split: 'owner' }));
    expect(built.xlsx!.perLead.columns.map((column) => column.title)).toContain('Cohort: key');
    expect(compared).toBeGreaterThan(200);
  }, 300_000);

  it('counts a lead added to the file below the others, and says on the built sheet when leads lie past the rows its formulas read', async () => {
    const sample = sampleLeads({ rows: 200, seed: 11, dateStyle: 'iso', timeZone: 'UTC', from: '2025-01-01', days: 200, stageDates: true });
    const input = join(dir, 'grown.csv');
    writeFileSync(input, csvOf(sample.headers, sample.rows));
    const { plans, understood } = await runReport({ input, out: join(dir, 'grown-built.xlsx'), action: 'funnel', progress: null, report: null });
    const [funnel] = plans;
    const lastRead = readRowsTo(understood.table.rows.length);
    // Someone adds a copy of the first lead right below the others, and later one far below them.
    const firstLead = understood.table.rows[1];
    const columnFormats = firstLead.map(() => null);
    const setup = { name: 'LeadFlow setup', rows: [['LeadFlow setup']] };
    const withRows = (rows: unknown[][]) => ({ plans, timeZone: 'UTC', leads: { name: understood.sheetName, rows, columnFormats }, setup });
    const [within, past] = [join(dir, 'grown-within.xlsx'), join(dir, 'grown-past.xlsx')];
    const grown = [...understood.table.rows, firstLead];
    await writeReportXlsx(within, withRows(grown));
    await writeReportXlsx(past, withRows([...grown, ...Array.from({ length: lastRead - grown.length }, () => []), firstLead]));
    const recalculated = await recalcWithLibreOffice([within, past], dir);

    const line = (file: string) => recalculated.get(file)!('Funnel')![1][0];
    expect(line(within)).toBe(`Built by LeadFlow (funnel) from plain formulas over the leads: it counts every lead on "${understood.sheetName}" down to row ${lastRead}, leads added later included, and works without the add-on.`);
    const filled = firstLead.filter((cell) => cell !== '' && cell !== null).length;
    expect(line(past)).toBe(`NOT COUNTED: ${filled} filled cells below row ${lastRead} of "${understood.sheetName}", past the last row this file's formulas read. Run the LeadFlow report again on all the leads to count them.`);

    // The added lead within the rows read is counted: one more lead at the first lead's stage no. in the count of all leads.
    const stageOfFirst = funnel.xlsx!.perLead.columns.find((column) => column.title === 'Stage no.')!.values[0] as number;
    const [top, column] = funnel.spills![0];
    const countRow = top + 1 + stageOfFirst;
    const cached = funnel.values[countRow - 1][column - 1] as number;
    expect(Number(recalculated.get(within)!('Funnel')![countRow - 1][column - 1])).toBe(cached + 1);
    // Past them it is not, which the line above says.
    expect(Number(recalculated.get(past)!('Funnel')![countRow - 1][column - 1])).toBe(cached + 1);
  }, 300_000);

  it('counts net lead flow by its own Status → stage table once a person changes a stage there, and the funnel and the review by theirs', async () => {
    const sample = sampleLeads({ rows: 300, seed: 17, dateStyle: 'iso', timeZone: 'UTC', from: '2025-01-01', days: 200, stageDates: true });
    // Leads nobody gave a status: placed by their stage dates or their arrival, which no table decides,
    // so net lead flow still takes them from the funnel's column once its own table is changed.
    const statusAt = sample.headers.indexOf('Lead Status');
    const withoutStatus = sample.rows.filter((_, i) => i % 9 === 4);
    withoutStatus.forEach((lead) => { lead[statusAt] = ''; });
    const input = join(dir, 'tables.csv');
    writeFileSync(input, csvOf(sample.headers, sample.rows));
    const out = join(dir, 'tables.xlsx');
    const { plans } = await runReport({ input, out, action: 'all', progress: null, report: null });
    const [funnel, flow, review] = ['Funnel', 'Net lead flow', 'Lead review'].map((name) => plans.find((plan) => plan.name === name)!);
    // The file reads the funnel's stage no. on the other two sheets while their tables agree.
    const { check, table } = flow.xlsx!.perLead.stage!;
    const [, left, top, , bottom] = /^\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(table)!;
    const tableColumn = columnNumber(left);
    // A status some leads have, at a stage: a person sets its stage no. to 0 in net lead flow's table only.
    let row = +top;
    while (row <= +bottom && !((flow.values[row - 1][tableColumn + 1] as number) > 0 && (flow.values[row - 1][tableColumn + 4] as number) > 0)) row++;
    expect(row, 'a placed status with leads').toBeLessThanOrEqual(+bottom);
    const leadsWithIt = flow.values[row - 1][tableColumn + 4] as number;
    const stageCell = `${columnLetters(tableColumn + 2)}${row}`;
    const files = readZip(readFileSync(out));
    const sheet = files.get('xl/worksheets/sheet2.xml')!.data.toString('utf8');
    const editedSheet = sheet.replace(new RegExp(`(<c r="${stageCell}"[^>]*>)<v>[^<]*</v>`), '$1<v>0</v>');
    expect(editedSheet).not.toBe(sheet);
    const edited = join(dir, 'tables-edited.xlsx');
    writeFileSync(edited, makeZip([...files].map(([name, entry]) => ({ name, data: name === 'xl/worksheets/sheet2.xml' ? editedSheet : entry.data }))));
    const recalculated = await recalcWithLibreOffice([out, edited], dir);
    const cellOf = (file: string, plan: typeof flow, at: { row: number; column: number }) => recalculated.get(file)!(plan.name)![at.row - 1][at.column - 1];
    const unplacedOf = (plan: typeof flow) => ({ row: plan.xlsx!.perLead.stage!.check.row - 1, column: plan.xlsx!.perLead.stage!.check.column + 5 });
    const cached = (plan: typeof flow) => plan.values[unplacedOf(plan).row - 1][unplacedOf(plan).column - 1] as number;
    expect(cellOf(out, flow, { row: check.row, column: check.column + 5 })).toBe('TRUE');
    expect(cellOf(edited, flow, { row: check.row, column: check.column + 5 })).toBe('FALSE');
    // Net lead flow now leaves those leads unplaced, by its own table; the funnel and the review, whose tables are as they were, do not.
    expect(Number(cellOf(out, flow, unplacedOf(flow)))).toBe(cached(flow));
    expect(Number(cellOf(edited, flow, unplacedOf(flow)))).toBe(cached(flow) + leadsWithIt);
    for (const plan of [funnel, review]) expect(Number(cellOf(edited, plan, unplacedOf(plan))), plan.name).toBe(cached(plan));
    expect(leadsWithIt).toBeGreaterThan(0);
    // The unplaced count rose by the leads with that status alone: looked up in the changed table,
    // the leads without a status would have been unplaced with them.
    expect(withoutStatus.length).toBeGreaterThan(20);
  }, 300_000);
});
