/**
 * How far each lead got, from every way a sheet records it: a status, a won/lost column (a lost
 * deal counts up to the stage its status column shows), stage dates (the furthest stage with a
 * date), stage flags (Converted = Yes) and, for a lead with nothing else, its arrival date. A lead
 * reached the furthest stage any of these shows. This is the one place that says so; the custom
 * functions, the built sheets' values and the report all read leads through it.
 */
import { Pipeline, Reached } from './pipeline';
import type { Setup } from './setup';
import { Cell, DateReader, isBlank, normalizeLabel } from './values';

/** A yes in a stage-flag column: Yes, Y, TRUE, 1, x, ✓ and the same word in French, Spanish, German and Portuguese. */
export function isFlagSet(v: Cell): boolean {
  if (v === true) return true;
  if (typeof v === 'number') return v === 1;
  if (typeof v !== 'string') return false;
  const t = v.trim().toLowerCase();
  return FLAG_YES.has(t);
}
export const FLAG_YES = new Set(['yes', 'y', 'true', '1', 'x', '✓', '✔', 'oui', 'si', 'sí', 'ja', 'sim', 'vrai', 'verdadero', 'wahr', 'verdadeiro']);

export interface StageColumn {
  stage: number;
  column: number;
  header: string;
}

/** The columns a setup reads leads from, as indexes into the header row (-1 when not mapped or not there). */
export interface EvidenceColumns {
  status: number;
  result: number;
  arrived: number;
  /** Stage-date and stage-flag columns, in stage order. */
  stageDates: StageColumn[];
  stageFlags: StageColumn[];
}

export function evidenceColumns(setup: Setup, headers: unknown[], pipeline: Pipeline): EvidenceColumns {
  const keys = headers.map((h) => normalizeLabel(h ?? ''));
  const find = (header: string | undefined) => (header ? keys.indexOf(normalizeLabel(header)) : -1);
  const byStage = (map: Record<string, string> | undefined): StageColumn[] =>
    Object.entries(map ?? {})
      .map(([stage, header]) => ({ stage: pipeline.stageIndex(stage), column: find(header), header }))
      .filter((c) => c.stage >= 0 && c.column >= 0)
      .sort((a, b) => a.stage - b.stage);
  return {
    status: find(setup.columns.status),
    result: find(setup.columns.result),
    arrived: find(setup.columns.arrived),
    stageDates: byStage(setup.columns.stageDates),
    stageFlags: byStage(setup.columns.stageFlags),
  };
}

/** A lead row's standing: not a lead (no status, no date, no evidence), placed, or held back by a status no stage or exit matches. */
export const NOT_A_LEAD = 0;
export const PLACED = 1;
export const UNPLACED = 2;

export interface LeadsReached extends Reached {
  /** NOT_A_LEAD, PLACED or UNPLACED per row. */
  kind: Uint8Array;
  /** Arrival per row, as wall time; NaN where unknown. */
  arrived: Float64Array;
  /** Rows that are leads (placed or not). */
  leads: number;
  /** Status spellings (trimmed) that match no stage or exit, with their number of leads. */
  unplaced: Map<string, number>;
  /** Cells of date columns that hold something that is not a date, per header. */
  unreadDates: Map<string, number>;
}

/** A column of dates as wall times (NaN for blank or unreadable cells, which are counted in `unread`). */
function readDateColumn(rows: unknown[][], column: number, dates: DateReader, header: string, unread: Map<string, number>): Float64Array {
  const out = new Float64Array(rows.length).fill(NaN);
  if (column < 0) return out;
  const cells = rows.map((r) => r[column]);
  const reader = dates.forColumn(cells);
  const ctx = { fn: 'LeadFlow', arg: header };
  let bad = 0;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (isBlank(v)) continue;
    try {
      out[i] = reader.read(v, ctx);
    } catch {
      bad++;
    }
  }
  if (bad) unread.set(header, bad);
  return out;
}

/**
 * Every row's furthest stage and exit. A row's status decides unless it matches nothing (then the
 * lead is held back and counted in `unplaced`, whatever else it shows: its place is unknown);
 * every other piece of evidence can only take it further.
 */
export function resolveLeads(rows: unknown[][], cols: EvidenceColumns, pipeline: Pipeline, dates: DateReader, headers: unknown[] = []): LeadsReached {
  const n = rows.length;
  const stage = new Int16Array(n).fill(-1);
  const exit = new Int16Array(n).fill(-1);
  const kind = new Uint8Array(n);
  const unplaced = new Map<string, number>();
  const unreadDates = new Map<string, number>();
  const header = (c: number) => String(headers[c] ?? `column ${c + 1}`);
  const arrived = readDateColumn(rows, cols.arrived, dates, header(cols.arrived), unreadDates);
  const stageCount = pipeline.stageNames.length;
  const stageDates: Float64Array[] = [];
  for (const c of cols.stageDates) stageDates[c.stage] = c.column === cols.arrived ? arrived : readDateColumn(rows, c.column, dates, c.header, unreadDates);
  const resolveCache = new Map<unknown, ReturnType<Pipeline['resolve']> | null>();
  const resolve = (v: unknown) => {
    let r = resolveCache.get(v);
    if (r === undefined) resolveCache.set(v, (r = pipeline.resolve(v) ?? null));
    return r;
  };
  let leads = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    let furthest = -1;
    let left = -1;
    const status = cols.status >= 0 ? row[cols.status] : '';
    if (!isBlank(status)) {
      const r = resolve(status);
      if (!r) {
        kind[i] = UNPLACED;
        leads++;
        const key = String(status).trim();
        unplaced.set(key, (unplaced.get(key) ?? 0) + 1);
        continue;
      }
      furthest = r.stage;
      left = r.exit;
    }
    if (cols.result >= 0) {
      const r = resolve(row[cols.result]);
      if (r) {
        if (r.stage > furthest) furthest = r.stage;
        if (r.exit >= 0) left = r.exit;
      }
    }
    for (const c of cols.stageDates) if (c.stage > furthest && !Number.isNaN(stageDates[c.stage][i])) furthest = c.stage;
    for (const c of cols.stageFlags) if (c.stage > furthest && isFlagSet(row[c.column])) furthest = c.stage;
    if (furthest < 0 && !Number.isNaN(arrived[i])) furthest = 0;
    if (furthest < 0) continue;
    kind[i] = PLACED;
    leads++;
    stage[i] = furthest;
    exit[i] = left;
  }
  // Stage dates for the median days between stages: the arrival stands for the first stage's date.
  const dated: Float64Array[] = [];
  for (let s = 0; s < stageCount; s++) dated[s] = stageDates[s] ?? (s === 0 && cols.arrived >= 0 ? arrived : new Float64Array(n).fill(NaN));
  return { stage, exit, kind, arrived, leads, unplaced, unreadDates, dates: dated };
}
