/**
 * Spreadsheet and SpreadsheetApp: the one active spreadsheet of the host, its sheets, named ranges
 * and toasts, and the SpreadsheetApp entry points, builders and enums.
 */
import { parseA1, quoteSheetName } from './a1.ts';
import { BOOLEAN_CRITERIA, DATA_VALIDATION_CRITERIA, gridOf, makeConditionalFormatRuleBuilder, makeDataValidationBuilder, makeProtection } from './builders.ts';
import { expose, fail, implOf, makeEnum } from './context.ts';
import type { GridRange, SheetModel } from './model.ts';
import { withLimits } from './range.ts';
import { AUTH_MODES } from './services.ts';
import { resolveRange, SheetImpl } from './sheet.ts';
import type { ServiceContext } from './state.ts';
import { assertTimeZone } from './timezone.ts';
import { makeUi } from './ui.ts';

interface SheetLike { readonly model: SheetModel }

function sheetOf(ctx: ServiceContext, sheet: unknown): SheetModel {
  const impl = implOf<SheetLike>(sheet);
  if (!impl?.model || !impl.model.spreadsheet.sheets.includes(impl.model)) fail(ctx, 'Invalid argument: sheet');
  return impl.model;
}

/** Named ranges: letters, digits, underscores and periods, not starting with a digit, not a cell reference. */
function isValidRangeName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.]{0,249}$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name) && !/^(true|false)$/i.test(name);
}

function absoluteReference(grid: GridRange): string {
  const colLetters = (n: number) => {
    let s = '';
    for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
    return s;
  };
  const start = `$${colLetters(grid.col)}$${grid.row}`;
  const end = `$${colLetters(grid.col + grid.numCols - 1)}$${grid.row + grid.numRows - 1}`;
  return `${quoteSheetName(grid.sheet.name)}!${start}:${end}`;
}

class NamedRangeImpl {
  constructor(private readonly ctx: ServiceContext, private name: string) {}
  getName(): string { return this.name; }
  getRange(): unknown { return this.ctx.api.range(this.ctx.host.model.namedRanges.get(this.name)!); }
  setName(name: string): unknown {
    const model = this.ctx.host.model;
    const grid = model.namedRanges.get(this.name)!;
    model.namedRanges.delete(this.name);
    model.engine.removeNamedRange(this.name);
    this.name = String(name);
    model.namedRanges.set(this.name, grid);
    model.engine.setNamedRange(this.name, absoluteReference(grid));
    return undefined;
  }
  setRange(range: unknown): unknown {
    const grid = gridOf(this.ctx, range);
    this.ctx.host.model.namedRanges.set(this.name, grid);
    this.ctx.host.model.engine.setNamedRange(this.name, absoluteReference(grid));
    return undefined;
  }
  remove(): void {
    this.ctx.host.model.namedRanges.delete(this.name);
    this.ctx.host.model.engine.removeNamedRange(this.name);
  }
}

export class SpreadsheetImpl {
  constructor(private readonly ctx: ServiceContext) {}

  private get model() {
    return this.ctx.host.model;
  }

  getId(): string { return this.model.id; }
  getName(): string { return this.model.name; }
  rename(newName: string): void { this.model.name = String(newName); }
  getUrl(): string { return `https://docs.google.com/spreadsheets/d/${this.model.id}/edit`; }
  getSpreadsheetTimeZone(): string { return this.model.timeZone; }
  getSpreadsheetLocale(): string { return this.model.locale; }
  getNumSheets(): number { return this.model.sheets.length; }

  /** Stored serials are wall times: changing the zone keeps what cells show, so their Dates move. */
  setSpreadsheetTimeZone(timezone: string): void {
    try {
      assertTimeZone(String(timezone));
    } catch {
      fail(this.ctx, `Invalid argument: timezone`);
    }
    this.model.timeZone = String(timezone);
  }

  setSpreadsheetLocale(locale: string): void { this.model.locale = String(locale); }

  // --- sheets -------------------------------------------------------------------------------

  getSheets(): unknown[] {
    return this.ctx.realm.Array.from(this.model.sheets.map((s) => this.ctx.api.sheet(s)));
  }

  getSheetByName(name: string): unknown {
    const sheet = this.model.sheetByName(String(name));
    return sheet ? this.ctx.api.sheet(sheet) : null;
  }

  getSheetById(id: number): unknown {
    const sheet = this.model.sheets.find((s) => s.gid === id);
    return sheet ? this.ctx.api.sheet(sheet) : null;
  }

