/**
 * Sheet: grid size, structure (insert/delete rows and columns, appendRow), sheet-level formatting
 * (frozen rows, widths, tab colour, visibility), charts, conditional format rules and protections.
 * Writing past the grid grows it (up to Sheets' 10 million cells per spreadsheet); with
 * createHost({ strictGridBounds: true }) getRange() past the grid throws as in Apps Script.
 */
import { parseA1 } from './a1.ts';
import { chartData, makeChartBuilder, makeConditionalFormatRule, makeEmbeddedChart, makeProtection, ruleData } from './builders.ts';
import { expose, fail } from './context.ts';
import type { GridRange, ProtectionData, SheetModel } from './model.ts';
import { DEFAULT_COLUMN_WIDTH, DEFAULT_ROW_HEIGHT, FORMAT_ATTRIBUTES } from './model.ts';
import { normaliseColor, withLimits } from './range.ts';
import type { ServiceContext } from './state.ts';
import { displayCell, writeCell } from './values.ts';

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}

/** Resolves the overloads of getRange: (a1), (row, column), (row, column, numRows[, numColumns]). */
export function resolveRange(ctx: ServiceContext, sheet: SheetModel, args: unknown[]): GridRange {
  const [a, b, c, d] = args;
  if (typeof a === 'string') {
    const parsed = parseA1(a);
    if (!parsed) return fail(ctx, 'Range not found');
    const target = parsed.sheetName !== undefined ? sheet.spreadsheet.sheetByName(parsed.sheetName) : sheet;
    if (!target) return fail(ctx, 'Range not found');
    const endRow = parsed.endRow ?? target.maxRows;
    const endCol = parsed.endCol ?? target.maxColumns;
    return checkBounds(ctx, { sheet: target, row: parsed.row, col: parsed.col, numRows: endRow - parsed.row + 1, numCols: endCol - parsed.col + 1 });
  }
  if (typeof a !== 'number' || typeof b !== 'number') return fail(ctx, `The parameters (${args.map((x) => typeof x).join(',')}) don't match the method signature for SpreadsheetApp.Sheet.getRange.`);
  if (a < 1 || !Number.isInteger(a)) fail(ctx, 'The starting row of the range is too small.');
  if (b < 1 || !Number.isInteger(b)) fail(ctx, 'The starting column of the range is too small.');
  const numRows = c === undefined ? 1 : (c as number);
  const numCols = d === undefined ? 1 : (d as number);
  if (!isPositiveInteger(numRows)) fail(ctx, 'The number of rows in the range must be at least 1.');
  if (!isPositiveInteger(numCols)) fail(ctx, 'The number of columns in the range must be at least 1.');
  return checkBounds(ctx, { sheet, row: a, col: b, numRows, numCols });
}

function checkBounds(ctx: ServiceContext, grid: GridRange): GridRange {
  const outside = grid.row + grid.numRows - 1 > grid.sheet.maxRows || grid.col + grid.numCols - 1 > grid.sheet.maxColumns;
  if (outside && ctx.host.strictGridBounds) fail(ctx, 'The coordinates of the range are outside the dimensions of the sheet.');
  return grid;
}

export class SheetImpl {
  _proxy: unknown;

  constructor(private readonly ctx: ServiceContext, readonly model: SheetModel) {}

  // --- identity -----------------------------------------------------------------------------

  getName(): string { return this.model.name; }
  getSheetName(): string { return this.model.name; }
  getSheetId(): number { return this.model.gid; }
  getIndex(): number { return this.model.spreadsheet.sheets.indexOf(this.model) + 1; }
  getParent(): unknown { return this.ctx.api.spreadsheet(); }
  getType(): string { return 'GRID'; }

  setName(name: string): unknown {
    const newName = String(name);
    const other = this.model.spreadsheet.sheetByName(newName);
    if (other && other !== this.model) fail(this.ctx, `A sheet with the name "${newName}" already exists. Please enter another name.`);
    this.model.engine.renameSheet(this.model.engineId, newName);
    this.model.name = newName;
    return this._proxy;
  }

  activate(): unknown {
    this.model.spreadsheet.activeSheet = this.model;
    this.model.spreadsheet.activeRange = undefined;
    return this._proxy;
  }

  // --- ranges -------------------------------------------------------------------------------

