/**
 * Counting leads by the stage they reached, the light way (docs/recalculation.md).
 *
 * Each lead gets a stage no.: its status's stage from the sheet's Status → stage table, raised by
 * its won/lost value and by the furthest stage date or flag it has. Each way the sheet splits the
 * leads (all of them, the cohort, each source, each arrival month...) gives each lead a key: its
 * slice × (stages + 1) + its stage no., negative when the lead is in no slice. One FREQUENCY per
 * split counts every key in one pass over the leads, and each table cell adds a few of those counts.
 *
 * Sheets computes a key with an array expression over the leads' columns. Excel and LibreOffice
 * get the same values once per lead, on a hidden sheet (see XlsxPlan), because LibreOffice
 * evaluates array expressions a hundred times slower; where a cheaper per-lead form exists (MAX,
 * N, a step in a column of its own, another split's key), the file gets that. Each lead's stage
 * no. and keys are computed here too, under the formulas' own rules, as the values the sheet shows
 * before it recalculates.
 */
import { cellKey } from './criteria';
import { BUILT_SHEET, Cell, Computed, HEAD, Layout, NOT_A_LEAD, SECTION, XlsxPlan, asText, block, colName, fx, lit, ref, sheetRef } from './grid';
import { Ctx, MapRefs, exitNumber } from './leads';

/** A cell of the lead in a per-lead expression, by the leads' column letter. */
const leadToken = (letter: string) => `\u0001${letter}\u0001`;
/** A cell of the built sheet (absolute, e.g. $F$3) in a per-lead expression. */
const sheetToken = (reference: string) => `\u0002${reference}\u0002`;
/** Another per-lead column, by its index. */
const columnToken = (index: number) => `\u0003${index}\u0003`;
const TOKENS = /\u0001([A-Z]+)\u0001|\u0002([^\u0002]+)\u0002|\u0003(\d+)\u0003/g;

/** An expression over one lead, as text with tokens, and its value for each lead (NOT_A_LEAD for ""). */
export interface PerLeadValue {
  expr: string;
  values: Int32Array;
  /** The file's cheaper form of the same values, when it has one (see PerLead.add). */
  fileExpr?: string;
  /** For a split's keys: what they are made of, so the file can pack them with other splits' (see packKeys). */
  parts?: KeyParts;
  /**
   * A measure the file has no column for (net lead flow's kind): its file form as a test that the
   * row holds a lead (ISNUMBER of `guard`) and its number then, so a packed column that carries it
   * works it out once per lead (see packedColumn).
   */
  fileLead?: { guard: string; number: string };
}

/**
 * A split's keys as parts: each lead's measure (stage no. or kind, `width` of them) and its slice;
 * or, for a split that is another one's leads where a test holds, that split and the test.
 */
type KeyParts = { measure: PerLeadValue; width: number; slice: PerLeadValue; where?: { base: Split; test: string; holds: (lead: number) => boolean } };

/**
 * The per-lead expressions of one built sheet: rendered for Sheets as array expressions over the
 * leads' columns (other per-lead columns inlined), and for the file as one formula per lead.
 */
export class PerLead {
  private readonly columns: { title: string; expr: string | null; fileExpr: string; values: ArrayLike<number | string>; empty: number | string }[] = [];
  private readonly leadsSheet: string;
  private readonly firstRow: number;
  /** The stage no. column (a token `add` returned), the Status → stage table it reads, and the cell reserved for the file's check that another sheet's table says the same (see XlsxPlan). */
  stageColumn?: { token: string; table: string; check?: { row: number; column: number } };

  constructor(leads: Ctx, private readonly planName: string) {
    this.leadsSheet = sheetRef(leads.input.setup.leads.sheet);
    this.firstRow = leads.input.setup.leads.headerRow + 1;
  }

  /** The name of the file's hidden sheet of per-lead cells. */
  get sheetName(): string {
    return `${this.planName} · per lead`;
  }

  /** A lead's cell of a leads column (0-based index). */
  cell(column: number): string {
    return leadToken(colName(column + 1));
  }

  /** A cell of the built sheet, such as the cohort's bounds or the Status → stage table. */
  sheet(reference: string): string {
    return sheetToken(reference);
  }

  /**
   * Adds a column the file holds per lead; returns a token for expressions that read it. The file
   * may get a cheaper expression of the same values (`fileExpr`): each lead is one cell there, so
   * MAX and N work lead by lead, and LibreOffice charges for every operation it evaluates.
   */
  add(title: string, expr: string, values: ArrayLike<number | string>, empty: number | string, fileExpr = expr): string {
    this.columns.push({ title, expr, fileExpr, values, empty });
    return columnToken(this.columns.length - 1);
  }

