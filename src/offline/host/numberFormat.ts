/**
 * Sheets number formats (the patterns of Range.setNumberFormat and of the TEXT function):
 * rendering numbers and date-times for getDisplayValues()/TEXT, and telling whether a pattern is a
 * date/time pattern (which makes getValues() return a Date for the cell).
 *
 * Supported: sections "pos;neg;zero;text", literals ("text", \x, _x, *x), [$€] currency tags,
 * [Color] / [conditions] (ignored), 0 # ? placeholders, thousands grouping and scaling commas,
 * %, E+00 exponents, @; date tokens d dd ddd dddd m mm mmm mmmm mmmmm yy yyyy h hh m mm (minutes
 * next to h or s) s ss .000 am/pm a/p and elapsed [h] [m] [s]. Letters are case-insensitive as in
 * Sheets. Unformatted numbers use an approximation of Sheets' "Automatic" display (10 significant
 * digits).
 */
import { serialToFields } from './timezone.ts';

/** What Range.getNumberFormat() returns for a cell with no explicit format. */
export const DEFAULT_NUMBER_FORMAT = '0.###############';
/** The format a cell gets when a Date is written to it with setValue(s). */
export const DATE_TIME_FORMAT = 'M/d/yyyy H:mm:ss';
export const DATE_FORMAT = 'M/d/yyyy';
export const TIME_FORMAT = 'h:mm:ss am/pm';
export const PERCENT_FORMAT = '0.00%';
export const CURRENCY_FORMAT = '"$"#,##0.00';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'date'; letter: 'y' | 'm' | 'd' | 'h' | 's'; count: number; minutes?: boolean }
  | { kind: 'elapsed'; letter: 'h' | 'm' | 's'; count: number }
  | { kind: 'ampm'; short: boolean }
  | { kind: 'fraction'; digits: number }
  | { kind: 'num'; text: string }
  | { kind: 'percent' }
  | { kind: 'text' };

/** Splits a pattern into sections at ';' outside quotes and escapes. */
function splitSections(pattern: string): string[] {
  const sections: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '"') {
      const end = pattern.indexOf('"', i + 1);
      const stop = end < 0 ? pattern.length : end;
      current += pattern.slice(i, stop + 1);
      i = stop;
    } else if (ch === '\\' && i + 1 < pattern.length) {
      current += ch + pattern[++i];
    } else if (ch === ';') {
      sections.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  sections.push(current);
  return sections;
}

function tokenize(section: string): Token[] {
  const tokens: Token[] = [];
  const lit = (text: string) => tokens.push({ kind: 'literal', text });
  for (let i = 0; i < section.length; i++) {
    const ch = section[i];
    const lower = ch.toLowerCase();
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      const stop = end < 0 ? section.length : end;
      lit(section.slice(i + 1, stop));
      i = stop;
    } else if (ch === '\\') {
      if (i + 1 < section.length) lit(section[++i]);
    } else if (ch === '_') {
      i++;
      lit(' ');
    } else if (ch === '*') {
      i++;
    } else if (ch === '[') {
      const end = section.indexOf(']', i);
      const inner = section.slice(i + 1, end < 0 ? section.length : end);
      i = end < 0 ? section.length : end;
      const elapsed = /^(h+|m+|s+)$/i.exec(inner);
      if (elapsed) tokens.push({ kind: 'elapsed', letter: inner[0].toLowerCase() as 'h', count: inner.length });
      else if (inner.startsWith('$')) lit(inner.slice(1).split('-')[0]);
      // Colours and conditions are ignored.
    } else if (section.slice(i, i + 5).toLowerCase() === 'am/pm') {
      tokens.push({ kind: 'ampm', short: false });
      i += 4;
    } else if (section.slice(i, i + 3).toLowerCase() === 'a/p') {
      tokens.push({ kind: 'ampm', short: true });
      i += 2;
    } else if ('ymdhs'.includes(lower)) {
      let j = i;
      while (j < section.length && section[j].toLowerCase() === lower) j++;
      tokens.push({ kind: 'date', letter: lower as 'y', count: j - i });
      i = j - 1;
    } else if (ch === '.' && section[i + 1] === '0' && tokens.some((t) => t.kind === 'date' && t.letter === 's')) {
      let j = i + 1;
      while (section[j] === '0') j++;
      tokens.push({ kind: 'fraction', digits: j - i - 1 });
      i = j - 1;
    } else if (ch === '%') {
      tokens.push({ kind: 'percent' });
    } else if ('0#?.,'.includes(ch) || ((ch === 'E' || ch === 'e') && /[+-]/.test(section[i + 1] ?? ''))) {
      let j = i;
      while (j < section.length) {
        const c = section[j];
        if ('0#?.,'.includes(c)) j++;
        else if ((c === 'E' || c === 'e') && /[+-]/.test(section[j + 1] ?? '')) j += 2;
        else break;
      }
      tokens.push({ kind: 'num', text: section.slice(i, j) });
      i = j - 1;
    } else if (ch === '@') {
      tokens.push({ kind: 'text' });
    } else {
      lit(ch);
    }
  }
  markMinutes(tokens);
  return tokens;
}

