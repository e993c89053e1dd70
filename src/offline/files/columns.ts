/**
 * Typing a table column by column. A field such as "01/02/2018" or "1,234" means different
 * things in different exports, so the reader does not guess it field by field: while the file
 * streams in, each column collects evidence (a "20/10/2017" proves day first, a "1.234,50" a
 * decimal comma) and remembers where its undecided fields are (their text stays in the row);
 * when the table is complete, each column's order and decimal mark are settled, in this order:
 *
 *   dates:   the dateOrder option; the column's own values; the order another date column of
 *            the file proves; the file's European signals (";" separators, decimal-comma
 *            numbers) → day first; the locale (default en_US → month first).
 *   numbers: the column's own values; the decimal mark the file's other columns show; ";"
 *            separators → decimal comma; the locale.
 *
 * A column whose values prove both ways is not read one way: its undecided fields stay text,
 * and a note says so. What was decided, and why, is reported as notes and ColumnReadings.
 */
import { columnLetter } from './errors.ts';
import {
  CellParser, K_DATE_AMBIG, K_DATE_BAD, K_DATE_DM, K_DATE_DMY, K_DATE_MDY, K_DATE_YMD,
  K_NUM, K_NUM_AMBIG, K_NUM_COMMA, K_NUM_POINT, K_NUM_SPACED, K_VALUE,
} from './infer.ts';
import type { DateOrder, LocaleConventions } from './locale.ts';

/** How the reader read one column (one per header column; empty for plain columns). */
export interface ColumnReading {
  /** The order numeric dates of this column were read in (ymd: only year-first dates). */
  dateOrder?: DateOrder;
  /** What decided dateOrder: the column's values, the rest of the file, the locale, or the dateOrder option. */
  dateOrderFrom?: 'values' | 'file' | 'locale' | 'option';
  /** Cells that look like dates but could not be read, left as text. */
  textDates?: number;
  /** Whether numbers were read with a decimal comma (absent: no number needed deciding). */
  decimalComma?: boolean;
  /** The currency sign or code amounts of this column are written with ("€", "$", "R$", "USD"…). */
  currency?: string;
}

export interface TyperOptions {
  timeZone: string;
  dateOrder?: DateOrder;
  locale: LocaleConventions;
}

/** What the file itself says about its locale. */
export interface FileSignals {
  /** The CSV field separator (";" marks a European export). */
  separator?: string;
}

const TAG_DATE = 0;
const TAG_NUMBER = 1;
const TAG_SPACED = 2;
/** xlsx text dates that read one way only, or either way alike: typed at the end, unless their column also holds date cells. */
const TAG_TEXT_DMY = 3;
const TAG_TEXT_MDY = 4;
const TAG_TEXT_DM = 5;
const TAG_BITS = 3;
const TAG_MASK = 7;
const EMPTY = new Int32Array(0);

class ColumnState {
  dmy = 0;
  mdy = 0;
  ymd = 0;
  dm = 0;
  bad = 0;
  dmyExample = '';
  mdyExample = '';
  dateAmbigExample = '';
  dmExample = '';
  badExample = '';
  point = 0;
  comma = 0;
  numbers = 0;
  pointExample = '';
  commaExample = '';
  numAmbigExample = '';
  currency = '';
  /** xlsx: cells that are real dates (Date values). */
  nativeDates = 0;
  /** row * 8 + TAG_…, for the fields left undecided */
  pending: Int32Array = EMPTY;
  pendingLength = 0;

  push(entry: number): void {
    if (this.pendingLength === this.pending.length) {
      const grown = new Int32Array(Math.max(64, this.pending.length * 2));
      grown.set(this.pending);
      this.pending = grown;
    }
    this.pending[this.pendingLength++] = entry;
  }
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDER_WORDS: Record<DateOrder, string> = { dmy: 'day first', mdy: 'month first', ymd: 'year first' };

function count(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

/** "20/10/2017 14:05" → "20 October" in the given order. */
function dayAndMonth(example: string, order: DateOrder): string {
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})/.exec(example);
  if (!m) return '';
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [day, month] = order === 'dmy' ? [a, b] : order === 'mdy' ? [b, a] : [c, b];
  return month >= 1 && month <= 12 ? `${day} ${MONTH_NAMES[month - 1]}` : '';
}

