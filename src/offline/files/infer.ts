/**
 * What one CSV field is: Google Sheets' "File > Import" typing ("Convert text to numbers, dates,
 * and formulas" on), extended to the local forms CRM exports really come in. A field matching
 * none of the rules stays text exactly as written.
 *
 * | written                                   | value                  | number format          |
 * | ----------------------------------------- | ---------------------- | ---------------------- |
 * | "" (empty)                                | ""                     | null                   |
 * | TRUE / false (any case)                   | boolean                | null                   |
 * | 1200, -3.5, .5, +7, 00123, 12,5           | number                 | null                   |
 * | 1,200 / 1,200.50 / 1.234,50 / 1 234,50    | 1200 / 1200.5 / …      | #,##0 / #,##0.00       |
 * | 1.5E3                                     | 1500                   | 0.00E+00               |
 * | $22,700.00, -$5, $-5                      | 22700, -5              | $#,##0.00              |
 * | €1.234,50, 1.234,50 €, R$ 1.234,50,       | 1234.5                 | "€"#,##0.00,           |
 * |   USD 12,500.00, 12,500.00 USD            |                        |   #,##0.00 "€", …      |
 * | (1,200) / ($5.00)                         | -1200 / -5             | #,##0;(#,##0), …       |
 * | 12% / 12.5% / 12,5 %                      | 0.12 / 0.125           | 0% / 0.00%             |
 * | 2021-04-15, 2021/04/15, 2021.04.15        | Date (midnight, zone)  | yyyy-mm-dd             |
 * | 20/10/2017, 10-20-2017, 20.10.2017, 1/2/18| Date (day/month order  | yyyy-mm-dd             |
 * |                                           |  decided per column)   |                        |
 * | 15-Apr-2021, 15 Apr 2021, 15 Apr, 2021,   | Date                   | yyyy-mm-dd             |
 * |   Apr 15, 2021, April 15 2021, 20-Oct-17, |                        |                        |
 * |   20 oct. 2017, 20. Okt. 2017,            |                        |                        |
 * |   20 de outubro de 2017                   |                        |                        |
 * | any date above + time                     | Date (wall time, zone) | yyyy-mm-dd hh:mm:ss    |
 * |   (H:MM, H:MM:SS, .fff, AM/PM)            |                        |                        |
 * | 2021-04-15T23:03:00Z / +02:00             | Date (that instant)    | yyyy-mm-dd hh:mm:ss    |
 *
 * Some fields cannot be read on their own; the reader decides them per column (columns.ts):
 * - A numeric date whose first two parts are both 12 or less ("01/02/2018") needs the
 *   column's day/month order. A first part over 12 proves day first, a second part over 12
 *   proves month first; a 4-digit first part is year first.
 * - "1,234" and "1.234" are 1234 or 1.234 depending on the column's decimal mark. "1,5",
 *   "1.234,50", "0,123" prove a decimal comma; "1.5", "1,234.50", "1,234,567" a decimal point.
 * - "1 234" (plain spaces) is a number only in a column that holds other numbers: on its own
 *   it may be an ID or a phone number.
 * inferCell, which sees one field alone, settles these by the locale (default en_US).
 *
 * Choices, where Sheets and safety part ways or Sheets is vague:
 * - Leading zeros ("00123", a ZIP like "02134") become numbers, as Sheets does.
 * - Digit strings with more than 15 significant digits stay text (Sheets would round them,
 *   destroying long IDs).
 * - Fields starting with "=", "@", or "+"/"-" and not a number ("=1+1", "+ call back",
 *   "-- no reply") stay text: exported CRM fields are data, never formulas.
 * - A "+" followed by 7 or more digits ("+14155552671"), or by space-grouped digits, stays text:
 *   it is a phone number.
 * - Currencies: the symbols $ € £ ¥ ₹ R$ and common ISO codes (USD, EUR, GBP, BRL, …), before
 *   or after the amount. "$342.09K", "(1)", "12-5" stay text.
 * - Numeric dates need a year (2 or 4 digits; 00-29 → 20xx, 30-99 → 19xx); dotted ones a 4-digit
 *   year ("1.2.10" is a version, not a date). "4/15" or "3-4" stay text. Impossible dates
 *   (2021-02-30, 31/02/2017) stay text.
 * - Date formats are normalised to the two ISO patterns above.
 * - A trailing "Z" or offset is an explicit instant; every other date-time is a wall time in
 *   the given zone.
 */
