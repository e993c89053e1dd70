/**
 * Functions the sidebar calls through google.script.run. Each takes one plain request object and
 * returns plain data (no Dates: google.script.run cannot carry them), and reads the sheet in one
 * batch.
 */
import { LeadFlowError } from '../core/errors';
import { guessColumns, ColumnRole } from '../core/columns';
import { isDate } from '../core/values';
import { callCustomFunction } from '../functions/registry';
import { callEnv } from './env';

export interface SheetSummary {
  sheets: string[];
  sheetName: string;
  headers: string[];
  rowCount: number;
  columns: Record<ColumnRole, number>;
  preview: string[][];
}

function sheetOrThrow(name?: string): GoogleAppsScript.Spreadsheet.Sheet {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const sheet = name ? ss.getSheetByName(name) : ss.getActiveSheet();
  if (!sheet) throw new LeadFlowError(`There is no sheet named "${name}" in this spreadsheet.`);
  return sheet;
}

const asText = (v: unknown): string => (isDate(v) ? v.toISOString().slice(0, 16).replace('T', ' ') : String(v ?? ''));

/** The sheets, and for one of them its headers, the columns LeadFlow recognises and the first rows. */
export function leadflowSheetSummary(request?: { sheetName?: string }): SheetSummary {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const sheet = sheetOrThrow(request?.sheetName);
  const lastRow = sheet.getLastRow();
  const lastCol = sheet.getLastColumn();
  const top = lastRow > 0 && lastCol > 0 ? sheet.getRange(1, 1, Math.min(lastRow, 6), lastCol).getValues() : [];
  const headers = (top[0] ?? []).map((h) => String(h));
  return {
    sheets: ss.getSheets().map((s) => s.getName()),
    sheetName: sheet.getName(),
    headers,
    rowCount: Math.max(0, lastRow - 1),
    columns: guessColumns(headers),
    preview: top.slice(1).map((r) => r.map(asText)),
  };
}

export interface QuickFunnelRequest {
  sheetName: string;
  statusColumn: string;
  arrivedColumn?: string;
  valueColumn?: string;
}

/** The funnel of one sheet's status column, computed with the same code as =FUNNEL. */
export function leadflowQuickFunnel(request: QuickFunnelRequest): (string | number)[][] {
  if (!request || !request.statusColumn) throw new LeadFlowError('Choose the column that holds each lead\'s status.');
  const sheet = sheetOrThrow(request.sheetName);
  const data = sheet.getDataRange().getValues();
  const headers = (data[0] ?? []).map((h) => String(h));
  const col = (name: string | undefined, label: string) => {
    if (!name) return undefined;
    const i = headers.indexOf(name);
    if (i < 0) throw new LeadFlowError(`The ${label} column "${name}" is not in the header row of "${sheet.getName()}".`);
    return data.slice(1).map((r) => [r[i]]);
  };
  const statuses = col(request.statusColumn, 'status');
  const values = col(request.valueColumn, 'deal value');
  const result = callCustomFunction('FUNNEL', [statuses, undefined, undefined, undefined, undefined, values], callEnv()) as (string | number)[][];
  return result;
}