  /** insertSheet(), (index), (name), (name, index), (name, index, options), (name, options), (options). */
  insertSheet(...args: unknown[]): unknown {
    let name: string | undefined;
    let index: number | undefined;
    for (const arg of args) {
      if (typeof arg === 'string') name = arg;
      else if (typeof arg === 'number') index = arg;
      else if (arg && typeof arg === 'object' && 'template' in arg) fail(this.ctx, 'Spreadsheet.insertSheet with a template is not supported offline');
    }
    const sheetName = name ?? this._defaultSheetName();
    if (this.model.sheetByName(sheetName)) fail(this.ctx, `A sheet with the name "${sheetName}" already exists. Please enter another name.`);
    const sheet = withLimits(this.ctx, () => this.model.addSheet(sheetName, index));
    // "The new sheet becomes the active sheet."
    this.model.activeSheet = sheet;
    this.model.activeRange = undefined;
    return this.ctx.api.sheet(sheet);
  }

  deleteSheet(sheet: unknown): void {
    const model = sheetOf(this.ctx, sheet);
    if (this.model.sheets.length === 1) fail(this.ctx, 'A spreadsheet must contain at least one sheet: this is the last one.');
    this.model.removeSheet(model);
  }

  getActiveSheet(): unknown { return this.ctx.api.sheet(this.model.activeSheet); }

  setActiveSheet(sheet: unknown): unknown {
    const model = sheetOf(this.ctx, sheet);
    this.model.activeSheet = model;
    this.model.activeRange = undefined;
    return this.ctx.api.sheet(model);
  }

  /** Moves the active sheet to a 1-based position. */
  moveActiveSheet(pos: number): void {
    const sheets = this.model.sheets;
    if (!Number.isInteger(pos) || pos < 1 || pos > sheets.length) fail(this.ctx, 'Invalid argument: pos');
    const active = this.model.activeSheet;
    sheets.splice(sheets.indexOf(active), 1);
    sheets.splice(pos - 1, 0, active);
  }

  getActiveRange(): unknown {
    const range = this.model.activeRange ?? { sheet: this.model.activeSheet, row: 1, col: 1, numRows: 1, numCols: 1 };
    return this.ctx.api.range(range);
  }

  getActiveCell(): unknown {
    const range = this.model.activeRange ?? { sheet: this.model.activeSheet, row: 1, col: 1, numRows: 1, numCols: 1 };
    return this.ctx.api.range({ ...range, numRows: 1, numCols: 1 });
  }

  getRange(a1Notation: string): unknown {
    const parsed = parseA1(String(a1Notation));
    const sheet = parsed?.sheetName !== undefined ? this.model.sheetByName(parsed.sheetName) : this.model.activeSheet;
    if (!parsed || !sheet) return fail(this.ctx, 'Range not found');
    return this.ctx.api.range(resolveRange(this.ctx, sheet, [String(a1Notation)]));
  }

  getLastRow(): number { return this.model.engine.usedRows(this.model.activeSheet.engineId); }
  getLastColumn(): number { return this.model.engine.usedColumns(this.model.activeSheet.engineId); }

  appendRow(rowContents: unknown[]): unknown {
    return implOf<SheetImpl>(this.ctx.api.sheet(this.model.activeSheet))!.appendRow(rowContents);
  }

  getProtections(type: string): unknown[] {
    const list = this.model.sheets.flatMap((s) => s.protections.filter((p) => p.type === String(type)).map((p) => makeProtection(this.ctx, s, p)));
    return this.ctx.realm.Array.from(list);
  }

  toast(msg: string, title?: string, timeoutSeconds?: number): void {
    this.ctx.host.ui.toasts.push({ message: String(msg), title: title === undefined ? '' : String(title), timeoutSeconds: timeoutSeconds ?? 5 });
  }

  // --- named ranges -------------------------------------------------------------------------

  getRangeByName(name: string): unknown {
    const grid = this.model.namedRanges.get(String(name));
    return grid ? this.ctx.api.range(grid) : null;
  }

  setNamedRange(name: string, range: unknown): void {
    const n = String(name);
    if (!isValidRangeName(n)) fail(this.ctx, `Invalid argument: name (${n} is not a valid range name)`);
    const grid = gridOf(this.ctx, range);
    this.model.namedRanges.set(n, { ...grid });
    this.model.engine.setNamedRange(n, absoluteReference(grid));
  }

