/**
 * Cell values in, typed values out. Custom functions receive whatever the sheet holds: Date
 * objects, date serial numbers, text from CRM exports, numbers, booleans and blanks. These
 * helpers read them the way a person reading the sheet would, and say clearly what they could
 * not read.
 */
import { ArgContext, LeadFlowError, argError, show } from './errors';
import { DAY_MS, TimeZoneClock, WallMs, serialToWall } from './time';

export type Cell = unknown;
export type Grid = Cell[][];

/**
 * Date objects may come from another realm (node:vm in the host and tests), so `instanceof` is not
 * enough; Object.prototype.toString is, but it is slow on a million cells, so it only settles what
 * looks like a Date (an object with getTime).
 */
export function isDate(v: unknown): v is Date {
  return v instanceof Date || (typeof v === 'object' && v !== null && typeof (v as Date).getTime === 'function' && Object.prototype.toString.call(v) === '[object Date]');
}

export function isBlank(v: unknown): boolean {
  return v === '' || v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/**
 * A range argument as a 2D array. Sheets passes a single cell as a bare value and a range as rows
 * of values; an omitted argument arrives as undefined.
 */
export function toGrid(v: unknown): Grid {
  if (!Array.isArray(v)) return [[v]];
  if (!v.length) return [];
  if (!Array.isArray(v[0])) return [v];
  // Sheets gives rows of cells; anything else (a caller's mix of rows and values) is read as one
  // cell per row. A function reads its ranges several times (checks, then values): each range is
  // checked once, which took a third off FUNNEL with a cohort and values on a million leads.
  if (CHECKED_GRIDS.has(v) || (v.every(Array.isArray) && CHECKED_GRIDS.add(v))) return v;
  return v.map((r) => (Array.isArray(r) ? r : [r]));
}

/** Ranges toGrid found to be rows of cells already (held weakly: they go with the call's arguments). */
const CHECKED_GRIDS = new WeakSet<unknown[]>();

export function isOmitted(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && toGrid(v).every((r) => r.every(isBlank)));
}

/** One column of a range argument, checked to be a single column. */
export function column(v: unknown, ctx: ArgContext): Cell[] {
  const grid = toGrid(v);
  if (grid.length > 0 && grid[0].length !== 1) {
    if (grid.length === 1) return grid[0]; // a single row given where a column is expected: read across
    throw argError(ctx, `must be a single column, but has ${grid[0].length.toLocaleString('en-US')} columns.`);
  }
  const out = new Array<Cell>(grid.length);
  for (let i = 0; i < grid.length; i++) out[i] = grid[i][0];
  return out;
}

/** A column's letters from its 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  return (index >= 26 ? columnLetter(Math.floor(index / 26) - 1) : '') + String.fromCharCode(65 + (index % 26));
}

/**
 * A cell as the text a person sees in it: numbers as written, TRUE/FALSE, a date as yyyy-mm-dd,
 * #NUM! for a number a cell cannot hold, nothing for a blank (or a range where a cell should be).
 */
export function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '#NUM!';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (isDate(v)) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  return '';
}

/** Status and stage labels compare without case, outer spaces, or the difference between spaces, hyphens and underscores. */
export function normalizeLabel(v: unknown): string {
  return String(v).toLowerCase().replace(/[\s\-_./]+/g, ' ').trim();
}

// ---------------------------------------------------------------- numbers

/** Longer text is prose, not a number (and is not run through the pattern below). */
const MAX_NUMBER_TEXT = 64;
const NUMBER_TEXT = /^(?:-?[$€£¥]?-?[\d,]*\.?\d+%?|\([$€£¥]?[\d,]*\.?\d+%?\))$/;

/** A number from a cell: numbers as they are, text like "$22,700.00", "1 200", "(350)" or "12%". NaN for blank. */
export function readNumber(v: Cell, ctx: ArgContext, row?: number): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    throw argError(ctx, `${where(row)}holds #NUM!, which is not a number; expected a number such as 22700.`);
  }
  if (isBlank(v)) return NaN;
  if (typeof v === 'boolean') throw argError(ctx, `${where(row)}holds ${v}, which is not a number; expected a number such as 22700.`);
  if (typeof v === 'string') {
    const compact = v.length > MAX_NUMBER_TEXT ? '' : v.trim().replace(/[\s\u00a0]/g, '').replace(/(?:USD|EUR|GBP)$/i, '');
    if (compact !== '' && NUMBER_TEXT.test(compact)) {
      const negative = compact.startsWith('(') && compact.endsWith(')');
      const digits = compact.replace(/[()$€£¥,%]/g, '');
      let n = Number(digits);
      if (compact.endsWith('%') || compact.endsWith('%)')) n /= 100;
      if (Number.isFinite(n)) return negative ? -n : n;
    }
  }
  throw argError(ctx, `${where(row)}holds ${show(v)}, which is not a number; expected a number such as 22700 or "$22,700.00".`);
}

