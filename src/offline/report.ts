/**
 * `leadflow report`: the add-on's build actions on a CRM export, without Google. The export is
 * read as Sheets would show it (each column's day order and number style worked out from its
 * values), LeadFlow proposes the setup it would use (or takes --setup and --map), says what it
 * understood, guesses first, then plans each sheet with src/core/report and writes the workbook:
 * the built sheets (formulas with their values, counted by src/core), the leads, the setup.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { findDayOrderMix, repairDayOrderMix } from '../core/dayorder';
import { LaterExit, Pick, Proposal, describePick, marksMostOpen, proposeSetup } from '../core/detect';
import { BuildData, Kind, NO_LAST_ACTIVITY_NOTE, NO_VALUE_NOTE, Plan, UNCONFIRMED_NOTE, planBuild } from '../core/report';
import { Pipeline } from '../core/pipeline';
import { COLUMN_FIELDS, ColumnField, SETUP_SHEET, Setup, pipelineOf, setupToGrid, validateSetup } from '../core/setup';
import { timeZoneClock, wallToSerial } from '../core/time';
import { clip, showList } from '../core/errors';
import { columnLetter, isBlank, isDate, normalizeLabel } from '../core/values';
import { isFlagSet } from '../core/evidence';
import { LeadsFileError, LeadsTable, readLeadsFile } from './files/index.ts';
import { fileLabel } from './files/read.ts';
import { writeReportXlsx } from './files/report-writer.ts';
import { assertTimeZone } from './host/timezone.ts';

export const ACTIONS = ['funnel', 'flow', 'checklist', 'all'] as const;
export type Action = (typeof ACTIONS)[number];
export const DATE_ORDERS = ['dmy', 'mdy', 'ymd'] as const;
export type DateOrderOption = (typeof DATE_ORDERS)[number];

export interface ReadOptions {
  input: string;
  timeZone?: string;
  dateOrder?: DateOrderOption;
  /** --locale: the locale to fall back on for numbers and dates a column does not settle (en_US, fr_FR, de_DE...). */
  locale?: string;
  /** --setup: a setup file, complete or partial (what it leaves out is proposed as without one). */
  setupPath?: string;
  /** --map: role → header, overriding one guess each. */
  map?: Record<string, string>;
  /** Where progress lines go (stderr by default); null for none. */
  progress?: ((line: string) => void) | null;
  /** The sheets the run builds: a missing column is said only when one of them needs it (all sheets when left out). */
  sheets?: Kind[];
}

export interface ReportOptions extends ReadOptions {
  out: string;
  action: Action;
  force?: boolean;
  /** Where the summary of what LeadFlow understood goes (stdout by default); null for none. */
  report?: ((line: string) => void) | null;
}

export class ReportError extends Error {}

export const DEFAULT_TIME_ZONE = 'America/New_York';
/** The report reads past Sheets' 10 million cells: an xlsx sheet holds 1,048,576 rows. */
export const REPORT_MAX_CELLS = 60_000_000;
const XLSX_MAX_LEADS = 1_048_575;
const XLSX_CELL_TEXT = 32_767;
const INPUT_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.xlsm'];

/** What LeadFlow made of an export: the table, the setup it will use, and the lines that say so. */
export interface Understood {
  table: LeadsTable;
  sheetName: string;
  setup: Setup;
  /** False when the setup holds guesses nobody confirmed (no --setup). */
  saved: boolean;
  proposal: Proposal;
  lines: string[];
  timeZone: string;
  /** Columns whose cells were dates: they now hold serial numbers. */
  dateColumns: number[];
  /** Cells longer than an xlsx cell holds (the written workbook keeps the first 32,767 characters). */
  longCells: number;
}

/**
 * How fast each step goes on a 2-core machine (npm run bench measures them): the basis of the
 * estimate each progress line gives, so a person with a million leads knows to wait a minute.
 */
const RATES = {
  csvBytes: 20e6,
  xlsxBytes: 4e6,
  planLeads: { funnel: 400_000, flow: 300_000, checklist: 250_000 } as Record<Kind, number>,
  writeCells: 1.5e6,
};