function datePart(example: string): string {
  return example.split(/[ T,]/)[0];
}

export class ColumnTyper {
  /** Number format of the cell last typed. */
  format: string | null = null;
  private readonly parser: CellParser;
  private cols: ColumnState[] = [];

  constructor(private readonly opts: TyperOptions) {
    this.parser = new CellParser(opts.timeZone, opts.dateOrder);
  }

  setWidth(width: number): void {
    this.cols = Array.from({ length: width }, () => new ColumnState());
  }

  /** A field typed on its own, settled by the options and locale (header cells). */
  alone(raw: string): unknown {
    const p = this.parser;
    const kind = p.parse(raw);
    if (kind === K_DATE_AMBIG) {
      if (!p.dateAs(raw, this.opts.locale.dateOrder)) return raw;
    } else if (kind === K_NUM_AMBIG) {
      p.numberAs(raw, this.opts.locale.decimalComma);
    } else if (kind === K_NUM_SPACED || kind === K_DATE_BAD) {
      return raw;
    }
    return p.value;
  }

  /** Types CSV field raw (non-empty) of column col, row row; its number format is left in `format`. */
  csv(raw: string, col: number, row: number): unknown {
    const p = this.parser;
    const kind = p.parse(raw);
    this.format = p.format;
    if (kind > K_VALUE) this.collect(kind, raw, col, row);
    return p.value;
  }

  /**
   * Types a text cell of an xlsx sheet (dates only); its number format is left in `format`.
   * Day/month dates are all settled at the end: in a column that also holds date cells they
   * stay text (see finish).
   */
  xlsxText(raw: string, col: number, row: number): unknown {
    const p = this.parser;
    const kind = p.parseDateText(raw);
    if (kind <= K_VALUE) {
      this.format = p.format;
      return p.value;
    }
    this.collect(kind, raw, col, row);
    const tag = kind === K_DATE_DMY ? TAG_TEXT_DMY : kind === K_DATE_MDY ? TAG_TEXT_MDY : kind === K_DATE_DM ? TAG_TEXT_DM : -1;
    if (tag < 0) {
      this.format = p.format;
      return p.value;
    }
    this.cols[col].push((row << TAG_BITS) | tag);
    this.format = null;
    return raw;
  }

  /** xlsx: a cell of column col holds a real date. */
  nativeDate(col: number): void {
    this.cols[col].nativeDates++;
  }

  private collect(kind: number, raw: string, col: number, row: number): void {
    const c = this.cols[col];
    switch (kind) {
      case K_NUM:
        c.numbers++;
        break;
      case K_NUM_POINT:
        c.numbers++;
        if (c.point++ === 0) c.pointExample = raw.trim();
        break;
      case K_NUM_COMMA:
        c.numbers++;
        if (c.comma++ === 0) c.commaExample = raw.trim();
        break;
      case K_NUM_AMBIG:
        c.numbers++;
        if (!c.numAmbigExample) c.numAmbigExample = raw.trim();
        c.push((row << TAG_BITS) | TAG_NUMBER);
        break;
      case K_NUM_SPACED:
        c.push((row << TAG_BITS) | TAG_SPACED);
        break;
      case K_DATE_YMD:
        c.ymd++;
        break;
      case K_DATE_DMY:
        if (c.dmy++ === 0) c.dmyExample = raw.trim();
        break;
      case K_DATE_MDY:
        if (c.mdy++ === 0) c.mdyExample = raw.trim();
        break;
      case K_DATE_DM:
        if (c.dm++ === 0) c.dmExample = raw.trim();
        break;
      case K_DATE_AMBIG:
        if (!c.dateAmbigExample) c.dateAmbigExample = raw.trim();
        c.push((row << TAG_BITS) | TAG_DATE);
        break;
      case K_DATE_BAD:
        if (c.bad++ === 0) c.badExample = raw.trim();
        break;
    }
    const cur = this.parser.currency;
    if (cur && !c.currency) c.currency = cur;
  }