  /** Adds a column only the file holds: a step its other per-lead cells read, so LibreOffice computes it once per lead. */
  fileOnly(title: string, fileExpr: string, values: ArrayLike<number | string>, empty: number | string): string {
    this.columns.push({ title, expr: null, fileExpr, values, empty });
    return columnToken(this.columns.length - 1);
  }

  /** For Sheets: the expression over the leads' columns from the first lead down (open-ended), per-lead columns inlined. */
  arrayExpr(expr: string): string {
    return expr.replace(TOKENS, (_, letter: string, reference: string, index: string) =>
      letter ? `${this.leadsSheet}$${letter}$${this.firstRow}:$${letter}` : reference ?? `(${this.arrayExpr(this.sheetsExpr(+index))})`);
  }

  private sheetsExpr(index: number): string {
    const { expr, title } = this.columns[index];
    if (expr === null) throw new Error(`The per-lead column "${title}" exists only in the file; a Sheets formula cannot read it.`);
    return expr;
  }

  /** For the file: the expression for the first lead's row of the per-lead sheet (relative rows: each lead's row reads its own). */
  private rowFormula(expr: string): string {
    return expr.replace(TOKENS, (_, letter: string, reference: string, index: string) =>
      letter ? `${this.leadsSheet}$${letter}${this.firstRow}` : reference ? `${BUILT_SHEET}${reference}` : `$${colName(+index + 1)}${this.firstRow}`);
  }

  /** For the file: a per-lead column (a token `add` returned) as an open-ended range of the per-lead sheet. */
  range(token: string): string {
    const index = +token.slice(1, -1);
    const letter = colName(index + 1);
    return `${sheetRef(this.sheetName)}$${letter}$${this.firstRow}:$${letter}`;
  }

  xlsx(formulas: XlsxPlan['formulas']): XlsxPlan {
    const stage = this.stageColumn;
    return {
      perLead: {
        name: this.sheetName,
        headerRow: this.firstRow - 1,
        columns: this.columns.map((column) => ({
          title: column.title, formula: `=${this.rowFormula(column.fileExpr)}`, empty: column.empty,
          values: column.values,
        })),
        ...(stage?.check ? { stage: { column: +stage.token.slice(1, -1), table: stage.table, check: stage.check } } : {}),
      },
      formulas,
    };
  }
}

/** Element-wise larger of two expressions (MAX would take the largest of the whole array); each is written twice, so keep them short. */
const larger = (a: string, b: string) => `IF(${a}>${b},${a},${b})`;

/** A status or won/lost cell looked up in the Status → stage table as VLOOKUP does: exact text in any case; a number matches none of its text spellings. */
function stageLookup(leads: Ctx): (cell: unknown) => number {
  const byKey = new Map(leads.map.map((mapRow) => [cellKey(mapRow.spelling), mapRow.stage]));
  return (cell) => (typeof cell === 'string' && cell !== '' ? byKey.get(cellKey(cell)) ?? 0 : 0);
}

/** A text cell as a VLOOKUP key: wildcards escaped when some spelling holds one, as the table's own spellings are plain text. */
function lookupKey(cell: string, spellings: Iterable<unknown>): string {
  for (const spelling of spellings) if (typeof spelling === 'string' && /[~*?]/.test(spelling)) return `SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(${cell},"~","~~"),"*","~*"),"?","~?")`;
  return cell;
}

/** A stage flag's cell holds one of the column's spellings of yes (text in any case, or TRUE). */
const flagSet = (cell: string, yes: unknown[]) => `(${yes.map((spelling) => `(${cell}=${typeof spelling === 'string' ? lit(spelling) : String(spelling).toUpperCase()})`).join('+') || '0'})>0`;

/** An empty cell as a formula's `cell=""` sees it (a cell of spaces is not empty). */
export const isEmpty = (cell: unknown) => cell === '' || cell === null || cell === undefined;
const isPositiveNumber = (cell: unknown) => typeof cell === 'number' && cell > 0;

/**
 * Each lead's stage no., as the formula computes it: "" for a row that is not a lead (no status,
 * won/lost, stage evidence or arrival), 0 for a lead whose status the table does not place.
 */