const seconds = (s: number) => (s < 1 ? 'under a second' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);
const about = (s: number) => (s < 1 ? 'under a second' : `about ${seconds(s)}`);
const megabytes = (bytes: number) => (bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`);

const say = (sink: ((l: string) => void) | null | undefined, fallback: (l: string) => void) => (sink === null ? () => {} : sink ?? fallback);
const count = (n: number) => n.toLocaleString('en-US');
const pct = (n: number, of: number) => (of ? `${(Math.round((n / of) * 1000) / 10).toLocaleString('en-US')}%` : '0%');

/** The leads sheet's name: the xlsx sheet's own, or "Leads" for a CSV; never the setup sheet's. */
function leadsSheetName(table: LeadsTable, input: string): string {
  const name = /\.xlsx?m?$/i.test(input) && table.sheetName ? table.sheetName : 'Leads';
  return name.toLowerCase() === SETUP_SHEET.toLowerCase() ? `${name} (leads)` : name;
}

/** A column field from what a person typed after --map: "status", "Arrival date", "removedAt". */
export function fieldOf(role: string): ColumnField | undefined {
  const key = role.trim().toLowerCase().replace(/[\s_-]+/g, '');
  return (Object.keys(COLUMN_FIELDS) as ColumnField[]).find((f) => f.toLowerCase() === key || COLUMN_FIELDS[f].toLowerCase().replace(/[\s/_-]+/g, '') === key);
}

/** Reads the export and works out the setup, without writing anything. */
export async function understand(opts: ReadOptions): Promise<Understood> {
  const progress = say(opts.progress, (l) => process.stderr.write(`${l}\n`));
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new ReportError(`--time-zone "${clip(opts.timeZone)}" is not a time zone; expected an IANA name such as Europe/Paris or America/New_York.`);
  }
  const input = fileLabel(opts.input);
  const file = clip(basename(opts.input), 60);
  if (!INPUT_EXTENSIONS.includes(extname(opts.input).toLowerCase())) {
    throw new ReportError(`${input}: expected a CSV (.csv, .tsv, .txt) or Excel workbook (.xlsx) export of your leads.`);
  }
  if (opts.dateOrder && !(DATE_ORDERS as readonly string[]).includes(opts.dateOrder)) {
    throw new ReportError(`--date-order must be one of ${DATE_ORDERS.join(', ')} (day first, month first, year first), not "${clip(opts.dateOrder)}".`);
  }
  const started = Date.now();
  // A file that is not there is said by the reader, without a size line before it.
  const stat = statSync(opts.input, { throwIfNoEntry: false });
  const size = stat?.size ?? 0;
  if (stat?.isFile()) progress(`Reading ${file} (${megabytes(size)}; ${about(size / (/\.xlsx?m?$/i.test(opts.input) ? RATES.xlsxBytes : RATES.csvBytes))})…`);
  let table: LeadsTable;
  try {
    // Past what one Google spreadsheet holds (10 million cells) is fine here, up to Excel's rows.
    table = await readLeadsFile(opts.input, { timeZone, dateOrder: opts.dateOrder, locale: opts.locale, maxCells: REPORT_MAX_CELLS });
  } catch (e) {
    if (e instanceof RangeError && opts.locale) throw new ReportError(`--locale "${clip(opts.locale)}" is not a locale; expected a name such as en_US, en_GB, fr_FR or de_DE.`);
    throw e;
  }
  if (table.rows.length < 2) throw new ReportError(`${input} has a header row but no leads under it; there is nothing to report.`);
  if (table.rows.length - 1 > XLSX_MAX_LEADS) {
    throw new ReportError(`${input} has ${count(table.rows.length - 1)} leads; an .xlsx sheet holds at most ${count(XLSX_MAX_LEADS)}. Split the export into files of at most that many rows.`);
  }
  const headers = table.rows[0].map((h) => String(h ?? '').trim());
  const rows = table.rows.slice(1);
  progress(`  ${count(rows.length)} row${rows.length === 1 ? '' : 's'}, ${headers.length} column${headers.length === 1 ? '' : 's'}, read in ${seconds((Date.now() - started) / 1000)}`);
  const clock = timeZoneClock(timeZone);
  const lines: string[] = [];

  // A column a spreadsheet read in the other day order (an xlsx saved after such an import).
  if (!opts.dateOrder || opts.dateOrder === 'dmy') {
    for (const mix of findDayOrderMix(headers, rows, clock)) {
      const changed = repairDayOrderMix(rows, mix.column, clock);
      lines.push(`Dates: column ${columnLetter(mix.column)} "${mix.header}" mixed ${count(mix.dateCells)} date cells with ${count(mix.dayFirstText)} text dates written day first (such as 20/10/2017): ` +
        `the date cells were read month first by the spreadsheet that saved this file. LeadFlow read the whole column day first, changing ${count(changed)} cells. Give --date-order mdy if the date cells were right.`);
    }
  }

  // Cells longer than an xlsx cell holds are said, not cut silently.
  const long = new Map<number, number>();
  for (const row of rows) for (let c = 0; c < row.length; c++) if (typeof row[c] === 'string' && (row[c] as string).length > XLSX_CELL_TEXT) long.set(c, (long.get(c) ?? 0) + 1);
  for (const [c, n] of long) {
    lines.push(`Note: ${count(n)} cell${n === 1 ? '' : 's'} of column ${columnLetter(c)} "${clip(headers[c])}" hold${n === 1 ? 's' : ''} more than ${count(XLSX_CELL_TEXT)} characters, the most an Excel cell holds: the xlsx keeps the first ${count(XLSX_CELL_TEXT)} (Google Sheets holds 50,000).`);
  }
  // Dates become the serial numbers a spreadsheet holds, in place: the planner and the writer read
  // them as the formulas do, and a million Date objects are not kept alive twice.
  const dateColumns = datesToSerials(rows, clock);
  const sheetName = leadsSheetName(table, opts.input);
  const { setup: valid, proposal, partial } = settleSetup(opts, headers, file, sheetName, (map) => proposeSetup(sheetName, headers, rows, { map, dateColumns: new Set(dateColumns) }));
  // How the file was read first (day orders, decimal marks, dropped footers), then the setup.
  lines.unshift(...(table.notes ?? []).map((n) => `Reading: ${n}`));
  lines.push(...describeUnderstanding(headers, proposal, valid, !partial, { sheets: opts.sheets, rows, named: namedEvidence(partial) }));
  let longCells = 0;
  for (const n of long.values()) longCells += n;
  return { table, sheetName, setup: valid, saved: !!partial, proposal, lines, timeZone, dateColumns, longCells };
}

/**
 * The setup a run uses, the same way for every engine and command: --map choices checked against
 * the headers, a --setup file checked part by part, LeadFlow's proposal for what they leave out,
 * and the whole validated against the headers (the first four problems said).
 */
export function settleSetup(opts: ReadOptions, headers: string[], file: string, sheetName: string, propose: (map: Partial<Record<ColumnField, string>>) => Proposal): { setup: Setup; proposal: Proposal; partial?: Partial<Setup> } {
  const map: Partial<Record<ColumnField, string>> = {};
  for (const [role, header] of Object.entries(opts.map ?? {})) {
    const field = fieldOf(role);
    if (!field) throw new ReportError(`--map ${clip(role)}=…: "${clip(role)}" is not a column LeadFlow maps; use one of ${Object.keys(COLUMN_FIELDS).join(', ')}.`);
    if (!headers.some((h) => h.toLowerCase() === header.trim().toLowerCase())) {
      throw new ReportError(`--map ${clip(role)}="${clip(header)}": there is no column "${clip(header)}" in ${file}; its columns are ${showList(headers.map((h) => `"${clip(h, 30)}"`), 12, 34)}. Give one of those.`);
    }
    map[field] = headers.find((h) => h.toLowerCase() === header.trim().toLowerCase())!;
  }
  let partial: Partial<Setup> | undefined;
  const setupFile = opts.setupPath === undefined ? '' : fileLabel(opts.setupPath, 80);
  if (opts.setupPath) {
    partial = readSetupFile(opts.setupPath, setupFile);
    for (const [field, header] of Object.entries(partial.columns ?? {})) if (typeof header === 'string' && header && field in COLUMN_FIELDS && !(field in map)) map[field as ColumnField] = header;
  }
  const proposal = propose(map);
  const setup = partial ? mergeSetup(partial, proposal.setup, sheetName) : proposal.setup;
  const { setup: valid, problems } = validateSetup(setup, headers);
  if (!valid) {
    const shown = problems.slice(0, 4).map((p) => `  ${clip(p.field, 40)}: ${clip(p.message, 160)}`);
    if (problems.length > 4) shown.push(`  and ${problems.length - 4} more`);
    throw new ReportError(`${opts.setupPath ? `--setup ${setupFile}` : 'The setup LeadFlow proposed'} is not a valid LeadFlow setup for ${file}:\n${shown.join('\n')}`);
  }
  return { setup: valid, proposal, partial };
}

const SETUP_PARTS: Record<string, 'object' | 'list' | 'number'> = { version: 'number', leads: 'object', columns: 'object', stages: 'list', exits: 'list', flow: 'object', scoring: 'object' };

/**
 * A --setup file: JSON holding an object whose parts are those of a setup, each of its kind. A
 * part misspelt or of the wrong kind is said, not left out (the proposal would silently stand in).
 */
export function readSetupFile(path: string, shown = fileLabel(path, 80)): Partial<Setup> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(`--setup ${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a JSON file' : code === 'EACCES' ? 'you do not have permission to read it' : 'cannot be read'}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    const at = /position (\d+)/.exec(String((e as Error).message));
    const where = at ? (() => { const before = text.slice(0, Number(at[1])); return ` at line ${before.split('\n').length}, column ${Number(at[1]) - before.lastIndexOf('\n')}`; })() : '';
    throw new ReportError(`--setup ${shown} is not valid JSON${text.trim() === '' ? ' (it is empty)' : where}; expected the JSON "leadflow setup" prints, edited.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ReportError(`--setup ${shown} must hold a JSON object (a LeadFlow setup), not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a text' : `the ${typeof value} ${clip(String(value))}`}.`);
  }
  for (const [key, part] of Object.entries(value)) {
    const kind = Object.prototype.hasOwnProperty.call(SETUP_PARTS, key) ? SETUP_PARTS[key] : undefined;
    if (!kind) throw new ReportError(`--setup ${shown}: "${clip(key)}" is not part of a LeadFlow setup; its parts are ${Object.keys(SETUP_PARTS).join(', ')}.`);
    const is = part === null ? 'null' : Array.isArray(part) ? 'list' : typeof part;
    if (is !== kind) throw new ReportError(`--setup ${shown}: "${key}" must be ${kind === 'list' ? 'a list' : kind === 'object' ? 'an object' : 'a number'} (as "leadflow setup" writes it), not ${is === 'list' || is === 'object' ? `a ${is}` : is === 'null' ? 'null' : `the ${is} ${clip(JSON.stringify(part))}`}.`);
  }
  return value as Partial<Setup>;
}

/** Replaces each Date cell by its serial number in the spreadsheet's time zone; returns the columns that held dates. */
function datesToSerials(rows: unknown[][], clock: ReturnType<typeof timeZoneClock>): number[] {
  const dated = new Set<number>();
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (isDate(v)) {
        row[c] = wallToSerial(clock.toWall(v.getTime()));
        dated.add(c);
      }
    }
  }
  return [...dated];
}

