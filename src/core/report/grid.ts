/**
 * A built sheet as plain data: one rectangle of values and formulas with a number format and a
 * style per cell, plus charts, checkbox blocks and "highlight when negative" ranges. The server
 * writes a plan with a fixed number of batched calls whatever its size, so a build costs the same
 * number of service calls for a thousand leads as for a hundred thousand.
 */
import { wallToSerial } from '../time';

export type Cell = string | number | boolean;
/** A formula with the value it computes, counted by the planner under the formula's own rules (see criteria.ts). */
export interface Computed {
  f: string;
  v: Cell;
}
export const fx = (formula: string, value: Cell | null): Computed => ({ f: formula.startsWith('=') ? formula : `=${formula}`, v: value === null ? '' : value });
const isComputed = (cell: unknown): cell is Computed => typeof cell === 'object' && cell !== null && 'f' in cell;
/** A block of cells, 1-based: row, column, rows, columns. */
export type Box = [number, number, number, number];
export type Kind = 'funnel' | 'flow' | 'checklist';

/** One series of a chart: its values (one column, no header) and how it is drawn. */
export interface ChartSeries {
  name: string;
  values: Box;
  /** 'bar' (horizontal), 'column' (vertical) or 'line'. */
  as: 'bar' | 'column' | 'line';
  /** Colour of the bars or line, as #rrggbb. */
  color?: string;
  /** For columns: the colour of negative values (net lead flow's bad periods). */
  negativeColor?: string;
  /** Text shown at each point (one column, same height as values), e.g. the step conversion. */
  labels?: Box;
  /** Number format of the axis this series is read on. */
  format?: string;
}

export interface ChartSpec {
  /**
   * 'funnel': horizontal bars, the first category (the first stage) on top, bar length the value;
   * 'combo': columns and lines over the same categories; 'line': lines.
   */
  type: 'funnel' | 'combo' | 'line';
  title: string;
  /** The category labels: one column, no header (stages, months). */
  categories: Box;
  series: ChartSeries[];
  /** Data blocks (each with its header row), side by side: how Sheets' chart builder is given the data. */
  ranges: Box[];
  /** Anchor cell (row, column). */
  at: [number, number];
  /** Width and height in pixels. */
  size: [number, number];
}

export interface Plan {
  kind: Kind;
  /** The sheet's name before any "(2)" for a clash. */
  name: string;
  cells: Cell[][];
  /** What each cell shows: a formula's computed value, or the cell itself. */
  values: Cell[][];
  formats: string[][];
  /** 0 plain, 1 header (bold, light fill), 2 title, 3 section title. */
  styles: number[][];
  charts: ChartSpec[];
  checkboxes: Box[];
  negatives: Box[];
  /** Header cells over a column of numbers, aligned right as the numbers are (one row high each). */
  rightAligned: Box[];
  /** Things the person building should know (also on row 4 of the sheet). */
  notes: string[];
  /** The part of the sheet a person reads and prints: the report, not the map and count block beside it. */
  printArea: Box;
  /** Rows to keep in view when scrolling (the title rows). */
  frozenRows: number;
  /** Array formulas (FREQUENCY): anchor row, column and the rows the result fills; the other cells of each stay empty for Sheets. */
  spills?: Box[];
  /** Left out when the plan travels to Sheets (see XlsxPlan). */
  xlsx?: XlsxPlan;
}

/**
 * A row that holds no lead gets "" (not −1) as stage no. and key: FREQUENCY skips text, so the
 * counts do not depend on how many empty rows the leads sheet has below its last lead. Here it is
 * the lowest 32-bit number, which no key reaches (a lead in no slice has a key of −1 × width + its
 * stage no. or kind: −2 is a key).
 */
export const NOT_A_LEAD = -2_147_483_648;

/** How per-lead formulas name the built sheet they read (its Status → stage table, its cohort bounds). */
export const BUILT_SHEET = "'⟨built sheet⟩'!";

/**
 * How Excel and LibreOffice get the numbers Sheets computes with array expressions over the leads'
 * columns: LibreOffice evaluates such an expression a hundred times slower than the same
 * expression written once per lead (docs/recalculation.md). So the file holds a hidden sheet of
 * per-lead cells, and the cells that read an array expression read that sheet instead.
 */
