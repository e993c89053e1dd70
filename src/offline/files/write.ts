/**
 * Writes a spreadsheet (anything implementing the few Apps Script Spreadsheet/Sheet/Range
 * methods below: the in-memory offline host, or a test double) to an .xlsx file.
 *
 * - Every sheet becomes a worksheet, in order; hidden sheets stay hidden; frozen rows become
 *   frozen panes; bold, background colours, number formats and notes (as comments) are kept.
 * - A formula cell is written as a formula together with the value Sheets computed, as the
 *   cached result, so Excel and LibreOffice show it before (or without) recalculating. How
 *   formulas are translated, and what Excel and LibreOffice do with Sheets-only functions on
 *   recalculation, is described in formulas.ts.
 * - Dates: getValues() returns instants. A Sheets cell shows the wall time of that instant in
 *   the spreadsheet's time zone, so the xlsx serial number is built from that wall time (never
 *   from the machine's zone).
 * - The file is written to a temporary file in the target directory and then moved into place,
 *   so a failure never leaves a partial output; an existing file is replaced only with `force`.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { LeadsFileError } from './errors.ts';
import { EXCEL_ERRORS, toExcelFormula } from './formulas.ts';
import { DATE_FORMAT, DATETIME_FORMAT, isDateFormat } from './infer.ts';
import { assertTimeZone, dateToSerial } from './timezone.ts';

export { LeadsFileError } from './errors.ts';

/** The Range methods read (a subset of GoogleAppsScript.Spreadsheet.Range). */
export interface WorkbookRange {
  getValues(): unknown[][];
  getFormulas(): string[][];
  getNumberFormats(): string[][];
  getFontWeights(): string[][];
  getBackgrounds(): string[][];
  getNotes(): string[][];
}

/** The Sheet methods read (a subset of GoogleAppsScript.Spreadsheet.Sheet). */
export interface WorkbookSheet {
  getName(): string;
  getDataRange(): WorkbookRange;
  getFrozenRows(): number;
  isSheetHidden(): boolean;
  getFrozenColumns?(): number;
}

/** The Spreadsheet methods read (a subset of GoogleAppsScript.Spreadsheet.Spreadsheet). */
export interface WorkbookSource {
  getSheets(): WorkbookSheet[];
  getSpreadsheetTimeZone(): string;
}

export interface WriteOptions {
  /** Replace an existing file at the path. */
  force?: boolean;
  /** See formulas.ts: 'wrap' (default) keeps Sheets-only formulas' values through recalculation. */
  sheetsOnlyFormulas?: 'wrap' | 'keep';
}

/** Excel's limit on characters in a cell. */
const MAX_CELL_TEXT = 32_767;

/** Sheets' "automatic" format: Excel would show a trailing "." on whole numbers, so it is dropped. */
const AUTOMATIC_FORMATS = new Set(['', 'General', 'general', '0.###############']);

/**
 * Excel's sheet-name rules: at most 31 characters, none of \ / ? * [ ] :, not starting or
 * ending with an apostrophe, not "History", unique ignoring case. Sheets allows all of these,
 * so offending names are adjusted (and formulas referring to them rewritten).
 */
export function excelSheetNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name, i) => {
    let n = name.replace(/[\\/?*[\]:\u0000-\u001f]/g, '_').replace(/^'+|'+$/g, '').trim();
    if (n === '') n = `Sheet${i + 1}`;
    if (n.toLowerCase() === 'history') n = 'History_';
    n = n.slice(0, 31);
    let candidate = n;
    for (let k = 2; used.has(candidate.toLowerCase()); k++) {
      const suffix = ` (${k})`;
      candidate = n.slice(0, 31 - suffix.length) + suffix;
    }
    used.add(candidate.toLowerCase());
    return candidate;
  });
}