/** A partial setup over the proposal: what the file says wins; lists it gives replace the proposal's. */
export function mergeSetup(partial: Partial<Setup>, proposed: Setup, sheetName: string): Setup {
  const stages = Array.isArray(partial.stages) ? partial.stages : proposed.stages;
  const names = new Set(stages.map((s) => String(s?.name ?? '').toLowerCase()));
  return {
    ...proposed,
    ...partial,
    leads: { ...proposed.leads, ...(partial.leads ?? {}), sheet: partial.leads?.sheet ?? sheetName },
    columns: { ...proposed.columns, ...(partial.columns ?? {}) },
    stages,
    exits: Array.isArray(partial.exits) ? partial.exits : proposed.exits.filter((e) => names.has(e.from.toLowerCase())),
    flow: { ...proposed.flow, ...(partial.flow ?? {}) },
    scoring: { ...proposed.scoring, ...(partial.scoring ?? {}) },
  } as Setup;
}

/** Stage dates and flags a --setup file names: the person's, not guesses, though the proposal guessed them too. */
export function namedEvidence(partial: Partial<Setup> | undefined): Set<string> {
  const headers = [...Object.values(partial?.columns?.stageDates ?? {}), ...Object.values(partial?.columns?.stageFlags ?? {})];
  return new Set(headers.filter((header): header is string => typeof header === 'string'));
}

