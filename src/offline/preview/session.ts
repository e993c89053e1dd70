/**
 * One preview session: an offline host holding the leads, the loaded add-on bundle, and what the
 * page needs from them (sheets, windows of cells, edits, menu clicks, google.script.run calls and
 * the UI they produced). The HTTP layer (server.ts) only translates requests to these methods.
 *
 * Alerts and prompts. Apps Script's Ui.alert/Ui.prompt block the server code until the user
 * answers; the preview runs that code synchronously in node:vm, so it cannot wait for a click.
 * Instead the bundle's SpreadsheetApp.getUi() is wrapped: an alert or prompt with no queued answer
 * stops the run right there (a thrown sentinel) and the call reports it as `pending`. The page shows
 * the dialog, and when the user answers it runs the same function again from the start with every
 * answer given so far queued through host.ui.respondWith(...). A handler that asks two questions
 * therefore runs three times; whatever it did before its first unanswered question is done again
 * on each run, which is why handlers should ask before they change anything (good practice in
 * Apps Script too, where a user can dismiss the dialog).
 */
import { basename, extname } from 'node:path';
import { sampleLeads } from '../../core/sample.ts';
import { readLeadsFile } from '../files/index.ts';
import type { LeadsTable } from '../files/index.ts';
import { createHost } from '../host/index.ts';
import type { Host, MenuEntry, RunResult } from '../host/index.ts';
import { cellLooks } from '../host/inspect.ts';
import { chartViews, conditionalFormats } from './charts.ts';
import type { ChartView } from './charts.ts';

export type { ChartView, ChartSeriesView } from './charts.ts';

export const SAMPLE_SHEET = 'Leads';
export const SAMPLE_ROWS = 600;
export const DEFAULT_TIME_ZONE = 'America/New_York';
export const DEFAULT_SEED = 42;
/** The most rows one /api/cells window may ask for. */
export const MAX_WINDOW_ROWS = 500;
export const MAX_WINDOW_COLUMNS = 200;

/** The exports `leadflow report` reads (src/offline/report.ts), refused with its words otherwise. */
export const DATA_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.xlsm'];

