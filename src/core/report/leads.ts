/**
 * What every built sheet starts from: the setup, the leads as read from their sheet, the visible
 * "Status → stage" table a person edits to map a spelling, and the count block: one row per
 * combination of status, won/lost value and furthest stage evidence (stage dates, stage flags)
 * that the leads have, one column per cohort, group or period, each cell a single COUNTIFS. Stage
 * counts, conversions, removals and groups are sums over that block, so a sheet costs one pass of
 * COUNTIFS per status and column, whatever the number of stages; and each count is also computed
 * here, lead by lead under the same criteria, as the value the sheet shows before it recalculates.
 */
import { isFlagSet } from '../evidence';
import { BLANK_GROUP, byText, groupKey } from '../funnel';
import { Pipeline } from '../pipeline';
import { ColumnField, Setup, pipelineOf } from '../setup';
import { DAY_MS, serialToWall } from '../time';
import { DateReader, isBlank, normalizeLabel } from '../values';
import { cellKey, criterionFor, notCriterionFor, serialOf } from './criteria';
import { Cell, Computed, HEAD, Layout, SECTION, asText, block, colName, fx, ref, sheetRef } from './grid';

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
  /** COUNTIFS criteria pairs selecting exactly these leads (no leading comma). */
  crit: string;
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
  /** Lead rows no combo holds because a stage-date cell holds text, per header. */
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
  const out: MapRow[] = [];
  const { stages, exits } = pipeline.def;
  for (const v of [...stages.map((s) => s.name), ...exits.map((e) => e.name), ...observed]) {
    if (isBlank(v)) continue;
    const s = String(v);
    if (seen.has(s.toLowerCase())) continue;
    seen.add(s.toLowerCase());
    const r = pipeline.resolve(s);
    const exit = r && r.exit >= 0 ? exits[r.exit] : undefined;
    out.push({ spelling: s, means: !r ? '' : exit ? exit.name : stages[r.stage].name, stage: r ? r.stage + 1 : 0, exit: exit?.name ?? '', removes: !!exit?.removes });
  }
  return out.sort((a, b) => (a.stage || 99) - (b.stage || 99));
}