/**
 * The lines that say what LeadFlow understood: guesses first, then what is sure, the pipeline, what
 * is not counted. `sheets`: the sheets being built (what a missing column costs is said for them);
 * `rows`: the leads, to count those a stage date or flag takes past the exit their status names
 * (`weights`: how many leads each row stands for, when rows are groups of leads alike).
 */
export function describeUnderstanding(headers: string[], proposal: Proposal, setup: Setup, proposed: boolean, context: { sheets?: Kind[]; rows?: unknown[][]; weights?: ArrayLike<number>; named?: Set<string> } = {}): string[] {
  const sheets = new Set<Kind>(context.sheets ?? ['funnel', 'flow', 'checklist']);
  const lines: string[] = [];
  const picks = proposal.picks.filter((p) => pickInSetup(p, setup));
  const isGuess = (p: Pick) => !p.sure && !context.named?.has(p.header);
  const guesses = picks.filter(isGuess);
  const sure = picks.filter((p) => !isGuess(p));
  if (guesses.length) {
    lines.push(`Guesses (check them; change one with --map role="Header", or write a setup with "leadflow setup"):`);
    for (const p of guesses) lines.push(`  ${describePick(p)}`);
  }
  lines.push(guesses.length ? 'Columns:' : context.named?.size ? 'Columns (from their headers and --setup):' : 'Columns (from their headers):');
  for (const p of sure) lines.push(`  ${describePick({ ...p, sure: true })}`);
  const unused = (Object.keys(MISSING_MEANS) as (keyof typeof MISSING_MEANS)[]).filter((field) => !setup.columns[field] && MISSING_MEANS[field].for.some((kind) => sheets.has(kind)));
  if (unused.length) {
    lines.push(`  Not found: ${unused.map((field) => `${COLUMN_FIELDS[field].toLowerCase()} (${MISSING_MEANS[field].means})`).join('; ')}. Name one with --map ${unused[0]}="Header".`);
  }
  const p = proposal.pipeline;
  // Every status read against the setup that will be used (a --setup may place what the proposal could not).
  const pipeline = new Pipeline(pipelineOf(setup));
  const statuses = p.statuses.map((s) => ({ ...s, means: pipeline.resolve(s.status) ? s.means ?? 'placed' : null }));
  const guessedStatuses = proposed ? statuses.filter((s) => s.how === 'words') : [];
  const source = proposed ? `from ${p.from}${guessedStatuses.length ? `; ${count(guessedStatuses.length)} placed by their words, a guess to check` : ''}` : 'from --setup';
  lines.push(`Pipeline (${source}): ${setup.stages.map((s) => s.name).join(' → ')}`);
  for (const [stage, header] of Object.entries(setup.columns.stageFlags)) lines.push(`  ${stage} also counts every lead marked yes in "${header}", whatever its status`);
  for (const [stage, header] of Object.entries(setup.columns.stageDates)) lines.push(`  ${stage} also counts every lead with a date in "${header}", whatever its status`);
  const guessedColumns = new Set(guesses.map((pick) => pick.header));
  // Exits the proposal stops later than their words, still so in the setup used (a --setup may say otherwise).
  const laterExits = (proposal.laterExits ?? []).filter((later) => setup.exits.some((exit) => exit.name === later.exit && exit.from === later.to));
  lines.push(...exitLines(setup, statuses, pipeline, sheets.has('flow'), context.rows && furtherThanExits(headers, context.rows, setup, pipeline, context.weights), guessedColumns, laterExits));
  // A status that is its stage's own name needs no arrow; one the words placed elsewhere ("Payment Done" → Won) does.
  const renamed = guessedStatuses.filter((s) => s.means && normalizeLabel(s.status) !== normalizeLabel(s.means));
  if (renamed.length) lines.push(`  Guessed: ${showList(renamed.map((s) => `"${clip(s.status)}" → ${clip(s.means)} (${count(s.count)})`), 12, 100)}`);
  const byCount = statuses.filter((s) => s.means).sort((a, b) => b.count - a.count);
  if (byCount.length) lines.push(`  Leads by status: ${showList(byCount.map((s) => `${clip(s.status)} ${count(s.count)}`), 12, 100)}`);
  const total = statuses.reduce((n, s) => n + s.count, 0);
  const unplaced = statuses.filter((s) => !s.means);
  if (unplaced.length) {
    const n = unplaced.reduce((k, s) => k + s.count, 0);
    lines.push(`NOT COUNTED: ${count(n)} leads (${pct(n, total)}) have statuses LeadFlow could not place: ${unplaced.slice(0, 8).map((s) => `"${clip(s.status)}" (${count(s.count)})`).join(', ')}${unplaced.length > 8 ? ` and ${unplaced.length - 8} more` : ''}. ` +
      'Write the setup with "leadflow setup", add each as an alias of a stage or exit, and pass it with --setup.');
  }
  for (const note of proposal.notes) lines.push(`Note: ${note}`);
  return lines;
}

