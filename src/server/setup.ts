/**
 * The setup, server side: what the sidebar reads to start from, checks as the user edits, and
 * saves. The setup lives in a hidden sheet of the spreadsheet (so "Make a copy" carries it) under
 * a fixed-size named range, LeadFlowSetup, that formulas take as an argument: when the setup
 * changes, every formula reading it recalculates.
 */
import { guessColumns } from '../core/columns';
import { LeadFlowError } from '../core/errors';
import { Pipeline } from '../core/pipeline';
import { compileScorer, SCORING_PRESETS, ScoringPreset } from '../core/scoring';
import {
  COLUMN_FIELDS, ColumnField, OPERATORS, SETUP_RANGE_NAME, SETUP_SHEET, Setup, SetupProblem,
  defaultSetup, isSetupGrid, pipelineOf, setupFromGrid, setupToGrid, validateSetup,
} from '../core/setup';
import { isBlank, isDate } from '../core/values';
import { callEnv } from './env';

/** Rows reserved for the setup: the named range never changes size, so formulas never need re-pointing. */
export const SETUP_ROWS = 400;
export const SETUP_COLS = 7;

/** Text a person typed, written so Sheets keeps it as text: a leading =, +, - or @ would start a formula. */
export function asCellText(s: string): string {
  return /^[=+\-@]/.test(s) ? `'${s}` : s;
}

const PREVIEW_ROWS = 5;

export interface StatusCount {
  status: string;
  count: number;
  /** The stage or exit it resolves to under the setup being edited, or null when it matches none. */
  resolvesTo: string | null;
}

export interface SetupState {
  setup: Setup;
  /** Whether a setup sheet exists (false: `setup` is a proposal from the headers). */
  saved: boolean;
  /** Problems of the saved setup sheet (a hand edit may have broken it): the sidebar offers to repair. */
  problems: SetupProblem[];
  sheets: string[];
  headers: string[];
  preview: string[][];
  rowCount: number;
  statuses: StatusCount[];
  presets: ScoringPreset[];
  operators: Record<string, string>;
  columnFields: Record<string, string>;
}

export interface SetupCheck {
  problems: SetupProblem[];
  statuses: StatusCount[];
  /** Leads each rule matches, in rule order. */
  ruleMatches: number[];
  counts: { leads: number; mql: number; sql: number; hot: number; warm: number; cold: number };
}

function readSetupSheet(): { grid: unknown[][] } | undefined {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const range = ss.getRangeByName(SETUP_RANGE_NAME);
  if (range) return { grid: range.getValues() };
  const sheet = ss.getSheetByName(SETUP_SHEET);
  return sheet ? { grid: sheet.getDataRange().getValues() } : undefined;
}

interface LeadsData {
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
  headers: string[];
  rows: unknown[][];
}

function readLeads(sheetName: string, headerRow: number): LeadsData {
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName(sheetName);
  if (!sheet) throw new LeadFlowError(`There is no sheet named "${sheetName}"; choose the sheet that holds your leads.`);
  const all = sheet.getDataRange().getValues();
  const headers = (all[headerRow - 1] ?? []).map((h) => String(h ?? '').trim());
  return { sheet, headers, rows: all.slice(headerRow) };
}

const asText = (v: unknown): string => (isDate(v) ? v.toISOString().slice(0, 10) : String(v ?? ''));

/** A first setup for a sheet nobody set up yet: default pipeline, columns guessed from the headers. */
export function proposeSetup(sheetName: string, headers: string[]): Setup {
  const setup = defaultSetup(sheetName);
  const guess = guessColumns(headers);
  for (const field of Object.keys(COLUMN_FIELDS) as ColumnField[]) {
    const i = guess[field as keyof typeof guess];
    if (i !== undefined && i >= 0) setup.columns[field] = headers[i];
  }
  return setup;
}

function statusCounts(setup: Setup, data: LeadsData): StatusCount[] {
  const col = data.headers.indexOf(setup.columns.status);
  if (col < 0) return [];
  let pipeline: Pipeline | undefined;
  try {
    pipeline = new Pipeline(pipelineOf(setup));
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
    const resolvesTo = !res ? null : res.exit >= 0 ? setup.exits[res.exit].name : setup.stages[res.stage].name;
    return { status, count, resolvesTo };
  });
}