// ---------------------------------------------------------------- dates

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, sept: 8, oct: 9, nov: 10, dec: 11,
};

const ISO = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
/** Zoho and similar exports: "15 Apr, 2021 00:03:00", "15-Apr-2021", "15 April 2021". */
const DAY_MONTH_YEAR = /^(\d{1,2})[\s-]([a-z]{3,9})\.?,?[\s-](\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i;
/** "Apr 15, 2021", "April 15 2021 3:05 PM". */
const MONTH_DAY_YEAR = /^([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i;
/**
 * Numeric dates with the day and month in either order: "04/15/2021", "15/04/2021", "15-04-2021",
 * "15.04.2021", "15/04/21". Which part is the day is the column's day order (see dayorder.ts); with
 * none known, month first as an en_US spreadsheet reads it, unless the first part cannot be a month.
 */
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i;

/** How the day and month of a numeric date are written: day first, month first, or year first. */
export type DayOrder = 'dmy' | 'mdy' | 'ymd';

function wallFromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ampm?: string): WallMs | undefined {
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  }
  // Years before 1000 are typing slips ("0099-03-01"), not leads; Date.UTC would also read 0–99 as 1900–1999.
  if (y < 1000 || mo < 0 || mo > 11 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return undefined; // 31 April and friends
  return wall;
}

const FULL_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A month from its full name, its three-letter abbreviation, or "Sept"; any other word is not a month. */
function monthIndex(name: string): number | undefined {
  const n = name.toLowerCase();
  const full = FULL_MONTHS.indexOf(n);
  if (full >= 0) return full;
  return n.length <= 4 ? MONTHS[n] : undefined;
}

const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));

/** The first two parts of a numeric date ("20/10/2017" → [20, 10]), or undefined for any other text. */
export function numericDateParts(text: string): [number, number] | undefined {
  if (text.length > 64) return undefined;
  const m = NUMERIC.exec(text.trim());
  return m ? [+m[1], +m[3]] : undefined;
}

/** Wall time from date text, or undefined when the text is not a date LeadFlow knows. */
export function parseDateText(text: string, clock: TimeZoneClock, order?: DayOrder): WallMs | undefined {
  // The longest date LeadFlow reads ("15 September, 2021 11:59:59 PM") is far shorter: longer text is not a date.
  if (text.length > 64) return undefined;
  const t = text.trim();
  let m = ISO.exec(t);
  if (m) {
    const wall = wallFromParts(+m[1], +m[3] - 1, +m[4], num(m[5]), num(m[6]), num(m[7]));
    if (wall === undefined || !m[8]) return wall;
    // An explicit zone names an instant: convert it into the spreadsheet's wall time.
    const zone = m[8].toUpperCase();
    let offsetMin = 0;
    if (zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    }
    return clock.toWall(wall - offsetMin * 60_000);
  }
  m = DAY_MONTH_YEAR.exec(t);
  if (m) {
    const mo = monthIndex(m[2]);
    return mo === undefined ? undefined : wallFromParts(+m[3], mo, +m[1], num(m[4]), num(m[5]), num(m[6]), m[7]);
  }
  m = MONTH_DAY_YEAR.exec(t);
  if (m) {
    const mo = monthIndex(m[1]);
    return mo === undefined ? undefined : wallFromParts(+m[3], mo, +m[2], num(m[4]), num(m[5]), num(m[6]), m[7]);
  }
  m = NUMERIC.exec(t);
  if (m) {
    let [mo, d] = [+m[1], +m[3]];
    if (order === 'dmy' || (order === undefined && mo > 12 && d <= 12)) [mo, d] = [d, mo];
    const year = m[4].length === 2 ? 2000 + +m[4] - (+m[4] >= 70 ? 100 : 0) : +m[4];
    return wallFromParts(year, mo - 1, d, num(m[5]), num(m[6]), num(m[7]), m[8]);
  }
  return undefined;
}

/** Largest serial Sheets accepts as a date (31 Dec 9999). */
const MAX_SERIAL = 2_958_465;

