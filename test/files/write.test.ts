import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { LeadsFileError } from '../../src/offline/files/errors.ts';
import { readLeadsFile } from '../../src/offline/files/read.ts';
import { wallTimeToDate } from '../../src/offline/files/timezone.ts';
import { writeWorkbookXlsx, type WorkbookSource } from '../../src/offline/files/write.ts';
import { cleanupTempDirs, fakeSpreadsheet, findSoffice, SOFFICE_SKIP_NOTE, recalcProfile, runSoffice, tempDir, type FakeSheetSpec } from './helpers.ts';

afterAll(cleanupTempDirs);

// Compile-time check: a real Apps Script spreadsheet satisfies the writer's interface.
export const fromAppsScript = (s: GoogleAppsScript.Spreadsheet.Spreadsheet): WorkbookSource => s;

const TZ = 'America/Los_Angeles';
const at = (y: number, mo: number, d: number, h = 0, mi = 0) =>
  wallTimeToDate({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0, millisecond: 0 }, TZ);

const created = [at(2021, 4, 15, 23, 3), at(2021, 1, 5), at(2021, 7, 4, 9, 30)];
const amounts = [22700, 1250.5, 40000];
const HEADER_FILL = '#cfe2f3';

function sheets(): FakeSheetSpec[] {
  const h = (value: string) => ({ value, bold: true, background: HEADER_FILL });
  const total = amounts.reduce((a, b) => a + b, 0);
  return [
    {
      name: 'Leads',
      frozenRows: 1,
      cells: [
        [h('Lead ID'), h('Name'), h('Created'), h('Amount'), h('Won')],
        [1001, { value: 'Lead 1', note: 'Called twice' }, { value: created[0], format: 'yyyy-mm-dd hh:mm:ss' }, { value: amounts[0], format: '$#,##0.00' }, true],
        [1002, 'Lead 2', { value: created[1], format: 'yyyy-mm-dd' }, { value: amounts[1], format: '$#,##0.00' }, false],
        [1003, 'Lead 3', { value: created[2], format: 'M/d/yyyy H:mm' }, { value: amounts[2], format: '$#,##0.00' }, true],
      ],
    },
    {
      name: 'Q1/Q2: Funnel',
      cells: [
        [{ value: 'Metric', bold: true }, { value: 'Value', bold: true }],
        ['Total amount', { formula: '=SUM(Leads!D2:D)', value: total, format: '$#,##0.00' }],
        ['Won count', { formula: '=COUNTIF(Leads!E2:E,TRUE)', value: 2 }],
        ['Size', { formula: '=IFS(B2>50000,"big",TRUE,"small")', value: 'big' }],
        ['First name', { formula: '=QUERY(Leads!B2:B,"select B limit 1")', value: 'Lead 1' }],
        ['Names', { formula: '=UNIQUE(Leads!B2:B4)', value: 'Lead 1' }],
        ['', 'Lead 2'], // spilled by UNIQUE: Apps Script reports no formula here
        ['', 'Lead 3'],
        ['Latest', { formula: '=MAX(Leads!C2:C)', value: created[2], format: 'yyyy-mm-dd hh:mm' }],
        // a deliberately stale cache: only a real recalculation turns 999 into 4
        ['Rows', { formula: '=ROWS(Leads!A1:A4)', value: 999 }],
        ['Is lead', { formula: '=REGEXMATCH(Leads!B2,"^Lead")', value: true }],
        ['Broken', { formula: '=1/0', value: '#DIV/0!' }],
      ],
    },
    {
      name: 'Calc',
      hidden: true,
      cells: [[{ formula: "='Q1/Q2: Funnel'!B3*10", value: 20 }]],
    },
  ];
}

async function loadWithExcelJS(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

async function writeError(p: Promise<unknown>): Promise<LeadsFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LeadsFileError);
    return e as LeadsFileError;
  }
  throw new Error('expected a LeadsFileError');
}