/** What the sidebar opens with: the saved setup (or a proposal), the sheet's headers, first rows and statuses. */
export function leadflowSetupState(request?: { sheetName?: string }): SetupState {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const saved = readSetupSheet();
  let setup: Setup | undefined;
  let problems: SetupProblem[] = [];
  if (saved) {
    const parsed = setupFromGrid(saved.grid);
    setup = parsed.setup;
    problems = parsed.problems;
  }
  const sheets = ss.getSheets().map((s) => s.getName()).filter((n) => n !== SETUP_SHEET);
  const sheetName = request?.sheetName ?? setup?.leads.sheet ?? firstLeadsLikeSheet(sheets);
  const headerRow = setup && setup.leads.sheet === sheetName ? setup.leads.headerRow : 1;
  const data = readLeads(sheetName, headerRow);
  if (!setup || request?.sheetName) setup = { ...(setup ?? proposeSetup(sheetName, data.headers)), leads: { sheet: sheetName, headerRow } };
  if (!saved || request?.sheetName) {
    const proposed = proposeSetup(sheetName, data.headers);
    setup.columns = { ...proposed.columns, stageDates: {} };
  }
  return {
    setup,
    saved: !!saved,
    problems,
    sheets,
    headers: data.headers,
    preview: data.rows.slice(0, PREVIEW_ROWS).map((r) => r.map(asText)),
    rowCount: data.rows.length,
    statuses: statusCounts(setup, data),
    presets: SCORING_PRESETS,
    operators: { ...OPERATORS },
    columnFields: { ...COLUMN_FIELDS },
  };
}

function firstLeadsLikeSheet(sheets: string[]): string {
  return sheets.find((s) => /lead/i.test(s)) ?? SpreadsheetApp.getActiveSpreadsheet().getActiveSheet().getName();
}

/** Validation and live counts for a setup being edited (nothing is written). */
export function leadflowCheckSetup(request: { setup: unknown }): SetupCheck {
  const draft = request?.setup as Setup;
  const data = readLeads(draft?.leads?.sheet ?? '', draft?.leads?.headerRow ?? 1);
  const { setup, problems } = validateSetup(draft, data.headers);
  const counts = { leads: 0, mql: 0, sql: 0, hot: 0, warm: 0, cold: 0 };
  const ruleMatches = new Array<number>(draft?.scoring?.rules?.length ?? 0).fill(0);
  if (!setup) return { problems, statuses: safeStatusCounts(draft, data), ruleMatches, counts };
  const env = callEnv();
  const { scorer } = compileScorer(setup, data.headers, env.clock, env.now);
  for (const row of data.rows) {
    if (row.every(isBlank)) continue;
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

/**
 * Validates everything, then writes the setup sheet and its named range in one step, under the
 * document lock. Nothing is written when anything is wrong.
 */
export function leadflowSaveSetup(request: { setup: unknown }): { ok: true } | { ok: false; problems: SetupProblem[] } {
  const draft = request?.setup as Setup;
  const data = readLeads(draft?.leads?.sheet ?? '', draft?.leads?.headerRow ?? 1);
  const { setup, problems } = validateSetup(draft, data.headers);
  if (!setup) return { ok: false, problems };
  const lock = LockService.getDocumentLock();
  lock.waitLock(20_000);
  try {
    writeSetupSheet(setup);
  } finally {
    lock.releaseLock();
  }
  return { ok: true };
}

/** The setup sheet's whole block, in one write: the setup's rows, then blanks to the block's end. */
export function writeSetupSheet(setup: Setup): void {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const rows = setupToGrid(setup).map((r) => r.map(asCellText));
  if (rows.length > SETUP_ROWS) throw new LeadFlowError(`The setup has ${rows.length} rows; LeadFlow keeps at most ${SETUP_ROWS}. Remove some rules.`);
  while (rows.length < SETUP_ROWS) rows.push(new Array(SETUP_COLS).fill(''));
  let sheet = ss.getSheetByName(SETUP_SHEET);
  const created = !sheet;
  if (!sheet) sheet = ss.insertSheet(SETUP_SHEET);
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
 * Rewrites a setup sheet a hand edit broke: rows that still read are kept, rows that do not are
 * dropped, and if what remains is still not valid the setup starts over from a proposal for the
 * leads sheet. The sidebar asks the user before calling this.
 */
export function leadflowRepairSetup(): SetupState {
  const saved = readSetupSheet();
  const kept = saved && isSetupGrid(saved.grid) ? setupFromGrid(saved.grid, undefined, { lenient: true }).setup : undefined;
  const sheets = SpreadsheetApp.getActiveSpreadsheet().getSheets().map((s) => s.getName()).filter((n) => n !== SETUP_SHEET);
  let repaired = kept;
  if (repaired) {
    const data = readLeads(repaired.leads.sheet, repaired.leads.headerRow);
    if (!validateSetup(repaired, data.headers).setup) repaired = undefined;
  }
  if (!repaired) {
    const sheetName = firstLeadsLikeSheet(sheets);
    repaired = proposeSetup(sheetName, readLeads(sheetName, 1).headers);
  }
  writeSetupSheet(repaired);
  return leadflowSetupState();
}