  getRange(...args: unknown[]): unknown {
    return this.ctx.api.range(resolveRange(this.ctx, this.model, args));
  }

  getDataRange(): unknown {
    const rows = Math.max(1, this._usedRows());
    const cols = Math.max(1, this._usedColumns());
    return this.ctx.api.range({ sheet: this.model, row: 1, col: 1, numRows: rows, numCols: cols });
  }

  getLastRow(): number { return this._usedRows(); }
  getLastColumn(): number { return this._usedColumns(); }
  getMaxRows(): number { return this.model.maxRows; }
  getMaxColumns(): number { return this.model.maxColumns; }

  appendRow(rowContents: unknown[]): unknown {
    if (!Array.isArray(rowContents)) fail(this.ctx, `The parameters (${typeof rowContents}) don't match the method signature for SpreadsheetApp.Sheet.appendRow.`);
    const m = this.model;
    const row0 = this._usedRows();
    withLimits(this.ctx, () => m.spreadsheet.ensureGrid(m, row0 + 1, Math.max(1, rowContents.length)));
    const data = [Array.from(rowContents, (v, c) => writeCell(m, row0, c, v))];
    if (data[0].length > 0) m.engine.batch(() => m.engine.setContents(m.engineId, row0, 0, data));
    return this._proxy;
  }

  // --- structure ----------------------------------------------------------------------------

  insertRowAfter(afterPosition: number): unknown { return this.insertRowsAfter(afterPosition, 1); }
  insertRowBefore(beforePosition: number): unknown { return this.insertRowsBefore(beforePosition, 1); }
  insertRows(rowIndex: number, numRows = 1): unknown { return this.insertRowsBefore(rowIndex, numRows); }
  insertRowsAfter(afterPosition: number, howMany: number): unknown { return this._insertRows(afterPosition, howMany, afterPosition); }
  insertRowsBefore(beforePosition: number, howMany: number): unknown { return this._insertRows(beforePosition, howMany, beforePosition - 1); }

  insertColumnAfter(afterPosition: number): unknown { return this.insertColumnsAfter(afterPosition, 1); }
  insertColumnBefore(beforePosition: number): unknown { return this.insertColumnsBefore(beforePosition, 1); }
  insertColumns(columnIndex: number, numColumns = 1): unknown { return this.insertColumnsBefore(columnIndex, numColumns); }
  insertColumnsAfter(afterPosition: number, howMany: number): unknown { return this._insertColumns(afterPosition, howMany, afterPosition); }
  insertColumnsBefore(beforePosition: number, howMany: number): unknown { return this._insertColumns(beforePosition, howMany, beforePosition - 1); }

  deleteRow(rowPosition: number): unknown { return this.deleteRows(rowPosition, 1); }
  deleteRows(rowPosition: number, howMany = 1): unknown {
    const m = this.model;
    if (!isPositiveInteger(rowPosition) || !isPositiveInteger(howMany) || rowPosition + howMany - 1 > m.maxRows) fail(this.ctx, 'Those rows are out of bounds.');
    if (howMany >= m.maxRows) fail(this.ctx, 'Sorry, it is not possible to delete all non-frozen rows.');
    m.engine.deleteRows(m.engineId, rowPosition - 1, howMany);
    m.attributes.shiftRows(rowPosition - 1, -howMany);
    m.maxRows -= howMany;
    return this._proxy;
  }

  deleteColumn(columnPosition: number): unknown { return this.deleteColumns(columnPosition, 1); }
  deleteColumns(columnPosition: number, howMany = 1): unknown {
    const m = this.model;
    if (!isPositiveInteger(columnPosition) || !isPositiveInteger(howMany) || columnPosition + howMany - 1 > m.maxColumns) fail(this.ctx, 'Those columns are out of bounds.');
    if (howMany >= m.maxColumns) fail(this.ctx, 'Sorry, it is not possible to delete all non-frozen columns.');
    m.engine.deleteColumns(m.engineId, columnPosition - 1, howMany);
    m.attributes.shiftColumns(columnPosition - 1, -howMany);
    m.maxColumns -= howMany;
    return this._proxy;
  }

  clear(options?: { contentsOnly?: boolean; formatOnly?: boolean }): unknown {
    const all = !options || !(options.contentsOnly || options.formatOnly);
    if (all || options?.contentsOnly) this.clearContents();
    if (all || options?.formatOnly) this.clearFormats();
    return this._proxy;
  }