import { localeConventions, type DateOrder } from './locale.ts';
import { wallTimeToDate, wallTimeToUtcMs } from './timezone.ts';

export type { DateOrder } from './locale.ts';

export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
export const CURRENCY_FORMAT = '$#,##0.00';

export interface InferredCell {
  value: unknown;
  format: string | null;
}

// ---------------------------------------------------------------------------------------------
// What a field is (CellParser.parse's result)

/** Text (value: the field as written). */
export const K_TEXT = 0;
/** A boolean or a date that needs no order (month name, or an instant). */
export const K_VALUE = 1;
/** A number whose reading does not depend on the decimal mark (1200, 12%, 1.5E3, "1."). */
export const K_NUM = 2;
/** A number only a decimal point reads (1.5, 1,234.50). */
export const K_NUM_POINT = 3;
/** A number only a decimal comma reads (1,5, 1.234,50). */
export const K_NUM_COMMA = 4;
/** 1,234 or 1.234: the column decides. Value: the field as written. */
export const K_NUM_AMBIG = 5;
/** 1 234 (plain spaces): a number only in a column of numbers. Value: the field as written. */
export const K_NUM_SPACED = 6;
/** A year-first date (2017-10-20, 2017/10/20). */
export const K_DATE_YMD = 7;
/** A numeric date only day-first reads (20/10/2017). */
export const K_DATE_DMY = 8;
/** A numeric date only month-first reads (10/20/2017). */
export const K_DATE_MDY = 9;
/** A numeric day/month date that proves nothing: the same either way (05/05/2017), or read in the order given. */
export const K_DATE_DM = 10;
/** 01/02/2017: the column decides. Value: the field as written. */
export const K_DATE_AMBIG = 11;
/** Shaped like a date but not a valid one (31/02/2017, 2021-02-30). Value: the field as written. */
export const K_DATE_BAD = 12;

// ---------------------------------------------------------------------------------------------
// Dates

const TIME = String.raw`,?(?:[T ]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?`;
/** 2017-10-20, 2017/10/20, 2017.10.20 (+ time, + zone) */
const ISO = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:${TIME}(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$`);
/** 20/10/2017, 10-20-2017, 20.10.2017, 1/2/18 (+ time): day and month in the column's order */
const DM = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:${TIME})?$`);
/** 15-Apr-2021, 15 Apr 2021, 15 Apr, 2021 (Zoho), 20 oct. 2017, 20. Okt. 2017, 20 de outubro de 2017, 1er janvier 2017 */
const NAMED_DAY_FIRST = new RegExp(
  String.raw`^(\d{1,2})(?:\.|er)?(\s*-\s*|\s+(?:de\s+)?)(\p{L}{3,12})\.?(\s*-\s*|,?\s+(?:de\s+)?)(\d{4}|\d{2})(?:${TIME})?$`, 'iu');
/** Apr 15, 2021 / April 15 2021 / Sept 1st, 2021 */
const NAMED_MONTH_FIRST = new RegExp(String.raw`^(\p{L}{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:${TIME})?$`, 'iu');

/** Month names and abbreviations: English, French, Spanish, German, Portuguese, Italian, Dutch. */
const MONTH_NAMES: string[][] = [
  ['jan', 'january', 'janv', 'janvier', 'ene', 'enero', 'januar', 'jänner', 'jän', 'janeiro', 'gen', 'gennaio', 'januari'],
  ['feb', 'february', 'févr', 'fevr', 'fév', 'février', 'fevrier', 'febrero', 'februar', 'fev', 'fevereiro', 'febbraio', 'februari'],
  ['mar', 'march', 'mars', 'marzo', 'märz', 'maerz', 'mär', 'mrz', 'março', 'marco', 'maart', 'mrt'],
  ['apr', 'april', 'avr', 'avril', 'abr', 'abril', 'aprile'],
  ['may', 'mai', 'mayo', 'maio', 'mag', 'maggio', 'mei'],
  ['jun', 'june', 'juin', 'junio', 'juni', 'junho', 'giu', 'giugno'],
  ['jul', 'july', 'juil', 'juillet', 'julio', 'juli', 'julho', 'lug', 'luglio'],
  ['aug', 'august', 'août', 'aout', 'ago', 'agosto', 'augustus'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'setiembre', 'set', 'setembro', 'settembre'],
  ['oct', 'october', 'octobre', 'octubre', 'okt', 'oktober', 'out', 'outubro', 'ott', 'ottobre'],
  ['nov', 'november', 'novembre', 'noviembre', 'novembro'],
  ['dec', 'december', 'déc', 'décembre', 'decembre', 'dic', 'diciembre', 'dez', 'dezember', 'dezembro', 'dicembre'],
];
const MONTH_BY_NAME = new Map<string, number>();
/** First three letters (lower-cased, Latin-1) of every month name, packed in a number: a cheap test before any regex. */
const MONTH_PREFIXES = new Set<number>();
for (let m = 0; m < 12; m++) {
  for (const name of MONTH_NAMES[m]) {
    MONTH_BY_NAME.set(name, m + 1);
    MONTH_PREFIXES.add(prefix3(name, 0));
  }
}