export function makeCtx(input: LeadsInput): Ctx {
  const { setup, headers, rows } = input;
  const pipeline = new Pipeline(pipelineOf(setup));
  const stageCount = pipeline.stageNames.length;
  const keys = headers.map(normalizeLabel);
  const colIndex = (h: string) => (h ? keys.indexOf(normalizeLabel(h)) : -1);
  const colOf = (h: string) => {
    const i = colIndex(h) + 1;
    return i ? `${sheetRef(setup.leads.sheet)}$${colName(i)}:$${colName(i)}` : '';
  };
  const index = (f: ColumnField) => colIndex(setup.columns[f] || '');
  const val = (row: unknown[], f: ColumnField) => (index(f) < 0 ? '' : row[index(f)]);
  const statusAt = index('status');
  const resultAt = index('result');
  const arrivedAt = index('arrived');

  const serialCache = new Map<string, Float64Array>();
  const serials = (field: 'arrived' | 'removedAt' | 'lastActivity') => {
    let s = serialCache.get(field);
    if (!s) {
      const at = index(field);
      s = Float64Array.from(rows, (r) => (at < 0 ? NaN : serialOf(r[at])));
      serialCache.set(field, s);
    }
    return s;
  };
  const arrivedSerial = serials('arrived');
  const arrived = Array.from(arrivedSerial, (s) => (Number.isNaN(s) ? NaN : serialToWall(s)));
  let textDates = 0;
  if (arrivedAt >= 0) for (const r of rows) if (typeof r[arrivedAt] === 'string' && !isBlank(r[arrivedAt])) textDates++;

  // Evidence columns in stage order; a flag's yes as the spellings the column uses.
  const evidence: EvidenceRef[] = [];
  const addEvidence = (map: Record<string, string> | undefined, kind: 'date' | 'flag') => {
    for (const [stageName, header] of Object.entries(map ?? {})) {
      const stage = pipeline.stageIndex(stageName);
      const column = colIndex(header);
      if (stage < 0 || column < 0) continue;
      const yes: unknown[] = [];
      if (kind === 'flag') {
        const seen = new Set<string>();
        for (const r of rows) {
          const v = r[column];
          if (isFlagSet(v) && !seen.has(cellKey(v))) {
            seen.add(cellKey(v));
            yes.push(v);
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
  for (const r of rows) {
    if (statusAt >= 0 && !isBlank(r[statusAt])) observed.add(r[statusAt]);
    if (resultAt >= 0 && !isBlank(r[resultAt])) observed.add(r[resultAt]);
  }
  const map = statusMap(pipeline, observed);
  const mapByKey = new Map(map.map((m) => [m.spelling.toLowerCase(), m]));
  const lookup = (v: unknown): MapRow | undefined => (isBlank(v) ? undefined : mapByKey.get(String(v).toLowerCase()));

  // Each lead's combination: which evidence is its furthest (a date cell holding text fits no combination).
  const combos: Combo[] = [];
  const comboIndex = new Map<string, number>();
  const comboOf = new Int32Array(rows.length).fill(-1);
  const unreadEvidence = new Map<string, number>();
  const unplaced = new Map<string, number>();
  const statusRef = colOf(setup.columns.status);
  const resultRef = colOf(setup.columns.result);
  const arrivedRef = colOf(setup.columns.arrived);
  const addCombo = (status: unknown, result: unknown, ev: number, yes: unknown, arrivalOnly: boolean): number => {
    const key = `${cellKey(status)}\u0000${cellKey(result)}\u0000${ev}\u0000${cellKey(yes)}\u0000${arrivalOnly}`;
    let c = comboIndex.get(key);
    if (c !== undefined) return c;
    const parts: string[] = [];
    if (statusRef) parts.push(`${statusRef},${criterionFor(status)}`);
    if (resultRef) parts.push(`${resultRef},${criterionFor(result)}`);
    evidence.forEach((e, j) => {
      if (j === ev) parts.push(`${e.ref},${e.kind === 'date' ? '">0"' : criterionFor(yes)}`);
      else if (j > ev) {
        if (e.kind === 'date') parts.push(`${e.ref},""`);
        else for (const y of e.yes) parts.push(`${e.ref},${notCriterionFor(y)}`);
      }
    });
    if (arrivalOnly) parts.push(`${arrivedRef},">0"`);
    // As the sheet computes it: the status's stage (0 when the table cannot place it), raised by won/lost and evidence.
    const s = lookup(status);
    const rs = lookup(result);
    const evStage = ev >= 0 ? evidence[ev].stage + 1 : arrivalOnly ? 1 : 0;
    const level = !isBlank(status) && (!s || s.stage === 0) ? 0 : Math.max(s?.stage ?? 0, rs?.stage ?? 0, evStage);
    const removedAs = rs?.exit ? (rs.removes ? rs.exit : '') : s?.exit && s.removes ? s.exit : '';
    const open = level > 0 && level < stageCount && !(rs?.exit || s?.exit);
    combos.push({ status, result, evidence: ev, yes, arrivalOnly, level, removedAs, open, crit: parts.join(',') });
    comboIndex.set(key, (c = combos.length - 1));
    return c;
  };
  // The table's names first, so leads that arrive later under a canonical spelling are counted.
  if (statusRef) for (const m of map) addCombo(m.spelling, '', -1, '', false);
  let leadCount = 0;
  rows.forEach((r, i) => {
    const status = statusAt >= 0 ? r[statusAt] : '';
    const result = resultAt >= 0 ? r[resultAt] : '';
    let ev = -1;
    let yes: unknown = '';
    let unreadable = '';
    evidence.forEach((e, j) => {
      const v = r[e.column];
      if (e.kind === 'date') {
        if (!Number.isNaN(serialOf(v)) && (v as number) > 0) [ev, yes] = [j, ''];
        else if (!isBlank(v) || (typeof v === 'string' && v !== '')) unreadable = e.header;
      } else if (isFlagSet(v)) [ev, yes] = [j, v];
    });
    const blankLead = isBlank(status) && isBlank(result) && ev < 0;
    const hasArrival = !Number.isNaN(arrivedSerial[i]) && arrivedSerial[i] > 0;
    if (blankLead && !hasArrival) {
      if (unreadable) unreadEvidence.set(unreadable, (unreadEvidence.get(unreadable) ?? 0) + 1);
      return;
    }
    leadCount++;
    if (unreadable) {
      unreadEvidence.set(unreadable, (unreadEvidence.get(unreadable) ?? 0) + 1);
      return;
    }
    const c = addCombo(status, result, ev, yes, blankLead);
    comboOf[i] = c;
    if (combos[c].level === 0) {
      const key = String(status).trim();
      unplaced.set(key, (unplaced.get(key) ?? 0) + 1);
    }
  });

  const groupCache = new Map<string, { list: Group[]; of: Int32Array }>();
  const groups = (field: ColumnField, include: (i: number) => boolean = () => true) => {
    const at = index(field);
    const byKey = new Map<string, { spellings: Map<string, [unknown, number]>; labels: Map<string, number>; leads: number }>();
    const keyOf = new Array<string>(rows.length);
    rows.forEach((r, i) => {
      if (comboOf[i] < 0 || combos[comboOf[i]].level === 0 || !include(i)) return;
      const v = at < 0 ? '' : r[at];
      const key = groupKey(v);
      keyOf[i] = key;
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = { spellings: new Map(), labels: new Map(), leads: 0 }));
      g.leads++;
      const label = String(v ?? '').trim().replace(/\s+/g, ' ');
      g.labels.set(label, (g.labels.get(label) ?? 0) + 1);
      const sk = cellKey(v);
      const sp = g.spellings.get(sk);
      if (sp) sp[1]++;
      else g.spellings.set(sk, [v, 1]);
    });
    const list = [...byKey].map(([key, g]): Group & { key: string } => {
      const spellings = [...g.spellings.values()];
      // Named by its most common spelling (as written, without stray spaces), as FUNNELBY names it.
      const named = key === '' ? BLANK_GROUP : [...g.labels].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0][0];
      return { key, label: named, spellings: spellings.map(([v]) => v), leads: g.leads };
    }).sort((a, b) => b.leads - a.leads || (a.key === '' ? 1 : b.key === '' ? -1 : byText(a.label, b.label)));
    const position = new Map(list.map((g, k) => [g.key, k]));
    const of = new Int32Array(rows.length).fill(-1);
    rows.forEach((_, i) => {
      if (keyOf[i] !== undefined) of[i] = position.get(keyOf[i])!;
    });
    return { list, of };
  };

  return {
    input, pipeline, stages: pipeline.stageNames, index, colOf, val, map, evidence, combos, comboOf, serials, arrived, textDates,
    unplaced, unreadEvidence, leadCount,
    col: (f) => colOf(setup.columns[f] || ''),
    groups(field, include) {
      if (include) return groups(field, include);
      let g = groupCache.get(field);
      if (!g) groupCache.set(field, (g = groups(field)));
      return g;
    },
  };
}

/** Absolute references to the Status → stage table's columns. */
export interface MapRefs {
  /** Status, Means, Stage no., Exit, Removes: the range VLOOKUP reads. */
  table: string;
}

/** Writes the "Status → stage" table at (r, c). */
export function writeMap(L: Layout, r: number, c: number, x: Ctx): MapRefs {
  const status = x.col('status');
  const first = r + 3;
  const last = first + x.map.length - 1;
  L.put(r, c, ['Status → stage'], 't', SECTION);
  L.put(r + 1, c, ['Change a stage no. to move a status; insert a row inside this table to map a new spelling.'], 't');
  L.put(r + 2, c, ['Status', 'Means', 'Stage no.', 'Exit?', 'Removes?', 'Leads now'], 't', HEAD);
  const rows = x.input.rows;
  const statusAt = x.index('status');
  const now = new Map<string, number>();
  if (statusAt >= 0) for (const row of rows) if (!isBlank(row[statusAt])) now.set(String(row[statusAt]).toLowerCase(), (now.get(String(row[statusAt]).toLowerCase()) ?? 0) + 1);
  x.map.forEach((m, i) => L.put(first + i, c, [asText(m.spelling), asText(m.means || '(not placed)'), m.stage, m.exit ? 'yes' : 'no', m.removes ? 'yes' : 'no',
    status ? fx(`COUNTIF(${status},${ref(first + i, c)})`, now.get(m.spelling.toLowerCase()) ?? 0) : 0], 'ttitti'));
  return { table: block(first, c, Math.max(last, first), c + 4) };
}

/** One column of the count block: which leads it counts (a COUNTIFS criterion and the same test per lead). */
export interface CountColumn {
  title: string;
  /** Criteria pairs added to each combo's (with a leading comma), e.g. `,'Leads'!$D:$D,"=Referral"`. */
  crit: string;
  member: (i: number) => boolean;
  /** Sum this field's numbers instead of counting (pipeline value). */
  sum?: 'value';
}

/**
 * The count block: combos down, columns across, each cell one COUNTIFS (or SUMIFS), its value
 * counted here. Columns are added while a sheet is planned (their references are known at once)
 * and the block is written when the plan is made.
 */
export class CountBlock {
  private readonly columns: (CountColumn & { counts: Float64Array })[] = [];
  /** The block's fixed columns: Status, Won/lost, Evidence, Status stage, Won/lost stage, Evidence stage, Stage no., Removed as, Can go quiet. */
  static readonly FIXED = 9;
  readonly first: number;
  readonly last: number;

  /** Column 0 of every block: all leads, no criteria (the check below the block reads it). */
  static readonly ALL = 0;

  constructor(private readonly L: Layout, private readonly x: Ctx, readonly top: number, readonly left: number, private readonly map: MapRefs) {
    this.first = top + 3;
    this.last = this.first + Math.max(x.combos.length, 1) - 1;
    this.add({ title: 'All leads', crit: '', member: () => true });
  }

  private colRange(k: number): string {
    return block(this.first, this.left + k, this.last, this.left + k);
  }

  get levels(): string {
    return this.colRange(6);
  }

  get removedAs(): string {
    return this.colRange(7);
  }

  get quiet(): string {
    return this.colRange(8);
  }

  /** Adds a column; returns its index for reached(), total(), removed()... */
  add(column: CountColumn): number {
    const counts = new Float64Array(this.x.combos.length);
    const { comboOf, input } = this.x;
    const valueAt = this.x.index('value');
    for (let i = 0; i < comboOf.length; i++) {
      const c = comboOf[i];
      if (c < 0 || !column.member(i)) continue;
      if (column.sum) {
        const v = valueAt < 0 ? NaN : input.rows[i][valueAt];
        if (typeof v === 'number') counts[c] += v;
      } else counts[c]++;
    }
    this.columns.push({ ...column, counts });
    return this.columns.length - 1;
  }

  /** Adds many columns in one pass over the leads: `slot(i)` is the column (0-based among these) lead i falls in, or -1. */
  addMany(titles: string[], crits: string[], slot: (i: number) => number): number[] {
    const start = this.columns.length;
    const counts = titles.map(() => new Float64Array(this.x.combos.length));
    const { comboOf } = this.x;
    for (let i = 0; i < comboOf.length; i++) {
      const c = comboOf[i];
      if (c < 0) continue;
      const k = slot(i);
      if (k >= 0) counts[k][c]++;
    }
    titles.forEach((title, k) => this.columns.push({ title, crit: crits[k], member: () => false, counts: counts[k] }));
    return titles.map((_, k) => start + k);
  }

  range(j: number): string {
    return this.colRange(CountBlock.FIXED + j);
  }

  /** Leads of column j whose combo passes `test`. */
  private sumWhere(j: number, test: (c: Combo) => boolean): number {
    const counts = this.columns[j].counts;
    let n = 0;
    this.x.combos.forEach((c, k) => {
      if (test(c)) n += counts[k];
    });
    return n;
  }

  /** Leads of column j that reached stage k (1-based). */
  reached(j: number, k: number): Computed {
    return fx(`SUMIF(${this.levels},">=${k}",${this.range(j)})`, this.sumWhere(j, (c) => c.level >= k));
  }

  /** Value (or count) of the leads of column j whose furthest stage is at least k, as a number for the planner. */
  reachedValue(j: number, k: number): number {
    return this.sumWhere(j, (c) => c.level >= k);
  }

  /** Leads of column j removed through the exit `name`. */
  removed(j: number, name: string): Computed {
    return fx(`SUMIF(${this.removedAs},${criterionFor(name)},${this.range(j)})`, this.sumWhere(j, (c) => c.removedAs === name));
  }

  removedValue(j: number, name: string): number {
    return this.sumWhere(j, (c) => c.removedAs === name);
  }

  /** Leads of column j still open in the pipeline (they can go quiet). */
  open(j: number): Computed {
    return fx(`SUMIF(${this.quiet},"yes",${this.range(j)})`, this.sumWhere(j, (c) => c.open));
  }

  openValue(j: number): number {
    return this.sumWhere(j, (c) => c.open);
  }

  /** Writes the block (call once, after every column is added). */
  write(title = 'Lead counts'): void {
    const { L, x, top, left, first } = this;
    const hasResult = !!x.col('result');
    L.put(top, left, [title], 't', SECTION);
    L.put(top + 1, left, ['LeadFlow counts each kind of lead once here; the tables on this sheet add these counts up. Leave it in place.'], 't');
    L.put(top + 2, left, ['Status', 'Won / lost', 'Furthest evidence', 'Status stage', 'Won / lost stage', 'Evidence stage', 'Stage no.', 'Removed as', 'Can go quiet',
      ...this.columns.map((c) => c.title)], 't', HEAD);
    const S = x.stages.length;
    const tbl = this.map.table;
    x.combos.forEach((c, k) => {
      const r = first + k;
      const [a, b, f, g, h] = [0, 1, 3, 4, 5].map((o) => ref(r, left + o));
      const s = x.map.find((m) => m.spelling.toLowerCase() === String(c.status).toLowerCase());
      const rs = x.map.find((m) => !isBlank(c.result) && m.spelling.toLowerCase() === String(c.result).toLowerCase());
      const evStage = c.evidence >= 0 ? x.evidence[c.evidence].stage + 1 : c.arrivalOnly ? 1 : 0;
      const evLabel = c.evidence >= 0 ? `${x.evidence[c.evidence].header}${x.evidence[c.evidence].kind === 'flag' ? ` = ${String(c.yes)}` : ''}` : c.arrivalOnly ? 'Arrival date only' : '';
      // The table says of each spelling whether it is an exit and whether that exit removes ("yes"/"no"): never a blank cell,
      // which VLOOKUP would return as 0 in one engine and "" in another.
      const is = (col: string, k: number) => `IFERROR(VLOOKUP(${col},${tbl},${k},FALSE),"no")="yes"`;
      const means = (col: string) => `VLOOKUP(${col},${tbl},2,FALSE)`;
      const level = ref(r, left + 6);
      L.put(r, left, [
        asText(isBlank(c.status) ? '' : c.status), hasResult ? asText(isBlank(c.result) ? '' : c.result) : '', asText(evLabel),
        fx(`IF(${a}="","",IFERROR(VLOOKUP(${a},${tbl},3,FALSE),0))`, isBlank(c.status) ? '' : s?.stage ?? 0),
        fx(`IFERROR(VLOOKUP(${b},${tbl},3,FALSE),0)`, rs?.stage ?? 0),
        evStage,
        fx(`IF(${f}=0,0,MAX(N(${f}),${g},${h}))`, c.level),
        fx(`IF(${is(b, 4)},IF(${is(b, 5)},${means(b)},""),IF(${is(a, 5)},${means(a)},""))`, c.removedAs),
        fx(`IF(AND(${level}>0,${level}<${S},NOT(${is(a, 4)}),NOT(${is(b, 4)})),"yes","")`, c.open ? 'yes' : ''),
        ...this.columns.map((col) => fx(`${col.sum ? `SUMIFS(${x.col('value')},` : 'COUNTIFS('}${c.crit}${col.crit})`, col.counts[k])),
      ], `tttiiiittt${'i'.repeat(this.columns.length)}`);
    });
    if (x.col('status')) {
      const sc = colName(x.index('status') + 1);
      const leadsSheet = sheetRef(x.input.setup.leads.sheet);
      const withStatus = x.combos.map((c, k) => (isBlank(c.status) ? -1 : k)).filter((k) => k >= 0);
      const counted = this.columns.length ? withStatus.reduce((n, k) => n + this.columns[0].counts[k], 0) : 0;
      const statusCells = x.input.rows.reduce((n, r) => n + (isBlank(r[x.index('status')]) ? 0 : 1), 0);
      const all = this.columns.length ? `SUMIF(${block(first, left, this.last, left)},"<>",${this.range(0)})` : '0';
      L.put(this.last + 1, left, ['Leads this block does not hold (a new status spelling, or a date column holding text)', '', '', '', '', '', '', '', '',
        fx(`COUNTA(${x.col('status')})-COUNTA(${leadsSheet}$${sc}$1:$${sc}$${x.input.setup.leads.headerRow})-${all}`, statusCells - counted)], 'ttttttttti', HEAD);
    }
  }
}

/** First and last arrival (wall ms) among the leads `include` keeps; lo > hi when there is none. */
export function span(x: Ctx, include: (i: number) => boolean = () => true): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  x.arrived.forEach((t, i) => {
    if (t === t && x.comboOf[i] >= 0 && include(i)) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  });
  return { lo, hi };
}

/** Whole days only: the leads of a period are those that arrived from its first day to before the next period's. */
export const dayOf = (wall: number) => Math.floor(wall / DAY_MS);

export type { Cell };
