/**
 * Conversions between what Apps Script code reads and writes and what the engine stores.
 *
 * Reading (Range.getValues, custom-function arguments): blank → "", numbers as numbers, booleans,
 * strings, error cells as their code ("#N/A"), and numbers shown as a date/time (a date-time number
 * format, or a value HyperFormula typed as a date such as the result of DATE()) as Date objects for
 * that wall time in the spreadsheet's time zone.
 *
 * Writing (Range.setValues): "" / null / undefined clear the cell, a string starting with "=" is a
 * formula, "TRUE"/"FALSE" become booleans, other strings are parsed like typed input (numbers,
 * dates, percentages); a Date is stored as its serial in the spreadsheet's time zone and the cell
 * gets a date-time format unless it already has a date/time one.
 */
import { EngineError, TypedNumber } from '../engine.ts';
import type { EngineScalar, EngineValue, NumberKind, RawContent } from '../engine.ts';
import type { SheetModel } from './model.ts';
import {
  CURRENCY_FORMAT, DATE_FORMAT, DATE_TIME_FORMAT, DEFAULT_NUMBER_FORMAT, PERCENT_FORMAT, TIME_FORMAT,
  formatGeneral, formatNumber, formatText, isDateTimeFormat,
} from './numberFormat.ts';
import type { Realm } from './realm.ts';
import { isDate } from './realm.ts';
import { instantFromSerial, serialFromInstant } from './timezone.ts';

const dateFormatCache = new Map<string, boolean>();

/** Cached isDateTimeFormat (a sheet usually has a handful of distinct formats). */
export function isDateFormat(pattern: string): boolean {
  let known = dateFormatCache.get(pattern);
  if (known === undefined) {
    known = isDateTimeFormat(pattern);
    dateFormatCache.set(pattern, known);
  }
  return known;
}

const KIND_FORMATS: Partial<Record<NumberKind, string>> = {
  date: DATE_FORMAT, datetime: DATE_TIME_FORMAT, time: TIME_FORMAT, percent: PERCENT_FORMAT, currency: CURRENCY_FORMAT,
};

function isDateKind(kind: NumberKind): boolean {
  return kind === 'date' || kind === 'datetime' || kind === 'time';
}

/** The explicit number format of a cell, if one was set. */
export function explicitFormat(sheet: SheetModel, row0: number, col0: number): string | undefined {
  return sheet.attributes.get('numberFormat', row0, col0) as string | undefined;
}

/** The number format Range.getNumberFormat() reports: explicit, else what Sheets auto-applied. */
export function effectiveFormat(sheet: SheetModel, row0: number, col0: number): string {
  const explicit = explicitFormat(sheet, row0, col0);
  if (explicit !== undefined) return explicit;
  return KIND_FORMATS[sheet.engine.numberKind(sheet.engineId, row0, col0)] ?? DEFAULT_NUMBER_FORMAT;
}

/** A date for a serial in the spreadsheet's time zone, built in the realm. */
export function dateFromSerial(realm: Realm, serial: number, timeZone: string): Date {
  return new realm.Date(instantFromSerial(serial, timeZone));
}

/** Converts a computed cell value (0-based coordinates) into what getValues() returns. */
export function readCell(realm: Realm, sheet: SheetModel, row0: number, col0: number, v: EngineValue): unknown {
  if (v === null) return '';
  if (typeof v === 'number') {
    const explicit = explicitFormat(sheet, row0, col0);
    const dated = explicit !== undefined ? isDateFormat(explicit) : isDateKind(sheet.engine.numberKind(sheet.engineId, row0, col0));
    return dated ? dateFromSerial(realm, v, sheet.spreadsheet.timeZone) : v;
  }
  if (v instanceof EngineError) return v.code;
  return v;
}

/** What getDisplayValues() shows for a cell. */
export function displayCell(sheet: SheetModel, row0: number, col0: number, v: EngineValue): string {
  if (v === null) return '';
  if (v instanceof EngineError) return v.code;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  const explicit = explicitFormat(sheet, row0, col0);
  if (typeof v === 'string') return formatText(v, explicit);
  if (explicit !== undefined) return formatNumber(v, explicit);
  const auto = KIND_FORMATS[sheet.engine.numberKind(sheet.engineId, row0, col0)];
  return auto ? formatNumber(v, auto) : formatGeneral(v);
}

/**
 * Converts one value written by a script into engine content, setting the cell's format when a
 * Date is written (0-based coordinates).
 */
export function writeCell(sheet: SheetModel, row0: number, col0: number, value: unknown): RawContent {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (isDate(value)) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return 'Invalid Date';
    const current = explicitFormat(sheet, row0, col0);
    if (current === undefined || !isDateFormat(current)) sheet.attributes.set('numberFormat', row0, col0, DATE_TIME_FORMAT);
    return serialFromInstant(ms, sheet.spreadsheet.timeZone);
  }
  if (typeof value === 'string') {
    if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    return value.startsWith('=') && value.length === 1 ? "'=" : value;
  }
  return String(value);
}

/** A custom-function argument value: like getValues(), with the cell's formats when it has an address. */
export function scriptArgument(realm: Realm, timeZone: string, v: EngineScalar, at?: { sheet: SheetModel; row: number; col: number }): unknown {
  if (v === null) return '';
  if (v instanceof EngineError) return v.code;
  if (v instanceof TypedNumber) {
    const explicit = at ? explicitFormat(at.sheet, at.row, at.col) : undefined;
    const dated = explicit !== undefined ? isDateFormat(explicit) : isDateKind(v.kind);
    return dated ? dateFromSerial(realm, v.value, timeZone) : v.value;
  }
  if (typeof v === 'number' && at) {
    const explicit = explicitFormat(at.sheet, at.row, at.col);
    return explicit !== undefined && isDateFormat(explicit) ? dateFromSerial(realm, v, timeZone) : v;
  }
  return v;
}

/** Converts one value a custom function returned into an engine scalar. */
export function customResultScalar(value: unknown, timeZone: string): EngineScalar {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (isDate(value)) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return new EngineError('#VALUE!', 'Invalid Date');
    const serial = serialFromInstant(ms, timeZone);
    return new TypedNumber(serial, Number.isInteger(serial) ? 'date' : 'datetime');
  }
  return String(value);
}
