/**
 * The menu's Build items. The dialog asks leadflowBuildData for the setup and the leads (one read
 * each), plans the sheet itself with src/core/report, and hands the plan to leadflowBuild, which
 * writes it in a fixed number of batched calls: the formula templates never enter this bundle.
 * A build never writes to a sheet LeadFlow did not create, asks before replacing one it built
 * earlier, and holds the document lock while it writes.
 */
import { LeadFlowError } from '../../core/errors';
import type { BuildData, Kind, Plan } from '../../core/report';
import { SCORING_PRESETS } from '../../core/scoring';
import { SETUP_RANGE_NAME, defaultSetup, setupFromGrid } from '../../core/setup';
import { wallToSerial } from '../../core/time';
import { isDate, normalizeLabel } from '../../core/values';
import { callEnv } from '../env';
import { BUILT_PROPERTY, builtSheetIds } from '../built';
import { findSetupSheet } from '../setup';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export { BUILT_PROPERTY };
/** The name of each kind of sheet (a clash with another sheet adds " (2)"...). */
export const SHEET_NAMES: Record<Kind, string> = { funnel: 'Funnel', flow: 'Net lead flow', checklist: 'Lead review' };

/** Each build dialog's title, and its height: sized to its own choices, not the largest one's. */
const DIALOGS: Record<Kind, { title: string; height: number }> = {
  funnel: { title: 'LeadFlow: build the funnel sheet', height: 470 },
  flow: { title: 'LeadFlow: build the net lead flow sheet', height: 350 },
  checklist: { title: 'LeadFlow: build the checklist sheet', height: 420 },
};

function openDialog(kind: Kind): void {
  const page = HtmlService.createHtmlOutputFromFile('BuildDialog').getContent().replace('data-kind="funnel"', `data-kind="${kind}"`);
  SpreadsheetApp.getUi().showModalDialog(HtmlService.createHtmlOutput(page).setWidth(460).setHeight(DIALOGS[kind].height), DIALOGS[kind].title);
}

export const menuHandlers = {
  leadflowBuildFunnelSheet: () => openDialog('funnel'),
  leadflowBuildFlowSheet: () => openDialog('flow'),
  leadflowBuildChecklistSheet: () => openDialog('checklist'),
};

function state() {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const built = builtSheetIds();
  return { ss, built, sheets: ss.getSheets().map((sheet) => ({ sheet, name: sheet.getName(), id: String(sheet.getSheetId()) })) };
}

/**
 * The setup (saved, or none yet: the dialog then proposes one from the headers and rows) and the
 * leads' columns a build uses, dates as serial numbers: google.script.run cannot carry Dates.
 */
export function leadflowBuildData(): BuildData {
  const { ss, built, sheets } = state();
  const named = ss.getRangeByName(SETUP_RANGE_NAME);
  const read = named && setupFromGrid(named.getValues());
  if (read && !read.setup) throw new LeadFlowError(`The LeadFlow setup has a problem: ${read.problems[0].message} Open the setup to repair it.`);
  const setupSheet = findSetupSheet(ss, { named, sheets: sheets.map((s) => s.sheet) });
  const own = sheets.filter((s) => !built[s.id] && !(setupSheet && s.name === setupSheet.getName()));
  const name = read ? read.setup!.leads.sheet : (own.filter((s) => /lead/i.test(s.name))[0] || own[0] || { name: '' }).name;
  const leads = sheets.filter((s) => s.name === name)[0];
  if (!leads) throw new LeadFlowError(`There is no sheet "${name}" with leads: open the setup to choose it.`);
  const all = leads.sheet.getDataRange().getValues();
  const headerRow = read ? read.setup!.leads.headerRow : 1;
  const headers = (all[headerRow - 1] || []).map((h) => String(h).trim());
  const setup = read ? read.setup! : defaultSetup(name);
  const c = setup.columns;
  // With a saved setup only the columns a build reads travel (the first, the mapped ones, those
  // scoring rules look at); without one every column does, for the dialog to propose the setup.
  const wanted = new Set([c.arrived, c.status, c.result, c.source, c.owner, c.value, c.lastActivity, c.removedAt, c.firstResponse, c.attempts, c.nextStep, c.outcome,
    ...Object.values(c.stageDates), ...Object.values(c.stageFlags), ...[setup.scoring, ...SCORING_PRESETS].flatMap((s) => s.rules.map((r) => r.column))].map(normalizeLabel));
  const keep = headers.map((h, i) => !read || !i || wanted.has(normalizeLabel(h)));
  const env = callEnv();
  const builtSheets: Partial<Record<Kind, string>> = {};
  for (const s of sheets) if (built[s.id]) builtSheets[built[s.id]] = s.name;
  const dated = new Set<number>();
  const rows = all.slice(headerRow).map((r: unknown[]) => r.map((v, i) => {
    if (!keep[i]) return '';
    if (!isDate(v)) return v as string;
    dated.add(i);
    return wallToSerial(env.clock.toWall(v.getTime()));
  }));
  // The first lead's number formats: pipeline value shows in the deal values' own currency.
  const formats = rows.length && headers.length ? leads.sheet.getRange(headerRow + 1, 1, 1, headers.length).getNumberFormats()[0] : undefined;
  return { setup, saved: !!read, timeZone: env.timeZone, now: env.now, headers, builtSheets, rows, dateColumns: [...dated], formats };
}