/** An "m" run of 1-2 letters means minutes when it follows an hour or precedes a second token. */
function markMinutes(tokens: Token[]): void {
  const timeTokens = tokens.filter((t): t is Extract<Token, { kind: 'date' }> => t.kind === 'date');
  timeTokens.forEach((t, i) => {
    if (t.letter !== 'm' || t.count > 2) return;
    const prev = timeTokens[i - 1];
    const next = timeTokens[i + 1];
    if (prev?.letter === 'h' || next?.letter === 's') t.minutes = true;
  });
  // [h]:mm:ss — minutes after an elapsed hour.
  let afterElapsed = false;
  for (const t of tokens) {
    if (t.kind === 'elapsed') afterElapsed = true;
    else if (t.kind === 'date' && t.letter === 'm' && afterElapsed && t.count <= 2) t.minutes = true;
  }
}

function isDateToken(t: Token): boolean {
  return t.kind === 'date' || t.kind === 'elapsed' || t.kind === 'ampm';
}

/** True when the pattern formats a date, time, date-time or duration. */
export function isDateTimeFormat(pattern: string | undefined): boolean {
  if (!pattern) return false;
  return tokenize(splitSections(pattern)[0]).some(isDateToken);
}

/** Sheets' "Automatic" display of an unformatted number (approximated). */
export function formatGeneral(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '#NUM!' : '#NUM!';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e15 || abs < 1e-9) return value.toExponential(2).replace('e', 'E').replace(/E([+-])(\d)$/, 'E$10$2');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(10)));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatDateTokens(tokens: Token[], serial: number): string {
  const hasAmPm = tokens.some((t) => t.kind === 'ampm');
  const fractionDigits = (tokens.find((t) => t.kind === 'fraction') as { digits: number } | undefined)?.digits ?? 0;
  // Round to what is displayed so 23:59:59.9 does not show :60.
  const unit = 86_400 * 10 ** fractionDigits;
  const rounded = Math.round(serial * unit) / unit;
  const f = serialToFields(rounded);
  const totalSeconds = rounded * 86_400;
  let out = '';
  for (const t of tokens) {
    switch (t.kind) {
      case 'literal': out += t.text; break;
      case 'text': break;
      case 'num': out += t.text; break;
      case 'percent': out += '%'; break;
      case 'fraction': out += '.' + pad(f.millisecond, 3).slice(0, t.digits).padEnd(t.digits, '0'); break;
      case 'ampm': {
        const am = f.hour < 12;
        const text = t.short ? (am ? 'a' : 'p') : am ? 'am' : 'pm';
        // Sheets renders the marker in capitals whatever the pattern's case.
        out += text.toUpperCase();
        break;
      }
      case 'elapsed': {
        const value = t.letter === 'h' ? Math.floor(totalSeconds / 3600) : t.letter === 'm' ? Math.floor(totalSeconds / 60) : Math.floor(totalSeconds);
        out += pad(value, t.count);
        break;
      }
      case 'date': out += formatDateToken(t, f, hasAmPm); break;
    }
  }
  return out;
}

function formatDateToken(t: Extract<Token, { kind: 'date' }>, f: ReturnType<typeof serialToFields>, hasAmPm: boolean): string {
  switch (t.letter) {
    case 'y': return t.count <= 2 ? pad(f.year % 100, 2) : String(f.year);
    case 'd':
      if (t.count === 1) return String(f.day);
      if (t.count === 2) return pad(f.day, 2);
      if (t.count === 3) return DAYS[f.weekday].slice(0, 3);
      return DAYS[f.weekday];
    case 'm':
      if (t.minutes) return t.count === 1 ? String(f.minute) : pad(f.minute, 2);
      if (t.count === 1) return String(f.month);
      if (t.count === 2) return pad(f.month, 2);
      if (t.count === 3) return MONTHS[f.month - 1].slice(0, 3);
      if (t.count === 5) return MONTHS[f.month - 1][0];
      return MONTHS[f.month - 1];
    case 'h': {
      const hour = hasAmPm ? ((f.hour + 11) % 12) + 1 : f.hour;
      return t.count === 1 ? String(hour) : pad(hour, 2);
    }
    case 's': return t.count === 1 ? String(f.second) : pad(f.second, 2);
  }
}

