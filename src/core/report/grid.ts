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
export const fx = (f: string, v: Cell | null): Computed => ({ f: f.startsWith('=') ? f : `=${f}`, v: v === null ? '' : v });
const isComputed = (c: unknown): c is Computed => typeof c === 'object' && c !== null && 'f' in c;
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
  /** Things the person building should know (also on row 4 of the sheet). */
  notes: string[];
  /** The part of the sheet a person reads and prints: the report, not the map and count block beside it. */
  printArea: Box;
  /** Rows to keep in view when scrolling (the title rows). */
  frozenRows: number;
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

export const colName = (c: number): string => (c > 26 ? colName(Math.floor((c - 1) / 26)) : '') + String.fromCharCode(65 + ((c - 1) % 26));
/** A1 reference: relative (B5), absolute ($B$5) or with a fixed column ($B5). */
export const ref = (r: number, c: number, abs: 0 | 1 | 2 = 0) => `${abs ? '$' : ''}${colName(c)}${abs === 1 ? '$' : ''}${r}`;
export const block = (r: number, c: number, r2: number, c2: number) => `${ref(r, c, 1)}:${ref(r2, c2, 1)}`;
/** A text literal inside a formula. */
export const lit = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const sheetRef = (sheet: string) => `'${sheet.replace(/'/g, "''")}'!`;
/** Text a sheet would otherwise read as a formula, number, date or boolean stays text. */
export const asText = (v: unknown): string => {
  const s = String(v);
  return /^[=+\-@']|^[\d\s.,:/$%()]+$|^(true|false)$/i.test(s.trim()) ? `'${s}` : s;
};
/** What a plain cell shows: text written with a leading apostrophe shows without it. */
const shown = (v: Cell): Cell => (typeof v === 'string' && v.startsWith("'") ? v.slice(1) : v);

export const dateFormula = (wall: number) => {
  const d = new Date(wall);
  return `=DATE(${d.getUTCFullYear()},${d.getUTCMonth() + 1},${d.getUTCDate()})`;
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

  /** Writes one row of cells from (r, c); fmt holds one format code per cell, the last one repeating. */
  put(r: number, c: number, values: (Cell | Computed)[], fmt = 'i', style = 0): void {
    while (this.rows.length < r) this.rows.push([]);
    values.forEach((v, i) => {
      const f = fmt[Math.min(i, fmt.length - 1)];
      this.rows[r - 1][c - 1 + i] = isComputed(v) ? [v.f, f, style, v.v] : [v, f, style, shown(v)];
    });
  }

  /** The value a cell already planned shows (for checks in tests and notes). */
  valueAt(r: number, c: number): Cell | undefined {
    return this.rows[r - 1]?.[c - 1]?.[3];
  }

  plan(kind: Kind, name: string): Plan {
    if (this.notes.length) this.put(4, 1, [this.notes.join(' ')], 't');
    const w = Math.max(...this.rows.map((r) => r.length));
    const map = <T>(f: (s: Slot) => T) => this.rows.map((r) => Array.from({ length: w }, (_, i) => f(r[i] || ['', 't', 0, ''])));
    // The report's last row: the last with something in its report columns (the count block may run further down).
    const cols = this.reportColumns || w;
    let last = this.rows.length;
    while (last > 1 && !this.rows[last - 1].slice(0, cols).some((slot) => slot && slot[0] !== '')) last--;
    for (const c of this.charts) last = Math.max(last, c.at[0] + Math.ceil(c.size[1] / 21));
    return {
      kind, name, cells: map((s) => s[0]), values: map((s) => s[3]), formats: map((s) => this.formatOverrides[s[1]] ?? FORMATS[s[1]]), styles: map((s) => s[2]),
      charts: this.charts, checkboxes: this.checkboxes, negatives: this.negatives, notes: this.notes,
      // A sheet of values may end left of its charts: the report's columns then say how wide it prints.
      printArea: [1, 1, Math.min(last, this.rows.length), this.reportColumns || w], frozenRows: this.frozenRows,
    };
  }
}
