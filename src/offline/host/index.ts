/**
 * The offline host: an in-memory implementation of the Apps Script services LeadFlow uses, with
 * cell formulas evaluated by HyperFormula (../engine.ts). It powers the local preview, the
 * headless report command and the integration tests.
 *
 *   const host = createHost({ timeZone: 'America/New_York' });
 *   host.addSheet('Leads', rows);
 *   host.loadBundle();                  // dist/Code.js, custom functions registered
 *   host.openAddon();                   // onOpen({ authMode: 'NONE' })
 *   host.run('getSidebarData', []);     // like google.script.run
 *
 * host.globals are the service objects a bundle sees (counted, authorization-checked, built in
 * the bundle's realm once it is loaded); host.spreadsheet / host.sheet() are the host's own view
 * of the same spreadsheet (not counted, host-realm values) for assertions and previews.
 * docs/offline-host.md lists what is supported and every known difference from Google Sheets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { SERVICE_NAMES, loadBundleSource } from '../bundle.ts';
import type { LoadedBundle } from '../bundle.ts';
import { FormulaEngine } from '../engine.ts';
import { parseA1, rangeA1 } from './a1.ts';
import type { ApiContext, AuthMode, CallSnapshot } from './context.ts';
import { CallCounter, expose } from './context.ts';
import { adaptCustomFunction, customFunctionNames } from './customFunctions.ts';
import type { ScriptFunction } from './customFunctions.ts';
import { makeHtmlService } from './html.ts';
import { DEFAULT_COLUMNS, DEFAULT_ROWS, SpreadsheetModel } from './model.ts';
import type { GridRange, SheetModel } from './model.ts';
import { formatNumber } from './numberFormat.ts';
import { makeRange } from './range.ts';
import { hostRealm, realmOf } from './realm.ts';
import type { Realm } from './realm.ts';
import { failure, illegalProperty, transfer } from './run.ts';
import type { RunResult } from './run.ts';
import { makeServices } from './services.ts';
import { makeSheet } from './sheet.ts';
import { makeSpreadsheet, makeSpreadsheetApp } from './spreadsheet.ts';
import type { ApiFactory, HostState, Scope, ServiceContext } from './state.ts';
import { assertTimeZone, serialFromInstant } from './timezone.ts';
import { UiRecorder } from './ui.ts';
import { writeCell } from './values.ts';

export type { CallSnapshot, AuthMode, RunResult, Scope };
export type { DialogInteraction, MenuEntry, MenuRecord, ScriptedResponse, SidebarRecord, DialogRecord, ToastRecord, ButtonName } from './ui.ts';
export { UiRecorder };

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../../dist', import.meta.url));

export interface HostOptions {
  /** The spreadsheet's (and script's) time zone. Default: America/New_York. */
  timeZone?: string;
  /** The spreadsheet's locale: en_US parses typed dates as M/D/Y, other locales as D/M/Y. Default: en_US. */
  locale?: string;
  /** The spreadsheet's name. Default: "Untitled spreadsheet". */
  name?: string;
  /** The spreadsheet's id (getId, getUrl, openById). */
  id?: string;
  /** Folder of the built add-on: Code.js for loadBundle(), NAME.html for HtmlService. Default: dist/. */
  distDir?: string;
  /** Make getRange() past the sheet's grid throw, as Apps Script does, instead of growing it on write. */
  strictGridBounds?: boolean;
  /** The host's clock (CacheService expiry, TODAY() and NOW()). Default: Date.now. */
  now?: () => number;
  /** Name of the first sheet. Default: Sheet1. */
  firstSheetName?: string;
}

export interface HostGlobals {
  SpreadsheetApp: GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  HtmlService: GoogleAppsScript.HTML.HtmlService;
  PropertiesService: GoogleAppsScript.Properties.PropertiesService;
  LockService: GoogleAppsScript.Lock.LockService;
  CacheService: GoogleAppsScript.Cache.CacheService;
  Utilities: GoogleAppsScript.Utilities.Utilities;
  Session: GoogleAppsScript.Base.Session;
  Logger: GoogleAppsScript.Base.Logger;
  ScriptApp: GoogleAppsScript.Script.ScriptApp;
  Charts: GoogleAppsScript.Charts.Charts;
  [service: string]: unknown;
}

