/**
 * `leadflow report --engine duckdb` on every CSV export of the corpus, with the setup the in-memory
 * report used: the funnel and net lead flow sheets hold the same numbers, cell for cell, as the
 * formula sheets the in-memory engine writes, and the export's ground truth: UTF-16 and Latin-1
 * files, Salesforce's footer lines, amounts written "$4,650.00", "£2,600" or "1.234,50 €", dates
 * written "31 Oct, 2021 17:24:48" or day first. Then the engine's own bad input: a missing column,
 * a column of the wrong type, a file DuckDB cannot read, an empty one.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/report';
import { Db } from '../../src/offline/duckdb/connection';
import { REVIEW_LEFT_OUT, runDuckDbReport } from '../../src/offline/duckdb/report';
import { chooseEngine } from '../../src/offline/engines';
import { ReportError, runReport } from '../../src/offline/report';
import { corpus, CorpusExport, writeCorpus } from '../corpus/index.ts';
import { csvText, encode } from '../corpus/lib/text.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadflow-duckdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exports = corpus().filter((e) => e.fileName.endsWith('.csv'));
let paths: Record<string, string>;
beforeAll(async () => { paths = await writeCorpus(dir); }, 60_000);

/** A report table's cells from row 6 down, left of the column `width`. */
function table(plan: Plan, width: number): unknown[][] {
  return plan.values.slice(5).map((row) => row.slice(0, width)).filter((row) => row.some((v) => v !== ''));
}

/** Cell for cell: equal, or for fractions (sums of deal values, medians) equal to 9 significant digits. */
function expectSameCells(got: unknown[][], want: unknown[][], what: string): void {
  expect(got.length, `${what}: rows`).toBe(want.length);
  want.forEach((row, r) => row.forEach((cell, c) => {
    const other = got[r][c];
    if (typeof cell === 'number' && typeof other === 'number' && !Number.isInteger(cell)) expect(Math.abs(other - cell), `${what} row ${r + 6} column ${c + 1}`).toBeLessThanOrEqual(Math.abs(cell) * 1e-9);
    else expect(other, `${what} row ${r + 6} column ${c + 1}`).toEqual(cell);
  }));
}

describe.each(exports.map((e) => [e.id, e] as [string, CorpusExport]))('%s with DuckDB', (id, e) => {
  it('gives the in-memory report\'s numbers, cell for cell, and the export\'s truth', async () => {
    const memory = await runReport({ input: paths[id], out: join(dir, `${id}-memory.xlsx`), action: 'all', timeZone: e.timeZone, progress: null, report: null });
    const setupPath = join(dir, `${id}-setup.json`);
    writeFileSync(setupPath, JSON.stringify(memory.understood.setup));
    const out = join(dir, `${id}-duckdb.xlsx`);
    const said: string[] = [];
    const duck = await runDuckDbReport({ input: paths[id], out, action: 'all', timeZone: e.timeZone, setupPath, progress: null, report: (line) => said.push(line) });
    // Asked for every sheet, it says why the workbook has no review.
    expect(said).toContain(REVIEW_LEFT_OUT);
    const stages = memory.understood.setup.stages.length;
    const funnelWidth = Math.max(stages + 4, 12) - 1;
    const [memoryFunnel, duckFunnel] = [memory.plans, duck.plans].map((plans) => plans.find((p) => p.kind === 'funnel')!);
    expectSameCells(table(duckFunnel, funnelWidth), table(memoryFunnel, funnelWidth), 'Funnel');
    // The ground truth of the export, read from the DuckDB sheet.
    expect(duckFunnel.values.slice(7, 7 + stages).map((r) => r[1])).toEqual(e.truth.funnel);
    const memoryFlow = memory.plans.find((p) => p.kind === 'flow')!;
    const duckFlow = duck.plans.find((p) => p.kind === 'flow');
    if (!e.truth.columns.arrived) expect(duckFlow).toBeUndefined();
    else {
      const width = memoryFlow.values[6].indexOf('Running total') + 1;
      expectSameCells(table(duckFlow!, width), table(memoryFlow, width), 'Net lead flow');
    }
    expect(duck.sheets).toEqual(['Funnel', ...(duckFlow ? ['Net lead flow'] : []), 'LeadFlow setup']);
  }, 60_000);
});