/** What a report lacks without each column, said beside "Not found", and the sheets that use it. */
const MISSING_MEANS = {
  status: { means: 'every lead counts at the first stage only, unless stage dates or flags show more', for: ['funnel', 'flow', 'checklist'] },
  arrived: { means: 'no months, and no net lead flow', for: ['funnel', 'flow', 'checklist'] },
  source: { means: 'no by-source table', for: ['funnel', 'flow', 'checklist'] },
  owner: { means: 'no owner on the review sheet', for: ['checklist'] },
  value: { means: 'no pipeline value', for: ['funnel'] },
  lastActivity: { means: 'net lead flow cannot count leads gone quiet', for: ['flow'] },
} as const satisfies Partial<Record<ColumnField, { means: string; for: readonly Kind[] }>>;

/** Leads whose status (or won/lost) names an exit but whose stage dates or flags go past it: how many, by their furthest evidence. */
interface Further {
  leads: number;
  /** Per furthest evidence: its stage, how it is written down, and how many leads. */
  by: { stage: string; evidence: string; header: string; leads: number }[];
  /**
   * Per stage date or flag: leads whose status is still open at an earlier stage, and how many of
   * them it marks anyway; and how many leads reach its stage with it and would without it.
   */
  openBefore: { stage: string; header: string; kind: 'date' | 'flag'; leads: number; marked: number; reachedWith: number; reachedWithout: number }[];
  /** Exits whose every lead has the same later stage date or flag: the exit likely comes after that stage. */
  everyLead: { exit: string; leads: number; stage: string; header: string; kind: 'date' | 'flag' }[];
}