  clearContents(): unknown {
    const m = this.model;
    m.engine.clear(m.engineId, 0, 0, m.maxRows, m.maxColumns);
    return this._proxy;
  }

  clearFormats(): unknown {
    this.model.attributes.clearAll(FORMAT_ATTRIBUTES);
    return this._proxy;
  }

  clearNotes(): unknown {
    this.model.attributes.clearAll(['note']);
    return this._proxy;
  }

  // --- view ---------------------------------------------------------------------------------

  setFrozenRows(rows: number): void {
    if (!Number.isInteger(rows) || rows < 0 || rows > this.model.maxRows) fail(this.ctx, 'Invalid argument: rows');
    this.model.frozenRows = rows;
  }
  getFrozenRows(): number { return this.model.frozenRows; }
  setFrozenColumns(columns: number): void {
    if (!Number.isInteger(columns) || columns < 0 || columns > this.model.maxColumns) fail(this.ctx, 'Invalid argument: columns');
    this.model.frozenColumns = columns;
  }
  getFrozenColumns(): number { return this.model.frozenColumns; }

  hideSheet(): unknown {
    const visible = this.model.spreadsheet.sheets.filter((s) => !s.hidden);
    if (visible.length === 1 && visible[0] === this.model) fail(this.ctx, "You can't hide all the sheets in a document.");
    this.model.hidden = true;
    return this._proxy;
  }
  showSheet(): unknown { this.model.hidden = false; return this._proxy; }
  isSheetHidden(): boolean { return this.model.hidden; }

  setTabColor(color: string | null): unknown { this.model.tabColor = normaliseColor(color); return this._proxy; }
  getTabColor(): string | null { return this.model.tabColor; }

  setColumnWidth(columnPosition: number, width: number): unknown { return this.setColumnWidths(columnPosition, 1, width); }
  setColumnWidths(startColumn: number, numColumns: number, width: number): unknown {
    for (let c = startColumn; c < startColumn + numColumns; c++) this.model.columnWidths.set(c, Number(width));
    return this._proxy;
  }
  getColumnWidth(columnPosition: number): number { return this.model.columnWidths.get(columnPosition) ?? DEFAULT_COLUMN_WIDTH; }
  setRowHeight(rowPosition: number, height: number): unknown { return this.setRowHeights(rowPosition, 1, height); }
  setRowHeights(startRow: number, numRows: number, height: number): unknown {
    for (let r = startRow; r < startRow + numRows; r++) this.model.rowHeights.set(r, Number(height));
    return this._proxy;
  }
  getRowHeight(rowPosition: number): number { return this.model.rowHeights.get(rowPosition) ?? DEFAULT_ROW_HEIGHT; }

  autoResizeColumn(columnPosition: number): unknown { return this.autoResizeColumns(columnPosition, 1); }
  /** Fits widths to the longest displayed text (about 7 px a character, as Arial 10 renders). */
  autoResizeColumns(startColumn: number, numColumns: number): unknown {
    const m = this.model;
    const rows = Math.min(this._usedRows(), 10_000);
    for (let c = startColumn; c < startColumn + numColumns; c++) {
      let longest = 0;
      if (rows > 0) {
        const values = m.engine.getValues(m.engineId, 0, c - 1, rows, 1);
        values.forEach((line, r) => { longest = Math.max(longest, displayCell(m, r, c - 1, line[0]).length); });
      }
      m.columnWidths.set(c, Math.max(20, longest * 7 + 10));
    }
    return this._proxy;
  }

  hideColumns(columnIndex: number, numColumns = 1): void { for (let c = columnIndex; c < columnIndex + numColumns; c++) this.model.hiddenColumns.add(c); }
  showColumns(columnIndex: number, numColumns = 1): void { for (let c = columnIndex; c < columnIndex + numColumns; c++) this.model.hiddenColumns.delete(c); }
  hideRows(rowIndex: number, numRows = 1): void { for (let r = rowIndex; r < rowIndex + numRows; r++) this.model.hiddenRows.add(r); }
  showRows(rowIndex: number, numRows = 1): void { for (let r = rowIndex; r < rowIndex + numRows; r++) this.model.hiddenRows.delete(r); }
  isColumnHiddenByUser(columnPosition: number): boolean { return this.model.hiddenColumns.has(columnPosition); }
  isRowHiddenByUser(rowPosition: number): boolean { return this.model.hiddenRows.has(rowPosition); }

