/**
 * The setup, server side: what the sidebar reads to start from, checks as the user edits, and
 * saves. The setup lives in a hidden sheet of the spreadsheet (so "Make a copy" carries it) under
 * a fixed-size named range, LeadFlowSetup, that formulas take as an argument: when the setup
 * changes, every formula reading it recalculates.
 */
import { DayOrderMix, findDayOrderMix, repairDayOrderMix } from '../core/dayorder';
import { LeadFlowError, clip, show } from '../core/errors';
import { Pipeline } from '../core/pipeline';
import { compileScorer } from '../core/scoring';
import {
  ColumnField, SETUP_MARKER, SETUP_RANGE_NAME, SETUP_SHEET, Setup, SetupProblem,
  defaultSetup, pipelineOf, readSetupGrid, repairSetup, setupToGrid, validateSetup,
} from '../core/setup';
import { TimeZoneClock } from '../core/time';
import { isBlank, isDate, normalizeLabel } from '../core/values';
import { builtSheetIds } from './built';
import { callEnv } from './env';

/** Rows reserved for the setup: the named range never changes size, so formulas never need re-pointing. */
export const SETUP_ROWS = 400;
export const SETUP_COLS = 7;

/** Text a person typed, written so Sheets keeps it as text: a leading =, +, - or @ would start a formula. */
export function asCellText(s: string): string {
  return /^[=+\-@]/.test(s) ? `'${s}` : s;
}

const BUSY = 'Someone else is saving the LeadFlow setup of this spreadsheet right now; try again in a moment.';

const PREVIEW_ROWS = 5;
/**
 * Lead rows the sidebar gets to compute live counts on its own. Up to this many it has every row
 * and its counts are exact; beyond it gets an evenly spaced sample and asks leadflowCheckSetup for
 * the exact figures once the user pauses.
 */
export const SAMPLE_LIMIT = 2000;

export interface StatusCount {
  status: string;
  count: number;
  /** The stage or exit it resolves to under the setup being edited, or null when it matches none. */
  resolvesTo: string | null;
}

/** A cell as the sidebar gets it: google.script.run cannot carry Dates, so dates travel as wall-time text. */
export type SampleCell = string | number | boolean;

export interface SetupState {
  setup: Setup;
  /** Whether a setup sheet exists (false: `setup` is a proposal from the headers). */
  saved: boolean;
  /** Problems of the saved setup (a hand edit may have broken it): the sidebar shows them and offers to repair. */
  problems: SetupProblem[];
  /** Date columns of the leads sheet that a spreadsheet read in the wrong day order (see dayorder.ts). */
  dayOrder: DayOrderMix[];
  sheets: string[];
  headers: string[];
  preview: string[][];
  /** Lead rows below the header row (blank rows not counted). */
  rowCount: number;
  /** Lead rows for client-side counts: all of them up to SAMPLE_LIMIT, else an evenly spaced sample. */
  sample: SampleCell[][];
  sampled: boolean;
  /** "Now" as wall time in the spreadsheet's time zone (for "within the last N days" rules). */
  now: number;
  timeZone: string;
  /** Statuses of the whole sheet in setup.columns.status, most frequent first. */
  statuses: StatusCount[];
  /** After a repair: what it changed. */
  fixes?: string[];
}

export interface SetupCheck {
  problems: SetupProblem[];
  statuses: StatusCount[];
  /** Leads each rule matches, in rule order. */
  ruleMatches: number[];
  counts: { leads: number; mql: number; sql: number; hot: number; warm: number; cold: number };
}

interface SavedSetup {
  grid: unknown[][];
  /** Whether the named range the formulas use exists (the sheet may be there without it). */
  named: boolean;
}

/**
 * The sheet that holds the setup: the one the named range is on, else one whose first cell says
 * "LeadFlow setup". A sheet of the user's that merely has that name is not it, and is never written.
 */
export function findSetupSheet(
  ss: GoogleAppsScript.Spreadsheet.Spreadsheet = SpreadsheetApp.getActiveSpreadsheet(),
  known?: { named: GoogleAppsScript.Spreadsheet.Range | null; sheets: GoogleAppsScript.Spreadsheet.Sheet[] },
): GoogleAppsScript.Spreadsheet.Sheet | undefined {
  const range = known ? known.named : ss.getRangeByName(SETUP_RANGE_NAME);
  if (range) return range.getSheet();
  const marker = normalizeLabel(SETUP_MARKER);
  return (known ? known.sheets : ss.getSheets()).filter((sh) => /^leadflow setup/i.test(sh.getName()) && normalizeLabel(sh.getRange(1, 1).getValue()) === marker)[0];
}