/**
 * Reads dates cell by cell with a cache per distinct text: CRM exports repeat the same
 * timestamps thousands of times, and parsing is the costly part of a million-row column.
 */
export class DateReader {
  private readonly cache = new Map<string, WallMs | undefined>();
  /** `order`: how this column writes numeric dates, when its values or the user settled it. */
  constructor(readonly clock: TimeZoneClock, readonly order?: DayOrder) {}

  /** A reader for one column: its day order worked out from its own text dates (see dayorder.ts). */
  forColumn(cells: ArrayLike<Cell>): DateReader {
    const order = inferDayOrder(cells);
    return order === undefined || order === this.order ? this : new DateReader(this.clock, order);
  }

  /** Wall time, or NaN for a blank cell; throws for a cell that is not a date. */
  read(v: Cell, ctx: ArgContext, row?: number): WallMs {
    if (isDate(v)) {
      const t = v.getTime();
      if (Number.isNaN(t)) throw argError(ctx, `${where(row)}holds an invalid date; expected a date.`);
      return this.clock.toWall(t);
    }
    if (typeof v === 'number') {
      if (v >= 1 && v <= MAX_SERIAL) return serialToWall(v);
      throw argError(ctx, `${where(row)}holds the number ${Number.isFinite(v) ? v : '#NUM!'}, which is not a date; expected a date or a date serial between 1 and ${MAX_SERIAL}.`);
    }
    if (isBlank(v)) return NaN;
    if (typeof v === 'string') {
      let wall = this.cache.get(v);
      if (wall === undefined && !this.cache.has(v)) {
        wall = parseDateText(v, this.clock, this.order);
        this.cache.set(v, wall);
      }
      if (wall !== undefined) return wall;
    }
    throw argError(ctx, `${where(row)}holds ${show(v)}, which is not a date; expected a date, a date serial or text such as 2026-03-31, 2026-03-31 23:30:00 or 31 Mar, 2026 23:30:00.`);
  }
}

/**
 * A column's day order from its numeric text dates: any first part over 12 makes it day first, any
 * second part over 12 month first. Undefined when nothing settles it, or when both do (the column
 * then mixes orders and no single reading is right).
 */
export function inferDayOrder(cells: ArrayLike<Cell>): DayOrder | undefined {
  let dayFirst = false;
  let monthFirst = false;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (typeof v !== 'string' || v.length < 6) continue;
    const parts = numericDateParts(v);
    if (!parts) continue;
    if (parts[0] > 12 && parts[1] <= 12) dayFirst = true;
    else if (parts[1] > 12 && parts[0] <= 12) monthFirst = true;
    if (dayFirst && monthFirst) return undefined;
  }
  return dayFirst ? 'dmy' : monthFirst ? 'mdy' : undefined;
}

function where(row?: number): string {
  return row === undefined ? '' : `row ${row} `;
}

/** A whole-day end date counts whole: 31 March means up to the end of 31 March. */
export function endExclusive(endWall: WallMs): WallMs {
  return endWall % DAY_MS === 0 ? endWall + DAY_MS : endWall;
}

const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;

export interface Sized {
  name: string;
  length: number;
  /** The argument as given, when its shape says more than its length (a row given for a column). */
  value?: unknown;
}

export function assertSameHeight(fn: string, a: Sized, b: Sized): void {
  if (a.length !== b.length) {
    // A row given where a column was expected: its height is not the count of values read across it.
    const width = (x: Sized) => (x.value === undefined ? 1 : toGrid(x.value)[0]?.length ?? 0);
    const wide = width(a) > 1 || width(b) > 1;
    const shape = (x: Sized, bare?: boolean) => {
      const w = width(x);
      return !wide && bare ? `${x.length}` : w > 1 ? `${rows(toGrid(x.value).length)} and ${w} columns` : rows(wide && x.value !== undefined ? toGrid(x.value).length : x.length);
    };
    throw new LeadFlowError(`${fn}: ${a.name} and ${b.name} must be ${wide ? 'columns' : 'ranges'} of the same height, but ${a.name} has ${shape(a)} and ${b.name} has ${shape(b, true)}.`);
  }
}

/** One column of a range argument that must hold one value per lead: as column(), then the same height as the leads. */
export function columnBeside(fn: string, v: unknown, arg: string, leads: Sized): Cell[] {
  const col = column(v, { fn, arg });
  assertSameHeight(fn, leads, { name: arg, length: col.length, value: v });
  return col;
}
