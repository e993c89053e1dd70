/**
 * What every built sheet starts from: the setup, the leads as read from their sheet, the visible
 * "Status → stage" table a person edits to map a spelling, each lead's combination of status,
 * won/lost value and furthest stage evidence (stage dates, stage flags), and the groups of a
 * column (sources, owners). The sheets count the leads with stages.ts.
 */
import { isFlagSet } from '../evidence';
import { BLANK_GROUP, byText, groupKey } from '../funnel';
import { Pipeline } from '../pipeline';
import { ColumnField, Setup, pipelineOf } from '../setup';
import { DAY_MS, serialToWall } from '../time';
import { DateReader, isBlank, normalizeLabel } from '../values';
import { cellKey, serialOf } from './criteria';
import { Cell, HEAD, Layout, SECTION, asText, block, colName, fx, ref, sheetRef } from './grid';

export interface LeadsInput {
  setup: Setup;
  headers: string[];
  /** The rows below the header row, as getValues() returns them, dates as serial numbers. */
  rows: unknown[][];
  dates: DateReader;
  /** "Now" as wall time in the spreadsheet's time zone. */
  now: number;
  /** False when the setup is LeadFlow's proposal, which nobody confirmed. */
  saved?: boolean;
  /** Each column's number format in the first lead's row, when the sheet has them. */
  formats?: (string | null)[];
}

/** One spelling of the Status → stage table. */
export interface MapRow {
  spelling: string;
  /** The stage or exit it means, or "" when the pipeline cannot place it. */
  means: string;
  /** 1-based stage reached (an exit counts as the stage it leaves from); 0 when not placed. */
  stage: number;
  /** The exit's name when it is an exit. */
  exit: string;
  /** Whether that exit removes the lead from net lead flow. */
  removes: boolean;
}

/** A column that shows a lead got further: a stage date (filled with a date) or a stage flag (yes). */
export interface EvidenceRef {
  stage: number;
  column: number;
  header: string;
  ref: string;
  kind: 'date' | 'flag';
  /** For a flag: the spellings of yes in the column (each a criterion). */
  yes: unknown[];
}

/** One combination of cells some leads share: a row of the count block. */
export interface Combo {
  status: unknown;
  result: unknown;
  /** Index into Ctx.evidence of the furthest stage evidence (-1 none), and for a flag which spelling of yes. */
  evidence: number;
  yes: unknown;
  /** No status, no won/lost, no evidence: a lead only by its arrival date. */
  arrivalOnly: boolean;
  /** As the sheet's formulas compute it from the Status → stage table. */
  level: number;
  removedAs: string;
  open: boolean;
}

export interface Group {
  label: string;
  /** The distinct cell values of the group, one criterion each (case variants share one). */
  spellings: unknown[];
  leads: number;
}

export { BLANK_GROUP };

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
  evidence: EvidenceRef[];
  combos: Combo[];
  /** Per lead row, its combo; -1 for a row no combo holds (not a lead, or a date cell holding text). */
  comboOf: Int32Array;
  /** Date cells of a field as serial numbers, NaN where the cell is not a date. */
  serials(field: 'arrived' | 'removedAt' | 'lastActivity'): Float64Array;
  /** Arrival per lead as wall time (NaN where the cell is not a date). */
  arrived: number[];
  /** A field's groups over the leads `include` keeps, largest first, blank last among equals; with the group of each lead. */
  groups(field: ColumnField, include?: (i: number) => boolean): { list: Group[]; of: Int32Array };
  /** Leads with an arrival that is text, which formulas cannot compare. */
  textDates: number;
  /** Leads a combo holds but whose status no stage or exit matches, per spelling. */
  unplaced: Map<string, number>;
  /** Rows whose stage-date cell holds text, which counts as no date, per header. */
  unreadEvidence: Map<string, number>;
  /** Lead rows (a status, a date, or evidence). */
  leadCount: number;
}

/**
 * The table's rows: every stage and exit by name, then every spelling the leads use (case variants
 * share a row: COUNTIFS ignores case, but not spaces).
 */
export function statusMap(pipeline: Pipeline, observed: Iterable<unknown>): MapRow[] {
  const seen = new Set<string>();
  const mapRows: MapRow[] = [];
  const { stages, exits } = pipeline.def;
  for (const entry of [...stages.map((stage) => stage.name), ...exits.map((exit) => exit.name), ...observed]) {
    if (isBlank(entry)) continue;
    const spelling = String(entry);
    if (seen.has(spelling.toLowerCase())) continue;
    seen.add(spelling.toLowerCase());
    const resolved = pipeline.resolve(spelling);
    const exit = resolved && resolved.exit >= 0 ? exits[resolved.exit] : undefined;
    mapRows.push({ spelling, means: !resolved ? '' : exit ? exit.name : stages[resolved.stage].name, stage: resolved ? resolved.stage + 1 : 0, exit: exit?.name ?? '', removes: !!exit?.removes });
  }
  return mapRows.sort((a, b) => (a.stage || 99) - (b.stage || 99));
}

