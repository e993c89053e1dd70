/**
 * Wall-clock times as plain numbers: milliseconds of a UTC Date whose UTC fields are the wall-clock
 * fields in the export's zone. No zone arithmetic happens anywhere; the zone only names how the
 * written times are to be read. Generated times avoid 01:00-03:59 so no DST gap or overlap is hit.
 */
import type { Rng } from './prng.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface Wall {
  y: number;
  m: number; // 1-12
  d: number;
  h: number;
  mi: number;
  s: number;
}

export function at(y: number, m: number, d: number, h = 0, mi = 0, s = 0): number {
  return Date.UTC(y, m - 1, d, h, mi, s);
}

export function wall(t: number): Wall {
  const x = new Date(t);
  return {
    y: x.getUTCFullYear(),
    m: x.getUTCMonth() + 1,
    d: x.getUTCDate(),
    h: x.getUTCHours(),
    mi: x.getUTCMinutes(),
    s: x.getUTCSeconds(),
  };
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

export function monthKey(t: number): string {
  const w = wall(t);
  return `${w.y}-${pad2(w.m)}`;
}

export const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const fmt = {
  /** 2024-03-14 */
  isoDate: (t: number) => {
    const w = wall(t);
    return `${w.y}-${pad2(w.m)}-${pad2(w.d)}`;
  },
  /** 2024-03-14 09:26 */
  isoMinute: (t: number) => {
    const w = wall(t);
    return `${w.y}-${pad2(w.m)}-${pad2(w.d)} ${pad2(w.h)}:${pad2(w.mi)}`;
  },
  /** 2024-03-14 09:26:11 */
  isoSecond: (t: number) => {
    const w = wall(t);
    return `${w.y}-${pad2(w.m)}-${pad2(w.d)} ${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}`;
  },
  /** 3/14/2024 (US, no padding) */
  mdy: (t: number) => {
    const w = wall(t);
    return `${w.m}/${w.d}/${w.y}`;
  },
  /** 14/03/2024 */
  dmy: (t: number) => {
    const w = wall(t);
    return `${pad2(w.d)}/${pad2(w.m)}/${w.y}`;
  },
  /** 14.03.2024 */
  dmyDot: (t: number) => {
    const w = wall(t);
    return `${pad2(w.d)}.${pad2(w.m)}.${w.y}`;
  },
  /** Zoho: 15 Apr, 2021 00:03:00 */
  zohoTime: (t: number) => {
    const w = wall(t);
    return `${pad2(w.d)} ${MONTHS_EN[w.m - 1]}, ${w.y} ${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}`;
  },
  /** Zoho: 15 Apr, 2021 */
  zohoDate: (t: number) => {
    const w = wall(t);
    return `${pad2(w.d)} ${MONTHS_EN[w.m - 1]}, ${w.y}`;
  },
};

/** Midnight of the day holding t. */
export function dayOf(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

/** A time of day, in ms after midnight: office hours mostly, some evenings, a few just after midnight. */
export function timeOfDay(rng: Rng): number {
  const r = rng.next();
  let h: number;
  if (r < 0.8) h = rng.int(8, 18);
  else if (r < 0.96) h = rng.int(19, 23);
  else h = 0;
  return h * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000;
}

/** The month keys from the month of `from` to the month of `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${pad2(m)}`);
    m++;
    if (m === 13) {
      m = 1;
      y++;
    }
  }
  return out;
}

/**
 * A random arrival day in [start, end) (both midnight wall-clock times), weighted by month, plus a
 * time of day. Months with weight 0 get no arrivals (a business closed in August).
 */
export function arrival(rng: Rng, start: number, end: number, monthWeight?: (key: string) => number, withTime = true): number {
  for (;;) {
    const day = dayOf(start + Math.floor(rng.next() * (end - start)));
    if (monthWeight) {
      const w = monthWeight(monthKey(day));
      if (w <= 0 || rng.next() >= w) continue;
    }
    return withTime ? day + timeOfDay(rng) : day;
  }
}

/** Moves a time forward by a random number of days (and keeps it off the 01:00-03:59 window). */
export function later(rng: Rng, t: number, minDays: number, maxDays: number, withTime = true): number {
  const day = dayOf(t) + rng.int(minDays, maxDays) * DAY;
  if (!withTime) return day;
  const next = day + timeOfDay(rng);
  return next > t ? next : offNight(t + rng.int(1, 9) * MINUTE);
}

/** Moves a time in 01:00-03:59 to 04:00-04:59 the same day. */
export function offNight(t: number): number {
  const h = wall(t).h;
  return h >= 1 && h <= 3 ? dayOf(t) + 4 * HOUR + (t % HOUR) : t;
}
