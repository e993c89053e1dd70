/**
 * Range: reading and writing cells the way Apps Script documents it (getValues returns a 2D array
 * of numbers, strings, booleans and Dates with "" for blanks; setValues checks the data's
 * dimensions; single-value setters fill the whole range; getters of one value read the top-left
 * cell).
 */
import { rangeA1 } from './a1.ts';
import { gridOf, makeDataValidation, makeProtection, validationData } from './builders.ts';
import { expose, fail } from './context.ts';
import type { CellAttribute, DataValidationData, GridRange } from './model.ts';
import { FORMAT_ATTRIBUTES, SheetsLimitError } from './model.ts';
import type { ServiceContext } from './state.ts';
import { displayCell, effectiveFormat, readCell, writeCell } from './values.ts';

const COLOR_NAMES: Record<string, string> = {
  black: '#000000', white: '#ffffff', red: '#ff0000', green: '#008000', blue: '#0000ff', yellow: '#ffff00',
  orange: '#ffa500', purple: '#800080', gray: '#808080', grey: '#808080', cyan: '#00ffff', magenta: '#ff00ff',
};

/** Sheets reports colours as lower-case #rrggbb. */
export function normaliseColor(color: unknown): string | null {
  if (color === null || color === undefined || color === '') return null;
  const s = String(color).trim().toLowerCase();
  if (COLOR_NAMES[s]) return COLOR_NAMES[s];
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(s);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  return s;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return Array.isArray(value[0]) ? 'Object[][]' : `${typeof value[0] === 'number' ? 'number' : 'Object'}[]`;
  return value === null ? 'null' : typeof value;
}

/** Runs a model change, turning the model's limit errors into script errors. */
export function withLimits<T>(ctx: ServiceContext, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SheetsLimitError) fail(ctx, e.message);
    throw e;
  }
}

export class RangeImpl {
  _proxy: unknown;

  constructor(private readonly ctx: ServiceContext, readonly grid: GridRange) {}

  // --- geometry -----------------------------------------------------------------------------