export function stageNumbers(leads: Ctx, perLead: PerLead, map: MapRefs): PerLeadValue {
  const { rows } = leads.input;
  const [statusAt, resultAt, arrivedAt] = [leads.index('status'), leads.index('result'), leads.index('arrived')];
  const lookup = stageLookup(leads);
  const table = perLead.sheet(map.table);
  const spellings = leads.map.map((mapRow) => mapRow.spelling);
  const [status, result, arrived] = [statusAt, resultAt, arrivedAt].map((at) => (at < 0 ? '' : perLead.cell(at)));

  // The status's stage: −1 without a status, 0 when the table cannot place it.
  const statusStages = Int32Array.from(rows, (row) => (statusAt < 0 || isEmpty(row[statusAt]) ? -1 : lookup(row[statusAt])));
  // (Not a per-lead column of its own: measured, LibreOffice takes as long either way, and the file is smaller.)
  const statusStage = status ? `IFERROR(VLOOKUP(${lookupKey(status, spellings)},${table},3,FALSE),0)` : '-1';
  const resultStage = result ? `IFERROR(VLOOKUP(${lookupKey(result, spellings)},${table},3,FALSE),0)` : '0';

  // The furthest stage evidence filled in: a stage date (a date), or a stage flag (one of the column's spellings of yes).
  let evidence = '0';
  for (const column of leads.evidence) {
    const cell = perLead.cell(column.column);
    const filled = column.kind === 'date' ? `ISNUMBER(${cell})*(${cell}>0)` : flagSet(cell, column.yes);
    evidence = `IF(${filled},${column.stage + 1},${evidence})`;
  }
  // The furthest of the three. IF evaluates one branch per lead, so each part is computed at most twice.
  const others = result ? (evidence === '0' ? resultStage : larger(resultStage, evidence)) : evidence;
  const noStatus = [status ? `(${status}="")` : '', result ? `(${result}="")` : ''].filter(Boolean).join('*') || '1';
  const arrivalOnly = arrived ? `${noStatus}*ISNUMBER(${arrived})*(${arrived}>0)` : '0';
  const withoutStatus = `IF(${others}>0,${others},IF(${arrivalOnly},1,IF(${noStatus},"",0)))`;
  const expr = status
    ? `IF(${status}="",${withoutStatus},IF(${statusStage}=0,0,${others === '0' ? statusStage : larger(statusStage, others)}))`
    : withoutStatus;

  const yesKeys = leads.evidence.map((column) => new Set(column.yes.map(cellKey)));
  const values = new Int32Array(rows.length);
  // The furthest stage its won/lost value and its stage dates or flags give each lead (0: none).
  const furthest = Int32Array.from(rows, (row) => {
    let stage = resultAt < 0 ? 0 : lookup(row[resultAt]);
    leads.evidence.forEach((column, j) => {
      const cell = row[column.column];
      if (column.kind === 'date' ? isPositiveNumber(cell) : yesKeys[j].has(cellKey(cell))) stage = Math.max(stage, column.stage + 1);
    });
    return stage;
  });
  rows.forEach((row, i) => {
    const ownStage = statusStages[i];
    if (ownStage === 0) return;
    const best = Math.max(ownStage, furthest[i]);
    const blank = ownStage === -1 && (resultAt < 0 || isEmpty(row[resultAt]));
    values[i] = best > 0 ? best : blank && arrivedAt >= 0 && isPositiveNumber(row[arrivedAt]) ? 1 : blank ? NOT_A_LEAD : 0;
  });

  // The file's form computes the furthest evidence once per lead: LibreOffice evaluates every copy
  // of a sub-expression, and that chain written five times cost it 5 s per 100,000 leads
  // (docs/recalculation.md). N() is a number's value and 0 for text or blank.
  const fileParts = [
    ...(result ? [resultStage] : []),
    ...leads.evidence.map((column) => {
      const cell = perLead.cell(column.column);
      const filled = column.kind === 'date' ? `(N(${cell})>0)` : `(${flagSet(cell, column.yes)})`;
      return `${filled}*${column.stage + 1}`;
    }),
  ];
  // Written where the stage no. reads it: a lead takes one branch, so the chain is worked out once
  // (twice for a lead with no status). A column of its own cost LibreOffice more in cells than it
  // saved (docs/recalculation.md).
  const furthestCell = fileParts.length === 0 ? '0' : `(${fileParts.length === 1 ? fileParts[0] : `MAX(${fileParts.join(',')})`})`;
  const fileArrivalOnly = arrived ? `${noStatus}*(N(${arrived})>0)` : '0';
  const fileWithoutStatus = furthestCell === '0' ? `IF(${fileArrivalOnly},1,IF(${noStatus},"",0))` : `IF(${furthestCell}>0,${furthestCell},IF(${fileArrivalOnly},1,IF(${noStatus},"",0)))`;
  // The status's stage looked up once: 1/(1/stage) is #DIV/0! for a status the table leaves at 0
  // (and VLOOKUP #N/A for one it lacks), which IFERROR makes 0; for any other stage ROUND gives it
  // back exactly. Each VLOOKUP costs LibreOffice a query set up and torn down per lead.
  const placedStage = `ROUND(1/(1/VLOOKUP(${lookupKey(status, spellings)},${table},3,FALSE)),0)`;
  const fileExpr = status
    ? `IF(${status}="",${fileWithoutStatus},${furthestCell === '0' ? statusStage : `IFERROR(MAX(${placedStage},${furthestCell}),0)`})`
    : fileWithoutStatus;
  const token = perLead.add('Stage no.', expr, values, '', fileExpr);
  perLead.stageColumn = { token, table: map.table };
  return { expr: token, values };
}

