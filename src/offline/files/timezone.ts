/**
 * Wall-clock time <-> instant conversions in a named IANA time zone, using only Intl (no
 * machine time zone is ever consulted). Google Sheets stores a date-time as a wall time in the
 * spreadsheet's time zone; Apps Script hands it out as a JS Date (an instant). These helpers
 * move between the two, and to and from spreadsheet serial numbers (days since 1899-12-30,
 * the epoch both Sheets and Excel's 1900 system use for dates after 1900-03-01).
 */

import { assertTimeZone, offsetAt } from '../host/timezone.ts';

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MS_PER_DAY = 86_400_000;
/** Days from the spreadsheet epoch (1899-12-30) to the Unix epoch (1970-01-01). */
const SERIAL_UNIX_EPOCH = 25_569;

// One source of zone offsets for the whole offline side: the host's, cached per day and quarter hour.
export { assertTimeZone };

/** Milliseconds since the Unix epoch for a wall time read as UTC (years 0-99 kept literally). */
export function wallTimeToUtcMs(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

/** The wall time a Date shows in a time zone. */
export function dateToWallTime(date: Date, timeZone: string): WallTime {
  const ms = date.getTime();
  return utcPartsOf(new Date(ms + offsetAt(ms, timeZone)));
}

/**
 * The instant at which the zone's clocks show the given wall time. A wall time skipped by a
 * daylight-saving jump resolves to the later instant (the clock "moves forward" past the gap);
 * a wall time that happens twice resolves to the earlier one, as Temporal's 'compatible' does.
 */
export function wallTimeToDate(w: WallTime, timeZone: string): Date {
  assertTimeZone(timeZone);
  const local = wallTimeToUtcMs(w);
  // Real zones change offset at most once within a day, so the offsets a day before and a day
  // after are the only candidates.
  const before = offsetAt(local - MS_PER_DAY, timeZone);
  const after = offsetAt(local + MS_PER_DAY, timeZone);
  if (before === after) return new Date(local - before);
  const fits = (t: number) => wallTimeToUtcMs(dateToWallTime(new Date(t), timeZone)) === local;
  const candidates = [local - before, local - after].filter(fits);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: read the wall time with the offset in force before the jump, which lands past it.
  return new Date(local - before);
}

/** Spreadsheet serial number (days since 1899-12-30, fraction = time of day) of the wall time the instant shows in the zone. */
export function dateToSerial(date: Date, timeZone: string): number {
  const ms = wallTimeToUtcMs(dateToWallTime(date, timeZone));
  return ms / MS_PER_DAY + SERIAL_UNIX_EPOCH;
}

/** The wall time a serial number stands for (rounded to the millisecond). */
export function serialToWallTime(serial: number): WallTime {
  const d = new Date(Math.round((serial - SERIAL_UNIX_EPOCH) * MS_PER_DAY));
  return utcPartsOf(d);
}

/** The instant for a serial number's wall time in the zone. */
export function serialToDate(serial: number, timeZone: string): Date {
  return wallTimeToDate(serialToWallTime(serial), timeZone);
}

/** A Date's UTC fields as a wall time (for libraries, like ExcelJS, that encode wall times as UTC). */
export function utcPartsOf(d: Date): WallTime {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}
