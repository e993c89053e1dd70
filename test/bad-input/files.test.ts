/**
 * Bad files given to the reader (the report command's and the preview's): each is refused with a
 * LeadsFileError whose message names the file, says what was expected, and quotes at most a short
 * excerpt of what the file holds. One file per line: its name, its bytes, the code and message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeadsFileError, parseCsv, readLeadsFile, type LeadsFileErrorCode } from '../../src/offline/files/index.ts';
import { SAYS_WHAT_TO_DO, expectCleanMessage } from './helpers';

let dir: string;
/** A workbook whose worksheet's compressed bytes are damaged: ExcelJS alone would wait for it forever. */
let damaged: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadflow-bad-files-'));
  mkdirSync(join(dir, 'folder.csv'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Leads');
  ws.addRow(['Status', 'Created', 'Value']);
  for (let i = 0; i < 200; i++) ws.addRow(['New', `2026-01-${(i % 28) + 1}`, i * 100]);
  damaged = Buffer.from(await wb.xlsx.writeBuffer());
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const at = damaged.indexOf(name);
  const data = at + name.length + damaged.readUInt16LE(at - 2);
  for (let k = 0; k < 8; k++) damaged[data + 40 + k * 13] ^= 0x5a;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string) => Buffer.from(s, 'utf8');
const LONG_NAME = `${'n'.repeat(200)}.csv`;
const columns = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i)).join(',');

type FileCase = [label: string, name: string, bytes: Buffer | (() => Buffer) | null, code: LeadsFileErrorCode, message: RegExp, opts?: { maxCells?: number; stallMs?: number }];