export function makeCtx(input: LeadsInput): Ctx {
  const { setup, headers, rows } = input;
  const pipeline = new Pipeline(pipelineOf(setup));
  const stageCount = pipeline.stageNames.length;
  const headerKeys = headers.map(normalizeLabel);
  const colIndex = (header: string) => (header ? headerKeys.indexOf(normalizeLabel(header)) : -1);
  const colOf = (header: string) => {
    const column = colIndex(header) + 1;
    return column ? `${sheetRef(setup.leads.sheet)}$${colName(column)}:$${colName(column)}` : '';
  };
  const index = (field: ColumnField) => colIndex(setup.columns[field] || '');
  const val = (row: unknown[], field: ColumnField) => (index(field) < 0 ? '' : row[index(field)]);
  const statusAt = index('status');
  const resultAt = index('result');
  const arrivedAt = index('arrived');

  const serialCache = new Map<string, Float64Array>();
  const serials = (field: 'arrived' | 'removedAt' | 'lastActivity') => {
    let fieldSerials = serialCache.get(field);
    if (!fieldSerials) {
      const fieldAt = index(field);
      fieldSerials = Float64Array.from(rows, (row) => (fieldAt < 0 ? NaN : serialOf(row[fieldAt])));
      serialCache.set(field, fieldSerials);
    }
    return fieldSerials;
  };
  const arrivedSerial = serials('arrived');
  const arrived = Array.from(arrivedSerial, (serial) => (Number.isNaN(serial) ? NaN : serialToWall(serial)));
  let textDates = 0;
  if (arrivedAt >= 0) for (const row of rows) if (typeof row[arrivedAt] === 'string' && !isBlank(row[arrivedAt])) textDates++;

  // Evidence columns in stage order; a flag's yes as the spellings the column uses.
  const evidence: EvidenceRef[] = [];
  const addEvidence = (headerByStage: Record<string, string> | undefined, kind: 'date' | 'flag') => {
    for (const [stageName, header] of Object.entries(headerByStage ?? {})) {
      const stage = pipeline.stageIndex(stageName);
      const column = colIndex(header);
      if (stage < 0 || column < 0) continue;
      const yes: unknown[] = [];
      if (kind === 'flag') {
        const seen = new Set<string>();
        for (const row of rows) {
          const cell = row[column];
          if (isFlagSet(cell) && !seen.has(cellKey(cell))) {
            seen.add(cellKey(cell));
            yes.push(cell);
          }
        }
      }
      evidence.push({ stage, column, header, ref: colOf(header), kind, yes });
    }
  };
  addEvidence(setup.columns.stageDates, 'date');
  addEvidence(setup.columns.stageFlags, 'flag');
  evidence.sort((a, b) => a.stage - b.stage || (a.kind === b.kind ? 0 : a.kind === 'date' ? -1 : 1));

  const observed = new Set<unknown>();
  for (const row of rows) {
    if (statusAt >= 0 && !isBlank(row[statusAt])) observed.add(row[statusAt]);
    if (resultAt >= 0 && !isBlank(row[resultAt])) observed.add(row[resultAt]);
  }
  const map = statusMap(pipeline, observed);
  const mapByKey = new Map(map.map((mapRow) => [mapRow.spelling.toLowerCase(), mapRow]));
  const lookup = (cell: unknown): MapRow | undefined => (isBlank(cell) ? undefined : mapByKey.get(String(cell).toLowerCase()));

  // Each lead's combination: which evidence is its furthest (a date cell holding text is none).
  const combos: Combo[] = [];
  const comboByKey = new Map<string, number>();
  const comboOf = new Int32Array(rows.length).fill(-1);
  const unreadEvidence = new Map<string, number>();
  const unplaced = new Map<string, number>();
  const statusRef = colOf(setup.columns.status);
  const addCombo = (status: unknown, result: unknown, evidenceAt: number, yes: unknown, arrivalOnly: boolean): number => {
    const key = `${cellKey(status)}\u0000${cellKey(result)}\u0000${evidenceAt}\u0000${cellKey(yes)}\u0000${arrivalOnly}`;
    let comboAt = comboByKey.get(key);
    if (comboAt !== undefined) return comboAt;
    // As the sheet computes it: the status's stage (0 when the table cannot place it), raised by won/lost and evidence.
    const statusRow = lookup(status);
    const resultRow = lookup(result);
    const evidenceStage = evidenceAt >= 0 ? evidence[evidenceAt].stage + 1 : arrivalOnly ? 1 : 0;
    const level = !isBlank(status) && (!statusRow || statusRow.stage === 0) ? 0 : Math.max(statusRow?.stage ?? 0, resultRow?.stage ?? 0, evidenceStage);
    const removedAs = resultRow?.exit ? (resultRow.removes ? resultRow.exit : '') : statusRow?.exit && statusRow.removes ? statusRow.exit : '';
    const open = level > 0 && level < stageCount && !(resultRow?.exit || statusRow?.exit);
    combos.push({ status, result, evidence: evidenceAt, yes, arrivalOnly, level, removedAs, open });
    comboByKey.set(key, (comboAt = combos.length - 1));
    return comboAt;
  };
  // The table's names first, so leads that arrive later under a canonical spelling are counted.
  if (statusRef) for (const mapRow of map) addCombo(mapRow.spelling, '', -1, '', false);
  let leadCount = 0;
  rows.forEach((row, i) => {
    const status = statusAt >= 0 ? row[statusAt] : '';
    const result = resultAt >= 0 ? row[resultAt] : '';
    let evidenceAt = -1;
    let yes: unknown = '';
    let unreadable = '';
    evidence.forEach((evidenceColumn, j) => {
      const cell = row[evidenceColumn.column];
      if (evidenceColumn.kind === 'date') {
        if (!Number.isNaN(serialOf(cell)) && (cell as number) > 0) [evidenceAt, yes] = [j, ''];
        else if (!isBlank(cell) || (typeof cell === 'string' && cell !== '')) unreadable = evidenceColumn.header;
      } else if (isFlagSet(cell)) [evidenceAt, yes] = [j, cell];
    });
    const blankLead = isBlank(status) && isBlank(result) && evidenceAt < 0;
    const hasArrival = !Number.isNaN(arrivedSerial[i]) && arrivedSerial[i] > 0;
    if (blankLead && !hasArrival) {
      if (unreadable) unreadEvidence.set(unreadable, (unreadEvidence.get(unreadable) ?? 0) + 1);
      return;
    }
    leadCount++;
    // Text in a stage-date column is no date: the formulas pass over it (ISNUMBER), and so does the
    // count here. The lead counts by the rest of its row; the note says how many such cells there are.
    if (unreadable) unreadEvidence.set(unreadable, (unreadEvidence.get(unreadable) ?? 0) + 1);
    const comboAt = addCombo(status, result, evidenceAt, yes, blankLead);
    comboOf[i] = comboAt;
    if (combos[comboAt].level === 0) {
      const key = String(status).trim();
      unplaced.set(key, (unplaced.get(key) ?? 0) + 1);
    }
  });

  const groupCache = new Map<string, { list: Group[]; of: Int32Array }>();
  const groups = (field: ColumnField, include: (i: number) => boolean = () => true) => {
    const fieldAt = index(field);
    const byKey = new Map<string, { spellings: Map<string, [unknown, number]>; labels: Map<string, number>; leads: number }>();
    const keyOf = new Array<string>(rows.length);
    rows.forEach((row, i) => {
      if (comboOf[i] < 0 || combos[comboOf[i]].level === 0 || !include(i)) return;
      const cell = fieldAt < 0 ? '' : row[fieldAt];
      const key = groupKey(cell);
      keyOf[i] = key;
      let group = byKey.get(key);
      if (!group) byKey.set(key, (group = { spellings: new Map(), labels: new Map(), leads: 0 }));
      group.leads++;
      const label = String(cell ?? '').trim().replace(/\s+/g, ' ');
      group.labels.set(label, (group.labels.get(label) ?? 0) + 1);
      const spellingKey = cellKey(cell);
      const tally = group.spellings.get(spellingKey);
      if (tally) tally[1]++;
      else group.spellings.set(spellingKey, [cell, 1]);
    });
    const list = [...byKey].map(([key, group]): Group & { key: string } => {
      const spellings = [...group.spellings.values()];
      // Named by its most common spelling (as written, without stray spaces), as FUNNELBY names it.
      const named = key === '' ? BLANK_GROUP : [...group.labels].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0][0];
      return { key, label: named, spellings: spellings.map(([spelling]) => spelling), leads: group.leads };
    }).sort((a, b) => b.leads - a.leads || (a.key === '' ? 1 : b.key === '' ? -1 : byText(a.label, b.label)));
    const positionOf = new Map(list.map((group, position) => [group.key, position]));
    const groupOf = new Int32Array(rows.length).fill(-1);
    rows.forEach((_, i) => {
      if (keyOf[i] !== undefined) groupOf[i] = positionOf.get(keyOf[i])!;
    });
    return { list, of: groupOf };
  };

  return {
    input, pipeline, stages: pipeline.stageNames, index, colOf, val, map, evidence, combos, comboOf, serials, arrived, textDates,
    unplaced, unreadEvidence, leadCount,
    col: (field) => colOf(setup.columns[field] || ''),
    groups(field, include) {
      if (include) return groups(field, include);
      let cached = groupCache.get(field);
      if (!cached) groupCache.set(field, (cached = groups(field)));
      return cached;
    },
  };
}

