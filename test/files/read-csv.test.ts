import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LeadsFileError } from '../../src/offline/files/errors.ts';
import { CURRENCY_FORMAT, DATE_FORMAT, DATETIME_FORMAT } from '../../src/offline/files/infer.ts';
import { parseCsv, readLeadsFile } from '../../src/offline/files/read.ts';
import { cleanupTempDirs, generatedLeads, makeZip, tempDir, toCsv, writeTemp } from './helpers.ts';

afterAll(cleanupTempDirs);

const HEADER = ['Lead ID', 'Name', 'Email', 'Source', 'Status', 'Created', 'Amount'];

/** Awaits a rejection and returns the LeadsFileError. */
async function fileError(p: Promise<unknown>): Promise<LeadsFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LeadsFileError);
    return e as LeadsFileError;
  }
  throw new Error('expected a LeadsFileError');
}

function syncError(f: () => unknown): LeadsFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LeadsFileError);
    return e as LeadsFileError;
  }
  throw new Error('expected a LeadsFileError');
}

describe('reading CSV', () => {
  it('types every cell the way Sheets import does and names the sheet after the file', async () => {
    const dir = tempDir();
    const rows = [HEADER, ...generatedLeads(3)];
    const path = writeTemp(dir, 'my leads.csv', toCsv(rows));
    const t = await readLeadsFile(path);
    expect(t.sheetName).toBe('my leads');
    expect(t.rows[0]).toEqual(HEADER);
    expect(t.rows).toHaveLength(4);
    expect(t.rows[1]).toEqual([1001, 'Lead 1', 'lead1@example.test', 'Referral', 'Contacted', new Date('2023-02-11T06:15:00.000Z'), 1250]);
    expect(t.numberFormats[0]).toEqual(HEADER.map(() => null));
    expect(t.numberFormats[1]).toEqual([null, null, null, null, null, DATETIME_FORMAT, CURRENCY_FORMAT]);
  });

  it('handles a UTF-8 BOM, CRLF line endings and trailing empty lines', async () => {
    const dir = tempDir();
    const body = toCsv([['Name', 'Score'], ['Ana', '3'], ['Bo', '4']], ',', '\r\n');
    const path = writeTemp(dir, 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${body}\r\n\r\n,\r\n`)]));
    const t = await readLeadsFile(path);
    expect(t.rows).toEqual([['Name', 'Score'], ['Ana', 3], ['Bo', 4]]);
    expect(parseCsv(`\ufeff${body}\r\n\r\n`).rows).toEqual(t.rows);
  });

  it('reads quoted fields holding commas, newlines and doubled quotes', () => {
    const text = 'Name,Notes,Amount\n"Doe, Jane","line one\nline two ""quoted""","$1,200.50"\nBo,plain,7\n';
    const t = parseCsv(text, 'Leads');
    expect(t.rows[1]).toEqual(['Doe, Jane', 'line one\nline two "quoted"', 1200.5]);
    expect(t.rows[2]).toEqual(['Bo', 'plain', 7]);
    expect(t.numberFormats[1][2]).toBe(CURRENCY_FORMAT);
  });

  it('detects ; and tab delimiters, and reads .tsv as tab-separated', async () => {
    // a ";" file is a European export: with nothing else to go by, 1,200 has a decimal comma
    const semi = parseCsv('Name;Amount;Created\n"Doe; Jane";1,200;2021-04-15\nBo;3;15 Apr, 2021 00:03:00\n');
    expect(semi.rows).toEqual([
      ['Name', 'Amount', 'Created'],
      ['Doe; Jane', 1.2, new Date('2021-04-15T04:00:00.000Z')],
      ['Bo', 3, new Date('2021-04-15T04:03:00.000Z')],
    ]);
    expect(semi.numberFormats[1]).toEqual([null, null, DATE_FORMAT]);
    expect(semi.notes).toEqual([expect.stringMatching(/^Column B "Amount": numbers such as 1,200 read as 1\.2, with "," as the decimal comma, as the ";" separators of the file suggest/)]);
    const tab = parseCsv('Name\tAmount\nA, B\t5\n');
    expect(tab.rows[1]).toEqual(['A, B', 5]);
    const dir = tempDir();
    const tsv = await readLeadsFile(writeTemp(dir, 'x.tsv', 'Name\tNote\nAna\ta;b;c\n'));
    expect(tsv.rows[1]).toEqual(['Ana', 'a;b;c']);
  });

  it('skips blank lines before the header, keeps blank rows between leads, pads short rows', () => {
    const t = parseCsv('\n,,\nName,Stage,Value\nAna,New\n\nBo,Won,5\n\n\n');
    expect(t.rows).toEqual([
      ['Name', 'Stage', 'Value'],
      ['Ana', 'New', ''],
      ['', '', ''],
      ['Bo', 'Won', 5],
    ]);
    expect(t.numberFormats).toHaveLength(4);
    expect(t.numberFormats.every(r => r.length === 3)).toBe(true);
  });

  it('accepts empty trailing cells beyond the header (trailing commas)', () => {
    const t = parseCsv('Name,Value\nAna,1,,\nBo,2,\n');
    expect(t.rows).toEqual([['Name', 'Value'], ['Ana', 1], ['Bo', 2]]);
  });

  it('keeps formula-looking text exactly as written, and reads signed numbers', () => {
    const text = toCsv([['Name', 'Note'], ['A', '=HYPERLINK("http://x","y")'], ['B', '=1+1'], ['C', '+ call back'],
      ['D', '-- no reply'], ['E', '@handle'], ['F', '-5'], ['G', '+7'], ['H', '-1.200,00']]);
    const t = parseCsv(text);
    expect(t.rows.slice(1).map(r => r[1])).toEqual(['=HYPERLINK("http://x","y")', '=1+1', '+ call back', '-- no reply', '@handle', -5, 7, -1200]);
    expect(t.numberFormats.slice(1).map(r => r[1])).toEqual([null, null, null, null, null, null, null, '#,##0.00']);
  });

  it('says nothing when nothing needed deciding', () => {
    const t = parseCsv(toCsv([HEADER, ...generatedLeads(20)]));
    expect(t.notes).toEqual([]);
    expect(t.columns).toHaveLength(HEADER.length);
    expect(t.columns[6]).toEqual({ decimalComma: false, currency: '$' });
  });

  it('takes dates in the timeZone option', async () => {
    const dir = tempDir();
    const path = writeTemp(dir, 'tz.csv', 'Created\n2021-04-15 23:03:00\n');
    expect((await readLeadsFile(path, { timeZone: 'Europe/London' })).rows[1][0]).toEqual(new Date('2021-04-15T22:03:00.000Z'));
    expect((await readLeadsFile(path)).rows[1][0]).toEqual(new Date('2021-04-16T03:03:00.000Z'));
  });

  it('decodes Windows-1252 and UTF-16 exports', async () => {
    const dir = tempDir();
    const latin = Buffer.from('Name,City\nJos\xe9,Z\xfcrich\n', 'latin1');
    expect((await readLeadsFile(writeTemp(dir, 'cp1252.csv', latin))).rows[1]).toEqual(['José', 'Zürich']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name\tScore\r\nJosé\t5\r\n', 'utf16le')]);
    expect((await readLeadsFile(writeTemp(dir, 'utf16.txt', utf16))).rows).toEqual([['Name', 'Score'], ['José', 5]]);
  });

  it('streams a file larger than one read chunk, with multi-byte characters across chunk edges', async () => {
    const dir = tempDir();
    const rows = [['Name', 'Note', 'N']];
    for (let i = 0; i < 5000; i++) rows.push([`Lead ${i}`, `naïve café ✓ ${i}`, String(i)]);
    const path = writeTemp(dir, 'big.csv', toCsv(rows));
    const t = await readLeadsFile(path);
    expect(t.rows).toHaveLength(5001);
    expect(t.rows[4999]).toEqual(['Lead 4998', 'naïve café ✓ 4998', 4998]);
    expect(t.rows.every(r => !String(r[1]).includes('\ufffd'))).toBe(true);
  });
});

describe('CSV errors', () => {
  it('refuses files that are not CSV or xlsx by extension', async () => {
    const dir = tempDir();
    for (const name of ['leads.pdf', 'leads.json', 'leads.xls', 'leads']) {
      const e = await fileError(readLeadsFile(writeTemp(dir, name, 'Name\nAna\n')));
      expect(e.code).toBe('UNSUPPORTED_TYPE');
      expect(e.message).toContain(join(dir, name));
      expect(e.message).toMatch(/expected a CSV \(\.csv\) or Excel workbook \(\.xlsx\)/);
    }
  });

  it('refuses by content: a PDF, a zip, an xlsx, a legacy .xls, binary data or HTML named .csv', async () => {
    const dir = tempDir();
    const cases: [string, Buffer | string, RegExp][] = [
      ['report.csv', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', /is a PDF document/],
      ['archive.csv', makeZip([{ name: 'a.txt', data: 'hello' }]), /is a ZIP archive.*rename it to \.xlsx/],
      ['old.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), /Excel 97-2003 \.xls/],
      ['image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]), /binary data/],
      ['page.csv', '<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table></body></html>', /HTML page/],
    ];
    for (const [name, content, pattern] of cases) {
      const e = await fileError(readLeadsFile(writeTemp(dir, name, content)));
      expect(e.code).toBe('UNSUPPORTED_TYPE');
      expect(e.message).toMatch(pattern);
      expect(e.message).toContain(name);
    }
  });

  it('reports an empty file, a blank file, a missing file and a folder', async () => {
    const dir = tempDir();
    let e = await fileError(readLeadsFile(writeTemp(dir, 'empty.csv', '')));
    expect(e.code).toBe('EMPTY');
    expect(e.message).toMatch(/empty\.csv is empty \(0 bytes\)/);
    e = await fileError(readLeadsFile(writeTemp(dir, 'blank.csv', '\ufeff\r\n \r\n,,,\r\n')));
    expect(e.code).toBe('EMPTY');
    expect(e.message).toMatch(/has no data/);
    e = await fileError(readLeadsFile(join(dir, 'missing.csv')));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/missing\.csv: no such file/);
    mkdirSync(join(dir, 'folder.csv'));
    e = await fileError(readLeadsFile(join(dir, 'folder.csv')));
    expect(e.message).toMatch(/is a directory/);
    expect(syncError(() => parseCsv('', 'Leads')).code).toBe('EMPTY');
  });

  it('requires the first non-empty row to be a header of text names', () => {
    let e = syncError(() => parseCsv('\n1001,Ana,2021-04-15\n1002,Bo,2021-04-16\n', 'Leads'));
    expect(e.code).toBe('NO_HEADER');
    expect(e.message).toMatch(/row 2/);
    expect(e.message).toMatch(/column A is a number \(1001\), not a text name/);
    expect(e.message).toMatch(/column C is a date/);
    e = syncError(() => parseCsv('Name,TRUE\nAna,1\n'));
    expect(e.message).toMatch(/column B is a boolean/);
  });

  it('reports blank and duplicate header names with their column letters', () => {
    const e = syncError(() => parseCsv('Name,,Email,Stage, email ,Name,Score\nAna,1,a@x.test,New,b,c,3\n', 'Leads'));
    expect(e.code).toBe('NO_HEADER');
    expect(e.message).toMatch(/column B has no name/);
    expect(e.message).toMatch(/"Name" names more than one column \(A, F\)/);
    expect(e.message).toMatch(/"Email" names more than one column \(C, E\)/);
  });

  it('reports the first row wider than the header, by row and file line', async () => {
    let e = syncError(() => parseCsv('Name,Value\nAna,1\nBo,2,oops\nCy,3,again\n', 'leads.csv'));
    expect(e.code).toBe('ROW_TOO_WIDE');
    expect(e.message).toMatch(/^leads\.csv: row 3 has more cells than the header row: it has a value in column C \("oops"\)/);
    expect(e.message).toMatch(/names only 2 columns \(A to B\)/);
    // a quoted field spanning two lines shifts file lines against rows
    const dir = tempDir();
    const path = writeTemp(dir, 'wide.csv', 'Name,Note\nAna,"two\nlines"\nBo,x,extra\n');
    e = await fileError(readLeadsFile(path));
    expect(e.message).toMatch(/row 3 \(line 4 of the file\) has more cells/);
  });

  it('reports a quote that is never closed', () => {
    const e = syncError(() => parseCsv('Name,Note\nAna,"never closed\nBo,2\n', 'q.csv'));
    expect(e.code).toBe('MALFORMED');
    expect(e.message).toMatch(/q\.csv: row 2 opens a quoted field that is never closed/);
  });

  it('stops at the cell limit while parsing', async () => {
    const dir = tempDir();
    const path = writeTemp(dir, 'limit.csv', toCsv([['A', 'B', 'C'], ...Array.from({ length: 40 }, (_, i) => [String(i), 'x', 'y'])]));
    const e = await fileError(readLeadsFile(path, { maxCells: 100 }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/has more than 100 cells, Google Sheets' limit \(3 columns × at least 34 rows, reached at row 34\)/);
    expect((await readLeadsFile(path, { maxCells: 123 })).rows).toHaveLength(41);
  });

  it('refuses a file over Google Sheets\' 10,000,000 cells without reading it all', async () => {
    const dir = tempDir();
    const cols = 1000;
    const rowsNeeded = 10_000_000 / cols + 1; // header + 10,000 rows = 10,001,000 cells
    const header = Array.from({ length: cols }, (_, i) => `c${i}`).join(',');
    const row = Array.from({ length: cols }, () => '1').join(',');
    // twice the limit on disk; the reader must stop at the limit
    const body = `${header}\n${`${row}\n`.repeat(rowsNeeded * 2)}`;
    const path = writeTemp(dir, 'huge.csv', body);
    const e = await fileError(readLeadsFile(path));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/more than 10,000,000 cells, Google Sheets' limit \(1000 columns × at least 10,001 rows, reached at row 10001\)/);
  }, 120_000);
});