function readSetupSheet(): SavedSetup | undefined {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const range = ss.getRangeByName(SETUP_RANGE_NAME);
  if (range) return { grid: range.getValues(), named: true };
  const sheet = findSetupSheet(ss);
  return sheet ? { grid: sheet.getDataRange().getValues(), named: false } : undefined;
}

interface LeadsData {
  headers: string[];
  rows: unknown[][];
}

function readLeads(sheetName: string, headerRow: number): LeadsData {
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName(sheetName);
  const setupSheet = findSetupSheet();
  if (!sheet) throw new LeadFlowError(`There is no sheet named "${clip(sheetName)}"; choose the sheet that holds your leads.`);
  if (setupSheet && setupSheet.getName() === sheetName) throw new LeadFlowError(`"${clip(sheetName)}" holds the LeadFlow setup itself; choose the sheet that holds your leads.`);
  const all = sheet.getDataRange().getValues();
  const headers = (all[headerRow - 1] ?? []).map((h) => String(h ?? '').trim());
  return { headers, rows: all.slice(headerRow).filter((r) => !r.every(isBlank)) };
}

/** readLeads, with a missing sheet as a problem at the field that names it. */
function tryReadLeads(draft: Partial<Setup> | undefined): { data?: LeadsData; problem?: SetupProblem } {
  const sheet = typeof draft?.leads?.sheet === 'string' ? draft.leads.sheet : '';
  const headerRow = Number.isInteger(draft?.leads?.headerRow) && (draft?.leads?.headerRow as number) >= 1 ? (draft?.leads?.headerRow as number) : 1;
  try {
    return { data: readLeads(sheet, headerRow) };
  } catch (e) {
    if (!(e instanceof LeadFlowError)) throw e;
    return { problem: { field: 'leads.sheet', message: e.message } };
  }
}

/** A request's field that is not what it must be: said with its name. */
const refuse = (field: string, what: string, v: unknown) => new LeadFlowError(`${field} must be ${what}, not ${show(v)}.`);

function requestSheetName(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw refuse('sheetName', 'the name of a sheet', v);
  return v;
}

function requestHeaderRow(v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 1e7) throw refuse('headerRow', 'a row number (1 or more)', v);
  return v as number;
}

/** The setup a sidebar call sends, or a problem saying it sent none. */
function requestSetup(request: unknown): { draft?: Setup; problem?: SetupProblem } {
  const draft = request && typeof request === 'object' ? (request as { setup?: unknown }).setup : undefined;
  if (!draft || typeof draft !== 'object' || Array.isArray(draft)) return { problem: { field: 'setup', message: `Expected a setup, but got ${show(draft)}.` } };
  return { draft: draft as Setup };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A date cell as wall-time text in the spreadsheet's zone ("2026-03-31 23:30:00"), which LeadFlow reads back as the same wall time. */
function wallText(d: Date, clock: TimeZoneClock): string {
  const w = new Date(clock.toWall(d.getTime()));
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}

function sampleCell(v: unknown, clock: TimeZoneClock): SampleCell {
  if (isDate(v)) return Number.isNaN(v.getTime()) ? '' : wallText(v, clock);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v ?? '');
}

function previewCell(v: unknown, clock: TimeZoneClock): string {
  if (!isDate(v)) return String(v ?? '');
  const text = wallText(v, clock);
  return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text.slice(0, 16);
}

function sampleOf(rows: unknown[][], clock: TimeZoneClock): { sample: SampleCell[][]; sampled: boolean } {
  const sampled = rows.length > SAMPLE_LIMIT;
  const picked = sampled ? Array.from({ length: SAMPLE_LIMIT }, (_, i) => rows[Math.floor((i * rows.length) / SAMPLE_LIMIT)]) : rows;
  return { sample: picked.map((r) => r.map((c) => sampleCell(c, clock))), sampled };
}