export interface XlsxPlan {
  /** The per-lead formulas name the built sheet so (its name is the plan's, which may change before the file is written). */
  perLead: {
    name: string;
    /** The row of the leads' header: the titles go there, the first lead is the row below. */
    headerRow: number;
    /**
     * Each column: the first lead's formula (relative rows; the file makes it a defined name that
     * each lead's cell calls), each lead's value (NOT_A_LEAD for ""; kept as the planner's typed
     * array, not copied: at a million leads a copy of every column cost 170 MB), and the value of
     * an empty row.
     */
    columns: { title: string; formula: string; values: ArrayLike<number | string>; empty: number | string }[];
    /**
     * The stage no. column (its index), the built sheet's Status → stage table it looks statuses up
     * in, and an empty cell of the built sheet below that table (its label; the check goes five
     * columns right). When another per-lead sheet of the file has the same stage no. but for its
     * table, the writer makes this one read that one's while the two tables say the same, checked
     * there (report-writer's shareStageNumbers).
     */
    stage?: { column: number; table: string; check: { row: number; column: number } };
  };
  /**
   * Cells whose formula differs in the file (an array formula spills as the plan's spills say),
   * with the value the file caches when it differs from the plan's. FILE_LAST_ROW and
   * FILE_UNREAD_ROW in either stand for rows only the file writer knows. An empty formula makes
   * the file hold `value` itself.
   */
  formulas: { row: number; column: number; formula: string; value?: Cell }[];
}

/** In a file formula: the last row of the leads the file's formulas read (readRowsTo in the writer). */
export const FILE_LAST_ROW = '\u2039last read row\u203a';
/** In a file formula: the row below it, the first the file's formulas do not read. */
export const FILE_UNREAD_ROW = '\u2039first unread row\u203a';

/** The plan as the build dialog sends it to the server: no cached values (Sheets computes them), nothing only the file needs. */
export function forSheets(plan: Plan): Plan {
  const { xlsx: _fileOnly, ...sent } = plan;
  return { ...sent, values: [] };
}

/** A number format that shows a currency ("$#,##0.00", "#,##0.00 [$€-x-euro]", "[$£]#,##0", "#,##0 \"EUR\""): amounts built from it should show it too. */
export function isCurrencyFormat(format: string | null | undefined): format is string {
  return !!format && /[$€£¥₹]|\[\$[^\]]+\]|"[A-Z]{3}"/.test(format);
}

/** Number formats by one-letter code: t general, i count, p percent, d date, m month, s date and time, y days. */
export const FORMATS: Record<string, string> = { t: '0.###############', i: '#,##0', p: '0.0%', d: 'yyyy-mm-dd', m: 'yyyy-mm', s: 'yyyy-mm-dd hh:mm', y: '0.0', c: '#,##0.00' };
export const HEAD = 1;
export const TITLE = 2;
export const SECTION = 3;