/**
 * Each lead's kind, for net lead flow: 0 not placed, 1 in the pipeline or past it, 2 open (it can
 * go quiet: placed, before the last stage, no exit), 2 + r removed for the r-th reason. Won/lost
 * says the exit when it names one; else the status does.
 */
export function leadKinds(leads: Ctx, perLead: PerLead, level: PerLeadValue, map: MapRefs, reasons: string[]): { kind: PerLeadValue; labels: string[] } {
  const { rows } = leads.input;
  const [statusAt, resultAt] = [leads.index('status'), leads.index('result')];
  const byKey = new Map(leads.map.map((mapRow) => [cellKey(mapRow.spelling), exitNumber(mapRow, reasons)]));
  const exitOf = (cell: unknown) => (typeof cell === 'string' && cell !== '' ? byKey.get(cellKey(cell)) ?? 0 : 0);
  const spellings = leads.map.map((mapRow) => mapRow.spelling);
  const lookup = (at: number) => (at < 0 ? '0' : `IFERROR(VLOOKUP(${lookupKey(perLead.cell(at), spellings)},${perLead.sheet(map.withExits!)},7,FALSE),0)`);
  const [statusExit, resultExit] = [lookup(statusAt), lookup(resultAt)];
  const removedFor = resultAt < 0 ? `IF(${statusExit}>0,${statusExit},0)` : `IF(${resultExit}<>0,IF(${resultExit}>0,${resultExit},0),IF(${statusExit}>0,${statusExit},0))`;
  // Products of comparisons, not a comparison of a TRUE/FALSE with 0 (FALSE=0 is FALSE in Excel and HyperFormula).
  const noExit = resultAt < 0 ? `(${statusExit}=0)` : `(${statusExit}=0)*(${resultExit}=0)`;
  const stage = level.expr;
  const kindNumber = (removed: string) => `IF(${stage}<1,0,IF(${removed}>0,2+${removed},IF((${stage}<${leads.stages.length})*${noExit},2,1)))`;
  const expr = `IF(ISNUMBER(${stage}),${kindNumber(removedFor)},"")`;
  // The file has no column of kinds: the packed keys work each lead's out where they read it. There
  // a lead is one cell, where MAX is the larger of two numbers: fewer lookups for LibreOffice.
  // Without a won/lost column the exit no. is looked up once: CHOOSE picks the kind from a list by
  // exit no. (−1 keeps the lead, 0 none, r the r-th reason) and whether the lead is at the last stage.
  // Not INDEX of an array constant: LibreOffice works a per-lead column holding one out on its main
  // thread, cell by cell, where CHOOSE lets it share the column among its threads (docs/recalculation.md).
  const byExit = [1, 1, 2, 1, ...reasons.flatMap((_, r) => [3 + r, 3 + r])];
  const fileLead = {
    guard: stage,
    number: resultAt < 0 && statusAt >= 0
      ? `IF(${stage}<1,0,CHOOSE(2*${statusExit}+3+(${stage}>=${leads.stages.length}),${byExit.join(',')}))`
      : kindNumber(resultAt < 0 ? `MAX(${statusExit},0)` : `IF(${resultExit}<>0,MAX(${resultExit},0),MAX(${statusExit},0))`),
  };
  const values = Int32Array.from(rows, (row, i) => {
    const reached = level.values[i];
    if (reached === NOT_A_LEAD || reached < 1) return reached === NOT_A_LEAD ? NOT_A_LEAD : 0;
    const [ownExit, resultExitNo] = [statusAt < 0 ? 0 : exitOf(row[statusAt]), resultAt < 0 ? 0 : exitOf(row[resultAt])];
    const removed = resultExitNo !== 0 ? Math.max(resultExitNo, 0) : Math.max(ownExit, 0);
    if (removed > 0) return 2 + removed;
    return reached < leads.stages.length && ownExit === 0 && resultExitNo === 0 ? 2 : 1;
  });
  return {
    kind: { expr, values, fileLead },
    labels: ['Not placed', 'In the pipeline or past it', 'Open', ...reasons.map((reason) => `Removed: ${reason}`)],
  };
}