/** `weights`: how many leads each row stands for (the DuckDB engine hands over groups of leads alike); one each without. */
function furtherThanExits(headers: string[], rows: unknown[][], setup: Setup, pipeline: Pipeline, weights?: ArrayLike<number>): Further | undefined {
  const at = (header: string | undefined) => (header ? headers.findIndex((h) => normalizeLabel(h) === normalizeLabel(header)) : -1);
  const [statusAt, resultAt] = [at(setup.columns.status), at(setup.columns.result)];
  const evidence = [
    ...Object.entries(setup.columns.stageDates).map(([stage, header]) => ({ stage, header, kind: 'date' as const, column: at(header), evidence: `they have a date in "${header}"`, filled: (v: unknown) => typeof v === 'number' && v > 0 })),
    ...Object.entries(setup.columns.stageFlags).map(([stage, header]) => ({ stage, header, kind: 'flag' as const, column: at(header), evidence: `they are marked yes in "${header}"`, filled: (v: unknown) => isFlagSet(v as never) })),
  ].map((e) => ({ ...e, index: pipeline.stageIndex(e.stage) })).filter((e) => e.column >= 0 && e.index >= 0).sort((a, b) => a.index - b.index);
  if (!evidence.length) return undefined;
  const resolve = (cell: unknown) => (isBlank(cell) ? undefined : pipeline.resolve(String(cell)));
  const byEvidence = new Map<number, number>();
  const openBefore = evidence.map(() => ({ leads: 0, marked: 0, reachedWith: 0, reachedWithout: 0 }));
  const exitLeads = setup.exits.map(() => 0);
  const exitMarked = setup.exits.map(() => evidence.map(() => 0));
  let leads = 0;
  rows.forEach((row, rowAt) => {
    const weight = weights ? weights[rowAt] : 1;
    // Won/lost names the exit when it names one, as the sheets read it.
    const result = resultAt >= 0 ? resolve(row[resultAt]) : undefined;
    const own = result && result.exit >= 0 ? result : statusAt >= 0 ? resolve(row[statusAt]) : undefined;
    const filled = evidence.map((e) => e.filled(row[e.column]));
    // As the funnel reaches a stage: by the status (or won/lost), or by any stage date or flag at or past it.
    // A status no stage matches keeps its lead out of the funnel; a blank one leaves it to the dates and flags.
    const blankStatus = statusAt < 0 || isBlank(row[statusAt]);
    if (own || blankStatus) {
      const byStatus = Math.max(own?.stage ?? -1, result?.stage ?? -1);
      evidence.forEach((e, k) => {
        const byOthers = byStatus >= e.index || evidence.some((other, j) => j !== k && other.index >= e.index && filled[j]);
        if (byOthers || filled[k]) openBefore[k].reachedWith += weight;
        if (byOthers) openBefore[k].reachedWithout += weight;
      });
    }
    if (!own) return;
    if (own.exit < 0) {
      // Still open at its stage: a stage date or flag of a later stage contradicts the status.
      evidence.forEach((e, k) => {
        if (e.index <= own.stage) return;
        openBefore[k].leads += weight;
        if (filled[k]) openBefore[k].marked += weight;
      });
      return;
    }
    const from = pipeline.stageIndex(setup.exits[own.exit].from);
    exitLeads[own.exit] += weight;
    evidence.forEach((e, k) => { if (filled[k] && e.index > from) exitMarked[own.exit][k] += weight; });
    const furthest = filled.lastIndexOf(true);
    if (furthest < 0 || evidence[furthest].index <= from) return;
    leads += weight;
    byEvidence.set(furthest, (byEvidence.get(furthest) ?? 0) + weight);
  });
  const everyLead: Further['everyLead'] = [];
  setup.exits.forEach((exit, x) => {
    if (!exitLeads[x]) return;
    // The furthest stage date or flag that every one of the exit's leads has.
    const k = exitMarked[x].map((marked, j) => (marked === exitLeads[x] ? j : -1)).filter((j) => j >= 0).pop();
    if (k !== undefined) everyLead.push({ exit: exit.name, leads: exitLeads[x], stage: evidence[k].stage, header: evidence[k].header, kind: evidence[k].kind });
  });
  return {
    leads,
    by: [...byEvidence].map(([k, n]) => ({ stage: evidence[k].stage, evidence: evidence[k].evidence, header: evidence[k].header, leads: n })).sort((a, b) => b.leads - a.leads),
    openBefore: evidence.map((e, k) => ({ stage: e.stage, header: e.header, kind: e.kind, ...openBefore[k] })),
    everyLead,
  };
}

/**
 * Where the exits stop their leads, grouped by stage, with how many leads each holds ("Junk Lead
 * (388) and Lost Lead (392) at Not Contacted"); exits no lead uses are left out. With the leads
 * read, how many of those a stage date or flag still takes further, and by which column; then what
 * that most likely means. A column that also marks most leads still open before its stage may not
 * say what its name does (if LeadFlow guessed it, the way to leave it out); one that marks every
 * lead of an exit and no open lead before it says the exit comes later than the setup puts it.
 */
