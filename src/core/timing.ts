/** Time between stages, from stage-date columns: the median days a lead took to move on. */
import { DAY_MS } from './time';

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const a = Float64Array.from(xs).sort();
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}

/**
 * Median days from stage `from` to stage `to` over the leads that have both dates (and are in the
 * cohort). Null when no lead has both.
 */
export function medianDaysBetween(dates: Float64Array[], from: number, to: number, include?: (i: number) => boolean): number | null {
  const a = dates[from];
  const b = dates[to];
  if (!a || !b) return null;
  const gaps: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i]) || (include && !include(i))) continue;
    gaps.push((b[i] - a[i]) / DAY_MS);
  }
  return median(gaps);
}
