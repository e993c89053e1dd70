/**
 * Column widths fitted to what cells show, in Excel's width unit (characters of the workbook
 * font's digit width: Arial 10, 7 pixels a digit), and the row heights that go with them.
 */
import type { Cell, Plan } from '../../../core/report/grid.ts';

/** Pixels per character of width, and the cell padding (Arial 10 at 96 dpi, as Excel and LibreOffice measure it). */
const DIGIT_PX = 7;
const PAD_PX = 5;
/** Sheets' default row: 21 pixels. */
export const ROW_PX = 21;
export const ROW_PT = 15.75;
/** One more line of wrapped Arial 10 text, in points. */
const LINE_PT = 12.75;
/** Excel's default column width (characters). */
export const DEFAULT_WIDTH = 8.43;

export const widthToPx = (w: number) => Math.trunc(w * DIGIT_PX + PAD_PX);
export const pxToWidth = (px: number) => Math.ceil(((px - PAD_PX) / DIGIT_PX) * 100) / 100;

const isPercent = (fmt: string) => /%/.test(fmt.replace(/"[^"]*"/g, ''));
const isDate = (fmt: string) => /[dy]|m{3,}|h/i.test(fmt.replace(/"[^"]*"|\[[^\]]*\]/g, ''));
const decimals = (fmt: string) => {
  const m = /\.([0#?]+)/.exec(fmt.split(';')[0]);
  return m ? m[1].length : 0;
};

/** Roughly the text a cell shows for a value under a number format (for widths only). */
export function shownText(v: unknown, fmt: string | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return '2026-12-31 23:59:59';
  if (typeof v !== 'number') return String(v);
  const f = fmt ?? '';
  if (!Number.isFinite(v)) return '#NUM!';
  if (f === '' || /^(general|0\.#+)$/i.test(f)) {
    const t = String(Number(v.toPrecision(10)));
    return t.length > 11 ? v.toExponential(5) : t;
  }
  if (isDate(f)) {
    // The format's own length, months and days written out where it asks for names.
    return f.replace(/"([^"]*)"/g, '$1').replace(/\\(.)/g, '$1').replace(/\[[^\]]*\]/g, '').replace(/;.*$/, '')
      .replace(/mmmm/gi, 'September').replace(/dddd/gi, 'Wednesday').replace(/mmm|ddd/gi, 'Sep').replace(/AM\/PM/i, 'PM');
  }
  const digits = decimals(f);
  const n = isPercent(f) ? v * 100 : v;
  const grouped = /#,#/.test(f);
  // toFixed and a regular expression: toLocaleString costs microseconds a call, and this runs on every cell of a plan.
  const fixed = Math.abs(n).toFixed(digits);
  const body = grouped ? fixed.replace(/^\d+/, (int) => int.replace(/\B(?=(\d{3})+$)/g, ',')) : fixed;
  // Literal text of the format ($, €, " days"...) counts too.
  const literal = f.split(';')[0].replace(/"([^"]*)"/g, '$1').replace(/\\(.)/g, '$1').replace(/\[[^\]]*\]/g, '').replace(/[#0?,.%_*]/g, '');
  return `${n < 0 ? '-' : ''}${literal}${body}${isPercent(f) ? '%' : ''}`;
}

/** Characters of the longest line. */
function lineLength(text: string): number {
  if (!text.includes('\n')) return text.length;
  return Math.max(...text.split('\n').map((l) => l.length));
}

/** Lines a text takes wrapped (greedy, by words) in a column of `width` characters. */
export function wrappedLines(text: string, width: number): number {
  let lines = 0;
  for (const para of text.split('\n')) {
    let line = 0;
    lines++;
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const len = word.length;
      if (line === 0) line = len;
      else if (line + 1 + len <= width) line += 1 + len;
      else {
        lines++;
        line = len;
      }
      while (line > width) {
        lines++;
        line -= width;
      }
    }
  }
  return Math.max(1, lines);
}

/** Header cells (style 1) of the report wrap: their column need only hold their longest word, within these bounds. */
const HEADER_MIN = 12;
const HEADER_MAX = 16;
/** Text that may spill over an empty neighbour counts at most this much towards its column. */
const SPILL = 10;
/** A label of the intro rows (above the first table) with a value beside it wraps past this width. */
const INTRO_CAP = 14;

export interface FittedPlan {
  /** Width per column (characters), index 0 = column A. */
  widths: number[];
  /** Explicit row heights (points) by 1-based row, for rows whose text wraps or that hold a title. */
  heights: Map<number, number>;
  /** Whether the cell (0-based row and column) wraps its text. */
  wraps: (r: number, c: number) => boolean;
}

const emptyCell = (plan: Plan, r: number, c: number) => {
  const raw = plan.cells[r]?.[c];
  return raw === '' || raw === null || raw === undefined;
};

/**
 * A built sheet's columns fitted to what the cells show (numbers as formatted), each at most
 * `max` characters, and column A at least `firstMin`:
 * - titles, section titles and notes spill over empty neighbours instead of widening their column;
 * - the report's headers wrap (their column holds the longest word; the row grows to fit);
 * - labels of the intro rows (the parameters above the first table, such as "Quiet if last
 *   activity before") wrap rather than widen a column of the tables below;
 * - charts get the columns they cover widened, if need be, so that each ends inside the print area.
 * Cells right of the print area (the map and count blocks) are fitted but never wrap.
 */
export function fitPlan(plan: Plan, opts: { max?: number; firstMin?: number } = {}): FittedPlan {
  const max = opts.max ?? 48;
  const width = plan.cells[0]?.length ?? 0;
  const lastCol = Math.min(width, plan.printArea[1] + plan.printArea[3] - 1);
  const widths: number[] = new Array(width).fill(0);
  const wrapped = new Set<number>();
  const key = (r: number, c: number) => r * width + c;
  let firstTable = plan.styles.findIndex((row) => row.slice(0, lastCol).some((s) => s === 1 || s === 3));
  if (firstTable < 0) firstTable = 0;
  plan.values.forEach((row, r) => row.forEach((v: Cell, c) => {
    if (v === '' || v === null || v === undefined) return;
    const style = plan.styles[r][c];
    const text = shownText(v, typeof v === 'boolean' ? '' : plan.formats[r][c]);
    const inside = c < lastCol;
    const spills = typeof v === 'string' && (c + 1 >= width || emptyCell(plan, r, c + 1));
    let len = lineLength(text);
    if (style === 1 && inside) {
      const longestWord = Math.max(...text.split(/\s+/).map((w) => w.length));
      // Headers up to HEADER_MAX characters stay on one line; longer ones wrap to their longest word (within bounds).
      const fit = len <= HEADER_MAX ? len : Math.max(HEADER_MIN, Math.min(HEADER_MAX, longestWord));
      if (len > fit) wrapped.add(key(r, c));
      len = Math.min(len, fit) * 1.1;
    } else if (spills && style !== 1) {
      len = Math.min(len, SPILL);
    } else if (typeof v === 'string' && inside && r < firstTable && len > INTRO_CAP) {
      wrapped.add(key(r, c));
      len = INTRO_CAP;
    } else if (style === 1) {
      len *= 1.1;
    }
    if (style === 2) len *= 1.45;
    else if (style === 3) len *= 1.1;
    // Numbers cannot spill (they show ### when cut): a little more room, also for fonts standing
    // in for Arial with wider digits (LibreOffice without Arial draws DejaVu Sans, 8% wider).
    widths[c] = Math.max(widths[c], Math.min(max, typeof v === 'number' ? len * 1.08 + 2 : len + 1.5));
  }));
  for (let c = 0; c < width; c++) widths[c] = Math.round(Math.max(widths[c] || DEFAULT_WIDTH, 4) * 100) / 100;
  if (width) widths[0] = Math.max(widths[0], opts.firstMin ?? 24);

  // Charts end inside the print area: widen the columns they cover, evenly, when they fall short.
  for (const chart of plan.charts) {
    const first = chart.at[1];
    if (first > lastCol) continue;
    const cols = [];
    for (let c = first; c <= lastCol; c++) cols.push(c - 1);
    const have = cols.reduce((s, c) => s + widthToPx(widths[c]), 0);
    const need = chart.size[0] + 12;
    if (have < need) {
      const extra = (need - have) / cols.length;
      for (const c of cols) widths[c] = pxToWidth(widthToPx(widths[c]) + extra);
    }
  }

  const heights = new Map<number, number>();
  plan.styles.forEach((row, r) => {
    let lines = 1;
    let title = false;
    row.forEach((style, c) => {
      if (style === 2) title = true;
      if (!wrapped.has(key(r, c))) return;
      const chars = Math.max(1, Math.floor((widths[c] - 1) / (style ? 1.1 : 1)));
      lines = Math.max(lines, wrappedLines(String(plan.values[r][c]), chars));
    });
    if (lines > 1) heights.set(r + 1, Math.max(ROW_PT, lines * LINE_PT + 3));
    else if (title) heights.set(r + 1, 22.5);
  });
  return { widths, heights, wraps: (r, c) => wrapped.has(key(r, c)) };
}

/**
 * The leads' columns fitted to the header (bold) and an even sample of about 2,000 values shown
 * under their column's format, at most `max` characters.
 */
export function fitLeads(rows: unknown[][], formats: (string | null)[], formatOf: (c: number, v: unknown) => string | null, max = 40): number[] {
  const header = rows[0] ?? [];
  const width = Math.max(header.length, formats.length);
  const widths: number[] = new Array(width).fill(6);
  header.forEach((h, c) => { widths[c] = Math.max(widths[c], Math.min(max, String(h ?? '').length * 1.1 + 2)); });
  const step = Math.max(1, Math.floor((rows.length - 1) / 2000));
  for (let r = 1; r < rows.length; r += step) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (v === '' || v === null || v === undefined) continue;
      const fmt = typeof v === 'number' || v instanceof Date ? formatOf(c, v) : null;
      const len = lineLength(shownText(v, fmt)) + 1.5;
      if (len > widths[c]) widths[c] = Math.min(max, len);
    }
  }
  return widths.map((w) => Math.round(w * 100) / 100);
}
