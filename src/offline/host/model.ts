/**
 * The in-memory spreadsheet behind the offline services. Cell contents (values and formulas) live
 * in the formula engine; everything else Sheets keeps about cells (number formats, fonts,
 * backgrounds, notes, validations...) lives here in sparse maps, and sheet-level state (order,
 * grid size, frozen rows, charts, rules, protections) in SheetModel.
 */
import { FormulaEngine, MAX_CELLS, MAX_COLUMNS } from '../engine.ts';
import { quoteSheetName } from './a1.ts';

/** Per-cell attributes kept outside the engine. */
export type CellAttribute =
  | 'numberFormat' | 'fontWeight' | 'fontColor' | 'fontSize' | 'fontStyle' | 'background' | 'note'
  | 'validation' | 'horizontalAlignment' | 'verticalAlignment' | 'wrap' | 'wrapStrategy';

/** Attributes Range.clearFormat() / clear() reset. */
export const FORMAT_ATTRIBUTES: CellAttribute[] = [
  'numberFormat', 'fontWeight', 'fontColor', 'fontSize', 'fontStyle', 'background', 'horizontalAlignment',
  'verticalAlignment', 'wrap', 'wrapStrategy',
];

/** A rectangle of a sheet, 1-based like Apps Script. */
export interface GridRange {
  sheet: SheetModel;
  row: number;
  col: number;
  numRows: number;
  numCols: number;
}

export interface ChartData {
  id: number;
  type: string;
  ranges: GridRange[];
  position: { anchorRow: number; anchorColumn: number; offsetX: number; offsetY: number };
  options: Record<string, unknown>;
}

export interface BooleanConditionData {
  type: string;
  values: unknown[];
}

export interface ConditionalFormatRuleData {
  condition?: BooleanConditionData;
  format: { background?: string | null; fontColor?: string | null; bold?: boolean | null; italic?: boolean | null; strikethrough?: boolean | null; underline?: boolean | null };
  ranges: GridRange[];
}

export interface DataValidationData {
  criteriaType: string;
  criteriaValues: unknown[];
  allowInvalid: boolean;
  helpText: string;
}

export interface ProtectionData {
  type: 'SHEET' | 'RANGE';
  range?: GridRange;
  description: string;
  warningOnly: boolean;
  editors: string[];
  domainEdit: boolean;
  unprotectedRanges: GridRange[];
  removed: boolean;
}

export interface BorderData {
  range: GridRange;
  top: boolean | null; left: boolean | null; bottom: boolean | null; right: boolean | null;
  vertical: boolean | null; horizontal: boolean | null; color: string | null; style: string | null;
}

function key(row: number, col: number): number {
  return row * MAX_COLUMNS + col;
}

/** Sparse per-cell attributes, keyed by 0-based row/column. */
export class CellAttributes {
  private readonly maps = new Map<CellAttribute, Map<number, unknown>>();

  get(attr: CellAttribute, row: number, col: number): unknown {
    return this.maps.get(attr)?.get(key(row, col));
  }

  set(attr: CellAttribute, row: number, col: number, value: unknown): void {
    let map = this.maps.get(attr);
    if (value === undefined || value === null) {
      map?.delete(key(row, col));
      return;
    }
    if (!map) this.maps.set(attr, (map = new Map()));
    map.set(key(row, col), value);
  }

  has(attr: CellAttribute): boolean {
    return (this.maps.get(attr)?.size ?? 0) > 0;
  }

  clearRect(attrs: CellAttribute[], row: number, col: number, numRows: number, numCols: number): void {
    for (const attr of attrs) {
      const map = this.maps.get(attr);
      if (!map || map.size === 0) continue;
      if (map.size < numRows * numCols) {
        for (const k of [...map.keys()]) {
          const r = Math.floor(k / MAX_COLUMNS);
          const c = k % MAX_COLUMNS;
          if (r >= row && r < row + numRows && c >= col && c < col + numCols) map.delete(k);
        }
      } else {
        for (let r = row; r < row + numRows; r++) for (let c = col; c < col + numCols; c++) map.delete(key(r, c));
      }
    }
  }

  /** Moves attributes when rows are inserted (count > 0) or deleted (count < 0) at `at`. */
  shiftRows(at: number, count: number): void {
    this.remap((r, c) => (r < at ? [r, c] : count < 0 && r < at - count ? undefined : [r + count, c]));
  }

  shiftColumns(at: number, count: number): void {
    this.remap((r, c) => (c < at ? [r, c] : count < 0 && c < at - count ? undefined : [r, c + count]));
  }

  clearAll(attrs: CellAttribute[]): void {
    for (const attr of attrs) this.maps.delete(attr);
  }

  private remap(move: (row: number, col: number) => [number, number] | undefined): void {
    for (const [attr, map] of this.maps) {
      const next = new Map<number, unknown>();
      for (const [k, v] of map) {
        const target = move(Math.floor(k / MAX_COLUMNS), k % MAX_COLUMNS);
        if (target) next.set(key(target[0], target[1]), v);
      }
      this.maps.set(attr, next);
    }
  }
}

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;
export const DEFAULT_COLUMN_WIDTH = 100;
export const DEFAULT_ROW_HEIGHT = 21;