  getNamedRanges(): unknown[] {
    return this.ctx.realm.Array.from([...this.model.namedRanges.keys()].map((n) => expose(this.ctx, 'NamedRange', new NamedRangeImpl(this.ctx, n))));
  }

  removeNamedRange(name: string): void {
    const n = String(name);
    if (!this.model.namedRanges.has(n)) fail(this.ctx, `Named range ${n} not found.`);
    this.model.namedRanges.delete(n);
    this.model.engine.removeNamedRange(n);
  }

  _defaultSheetName(): string {
    for (let n = this.model.sheets.length + 1; ; n++) {
      if (!this.model.sheetByName(`Sheet${n}`)) return `Sheet${n}`;
    }
  }
}

export const BORDER_STYLES = ['DOTTED', 'DASHED', 'SOLID', 'SOLID_MEDIUM', 'SOLID_THICK', 'DOUBLE'] as const;
export const WRAP_STRATEGIES = ['WRAP', 'OVERFLOW', 'CLIP'] as const;

class SpreadsheetAppImpl {
  readonly AuthMode: Record<string, string>;
  readonly BorderStyle: Record<string, string>;
  readonly ProtectionType: Record<string, string>;
  readonly WrapStrategy: Record<string, string>;
  readonly DataValidationCriteria: Record<string, string>;
  readonly BooleanCriteria: Record<string, string>;
  readonly Dimension: Record<string, string>;
  readonly SheetType: Record<string, string>;
  readonly RelativeDate: Record<string, string>;

  constructor(private readonly _ctx: ServiceContext) {
    this.AuthMode = makeEnum(_ctx, 'AuthMode', AUTH_MODES);
    this.BorderStyle = makeEnum(_ctx, 'BorderStyle', BORDER_STYLES);
    this.ProtectionType = makeEnum(_ctx, 'ProtectionType', ['RANGE', 'SHEET']);
    this.WrapStrategy = makeEnum(_ctx, 'WrapStrategy', WRAP_STRATEGIES);
    this.DataValidationCriteria = makeEnum(_ctx, 'DataValidationCriteria', DATA_VALIDATION_CRITERIA);
    this.BooleanCriteria = makeEnum(_ctx, 'BooleanCriteria', BOOLEAN_CRITERIA);
    this.Dimension = makeEnum(_ctx, 'Dimension', ['COLUMNS', 'ROWS']);
    this.SheetType = makeEnum(_ctx, 'SheetType', ['GRID', 'OBJECT', 'DATASOURCE']);
    this.RelativeDate = makeEnum(_ctx, 'RelativeDate', ['TODAY', 'TOMORROW', 'YESTERDAY', 'PAST_WEEK', 'PAST_MONTH', 'PAST_YEAR']);
  }

  getActive(): unknown { return this._ctx.api.spreadsheet(); }
  getActiveSpreadsheet(): unknown { return this._ctx.api.spreadsheet(); }
  getActiveSheet(): unknown { return this._ctx.api.sheet(this._ctx.host.model.activeSheet); }
  getActiveRange(): unknown {
    return new SpreadsheetImpl(this._ctx).getActiveRange();
  }
  setActiveSheet(sheet: unknown): unknown {
    return new SpreadsheetImpl(this._ctx).setActiveSheet(sheet);
  }
  getUi(): unknown { return makeUi(this._ctx); }
  /** Offline every write is applied at once; there is nothing pending to flush. */
  flush(): void {}
  newDataValidation(): unknown { return makeDataValidationBuilder(this._ctx); }
  newConditionalFormatRule(): unknown { return makeConditionalFormatRuleBuilder(this._ctx); }

  openById(id: string): unknown {
    if (String(id) !== this._ctx.host.model.id) fail(this._ctx, 'SpreadsheetApp.openById is not supported offline for other spreadsheets (only the active one exists)');
    return this._ctx.api.spreadsheet();
  }
}

export function makeSpreadsheet(ctx: ServiceContext): GoogleAppsScript.Spreadsheet.Spreadsheet {
  return expose(ctx, 'Spreadsheet', new SpreadsheetImpl(ctx));
}

export function makeSpreadsheetApp(ctx: ServiceContext): GoogleAppsScript.Spreadsheet.SpreadsheetApp {
  return expose(ctx, 'SpreadsheetApp', new SpreadsheetAppImpl(ctx), { data: true });
}