/**
 * The largest number a column of packed keys holds. Excel 2003's MOD fails with #NUM! once the
 * quotient reaches 2^27; below that every MOD the keys are taken apart with is in range anywhere,
 * and far inside the 15 digits LibreOffice's INT and MOD keep exact.
 */
const PACKED_LIMIT = 2 ** 27;

/** A split's digit in a packed column: its radix, its place value, and the split it is a yes/no digit of, if it is one. */
interface PackedDigit { split: Split; radix: number; place: number; base?: Split }

/** One way of splitting the leads: its slices, each lead's key, and where its counts are written. */
export interface Split {
  title: string;
  slices: string[];
  key: PerLeadValue;
  /** The file's per-lead column of the keys (a PerLead token), when the split has one of its own; else its keys are packed (packKeys). */
  keyColumn?: string;
  /** What its keys are made of, when the file packs them (packKeys); unset when they have a column of their own. */
  parts?: KeyParts;
  /** Keys per slice: stages + 1 for a split by stage no., or the number of kinds (see leadKinds). */
  width: number;
  /** What each key of a slice stands for, when not a stage no. */
  labels?: string[];
  /** Row of the count of negative keys (FREQUENCY's first bin); key k is k + 1 rows below. */
  top: number;
  column: number;
  counts: Float64Array;
}

/**
 * The count block: one FREQUENCY per split of the leads, side by side, each beside its keys, with
 * the slice and stage no. each key stands for. Splits are added while a sheet is planned; the
 * block is written when the plan is made.
 */
export class StageCounts {
  readonly stages: number;
  private readonly splits: Split[] = [];
  private nextColumn: number;
  /** Cells whose formula the file writes its own way (they read the per-lead sheet). */
  readonly fileFormulas: XlsxPlan['formulas'] = [];
  readonly level: PerLeadValue;
  /**
   * All leads in one slice, by stage no. (or by kind, see allBy); its key 0 counts the leads the
   * table does not place.
   */
  all!: Split;
  /** The slice every lead is in, for a split of all leads. */
  readonly everyLead: PerLeadValue;

  /** Where the next table of spellings goes (beside the Status → stage table). */
  private tableRow: number;

  /**
   * `all` says how the split of all leads is counted in the file: from the stage no. column (the
   * funnel, whose pipeline values read that column anyway), from the packed keys (`keys`), or by a
   * measure the sheet adds later with allBy (`later`, net lead flow's kind). Counted from the keys,
   * the stage no. needs no cells of its own when another sheet's can be read instead.
   */
  constructor(private readonly layout: Layout, private readonly leads: Ctx, readonly perLead: PerLead, readonly top: number, left: number, map: MapRefs, private readonly tablesAt: [number, number], all: 'column' | 'keys' | 'later' = 'column') {
    this.tableRow = tablesAt[0];
    this.stages = leads.stages.length;
    this.nextColumn = left;
    this.level = stageNumbers(leads, perLead, map);
    this.everyLead = { expr: '0', values: new Int32Array(leads.input.rows.length) };
    if (all === 'column') this.all = this.addSplit('All leads', ['All leads'], this.level);
    if (all === 'keys') this.allBy(this.level, this.stages + 1);
  }

  /** Counts all leads by a measure (stage no. or kind), from the packed keys in the file; its key 0 is the leads the table does not place. */
  allBy(measure: PerLeadValue, width: number, kinds?: string[]): Split {
    this.all = this.addSplit('All leads', ['All leads'], this.keysOf(this.everyLead, measure, width), kinds);
    return this.all;
  }

  /**
   * Keys of a split from each lead's slice (−1: in none), as an expression and per lead. A lead in
   * no slice gets a key below 0 (−1 slice × width + a stage no. under the width), counted with the
   * keys FREQUENCY puts in its first bin; a lead the table does not place is at stage 0 of its
   * slice, which no "reached" adds up.
   */
  keysOf(slice: PerLeadValue, measure: PerLeadValue = this.level, width = this.stages + 1): PerLeadValue {
    const expr = `IF(ISNUMBER(${measure.expr}),(${slice.expr})*${width}+${measure.expr},"")`;
    const values = Int32Array.from(measure.values, (value, i) => (value === NOT_A_LEAD ? NOT_A_LEAD : slice.values[i] * width + value));
    return { expr, values, parts: { measure, width, slice } };
  }