function statusCounts(setup: Partial<Setup>, data: LeadsData): StatusCount[] {
  const col = data.headers.indexOf(setup.columns?.status ?? '');
  if (col < 0 || !setup.columns?.status) return [];
  let pipeline: Pipeline | undefined;
  try {
    pipeline = new Pipeline(pipelineOf(setup as Setup));
  } catch {
    pipeline = undefined;
  }
  const counts = new Map<string, number>();
  for (const r of data.rows) {
    const v = r[col];
    if (isBlank(v)) continue;
    const s = String(v).trim();
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([status, count]) => {
    const res = pipeline?.resolve(status);
    const resolvesTo = !res ? null : res.exit >= 0 ? (setup.exits as Setup['exits'])[res.exit].name : (setup.stages as Setup['stages'])[res.stage].name;
    return { status, count, resolvesTo };
  });
}

function leadSheets(): string[] {
  const setupSheet = findSetupSheet();
  const setupName = setupSheet ? setupSheet.getName() : '';
  return SpreadsheetApp.getActiveSpreadsheet().getSheets().map((s) => s.getName()).filter((n) => n !== setupName);
}

/** The sheet the sidebar opens on: one named like leads, else the active sheet, else the first; never a sheet LeadFlow built. */
function firstLeadsLikeSheet(sheets: string[]): string {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const built = builtSheetIds();
  const builtNames = new Set(ss.getSheets().filter((s) => built[String(s.getSheetId())]).map((s) => s.getName()));
  const own = sheets.filter((s) => !builtNames.has(s));
  const active = ss.getActiveSheet().getName();
  return own.find((s) => /lead/i.test(s)) ?? (own.includes(active) ? active : own[0] ?? sheets[0] ?? active);
}

const sameProblem = (a: SetupProblem, b: SetupProblem) => a.field === b.field && a.message === b.message;

/**
 * What the sidebar opens with: the saved setup (or, for a sheet not set up yet, the default one
 * with no columns: the sidebar proposes them from the headers and the sample), the problems of the
 * saved setup, the sheet's headers, first rows, statuses, a sample of rows for live counts, and
 * date columns read in the wrong day order. With sheetName or headerRow, it reads another sheet or
 * header row, whose columns the sidebar proposes again (the rest of the setup is
 * the sidebar's to keep).
 */
export function leadflowSetupState(request?: { sheetName?: string; headerRow?: number }): SetupState {
  const saved = readSetupSheet();
  const sheets = leadSheets();
  let draft: Setup | undefined;
  const problems: SetupProblem[] = [];
  if (saved) {
    const read = readSetupGrid(saved.grid);
    draft = read.setup;
    problems.push(...read.problems);
    if (!saved.named) problems.push({ field: 'setup', message: `The named range ${SETUP_RANGE_NAME} is missing, so formulas that use it cannot find the setup.` });
    if (draft) {
      const { data, problem } = tryReadLeads(draft);
      if (problem) problems.push(problem);
      for (const p of validateSetup(draft, data?.headers).problems) if (!problems.some((q) => sameProblem(p, q))) problems.push(p);
    }
  }
  const draftSheetOk = !!draft && sheets.includes(draft.leads.sheet);
  const asked = request && typeof request === 'object' ? request : {};
  const sheetName = asked.sheetName !== undefined ? requestSheetName(asked.sheetName) : draftSheetOk ? draft!.leads.sheet : firstLeadsLikeSheet(sheets);
  const headerRow = asked.headerRow !== undefined ? requestHeaderRow(asked.headerRow) : draft && draft.leads.sheet === sheetName && Number.isInteger(draft.leads.headerRow) && draft.leads.headerRow >= 1 ? draft.leads.headerRow : 1;
  const data = readLeads(sheetName, headerRow);
  const setup = draft ?? defaultSetup(sheetName);
  const sameSheet = setup.leads.sheet === sheetName && setup.leads.headerRow === headerRow;
  // Another sheet's columns are not this one's: the sidebar proposes them from its headers and sample.
  if (!draft || !sameSheet) setup.columns = defaultSetup(sheetName).columns;
  setup.leads = { sheet: sheetName, headerRow };
  const env = callEnv();
  return {
    setup,
    saved: !!saved,
    problems,
    dayOrder: findDayOrderMix(data.headers, data.rows, env.clock),
    sheets,
    headers: data.headers,
    preview: data.rows.slice(0, PREVIEW_ROWS).map((r) => r.map((c) => previewCell(c, env.clock))),
    rowCount: data.rows.length,
    ...sampleOf(data.rows, env.clock),
    now: env.now,
    timeZone: env.timeZone,
    statuses: statusCounts(setup, data),
  };
}