  /** Takes back the evidence of a CSV row that turned out to be a footer (its fields as written). */
  forget(fields: string[]): void {
    const p = this.parser;
    for (let i = 0; i < fields.length && i < this.cols.length; i++) {
      const raw = fields[i];
      if (!raw) continue;
      const c = this.cols[i];
      switch (p.parse(raw)) {
        case K_NUM: c.numbers--; break;
        case K_NUM_POINT: c.numbers--; c.point--; break;
        case K_NUM_COMMA: c.numbers--; c.comma--; break;
        case K_NUM_AMBIG: c.numbers--; break;
        case K_DATE_YMD: c.ymd--; break;
        case K_DATE_DMY: c.dmy--; break;
        case K_DATE_MDY: c.mdy--; break;
        case K_DATE_DM: c.dm--; break;
        case K_DATE_BAD: c.bad--; break;
      }
    }
  }

  /**
   * Settles every column of the finished table (rows[0] is the header; rows past the end,
   * such as a dropped footer, are ignored), rewriting the undecided cells in place.
   */
  finish(rows: unknown[][], formats: (string | null)[][], signals: FileSignals, shared?: WeakSet<object>): { notes: string[]; columns: ColumnReading[] } {
    // A row of formats may be shared by many rows (see TableBuilder): copy it before changing one cell.
    const setFormat = (r: number, i: number, f: string | null) => {
      if (formats[r][i] === f) return;
      if (shared?.has(formats[r])) formats[r] = formats[r].slice();
      formats[r][i] = f;
    };
    const { locale } = this.opts;
    const header = rows[0] ?? [];
    const shown = (i: number) => { const h = String(header[i] ?? ''); return h.length > 40 ? `${h.slice(0, 37)}...` : h; };
    const name = (i: number) => `column ${columnLetter(i)} "${shown(i)}"`;
    const Name = (i: number) => `Column ${columnLetter(i)} "${shown(i)}"`;
    const cols = this.cols;
    const n = rows.length;

    // What the file as a whole shows: a day/month order proven by a column, a decimal mark.
    let provenOrder: DateOrder | null = null;
    let provenBy = -1;
    let pointCol = -1;
    let commaCol = -1;
    let orders = 0;
    let points = 0;
    let commas = 0;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      if ((c.dmy > 0) !== (c.mdy > 0)) {
        const o: DateOrder = c.dmy > 0 ? 'dmy' : 'mdy';
        if (provenOrder === null) {
          provenOrder = o;
          provenBy = i;
          orders = 1;
        } else if (provenOrder !== o) {
          orders = 2;
        }
      }
      if (c.point > 0 && c.comma === 0 && points++ === 0) pointCol = i;
      if (c.comma > 0 && c.point === 0 && commas++ === 0) commaCol = i;
    }
    if (orders !== 1) provenOrder = null;
    const fileComma = commas > 0 && points === 0;
    const filePoint = points > 0 && commas === 0;
    const semicolon = signals.separator === ';';