export const colName = (column: number): string => (column > 26 ? colName(Math.floor((column - 1) / 26)) : '') + String.fromCharCode(65 + ((column - 1) % 26));
/** A1 reference: relative (B5), absolute ($B$5) or with a fixed column ($B5). */
export const ref = (row: number, column: number, abs: 0 | 1 | 2 = 0) => `${abs ? '$' : ''}${colName(column)}${abs === 1 ? '$' : ''}${row}`;
export const block = (top: number, left: number, bottom: number, right: number) => `${ref(top, left, 1)}:${ref(bottom, right, 1)}`;
/** A text literal inside a formula. */
export const lit = (text: string) => `"${text.replace(/"/g, '""')}"`;
export const sheetRef = (sheet: string) => `'${sheet.replace(/'/g, "''")}'!`;
/** Text a sheet would otherwise read as a formula, number, date or boolean stays text. */
export const asText = (value: unknown): string => {
  const text = String(value);
  return /^[=+\-@']|^[\d\s.,:/$%()]+$|^(true|false)$/i.test(text.trim()) ? `'${text}` : text;
};
/** What a plain cell shows: text written with a leading apostrophe shows without it. */
const shown = (cell: Cell): Cell => (typeof cell === 'string' && cell.startsWith("'") ? cell.slice(1) : cell);

export const dateFormula = (wall: number) => {
  const date = new Date(wall);
  return `=DATE(${date.getUTCFullYear()},${date.getUTCMonth() + 1},${date.getUTCDate()})`;
};

/** A day as a DATE() formula with its serial number as the value (whole days, wall time). */
export const dateCell = (wall: number): Computed => fx(dateFormula(wall), wallToSerial(Math.floor(wall / 86_400_000) * 86_400_000));

type Slot = [Cell, string, number, Cell];

export class Layout {
  readonly rows: Slot[][] = [];
  readonly charts: ChartSpec[] = [];
  readonly checkboxes: Box[] = [];
  readonly negatives: Box[] = [];
  readonly notes: string[] = [];
  /** Columns of the report itself (left of the map and count block); set by the planner. */
  reportColumns = 0;
  /** Rows kept in view when scrolling and repeated on each printed page (the title rows, a table's header). */
  frozenRows = 0;
  /** Number formats that replace a code's default for this sheet: the leads' own currency for 'c'. */
  readonly formatOverrides: Record<string, string> = {};
  readonly spills: Box[] = [];
  /** Cells the file writes its own way (added to the XlsxPlan's when the plan is made). */
  readonly fileFormulas: XlsxPlan['formulas'] = [];
  xlsx?: XlsxPlan;

  /** Writes one row of cells from (row, column); formatCodes holds one format code per cell, the last one repeating. */
  put(row: number, column: number, values: (Cell | Computed)[], formatCodes = 'i', style = 0): void {
    while (this.rows.length < row) this.rows.push([]);
    values.forEach((value, i) => {
      const code = formatCodes[Math.min(i, formatCodes.length - 1)];
      this.rows[row - 1][column - 1 + i] = isComputed(value) ? [value.f, code, style, value.v] : [value, code, style, shown(value)];
    });
  }

  /** An array formula at (row, column) and the values it fills down, the first in its own cell; the cells below hold no formula. */
  spill(row: number, column: number, formula: string, values: Cell[], formatCode = 'i', style = 0): void {
    this.put(row, column, [fx(formula, values[0])], formatCode, style);
    values.slice(1).forEach((value, i) => {
      while (this.rows.length < row + 1 + i) this.rows.push([]);
      this.rows[row + i][column - 1] = ['', formatCode, style, value];
    });
    this.spills.push([row, column, values.length, 1]);
  }

  /**
   * Runs of header cells whose cell below shows a number: left-aligned as text, a header sat at the
   * far side of a wide column from its right-aligned numbers, over the next column's.
   */
  private headersOverNumbers(): Box[] {
    const runs: Box[] = [];
    this.rows.forEach((row, rowAt) => {
      const below = this.rows[rowAt + 1] ?? [];
      row.forEach((slot, columnAt) => {
        if (!slot || slot[2] !== HEAD || typeof below[columnAt]?.[3] !== 'number') return;
        const last = runs[runs.length - 1];
        if (last && last[0] === rowAt + 1 && last[1] + last[3] === columnAt + 1) last[3]++;
        else runs.push([rowAt + 1, columnAt + 1, 1, 1]);
      });
    });
    return runs;
  }

  /** The value a cell already planned shows (for checks in tests and notes). */
  valueAt(row: number, column: number): Cell | undefined {
    return this.rows[row - 1]?.[column - 1]?.[3];
  }

  plan(kind: Kind, name: string): Plan {
    if (this.notes.length) this.put(4, 1, [this.notes.join(' ')], 't');
    // The sheet reaches down to its lowest chart, so that printing it does not cut the chart off.
    const chartBottom = Math.max(0, ...this.charts.map((chart) => chart.at[0] + Math.ceil(chart.size[1] / 21)));
    while (this.rows.length < chartBottom) this.rows.push([]);
    const width = Math.max(...this.rows.map((row) => row.length));
    const perCell = <T>(pick: (slot: Slot) => T) => this.rows.map((row) => Array.from({ length: width }, (_, i) => pick(row[i] || ['', 't', 0, ''])));
    // The report's last row: the last with something in its report columns (the count block may run further down).
    const reportWidth = this.reportColumns || width;
    let last = this.rows.length;
    while (last > 1 && !this.rows[last - 1].slice(0, reportWidth).some((slot) => slot && slot[0] !== '')) last--;
    last = Math.max(last, chartBottom);
    return {
      kind, name, cells: perCell((slot) => slot[0]), values: perCell((slot) => slot[3]), formats: perCell((slot) => this.formatOverrides[slot[1]] ?? FORMATS[slot[1]]), styles: perCell((slot) => slot[2]),
      charts: this.charts, checkboxes: this.checkboxes, negatives: this.negatives, rightAligned: this.headersOverNumbers(), notes: this.notes,
      // A sheet of values may end left of its charts: the report's columns then say how wide it prints.
      printArea: [1, 1, last, this.reportColumns || width], frozenRows: this.frozenRows, spills: this.spills,
      ...(this.xlsx ? { xlsx: { ...this.xlsx, formulas: [...this.fileFormulas, ...this.xlsx.formulas] } } : {}),
    };
  }
}