export interface BuildResult {
  ok: boolean;
  /** True when the user chose to keep the sheet built earlier (nothing changed). */
  cancelled?: boolean;
  sheetName: string;
  notes: string[];
}

/**
 * Writes a planned sheet. A sheet LeadFlow built earlier is replaced only when `replace` is true
 * (the dialog asks the user in place first: an alert raised from a dialog's server call would
 * close the dialog); without `replace`, a script caller is asked with an alert. Returns
 * { ok: false, cancelled: true } when the earlier sheet is kept.
 */
export function leadflowBuild(request: { plan: Plan; replace?: boolean }): BuildResult {
  const p = request && request.plan;
  // The dialog reads leadflowBuildData, plans the sheet with core/report's planBuild, then passes { plan }.
  if (!p) throw new LeadFlowError('There is no sheet to build: the request holds no plan. Build it again from Extensions > LeadFlow.');
  const base = typeof p === 'object' && Object.prototype.hasOwnProperty.call(SHEET_NAMES, p.kind) ? SHEET_NAMES[p.kind] : undefined;
  const problem = planProblem(p);
  if (!base || problem) throw new LeadFlowError(`This is not a sheet LeadFlow can build: ${problem || 'unknown kind of sheet'}. Build it again from Extensions > LeadFlow.`);
  const l = state();
  const target = l.sheets.filter((s) => l.built[s.id] === p.kind && s.name.replace(/ \(\d+\)$/, '') === base).pop();
  if (target && request.replace !== true) {
    const ui = request.replace === false ? undefined : SpreadsheetApp.getUi();
    if (!ui || ui.alert(`Replace "${target.name}"?`, `LeadFlow built "${target.name}" earlier. Build it again from the current leads and setup? Only that sheet changes.`, ui.ButtonSet.YES_NO) !== ui.Button.YES) {
      return { ok: false, cancelled: true, sheetName: target.name, notes: [] };
    }
  }
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(30_000)) throw new LeadFlowError('Someone else is building a LeadFlow sheet here right now; try again in a moment.');
  let sheet: Sheet;
  let inserted: Sheet | undefined;
  try {
    if (target) sheet = clear(target.sheet);
    else {
      const names = l.ss.getSheets().map((s) => s.getName().toLowerCase());
      let name = base;
      for (let n = 2; names.includes(name.toLowerCase()); n++) name = `${base} (${n})`;
      sheet = inserted = l.ss.insertSheet(name, l.sheets.length);
    }
    try {
      write(sheet, p);
    } catch (e) {
      // A sheet half written is worse than none: the next build would go to "Funnel (2)".
      if (inserted) l.ss.deleteSheet(inserted);
      throw e;
    }
    const props = PropertiesService.getDocumentProperties();
    const built = JSON.parse(props.getProperty(BUILT_PROPERTY) || '{}');
    built[sheet.getSheetId()] = p.kind;
    props.setProperty(BUILT_PROPERTY, JSON.stringify(built));
  } finally {
    lock.releaseLock();
  }
  l.ss.setActiveSheet(sheet);
  const sheetName = sheet.getName();
  l.ss.toast(`"${sheetName}" is ready.`, 'LeadFlow');
  return { ok: true, sheetName, notes: p.notes };
}

/** The most text a Google Sheets cell holds. */
const CELL_TEXT = 50_000;

const isBox = (b: unknown, h: number, w: number) => Array.isArray(b) && b.length === 4 && b.every((n) => Number.isInteger(n) && n >= 1) && b[0] + b[2] - 1 <= h && b[1] + b[3] - 1 <= w;

/**
 * What is wrong with a plan, or "": it comes from the dialog, so only a LeadFlow sheet of a sane
 * size is written, every part of it the shape the writer expects, before any sheet is touched.
 */