const CASES: FileCase[] = [
  ['an empty file', 'empty.csv', Buffer.alloc(0), 'EMPTY', /is empty \(0 bytes\): expected CSV text with a header row/],
  ['only blank lines', 'blank.csv', text('\n\n  \n'), 'EMPTY', /has no data: expected CSV text with a header row/],
  ['binary bytes named .csv', 'binary.csv', Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 9, 9]), 'UNSUPPORTED_TYPE', /expected CSV text, but the file contains binary data/],
  ['a PDF named .csv', 'report.csv', text('%PDF-1.7\n1 0 obj\n'), 'UNSUPPORTED_TYPE', /is a PDF document/],
  ['an HTML page named .csv', 'page.csv', text('<!DOCTYPE html><html><body>Leads</body></html>'), 'UNSUPPORTED_TYPE', /is an HTML page/],
  ['an old .xls workbook named .xlsx', 'old.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), 'UNSUPPORTED_TYPE', /Excel 97-2003 \.xls workbook .* save it as \.xlsx or CSV first/],
  ['CSV text named .xlsx', 'text.xlsx', text('Status,Created\nNew,2026-03-01\n'), 'UNSUPPORTED_TYPE', /is plain text \(if it is CSV, rename it to \.csv\)/],
  ['a ZIP archive named .csv', 'zip.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 'UNSUPPORTED_TYPE', /is a ZIP archive .* rename it to \.xlsx/],
  ['a damaged .xlsx', 'broken.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'MALFORMED', /could not be read as an Excel workbook \(\.xlsx\): the file is damaged or cut short/],
  ['a workbook whose sheet does not unpack (ExcelJS would wait forever)', 'damaged.xlsx', () => damaged, 'MALFORMED', /the file is damaged \(a part of it cannot be unpacked; .*save it again as \.xlsx/, { stallMs: 300 }],
  ['a .pdf extension', 'leads.pdf', text('x'), 'UNSUPPORTED_TYPE', /expected a CSV \(\.csv\) or Excel workbook \(\.xlsx\) export, but got a "\.pdf" file/],
  ['no extension', 'leads', text('Status\nNew\n'), 'UNSUPPORTED_TYPE', /but got a file without an extension/],
  ['a missing file', 'nowhere.csv', null, 'NOT_FOUND', /nowhere\.csv: no such file\./],
  ['a folder named .csv', 'folder.csv', null, 'UNSUPPORTED_TYPE', /is a directory, not a CSV or \.xlsx file/],
  ['a file name of 200 characters', LONG_NAME, null, 'NOT_FOUND', /^….*nnn\.csv: no such file\./],
  ['a header row of numbers', 'numbers.csv', text(`${columns(300, (i) => String(i))}\n1,2\n`), 'NO_HEADER', /expected a header row .* column A is a number \(0\), not a text name; .* and 295 more\./],
  ['a header row of blanks', 'blanks.csv', text(`${','.repeat(100)}x\n1,2\n`), 'NO_HEADER', /column A has no name; .* and \d+ more\./],
  ['a 1 MB header named twice', 'twice.csv', text(`Status,${'H'.repeat(1_000_000)},${'H'.repeat(1_000_000)}\nNew,1,2\n`), 'NO_HEADER', /"HHH.*\.\.\." names more than one column \(B, C\)/],
  ['a 1 MB header that is a date', 'dated.csv', text('Status,2026-03-01\nNew,1\n'), 'NO_HEADER', /column B is a date/],
  ['a row wider than the header, with a 1 MB value', 'wide.csv', text(`Status,Created\nNew,2026-03-01,${'w'.repeat(1_000_000)}\n`), 'ROW_TOO_WIDE', /row 2 has more cells than the header row: .*\("www.*\.\.\."\).* add a header name for the extra column or remove the stray value/],
  ['a quote never closed', 'quote.csv', text('Status,Created\n"New,2026-03-01\nWon,2026-03-02\n'), 'MALFORMED', /row 2 opens a quoted field that is never closed.* every " inside a field is doubled/],
  ['more cells than the limit', 'large.csv', text(`A,B\n${'1,2\n'.repeat(20)}`), 'TOO_LARGE', /has more than 10 cells, Google Sheets' limit .* Split the export/, { maxCells: 10 }],
  ['more columns than Sheets holds', 'columns.csv', text(`${columns(18_279, (i) => `c${i}`)}\n1\n`), 'TOO_LARGE', /the header row has 18,279 columns; Google Sheets allows at most 18,278/],
];

describe('bad files: refused with a message naming the file and what was expected', () => {
  it.each(CASES)('%s', async (_label, name, bytes, code, message, opts) => {
    const path = join(dir, name);
    if (bytes) writeFileSync(path, typeof bytes === 'function' ? bytes() : bytes);
    let error: unknown;
    try {
      await readLeadsFile(path, { maxCells: opts?.maxCells, stallMs: opts?.stallMs });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LeadsFileError);
    const e = error as LeadsFileError;
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(SAYS_WHAT_TO_DO);
    // It names the file: its path, or the end of a long one.
    expect(e.message.startsWith(path) || e.message.startsWith(`…${path.slice(-50)}`.slice(0, 10)) || e.message.includes(name.slice(-40))).toBe(true);
    expectCleanMessage(e.message.replace(dir, '<dir>'));
    expect(e.message.replace(path, '').replace(/^….*?\.csv/, '')).not.toMatch(/(.)\1{60}/);
  });

  it('CSV text with the same faults, given as text', () => {
    for (const [body, re] of [
      ['', /has no data/],
      ['"a,b\n1,2', /never closed/],
      [`${'x,'.repeat(5)}x\n1,2,3,4,5,6,7`, /names more than one column/],
    ] as const) {
      let error: unknown;
      try {
        parseCsv(body, 'Pasted leads');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LeadsFileError);
      expect((error as Error).message).toMatch(/^Pasted leads/);
      expect((error as Error).message).toMatch(re);
      expectCleanMessage((error as Error).message);
    }
  });

  it('bad options are said with their names', async () => {
    const path = join(dir, 'ok.csv');
    writeFileSync(path, 'Status\nNew\n');
    await expect(readLeadsFile(path, { timeZone: 'Mars/Phobos' })).rejects.toThrow(/Mars\/Phobos/);
    await expect(readLeadsFile(path, { dateOrder: 'ydm' as never })).rejects.toThrow(/ydm/);
  });
});