const ERROR_CODES = new Set(['#ERROR!', '#N/A', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#NULL!']);
const BUTTON_SETS: Record<string, string[]> = { OK: ['OK'], OK_CANCEL: ['OK', 'CANCEL'], YES_NO: ['YES', 'NO'], YES_NO_CANCEL: ['YES', 'NO', 'CANCEL'] };
const BUTTONS = new Set(['OK', 'CANCEL', 'YES', 'NO', 'CLOSE']);

export interface SessionOptions {
  /** A leads export to show instead of the sample: .csv, .tsv, .txt, .xlsx or .xlsm, as the report reads. */
  data?: string;
  /** Rows (header first) to show instead of the sample, in a sheet named "Leads". */
  rows?: unknown[][];
  timeZone?: string;
  /** Seed of the generated sample. */
  seed?: number;
  /** Folder with the built add-on (Code.js, the pages). Default: dist/. */
  distDir?: string;
  /** Called with each Logger.log line the add-on writes. */
  onLog?: (line: string) => void;
}

/** One cell as the grid shows it; empty fields are left out. */
export interface CellView {
  /** Display value (what the cell shows). */
  v?: string;
  /** Formula, when the cell holds one. */
  f?: string;
  /** What the editor starts with for a non-formula cell when it differs from v (a number's raw value). */
  i?: string;
  /** n: number or date (right-aligned), b: boolean, e: error. */
  t?: 'n' | 'b' | 'e';
  /** Error message of an error cell (the tooltip Sheets shows). */
  e?: string;
  /** Bold. */
  w?: 1;
  /** Italic, strikethrough, underline (a conditional format's, or the cell's italic). */
  it?: 1;
  st?: 1;
  un?: 1;
  /** Fill colour (#rrggbb) when not white: the cell's own, or a conditional format's. */
  bg?: string;
  /** Font colour (#rrggbb) when not black. */
  fc?: string;
  /** Horizontal alignment set on the cell. */
  al?: 'left' | 'center' | 'right';
  /**
   * A checkbox (data validation CHECKBOX): whether it is ticked, and what to type to tick or
   * untick it when the validation has its own checked/unchecked values (TRUE/FALSE otherwise).
   */
  cb?: { checked: boolean; on?: string; off?: string };
}

export interface SheetView {
  name: string;
  gid: number;
  hidden: boolean;
  maxRows: number;
  maxColumns: number;
  lastRow: number;
  lastColumn: number;
  frozenRows: number;
  frozenColumns: number;
  /** Width in pixels by 1-based column, where set. */
  columnWidths: Record<number, number>;
  tabColor: string | null;
}

export interface MenuView {
  /** Caption: "LeadFlow" for the add-on menu (Sheets shows the add-on's name), else the menu's title. */
  title: string;
  kind: 'addon' | 'menu';
  items: MenuEntry[];
}

export interface StateView {
  spreadsheet: { name: string; timeZone: string; locale: string };
  source: string;
  sheets: SheetView[];
  activeSheet: string;
  menus: MenuView[];
  /** Latest event number: the page asks GET /api/events?after=N to catch up. */
  seq: number;
}

export type PreviewEvent =
  | { seq: number; type: 'toast'; title: string; message: string; timeoutSeconds: number }
  | { seq: number; type: 'sidebar'; frame: number; title: string; width: number | null }
  | { seq: number; type: 'dialog'; frame: number; title: string; width: number | null; height: number | null; modal: boolean }
  | { seq: number; type: 'error'; title: string; message: string };

type EventBody = PreviewEvent extends infer E ? (E extends PreviewEvent ? Omit<E, 'seq'> : never) : never;

/** An answer to an alert (a button) or a prompt (a button and text). */
export interface Answer {
  button: string;
  text?: string;
}

/** An alert or prompt the code is waiting on. */
export interface PendingDialog {
  type: 'alert' | 'prompt';
  title: string;
  prompt: string;
  buttons: string;
  /** The buttons to show, in order. */
  choices: string[];
  /** How many answers were queued in the run that stopped here. */
  answered: number;
}

export interface ActionResult {
  /** The run's outcome; absent while a dialog is pending. */
  outcome?: RunResult;
  pending?: PendingDialog;
  events: PreviewEvent[];
  state: StateView;
}

export interface FrameRecord {
  id: number;
  kind: 'sidebar' | 'dialog';
  title: string;
  html: string;
}

class NeedsAnswer {
  constructor(readonly dialog: PendingDialog) {}
}

export class PreviewError extends Error {}

function toAnswer(raw: unknown): Answer {
  if (typeof raw === 'string') raw = { button: raw };
  const a = raw as { button?: unknown; text?: unknown } | null;
  if (!a || typeof a.button !== 'string' || !BUTTONS.has(a.button)) throw new PreviewError('Each answer needs a button: OK, CANCEL, YES, NO or CLOSE.');
  return { button: a.button, text: typeof a.text === 'string' ? a.text : undefined };
}

export class PreviewSession {
  readonly host: Host;
  readonly source: string;
  private readonly frames = new Map<number, FrameRecord>();
  private nextFrame = 1;
  private readonly events: PreviewEvent[] = [];
  private seq = 0;
  private seen = { toasts: 0, sidebars: 0, dialogs: 0, logs: 0 };
  /** Set while a run may ask: the first unanswered alert/prompt stops it. */
  private asking: { stopped?: PendingDialog; answered: number } | undefined;
  private readonly onLog?: (line: string) => void;

  private constructor(host: Host, source: string, onLog?: (line: string) => void) {
    this.host = host;
    this.source = source;
    this.onLog = onLog;
  }

  static async create(opts: SessionOptions = {}): Promise<PreviewSession> {
    const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      throw new PreviewError(`"${timeZone}" is not a time zone: give an IANA name such as America/New_York or Europe/Paris.`);
    }
    let table: LeadsTable | undefined;
    let source: string;
    if (opts.data) {
      if (!DATA_EXTENSIONS.includes(extname(opts.data).toLowerCase())) {
        throw new PreviewError(`${opts.data}: expected a CSV (.csv, .tsv, .txt) or Excel workbook (.xlsx) export of your leads.`);
      }
      table = await readLeadsFile(opts.data, { timeZone });
      source = basename(opts.data);
    } else if (opts.rows) {
      table = { sheetName: SAMPLE_SHEET, rows: opts.rows, numberFormats: [] };
      source = 'rows';
    } else {
      source = 'sample';
    }
    const sheetName = table?.sheetName || SAMPLE_SHEET;
    const host = createHost({ timeZone, distDir: opts.distDir, firstSheetName: sheetName, name: opts.data ? source : table ? 'Leads' : 'LeadFlow sample leads' });
    host.loadBundle();
    const session = new PreviewSession(host, source, opts.onLog);
    session.wrapUi();
    if (table) session.loadTable(sheetName, table);
    else session.loadSample(opts.seed ?? DEFAULT_SEED, timeZone);
    host.openAddon();
    session.collect();
    return session;
  }

  private loadSample(seed: number, timeZone: string): void {
    const now = new Date();
    const from = `${now.getFullYear() - 1}-${String(now.getMonth() + 1).padStart(2, '0')}-01`;
    const sample = sampleLeads({ rows: SAMPLE_ROWS, seed, timeZone, from, days: 365 });
    const sheet = this.host.addSheet(SAMPLE_SHEET, [sample.headers, ...sample.rows]);
    sample.headers.forEach((h, i) => {
      if (/Time|Date|Activity$/.test(h)) sheet.getRange(2, i + 1, sample.rows.length, 1).setNumberFormat('yyyy-mm-dd hh:mm');
      if (h === 'Deal Value') sheet.getRange(2, i + 1, sample.rows.length, 1).setNumberFormat('$#,##0');
    });
    sheet.getRange(1, 1, 1, sample.headers.length).setFontWeight('bold');
    sheet.setFrozenRows(1);
  }

  private loadTable(name: string, table: LeadsTable): void {
    this.host.addTable(name, table);
  }

  /**
   * Puts a wrapper around the bundle's SpreadsheetApp so that Ui.alert/Ui.prompt without a queued
   * answer stop the run (see the comment at the top). Outside of preview actions (asking unset)
   * the Ui behaves exactly as the host's.
   */
  private wrapUi(): void {
    const bundle = this.host.bundle;
    if (!bundle) return;
    const context = bundle.context as Record<string, unknown>;
    const app = context.SpreadsheetApp as object;
    const ui = this.host.ui;
    const stop = (type: 'alert' | 'prompt', args: unknown[]): never => {
      const [title, prompt, buttons] = args.length >= 3 ? [args[0], args[1], args[2]] : args.length === 2 ? ['', args[0], args[1]] : ['', args[0], 'OK'];
      const set = buttons === undefined || buttons === null ? 'OK' : String(buttons);
      const dialog: PendingDialog = {
        type,
        title: String(title ?? ''),
        prompt: String(prompt ?? ''),
        buttons: set,
        choices: BUTTON_SETS[set] ?? ['OK'],
        answered: this.asking!.answered,
      };
      this.asking!.stopped ??= dialog;
      throw new NeedsAnswer(this.asking!.stopped);
    };
    const wrapDialog = (target: Record<string, unknown>, type: 'alert' | 'prompt') => (...args: unknown[]) => {
      if (this.asking?.stopped) throw new NeedsAnswer(this.asking.stopped);
      if (this.asking && ui.pendingResponses() === 0) stop(type, args);
      return (target[type] as (...a: unknown[]) => unknown).apply(target, args);
    };
    const wrapUiObject = (real: object) =>
      new Proxy(real, {
        get: (target, prop) => {
          if (prop === 'alert' || prop === 'prompt') return wrapDialog(target as Record<string, unknown>, prop);
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    context.SpreadsheetApp = new Proxy(app, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop);
        if (prop === 'getUi' && typeof value === 'function') return () => wrapUiObject(value.call(target) as object);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  // --- reading ------------------------------------------------------------------------------

  state(): StateView {
    const ss = this.host.spreadsheet;
    const sheets = ss.getSheets().map((s): SheetView => {
      const info = this.host.inspectSheet(s.getName());
      return {
        name: info.name,
        gid: info.gid,
        hidden: info.hidden,
        maxRows: info.maxRows,
        maxColumns: info.maxColumns,
        lastRow: s.getLastRow(),
        lastColumn: s.getLastColumn(),
        frozenRows: info.frozenRows,
        frozenColumns: info.frozenColumns,
        columnWidths: info.columnWidths,
        tabColor: info.tabColor,
      };
    });
    const menus = this.host.ui.menus.map((m): MenuView => ({ title: m.kind === 'addon' ? 'LeadFlow' : m.title ?? '', kind: m.kind, items: m.items }));
    return {
      spreadsheet: { name: ss.getName(), timeZone: ss.getSpreadsheetTimeZone(), locale: ss.getSpreadsheetLocale() },
      source: this.source,
      sheets,
      activeSheet: ss.getActiveSheet().getName(),
      menus,
      seq: this.seq,
    };
  }

  private sheet(name: string): GoogleAppsScript.Spreadsheet.Sheet {
    const sheet = this.host.spreadsheet.getSheetByName(name);
    if (!sheet) throw new PreviewError(`There is no sheet named "${name}".`);
    return sheet;
  }

  /** A window of cells, 1-based, clipped to the sheet's used area (cells past it are empty). */
  cells(sheetName: string, row: number, numRows: number, col = 1, numCols?: number): { row: number; col: number; cells: CellView[][] } {
    const sheet = this.sheet(sheetName);
    const lastRow = sheet.getLastRow();
    const lastCol = sheet.getLastColumn();
    const wantCols = Math.min(numCols ?? lastCol, MAX_WINDOW_COLUMNS);
    const wantRows = Math.min(numRows, MAX_WINDOW_ROWS);
    const height = Math.max(0, Math.min(row + wantRows - 1, lastRow) - row + 1);
    const width = Math.max(0, Math.min(col + wantCols - 1, lastCol) - col + 1);
    const cells: CellView[][] = [];
    if (height > 0 && width > 0) {
      const range = sheet.getRange(row, col, height, width);
      const display = range.getDisplayValues();
      const values = range.getValues();
      const formulas = range.getFormulas();
      const weights = range.getFontWeights();
      const fills = range.getBackgrounds();
      const validations = range.getDataValidations() as (GoogleAppsScript.Spreadsheet.DataValidation | null)[][];
      const looks = cellLooks(range);
      const rules = conditionalFormats(sheet, row, col, height, width);
      for (let r = 0; r < height; r++) {
        const line: CellView[] = [];
        for (let c = 0; c < width; c++) {
          const cell: CellView = {};
          const v = display[r][c];
          const raw = values[r][c];
          const validation = validations[r][c];
          if (validation && String(validation.getCriteriaType()) === 'CHECKBOX') {
            const [on, off] = validation.getCriteriaValues().map((x) => String(x));
            cell.cb = on === undefined ? { checked: raw === true } : { checked: v === on, on, off: off ?? '' };
          }
          if (v !== '') cell.v = v;
          if (formulas[r][c]) cell.f = formulas[r][c];
          if (typeof raw === 'number' || raw instanceof Date) cell.t = 'n';
          else if (typeof raw === 'boolean') cell.t = 'b';
          else if (typeof raw === 'string' && ERROR_CODES.has(raw) && v === raw) {
            const message = this.host.errorMessage(sheetName, a1(row + r, col + c));
            if (message !== undefined || cell.f) {
              cell.t = 'e';
              if (message) cell.e = message;
            }
          }
          if (typeof raw === 'number' && !cell.f && String(raw) !== v) cell.i = String(raw);
          if (weights[r][c] === 'bold') cell.w = 1;
          if (fills[r][c] && fills[r][c] !== '#ffffff') cell.bg = fills[r][c];
          const look = looks[r][c];
          if (look?.fontColor && look.fontColor !== '#000000') cell.fc = look.fontColor;
          if (look?.fontStyle === 'italic') cell.it = 1;
          const align = look?.horizontalAlignment;
          if (align === 'left' || align === 'center' || align === 'right') cell.al = align;
          // Sheets draws the first rule whose range holds the cell and whose condition holds.
          const format = rules(row + r, col + c, raw);
          if (format) {
            if (format.background) cell.bg = format.background;
            if (format.fontColor) cell.fc = format.fontColor;
            if (format.bold !== null && format.bold !== undefined) format.bold ? (cell.w = 1) : delete cell.w;
            if (format.italic !== null && format.italic !== undefined) format.italic ? (cell.it = 1) : delete cell.it;
            if (format.strikethrough) cell.st = 1;
            if (format.underline) cell.un = 1;
          }
          line.push(cell);
        }
        cells.push(line);
      }
    }
    return { row, col, cells };
  }

  /** The charts floating over a sheet, each with the current values of its ranges (see charts.ts). */
  charts(sheetName: string): ChartView[] {
    const sheet = this.sheet(sheetName);
    return chartViews(sheet, this.host.inspectSheet(sheet.getName()).charts);
  }

  // --- acting -------------------------------------------------------------------------------

  /** Types into a cell: a formula (starting with "="), a value (parsed like typed input), or "" to clear. */
  setCell(sheetName: string, row: number, col: number, input: string): ActionResult {
    const sheet = this.sheet(sheetName);
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 1 || col < 1) throw new PreviewError('Row and column must be positive whole numbers.');
    const range = sheet.getRange(row, col);
    let outcome: RunResult;
    try {
      if (input === '') range.clearContent();
      else if (input.startsWith('=') && input.length > 1) range.setFormula(input);
      else range.setValue(input);
      outcome = { ok: true, value: null };
    } catch (e) {
      outcome = { ok: false, error: { name: 'Error', message: (e as Error).message ?? String(e) } };
    }
    return { outcome, events: this.collect(), state: this.state() };
  }

  /** Makes a sheet (and optionally a cell) active, as clicking its tab or a cell does. */
  activate(sheetName: string, row?: number, col?: number): StateView {
    const sheet = this.sheet(sheetName);
    this.host.spreadsheet.setActiveSheet(sheet);
    if (row && col && row >= 1 && col >= 1) sheet.getRange(row, col).activate();
    return this.state();
  }

  /** The function behind a menu item the add-on registered (only those may be run from the menu). */
  menuFunction(functionName: string): boolean {
    const walk = (items: MenuEntry[]): boolean =>
      items.some((e) => (e.kind === 'item' && e.functionName === functionName) || (e.kind === 'submenu' && walk(e.items)));
    return this.host.ui.menus.some((m) => walk(m.items));
  }

  /** Runs a menu item's function, as clicking it in Sheets does. */
  menu(functionName: string, answers: unknown[] = []): ActionResult {
    if (!this.menuFunction(functionName)) throw new PreviewError(`No menu item runs ${functionName}.`);
    return this.execute(functionName, [], answers, true);
  }

  /** A google.script.run call from a sidebar or dialog. */
  run(name: string, args: unknown[] = [], answers: unknown[] = []): ActionResult {
    return this.execute(name, args, answers, false);
  }

  private execute(name: string, args: unknown[], rawAnswers: unknown[], fromMenu: boolean): ActionResult {
    const answers = rawAnswers.map(toAnswer);
    const ui = this.host.ui;
    this.drainResponses();
    if (answers.length) ui.respondWith(...answers.map((a) => ({ button: a.button as never, text: a.text })));
    this.asking = { answered: answers.length };
    let outcome: RunResult;
    let pending: PendingDialog | undefined;
    try {
      outcome = this.host.run(name, args);
    } finally {
      pending = this.asking.stopped;
      this.asking = undefined;
      this.drainResponses();
    }
    if (pending) {
      // The run stopped at a question: what it showed before it will be shown by the run that completes.
      this.skipUi();
      return { pending, events: [], state: this.state() };
    }
    const events = this.collect();
    if (!outcome.ok && fromMenu) {
      // Sheets reports a failed menu function in a message over the grid.
      events.push(this.push({ type: 'error', title: 'Script error', message: outcome.error.message }));
    }
    return { outcome, events, state: this.state() };
  }

  /** Scripted answers a run did not use must not answer the next run's questions. */
  private drainResponses(): void {
    const ui = this.host.ui as unknown as { pendingResponses(): number; takeResponse(): unknown };
    while (ui.pendingResponses() > 0) ui.takeResponse();
  }

  private skipUi(): void {
    const ui = this.host.ui;
    this.seen = { ...this.seen, toasts: ui.toasts.length, sidebars: ui.sidebars.length, dialogs: ui.dialogs.length };
  }

  private push(event: EventBody): PreviewEvent {
    const full = { ...event, seq: ++this.seq } as PreviewEvent;
    this.events.push(full);
    if (this.events.length > 500) this.events.splice(0, this.events.length - 500);
    return full;
  }

  /** Turns what the host's Ui recorded since last time into events for the page. */
  private collect(): PreviewEvent[] {
    const ui = this.host.ui;
    const out: PreviewEvent[] = [];
    for (const t of ui.toasts.slice(this.seen.toasts)) {
      out.push(this.push({ type: 'toast', title: t.title, message: t.message, timeoutSeconds: t.timeoutSeconds }));
    }
    for (const s of ui.sidebars.slice(this.seen.sidebars)) {
      const frame = this.addFrame('sidebar', s.title, s.html);
      out.push(this.push({ type: 'sidebar', frame, title: s.title, width: s.width }));
    }
    for (const d of ui.dialogs.slice(this.seen.dialogs)) {
      const frame = this.addFrame('dialog', d.title, d.html);
      out.push(this.push({ type: 'dialog', frame, title: d.title, width: d.width, height: d.height, modal: d.modal }));
    }
    this.seen = { toasts: ui.toasts.length, sidebars: ui.sidebars.length, dialogs: ui.dialogs.length, logs: this.seen.logs };
    const logs = this.host.logs;
    for (const line of logs.slice(this.seen.logs)) this.onLog?.(line);
    this.seen.logs = logs.length;
    return out;
  }

  eventsAfter(seq: number): PreviewEvent[] {
    return this.events.filter((e) => e.seq > seq);
  }

  private addFrame(kind: 'sidebar' | 'dialog', title: string, html: string): number {
    const id = this.nextFrame++;
    this.frames.set(id, { id, kind, title, html });
    // Keep the latest few: old sidebars and dialogs are closed anyway.
    for (const key of this.frames.keys()) if (key <= id - 20) this.frames.delete(key);
    return id;
  }

  frame(id: number): FrameRecord | undefined {
    return this.frames.get(id);
  }

  /** Names google.script.run exposes: the bundle's top-level functions (private ones excluded). */
  functionNames(): string[] {
    return (this.host.bundle?.functionNames() ?? []).filter((n) => !n.endsWith('_'));
  }
}

function a1(row: number, col: number): string {
  let letters = '';
  for (let x = col; x > 0; x = Math.floor((x - 1) / 26)) letters = String.fromCharCode(65 + ((x - 1) % 26)) + letters;
  return `${letters}${row}`;
}
