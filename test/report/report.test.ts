/**
 * The report command end to end: a generated CSV in, an xlsx out that ExcelJS reads back with the
 * leads, the setup and every built sheet; and every kind of bad input refused with a clear
 * message, a non-zero exit and no output file.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { sampleLeads } from '../../src/core/sample';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'leadflow-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csvOf(headers: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}

async function leadflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/leadflow.mjs', ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const sample = sampleLeads({ rows: 1500, seed: 21, dateStyle: 'iso', timeZone: 'America/New_York' });
const leadsCsv = join(dir, 'leads.csv');

beforeAll(async () => {
  await build();
  writeFileSync(leadsCsv, csvOf(sample.headers, sample.rows));
});

describe('leadflow report', () => {
  it('writes the leads, the setup and the built sheets to an xlsx that reads back', async () => {
    const out = join(dir, 'report.xlsx');
    const r = await leadflow('report', leadsCsv, '--out', out);
    expect(r.stderr).toContain('Writing report.xlsx');
    expect(r.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    // The report's own sheets come first, then their per-lead cells (hidden), the leads as read, and the setup (hidden).
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Funnel', 'Net lead flow', 'Lead review', 'Funnel · per lead', 'Net lead flow · per lead', 'Lead review · per lead', 'Leads', 'LeadFlow setup']);
    expect(wb.getWorksheet('Funnel · per lead')!.state).toBe('hidden');
    expect(r.stderr).toMatch(/Done in .*\(Funnel, Net lead flow, Lead review, Leads, LeadFlow setup\)/);
    const leads = wb.getWorksheet('Leads')!;
    expect(leads.rowCount).toBe(sample.rows.length + 1);
    expect(leads.getRow(1).values).toEqual([undefined, ...sample.headers]);
    // Dates arrive as real dates, statuses as written.
    const created = leads.getRow(2).getCell(sample.headers.indexOf('Created Time') + 1).value;
    expect(created).toBeInstanceOf(Date);
    expect(leads.getRow(2).getCell(sample.headers.indexOf('Lead Status') + 1).value).toBe(sample.rows[0][sample.headers.indexOf('Lead Status')]);
    // Net lead flow judges quiet leads as of the day the file was made, a date in F3 (not NOW(),
    // which would make leads of an old export go quiet as the file ages); H3 still reads it.
    const flow = wb.getWorksheet('Net lead flow')!;
    const asOf = flow.getCell('F3').value;
    expect(asOf).toBeInstanceOf(Date);
    expect(Math.abs((asOf as Date).getTime() - Date.now())).toBeLessThan(2 * 86_400_000);
    expect(flow.getCell('H3').formula).toBe('F3-D3');
    expect(String(flow.getCell('A5').value)).toContain('"As of" is the day it was made');
    const setup = wb.getWorksheet('LeadFlow setup')!;
    expect(setup.state).toBe('hidden');
    expect(setup.getRow(1).getCell(1).value).toBe('LeadFlow setup');
  });

  it('refuses to overwrite an existing output unless --force', async () => {
    const out = join(dir, 'exists.xlsx');
    writeFileSync(out, 'keep me');
    const r = await leadflow('report', leadsCsv, '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exists\.xlsx already exists; choose another --out path or add --force/);
    const forced = await leadflow('report', leadsCsv, '--out', out, '--force');
    expect(forced.code).toBe(0);
  });

  it.each([
    ['a file that is not CSV or xlsx', 'notes.docx', 'just some text', /expected a CSV \(\.csv, \.tsv, \.txt\) or Excel workbook \(\.xlsx\)/],
    ['an empty file', 'empty.csv', '', /empty/i],
    ['no header row', 'noheader.csv', '2021-04-15,New,100\n2021-04-16,Won,200', /header/i],
  ])('refuses %s with a clear message and no output', async (_label, name, content, message) => {
    const input = join(dir, name);
    writeFileSync(input, content);
    const out = join(dir, `${name}.xlsx`);
    const r = await leadflow('report', input, '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown action and a missing --out', async () => {
    const a = await leadflow('report', leadsCsv, '--out', join(dir, 'x.xlsx'), '--action', 'pie');
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('--action must be one of funnel, flow, checklist, all');
    const b = await leadflow('report', leadsCsv);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--out report.xlsx is required');
  });

  it('refuses an invalid --setup naming the field', async () => {
    const setupPath = join(dir, 'setup.json');
    writeFileSync(setupPath, JSON.stringify({ version: 1, stages: [] }));
    const r = await leadflow('report', leadsCsv, '--out', join(dir, 'bad-setup.xlsx'), '--setup', setupPath);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is not a valid LeadFlow setup/);
    expect(existsSync(join(dir, 'bad-setup.xlsx'))).toBe(false);
  });
});