/** Plain data about a sheet that the Apps Script API does not show in one place. */
export interface SheetInspection {
  name: string;
  gid: number;
  index: number;
  hidden: boolean;
  tabColor: string | null;
  frozenRows: number;
  frozenColumns: number;
  maxRows: number;
  maxColumns: number;
  columnWidths: Record<number, number>;
  charts: { id: number; type: string; ranges: string[]; position: { anchorRow: number; anchorColumn: number; offsetX: number; offsetY: number }; options: Record<string, unknown> }[];
  conditionalFormatRules: { condition?: { type: string; values: unknown[] }; format: Record<string, unknown>; ranges: string[] }[];
  protections: { type: string; range?: string; description: string; warningOnly: boolean; editors: string[] }[];
  merges: string[];
}

export interface Host {
  /** Services to inject into the vm context running the bundle: loadBundleSource(source, host.globals). */
  readonly globals: HostGlobals;
  /** The active spreadsheet, as the host sees it (calls not counted, values in this realm). */
  readonly spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet;
  /** What the Ui did: menus, alerts/prompts (with scripted answers), toasts, sidebar, dialogs. */
  readonly ui: UiRecorder;
  /** Service calls made by the bundle since the last reset. */
  readonly calls: { reset(): void; snapshot(): CallSnapshot };
  /** Logger.log output. */
  readonly logs: string[];
  readonly properties: Record<Scope, Map<string, string>>;
  readonly clock: { now(): number; advance(ms: number): void };
  readonly engine: FormulaEngine;
  /** The loaded bundle, if any. */
  readonly bundle: LoadedBundle | undefined;

  /** A sheet as the host sees it (not counted), or throws if there is none. */
  sheet(name: string): GoogleAppsScript.Spreadsheet.Sheet;
  /**
   * Creates a sheet filled with rows in one batch (not counted as add-on calls). Strings are read
   * as typed input (a leading "=" makes a formula) unless `literal`, which keeps every string as
   * the text it is: what a CSV or xlsx export holds is data, never a formula.
   */
  addSheet(name: string, rows: unknown[][], opts?: { literal?: boolean }): GoogleAppsScript.Spreadsheet.Sheet;
  /** Loads an export as read by the file layer: values as text where they are text, number formats, a bold frozen header. */
  addTable(name: string, table: { rows: unknown[][]; numberFormats: (string | null)[][] }): GoogleAppsScript.Spreadsheet.Sheet;
  /** getValues() of a range ("A1:C10"; the data range by default), host realm, not counted. */
  values(sheetName: string, a1?: string): unknown[][];
  /** The tooltip message of an error cell (like hovering #ERROR! in Sheets), or undefined. */
  errorMessage(sheetName: string, a1: string): string | undefined;
  /** Charts, rules, protections... of a sheet as plain data. */
  inspectSheet(name: string): SheetInspection;

  /** Registers functions callable from formulas, called the way Sheets calls custom functions. */
  registerCustomFunctions(fns: Record<string, (...args: unknown[]) => unknown>): void;
  /** Loads dist/Code.js (or the source given), registering its @customfunction functions. */
  loadBundle(source?: string): LoadedBundle;
  /** Adopts a bundle loaded elsewhere with loadBundleSource(source, host.globals). */
  attachBundle(bundle: LoadedBundle): void;
  /** Calls onOpen({ authMode }) of the bundle if it has one (AuthMode.NONE by default). */
  openAddon(options?: { authMode?: AuthMode }): boolean;
  /** Calls a top-level bundle function the way google.script.run does. */
  run(name: string, args?: unknown[]): RunResult;
  runAsync(name: string, args?: unknown[]): Promise<RunResult>;
  /** Runs the function behind a menu item (caption or "Submenu > Item"), as a click would. */
  clickMenuItem(captionOrPath: string): RunResult;
  /** Takes a lock as another execution would; returns the function that releases it. */
  holdLock(scope: Scope): () => void;
}

class ThrowingService {}

function makeContext(state: HostState, counter: CallCounter, counted: boolean, realm: Realm): ServiceContext {
  const sheets = new WeakMap<SheetModel, GoogleAppsScript.Spreadsheet.Sheet>();
  let spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet | undefined;
  const ctx: ServiceContext = {
    counted,
    realm,
    counter,
    host: state,
    authMode: () => state.authMode,
    api: undefined as unknown as ApiFactory,
  };
  (ctx as { api: ApiFactory }).api = {
    spreadsheet: () => (spreadsheet ??= makeSpreadsheet(ctx)),
    sheet: (model) => {
      let s = sheets.get(model);
      if (!s) sheets.set(model, (s = makeSheet(ctx, model)));
      return s;
    },
    range: (grid: GridRange) => makeRange(ctx, grid),
  };
  return ctx;
}