  /**
   * Keys of a split whose slice is `base`'s slice where `test` holds (`holds` says so per lead),
   * and none elsewhere (leads with no removal date, leads quiet now): in the file, one yes/no digit
   * beside `base`'s keys, so LibreOffice does not work the slice out twice per lead.
   */
  keysWhere(base: Split, test: string, holds: (lead: number) => boolean, slice: PerLeadValue, measure: PerLeadValue, width: number): PerLeadValue {
    const keys = this.keysOf(slice, measure, width);
    return { ...keys, parts: { ...keys.parts!, where: { base, test, holds } } };
  }

  /**
   * Adds a split: `key` gives each lead slice × width + its stage no. (or kind), or a negative
   * number. Its keys are packed with the other splits' in the file (packKeys) unless `ownColumn`:
   * a split whose keys other file formulas read as a range (COUNTIFS takes no array).
   */
  addSplit(title: string, slices: string[], key: PerLeadValue, kinds?: string[], ownColumn = false): Split {
    const width = kinds ? kinds.length : this.stages + 1;
    const keyCount = slices.length * width;
    const counts = new Float64Array(keyCount + 2);
    for (const value of key.values) if (value !== NOT_A_LEAD) counts[value < 0 ? 0 : value < keyCount ? value + 1 : keyCount + 1]++;
    const packed = key.parts !== undefined && !ownColumn;
    const keyColumn = !this.level || key === this.level ? key.expr : packed ? undefined : this.perLead.add(`${title}: key`, key.expr, key.values, '', key.fileExpr);
    const split: Split = { title, slices, key, keyColumn, parts: packed ? key.parts : undefined, width, labels: kinds, top: this.top + 3, column: this.nextColumn, counts };
    this.nextColumn += 5;
    this.splits.push(split);
    return split;
  }

  /** A slice's per-lead expression from a cell of each lead matched against groups of spellings (a source, an owner). */
  groupSlice(field: 'source' | 'owner', groups: { spellings: unknown[] }[], blankGroup: number): PerLeadValue {
    const at = this.leads.index(field);
    const other = groups.length;
    const slotOf = new Map<string, number>();
    const spellings: unknown[] = [];
    groups.forEach((group, slot) => group.spellings.forEach((spelling) => {
      if (isEmpty(spelling) || slotOf.has(cellKey(spelling))) return;
      slotOf.set(cellKey(spelling), slot);
      spellings.push(spelling);
    }));
    // The spellings and their group on the sheet, for VLOOKUP (and for a person reading the block).
    const [tableRow, tableColumn] = [this.tableRow, this.tablesAt[1]];
    this.tableRow += spellings.length + 3;
    this.layout.put(tableRow, tableColumn, [`${field === 'source' ? 'Source' : 'Owner'} as written`, 'Group no.'], 't', HEAD);
    spellings.forEach((spelling, n) => this.layout.put(tableRow + 1 + n, tableColumn, [typeof spelling === 'string' ? asText(spelling) : spelling as Cell, slotOf.get(cellKey(spelling))!], 'ti'));
    const table = block(tableRow + 1, tableColumn, tableRow + Math.max(1, spellings.length), tableColumn + 1);
    const cell = this.perLead.cell(at);
    const blankSlot = blankGroup >= 0 ? blankGroup : other;
    // Every cell of the column decides whether wildcards need escaping: a source of a group not shown may hold one.
    const expr = `IF(${cell}="",${blankSlot},IFERROR(VLOOKUP(${lookupKey(cell, this.leads.input.rows.map((row) => row[at]))},${this.perLead.sheet(table)},2,FALSE),${other}))`;
    const values = Int32Array.from(this.leads.input.rows, (row) => (isEmpty(row[at]) ? blankSlot : slotOf.get(cellKey(row[at])) ?? other));
    return { expr, values };
  }

  private keyRow(split: Split, slice: number, stage: number): number {
    return split.top + 1 + slice * split.width + stage;
  }

  /** A split's key column and its counts, for SUMIFS over them (a count from a stage no. held in a cell). */
  ranges(split: Split): { keys: string; leads: string } {
    const bottom = split.top + split.slices.length * split.width + 1;
    return { keys: block(split.top, split.column + 2, bottom, split.column + 2), leads: block(split.top, split.column + 3, bottom, split.column + 3) };
  }