export function argbOf(color: string | undefined): string | null {
  if (!color) return null;
  let hex = color.trim().replace(/^#/, '').toLowerCase();
  if (/^[0-9a-f]{3}$/.test(hex)) hex = hex.split('').map(c => c + c).join('');
  if (!/^[0-9a-f]{6}$/.test(hex) || hex === 'ffffff') return null; // white is Sheets' "no fill"
  return `FF${hex.toUpperCase()}`;
}

function dateFormatFor(serial: number, sheetsFormat: string): string {
  if (isDateFormat(sheetsFormat)) return sheetsFormat;
  return Number.isInteger(serial) ? DATE_FORMAT : DATETIME_FORMAT;
}

/** Builds the ExcelJS workbook (exported for tests and previews; writeWorkbookXlsx saves it). */
export function buildWorkbook(spreadsheet: WorkbookSource, opts: WriteOptions = {}): ExcelJS.Workbook {
  const timeZone = spreadsheet.getSpreadsheetTimeZone() || 'UTC';
  assertTimeZone(timeZone);
  const sheets = spreadsheet.getSheets();
  const names = sheets.map(s => s.getName());
  const xlsxNames = excelSheetNames(names);
  const renamed = new Map<string, string>();
  names.forEach((n, i) => { if (n !== xlsxNames[i]) renamed.set(n, xlsxNames[i]); });

  const wb = new ExcelJS.Workbook();
  wb.creator = 'LeadFlow';
  wb.created = new Date();

  const hidden = sheets.map(s => s.isSheetHidden());
  // Excel refuses a workbook whose sheets are all hidden (Sheets does not allow it either)
  if (hidden.length > 0 && hidden.every(Boolean)) hidden[0] = false;

  sheets.forEach((sheet, si) => {
    const frozenRows = sheet.getFrozenRows() || 0;
    const frozenCols = sheet.getFrozenColumns?.() || 0;
    const ws = wb.addWorksheet(xlsxNames[si], {
      state: hidden[si] ? 'hidden' : 'visible',
      views: frozenRows || frozenCols
        ? [{ state: 'frozen', xSplit: frozenCols, ySplit: frozenRows }]
        : [],
    });
    const range = sheet.getDataRange();
    const values = range.getValues();
    const formulas = range.getFormulas();
    const formats = range.getNumberFormats();
    const weights = range.getFontWeights();
    const backgrounds = range.getBackgrounds();
    const notes = range.getNotes();

    for (let r = 0; r < values.length; r++) {
      const row = values[r] ?? [];
      for (let c = 0; c < row.length; c++) {
        let v: unknown = row[c];
        const formula = formulas[r]?.[c] ?? '';
        const fmt = formats[r]?.[c] ?? '';
        const bold = String(weights[r]?.[c] ?? '').toLowerCase() === 'bold';
        const fill = argbOf(backgrounds[r]?.[c]);
        let note = notes[r]?.[c] ?? '';
        const isFormula = typeof formula === 'string' && formula.startsWith('=') && formula.length > 1;
        const empty = (v === '' || v === null || v === undefined) && !isFormula;
        if (empty && !bold && !fill && !note && AUTOMATIC_FORMATS.has(fmt)) continue;

        const cell = ws.getCell(r + 1, c + 1);
        let numFmt: string | null = AUTOMATIC_FORMATS.has(fmt) ? null : fmt;
        if (v instanceof Date) {
          const serial = dateToSerial(v, timeZone);
          numFmt = dateFormatFor(serial, fmt);
          v = serial;
        } else if (typeof v === 'number' && !Number.isFinite(v)) {
          v = '#NUM!';
        } else if (typeof v === 'string' && v.length > MAX_CELL_TEXT) {
          note = `${note ? `${note}\n\n` : ''}LeadFlow: text cut from ${v.length} to ${MAX_CELL_TEXT} characters, Excel's limit for one cell.`;
          v = v.slice(0, MAX_CELL_TEXT);
        }

        const translated = isFormula ? toExcelFormula(formula, v, { renamedSheets: renamed, sheetsOnlyFormulas: opts.sheetsOnlyFormulas }) : null;
        if (translated) {
          let result: unknown = v;
          if (typeof v === 'string' && EXCEL_ERRORS.has(v)) result = { error: v };
          else if (v === null || v === undefined) result = '';
          cell.value = { formula: translated.formula, result } as ExcelJS.CellFormulaValue;
        } else if (!empty) {
          cell.value = v as ExcelJS.CellValue;
        }
        if (numFmt) cell.numFmt = numFmt;
        if (bold) cell.font = { bold: true };
        if (fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
        if (note) cell.note = note;
      }
    }
  });

  const firstVisible = Math.max(0, hidden.indexOf(false));
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: firstVisible, visibility: 'visible' }];
  return wb;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function existsError(path: string): LeadsFileError {
  return new LeadsFileError('EXISTS', path,
    `${path} already exists; refusing to overwrite it. Choose another output path or pass --force (force: true) to replace it.`);
}

/** Writes the spreadsheet to `path` as .xlsx, atomically; refuses to replace an existing file unless `force`. */
export async function writeWorkbookXlsx(spreadsheet: WorkbookSource, path: string, opts: WriteOptions = {}): Promise<void> {
  await commitFile(path, opts, async (tmp) => {
    const buffer = Buffer.from(await buildWorkbook(spreadsheet, opts).xlsx.writeBuffer());
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(buffer);
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/**
 * Produces a file at `path` without ever leaving a partial one: `produce` writes a temporary file
 * beside it, which is then moved into place. An existing file is replaced only with `force`.
 */
export async function commitFile(path: string, opts: { force?: boolean }, produce: (tmp: string) => Promise<void>): Promise<void> {
  if (await exists(path)) {
    const st = await stat(path);
    if (st.isDirectory()) throw new LeadsFileError('WRITE_FAILED', path, `${path} is a directory; expected a path for the .xlsx file.`);
    if (!opts.force) throw existsError(path);
  }
  const dir = dirname(path);
  if (!(await exists(dir))) {
    throw new LeadsFileError('WRITE_FAILED', path, `${path}: the folder ${dir} does not exist.`);
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let moved = false;
  try {
    await produce(tmp);
    if (opts.force) {
      await rename(tmp, path);
      moved = true;
    } else {
      // link() fails if the path appeared meanwhile, so nothing is ever overwritten by accident
      try {
        await link(tmp, path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw existsError(path);
        if (await exists(path)) throw existsError(path);
        await rename(tmp, path); // file system without hard links
        moved = true;
      }
    }
  } catch (e) {
    if (e instanceof LeadsFileError) throw e;
    throw new LeadsFileError('WRITE_FAILED', path, `${path}: could not be written (${(e as Error).message}).`, { cause: e });
  } finally {
    if (!moved) await unlink(tmp).catch(() => undefined);
  }
}
