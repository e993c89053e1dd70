/**
 * Wall-clock time in an IANA time zone, and Sheets date serials.
 *
 * Sheets stores a date-time as a serial number of days since 1899-12-30 (fraction = time of
 * day) with no time zone: it is the wall time shown in the cell. Apps Script turns it into a Date
 * for that wall time in the spreadsheet's time zone, and turns a Date it writes into the wall time
 * the Date has in that zone. These helpers do both directions with Intl, caching the zone's UTC
 * offset per 15-minute bucket (every real zone changes offset on a 15-minute boundary), which keeps
 * 100k-row reads fast.
 */

const MS_PER_DAY = 86_400_000;
/** Days from the Sheets epoch (1899-12-30) to the Unix epoch (1970-01-01). */
export const UNIX_EPOCH_SERIAL = 25_569;
const BUCKET_MS = 15 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCaches = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
      });
    } catch {
      throw new RangeError(`Unknown time zone "${timeZone}": expected an IANA name such as "America/New_York" or "UTC"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming a time zone Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function computeOffsetMs(ms: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  // setUTCFullYear keeps years 0-99 literal (Date.UTC would read 99 as 1999).
  const d = new Date(0);
  d.setUTCFullYear(year, get('month') - 1, get('day'));
  d.setUTCHours(get('hour') % 24, get('minute'), get('second'), 0);
  const wall = d.getTime();
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return wall - wholeSecond;
}

const DAY_MS = 86_400_000;
const dayCaches = new Map<string, Map<number, number | null>>();

function bucketOffset(ms: number, timeZone: string, cache: Map<number, number>): number {
  const bucket = Math.floor(ms / BUCKET_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    offset = computeOffsetMs(bucket * BUCKET_MS, timeZone);
    cache.set(bucket, offset);
  }
  return offset;
}

/**
 * The zone's offset from UTC (wall - utc) in milliseconds at the instant `ms`. A UTC day whose
 * start and end have the same offset has it throughout (zones change offset at most once a day);
 * only days with a transition are resolved per 15-minute bucket.
 */
export function offsetAt(ms: number, timeZone: string): number {
  let cache = offsetCaches.get(timeZone);
  let days = dayCaches.get(timeZone);
  if (!cache || !days) {
    offsetCaches.set(timeZone, (cache = new Map()));
    dayCaches.set(timeZone, (days = new Map()));
  }
  const day = Math.floor(ms / DAY_MS);
  let dayOffset = days.get(day);
  if (dayOffset === undefined) {
    const start = bucketOffset(day * DAY_MS, timeZone, cache);
    const end = bucketOffset((day + 1) * DAY_MS - BUCKET_MS, timeZone, cache);
    dayOffset = start === end ? start : null;
    days.set(day, dayOffset);
  }
  return dayOffset ?? bucketOffset(ms, timeZone, cache);
}

/** The wall time of `ms` in the zone, expressed as milliseconds of a UTC clock showing that time. */
export function wallClockMs(ms: number, timeZone: string): number {
  return ms + offsetAt(ms, timeZone);
}

/** The instant at which the zone's clocks show `wallMs` (read as UTC fields). */
export function instantFromWallClock(wallMs: number, timeZone: string): number {
  const guess = wallMs - offsetAt(wallMs, timeZone);
  const offset = offsetAt(guess, timeZone);
  // In a DST gap (02:30 on a spring-forward night) no instant shows that wall time: the result
  // is the instant one offset away (01:30 standard time), which shows the nearest real time.
  return wallMs - offset;
}

/** Sheets serial for an instant, as shown in the zone. */
export function serialFromInstant(ms: number, timeZone: string): number {
  return wallClockMs(ms, timeZone) / MS_PER_DAY + UNIX_EPOCH_SERIAL;
}

/** The instant a serial denotes in the zone (rounded to the millisecond). */
export function instantFromSerial(serial: number, timeZone: string): number {
  const wallMs = Math.round((serial - UNIX_EPOCH_SERIAL) * MS_PER_DAY);
  return instantFromWallClock(wallMs, timeZone);
}

export interface WallTime {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  millisecond: number; weekday: number; offsetMinutes: number;
}

/** Calendar fields of an instant in the zone (weekday 0 = Sunday). */
export function wallTime(ms: number, timeZone: string): WallTime {
  const offset = offsetAt(ms, timeZone);
  const d = new Date(ms + offset);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(), weekday: d.getUTCDay(), offsetMinutes: Math.round(offset / 60_000),
  };
}

/** Calendar fields of a serial (no zone involved: a serial is a wall time). */
export function serialToFields(serial: number): WallTime {
  const d = new Date(Math.round((serial - UNIX_EPOCH_SERIAL) * MS_PER_DAY));
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(), weekday: d.getUTCDay(), offsetMinutes: 0,
  };
}

/** Short zone name (e.g. "EST") used by SimpleDateFormat's z. */
export function zoneAbbreviation(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(new Date(ms));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}