  /** Leads of a slice whose key within it (stage no. or kind) is from `first` to `last`. */
  count(split: Split, slice: number, first: number, last: number): Computed {
    const countColumn = split.column + 3;
    const [from, to] = [this.keyRow(split, slice, first), this.keyRow(split, slice, last)];
    let total = 0;
    for (let row = from; row <= to; row++) total += split.counts[row - split.top];
    return fx(from === to ? ref(from, countColumn, 1) : `SUM(${ref(from, countColumn, 1)}:${ref(to, countColumn, 1)})`, total);
  }

  /** Leads of a slice whose stage no. is `stage` or more. */
  reached(split: Split, slice: number, stage: number): Computed {
    const countColumn = split.column + 3;
    return fx(`SUM(${ref(this.keyRow(split, slice, stage), countColumn, 1)}:${ref(this.keyRow(split, slice, this.stages), countColumn, 1)})`, this.reachedValue(split, slice, stage));
  }

  reachedValue(split: Split, slice: number, stage: number): number {
    let total = 0;
    for (let level = stage; level <= this.stages; level++) total += split.counts[this.keyRow(split, slice, level) - split.top];
    return total;
  }

  /** Leads of all the slices together (a group written several ways). */
  reachedOver(split: Split, slices: number[], stage: number): Computed {
    const parts = slices.map((slice) => this.reached(split, slice, stage));
    return fx(parts.map((part) => part.f.slice(1)).join('+') || '0', parts.reduce((total, part) => total + (part.v as number), 0));
  }

  /** Writes the block: per split its keys, what each stands for, and one FREQUENCY (call once, after every split is added). */
  write(title = 'Lead counts'): XlsxPlan {
    const { layout, top } = this;
    const packed = this.packKeys();
    layout.put(top, this.splits[0].column, [title], 't', SECTION);
    layout.put(top + 1, this.splits[0].column, ['Each lead is counted once per table below, by one FREQUENCY of its key: its group or period times the keys per group, plus its stage no. or kind. The report adds these counts up. Leave it in place.'], 't');
    for (const split of this.splits) {
      const { column, slices, counts, width, labels } = split;
      const keyCount = slices.length * width;
      layout.put(top + 2, column, [split.title, labels ? 'Kind' : 'Stage no.', 'Key', 'Leads'], 't', HEAD);
      layout.put(split.top, column, ['Not in this table', '', -1], 'tti');
      for (let key = 0; key < keyCount; key++) {
        layout.put(split.top + 1 + key, column, [asText(slices[Math.floor(key / width)]), labels ? asText(labels[key % width]) : key % width, key], labels ? 'tti' : 'tii');
      }
      layout.put(split.top + 1 + keyCount, column, ['Past the last key', '', ''], 't');
      const keys = block(split.top, column + 2, split.top + keyCount, column + 2);
      layout.spill(split.top, column + 3, `ARRAYFORMULA(FREQUENCY(${this.perLead.arrayExpr(split.key.expr)},${keys}))`, Array.from(counts));
      this.fileFormulas.push({ row: split.top, column: column + 3, formula: `=FREQUENCY(${packed.get(split) ?? this.perLead.range(split.keyColumn!)},${keys})` });
    }
    return this.perLead.xlsx(this.fileFormulas);
  }