/** Validation and exact live counts for a setup being edited, over every row (nothing is written). */
export function leadflowCheckSetup(request: { setup: unknown }): SetupCheck {
  const counts = { leads: 0, mql: 0, sql: 0, hot: 0, warm: 0, cold: 0 };
  const asked = requestSetup(request);
  if (!asked.draft) return { problems: [asked.problem!], statuses: [], ruleMatches: [], counts };
  const draft = asked.draft;
  const ruleMatches = new Array<number>(Array.isArray(draft.scoring?.rules) ? draft.scoring.rules.length : 0).fill(0);
  const { data, problem } = tryReadLeads(draft);
  if (!data) return { problems: [problem!], statuses: [], ruleMatches, counts };
  const { setup, problems } = validateSetup(draft, data.headers);
  if (!setup) return { problems, statuses: safeStatusCounts(draft, data), ruleMatches, counts };
  const env = callEnv();
  const { scorer } = compileScorer(setup, data.headers, env.clock, env.now);
  for (const row of data.rows) {
    const s = scorer.score(row);
    counts.leads++;
    for (const i of s.fired) ruleMatches[i]++;
    const q = scorer.qualification(s);
    if (q === 'SQL') counts.sql++;
    if (q === 'MQL' || q === 'SQL') counts.mql++;
    counts[scorer.temperature(s).toLowerCase() as 'hot' | 'warm' | 'cold']++;
  }
  return { problems, statuses: statusCounts(setup, data), ruleMatches, counts };
}

function safeStatusCounts(draft: Setup, data: LeadsData): StatusCount[] {
  try {
    return statusCounts(draft, data);
  } catch {
    return [];
  }
}

export type SaveResult = { ok: true; savedAt: number } | { ok: false; problems: SetupProblem[] };

/**
 * Validates everything, then writes the setup sheet and its named range in one step, under the
 * document lock. Nothing is written when anything is wrong.
 */
export function leadflowSaveSetup(request: { setup: unknown }): SaveResult {
  const asked = requestSetup(request);
  if (!asked.draft) return { ok: false, problems: [asked.problem!] };
  const draft = asked.draft;
  const setupSheet = findSetupSheet();
  if (setupSheet && draft?.leads?.sheet === setupSheet.getName()) return { ok: false, problems: [{ field: 'leads.sheet', message: `"${SETUP_SHEET}" holds the setup itself; choose the sheet that holds your leads.` }] };
  const { data, problem } = tryReadLeads(draft);
  if (!data) return { ok: false, problems: [problem!] };
  const { setup, problems } = validateSetup(draft, data.headers);
  if (!setup) return { ok: false, problems };
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(20_000)) return { ok: false, problems: [{ field: 'setup', message: BUSY }] };
  try {
    writeSetupSheet(setup);
  } finally {
    lock.releaseLock();
  }
  return { ok: true, savedAt: Date.now() };
}

/** The setup sheet's whole block, in one write: the setup's rows, then blanks to the block's end. */
export function writeSetupSheet(setup: Setup): void {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const rows = setupToGrid(setup).map((r) => r.map(asCellText));
  if (rows.length > SETUP_ROWS) throw new LeadFlowError(`The setup has ${rows.length} rows; LeadFlow keeps at most ${SETUP_ROWS}. Remove some rules or aliases.`);
  while (rows.length < SETUP_ROWS) rows.push(new Array(SETUP_COLS).fill(''));
  let sheet = findSetupSheet(ss);
  const created = !sheet;
  // A sheet of the user's with the setup sheet's name keeps its cells: the setup takes a free name.
  if (!sheet) sheet = ss.insertSheet(freeName(ss, SETUP_SHEET));
  const block = sheet.getRange(1, 1, SETUP_ROWS, SETUP_COLS);
  block.setValues(rows);
  if (created) {
    sheet.getRange(1, 1, 2, SETUP_COLS).setFontWeight('bold');
    sheet.setFrozenRows(2);
    sheet.hideSheet();
  }
  ss.setNamedRange(SETUP_RANGE_NAME, block);
}

/**
 * Rewrites a setup sheet a hand edit broke, keeping all that still makes sense (core repairSetup:
 * rows that do not read, aliases claimed twice, rules on missing columns... are dropped) and
 * re-creating the named range. The sidebar asks the user before calling this.
 */