function buildGlobals(ctx: ServiceContext): HostGlobals {
  const globals: HostGlobals = {
    SpreadsheetApp: makeSpreadsheetApp(ctx),
    HtmlService: makeHtmlService(ctx),
    ...makeServices(ctx),
  };
  // Services the host does not implement throw "<Service>.<member> is not supported offline".
  for (const name of SERVICE_NAMES) {
    if (!(name in globals)) globals[name] = expose(ctx, name, new ThrowingService());
  }
  return globals;
}

let hostCount = 0;

class OfflineHost implements Host {
  readonly engine: FormulaEngine;
  readonly globals: HostGlobals;
  readonly ui: UiRecorder;
  readonly calls: { reset(): void; snapshot(): CallSnapshot };
  readonly clock: { now(): number; advance(ms: number): void };
  bundle: LoadedBundle | undefined;
  private readonly state: HostState;
  private readonly counter = new CallCounter();
  private readonly scriptCtx: ServiceContext;
  private readonly hostCtx: ServiceContext;
  private readonly outsideHolders = new Set<object>();

  constructor(options: HostOptions) {
    const timeZone = options.timeZone ?? 'America/New_York';
    assertTimeZone(timeZone);
    const locale = options.locale ?? 'en_US';
    let offset = 0;
    const baseNow = options.now ?? Date.now;
    this.clock = { now: () => baseNow() + offset, advance: (ms: number) => { offset += ms; } };
    let model: SpreadsheetModel | undefined;
    this.engine = new FormulaEngine({
      dateFormats: /^en[_-]US$/i.test(locale) ? undefined : ['DD/MM/YYYY', 'DD/MM/YY', 'YYYY-MM-DD', 'YYYY/MM/DD'],
      formatText: (value, pattern) => formatNumber(value, pattern),
      serialNow: () => serialFromInstant(this.clock.now(), model?.timeZone ?? timeZone),
    });
    const id = options.id ?? `offline-spreadsheet-${++hostCount}`;
    model = new SpreadsheetModel(this.engine, id, options.name ?? 'Untitled spreadsheet', timeZone, locale);
    model.addSheet(options.firstSheetName ?? 'Sheet1');
    this.ui = new UiRecorder();
    const emptyScopes = <T>(make: () => T): Record<Scope, T> => ({ document: make(), user: make(), script: make() });
    this.state = {
      model,
      ui: this.ui,
      logs: [],
      properties: emptyScopes(() => new Map<string, string>()),
      caches: emptyScopes(() => new Map()),
      locks: { document: null, user: null, script: null },
      now: this.clock.now,
      authMode: 'FULL',
      distDir: options.distDir ?? DEFAULT_DIST_DIR,
      strictGridBounds: options.strictGridBounds ?? false,
    };
    this.scriptCtx = makeContext(this.state, this.counter, true, hostRealm);
    this.hostCtx = makeContext(this.state, this.counter, false, hostRealm);
    this.globals = buildGlobals(this.scriptCtx);
    this.calls = { reset: () => this.counter.reset(), snapshot: () => this.counter.snapshot() };
  }

  get spreadsheet(): GoogleAppsScript.Spreadsheet.Spreadsheet {
    return this.hostCtx.api.spreadsheet();
  }

  get logs(): string[] {
    return this.state.logs;
  }

  get properties(): Record<Scope, Map<string, string>> {
    return this.state.properties;
  }

  // --- sheets -------------------------------------------------------------------------------

  private sheetModel(name: string): SheetModel {
    const sheet = this.state.model.sheetByName(name);
    if (!sheet) throw new Error(`No sheet named ${name}`);
    return sheet;
  }

  sheet(name: string): GoogleAppsScript.Spreadsheet.Sheet {
    return this.hostCtx.api.sheet(this.sheetModel(name));
  }

