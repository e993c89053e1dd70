/**
 * Writes a report workbook as it goes, row by row (ExcelJS' streaming writer), so a million-lead
 * export never sits in memory twice: the built sheets first (each cell a formula with its cached
 * value, counted by src/core), then the leads as read, then the hidden setup sheet. Text that
 * looks like a formula is written as text: only the plans' own formulas are formulas.
 */
import ExcelJS from 'exceljs';
import type { Plan } from '../../core/report/grid.ts';
import { EXCEL_ERRORS, toExcelFormula } from './formulas.ts';
import { DATE_FORMAT, DATETIME_FORMAT } from './infer.ts';
import { dateToSerial } from './timezone.ts';
import { argbOf, commitFile, excelSheetNames } from './write.ts';

export interface LeadsSheet {
  name: string;
  /** Header row first. */
  rows: unknown[][];
  /** Number format per column (the first non-empty one the reader saw), or null. */
  columnFormats: (string | null)[];
}

export interface ReportWorkbook {
  plans: Plan[];
  leads: LeadsSheet;
  setup: { name: string; rows: string[][] };
  timeZone: string;
}

const FILLS = [null, '#e8f0fe', '#d2e3fc', '#f1f3f4'];
/** Sheets' automatic format: nothing to write. */
const AUTOMATIC = new Set(['', 'General', '0.###############']);
const MAX_CELL_TEXT = 32_767;

/**
 * A string as a cell value that keeps its spaces: without shared strings ExcelJS writes text as
 * <v>, which readers trim; text with outer spaces or line breaks goes as an inline string with
 * xml:space="preserve", so " Google" stays " Google" (and still counts as its own spelling).
 */
function textValue(v: string): ExcelJS.CellValue {
  const text = v.length > MAX_CELL_TEXT ? v.slice(0, MAX_CELL_TEXT) : v;
  return /^\s|\s$|\n/.test(text) ? ({ richText: [{ text }] } as ExcelJS.CellRichTextValue) : text;
}

/** Column widths fitted to what the cells show (in characters), within reason. */
function fittedWidths(values: unknown[][], max = 48): number[] {
  const widths: number[] = [];
  for (const row of values.slice(0, 2000)) {
    row.forEach((v, c) => {
      const text = v instanceof Date ? '2026-12-31 23:59' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v ?? '');
      // Long prose (notes, titles) spills over empty neighbours rather than widening its column.
      const len = text.length > 60 ? 12 : text.length;
      widths[c] = Math.max(widths[c] ?? 8, Math.min(max, len + 2));
    });
  }
  return widths;
}

function planSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, plan: Plan, name: string, renamed: Map<string, string>, lastRow: number): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 0, xSplit: 1 }] });
  const widths = fittedWidths(plan.values);
  widths[0] = Math.max(widths[0] ?? 10, 24);
  ws.columns = widths.map((width) => ({ width }));
  plan.cells.forEach((cells, r) => {
    const row = ws.getRow(r + 1);
    cells.forEach((raw, c) => {
      const value = plan.values[r][c];
      const style = plan.styles[r][c];
      const fmt = plan.formats[r][c];
      const isFormula = typeof raw === 'string' && raw.startsWith('=') && raw.length > 1;
      if (!isFormula && (value === '' || value === null) && !style) return;
      const cell = row.getCell(c + 1);
      if (isFormula) {
        const t = toExcelFormula(raw as string, value, { renamedSheets: renamed, lastRow });
        const result = typeof value === 'string' && EXCEL_ERRORS.has(value) ? { error: value } : value;
        cell.value = t ? ({ formula: t.formula, result } as ExcelJS.CellFormulaValue) : (value as ExcelJS.CellValue);
      } else cell.value = typeof value === 'string' ? textValue(value) : (value as ExcelJS.CellValue);
      if (fmt && !AUTOMATIC.has(fmt)) cell.numFmt = fmt;
      if (style) {
        cell.font = { bold: true, size: style === 2 ? 14 : 10 };
        const fill = argbOf(FILLS[style] ?? undefined);
        if (fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      }
    });
    row.commit();
  });
  ws.commit();
}

function leadsSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, leads: LeadsSheet, name: string, timeZone: string): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = fittedWidths(leads.rows, 40).map((width) => ({ width }));
  leads.rows.forEach((values, r) => {
    const row = ws.getRow(r + 1);
    values.forEach((v, c) => {
      if (v === '' || v === null || v === undefined) return;
      const cell = row.getCell(c + 1);
      if (r === 0) {
        cell.value = String(v);
        cell.font = { bold: true };
        return;
      }
      if (v instanceof Date) {
        const serial = dateToSerial(v, timeZone);
        cell.value = serial;
        const fmt = leads.columnFormats[c];
        cell.numFmt = fmt && /[dmy]/i.test(fmt) ? fmt : Number.isInteger(serial) ? DATE_FORMAT : DATETIME_FORMAT;
        return;
      }
      // Text stays text, whatever it starts with: ExcelJS writes a string as a string cell.
      cell.value = typeof v === 'string' ? textValue(v) : (v as ExcelJS.CellValue);
      const fmt = leads.columnFormats[c];
      if (typeof v === 'number' && fmt && !AUTOMATIC.has(fmt)) cell.numFmt = fmt;
    });
    row.commit();
  });
  ws.commit();
}

/**
 * How far down the built sheets' formulas read the leads in the file: the leads and room for half
 * as many again (at least a thousand rows), within Excel's limit. Sheets reads whole columns; here
 * a whole column would cost LibreOffice and Excel a million rows per COUNTIFS.
 */
export function readRowsTo(rows: number): number {
  return Math.min(1_048_576, rows + Math.max(1000, Math.ceil(rows / 2)));
}

/** Writes the report to `path` (atomically; an existing file only with `force`). Returns the sheet names as written. */
export async function writeReportXlsx(path: string, report: ReportWorkbook, opts: { force?: boolean } = {}): Promise<string[]> {
  const names = [...report.plans.map((p) => p.name), report.leads.name, report.setup.name];
  const xlsxNames = excelSheetNames(names);
  const renamed = new Map<string, string>();
  names.forEach((n, i) => { if (n !== xlsxNames[i]) renamed.set(n, xlsxNames[i]); });
  await commitFile(path, opts, async (tmp) => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
    wb.creator = 'LeadFlow';
    const lastRow = readRowsTo(report.leads.rows.length);
    report.plans.forEach((plan, i) => planSheet(wb, plan, xlsxNames[i], renamed, lastRow));
    leadsSheet(wb, report.leads, xlsxNames[report.plans.length], report.timeZone);
    const setup = wb.addWorksheet(xlsxNames[names.length - 1], { state: 'hidden' });
    report.setup.rows.forEach((r, i) => {
      const row = setup.getRow(i + 1);
      r.forEach((v, c) => { if (v !== '') row.getCell(c + 1).value = v; });
      if (i < 2) row.font = { bold: true };
      row.commit();
    });
    setup.commit();
    await wb.commit();
  });
  return xlsxNames;
}
