/**
 * What every built sheet starts from: the setup, the leads as read from their sheet, and the
 * visible "Status → stage" table that lets plain COUNTIFS formulas count a stage under every
 * spelling a CRM export uses.
 */
import { Pipeline } from '../pipeline';
import { ColumnField, Setup, pipelineOf } from '../setup';
import { DateReader, isBlank, normalizeLabel } from '../values';
import { HEAD, Layout, SECTION, asText, block, colName, ref, sheetRef } from './grid';

export interface LeadsInput {
  setup: Setup;
  headers: string[];
  /** The rows below the header row, as getValues() returns them. */
  rows: unknown[][];
  dates: DateReader;
  /** "Now" as wall time in the spreadsheet's time zone. */
  now: number;
}

export interface MapRow {
  spelling: string;
  /** The stage or exit it means, or "" when the pipeline cannot place it. */
  means: string;
  /** 1-based furthest stage (an exit counts as the stage it leaves from); 0 when not mapped. */
  stage: number;
  /** The exit's name when it removes the lead from net lead flow. */
  removedAs: string;
  /** Still open in the pipeline (not won, no exit), so it can go quiet. */
  open: boolean;
}

/**
 * One row per spelling: the name of every stage and exit, then every spelling found in the
 * leads (aliases a sheet does not use are left out: each row costs a pass over the leads in every
 * formula). COUNTIFS ignores case but not spaces or hyphens, so "Closed-Won" and "closed won" get
 * a row each, and "Won" / "won" one row.
 */
export function statusMap(pipeline: Pipeline, observed: Iterable<unknown>): MapRow[] {
  const seen = new Set<string>();
  const out: MapRow[] = [];
  const { stages, exits } = pipeline.def;
  for (const v of [...stages, ...exits].map((s) => s.name).concat([...observed] as string[])) {
    const s = String(v);
    if (isBlank(s) || seen.has(s.toLowerCase())) continue;
    seen.add(s.toLowerCase());
    const r = pipeline.resolve(s);
    const exit = r && exits[r.exit];
    out.push({
      spelling: s,
      means: !r ? '' : exit ? exit.name : stages[r.stage].name,
      stage: r ? r.stage + 1 : 0,
      removedAs: exit && exit.removes ? exit.name : '',
      open: !!r && !exit && r.stage < stages.length - 1,
    });
  }
  return out.sort((a, b) => (a.stage || 99) - (b.stage || 99));
}

/** Absolute references to the mapping table's columns, for formulas. */
export interface MapRefs {
  spelling: string;
  stage: string;
  removedAs: string;
  open: string;
  /** Status, Means and Stage no. together, for VLOOKUP. */
  table: string;
}

/** Everything the sheet planners share. */
export interface Ctx {
  input: LeadsInput;
  pipeline: Pipeline;
  stages: string[];
  /** Column index (0-based) of a mapped field, or -1. */
  index(field: ColumnField): number;
  /** Whole-column reference of a mapped field on the leads sheet (grows with new rows), or "" when not mapped. */
  col(field: ColumnField): string;
  /** Whole-column reference of a header, or "". */
  colOf(header: string): string;
  /** A lead's value of a mapped field ("" when not mapped). */
  val(row: unknown[], field: ColumnField): unknown;
  map: MapRow[];
  /** Distinct values of a column with their counts, largest first. */
  groups(field: ColumnField, include?: (i: number) => boolean): [string, number][];
  /** Arrival (wall ms) per lead, NaN where unknown. */
  arrived: number[];
  /** Leads whose arrival date is text, which formulas cannot compare. */
  textDates: number;
}

export function makeCtx(input: LeadsInput): Ctx {
  const { setup, headers, rows } = input;
  const pipeline = new Pipeline(pipelineOf(setup));
  const keys = headers.map(normalizeLabel);
  const colOf = (h: string) => {
    const i = keys.indexOf(normalizeLabel(h)) + 1;
    return h && i ? `${sheetRef(setup.leads.sheet)}$${colName(i)}:$${colName(i)}` : '';
  };
  const index = (f: ColumnField) => (setup.columns[f] ? keys.indexOf(normalizeLabel(setup.columns[f])) : -1);
  const val = (row: unknown[], f: ColumnField) => (index(f) < 0 ? '' : row[index(f)]);
  let textDates = 0;
  const arrived = rows.map((r) => {
    const v = val(r, 'arrived');
    if (typeof v === 'string' && !isBlank(v)) textDates++;
    try {
      return input.dates.read(v, { fn: 'LeadFlow', arg: 'arrival date' });
    } catch {
      return NaN; // Not a date: formulas cannot count it either.
    }
  });
  return {
    input, pipeline, stages: pipeline.stageNames, index, colOf, val, arrived, textDates,
    col: (f) => colOf(setup.columns[f] || ''),
    map: statusMap(pipeline, new Set(rows.map((r) => val(r, 'status')))),
    groups(field, include = () => true) {
      const counts = new Map<string, number>();
      rows.forEach((r, n) => {
        const g = val(r, field);
        if (!isBlank(g) && include(n)) counts.set(String(g), (counts.get(String(g)) || 0) + 1);
      });
      return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    },
  };
}

/**
 * Writes the "Status → stage" table at (r, c) and returns references to its columns. Formulas
 * count a stage as SUMPRODUCT(COUNTIFS(status, spellings, ...) * (stage numbers >= k)).
 */
export function writeMap(L: Layout, r: number, c: number, x: Ctx): MapRefs {
  const status = x.col('status');
  const first = r + 3;
  const last = first + x.map.length - 1;
  L.put(r, c, ['Status → stage'], 't', SECTION);
  L.put(r + 1, c, ['To map a new spelling, insert a row inside this table.'], 't');
  L.put(r + 2, c, ['Status', 'Means', 'Stage no.', 'Removed as', 'Can go quiet', 'Leads now'], 't', HEAD);
  x.map.forEach((m, i) => L.put(first + i, c, [asText(m.spelling), m.means || '(not mapped)', m.stage, m.removedAs, m.open ? 'yes' : '', `=COUNTIF(${status},${ref(first + i, c)})`], 'ttitti'));
  const sc = colName(x.index('status') + 1);
  L.put(last + 1, c, ['Statuses not in this table', '', '', '', '',
    `=COUNTA(${status})-COUNTA(${sheetRef(x.input.setup.leads.sheet)}$${sc}$1:$${sc}$${x.input.setup.leads.headerRow})-SUM(${block(first, c + 5, last, c + 5)})`], 'i', HEAD);
  const col = (k: number) => block(first, c + k, last, c + k);
  return { spelling: col(0), stage: col(2), removedAs: col(3), open: col(4), table: block(first, c, last, c + 2) };
}

/** SUMPRODUCT over the mapping table: leads whose status passes `test` (e.g. "(stages>=3)"), with more COUNTIFS criteria. */
export const countBy = (x: Ctx, m: MapRefs, crit: string, test: string) => `SUMPRODUCT(COUNTIFS(${x.col('status')},${m.spelling}${crit})*${test})`;

/** First and last arrival (wall ms) among the leads `include` keeps; lo > hi when there is none. */
export function span(x: Ctx, include: (i: number) => boolean = () => true): { lo: number; hi: number } {
  return x.arrived.reduce((s, t, i) => (t === t && include(i) ? { lo: Math.min(s.lo, t), hi: Math.max(s.hi, t) } : s), { lo: Infinity, hi: -Infinity });
}
