/**
 * What Google Sheets (locale en_US, "File > Import" with "Convert text to numbers, dates, and
 * formulas" on) makes of one CSV field. Rules, in order; anything matching none stays text
 * exactly as written:
 *
 * | written                         | value                     | number format            |
 * | ------------------------------- | ------------------------- | ------------------------ |
 * | "" (empty)                      | ""                        | null                     |
 * | TRUE / false (any case)         | boolean                   | null                     |
 * | 1200, -3.5, .5, +7, 00123       | number                    | null                     |
 * | 1,200 / 1,200.50                | 1200 / 1200.5             | #,##0 / #,##0.00         |
 * | 1.5E3                           | 1500                      | 0.00E+00                 |
 * | $22,700.00, -$5, $-5            | 22700, -5                 | $#,##0.00                |
 * | 12% / 12.5%                     | 0.12 / 0.125              | 0% / 0.00%               |
 * | 2021-04-15, 2021/04/15          | Date (midnight, zone)     | yyyy-mm-dd               |
 * | 04/15/2021, 4/15/21 (US M/D/Y)  | Date                      | yyyy-mm-dd               |
 * | 15-Apr-2021, 15 Apr 2021,       | Date                      | yyyy-mm-dd               |
 * | 15 Apr, 2021, Apr 15, 2021,     |                           |                          |
 * | April 15 2021                   |                           |                          |
 * | any date above + time           | Date (wall time in zone)  | yyyy-mm-dd hh:mm:ss      |
 * |   (H:MM, H:MM:SS, .fff, AM/PM)  |                           |                          |
 * | 2021-04-15T23:03:00Z / +02:00   | Date (that exact instant) | yyyy-mm-dd hh:mm:ss      |
 *
 * Choices, where Sheets and safety part ways or Sheets is vague:
 * - Leading zeros ("00123", a ZIP like "02134") become numbers, as Sheets does: the same ID
 *   written the same way in two exports still joins, and the add-on sees what it would see in
 *   a real imported sheet.
 * - Digit strings with more than 15 significant digits stay text. Sheets turns them into
 *   rounded numbers (1.23457E+19), which destroys long IDs irrecoverably: clearly harmful.
 * - Fields starting with "=" stay text. Sheets would make them formulas; an exported CRM
 *   field is data, and evaluating it offline is both impossible and a formula-injection risk.
 * - A "+" followed by 7 or more digits ("+14155552671") stays text: it is an E.164 phone
 *   number, and Sheets' number would drop the "+" and any meaning it had as a phone.
 * - Only "$" is taken as currency (en_US). "€5", "$342.09K", "(1,200)", "1 200", "12,5" stay text.
 * - Dates need a 4-digit year, except US M/D/YY (00-29 → 20xx, 30-99 → 19xx, Sheets' pivot).
 *   Sheets also reads "4/15" or "3-4" as dates in the current year; that mangles phone and
 *   version numbers, so those stay text. Impossible dates (2021-02-30) stay text, as in Sheets.
 * - Date formats are normalised to the two ISO patterns above rather than echoing how each
 *   date was typed, so downstream code sees one date and one date-time format.
 * - A trailing "Z" or offset is an explicit instant, so the Date is that instant (shown in the
 *   spreadsheet zone); every other date-time is a wall time in the given zone.
 */
import { wallTimeToDate, wallTimeToUtcMs, type WallTime } from './timezone.ts';

export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
export const CURRENCY_FORMAT = '$#,##0.00';

export interface InferredCell {
  value: unknown;
  format: string | null;
}

/** "+14155552671": a phone number in E.164 form, not a quantity. */
const PHONE_LIKE = /^\+\d{7,}$/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const SCIENTIFIC = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
const CURRENCY = /^(?:([+-]?)\$([+-]?)|\$)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)$/;
const PERCENT = /^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?|[+-]?\.(\d+))\s?%$/;