export function leadflowRepairSetup(): SetupState {
  const saved = readSetupSheet();
  const sheets = leadSheets();
  let draft = saved ? readSetupGrid(saved.grid).setup : undefined;
  const fixes: string[] = [];
  if (draft && !sheets.includes(draft.leads?.sheet)) {
    const sheetName = firstLeadsLikeSheet(sheets);
    fixes.push(`The leads sheet "${clip(draft.leads?.sheet)}" is gone; using "${clip(sheetName)}": choose its columns again.`);
    draft = { ...draft, leads: { sheet: sheetName, headerRow: 1 }, columns: defaultSetup(sheetName).columns };
  }
  if (!draft) {
    const sheetName = firstLeadsLikeSheet(sheets);
    draft = defaultSetup(sheetName);
    fixes.push('The setup could not be read at all; started from the default pipeline. Choose the columns again.');
  }
  const headers = tryReadLeads(draft).data?.headers;
  const repaired = repairSetup(draft, headers);
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(20_000)) throw new LeadFlowError(BUSY);
  try {
    writeSetupSheet(repaired.setup);
  } finally {
    lock.releaseLock();
  }
  return { ...leadflowSetupState(), fixes: [...fixes, ...repaired.fixes] };
}

/** A sheet name not taken yet: the name itself, then "name (2)", "name (3)"... */
function freeName(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, base: string): string {
  let name = base;
  for (let n = 2; ss.getSheetByName(name); n++) name = `${base} (${n})`;
  return name;
}

export interface DayOrderRepair {
  /** Cells rewritten in the leads sheet. */
  changed: number;
  /** The sheet that keeps the column as it was. */
  keptIn: string;
}

/**
 * Rewrites a date column a spreadsheet read in the wrong day order (the sidebar offers it and asks
 * first). The column as it was goes to a new sheet first, then each date cell gets its day and
 * month swapped back and each day-first text date becomes a date. Nothing is written unless the
 * column still shows the mix.
 */
export function leadflowRepairDayOrder(request: { sheetName: string; headerRow?: number; column: number }): DayOrderRepair {
  const asked = request && typeof request === 'object' ? request : ({} as Partial<typeof request>);
  const sheetName = requestSheetName(asked.sheetName);
  const headerRow = asked.headerRow === undefined || asked.headerRow === null ? 1 : requestHeaderRow(asked.headerRow);
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const sheet = ss.getSheetByName(sheetName);
  if (!sheet) throw new LeadFlowError(`There is no sheet named "${clip(sheetName)}"; open the setup again.`);
  const env = callEnv();
  const last = sheet.getLastRow();
  if (last <= headerRow) throw new LeadFlowError(`"${clip(sheetName)}" has no rows under its header row (row ${headerRow}).`);
  const width = sheet.getLastColumn();
  if (!Number.isInteger(asked.column) || asked.column < 0 || asked.column >= width) throw refuse('column', `a column of "${clip(sheetName)}" (0 for A, up to ${width - 1})`, asked.column);
  const col = asked.column + 1;
  const header = String(sheet.getRange(headerRow, col).getValue());
  const range = sheet.getRange(headerRow + 1, col, last - headerRow, 1);
  const cells = range.getValues();
  const mix = findDayOrderMix([header], cells, env.clock)[0];
  if (!mix) throw new LeadFlowError(`Column "${clip(header)}" no longer mixes date cells with day-first text dates; nothing was changed. Open the setup again.`);
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(20_000)) throw new LeadFlowError('Someone else is changing this spreadsheet through LeadFlow right now; try again in a moment.');
  try {
    const keptIn = freeName(ss, `${header.slice(0, 80)} as imported`);
    const copy = ss.insertSheet(keptIn);
    copy.getRange(1, 1, cells.length + 1, 1).setValues([[header], ...cells]);
    const formats = range.getNumberFormats();
    copy.getRange(2, 1, cells.length, 1).setNumberFormats(formats);
    const dateFormat = formats.map((f, i) => (isDate(cells[i][0]) ? f[0] : '')).filter((f) => f && /[dmy]/i.test(f))[0] || 'yyyy-mm-dd';
    const changed = repairDayOrderMix(cells, 0, env.clock);
    range.setValues(cells);
    range.setNumberFormat(dateFormat);
    // Inserting the copy made it the active sheet: the leads sheet is what the user was working on.
    ss.setActiveSheet(sheet);
    return { changed, keptIn };
  } finally {
    lock.releaseLock();
  }
}