describe('writing a workbook as xlsx', () => {
  it('round-trips values, formulas with cached results, dates, formats, bold, fills, notes, frozen rows and hidden sheets', async () => {
    const dir = tempDir();
    const path = join(dir, 'report.xlsx');
    await writeWorkbookXlsx(fakeSpreadsheet(TZ, sheets()), path);

    const wb = await loadWithExcelJS(path);
    expect(wb.worksheets.map(w => w.name)).toEqual(['Leads', 'Q1_Q2_ Funnel', 'Calc']);
    expect(wb.worksheets.map(w => w.state)).toEqual(['visible', 'visible', 'hidden']);

    const leads = wb.getWorksheet('Leads')!;
    expect(leads.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(leads.getCell('A1').value).toBe('Lead ID');
    expect(leads.getCell('A1').font?.bold).toBe(true);
    expect(leads.getCell('A1').fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFCFE2F3' } });
    expect(leads.getCell('A2').font?.bold).toBeFalsy();
    expect(leads.getCell('B2').note).toBe('Called twice');
    // ExcelJS shows a cell's wall time in a Date's UTC fields: the LA wall time, not the machine's
    expect(leads.getCell('C2').value).toEqual(new Date('2021-04-15T23:03:00.000Z'));
    expect(leads.getCell('C2').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(leads.getCell('C3').value).toEqual(new Date('2021-01-05T00:00:00.000Z'));
    expect(leads.getCell('D2').value).toBe(22700);
    expect(leads.getCell('D2').numFmt).toBe('$#,##0.00');
    expect(leads.getCell('E3').value).toBe(false);

    const funnel = wb.getWorksheet('Q1_Q2_ Funnel')!;
    const f = (a: string) => funnel.getCell(a).value as ExcelJS.CellFormulaValue;
    expect(f('B2')).toEqual({ formula: 'SUM(Leads!D2:D1048576)', result: 63950.5 });
    expect(f('B3')).toEqual({ formula: 'COUNTIF(Leads!E2:E1048576,TRUE)', result: 2 });
    expect(f('B4')).toEqual({ formula: '_xlfn.IFS(B2>50000,"big",TRUE,"small")', result: 'big' });
    expect(f('B5')).toEqual({ formula: 'IFERROR(__xludf.DUMMYFUNCTION("QUERY(Leads!B2:B,""select B limit 1"")"),"Lead 1")', result: 'Lead 1' });
    expect(f('B6')).toEqual({ formula: '_xlfn.UNIQUE(Leads!B2:B4)', result: 'Lead 1' });
    expect(funnel.getCell('B7').value).toBe('Lead 2');
    expect(f('B9')).toEqual({ formula: 'MAX(Leads!C2:C1048576)', result: new Date('2021-07-04T09:30:00.000Z') });
    expect(f('B11').formula).toBe('IFERROR(__xludf.DUMMYFUNCTION("REGEXMATCH(Leads!B2,""^Lead"")"),TRUE)');
    expect(f('B11').result).toBe(true);
    expect(f('B12')).toEqual({ formula: '1/0', result: { error: '#DIV/0!' } });
    expect(funnel.getCell('A1').font?.bold).toBe(true);
    expect(funnel.views ?? []).not.toContainEqual(expect.objectContaining({ state: 'frozen' }));

    const calc = wb.getWorksheet('Calc')!;
    expect(calc.getCell('A1').value).toEqual({ formula: "'Q1_Q2_ Funnel'!B3*10", result: 20 });

    // and back through the leads reader: same values and formats as the spreadsheet had
    const table = await readLeadsFile(path, { timeZone: TZ });
    expect(table.sheetName).toBe('Leads');
    expect(table.rows).toEqual([
      ['Lead ID', 'Name', 'Created', 'Amount', 'Won'],
      [1001, 'Lead 1', created[0], 22700, true],
      [1002, 'Lead 2', created[1], 1250.5, false],
      [1003, 'Lead 3', created[2], 40000, true],
    ]);
    expect(table.numberFormats[1]).toEqual([null, null, 'yyyy-mm-dd hh:mm:ss', '$#,##0.00', null]);
    expect(table.numberFormats[3][2]).toBe('M/d/yyyy H:mm');
  });

  it.skipIf(!findSoffice())('recalculates in LibreOffice to the values Sheets cached (soffice headless, recalc on load)' + SOFFICE_SKIP_NOTE, async () => {
    const dir = tempDir();
    const path = join(dir, 'report.xlsx');
    await writeWorkbookXlsx(fakeSpreadsheet(TZ, sheets()), path);
    // Filter options: comma, ", UTF-8, from line 1, ..., last token -1 = every sheet to <name>-<sheet>.csv
    const out = await runSoffice(findSoffice()!, [
      `-env:UserInstallation=${recalcProfile(join(dir, 'lo-profile'))}`, '--headless', '--norestore',
      '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1',
      '--outdir', dir, path,
    ]);
    const csv = (sheet: string) => {
      const file = join(dir, `report-${sheet}.csv`);
      expect(existsSync(file), `LibreOffice wrote ${file}\n${out}`).toBe(true);
      return Papa.parse<string[]>(readFileSync(file, 'utf8').trim()).data;
    };
    const funnel = csv('Q1_Q2_ Funnel');
    const value = (label: string) => funnel.find(r => r[0] === label)?.[1];
    expect(value('Rows')).toBe('4'); // proves LibreOffice really recalculated (the cache said 999)
    expect(Number(value('Total amount')!.replace(/[$,]/g, ''))).toBe(63950.5);
    expect(value('Won count')).toBe('2');
    expect(value('Size')).toBe('big');
    expect(value('First name')).toBe('Lead 1'); // QUERY: cached value survives recalculation
    expect(value('Is lead')).toBe('TRUE'); // REGEXMATCH: likewise
    expect(value('Latest')).toBe('2021-07-04 09:30:00'); // LA wall time (CSV not "as shown": ISO form)
    expect(value('Broken')).toBe('#DIV/0!');
    // UNIQUE: LibreOffice >= 24.8 computes it; older versions (Debian 12 ships 7.4) show #NAME?
    expect(['Lead 1', '#NAME?']).toContain(value('Names'));
    expect(funnel[6][1]).toBe('Lead 2');
    expect(csv('Calc')[0][0]).toBe('20');
    expect(csv('Leads')[1].slice(0, 2)).toEqual(['1001', 'Lead 1']);
  }, 180_000);

  it('refuses to overwrite an existing file unless forced', async () => {
    const dir = tempDir();
    const path = join(dir, 'report.xlsx');
    writeFileSync(path, 'precious');
    const e = await writeError(writeWorkbookXlsx(fakeSpreadsheet(TZ, sheets()), path));
    expect(e.code).toBe('EXISTS');
    expect(e.message).toBe(`${path} already exists; refusing to overwrite it. Choose another output path or pass --force (force: true) to replace it.`);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    await writeWorkbookXlsx(fakeSpreadsheet(TZ, sheets()), path, { force: true });
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
    expect(readdirSync(dir)).toEqual(['report.xlsx']);
  });

  it('leaves no partial output when writing fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'report.xlsx');
    const good = fakeSpreadsheet(TZ, sheets());
    const failing: WorkbookSource = {
      getSpreadsheetTimeZone: () => TZ,
      getSheets: () => {
        const [first, second] = good.getSheets();
        return [first, { ...second, getDataRange: () => { throw new Error('host went away'); } }];
      },
    };
    await expect(writeWorkbookXlsx(failing, path)).rejects.toThrow('host went away');
    expect(readdirSync(dir)).toEqual([]);
    const e = await writeError(writeWorkbookXlsx(good, join(dir, 'missing', 'report.xlsx')));
    expect(e.code).toBe('WRITE_FAILED');
    expect(e.message).toMatch(/the folder .*missing does not exist/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps one sheet visible, cuts text Excel cannot hold, and writes an empty sheet', async () => {
    const dir = tempDir();
    const path = join(dir, 'edge.xlsx');
    await writeWorkbookXlsx(fakeSpreadsheet('UTC', [
      { name: 'A', hidden: true, cells: [['x'.repeat(40_000)]] },
      { name: 'B', hidden: true, cells: [] },
    ]), path);
    const wb = await loadWithExcelJS(path);
    expect(wb.worksheets.map(w => w.state)).toEqual(['visible', 'hidden']);
    const a1 = wb.getWorksheet('A')!.getCell('A1');
    expect((a1.value as string).length).toBe(32_767);
    expect(String(a1.note)).toMatch(/cut from 40000 to 32767 characters/);
  });
});