describe('a windows-1252 export (Excel\'s "CSV" on Windows) with €, curly quotes and dashes', () => {
  it('reads as the in-memory report does: the same stages, sources and values', async () => {
    // Bytes 0x80-0x9F are where windows-1252 and latin-1 differ; DuckDB refused such a file as "not latin-1".
    const statuses = ['Neu', 'Kontaktiert', 'Qualifiziert', 'Gewonnen – bezahlt', 'Verloren'];
    const sources = ['Messe – Köln', 'Partner’s Empfehlung', '„Google“ Ads', 'Website', ''];
    const rows = Array.from({ length: 240 }, (_, i) => [
      `${String(1 + (i % 28)).padStart(2, '0')}.${String(1 + (i % 9)).padStart(2, '0')}.2026`,
      statuses[(i * 7) % 5], `${(i * 37) % 900},50 €`, sources[(i * 3) % 5],
    ]);
    const path = join(dir, 'excel-windows-de.csv');
    writeFileSync(path, encode(csvText(['Erstellt am', 'Status', 'Betrag', 'Quelle'], rows, { delimiter: ';', eol: '\r\n', quoteAll: false }), 'windows-1252'));
    const memory = await runReport({ input: path, out: join(dir, 'cp1252-memory.xlsx'), action: 'all', timeZone: 'Europe/Berlin', progress: null, report: null });
    const setupPath = join(dir, 'cp1252-setup.json');
    writeFileSync(setupPath, JSON.stringify(memory.understood.setup));
    const duck = await runDuckDbReport({ input: path, out: join(dir, 'cp1252-duckdb.xlsx'), action: 'all', timeZone: 'Europe/Berlin', setupPath, progress: null, report: null });
    const [memoryFunnel, duckFunnel] = [memory.plans, duck.plans].map((plans) => plans.find((p) => p.kind === 'funnel')!);
    const width = Math.max(memory.understood.setup.stages.length + 4, 12) - 1;
    expectSameCells(table(duckFunnel, width), table(memoryFunnel, width), 'Funnel');
    const labels = duckFunnel.values.flat().filter((v) => typeof v === 'string');
    for (const name of ['Messe – Köln', 'Partner’s Empfehlung', '„Google“ Ads', 'Gewonnen – bezahlt']) expect(labels).toContain(name);
    // The won stage counts its leads: a status read with the wrong bytes would match no stage.
    const won = duckFunnel.values.find((row) => row[0] === 'Gewonnen – bezahlt')!;
    expect(won[1]).toBe(rows.filter((row) => row[1] === 'Gewonnen – bezahlt').length);
  }, 60_000);
});