const TIME = String.raw`(?:[T ]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AaPp][Mm]))?`;
const ISO = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:${TIME}(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$`);
const US = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:${TIME})?$`);
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
/** 15-Apr-2021, 15 Apr 2021, 15 Apr, 2021 (Zoho) */
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})(?:-${MONTH}-|\s+${MONTH},?\s+)(\d{4})(?:,?${TIME})?$`, 'i');
/** Apr 15, 2021 / April 15 2021 */
const MONTH_DAY_YEAR = new RegExp(String.raw`^${MONTH}\s+(\d{1,2}),?\s+(\d{4})(?:,?${TIME})?$`, 'i');

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Significant digits of a plain digit string (leading zeros and the decimal point ignored). */
function significantDigits(s: string): number {
  const digits = s.replace(/[^0-9]/g, '').replace(/^0+/, '');
  return digits.replace(/0+$/, '').length;
}

function toNumber(s: string): number | null {
  if (significantDigits(s.replace(/[eE][+-]?\d+$/, '')) > 15) return null;
  const n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n)) return null;
  return n === 0 ? 0 : n; // no -0
}

interface TimeParts {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Validates the time groups (h, m, s, fraction, am/pm); null when impossible. */
function timeParts(h?: string, m?: string, s?: string, frac?: string, ampm?: string): TimeParts | null {
  if (h === undefined) return { hour: 0, minute: 0, second: 0, millisecond: 0 };
  let hour = Number(h);
  const minute = Number(m);
  const second = s === undefined ? 0 : Number(s);
  if (minute > 59 || second > 59) return null;
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    const pm = ampm.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  const millisecond = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  return { hour, minute, second, millisecond: Math.min(millisecond, 999) };
}

function makeDate(
  year: number, month: number, day: number, time: TimeParts | null, hasTime: boolean,
  timeZone: string, zone?: string,
): InferredCell | null {
  if (!time || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const wall: WallTime = { year, month, day, ...time };
  let date: Date;
  if (zone) {
    let offsetMin = 0;
    if (zone !== 'Z') {
      const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
      const hh = Number(m[2]);
      const mm = Number(m[3] ?? '0');
      if (hh > 23 || mm > 59) return null;
      offsetMin = (m[1] === '-' ? -1 : 1) * (hh * 60 + mm);
    }
    date = new Date(wallTimeToUtcMs(wall) - offsetMin * 60_000);
  } else {
    date = wallTimeToDate(wall, timeZone);
  }
  return { value: date, format: hasTime ? DATETIME_FORMAT : DATE_FORMAT };
}

function inferDate(s: string, timeZone: string): InferredCell | null {
  let m = ISO.exec(s);
  if (m) {
    const time = timeParts(m[5], m[6], m[7], m[8], m[9]);
    if (m[10] && m[9]) return null; // "11:00 PM Z" is not a format anyone writes
    return makeDate(Number(m[1]), Number(m[3]), Number(m[4]), time, m[5] !== undefined, timeZone, m[10]);
  }
  m = US.exec(s);
  if (m) {
    let year = Number(m[3]);
    if (m[3].length === 2) year += year < 30 ? 2000 : 1900;
    const time = timeParts(m[4], m[5], m[6], m[7], m[8]);
    return makeDate(year, Number(m[1]), Number(m[2]), time, m[4] !== undefined, timeZone);
  }
  m = DAY_MONTH_YEAR.exec(s);
  if (m) {
    const month = monthNumber(m[2] ?? m[3]);
    const time = timeParts(m[5], m[6], m[7], m[8], m[9]);
    return makeDate(Number(m[4]), month, Number(m[1]), time, m[5] !== undefined, timeZone);
  }
  m = MONTH_DAY_YEAR.exec(s);
  if (m) {
    const time = timeParts(m[4], m[5], m[6], m[7], m[8]);
    return makeDate(Number(m[3]), monthNumber(m[1]), Number(m[2]), time, m[4] !== undefined, timeZone);
  }
  return null;
}

function inferNumber(s: string): InferredCell | null {
  if (PLAIN_NUMBER.test(s)) {
    if (PHONE_LIKE.test(s)) return null;
    const n = toNumber(s);
    return n === null ? null : { value: n, format: null };
  }
  if (GROUPED.test(s)) {
    const n = toNumber(s);
    return n === null ? null : { value: n, format: s.includes('.') ? '#,##0.00' : '#,##0' };
  }
  if (SCIENTIFIC.test(s)) {
    const n = toNumber(s);
    return n === null ? null : { value: n, format: '0.00E+00' };
  }
  let m = CURRENCY.exec(s);
  if (m) {
    if (m[1] && m[2]) return null; // "-$-5"
    const n = toNumber(m[3]);
    if (n === null) return null;
    const negative = m[1] === '-' || m[2] === '-';
    return { value: negative && n !== 0 ? -n : n, format: CURRENCY_FORMAT };
  }
  m = PERCENT.exec(s);
  if (m) {
    const body = m[1];
    const n = toNumber(`${body.replace(/,/g, '')}e-2`);
    if (n === null) return null;
    const decimals = m[2] ?? m[3];
    return { value: n, format: decimals ? '0.00%' : '0%' };
  }
  return null;
}

/** The value and number format Sheets would give one CSV field. */
export function inferCell(raw: string, timeZone: string): InferredCell {
  if (raw === '') return { value: '', format: null };
  const s = raw.trim();
  if (s === '') return { value: raw, format: null };
  const c = s.charCodeAt(0);
  // Cheap dispatch on the first character: most text fields skip every regex.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 36) {
    const n = inferNumber(s);
    if (n) return n;
    if (c >= 48 && c <= 57) {
      const d = inferDate(s, timeZone);
      if (d) return d;
    }
    return { value: raw, format: null };
  }
  const lower = s.length <= 5 ? s.toLowerCase() : '';
  if (lower === 'true') return { value: true, format: null };
  if (lower === 'false') return { value: false, format: null };
  if (MONTHS.includes(s.slice(0, 3).toLowerCase())) {
    const d = inferDate(s, timeZone);
    if (d) return d;
  }
  return { value: raw, format: null };
}

/** ExcelJS' own test for date number formats: date/time letters outside quotes and brackets. */
export function isDateFormat(fmt: string | null | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '');
  return /[ymdhsb]/i.test(bare.replace(/General/gi, ''));
}
