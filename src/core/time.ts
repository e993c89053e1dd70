/**
 * Dates as LeadFlow reasons about them: "wall time" milliseconds, i.e. the calendar date and
 * clock time a person sees in the spreadsheet's time zone, stored as if it were UTC. Grouping by
 * month or week then reads UTC fields and never depends on the machine's own zone; a lead that
 * arrived at 23:30 on the 31st stays on the 31st.
 */

export const DAY_MS = 86_400_000;
/** Days between Sheets' day zero (1899-12-30) and 1970-01-01. */
const SERIAL_EPOCH_DAYS = 25_569;

export type WallMs = number;

/** Converts instants (what a Date object holds) into wall time in one time zone. */
export interface TimeZoneClock {
  readonly timeZone: string;
  toWall(instantMs: number): WallMs;
  toInstant(wall: WallMs): number;
}

/** Offsets are looked up per quarter hour where a zone changes within a day (Adelaide, St John's change at half past a UTC hour). */
const SLOT_MS = 900_000;
/** Days 1900-01-01 to 2173: the range whose offsets a clock keeps in a typed array rather than a map. */
const FIRST_DAY = -25_567;
const DAYS = 100_000;
/** No offset is this large: it marks a day whose offset changes. */
const VARIES = 1e15;

/**
 * A clock for an IANA zone built on Intl. A zone's offset changes a few times a year at most, so
 * the offset is looked up at the start of each UTC day a date falls on, and where the next day
 * starts with the same offset the whole day has it: a year of lead dates costs some hundreds of
 * Intl calls, not one per row or per quarter hour. (In Sheets every custom-function call is a new
 * execution with a new clock, so this cost is paid on every call.) Days where the offset changes
 * are read per quarter hour.
 */
export function timeZoneClock(timeZone: string): TimeZoneClock {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'GMT') return utcClock;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return utcClock;
  }
  // Per day of the range: the offset when it holds all day, VARIES when it changes that day, NaN not looked up yet.
  let days: Float64Array | undefined;
  const far = new Map<number, number>();
  const slots = new Map<number, number>();
  const startOf = (day: number) => intlOffset(format, day * DAY_MS);
  const dayOffset = (day: number): number => {
    const k = day - FIRST_DAY;
    if (k >= 0 && k < DAYS) {
      days ??= new Float64Array(DAYS).fill(NaN);
      let o = days[k];
      if (o !== o) {
        const a = startOf(day);
        days[k] = o = a === startOf(day + 1) ? a : VARIES;
      }
      return o;
    }
    let o = far.get(day);
    if (o === undefined) {
      const a = startOf(day);
      far.set(day, (o = a === startOf(day + 1) ? a : VARIES));
    }
    return o;
  };
  const offsetAt = (instantMs: number): number => {
    const o = dayOffset(Math.floor(instantMs / DAY_MS));
    if (o !== VARIES) return o;
    // The offset changes during this day: read it per quarter hour.
    const slot = Math.floor(instantMs / SLOT_MS);
    let s = slots.get(slot);
    if (s === undefined) slots.set(slot, (s = intlOffset(format, slot * SLOT_MS)));
    return s;
  };
  return {
    timeZone,
    toWall: (instantMs) => instantMs + offsetAt(instantMs),
    toInstant(wall) {
      // The offset at the wall time read as an instant is right except within hours of a change;
      // one correction step settles it.
      const guess = wall - offsetAt(wall);
      return wall - offsetAt(guess);
    },
  };
}

function intlOffset(format: Intl.DateTimeFormat, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(instantMs / 1000) * 1000;
}

export const utcClock: TimeZoneClock = { timeZone: 'UTC', toWall: (ms) => ms, toInstant: (ms) => ms };

export function serialToWall(serial: number): WallMs {
  return Math.round((serial - SERIAL_EPOCH_DAYS) * DAY_MS);
}

export function wallToSerial(wall: WallMs): number {
  return wall / DAY_MS + SERIAL_EPOCH_DAYS;
}

export function startOfDay(wall: WallMs): WallMs {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

export function isMidnight(wall: WallMs): boolean {
  return wall % DAY_MS === 0;
}

export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

export const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];

/** The first wall instant of the period that contains `wall`. Weeks start on Monday (ISO). */
export function periodStart(wall: WallMs, unit: PeriodUnit): WallMs {
  const d = new Date(wall);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (unit) {
    case 'day': return startOfDay(wall);
    case 'week': {
      const day = startOfDay(wall);
      const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
      return day - weekday * DAY_MS;
    }
    case 'month': return Date.UTC(y, m, 1);
    case 'quarter': return Date.UTC(y, m - (m % 3), 1);
    case 'year': return Date.UTC(y, 0, 1);
  }
}

export function nextPeriodStart(start: WallMs, unit: PeriodUnit): WallMs {
  const d = new Date(start);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (unit) {
    case 'day': return start + DAY_MS;
    case 'week': return start + 7 * DAY_MS;
    case 'month': return Date.UTC(y, m + 1, 1);
    case 'quarter': return Date.UTC(y, m + 3, 1);
    case 'year': return Date.UTC(y + 1, 0, 1);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A sortable label a person can read: 2026-03-02 (day or week start), 2026-03, 2026-Q1, 2026. */
export function periodLabel(start: WallMs, unit: PeriodUnit): string {
  const d = new Date(start);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (unit) {
    case 'day':
    case 'week': return `${y}-${pad(m + 1)}-${pad(d.getUTCDate())}`;
    case 'month': return `${y}-${pad(m + 1)}`;
    case 'quarter': return `${y}-Q${Math.floor(m / 3) + 1}`;
    case 'year': return String(y);
  }
}

export function formatWallDate(wall: WallMs): string {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