  getA1Notation(): string {
    const g = this.grid;
    return rangeA1(g.row, g.col, g.numRows, g.numCols);
  }
  getRow(): number { return this.grid.row; }
  getRowIndex(): number { return this.grid.row; }
  getColumn(): number { return this.grid.col; }
  getLastRow(): number { return this.grid.row + this.grid.numRows - 1; }
  getLastColumn(): number { return this.grid.col + this.grid.numCols - 1; }
  getNumRows(): number { return this.grid.numRows; }
  getNumColumns(): number { return this.grid.numCols; }
  getHeight(): number { return this.grid.numRows; }
  getWidth(): number { return this.grid.numCols; }
  getSheet(): unknown { return this.ctx.api.sheet(this.grid.sheet); }
  getGridId(): number { return this.grid.sheet.gid; }

  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): unknown {
    const g = this.grid;
    const row = g.row + rowOffset;
    const col = g.col + columnOffset;
    if (row < 1) fail(this.ctx, 'The starting row of the range is too small.');
    if (col < 1) fail(this.ctx, 'The starting column of the range is too small.');
    return this.ctx.api.range({ sheet: g.sheet, row, col, numRows: numRows ?? g.numRows, numCols: numColumns ?? g.numCols });
  }

  getCell(row: number, column: number): unknown {
    const g = this.grid;
    if (row < 1 || row > g.numRows || column < 1 || column > g.numCols) fail(this.ctx, 'Cell reference out of range');
    return this.ctx.api.range({ sheet: g.sheet, row: g.row + row - 1, col: g.col + column - 1, numRows: 1, numCols: 1 });
  }

  activate(): unknown {
    const model = this.grid.sheet.spreadsheet;
    model.activeSheet = this.grid.sheet;
    model.activeRange = { ...this.grid };
    return this._proxy;
  }

  // --- values -------------------------------------------------------------------------------

  getValues(): unknown[][] {
    const { sheet, row, col, numRows, numCols } = this.grid;
    const values = sheet.engine.getValues(sheet.engineId, row - 1, col - 1, numRows, numCols);
    const realm = this.ctx.realm;
    const out = new realm.Array(numRows) as unknown[][];
    for (let r = 0; r < numRows; r++) {
      const line = values[r];
      const rowOut = new realm.Array(numCols) as unknown[];
      for (let c = 0; c < numCols; c++) rowOut[c] = readCell(realm, sheet, row - 1 + r, col - 1 + c, line?.[c] ?? null);
      out[r] = rowOut;
    }
    return out;
  }

  getValue(): unknown {
    const { sheet, row, col } = this.grid;
    return readCell(this.ctx.realm, sheet, row - 1, col - 1, sheet.engine.getValue(sheet.engineId, row - 1, col - 1));
  }

  getDisplayValues(): string[][] {
    const { sheet, row, col, numRows, numCols } = this.grid;
    const values = sheet.engine.getValues(sheet.engineId, row - 1, col - 1, numRows, numCols);
    return this._realm2D(values.map((line, r) => line.map((v, c) => displayCell(sheet, row - 1 + r, col - 1 + c, v))));
  }

  getDisplayValue(): string {
    const { sheet, row, col } = this.grid;
    return displayCell(sheet, row - 1, col - 1, sheet.engine.getValue(sheet.engineId, row - 1, col - 1));
  }

  setValues(values: unknown[][]): unknown {
    this._checkDimensions(values, 'setValues');
    const { sheet, row, col } = this.grid;
    // Array.from builds arrays of this realm: HyperFormula does not take the bundle's arrays.
    const data = Array.from(values, (line, r) => Array.from(line, (v, c) => writeCell(sheet, row - 1 + r, col - 1 + c, v)));
    this._write(data);
    return this._proxy;
  }

  setValue(value: unknown): unknown {
    const { sheet, row, col, numRows, numCols } = this.grid;
    const data = Array.from({ length: numRows }, (_, r) => Array.from({ length: numCols }, (_, c) => writeCell(sheet, row - 1 + r, col - 1 + c, value)));
    this._write(data);
    return this._proxy;
  }

  isBlank(): boolean {
    const { sheet, row, col, numRows, numCols } = this.grid;
    for (let r = 0; r < numRows; r++) {
      for (let c = 0; c < numCols; c++) if (sheet.engine.hasContent(sheet.engineId, row - 1 + r, col - 1 + c)) return false;
    }
    return true;
  }

  // --- formulas -----------------------------------------------------------------------------

  getFormulas(): string[][] {
    const { sheet, row, col, numRows, numCols } = this.grid;
    return this._realm2D(sheet.engine.getFormulas(sheet.engineId, row - 1, col - 1, numRows, numCols));
  }

  getFormula(): string {
    const { sheet, row, col } = this.grid;
    return sheet.engine.getFormula(sheet.engineId, row - 1, col - 1);
  }

  /** On a multi-cell range the formula is filled: relative references move, as in Sheets. */
  setFormula(formula: string): unknown {
    const { sheet, row, col, numRows, numCols } = this.grid;
    this._grow();
    sheet.engine.setContents(sheet.engineId, row - 1, col - 1, [[String(formula)]]);
    if (numRows > 1 || numCols > 1) sheet.engine.fill(sheet.engineId, row - 1, col - 1, numRows, numCols);
    return this._proxy;
  }

  setFormulas(formulas: string[][]): unknown {
    this._checkDimensions(formulas, 'setFormulas');
    this._write(Array.from(formulas, (line) => Array.from(line, (f) => (f === '' || f === null || f === undefined ? null : String(f)))));
    return this._proxy;
  }

  // --- number formats -----------------------------------------------------------------------

  getNumberFormats(): string[][] {
    const { sheet, row, col } = this.grid;
    return this._map2D((r, c) => effectiveFormat(sheet, row - 1 + r, col - 1 + c));
  }

  getNumberFormat(): string {
    const { sheet, row, col } = this.grid;
    return effectiveFormat(sheet, row - 1, col - 1);
  }

  setNumberFormat(numberFormat: string): unknown {
    return this._setAll('numberFormat', String(numberFormat));
  }

  setNumberFormats(numberFormats: string[][]): unknown {
    return this._set2D('numberFormat', numberFormats, 'setNumberFormats', (v) => (v === null || v === undefined ? undefined : String(v)));
  }

  // --- text and fill ------------------------------------------------------------------------

  getBackgrounds(): string[][] { return this._get2D('background', '#ffffff'); }
  getBackground(): string { return this._get1('background', '#ffffff') as string; }
  setBackground(color: string | null): unknown { return this._setAll('background', normaliseColor(color)); }
  setBackgrounds(colors: string[][]): unknown { return this._set2D('background', colors, 'setBackgrounds', normaliseColor); }

  getFontWeights(): string[][] { return this._get2D('fontWeight', 'normal'); }
  getFontWeight(): string { return this._get1('fontWeight', 'normal') as string; }
  setFontWeight(fontWeight: string | null): unknown { return this._setAll('fontWeight', fontWeight === 'normal' ? null : fontWeight); }
  setFontWeights(fontWeights: (string | null)[][]): unknown {
    return this._set2D('fontWeight', fontWeights, 'setFontWeights', (v) => (v === 'normal' ? null : v));
  }

  getFontColor(): string { return this._get1('fontColor', '#000000') as string; }
  setFontColor(color: string | null): unknown { return this._setAll('fontColor', normaliseColor(color)); }
  setFontColors(colors: string[][]): unknown { return this._set2D('fontColor', colors, 'setFontColors', normaliseColor); }

  getFontSize(): number { return this._get1('fontSize', 10) as number; }
  setFontSize(size: number): unknown { return this._setAll('fontSize', Number(size)); }
  getFontStyle(): string { return this._get1('fontStyle', 'normal') as string; }
  setFontStyle(fontStyle: string | null): unknown { return this._setAll('fontStyle', fontStyle === 'normal' ? null : fontStyle); }

  getHorizontalAlignment(): string { return this._get1('horizontalAlignment', 'general') as string; }
  setHorizontalAlignment(alignment: string | null): unknown {
    return this._setAll('horizontalAlignment', alignment === null || alignment === 'normal' ? null : String(alignment).toLowerCase());
  }
  getHorizontalAlignments(): string[][] { return this._get2D('horizontalAlignment', 'general'); }
  setHorizontalAlignments(alignments: (string | null)[][]): unknown {
    return this._set2D('horizontalAlignment', alignments, 'setHorizontalAlignments', (v) => (v === null || v === undefined || v === 'normal' ? null : String(v).toLowerCase()));
  }
  getVerticalAlignment(): string { return this._get1('verticalAlignment', 'bottom') as string; }
  setVerticalAlignment(alignment: string | null): unknown {
    return this._setAll('verticalAlignment', alignment === null ? null : String(alignment).toLowerCase());
  }

  /** Sheets' default wrap strategy is OVERFLOW, so a cell does not wrap until told to. */
  getWrap(): boolean { return this._get1('wrapStrategy', 'OVERFLOW') === 'WRAP'; }
  setWrap(isWrapEnabled: boolean): unknown { return this._setAll('wrapStrategy', isWrapEnabled ? 'WRAP' : null); }
  getWrapStrategy(): string { return this._get1('wrapStrategy', 'OVERFLOW') as string; }
  setWrapStrategy(strategy: string): unknown { return this._setAll('wrapStrategy', String(strategy) === 'OVERFLOW' ? null : String(strategy)); }

  setBorder(top: boolean | null, left: boolean | null, bottom: boolean | null, right: boolean | null,
    vertical: boolean | null, horizontal: boolean | null, color?: string | null, style?: string | null): unknown {
    this.grid.sheet.borders.push({
      range: { ...this.grid }, top, left, bottom, right, vertical, horizontal,
      color: normaliseColor(color ?? null), style: style === undefined || style === null ? null : String(style),
    });
    return this._proxy;
  }

  // --- notes --------------------------------------------------------------------------------

  getNotes(): string[][] { return this._get2D('note', ''); }
  getNote(): string { return this._get1('note', '') as string; }
  setNote(note: string | null): unknown { return this._setAll('note', note === null || note === '' ? null : String(note)); }
  setNotes(notes: (string | null)[][]): unknown {
    return this._set2D('note', notes, 'setNotes', (v) => (v === null || v === '' ? null : String(v)));
  }
  clearNote(): unknown { return this._setAll('note', null); }

  // --- data validation and checkboxes -------------------------------------------------------

  getDataValidations(): unknown[][] {
    return this._map2D((r, c) => this._validationAt(r, c));
  }

  getDataValidation(): unknown {
    return this._validationAt(0, 0);
  }

  setDataValidation(rule: unknown): unknown {
    return this._setAll('validation', validationData(this.ctx, rule));
  }

  setDataValidations(rules: unknown[][]): unknown {
    return this._set2D('validation', rules, 'setDataValidations', (v) => validationData(this.ctx, v));
  }

  clearDataValidations(): unknown {
    return this._setAll('validation', null);
  }

  insertCheckboxes(checkedValue?: unknown, uncheckedValue?: unknown): unknown {
    const values = checkedValue === undefined ? [] : uncheckedValue === undefined ? [checkedValue] : [checkedValue, uncheckedValue];
    this._setAll('validation', { criteriaType: 'CHECKBOX', criteriaValues: values, allowInvalid: true, helpText: '' });
    // "Sets the value of all cells in the range to false" (or to the unchecked value given).
    return this.setValue(values.length === 2 ? values[1] : values.length === 1 ? '' : false);
  }

  removeCheckboxes(): unknown {
    const { sheet, row, col } = this.grid;
    const cleared: [number, number][] = [];
    this._forEachCheckbox((r, c, state) => {
      sheet.attributes.set('validation', row - 1 + r, col - 1 + c, null);
      if (state !== undefined) cleared.push([row - 1 + r, col - 1 + c]);
    });
    sheet.engine.batch(() => {
      for (const [r, c] of cleared) sheet.engine.setContents(sheet.engineId, r, c, [[null]]);
    });
    return this._proxy;
  }

  check(): unknown {
    return this._setCheckboxes(true);
  }

  uncheck(): unknown {
    return this._setCheckboxes(false);
  }

  /** True if every cell is a checked checkbox, false if every cell is unchecked, null otherwise. */
  isChecked(): boolean | null {
    let checked = 0;
    let unchecked = 0;
    let other = 0;
    this._forEachCheckbox((_r, _c, state) => {
      if (state === true) checked++;
      else if (state === false) unchecked++;
      else other++;
    }, () => other++);
    if (other > 0) return null;
    if (checked > 0 && unchecked === 0) return true;
    if (unchecked > 0 && checked === 0) return false;
    return null;
  }

  // --- merging, clearing, protection --------------------------------------------------------

  merge(): unknown {
    this._addMerge({ ...this.grid });
    return this._proxy;
  }

  mergeAcross(): unknown {
    const g = this.grid;
    for (let r = 0; r < g.numRows; r++) this._addMerge({ ...g, row: g.row + r, numRows: 1 });
    return this._proxy;
  }

  mergeVertically(): unknown {
    const g = this.grid;
    for (let c = 0; c < g.numCols; c++) this._addMerge({ ...g, col: g.col + c, numCols: 1 });
    return this._proxy;
  }

  breakApart(): unknown {
    const sheet = this.grid.sheet;
    sheet.merges = sheet.merges.filter((m) => !overlaps(m, this.grid));
    return this._proxy;
  }

  isPartOfMerge(): boolean {
    return this.grid.sheet.merges.some((m) => overlaps(m, this.grid));
  }

  getMergedRanges(): unknown[] {
    return this._realmArray(this.grid.sheet.merges.filter((m) => overlaps(m, this.grid)).map((m) => this.ctx.api.range(m)));
  }

  /** clear() and clear({contentsOnly, formatOnly, validationsOnly, commentsOnly}). */
  clear(options?: { contentsOnly?: boolean; formatOnly?: boolean; validationsOnly?: boolean; commentsOnly?: boolean }): unknown {
    const all = !options || !(options.contentsOnly || options.formatOnly || options.validationsOnly || options.commentsOnly);
    if (all || options?.contentsOnly) this.clearContent();
    if (all || options?.formatOnly) this.clearFormat();
    if (options?.validationsOnly) this.clearDataValidations();
    if (options?.commentsOnly) this.clearNote();
    return this._proxy;
  }

  clearContent(): unknown {
    const { sheet, row, col, numRows, numCols } = this.grid;
    sheet.engine.clear(sheet.engineId, row - 1, col - 1, numRows, numCols);
    return this._proxy;
  }

  clearFormat(): unknown {
    const { sheet, row, col, numRows, numCols } = this.grid;
    sheet.attributes.clearRect(FORMAT_ATTRIBUTES, row - 1, col - 1, numRows, numCols);
    return this._proxy;
  }

  protect(): unknown {
    const sheet = this.grid.sheet;
    const data = { type: 'RANGE' as const, range: { ...this.grid }, description: '', warningOnly: false, editors: [], domainEdit: true, unprotectedRanges: [], removed: false };
    sheet.protections.push(data);
    return makeProtection(this.ctx, sheet, data);
  }

  // --- helpers (hidden from scripts) --------------------------------------------------------

  _checkDimensions(values: unknown, method: string): asserts values is unknown[][] {
    const { numRows, numCols } = this.grid;
    if (!Array.isArray(values) || !values.every((line) => Array.isArray(line))) {
      fail(this.ctx, `The parameters (${describe(values)}) don't match the method signature for SpreadsheetApp.Range.${method}.`);
    }
    if (values.length !== numRows) {
      fail(this.ctx, `The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${numRows}.`);
    }
    for (const line of values) {
      if (line.length !== numCols) {
        fail(this.ctx, `The number of columns in the data does not match the number of columns in the range. The data has ${line.length} but the range has ${numCols}.`);
      }
    }
  }

  /** Grows the sheet (or throws past 10 million cells) so the range fits. */
  _grow(): void {
    const { sheet, row, col, numRows, numCols } = this.grid;
    withLimits(this.ctx, () => sheet.spreadsheet.ensureGrid(sheet, row + numRows - 1, col + numCols - 1));
  }

  _write(data: (string | number | boolean | null)[][]): void {
    const { sheet, row, col } = this.grid;
    this._grow();
    sheet.engine.setContents(sheet.engineId, row - 1, col - 1, data);
  }

  _map2D<T>(fn: (r: number, c: number) => T): T[][] {
    const { numRows, numCols } = this.grid;
    const realm = this.ctx.realm;
    const out = new realm.Array(numRows) as T[][];
    for (let r = 0; r < numRows; r++) {
      const line = new realm.Array(numCols) as T[];
      for (let c = 0; c < numCols; c++) line[c] = fn(r, c);
      out[r] = line;
    }
    return out;
  }

  _realm2D<T>(rows: T[][]): T[][] {
    return this._map2D((r, c) => rows[r]?.[c] as T);
  }

  _realmArray<T>(items: T[]): T[] {
    return this.ctx.realm.Array.from(items) as T[];
  }

  _get1(attr: CellAttribute, fallback: unknown): unknown {
    const { sheet, row, col } = this.grid;
    return sheet.attributes.get(attr, row - 1, col - 1) ?? fallback;
  }

  _get2D<T>(attr: CellAttribute, fallback: T): T[][] {
    const { sheet, row, col } = this.grid;
    return this._map2D((r, c) => (sheet.attributes.get(attr, row - 1 + r, col - 1 + c) as T | undefined) ?? fallback);
  }

  _setAll(attr: CellAttribute, value: unknown): unknown {
    const { sheet, row, col, numRows, numCols } = this.grid;
    if (value === null || value === undefined) {
      sheet.attributes.clearRect([attr], row - 1, col - 1, numRows, numCols);
    } else {
      for (let r = 0; r < numRows; r++) for (let c = 0; c < numCols; c++) sheet.attributes.set(attr, row - 1 + r, col - 1 + c, value);
    }
    return this._proxy;
  }

  _set2D<T>(attr: CellAttribute, values: T[][], method: string, convert: (v: T) => unknown): unknown {
    this._checkDimensions(values, method);
    const { sheet, row, col } = this.grid;
    values.forEach((line, r) => line.forEach((v, c) => sheet.attributes.set(attr, row - 1 + r, col - 1 + c, convert(v))));
    return this._proxy;
  }

  _validationAt(r: number, c: number): unknown {
    const { sheet, row, col } = this.grid;
    const data = sheet.attributes.get('validation', row - 1 + r, col - 1 + c) as DataValidationData | undefined;
    return data ? makeDataValidation(this.ctx, data) : null;
  }

  /**
   * Visits the cells with checkbox validation; `state` is true/false when the cell holds the
   * checked/unchecked value, undefined otherwise. `other` is called for cells without checkboxes.
   */
  _forEachCheckbox(visit: (r: number, c: number, state: boolean | undefined) => void, other?: () => void): void {
    const { sheet, row, col, numRows, numCols } = this.grid;
    for (let r = 0; r < numRows; r++) {
      for (let c = 0; c < numCols; c++) {
        const rule = sheet.attributes.get('validation', row - 1 + r, col - 1 + c) as DataValidationData | undefined;
        if (rule?.criteriaType !== 'CHECKBOX') {
          other?.();
          continue;
        }
        const [checked, unchecked] = checkboxValues(rule);
        const value = sheet.engine.getValue(sheet.engineId, row - 1 + r, col - 1 + c);
        visit(r, c, value === checked ? true : value === unchecked ? false : undefined);
      }
    }
  }

  _setCheckboxes(checked: boolean): unknown {
    const { sheet, row, col } = this.grid;
    const writes: [number, number, string | number | boolean][] = [];
    this._forEachCheckbox((r, c, state) => {
      if (state === undefined) return;
      const rule = sheet.attributes.get('validation', row - 1 + r, col - 1 + c) as DataValidationData;
      const [on, off] = checkboxValues(rule);
      writes.push([row - 1 + r, col - 1 + c, checked ? on : off]);
    });
    sheet.engine.batch(() => {
      for (const [r, c, v] of writes) sheet.engine.setContents(sheet.engineId, r, c, [[v]]);
    });
    return this._proxy;
  }

  _addMerge(grid: GridRange): void {
    const sheet = this.grid.sheet;
    if (sheet.merges.some((m) => overlaps(m, grid))) fail(this.ctx, 'You must select all cells in a merged range to merge or unmerge them.');
    sheet.merges.push(grid);
  }
}

/** The values a checkbox rule stores when checked and unchecked (TRUE/FALSE by default). */
function checkboxValues(rule: DataValidationData): [string | number | boolean, string | number | boolean] {
  const [on, off] = rule.criteriaValues as (string | number | boolean | undefined)[];
  return [on ?? true, off ?? (on === undefined ? false : '')];
}

function overlaps(a: GridRange, b: GridRange): boolean {
  return a.sheet === b.sheet && a.row < b.row + b.numRows && b.row < a.row + a.numRows && a.col < b.col + b.numCols && b.col < a.col + a.numCols;
}

export function makeRange(ctx: ServiceContext, grid: GridRange): GoogleAppsScript.Spreadsheet.Range {
  const impl = new RangeImpl(ctx, grid);
  impl._proxy = expose(ctx, 'Range', impl);
  return impl._proxy as GoogleAppsScript.Spreadsheet.Range;
}

export { gridOf };