  addSheet(name: string, rows: unknown[][], opts: { literal?: boolean } = {}): GoogleAppsScript.Spreadsheet.Sheet {
    const model = this.state.model;
    const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
    let sheet = model.sheetByName(name);
    if (sheet) {
      if (this.engine.usedRows(sheet.engineId) > 0) throw new Error(`Sheet ${name} already exists and is not empty`);
      model.ensureGrid(sheet, rows.length, width);
    } else {
      sheet = model.addSheet(name, model.sheets.length, Math.max(DEFAULT_ROWS, rows.length), Math.max(DEFAULT_COLUMNS, width));
    }
    const target = sheet;
    // A leading apostrophe is how a cell says "this is text": the engine stores what follows it as a string.
    const cell = opts.literal
      ? (r: number, c: number, v: unknown) => (typeof v === 'string' && v !== '' ? `'${v}` : writeCell(target, r, c, v))
      : (r: number, c: number, v: unknown) => writeCell(target, r, c, v);
    const data = Array.from(rows, (line, r) => {
      const out = Array.from(line, (v, c) => cell(r, c, v));
      while (out.length < width) out.push(null);
      return out;
    });
    if (data.length > 0 && width > 0) this.engine.setContents(target.engineId, 0, 0, data);
    return this.hostCtx.api.sheet(target);
  }

  addTable(name: string, table: { rows: unknown[][]; numberFormats: (string | null)[][] }): GoogleAppsScript.Spreadsheet.Sheet {
    const sheet = this.addSheet(name, table.rows, { literal: true });
    const width = table.rows[0]?.length ?? 0;
    const height = table.rows.length;
    // Number formats as the import gave them, one call per run of equal formats down a column.
    for (let c = 0; c < width; c++) {
      let start = 1;
      for (let r = 1; r <= height; r++) {
        const fmt = r < height ? table.numberFormats[r]?.[c] ?? null : undefined;
        const prev = table.numberFormats[start]?.[c] ?? null;
        if (r === height || fmt !== prev) {
          if (prev && r > start) sheet.getRange(start + 1, c + 1, r - start, 1).setNumberFormat(prev);
          start = r;
        }
      }
    }
    if (width > 0 && height > 0) {
      sheet.getRange(1, 1, 1, width).setFontWeight('bold');
      sheet.setFrozenRows(1);
    }
    return sheet;
  }

  values(sheetName: string, a1?: string): unknown[][] {
    const sheet = this.sheet(sheetName);
    return (a1 ? sheet.getRange(a1) : sheet.getDataRange()).getValues();
  }

  errorMessage(sheetName: string, a1: string): string | undefined {
    const sheet = this.sheetModel(sheetName);
    const at = parseA1(a1);
    if (!at) throw new Error(`Not a cell reference: ${a1}`);
    return this.engine.errorMessage(sheet.engineId, at.row - 1, at.col - 1);
  }

  inspectSheet(name: string): SheetInspection {
    const s = this.sheetModel(name);
    const a1 = (g: GridRange) => `${g.sheet.quotedName}!${rangeA1(g.row, g.col, g.numRows, g.numCols)}`;
    return {
      name: s.name,
      gid: s.gid,
      index: s.spreadsheet.sheets.indexOf(s) + 1,
      hidden: s.hidden,
      tabColor: s.tabColor,
      frozenRows: s.frozenRows,
      frozenColumns: s.frozenColumns,
      maxRows: s.maxRows,
      maxColumns: s.maxColumns,
      columnWidths: Object.fromEntries(s.columnWidths),
      charts: s.charts.map((c) => ({ id: c.id, type: c.type, ranges: c.ranges.map(a1), position: { ...c.position }, options: { ...c.options } })),
      conditionalFormatRules: s.conditionalFormatRules.map((r) => ({ condition: r.condition, format: { ...r.format }, ranges: r.ranges.map(a1) })),
      protections: s.protections.map((p) => ({ type: p.type, range: p.range && a1(p.range), description: p.description, warningOnly: p.warningOnly, editors: [...p.editors] })),
      merges: s.merges.map(a1),
    };
  }

  // --- bundle -------------------------------------------------------------------------------