export class SheetModel {
  readonly attributes = new CellAttributes();
  hidden = false;
  tabColor: string | null = null;
  frozenRows = 0;
  frozenColumns = 0;
  readonly columnWidths = new Map<number, number>();
  readonly rowHeights = new Map<number, number>();
  readonly hiddenColumns = new Set<number>();
  readonly hiddenRows = new Set<number>();
  charts: ChartData[] = [];
  conditionalFormatRules: ConditionalFormatRuleData[] = [];
  protections: ProtectionData[] = [];
  merges: GridRange[] = [];
  borders: BorderData[] = [];

  constructor(
    readonly spreadsheet: SpreadsheetModel,
    /** The engine's id of this sheet. */
    readonly engineId: number,
    /** Apps Script's getSheetId() (the gid in the URL). */
    readonly gid: number,
    public name: string,
    public maxRows = DEFAULT_ROWS,
    public maxColumns = DEFAULT_COLUMNS,
  ) {}

  get engine(): FormulaEngine {
    return this.spreadsheet.engine;
  }

  /** The sheet's name as a formula or A1 reference would write it. */
  get quotedName(): string {
    return quoteSheetName(this.name);
  }
}

export class SheetsLimitError extends Error {}

export class SpreadsheetModel {
  readonly sheets: SheetModel[] = [];
  readonly namedRanges = new Map<string, GridRange>();
  activeSheet!: SheetModel;
  activeRange: GridRange | undefined;
  private nextGid = 0;
  private nextChartId = 1;

  constructor(
    readonly engine: FormulaEngine,
    readonly id: string,
    public name: string,
    public timeZone: string,
    public locale: string,
  ) {}

  sheetByName(name: string): SheetModel | undefined {
    const lower = name.toLowerCase();
    return this.sheets.find((s) => s.name.toLowerCase() === lower);
  }

  sheetByEngineId(id: number): SheetModel | undefined {
    return this.sheets.find((s) => s.engineId === id);
  }

  totalCells(except?: SheetModel): number {
    return this.sheets.reduce((n, s) => (s === except ? n : n + s.maxRows * s.maxColumns), 0);
  }

  /** Creates a sheet at a 0-based position (end by default). */
  addSheet(name: string, index = this.sheets.length, rows = DEFAULT_ROWS, columns = DEFAULT_COLUMNS): SheetModel {
    this.assertCellLimit(rows * columns);
    const sheet = new SheetModel(this, this.engine.addSheet(name), this.nextGid, name, rows, columns);
    // Sheets gives the first sheet gid 0 and later ones large numbers; keep them deterministic.
    this.nextGid = this.nextGid === 0 ? 1_000_001 : this.nextGid + 1;
    this.sheets.splice(Math.max(0, Math.min(index, this.sheets.length)), 0, sheet);
    if (!this.activeSheet) this.activeSheet = sheet;
    return sheet;
  }

  removeSheet(sheet: SheetModel): void {
    const i = this.sheets.indexOf(sheet);
    if (i < 0) return;
    this.sheets.splice(i, 1);
    this.engine.removeSheet(sheet.engineId);
    for (const [name, range] of this.namedRanges) if (range.sheet === sheet) this.namedRanges.delete(name);
    if (this.activeSheet === sheet) this.activeSheet = this.sheets.find((s) => !s.hidden) ?? this.sheets[0];
    if (this.activeRange?.sheet === sheet) this.activeRange = undefined;
  }

  newChartId(): number {
    return this.nextChartId++;
  }

  /** Throws like Sheets when a change would take the spreadsheet past 10 million cells. */
  assertCellLimit(extraCells: number): void {
    if (this.totalCells() + extraCells > MAX_CELLS) {
      throw new SheetsLimitError(`This action would increase the number of cells in the workbook above the limit of ${MAX_CELLS} cells.`);
    }
  }

  /** Grows a sheet's grid so that 1-based (lastRow, lastColumn) is inside it. */
  ensureGrid(sheet: SheetModel, lastRow: number, lastColumn: number): void {
    const rows = Math.max(sheet.maxRows, lastRow);
    const columns = Math.max(sheet.maxColumns, lastColumn);
    if (rows === sheet.maxRows && columns === sheet.maxColumns) return;
    if (columns > MAX_COLUMNS) throw new SheetsLimitError(`This action would increase the number of columns in the sheet above the limit of ${MAX_COLUMNS}.`);
    if (this.totalCells(sheet) + rows * columns > MAX_CELLS) {
      throw new SheetsLimitError(`This action would increase the number of cells in the workbook above the limit of ${MAX_CELLS} cells.`);
    }
    sheet.maxRows = rows;
    sheet.maxColumns = columns;
  }
}