  // --- protection ---------------------------------------------------------------------------

  /** Returns the sheet's protection, creating it on first call. */
  protect(): unknown {
    let data = this.model.protections.find((p) => p.type === 'SHEET');
    if (!data) {
      data = { type: 'SHEET', description: '', warningOnly: false, editors: [], domainEdit: true, unprotectedRanges: [], removed: false } satisfies ProtectionData;
      this.model.protections.push(data);
    }
    return makeProtection(this.ctx, this.model, data);
  }

  getProtections(type: string): unknown[] {
    const list = this.model.protections.filter((p) => p.type === String(type));
    return this.ctx.realm.Array.from(list.map((p) => makeProtection(this.ctx, this.model, p)));
  }

  // --- charts -------------------------------------------------------------------------------

  newChart(): unknown { return makeChartBuilder(this.ctx, this.model); }

  insertChart(chart: unknown): void {
    const data = chartData(this.ctx, chart);
    if (this.model.charts.some((c) => c.id === data.id)) data.id = this.model.spreadsheet.newChartId();
    this.model.charts.push(data);
  }

  updateChart(chart: unknown): void {
    const data = chartData(this.ctx, chart);
    const i = this.model.charts.findIndex((c) => c.id === data.id);
    if (i < 0) fail(this.ctx, 'The chart is not on this sheet.');
    this.model.charts[i] = data;
  }

  removeChart(chart: unknown): void {
    const data = chartData(this.ctx, chart);
    this.model.charts = this.model.charts.filter((c) => c.id !== data.id);
  }

  getCharts(): unknown[] {
    return this.ctx.realm.Array.from(this.model.charts.map((c) => makeEmbeddedChart(this.ctx, this.model, c)));
  }

  // --- conditional formats ------------------------------------------------------------------

  getConditionalFormatRules(): unknown[] {
    return this.ctx.realm.Array.from(this.model.conditionalFormatRules.map((r) => makeConditionalFormatRule(this.ctx, r)));
  }

  setConditionalFormatRules(rules: unknown[]): void {
    if (!Array.isArray(rules)) fail(this.ctx, 'Invalid argument: rules');
    this.model.conditionalFormatRules = rules.map((r) => ruleData(this.ctx, r));
  }

  clearConditionalFormatRules(): void {
    this.model.conditionalFormatRules = [];
  }

  // --- helpers ------------------------------------------------------------------------------

  _usedRows(): number { return this.model.engine.usedRows(this.model.engineId); }
  _usedColumns(): number { return this.model.engine.usedColumns(this.model.engineId); }

  _insertRows(position: number, howMany: number, index0: number): unknown {
    const m = this.model;
    if (!isPositiveInteger(position) || position > m.maxRows) fail(this.ctx, 'Those rows are out of bounds.');
    if (!isPositiveInteger(howMany)) fail(this.ctx, 'Invalid argument: howMany');
    withLimits(this.ctx, () => m.spreadsheet.ensureGrid(m, m.maxRows + howMany, m.maxColumns));
    m.engine.insertRows(m.engineId, index0, howMany);
    m.attributes.shiftRows(index0, howMany);
    return this._proxy;
  }

  _insertColumns(position: number, howMany: number, index0: number): unknown {
    const m = this.model;
    if (!isPositiveInteger(position) || position > m.maxColumns) fail(this.ctx, 'Those columns are out of bounds.');
    if (!isPositiveInteger(howMany)) fail(this.ctx, 'Invalid argument: howMany');
    withLimits(this.ctx, () => m.spreadsheet.ensureGrid(m, m.maxRows, m.maxColumns + howMany));
    m.engine.insertColumns(m.engineId, index0, howMany);
    m.attributes.shiftColumns(index0, howMany);
    return this._proxy;
  }
}

export function makeSheet(ctx: ServiceContext, model: SheetModel): GoogleAppsScript.Spreadsheet.Sheet {
  const impl = new SheetImpl(ctx, model);
  impl._proxy = expose(ctx, 'Sheet', impl);
  return impl._proxy as GoogleAppsScript.Spreadsheet.Sheet;
}