function lower(c: number): number {
  return c < 256 ? c | 32 : c;
}

function prefix3(s: string, i: number): number {
  return lower(s.charCodeAt(i)) * 65536 + lower(s.charCodeAt(i + 1)) * 256 + lower(s.charCodeAt(i + 2));
}

function monthNumber(name: string): number {
  return MONTH_BY_NAME.get(name.toLowerCase()) ?? 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** 2-digit years: 00-29 → 20xx, 30-99 → 19xx (Sheets' pivot). */
function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? n + (n < 30 ? 2000 : 1900) : n;
}

/** Whether the time groups (h, m, s, fraction, a/p) of a match at index i are a real time (absent = midnight). */
function timeOk(m: RegExpExecArray, i: number): boolean {
  if (m[i] === undefined) return true;
  const hour = Number(m[i]);
  if (Number(m[i + 1]) > 59 || (m[i + 2] !== undefined && Number(m[i + 2]) > 59)) return false;
  return m[i + 4] ? hour >= 1 && hour <= 12 : hour <= 23;
}

// ---------------------------------------------------------------------------------------------
// Numbers

const MAX_SEPARATORS = 40;
const SEP_POS = new Int32Array(MAX_SEPARATORS);
/** 46 ".", 44 ",", 32 any space (plain, no-break, narrow no-break). */
const SEP_CHAR = new Int32Array(MAX_SEPARATORS);

const CURRENCY_CODES = new Set([
  'USD', 'EUR', 'GBP', 'BRL', 'CHF', 'CAD', 'AUD', 'NZD', 'JPY', 'CNY', 'INR', 'MXN', 'ARS', 'CLP', 'COP', 'PEN',
  'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'ZAR', 'SGD', 'HKD', 'TRY', 'ILS', 'AED', 'SAR',
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** Length of a currency sign or code at s[i] ($ € £ ¥ ₹ R$ USD…), else 0. */
function currencyAt(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (c === 36 || c === 0x20ac || c === 0xa3 || c === 0xa5 || c === 0x20b9) return 1;
  if (c === 82 && s.charCodeAt(i + 1) === 36) return 2; // R$
  if (isUpper(c) && i + 3 <= end && isUpper(s.charCodeAt(i + 1)) && isUpper(s.charCodeAt(i + 2))) {
    const next = i + 3 < end ? s.charCodeAt(i + 3) : 32;
    if (((next | 32) >= 97 && (next | 32) <= 122) || !CURRENCY_CODES.has(s.slice(i, i + 3))) return 0;
    return 3;
  }
  return 0;
}

const currencyFormats = new Map<string, string>();

/** A simple number format showing the currency as written: $#,##0.00, "€"#,##0.00, #,##0.00 "€", "R$ "#,##0.00. */
function currencyFormat(cur: string, before: boolean, space: boolean): string {
  if (cur === '$' && before && !space) return CURRENCY_FORMAT;
  const key = `${before ? 'b' : 'a'}${space ? 's' : ''}${cur}`;
  let f = currencyFormats.get(key);
  if (!f) {
    f = before ? `"${cur}${space ? ' ' : ''}"#,##0.00` : `#,##0.00${space ? ' ' : ''}"${cur}"`;
    currencyFormats.set(key, f);
  }
  return f;
}

/**
 * Whether body s[start, end), whose k separators are in SEP_POS/SEP_CHAR, is a number with
 * decimal mark dec (46 "." or 44 ","): one decimal mark at most, last; thousands separators
 * all alike and not dec, with 1-3 digits (not starting with 0) before the first and exactly 3
 * between and after them.
 */
function validWith(s: string, start: number, end: number, k: number, dec: number): boolean {
  let at = -1;
  for (let j = 0; j < k; j++) {
    if (SEP_CHAR[j] === dec) {
      if (at >= 0) return false;
      at = j;
    }
  }
  if (at >= 0 && at !== k - 1) return false;
  const groups = at >= 0 ? k - 1 : k;
  if (groups > 0) {
    const g = SEP_CHAR[0];
    for (let j = 1; j < groups; j++) if (SEP_CHAR[j] !== g) return false;
    const lead = SEP_POS[0] - start;
    if (lead < 1 || lead > 3 || s.charCodeAt(start) === 48) return false;
    for (let j = 1; j <= groups; j++) {
      const runEnd = j < k ? SEP_POS[j] : end;
      if (runEnd - SEP_POS[j - 1] - 1 !== 3) return false;
    }
  }
  if (at >= 0 && end - SEP_POS[at] - 1 === 0) {
    // "1." reads as 1 (as Sheets does); "1," and "." do not
    if (dec === 44 || SEP_POS[at] === start) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The parser

/**
 * Types fields one at a time without allocating for plain text: parse() returns a kind (K_…)
 * and leaves the result in `value`, `format` and `currency`. One parser per read.
 */
export class CellParser {
  value: unknown = '';
  format: string | null = null;
  /** The currency sign or code of the last number read, else "". */
  currency = '';

  /** order: read every numeric day/month date this way (the dateOrder option); else each proves or waits. */
  constructor(readonly timeZone: string, readonly order?: DateOrder) {}

  /** Types a CSV field on its own. */
  parse(raw: string): number {
    this.format = null;
    this.currency = '';
    this.value = raw;
    if (raw === '') return K_TEXT;
    const s = raw.trim();
    if (s === '') return K_TEXT;
    const c = s.charCodeAt(0);
    // Cheap dispatch on the first character: most text fields skip every regex.
    if (isDigit(c)) {
      const k = this.number(s, 0);
      if (k !== K_TEXT) return k;
      return this.digitDate(s, raw);
    }
    if (c === 45 || c === 43 || c === 46 || c === 44 || c === 40 || c === 36 || c === 0x20ac || c === 0xa3 || c === 0xa5 || c === 0x20b9) {
      return this.number(s, 0);
    }
    if (s.length <= 5) {
      const l = s.toLowerCase();
      if (l === 'true' || l === 'false') {
        this.value = l === 'true';
        return K_VALUE;
      }
    }
    if (isUpper(c) && s.length >= 4) {
      const c1 = s.charCodeAt(1);
      if (c1 === 36 || isUpper(c1)) {
        const k = this.number(s, 0);
        if (k !== K_TEXT) return k;
      }
    }
    if (s.length >= 8 && MONTH_PREFIXES.has(prefix3(s, 0))) return this.monthFirst(s, raw);
    return K_TEXT;
  }

  /** Types a text cell of an xlsx sheet: only dates are read (a string "00123" there is meant as text). */
  parseDateText(raw: string): number {
    this.format = null;
    this.currency = '';
    this.value = raw;
    const s = raw.trim();
    if (s.length < 6) return K_TEXT;
    const c = s.charCodeAt(0);
    if (isDigit(c)) return this.digitDate(s, raw);
    if (s.length >= 8 && MONTH_PREFIXES.has(prefix3(s, 0))) return this.monthFirst(s, raw);
    return K_TEXT;
  }

  /** Reads a K_DATE_AMBIG field in the column's order; false (value: the field) when not a valid date that way. */
  dateAs(raw: string, order: DateOrder): boolean {
    this.value = raw;
    this.format = null;
    const m = DM.exec(raw.trim());
    return m !== null && this.dayMonth(m, order);
  }

  /** Reads a K_NUM_AMBIG or K_NUM_SPACED field with the column's decimal mark. */
  numberAs(raw: string, decimalComma: boolean): boolean {
    this.value = raw;
    this.format = null;
    return this.number(raw.trim(), decimalComma ? 2 : 1) !== K_TEXT;
  }

  // -------------------------------------------------------------------------------------------

  private digitDate(s: string, raw: string): number {
    // the leading digits say which shape can match
    let n = 1;
    while (n < s.length && n < 5 && isDigit(s.charCodeAt(n))) n++;
    const next = s.charCodeAt(n);
    let m: RegExpExecArray | null;
    if (n === 4 && (next === 45 || next === 47 || next === 46)) {
      m = ISO.exec(s);
      if (!m) return K_TEXT;
      if (m[10] && m[9]) return K_TEXT; // "11:00 PM Z" is not a format anyone writes
      return this.make(Number(m[1]), Number(m[3]), Number(m[4]), m, 5, m[10]) ? K_DATE_YMD : this.bad(raw);
    }
    if (n > 2) return K_TEXT;
    if (next === 47 || next === 45 || next === 46) {
      m = DM.exec(s);
      if (m) return this.classifyDayMonth(m, raw);
    }
    if (next !== 47) {
      m = NAMED_DAY_FIRST.exec(s);
      if (m) {
        const month = monthNumber(m[3]);
        if (month === 0) return K_TEXT;
        if (m[5].length === 2 && !m[4].includes('-')) return K_TEXT; // 2-digit years only in 20-Oct-17
        return this.make(fullYear(m[5]), month, Number(m[1]), m, 6) ? K_VALUE : this.bad(raw);
      }
    }
    return K_TEXT;
  }

  private monthFirst(s: string, raw: string): number {
    const m = NAMED_MONTH_FIRST.exec(s);
    if (!m) return K_TEXT;
    const month = monthNumber(m[1]);
    if (month === 0) return K_TEXT;
    return this.make(Number(m[3]), month, Number(m[2]), m, 4) ? K_VALUE : this.bad(raw);
  }

  private classifyDayMonth(m: RegExpExecArray, raw: string): number {
    if (m[2] === '.' && m[4].length !== 4) return K_TEXT; // 1.2.10 is a version
    if (this.order) return this.dayMonth(m, this.order) ? K_DATE_DM : this.bad(raw);
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (a > 12 && b > 12) return this.bad(raw);
    if (a > 12) return this.dayMonth(m, 'dmy') ? K_DATE_DMY : this.bad(raw);
    if (b > 12) return this.dayMonth(m, 'mdy') ? K_DATE_MDY : this.bad(raw);
    if (a === b) return this.dayMonth(m, 'dmy') ? K_DATE_DM : this.bad(raw);
    // both 12 or less: a real day and month either way
    if (a === 0 || b === 0 || !timeOk(m, 5)) return this.bad(raw);
    return K_DATE_AMBIG;
  }

  private dayMonth(m: RegExpExecArray, order: DateOrder): boolean {
    if (m[2] === '.' && m[4].length !== 4) return false;
    if (order === 'ymd') {
      if (m[4].length !== 2) return false;
      return this.make(fullYear(m[1].padStart(2, '0')), Number(m[3]), Number(m[4]), m, 5);
    }
    const a = Number(m[1]);
    const b = Number(m[3]);
    const year = fullYear(m[4]);
    return order === 'dmy' ? this.make(year, b, a, m, 5) : this.make(year, a, b, m, 5);
  }

  private bad(raw: string): number {
    this.value = raw;
    this.format = null;
    return K_DATE_BAD;
  }

  /** Sets value/format to the date; false when impossible. t: index of the time groups in m. */
  private make(year: number, month: number, day: number, m: RegExpExecArray, t: number, zone?: string): boolean {
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || !timeOk(m, t)) return false;
    const hasTime = m[t] !== undefined;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let millisecond = 0;
    if (hasTime) {
      hour = Number(m[t]);
      minute = Number(m[t + 1]);
      second = m[t + 2] === undefined ? 0 : Number(m[t + 2]);
      if (m[t + 3] !== undefined) millisecond = Math.min(999, Math.round(Number(`0.${m[t + 3]}`) * 1000));
      const ampm = m[t + 4];
      if (ampm) hour = (hour % 12) + (ampm === 'p' || ampm === 'P' ? 12 : 0);
    }
    const wall = { year, month, day, hour, minute, second, millisecond };
    let date: Date;
    if (zone) {
      let offsetMin = 0;
      if (zone !== 'Z') {
        const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
        const hh = Number(z[2]);
        const mm = Number(z[3] ?? '0');
        if (hh > 23 || mm > 59) return false;
        offsetMin = (z[1] === '-' ? -1 : 1) * (hh * 60 + mm);
      }
      date = new Date(wallTimeToUtcMs(wall) - offsetMin * 60_000);
    } else {
      date = wallTimeToDate(wall, this.timeZone);
    }
    this.value = date;
    this.format = hasTime ? DATETIME_FORMAT : DATE_FORMAT;
    return true;
  }

  /**
   * Reads s (trimmed, non-empty) as a number. force: 0 classify (K_NUM_AMBIG etc. when the
   * decimal mark is not known), 1 decimal point, 2 decimal comma. Returns K_TEXT when s is not a number.
   */
  private number(s: string, force: number): number {
    const n = s.length;
    let i = 0;
    let end = n;
    let paren = false;
    let sign = 0;
    let c = s.charCodeAt(0);
    if (c === 40) {
      if (n < 3 || s.charCodeAt(n - 1) !== 41) return K_TEXT;
      paren = true;
      i = 1;
      end = n - 1;
      c = s.charCodeAt(1);
    }
    if (c === 45 || c === 43) {
      sign = c === 45 ? -1 : 1;
      c = s.charCodeAt(++i);
    }
    let cur = '';
    let before = false;
    let curSpace = false;
    if (!isDigit(c) && c !== 46 && c !== 44) {
      const len = currencyAt(s, i, end);
      if (len === 0) return K_TEXT;
      cur = s.slice(i, i + len);
      before = true;
      i += len;
      c = s.charCodeAt(i);
      if (isSpace(c)) {
        curSpace = true;
        c = s.charCodeAt(++i);
      }
      if (sign === 0 && (c === 45 || c === 43)) {
        sign = c === 45 ? -1 : 1;
        c = s.charCodeAt(++i);
      }
    }
    // the digits and separators
    const start = i;
    let k = 0;
    let digits = 0;
    let firstSig = -1;
    let lastSig = -1;
    let plainSpaces = 0;
    let dots = 0;
    let commas = 0;
    while (i < end) {
      c = s.charCodeAt(i);
      if (isDigit(c)) {
        if (c !== 48) {
          if (firstSig < 0) firstSig = digits;
          lastSig = digits;
        }
        digits++;
        i++;
        continue;
      }
      const space = isSpace(c);
      if (c === 46 || c === 44 || (space && i > start && i + 1 < end && isDigit(s.charCodeAt(i + 1)))) {
        if (k === MAX_SEPARATORS || (k > 0 && SEP_POS[k - 1] === i - 1)) return K_TEXT;
        SEP_POS[k] = i;
        SEP_CHAR[k] = space ? 32 : c;
        if (c === 32) plainSpaces++;
        else if (c === 46) dots++;
        else if (c === 44) commas++;
        k++;
        i++;
        continue;
      }
      break;
    }
    const bodyEnd = i;
    if (digits === 0) return K_TEXT;
    // exponent: 1.5E3
    let exp = '';
    if (i < end && (c === 101 || c === 69)) {
      if (cur || paren || force === 2 || k > 1 || (k === 1 && SEP_CHAR[0] !== 46)) return K_TEXT;
      let j = i + 1;
      const e = s.charCodeAt(j);
      if (e === 43 || e === 45) j++;
      const expDigits = j;
      while (j < end && isDigit(s.charCodeAt(j))) j++;
      if (j === expDigits || j !== end) return K_TEXT;
      exp = s.slice(i, j);
      i = j;
    }
    // suffix: % or a currency
    let pct = false;
    if (i < end) {
      let j = i;
      let space = false;
      while (j < end && isSpace(s.charCodeAt(j))) {
        j++;
        space = true;
      }
      if (exp || j === end) return K_TEXT;
      if (s.charCodeAt(j) === 37) {
        if (cur) return K_TEXT;
        pct = true;
        j++;
      } else {
        if (cur) return K_TEXT;
        const len = currencyAt(s, j, end);
        if (len === 0) return K_TEXT;
        cur = s.slice(j, j + len);
        curSpace = space;
        j += len;
      }
      if (j !== end) return K_TEXT;
    }
    if (paren && (sign !== 0 || (!cur && k === 0))) return K_TEXT; // "(1)" is a footnote, "(-5)" nothing
    if (sign === 1 && !cur && !pct && !exp && (plainSpaces > 0 || (k === 0 && digits >= 7))) return K_TEXT; // a phone number
    if (firstSig >= 0 && lastSig - firstSig + 1 > 15) return K_TEXT; // would be rounded

    // which mark is the decimal one
    let kind = K_NUM;
    let dec = 0;
    if (k > 0) {
      if (exp) force = 1;
      const point = force !== 2 && validWith(s, start, bodyEnd, k, 46);
      const comma = force !== 1 && validWith(s, start, bodyEnd, k, 44);
      if (point && comma) {
        if (dots + commas > 0) {
          this.currency = cur;
          return K_NUM_AMBIG; // 1,234 / 1.234
        }
        if (plainSpaces > 0 && !cur && !pct && !paren) return K_NUM_SPACED; // 1 234
      } else if (point) {
        dec = 46;
        // "1." proves nothing
        if (force === 0 && !(k === 1 && dots === 1 && SEP_POS[0] === bodyEnd - 1)) kind = K_NUM_POINT;
      } else if (comma) {
        dec = 44;
        if (force === 0) kind = K_NUM_COMMA;
      } else {
        return K_TEXT;
      }
    }
    let text: string;
    let decimals = -1;
    let grouped = false;
    if (k === 0) {
      text = s.slice(start, bodyEnd);
    } else {
      text = '';
      let from = start;
      for (let j = 0; j < k; j++) {
        text += s.slice(from, SEP_POS[j]);
        if (SEP_CHAR[j] === dec) {
          text += '.';
          decimals = bodyEnd - SEP_POS[j] - 1;
        } else {
          grouped = true;
        }
        from = SEP_POS[j] + 1;
      }
      text += s.slice(from, bodyEnd);
    }
    const v = Number(pct ? `${text}e-2` : exp ? text + exp : text);
    if (!Number.isFinite(v)) return K_TEXT;
    const value = sign === -1 || paren ? -v : v;
    this.value = value === 0 ? 0 : value; // no -0
    let format: string | null = null;
    if (pct) format = decimals > 0 ? '0.00%' : '0%';
    else if (exp) format = '0.00E+00';
    else if (cur) format = currencyFormat(cur, before, curSpace);
    else if (grouped || paren) format = decimals >= 0 ? '#,##0.00' : '#,##0';
    if (paren) format = `${format};(${format})`;
    this.format = format;
    this.currency = cur;
    return kind;
  }
}

// ---------------------------------------------------------------------------------------------
// One field on its own

export interface InferOptions {
  /** Order of numeric day/month dates; default: the locale's. */
  dateOrder?: DateOrder;
  /** Spreadsheet locale settling 01/02/2018 and 1,234 (e.g. "en_US", "fr_FR"); default en_US. */
  locale?: string;
}

const parsers = new Map<string, CellParser>();

/**
 * The value and number format one field gets on its own. Fields only a column can settle
 * (01/02/2018, 1,234) are settled by `dateOrder` and the locale (default en_US: month first,
 * decimal point); the file reader decides them per column instead.
 */
export function inferCell(raw: string, timeZone: string, opts: InferOptions = {}): InferredCell {
  const key = `${timeZone}|${opts.dateOrder ?? ''}`;
  let p = parsers.get(key);
  if (!p) {
    p = new CellParser(timeZone, opts.dateOrder);
    if (parsers.size > 50) parsers.clear();
    parsers.set(key, p);
  }
  const kind = p.parse(raw);
  if (kind === K_DATE_AMBIG) {
    if (!p.dateAs(raw, localeConventions(opts.locale).dateOrder)) return { value: raw, format: null };
  } else if (kind === K_NUM_AMBIG) {
    p.numberAs(raw, localeConventions(opts.locale).decimalComma);
  } else if (kind === K_NUM_SPACED || kind === K_DATE_BAD) {
    return { value: raw, format: null };
  }
  return { value: p.value, format: p.format };
}

/** ExcelJS' own test for date number formats: date/time letters outside quotes and brackets. */
export function isDateFormat(fmt: string | null | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '');
  return /[ymdhsb]/i.test(bare.replace(/General/gi, ''));
}