describe('the DuckDB engine says what is wrong with its input', () => {
  const csv = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const run = (input: string, extra: Record<string, unknown> = {}) =>
    runDuckDbReport({ input, out: join(dir, 'bad.xlsx'), action: 'all', progress: null, report: null, ...extra });
  const good = 'Lead Status,Created,Amount,Source\nNew,2026-01-05,100,Web\nQualified,2026-02-07,250,Ads\nDisqualified,2026-02-09,,Web\n';

  it('a mapped column the file does not have', async () => {
    const input = csv('missing.csv', good);
    await expect(run(input, { map: { owner: 'Sales Rep' } })).rejects.toThrow('--map owner="Sales Rep": there is no column "Sales Rep" in missing.csv; its columns are "Lead Status", "Created", "Amount", "Source". Give one of those.');
    const setupPath = csv('setup-missing.json', JSON.stringify({ columns: { status: 'Stage', arrived: 'Created' } }));
    await expect(run(input, { setupPath })).rejects.toThrow(/setup-missing\.json is not a valid LeadFlow setup for missing\.csv:\n {2}columns\.status: There is no column "Stage"/);
    expect(existsSync(join(dir, 'bad.xlsx'))).toBe(false);
  });

  it('a column of the wrong type', async () => {
    const soon = csv('words.csv', 'Lead Status,Created,Amount\nNew,soon,100\nQualified,next week,250\n');
    await expect(run(soon, { map: { arrived: 'Created' } })).rejects.toThrow('The arrival date column "Created" of words.csv holds text such as "soon", not dates; expected dates such as 2026-03-01');
    const words = csv('words-amounts.csv', 'Lead Status,Created,Amount\nNew,2026-01-05,call me\nQualified,2026-01-06,call me\n');
    await expect(run(words, { map: { value: 'Amount' } })).rejects.toThrow('The deal value column "Amount" of words-amounts.csv holds text such as "call me", not amounts; expected numbers such as 1234.50, $1,234.50 or 1.234,50 €.');
    const mixed = csv('mixed-marks.csv', 'Lead Status,Created,Amount\nNew,2026-01-05,"1.234,50 €"\nQualified,2026-01-06,"$1,234.50"\n');
    await expect(run(mixed, { map: { value: 'Amount' } })).rejects.toThrow('The deal value column "Amount" of mixed-marks.csv writes amounts with a decimal comma (1, such as 1.234,50) and with a decimal point (1, such as 1,234.50)');
    // A Parquet file keeps its types: a column of numbers where dates belong.
    const numbers = join(dir, 'numbers.parquet');
    const db = await Db.open();
    await db.run(`COPY (SELECT * FROM (VALUES ('New', 45000, 100.0), ('Qualified', 45001, 250.0)) AS t("Lead Status", "Created", "Amount")) TO '${numbers}' (FORMAT parquet)`);
    db.close();
    await expect(run(numbers, { map: { arrived: 'Created' } })).rejects.toThrow('The arrival date column "Created" of numbers.parquet holds numbers (INTEGER), not dates; expected dates such as 2026-03-01');
    const digits = csv('digits.csv', 'Lead Status,Created,Amount\nNew,45000,100\nQualified,45001,250\n');
    await expect(run(digits, { map: { arrived: 'Created' } })).rejects.toThrow('The arrival date column "Created" of digits.csv holds text such as "4500');
    expect(existsSync(join(dir, 'bad.xlsx'))).toBe(false);
  });

  it('a file DuckDB cannot read, an empty one, a path that is not there', async () => {
    const broken = join(dir, 'broken.parquet');
    writeFileSync(broken, 'this is not a parquet file');
    await expect(run(broken)).rejects.toThrow(/^DuckDB cannot read broken\.parquet: .*(parquet|magic)/i);
    await expect(run(csv('empty.csv', 'Lead Status,Created\n'))).rejects.toThrow('empty.csv has a header row but no leads under it; there is nothing to report.');
    await expect(run(join(dir, 'nowhere.parquet'))).rejects.toThrow(`${join(dir, 'nowhere.parquet')}: no such file or directory.`);
    await expect(run(csv('leads.json', '[]'))).rejects.toThrow('the DuckDB engine reads CSV (.csv, .tsv, .txt, also gzipped) and Parquet (.parquet) files, or a directory of them');
    await expect(run(csv('checklist.csv', good), { action: 'checklist' })).rejects.toBeInstanceOf(ReportError);
    expect(existsSync(join(dir, 'bad.xlsx'))).toBe(false);
  });

  it('unplaced statuses are counted and said, never silently dropped', async () => {
    const input = csv('odd.csv', `${good}Waiting on legal,2026-02-10,10,Web\nWaiting on legal,2026-02-11,10,Web\n`);
    const lines: string[] = [];
    const { plans, results } = await run(input, { report: (l: string) => lines.push(l), force: true });
    expect(lines.find((l) => l.startsWith('NOT COUNTED'))).toContain('2 leads (40.0%) have statuses no stage matches: "Waiting on legal" (2).');
    expect(results.leads_counted!.rows[0]).toEqual([5, 3, 2]);
    expect(plans[0].values[3][0]).toContain('Not counted: 2 leads');
  });

  it('chooses DuckDB past the in-memory engine, and says why', () => {
    expect(chooseEngine(join(dir, 'missing.csv'), undefined)).toEqual({ engine: 'memory' });
    expect(chooseEngine(dir, undefined)).toEqual({ engine: 'duckdb', why: `${dir} is a directory of files` });
    expect(chooseEngine('leads.parquet', undefined).engine).toBe('duckdb');
    expect(chooseEngine('leads.parquet', 'memory').engine).toBe('memory');
    expect(() => chooseEngine('leads.csv', 'spark')).toThrow('--engine must be one of auto, memory, duckdb, not "spark".');
  });
});