function exitLines(setup: Setup, statuses: { status: string; count: number }[], pipeline: Pipeline, flow: boolean, further?: Further, guessedColumns = new Set<string>(), laterExits: LaterExit[] = []): string[] {
  const held = setup.exits.map(() => 0);
  for (const s of statuses) {
    const resolved = pipeline.resolve(s.status);
    if (resolved && resolved.exit >= 0) held[resolved.exit] += s.count;
  }
  const groups = new Map<string, string[]>();
  setup.exits.forEach((exit, k) => {
    if (!held[k]) return;
    const key = `${exit.from}\u0000${exit.removes ? 'removes' : 'stays'}`;
    groups.set(key, [...(groups.get(key) ?? []), `${exit.name} (${count(held[k])})`]);
  });
  if (!groups.size) return [];
  // Net lead flow takes leaving leads off; an exit that keeps them (a "contact in future") stays open there.
  const parts = [...groups].map(([key, names]) => {
    const [from, removes] = key.split('\u0000');
    return `${names.join(' and ')} at ${from}${flow && removes === 'stays' ? ' (kept open in net lead flow)' : ''}`;
  });
  const lines = [`  Stopped before the last stage: ${parts.join('; ')}.`];
  for (const later of laterExits) {
    const has = later.kind === 'date' ? `has a date in "${later.header}"` : `is marked yes in "${later.header}"`;
    lines.push(`  ${later.exit} is placed at ${later.to}, not ${later.from}, because every ${later.exit} lead (${count(later.leads)}) ${has} (a guess).`);
  }
  if (!further?.leads) return lines;
  const [top] = further.by;
  lines.push(further.by.length === 1
    ? `  But ${count(further.leads)} of them still count as ${top.stage}: ${top.evidence}.`
    : `  But ${count(further.leads)} of them count further: ${further.by.map((b) => `${count(b.leads)} as ${b.stage} (${b.evidence.replace(/^they (have|are) /, '')})`).join(', ')}.`);
  const setupHow = '("leadflow setup", then --setup)';
  const used = new Set(further.by.map((b) => b.header));
  const doubtful = further.openBefore.filter((o) => used.has(o.header) && marksMostOpen(o.leads, o.marked));
  for (const o of doubtful) {
    const marks = o.kind === 'date' ? `it holds a date for` : `it is yes for`;
    const leaveOut = guessedColumns.has(o.header) ? ` A guess: to leave it out, take it out of "${o.kind === 'date' ? 'stageDates' : 'stageFlags'}" in the setup ${setupHow}.` : '';
    lines.push(`  Check "${o.header}": ${marks} ${count(o.marked)} of the ${count(o.leads)} leads whose status is still before ${o.stage}, so it does not follow the statuses.`);
    lines.push(`    With it, ${count(o.reachedWith)} leads reach ${o.stage}; without it, ${count(o.reachedWithout)}.${leaveOut}`);
  }
  for (const e of further.everyLead) {
    if (doubtful.some((o) => o.header === e.header)) continue;
    const has = e.kind === 'date' ? `has a date in "${e.header}"` : `is marked yes in "${e.header}"`;
    lines.push(`  Every ${e.exit} lead (${count(e.leads)}) ${has}: if leads end as ${e.exit} only after ${e.stage}, set its "from" to "${e.stage}" in the setup ${setupHow}.`);
  }
  return lines;
}

function pickInSetup(p: Pick, setup: Setup): boolean {
  if (p.field.startsWith('stageDate:')) return setup.columns.stageDates[p.field.slice(10)] === p.header;
  if (p.field.startsWith('stageFlag:')) return setup.columns.stageFlags[p.field.slice(10)] === p.header;
  return setup.columns[p.field as ColumnField] === p.header;
}

/** The leads as a build reads them (dates as serial numbers in the spreadsheet's time zone), as leadflowBuildData does in Sheets. */
export function buildDataOf(u: Understood, now = Date.now()): BuildData {
  const clock = timeZoneClock(u.timeZone);
  const headers = u.table.rows[0].map((h) => String(h ?? '').trim());
  return {
    setup: u.setup, saved: u.saved, proposed: true, timeZone: u.timeZone, now: clock.toWall(now),
    headers, rows: u.table.rows.slice(1) as BuildData['rows'], dateColumns: u.dateColumns,
    // The formats as the reader found them ("$#,##0.00" from "$4,650.00"): pipeline value shows that currency.
    formats: columnFormatsOf(u).map((f) => f ?? 'General'),
  };
}

/** Sheet notes the understanding lines say in the command line's words: the guesses, and the "Not found" columns. */
const SAID_ABOVE = [UNCONFIRMED_NOTE, NO_VALUE_NOTE, NO_LAST_ACTIVITY_NOTE];

const KINDS: Record<Exclude<Action, 'all'>, Kind> = { funnel: 'funnel', flow: 'flow', checklist: 'checklist' };