/** Absolute references to the Status → stage table's columns. */
export interface MapRefs {
  /** Status, Means, Stage no., Exit, Removes: the range VLOOKUP reads. */
  table: string;
  /** With exit numbers: the table through its 7th column, Exit no. */
  withExits?: string;
}

/** Each spelling's exit no. as the table's formula gives it: 0 not an exit, −1 an exit that keeps the lead, r ≥ 1 the r-th removing reason. */
export function exitNumber(mapRow: MapRow, reasons: string[]): number {
  if (!mapRow.exit) return 0;
  if (!mapRow.removes) return -1;
  const at = reasons.findIndex((reason) => reason.toLowerCase() === mapRow.exit.toLowerCase());
  return at + 1;
}

/**
 * Writes the "Status → stage" table at (top, left). With `exits` (the removing reasons, and the
 * range of the sheet's cells naming them), a 7th column gives each spelling its exit no.
 */
export function writeMap(layout: Layout, top: number, left: number, leads: Ctx, exits?: { reasons: string[]; named: string }): MapRefs {
  const status = leads.col('status');
  const first = top + 3;
  const last = first + leads.map.length - 1;
  layout.put(top, left, ['Status → stage'], 't', SECTION);
  layout.put(top + 1, left, ['Change a stage no. to move a status; insert a row inside this table to map a new spelling.'], 't');
  layout.put(top + 2, left, ['Status', 'Means', 'Stage no.', 'Exit?', 'Removes?', 'Leads now'], 't', HEAD);
  const rows = leads.input.rows;
  const statusAt = leads.index('status');
  const leadsNow = new Map<string, number>();
  if (statusAt >= 0) for (const row of rows) if (!isBlank(row[statusAt])) leadsNow.set(String(row[statusAt]).toLowerCase(), (leadsNow.get(String(row[statusAt]).toLowerCase()) ?? 0) + 1);
  leads.map.forEach((mapRow, i) => layout.put(first + i, left, [asText(mapRow.spelling), asText(mapRow.means || '(not placed)'), mapRow.stage, mapRow.exit ? 'yes' : 'no', mapRow.removes ? 'yes' : 'no',
    status ? fx(`COUNTIF(${status},${ref(first + i, left)})`, leadsNow.get(mapRow.spelling.toLowerCase()) ?? 0) : 0], 'ttitti'));
  const table = block(first, left, Math.max(last, first), left + 4);
  if (!exits) return { table };
  layout.put(top + 2, left + 6, ['Exit no.'], 't', HEAD);
  leads.map.forEach((mapRow, i) => {
    const [means, exit, removes] = [1, 3, 4].map((offset) => ref(first + i, left + offset));
    layout.put(first + i, left + 6, [fx(`IF(${exit}="yes",IF(${removes}="yes",IFERROR(MATCH(${means},${exits.named},0),0),-1),0)`, exitNumber(mapRow, exits.reasons))], 'i');
  });
  return { table, withExits: block(first, left, Math.max(last, first), left + 6) };
}

/** First and last arrival (wall ms) among the leads `include` keeps; lo > hi when there is none. */
export function span(leads: Ctx, include: (i: number) => boolean = () => true): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  leads.arrived.forEach((wall, i) => {
    if (wall === wall && leads.comboOf[i] >= 0 && include(i)) {
      if (wall < lo) lo = wall;
      if (wall > hi) hi = wall;
    }
  });
  return { lo, hi };
}

/** Whole days only: the leads of a period are those that arrived from its first day to before the next period's. */
export const dayOf = (wall: number) => Math.floor(wall / DAY_MS);

export type { Cell };