interface NumberSpec {
  minInt: number; minDec: number; maxDec: number; group: boolean; scale: number; percent: number;
  exponent?: { minDigits: number; plus: boolean };
}

function numberSpec(text: string, percent: number): NumberSpec {
  const expMatch = /[eE]([+-])(0+)/.exec(text);
  let mantissa = expMatch ? text.slice(0, expMatch.index) : text;
  // Commas at the end of the number, or just before the decimal point, divide by 1000 each.
  let scale = 0;
  while (mantissa.endsWith(',')) {
    scale++;
    mantissa = mantissa.slice(0, -1);
  }
  const dot = mantissa.indexOf('.');
  let intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const decPart = dot < 0 ? '' : mantissa.slice(dot + 1).replace(/,/g, '');
  while (intPart.endsWith(',')) {
    scale++;
    intPart = intPart.slice(0, -1);
  }
  return {
    minInt: (intPart.match(/0/g) ?? []).length,
    minDec: (decPart.match(/0/g) ?? []).length,
    maxDec: (decPart.match(/[0#?]/g) ?? []).length,
    group: intPart.includes(','),
    scale,
    percent,
    exponent: expMatch ? { minDigits: expMatch[2].length, plus: expMatch[1] === '+' } : undefined,
  };
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatDigits(abs: number, spec: NumberSpec): string {
  let v = abs * 100 ** spec.percent / 1000 ** spec.scale;
  let exponentText = '';
  if (spec.exponent) {
    const exp = v === 0 ? 0 : Math.floor(Math.log10(v) / Math.max(1, spec.minInt)) * Math.max(1, spec.minInt);
    v = v / 10 ** exp;
    const sign = exp < 0 ? '-' : spec.exponent.plus ? '+' : '';
    exponentText = 'E' + sign + pad(Math.abs(exp), spec.exponent.minDigits);
  }
  let [intDigits, decDigits = ''] = v.toFixed(spec.maxDec).split('.');
  decDigits = decDigits.replace(/0+$/, '');
  if (decDigits.length < spec.minDec) decDigits = decDigits.padEnd(spec.minDec, '0');
  if (intDigits === '0' && spec.minInt === 0) intDigits = '';
  intDigits = intDigits.padStart(spec.minInt, '0');
  if (spec.group) intDigits = groupThousands(intDigits);
  return intDigits + (decDigits ? '.' + decDigits : '') + exponentText;
}

function formatNumberTokens(tokens: Token[], value: number, signed: boolean): string {
  const numTokens = tokens.filter((t): t is Extract<Token, { kind: 'num' }> => t.kind === 'num');
  const placeholderTokens = numTokens.filter((t) => /[0#?]/.test(t.text));
  const percents = tokens.filter((t) => t.kind === 'percent').length;
  const spec = numberSpec(placeholderTokens.map((t) => t.text).join(''), percents);
  const digits = formatDigits(Math.abs(value), spec);
  let out = '';
  let emitted = false;
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'num') {
      if (/[0#?]/.test(t.text)) {
        if (!emitted) out += digits;
        emitted = true;
      } else {
        out += t.text.replace(/[.,]/g, '');
      }
    } else if (t.kind === 'percent') out += '%';
  }
  if (!emitted && placeholderTokens.length === 0 && !tokens.some((t) => t.kind === 'literal')) out += formatGeneral(Math.abs(value));
  const isZero = digits.replace(/[^1-9]/g, '') === '';
  return signed && value < 0 && !isZero ? '-' + out : out;
}

/** Renders a number with a Sheets pattern (undefined pattern = Automatic). */
export function formatNumber(value: number, pattern: string | undefined): string {
  if (pattern === undefined || pattern === '' || /^general$/i.test(pattern)) return formatGeneral(value);
  const sections = splitSections(pattern);
  let section = sections[0];
  let signed = true;
  if (value < 0 && sections.length > 1 && sections[1] !== '') {
    section = sections[1];
    signed = false;
  } else if (value === 0 && sections.length > 2 && sections[2] !== '') {
    section = sections[2];
  }
  const tokens = tokenize(section);
  if (tokens.some(isDateToken)) return formatDateTokens(tokens, value);
  return formatNumberTokens(tokens, value, signed);
}

/** Renders text through a pattern's text section (the 4th, or one using @). */
export function formatText(text: string, pattern: string | undefined): string {
  if (!pattern) return text;
  const sections = splitSections(pattern);
  const section = sections.length > 3 ? sections[3] : sections.find((s) => s.includes('@'));
  if (section === undefined) return text;
  return tokenize(section).map((t) => (t.kind === 'text' ? text : t.kind === 'literal' ? t.text : '')).join('');
}