/** A line per built sheet with its headline numbers, read from the plan's values; `fromGuesses` when nobody confirmed the setup. */
export function headline(plan: Plan, stages: string[], fromGuesses = false): string {
  const guessed = fromGuesses ? ' (from the guesses above)' : '';
  if (plan.kind === 'funnel') {
    // Every counted lead is at the first stage: "3,900 leads", not "Not Contacted 3,900", which reads as 3,900 not contacted.
    const reached = stages.map((_, k) => Number(plan.values[7 + k]?.[1] ?? 0));
    return `${plan.name}${guessed}: ${count(reached[0])} leads${stages.slice(1).map((s, k) => ` → ${s} ${count(reached[k + 1])} (${pct(reached[k + 1], reached[k])})`).join('')}`;
  }
  if (plan.kind === 'flow') {
    const head = plan.values.findIndex((r) => r[0] === 'Month' || r[0] === 'Week from');
    if (head < 0) return `${plan.name}: needs an arrival date column.`;
    const rows = plan.values.slice(head + 1).filter((_, i, all) => all.slice(0, i + 1).every((r) => r[0] !== ''));
    const net = plan.values[head].indexOf('Net');
    const sum = (c: number) => rows.reduce((n, r) => n + (Number(r[c]) || 0), 0);
    return `${plan.name}${guessed}: ${count(sum(1))} new, ${count(sum(net - 1))} removed, net ${count(sum(net))} over ${rows.length} ${String(plan.values[head][0]).startsWith('Week') ? 'weeks' : 'months'}.`;
  }
  const listed = plan.values.findIndex((r) => r[0] === 'Lead' && r[1] === 'Row');
  return `${plan.name}${guessed}: ${listed < 0 ? 0 : count(plan.values.slice(listed + 1).filter((r) => r[0] !== '' && typeof r[1] === 'number').length)} leads to review.`;
}

export async function runReport(opts: ReportOptions): Promise<{ sheets: string[]; plans: Plan[]; understood: Understood }> {
  const progress = say(opts.progress, (l) => process.stderr.write(`${l}\n`));
  const report = say(opts.report, (l) => process.stdout.write(`${l}\n`));
  if (!(ACTIONS as readonly string[]).includes(opts.action)) throw new ReportError(`--action must be one of ${ACTIONS.join(', ')}, not "${clip(opts.action)}".`);
  if (extname(opts.out).toLowerCase() !== '.xlsx') throw new ReportError(`--out must be an .xlsx path, not "${fileLabel(opts.out, 80)}".`);
  // Said before the export is read: the write itself refuses again, atomically.
  if (!opts.force && existsSync(opts.out)) throw new ReportError(`${fileLabel(opts.out, 80)} already exists; choose another --out path or add --force to replace it.`);
  const started = Date.now();
  const kinds = opts.action === 'all' ? (Object.values(KINDS) as Kind[]) : [KINDS[opts.action]];
  const u = await understand({ ...opts, sheets: kinds });
  for (const line of u.lines) report(line);
  const data = buildDataOf(u);
  const plans: Plan[] = [];
  for (const kind of kinds) {
    progress(`Building the ${kind} sheet (${count(data.rows.length)} leads; ${about(data.rows.length / RATES.planLeads[kind])})…`);
    plans.push(planBuild(data, { kind }));
  }
  const said = new Set<string>();
  for (const plan of plans) {
    report(headline(plan, u.setup.stages.map((s) => s.name), !u.saved));
    // Each note once, however many sheets carry it; not those the lines above already said in the command line's words.
    for (const note of plan.notes) if (!said.has(note) && !SAID_ABOVE.includes(note)) {
      said.add(note);
      report(`  Note: ${note}`);
    }
  }
  const cells = data.rows.length * (data.headers.length || 1);
  progress(`Writing ${clip(basename(opts.out), 60)} (${count(data.rows.length)} leads; ${about(cells / RATES.writeCells)})…`);
  const setupName = u.sheetName.toLowerCase() === SETUP_SHEET.toLowerCase() ? `${SETUP_SHEET} (2)` : SETUP_SHEET;
  const columnFormats = columnFormatsOf(u);
  const sheets = await writeReportXlsx(opts.out, {
    plans, timeZone: u.timeZone,
    leads: { name: u.sheetName, rows: u.table.rows, columnFormats },
    setup: { name: setupName, rows: setupToGrid(u.setup) },
  }, { force: opts.force });
  const cut = u.longCells ? `; ${count(u.longCells)} cell${u.longCells === 1 ? ' was' : 's were'} cut to ${count(XLSX_CELL_TEXT)} characters, the most an Excel cell holds (see the note above)` : '';
  // The per-lead sheets are the file's own working (hidden): the line names the sheets a person opens.
  const perLead = new Set(plans.map((plan) => plan.xlsx?.perLead.name));
  progress(`Done in ${seconds((Date.now() - started) / 1000)}: ${fileLabel(opts.out, 80)} (${sheets.filter((name) => !perLead.has(name)).join(', ')})${cut}`);
  return { sheets, plans, understood: u };
}

/** Each column's number format (the first one its cells have), a date format for a column of dates. */
function columnFormatsOf(u: Understood): (string | null)[] {
  const formats = u.table.numberFormats;
  return u.table.rows[0].map((_, c) => {
    let found: string | null = null;
    for (let r = 1; r < formats.length && !found; r++) found = formats[r]?.[c] ?? null;
    return u.dateColumns.includes(c) && !(found && /[dmy]/i.test(found)) ? 'yyyy-mm-dd hh:mm:ss' : found;
  });
}

export { LeadsFileError };
