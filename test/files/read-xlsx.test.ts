import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { LeadsFileError } from '../../src/offline/files/errors.ts';
import { chooseSheet, parseXlsx, readLeadsFile, readXlsxFrom } from '../../src/offline/files/read.ts';
import { cleanupTempDirs, findSoffice, SOFFICE_SKIP_NOTE, makeZip, recalcProfile, runSoffice, tempDir, toCsv, writeTemp } from './helpers.ts';

afterAll(cleanupTempDirs);

/** An xlsx cell showing this wall time (ExcelJS stores a Date's UTC fields). */
const wall = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(Date.UTC(y, mo - 1, d, h, mi));

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function fileError(p: Promise<unknown>): Promise<LeadsFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LeadsFileError);
    return e as LeadsFileError;
  }
  throw new Error('expected a LeadsFileError');
}

function leadsWorkbook(wb: ExcelJS.Workbook): void {
  const summary = wb.addWorksheet('Summary');
  summary.addRow(['Not', 'the', 'leads']);
  const ws = wb.addWorksheet('Leads');
  ws.addRow(['Lead ID', 'Name', 'Created', 'Amount', 'Won', 'Stage', 'Closed', 'Site', 'Check']);
  ws.getRow(1).font = { bold: true };
  ws.addRow([1001, 'Lead 1', wall(2021, 4, 15, 23, 3), 22700, true,
    { formula: 'IF(D2>1000,"Big","Small")', result: 'Big' },
    { formula: 'C2+1', result: 44302.96041666667 },
    { text: 'example.test', hyperlink: 'https://example.test' },
    { error: '#N/A' }]);
  ws.getCell('C2').numFmt = 'yyyy-mm-dd hh:mm';
  ws.getCell('D2').numFmt = '$#,##0.00';
  ws.getCell('G2').numFmt = 'yyyy-mm-dd hh:mm';
  ws.addRow([]); // a blank row between leads is kept
  ws.getCell('A4').value = 1002;
  ws.getCell('B4').value = { richText: [{ text: 'Lead ' }, { font: { bold: true }, text: '2' }] };
  ws.getCell('C4').value = wall(2021, 1, 5);
  ws.getCell('C4').numFmt = 'm/d/yyyy';
  ws.getCell('D4').value = 0.25;
  ws.getCell('D4').numFmt = '0%';
  ws.getCell('F4').value = { formula: 'UPPER("lost")', result: 'LOST' };
  // formatting far below the data: blank rows at the end are dropped
  ws.getCell('A40').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };
}