  /**
   * The file's packed keys. A per-lead cell costs LibreOffice about as much to exist as a short
   * formula costs to run (docs/recalculation.md), so the splits that share a measure share one
   * per-lead column: each lead's number there is its measure plus, above it, one digit per split
   * (its slice + 1, 0 for none, clamped so a slice past the table cannot spill into the next
   * digit), or a yes/no digit for a split that is another one's leads where a test holds. Each
   * split's FREQUENCY takes its keys back out with INT and MOD over the column, an array
   * expression of plain arithmetic, which LibreOffice evaluates about as fast as it reads the
   * range. A column stops growing before its numbers pass PACKED_LIMIT. Returns each packed
   * split's keys as that array expression.
   */
  private packKeys(): Map<Split, string> {
    const decoded = new Map<Split, string>();
    const byMeasure = new Map<string, Split[]>();
    for (const split of this.splits) if (split.parts) byMeasure.set(split.parts.measure.expr, [...(byMeasure.get(split.parts.measure.expr) ?? []), split]);
    for (const splits of byMeasure.values()) {
      const { measure, width } = splits[0].parts!;
      let digits: PackedDigit[] = [];
      // A split of all leads needs no digit: its key is the measure, the number's remainder by width.
      const everyLead = splits.filter((split) => split.parts!.slice === this.everyLead && !split.parts!.where);
      const finish = () => {
        if (!digits.length && !everyLead.length) return;
        const undigited = everyLead.splice(0);
        const column = this.packedColumn(measure, width, digits, undigited);
        for (const split of undigited) decoded.set(split, `IFERROR(MOD(${column},${width}),"")`);
        const digitAt = (place: number, radix: number) => `MOD(INT(${column}/${place}),${radix})`;
        const placeOf = new Map(digits.map((digit) => [digit.split, digit.place]));
        // The key is (digit - 1) × width + measure. The lowest digit and the measure below it are
        // the number's remainder by width × radix, so that key needs one read of the column, not two.
        const keyOf = (split: Split, place: number): string => {
          const radix = split.slices.length + 2;
          return place === width ? `MOD(${column},${width * radix})-${width}` : `(${digitAt(place, radix)}-1)*${width}+MOD(${column},${width})`;
        };
        for (const { split, place, base } of digits) {
          const keys = base ? `IF(${digitAt(place, 2)},${keyOf(base, placeOf.get(base)!)},-1)` : keyOf(split, place);
          // A row that holds no lead has "" there: the arithmetic makes it #VALUE!, and IFERROR makes
          // that "" again, which FREQUENCY skips. IF(ISNUMBER(...)) said the same with one more read
          // of the column, and each read of 110,000 formula cells costs LibreOffice about 50 ms.
          decoded.set(split, `IFERROR(${keys},"")`);
        }
        digits = [];
      };
      let place = width;
      for (const split of splits) {
        if (everyLead.includes(split)) continue;
        // A yes/no digit needs its base split's digit in the same column; elsewhere the split is a digit of its own.
        const where = split.parts!.where;
        let base = where && digits.some((digit) => digit.split === where.base && !digit.base) ? where.base : undefined;
        if (digits.length && place * (base ? 2 : split.slices.length + 2) > PACKED_LIMIT) {
          finish();
          place = width;
          base = undefined;
        }
        const radix = base ? 2 : split.slices.length + 2;
        digits.push({ split, radix, place, base });
        place *= radix;
      }
      finish();
    }
    return decoded;
  }

  /** Adds the per-lead column of packed keys (see packKeys) for these digits; returns it as a range of the per-lead sheet. */
  private packedColumn(measure: PerLeadValue, width: number, digits: PackedDigit[], undigited: Split[]): string {
    // Written from the highest digit down (Horner's rule): measure + width × (digit + radix × (digit + ...)).
    let expr = '';
    for (let at = digits.length - 1; at >= 0; at--) {
      const { split, radix, base } = digits[at];
      const digit = base ? `(${split.parts!.where!.test})` : `MEDIAN(0,(${split.parts!.slice.expr})+1,${radix - 1})`;
      expr = expr ? `${digit}+${radix}*(${expr})` : digit;
    }
    const values = Float64Array.from(measure.values, (value, lead) => {
      if (value === NOT_A_LEAD) return NOT_A_LEAD;
      let number = 0;
      for (let at = digits.length - 1; at >= 0; at--) {
        const { split, radix, base } = digits[at];
        const digit = base ? (split.parts!.where!.holds(lead) ? 1 : 0) : Math.min(Math.max(split.parts!.slice.values[lead] + 1, 0), radix - 1);
        number = digit + radix * number;
      }
      return value + width * number;
    });
    const title = `Keys of ${[...undigited, ...digits.map((digit) => digit.split)].map((split) => split.title).join('; ')}`;
    const { guard, number } = measure.fileLead ?? { guard: measure.expr, number: measure.expr };
    return this.perLead.range(this.perLead.fileOnly(title, `IF(ISNUMBER(${guard}),${number}${expr ? `+${width}*(${expr})` : ''},"")`, values, ''));
  }

  /**
   * The line under the Status → stage table (at row, column): leads whose status it does not place
   * are in no stage. The line below it stays empty in the plan: the file may put there its check
   * that this table says what another sheet's does (XlsxPlan's perLead.stage).
   */
  writeUnplaced(row: number, column: number): void {
    this.layout.put(row, column, ['Leads whose status this table does not place (add the spelling above to count them)', '', '', '', '',
      fx(ref(this.all.top + 1, this.all.column + 3), this.all.counts[1])], 'ttttti', HEAD);
    this.layout.put(row + 1, column, ['', '', '', '', '', ''], 't');
    if (this.perLead.stageColumn) this.perLead.stageColumn.check = { row: row + 1, column };
  }

  /** Adds a file formula for a cell (the plan's own formula is the one Sheets gets). */
  fileFormula(row: number, column: number, formula: string): void {
    this.fileFormulas.push({ row, column, formula });
  }
}