  registerCustomFunctions(fns: Record<string, (...args: unknown[]) => unknown>): void {
    const adapted = Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, adaptCustomFunction(this.scriptCtx, fn as ScriptFunction)]));
    this.engine.registerFunctions(adapted);
  }

  loadBundle(source?: string): LoadedBundle {
    const file = path.join(this.state.distDir, 'Code.js');
    const bundle = loadBundleSource(source ?? readFileSync(file, 'utf8'), this.globals, source === undefined ? file : 'Code.js');
    this.attachBundle(bundle);
    return bundle;
  }

  attachBundle(bundle: LoadedBundle): void {
    this.bundle = bundle;
    this.declaredNames = undefined;
    this.scriptCtx.realm = realmOf(bundle.context);
    this.state.compileInBundle = (code: string) => vm.runInContext(code, bundle.context);
    const names = customFunctionNames(bundle.source).filter((n) => typeof bundle.context[n] === 'function');
    if (names.length > 0) this.registerCustomFunctions(Object.fromEntries(names.map((n) => [n, bundle.fn(n)])));
  }

  private requireBundle(): LoadedBundle {
    if (!this.bundle) throw new Error('No bundle loaded: call host.loadBundle() first');
    return this.bundle;
  }

  /** Runs script code as one execution: in an auth mode, releasing its locks at the end. */
  private execute<T>(mode: AuthMode, fn: () => T): T {
    const previous = this.state.authMode;
    this.state.authMode = mode;
    try {
      return fn();
    } finally {
      this.state.authMode = previous;
      // "Locks are released when the script completes."
      for (const scope of ['document', 'user', 'script'] as const) {
        const holder = this.state.locks[scope];
        if (holder && !this.outsideHolders.has(holder)) this.state.locks[scope] = null;
      }
    }
  }

  openAddon(options: { authMode?: AuthMode } = {}): boolean {
    const bundle = this.requireBundle();
    const onOpen = bundle.context.onOpen;
    if (typeof onOpen !== 'function') return false;
    const mode = options.authMode ?? 'NONE';
    const event = transfer(this.scriptCtx.realm, { authMode: mode }) as Record<string, unknown>;
    if (mode !== 'NONE') event.source = this.scriptCtx.api.spreadsheet();
    this.execute(mode, () => onOpen(event));
    return true;
  }

  run(name: string, args: unknown[] = []): RunResult {
    const bundle = this.requireBundle();
    // Only the script's own top-level functions can be called, as in Apps Script: not "constructor",
    // "toString" or anything else the context inherits. Functions ending in "_" are private.
    const fn = this.declared().has(name) ? bundle.context[name] : undefined;
    if (typeof fn !== 'function' || name.endsWith('_')) return { ok: false, error: { name: 'ScriptError', message: `Script function not found: ${String(name).slice(0, 100)}` } };
    for (let i = 0; i < args.length; i++) {
      const bad = illegalProperty(args[i], String(i));
      if (bad !== undefined) return { ok: false, error: { name: 'Error', message: `Failed due to illegal value in property: ${bad}` } };
    }
    const copied = transfer(this.scriptCtx.realm, args) as unknown[];
    let value: unknown;
    try {
      value = this.execute('FULL', () => (fn as ScriptFunction)(...copied));
    } catch (e) {
      return failure(e);
    }
    // A return value google.script.run cannot transfer (a Date...) reaches the client as null.
    if (illegalProperty(value) !== undefined) return { ok: true, value: null };
    return { ok: true, value: transfer(hostRealm, value) ?? null };
  }

  async runAsync(name: string, args: unknown[] = []): Promise<RunResult> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.run(name, args);
  }

  private declaredNames: Set<string> | undefined;

  /** The names of the functions the bundle declares at its top level. */
  private declared(): Set<string> {
    this.declaredNames ??= new Set(this.requireBundle().functionNames());
    return this.declaredNames;
  }

  clickMenuItem(captionOrPath: string): RunResult {
    const bundle = this.requireBundle();
    const item = this.ui.menuItem(captionOrPath);
    if (!item) throw new Error(`No menu item ${captionOrPath}`);
    const fn = bundle.context[item.functionName];
    if (typeof fn !== 'function') return { ok: false, error: { name: 'ScriptError', message: `Script function not found: ${item.functionName}` } };
    try {
      const value = this.execute('FULL', () => (fn as ScriptFunction)());
      return { ok: true, value: illegalProperty(value) === undefined ? transfer(hostRealm, value) ?? null : null };
    } catch (e) {
      return failure(e);
    }
  }

  holdLock(scope: Scope): () => void {
    if (this.state.locks[scope] !== null) throw new Error(`The ${scope} lock is already held`);
    const token = {};
    this.outsideHolders.add(token);
    this.state.locks[scope] = token;
    return () => {
      if (this.state.locks[scope] === token) this.state.locks[scope] = null;
      this.outsideHolders.delete(token);
    };
  }
}

/** Creates an offline host with one spreadsheet holding one empty sheet ("Sheet1"). */
export function createHost(options: HostOptions = {}): Host {
  return new OfflineHost(options);
}

export type { ApiContext };