    const notes: string[] = [];
    const columns: ColumnReading[] = [];
    const p = this.parser;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i];
      const reading: ColumnReading = {};
      columns.push(reading);
      let dateAmbig = 0;
      let numAmbig = 0;
      let textDates = 0; // xlsx text dates waiting
      let textExample = '';
      let dmyText = false;
      for (let j = 0; j < c.pendingLength; j++) {
        const e = c.pending[j];
        if (e >>> TAG_BITS >= n) continue;
        const tag = e & TAG_MASK;
        if (tag === TAG_DATE) dateAmbig++;
        else if (tag === TAG_NUMBER) numAmbig++;
        if (tag === TAG_DATE || tag >= TAG_TEXT_DMY) {
          textDates++;
          if (!textExample || (tag === TAG_TEXT_DMY && !dmyText)) textExample = rows[e >>> TAG_BITS][i] as string;
          if (tag === TAG_TEXT_DMY) dmyText = true;
        }
      }
      // An xlsx column of date cells beside day/month dates written as text: the spreadsheet that
      // saved it may have read the date cells in the wrong day order (01/02/2018 as 2 January,
      // leaving 20/10/2017 as text). Reading the text would hide that, so it stays text.
      const mixed = c.nativeDates > 0 && textDates > 0;

      // ---- dates
      let order: DateOrder | undefined;
      let conflict = false;
      let why = '';
      const dayMonth = c.dmy + c.mdy + c.dm + dateAmbig > 0;
      if (mixed) {
        // left as text below
      } else if (this.opts.dateOrder && (dayMonth || c.ymd > 0 || c.bad > 0)) {
        order = this.opts.dateOrder;
        reading.dateOrderFrom = 'option';
      } else if (c.dmy > 0 && c.mdy > 0) {
        conflict = true;
      } else if (c.dmy > 0 || c.mdy > 0) {
        order = c.dmy > 0 ? 'dmy' : 'mdy';
        reading.dateOrderFrom = 'values';
      } else if (dayMonth) {
        if (provenOrder) {
          order = provenOrder;
          reading.dateOrderFrom = 'file';
          why = `as ${name(provenBy)} proves`;
        } else if (semicolon || fileComma) {
          order = 'dmy';
          reading.dateOrderFrom = 'file';
          why = semicolon
            ? 'as the ";" separators of the file suggest (a European export)'
            : 'as the decimal-comma numbers of the file suggest (a European export)';
        } else {
          order = locale.dateOrder;
          reading.dateOrderFrom = 'locale';
          why = `as ${locale.name} spreadsheets do`;
        }
      } else if (c.ymd > 0) {
        order = 'ymd';
        reading.dateOrderFrom = 'values';
      }
      if (order) reading.dateOrder = order;

      let left = c.bad; // cells left as text
      let badExample = c.badExample;
      if (!mixed) {
        for (let j = 0; j < c.pendingLength; j++) {
          const e = c.pending[j];
          const r = e >>> TAG_BITS;
          const tag = e & TAG_MASK;
          if (r >= n || tag === TAG_NUMBER || tag === TAG_SPACED) continue;
          // cells that read one way only are read that way, even in a column proving both
          const as: DateOrder | undefined = tag === TAG_TEXT_DMY ? 'dmy' : tag === TAG_TEXT_MDY ? 'mdy'
            : tag === TAG_TEXT_DM ? (order ?? 'dmy') : conflict ? undefined : order;
          if (!as) continue;
          const raw = rows[r][i] as string;
          if (p.dateAs(raw, as)) {
            rows[r][i] = p.value;
            setFormat(r, i, p.format);
          } else {
            left++;
            if (!badExample) badExample = raw.trim();
          }
        }
      }
      const badCount = left;
      if (conflict) left += dateAmbig;
      if (mixed) left += textDates;
      if (left > 0) reading.textDates = left;

      if (mixed) {
        notes.push(`${Name(i)}: holds date cells and also ${count(textDates, 'date')} written as text (such as ${datePart(textExample.trim())}), ` +
          `left as text: the spreadsheet that saved this file may have read its date cells in the wrong day order.`);
      } else if (conflict) {
        notes.push(`${Name(i)}: dates disagree on the order: ${datePart(c.dmyExample)} is day first but ` +
          `${datePart(c.mdyExample)} is month first. Cells that can be read only one way are read that way` +
          (dateAmbig > 0
            ? `; the ${count(dateAmbig, 'cell')} that could be either (such as ${datePart(c.dateAmbigExample)}) ` +
              `${dateAmbig === 1 ? 'is' : 'are'} left as text. Give --date-order dmy or mdy to read them all one way.`
            : '.'));
      } else if (order && order !== 'ymd' && reading.dateOrderFrom === 'values') {
        const ex = order === 'dmy' ? c.dmyExample : c.mdyExample;
        notes.push(`${Name(i)}: dates read ${ORDER_WORDS[order]} (${datePart(ex)} is ${dayAndMonth(ex, order)}), ` +
          `proven by ${count(order === 'dmy' ? c.dmy : c.mdy, 'cell')}.`);
      } else if (order && reading.dateOrderFrom === 'option' && dayMonth) {
        const ex = c.dmExample;
        const shown = ex && dayAndMonth(ex, order) ? ` (${datePart(ex)} is ${dayAndMonth(ex, order)})` : '';
        notes.push(`${Name(i)}: dates read ${ORDER_WORDS[order]}${shown}, as the date order option (${order}) asks.`);
      } else if (order && dateAmbig > 0) {
        const ex = c.dateAmbigExample;
        const shown = dayAndMonth(ex, order) ? ` (${datePart(ex)} is ${dayAndMonth(ex, order)})` : '';
        const other = order === 'mdy' ? 'dmy' : 'mdy';
        notes.push(`${Name(i)}: dates read ${ORDER_WORDS[order]}${shown}, ${why}: no cell of this column proves the order ` +
          `(all days are 12 or less). Give --date-order ${other} if they are ${ORDER_WORDS[other]}.`);
      }
      if (badCount > 0) {
        const how = order && order !== 'ymd' && (dayMonth || reading.dateOrderFrom === 'option') ? ` read ${ORDER_WORDS[order]}` : '';
        notes.push(`${Name(i)}: ${count(badCount, 'cell')} ${badCount === 1 ? 'looks' : 'look'} like ${badCount === 1 ? 'a date' : 'dates'} ` +
          `but ${badCount === 1 ? 'is not a valid date' : 'are not valid dates'}${how}, so ${badCount === 1 ? 'it is' : 'they are'} ` +
          `left as text (such as "${badExample}").`);
      }

      // ---- numbers
      let decimalComma: boolean | undefined;
      let numConflict = false;
      let numWhy = '';
      if (c.point > 0 && c.comma > 0) {
        numConflict = true;
      } else if (c.comma > 0 || c.point > 0) {
        decimalComma = c.comma > 0;
      } else if (numAmbig > 0) {
        if (fileComma || filePoint) {
          decimalComma = fileComma;
          numWhy = `as ${name(fileComma ? commaCol : pointCol)} shows`;
        } else if (semicolon) {
          decimalComma = true;
          numWhy = 'as the ";" separators of the file suggest (a European export)';
        } else {
          decimalComma = locale.decimalComma;
          numWhy = `as ${locale.name} spreadsheets do`;
        }
      }
      if (decimalComma !== undefined) reading.decimalComma = decimalComma;
      if (c.currency) reading.currency = c.currency;
      let numLeft = 0;
      for (let j = 0; j < c.pendingLength; j++) {
        const e = c.pending[j];
        const r = e >>> TAG_BITS;
        const tag = e & TAG_MASK;
        if ((tag !== TAG_NUMBER && tag !== TAG_SPACED) || r >= n) continue;
        if (tag === TAG_NUMBER ? decimalComma === undefined : c.numbers === 0) {
          if (tag === TAG_NUMBER) numLeft++;
          continue;
        }
        if (p.numberAs(rows[r][i] as string, decimalComma ?? false)) {
          rows[r][i] = p.value;
          setFormat(r, i, p.format);
        }
      }
      if (numConflict) {
        notes.push(`${Name(i)}: numbers disagree on the decimal mark: ${c.commaExample} has a decimal comma but ` +
          `${c.pointExample} a decimal point. Cells that can be read only one way are read that way` +
          (numLeft > 0
            ? `; the ${count(numLeft, 'cell')} that could be either (such as ${c.numAmbigExample}) ${numLeft === 1 ? 'is' : 'are'} left as text.`
            : '.'));
      } else if (decimalComma !== undefined && numWhy === '') {
        const europe = semicolon || fileComma || locale.decimalComma;
        if (decimalComma || europe) {
          const ex = decimalComma ? c.commaExample : c.pointExample;
          const value = p.numberAs(ex, decimalComma) ? String(p.value) : '';
          notes.push(`${Name(i)}: numbers read with a decimal ${decimalComma ? 'comma' : 'point'}` +
            `${value ? ` (${ex} is ${value})` : ''}, proven by ${count(decimalComma ? c.comma : c.point, 'cell')}.`);
        }
      } else if (decimalComma !== undefined) {
        const ex = c.numAmbigExample;
        const value = p.numberAs(ex, decimalComma) ? String(p.value) : '';
        const mark = ex.includes(',') ? ',' : '.';
        const role = (mark === ',') === decimalComma ? `the decimal ${decimalComma ? 'comma' : 'point'}` : 'the thousands separator';
        notes.push(`${Name(i)}: numbers such as ${ex} read as ${value}, with "${mark}" as ${role}, ${numWhy}: ` +
          `no cell of this column shows which mark is the decimal one. Give --locale ${decimalComma ? 'en_US' : 'de_DE'} ` +
          `if the decimal mark is ${decimalComma ? 'a point' : 'a comma'}.`);
      }
    }
    return { notes, columns };
  }
}