describe('reading xlsx', () => {
  it('reads the "Leads" sheet with typed values, cached formula results and formats', async () => {
    const dir = tempDir();
    const buf = await xlsx(leadsWorkbook);
    const path = writeTemp(dir, 'export.xlsx', buf);
    const t = await readLeadsFile(path);
    expect(t.sheetName).toBe('Leads');
    expect(t.rows).toEqual([
      ['Lead ID', 'Name', 'Created', 'Amount', 'Won', 'Stage', 'Closed', 'Site', 'Check'],
      [1001, 'Lead 1', new Date('2021-04-16T03:03:00.000Z'), 22700, true, 'Big', new Date('2021-04-17T03:03:00.000Z'), 'example.test', '#N/A'],
      ['', '', '', '', '', '', '', '', ''],
      [1002, 'Lead 2', new Date('2021-01-05T05:00:00.000Z'), 0.25, '', 'LOST', '', '', ''],
    ]);
    expect(t.numberFormats[1]).toEqual([null, null, 'yyyy-mm-dd hh:mm', '$#,##0.00', null, null, 'yyyy-mm-dd hh:mm', null, null]);
    expect(t.numberFormats[3].slice(0, 4)).toEqual([null, null, 'm/d/yyyy', '0%']);
    // the same from memory
    expect(await parseXlsx(buf)).toEqual(t);
    // dates follow the timeZone option
    const tokyo = await parseXlsx(buf, { timeZone: 'Asia/Tokyo' });
    expect(tokyo.rows[1][2]).toEqual(new Date('2021-04-15T14:03:00.000Z'));
  });

  it('takes the first visible worksheet when none is named like "Leads"', async () => {
    const buf = await xlsx(wb => {
      wb.addWorksheet('Notes', { state: 'hidden' }).addRow(['hidden', 'sheet']);
      wb.addWorksheet('Export').addRow(['Name', 'Email']);
      wb.getWorksheet('Export')!.addRow(['Ana', 'ana@example.test']);
      wb.addWorksheet('Other').addRow(['X']);
    });
    const t = await parseXlsx(buf);
    expect(t.sheetName).toBe('Export');
    expect(t.rows).toEqual([['Name', 'Email'], ['Ana', 'ana@example.test']]);
  });

  it('reads a workbook whose other sheets it skips, again and again, without an error escaping', async () => {
    // The leads first, then sheets it passes over: ExcelJS deletes each skipped sheet's temp file
    // at once, and a read stream that had not opened it yet used to throw ENOENT with nobody listening.
    const buf = await xlsx(wb => {
      const leads = wb.addWorksheet('Leads');
      leads.addRow(['Name', 'Status']);
      for (let i = 0; i < 200; i++) leads.addRow([`Lead ${i}`, i % 2 ? 'New' : 'Won']);
      for (const name of ['Funnel', 'Net lead flow', 'Lead review', 'Notes', 'Archive']) {
        const other = wb.addWorksheet(name);
        for (let i = 0; i < 300; i++) other.addRow([name, i, i * 2]);
      }
    });
    const path = writeTemp(tempDir(), 'several-sheets.xlsx', buf);
    const escaped: unknown[] = [];
    const catchEscaped = (error: unknown) => escaped.push(error);
    process.on('uncaughtException', catchEscaped);
    try {
      for (let i = 0; i < 40; i++) {
        const table = await readLeadsFile(path, { timeZone: 'UTC' });
        expect(table.sheetName).toBe('Leads');
        expect(table.rows.length).toBe(201);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('uncaughtException', catchEscaped);
    }
    expect(escaped.map(String)).toEqual([]);
  });

  it('picks sheets named like Leads', () => {
    expect(chooseSheet([{ name: 'Summary' }, { name: 'All leads' }, { name: ' LEADS ' }])).toBe(' LEADS ');
    expect(chooseSheet([{ name: 'Summary' }, { name: 'Old leads' }, { name: 'Leads 2024' }])).toBe('Leads 2024');
    expect(chooseSheet([{ name: 'Summary' }, { name: 'All leads' }])).toBe('All leads');
    expect(chooseSheet([{ name: 'Leads', state: 'hidden' }, { name: 'Data' }])).toBe('Data');
    expect(chooseSheet([{ name: 'Only', state: 'hidden' }])).toBe('Only');
  });

  it.skipIf(!findSoffice())('reads an xlsx saved by LibreOffice (other zip layout, inline styles)' + SOFFICE_SKIP_NOTE, async () => {
    const dir = tempDir();
    const csv = writeTemp(dir, 'lo.csv', toCsv([['Name', 'Amount', 'Created'], ['Ana', '12.5', '2021-04-15'], ['Bo', '7', '2021-04-16']]));
    await runSoffice(findSoffice()!, [`-env:UserInstallation=${recalcProfile(join(dir, 'profile'))}`, '--headless',
      '--convert-to', 'xlsx', '--outdir', dir, csv]);
    const t = await readLeadsFile(join(dir, 'lo.xlsx'));
    expect(t.rows[0]).toEqual(['Name', 'Amount', 'Created']);
    expect(t.rows[1][0]).toBe('Ana');
    expect(t.rows[1][1]).toBe(12.5);
    expect(t.rows[1][2]).toEqual(new Date('2021-04-15T04:00:00.000Z'));
  }, 120_000);
});

describe('text dates in xlsx sheets', () => {
  async function textDates(): Promise<Buffer> {
    return xlsx(wb => {
      const ws = wb.addWorksheet('Leads');
      ws.addRow(['Name', 'Created', 'Code', 'Closed']);
      ws.addRow(['Ana', '01/02/2018', '00123', wall(2018, 1, 2)]); // a date cell a month-first spreadsheet made of 01/02/2018
      ws.addRow(['Bo', '2018-03-04', '1,234', '20/10/2017']);
      ws.addRow(['Cy', '20/10/2017 14:05', 'TRUE', '03/04/2018']);
      ws.getCell('D2').numFmt = 'm/d/yyyy';
    });
  }

  it('reads a column of date strings by the order its values prove; keeps Date cells and other text as they are', async () => {
    const t = await parseXlsx(await textDates());
    expect(t.rows.slice(1)).toEqual([
      ['Ana', new Date('2018-02-01T05:00:00.000Z'), '00123', new Date('2018-01-02T05:00:00.000Z')],
      ['Bo', new Date('2018-03-04T05:00:00.000Z'), '1,234', '20/10/2017'],
      ['Cy', new Date('2017-10-20T18:05:00.000Z'), 'TRUE', '03/04/2018'],
    ]);
    expect(t.numberFormats.slice(1).map(r => r[1])).toEqual(['yyyy-mm-dd', 'yyyy-mm-dd', 'yyyy-mm-dd hh:mm:ss']);
    expect(t.numberFormats[1][3]).toBe('m/d/yyyy');
    expect(t.columns).toEqual([{}, { dateOrder: 'dmy', dateOrderFrom: 'values' }, {}, { textDates: 2 }]);
    expect(t.notes).toEqual([
      'Column B "Created": dates read day first (20/10/2017 is 20 October), proven by 1 cell.',
      // date cells beside text dates: the text stays text, so the mix stays visible
      'Column D "Closed": holds date cells and also 2 dates written as text (such as 20/10/2017), left as text: ' +
      'the spreadsheet that saved this file may have read its date cells in the wrong day order.',
    ]);
  });

  it('takes the dateOrder and locale options', async () => {
    const buf = await textDates();
    const mdy = await parseXlsx(buf, { dateOrder: 'mdy' });
    expect(mdy.rows[1][1]).toEqual(new Date('2018-01-02T05:00:00.000Z'));
    expect(mdy.rows[3][1]).toBe('20/10/2017 14:05');
    expect(mdy.columns[1].textDates).toBe(1);
    const dir = tempDir();
    const path = writeTemp(dir, 'dates.xlsx', buf);
    expect((await readLeadsFile(path, { dateOrder: 'mdy' })).rows).toEqual(mdy.rows);
    const ambiguous = await xlsx(wb => {
      const ws = wb.addWorksheet('Leads');
      ws.addRow(['Name', 'Created']);
      ws.addRow(['Ana', '01/02/2018']);
    });
    expect((await parseXlsx(ambiguous, { locale: 'en_GB' })).rows[1][1]).toEqual(new Date('2018-02-01T05:00:00.000Z'));
    expect((await parseXlsx(ambiguous)).rows[1][1]).toEqual(new Date('2018-01-02T05:00:00.000Z'));
    await expect(parseXlsx(buf, { locale: 'nope nope' })).rejects.toThrow(/Unknown locale/);
  });
});

describe('xlsx errors', () => {
  it('refuses a zip that is not a workbook, an OpenDocument file, and text named .xlsx', async () => {
    const dir = tempDir();
    let e = await fileError(readLeadsFile(writeTemp(dir, 'a.xlsx', makeZip([{ name: 'readme.txt', data: 'hello' }]))));
    expect(e.code).toBe('UNSUPPORTED_TYPE');
    expect(e.message).toMatch(/a\.xlsx: expected an Excel workbook \(\.xlsx\), but it is a ZIP archive with no worksheets/);
    const ods = makeZip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet' }, { name: 'content.xml', data: '<x/>' }]);
    e = await fileError(readLeadsFile(writeTemp(dir, 'b.xlsx', ods)));
    expect(e.message).toMatch(/OpenDocument spreadsheet \(\.ods\)/);
    e = await fileError(readLeadsFile(writeTemp(dir, 'c.xlsx', 'Name,Email\nAna,a@example.test\n')));
    expect(e.message).toMatch(/c\.xlsx: expected an Excel workbook \(\.xlsx\), but the file is plain text \(if it is CSV, rename it to \.csv\)/);
    e = await fileError(readLeadsFile(writeTemp(dir, 'd.xlsx', '%PDF-1.4\n')));
    expect(e.message).toMatch(/is a PDF document/);
    e = await fileError(readLeadsFile(writeTemp(dir, 'e.xlsx', '')));
    expect(e.code).toBe('EMPTY');
  });

  it('reports a damaged workbook', async () => {
    const buf = await xlsx(leadsWorkbook);
    const e = await fileError(parseXlsx(buf.subarray(0, Math.floor(buf.length / 2)), { fileLabel: 'half.xlsx' }));
    expect(['MALFORMED', 'UNSUPPORTED_TYPE', 'EMPTY']).toContain(e.code);
    expect(e.message).toMatch(/^half\.xlsx/);
  });

  it('reads a workbook again when one pass ends before its last part, and calls it damaged when every pass does', async () => {
    // ExcelJS writes xl/workbook.xml last. Under load the zip reader sometimes stopped before it
    // (4 of 300 reads); a stream cut at that part's header is the same for the reader.
    const buf = await xlsx((wb) => {
      const ws = wb.addWorksheet('Leads');
      ws.addRow(['Name', 'Status']);
      ws.addRow(['Ana', 'Won']);
    });
    const lastPart = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 3, 4])); // the last local file header
    expect(buf.subarray(lastPart + 30, lastPart + 45).toString()).toBe('xl/workbook.xml');
    const cut = buf.subarray(0, lastPart);
    let opened = 0;
    const table = await readXlsxFrom(() => new PassThrough().end(opened++ === 0 ? cut : buf), { fileLabel: 'flaky.xlsx' });
    expect(table.rows).toEqual([['Name', 'Status'], ['Ana', 'Won']]);
    const e = await fileError(readXlsxFrom(() => new PassThrough().end(cut), { fileLabel: 'cut.xlsx' }));
    expect(e.code).toBe('MALFORMED');
    expect(e.message).toMatch(/^cut\.xlsx: could not be read as an Excel workbook/);
  });

  it('reports an empty worksheet', async () => {
    const buf = await xlsx(wb => { wb.addWorksheet('Leads'); });
    const e = await fileError(parseXlsx(buf, { fileLabel: 'blank.xlsx' }));
    expect(e.code).toBe('EMPTY');
    expect(e.message).toMatch(/blank\.xlsx has no data/);
  });

  it('checks the header row: text, non-blank, unique (with column letters)', async () => {
    let buf = await xlsx(wb => {
      const ws = wb.addWorksheet('Leads');
      ws.getCell('A3').value = 'Name';
      ws.getCell('C3').value = 'Email';
      ws.getCell('D3').value = 2021;
      ws.getCell('E3').value = 'name';
      ws.getCell('A4').value = 'Ana';
    });
    let e = await fileError(parseXlsx(buf, { fileLabel: 'h.xlsx' }));
    expect(e.code).toBe('NO_HEADER');
    expect(e.message).toMatch(/row 3/);
    expect(e.message).toMatch(/column B has no name/);
    expect(e.message).toMatch(/column D is a number \(2021\)/);
    expect(e.message).toMatch(/"Name" names more than one column \(A, E\)/);
    buf = await xlsx(wb => { wb.addWorksheet('Leads').addRow([wall(2021, 1, 1), 'x']); });
    e = await fileError(parseXlsx(buf));
    expect(e.message).toMatch(/column A is a date/);
  });

  it('reports the first row wider than the header', async () => {
    const buf = await xlsx(wb => {
      const ws = wb.addWorksheet('Leads');
      ws.addRow(['Name', 'Email']);
      ws.addRow(['Ana', 'a@example.test']);
      ws.addRow(['Bo', 'b@example.test', 'stray']);
      ws.addRow(['Cy', 'c@example.test', 'stray too']);
    });
    const e = await fileError(parseXlsx(buf, { fileLabel: 'w.xlsx' }));
    expect(e.code).toBe('ROW_TOO_WIDE');
    expect(e.message).toMatch(/w\.xlsx: row 3 of sheet "Leads" has more cells than the header row: it has a value in column C \("stray"\)/);
  });

  it('counts cells while streaming, including rows a sparse sheet leaves out', async () => {
    const dir = tempDir();
    const buf = await xlsx(wb => {
      const ws = wb.addWorksheet('Leads');
      ws.addRow(Array.from({ length: 20 }, (_, i) => `c${i}`));
      ws.addRow(Array.from({ length: 20 }, () => 1));
      ws.getCell('A600000').value = 'far away'; // 600,000 rows × 20 columns = 12,000,000 cells
    });
    const path = writeTemp(dir, 'sparse.xlsx', buf);
    const e = await fileError(readLeadsFile(path));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/sparse\.xlsx has more than 10,000,000 cells, Google Sheets' limit \(20 columns × at least 600,000 rows/);
    const small = await fileError(parseXlsx(readFileSync(path), { maxCells: 30 }));
    expect(small.code).toBe('TOO_LARGE');
  });
});