function planProblem(p: Plan): string {
  if (!Array.isArray(p.cells) || p.cells.length === 0 || !Array.isArray(p.cells[0])) return 'it has no cells';
  const h = p.cells.length;
  const w = p.cells[0].length;
  if (h > 5000 || w === 0 || w > 1000) return `its ${h} × ${w} cells are not the size of a LeadFlow sheet`;
  const grid = (g: unknown, kind: string, ok: (v: unknown) => boolean) =>
    !Array.isArray(g) || g.length !== h || g.some((r) => !Array.isArray(r) || r.length !== w || r.some((v) => !ok(v))) ? `its ${kind} are not one per cell` : '';
  const problem = grid(p.cells, 'cells', (v) => (typeof v === 'string' && v.length <= CELL_TEXT) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean')
    || grid(p.formats, 'number formats', (v) => typeof v === 'string' && v.length <= 200)
    || grid(p.styles, 'styles', (v) => v === 0 || v === 1 || v === 2 || v === 3);
  if (problem) return problem;
  for (const key of ['checkboxes', 'negatives', 'rightAligned'] as const) {
    if (!Array.isArray(p[key]) || p[key].some((b) => !isBox(b, h, w))) return `its ${key} are not blocks of its cells`;
  }
  const numbers = (a: unknown, n: number, min: number) => Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= 100_000);
  if (!Array.isArray(p.charts) || p.charts.some((c) => !c || !['funnel', 'combo', 'line'].includes(c.type) || !Array.isArray(c.ranges) || c.ranges.some((b) => !isBox(b, h, w)) ||
    !numbers(c.at, 2, 1) || !Array.isArray(c.series) || !numbers(c.size, 2, 0) || typeof c.title !== 'string')) return 'its charts are not charts of its cells';
  if (!Array.isArray(p.notes) || p.notes.some((n) => typeof n !== 'string')) return 'its notes are not text';
  return '';
}

/** Empties a sheet LeadFlow built, keeping it (and any reference to it from other sheets). */
function clear(sheet: Sheet): Sheet {
  sheet.clear();
  sheet.clearNotes();
  sheet.getRange(1, 1, sheet.getMaxRows(), sheet.getMaxColumns()).clearDataValidations();
  for (const c of sheet.getCharts()) sheet.removeChart(c);
  return sheet;
}

/** Writes a plan in batched calls: their number depends on the kind of sheet, never on the number of leads. */
function write(sheet: Sheet, p: Plan): void {
  const h = p.cells.length;
  const w = p.cells[0].length;
  const [rows, cols] = [sheet.getMaxRows(), sheet.getMaxColumns()];
  if (h > rows) sheet.insertRowsAfter(rows, h - rows);
  if (w > cols) sheet.insertColumnsAfter(cols, w - cols);
  const box = (b: number[]) => sheet.getRange(b[0], b[1], b[2], b[3]);
  for (const b of p.checkboxes) box(b).insertCheckboxes();
  const all = sheet.getRange(1, 1, h, w);
  all.setNumberFormats(p.formats);
  all.setValues(p.cells);
  all.setFontWeights(p.styles.map((r) => r.map((s) => (s ? 'bold' : 'normal'))));
  all.setBackgrounds(p.styles.map((r) => r.map((s) => [null, '#e8f0fe', '#d2e3fc', '#f1f3f4'][s] as string)));
  const aligns = p.cells.map((r) => r.map((): 'right' | null => null));
  // Each block is one row of headers (Plan.rightAligned).
  for (const [r, c, , m] of p.rightAligned) aligns[r - 1].fill('right', c - 1, c - 1 + m);
  all.setHorizontalAlignments(aligns);
  sheet.getRange(1, 1).setNote(`Built by LeadFlow (${p.kind}): build again from Extensions > LeadFlow.`);
  sheet.setConditionalFormatRules(p.negatives.map((b) =>
    SpreadsheetApp.newConditionalFormatRule().whenNumberLessThan(0).setBackground('#f4c7c3').setFontColor('#a50e0e').setRanges([box(b)]).build()));
  for (const c of p.charts) {
    const b = sheet.newChart();
    // Sheets draws a funnel as bars (the first stage on top), net lead flow as columns with its running total as a line.
    const typed = c.type === 'funnel' ? b.asBarChart() : c.type === 'combo' ? b.asComboChart() : b.asLineChart();
    for (const r of c.ranges) typed.addRange(box(r));
    // Each series in its plan colour; a combo's running total as a line (a line chart's series are lines anyway).
    typed.setOption('series', c.series.map((s) => ({ color: s.color, type: s.as === 'line' ? 'line' : undefined })));
    typed.setOption('legend', { position: c.series.length > 1 ? 'bottom' : 'none' });
    sheet.insertChart(typed.setPosition(c.at[0], c.at[1], 0, 0).setOption('title', c.title).setOption('width', c.size[0]).setOption('height', c.size[1]).build());
  }
  sheet.setColumnWidth(1, 190);
  // Each column as wide as its longest header, in steps (100, 140, 170, 220 px) so that neighbours share
  // one call: Sheets' 100 px cut "Step conversion" and "Leads with a deal value", 170 px "Reached
  // Converted to Opportunity".
  const widths = p.cells[0].map((_, c) => {
    const header = Math.max(0, ...p.cells.map((line, i) => (p.styles[i][c] === 1 ? String(line[c]).length : 0)));
    return header > 24 ? 220 : header > 18 ? 170 : header > 13 ? 140 : 100;
  });
  for (let c = 1, run = 1; c < w; c += run) {
    for (run = 1; c + run < w && widths[c + run] === widths[c]; run++);
    if (widths[c] > 100) sheet.setColumnWidths(c + 1, run, widths[c]);
  }
  sheet.setFrozenRows(Math.min(p.frozenRows || 0, h));
}

export const dialogCalls = { leadflowBuildData, leadflowBuild };
