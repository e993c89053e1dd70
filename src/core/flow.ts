/**
 * Net lead flow: new leads in a period minus the leads removed from the pipeline (disqualified,
 * lost, or gone inactive). A positive figure means the pool of leads worth working grew.
 *
 * Two ways to count, chosen by the data at hand:
 * - cohort-based (no removal dates): of the leads that arrived in the period, those that now have
 *   a removal status (or have gone inactive) are subtracted. 500 arrived in March, 150 of them were
 *   disqualified: 350.
 * - flow-based (removal dates given): arrivals in the period minus removals in the period,
 *   whenever those leads arrived.
 */
import { Pipeline } from './pipeline';
import { LeadFlowError } from './errors';
import { DAY_MS, PeriodUnit, WallMs, formatWallDate, nextPeriodStart, periodLabel, periodStart } from './time';

/** The most periods a table lists: past this, a coarser period reads better (and a typo'd year is caught). */
export const MAX_PERIODS = 10_000;
const PERIOD_DAYS: Record<PeriodUnit, number> = { day: 1, week: 7, month: 30.44, quarter: 91.3, year: 365.25 };

/**
 * The leads, column by column (one typed array per field, not one object per lead: a million-row
 * sheet must not cost a million allocations). Dates are wall times, NaN where unknown; stage and
 * exit come from Pipeline.resolve (-1 stage for a blank status, -1 exit for none).
 */
export interface FlowLeads {
  arrived: Float64Array;
  stage: Int16Array;
  exit: Int16Array;
  removedAt?: Float64Array;
  lastActivity?: Float64Array;
}

export interface FlowOptions {
  pipeline: Pipeline;
  /** Flow-based counting: removals are placed at their removal date. */
  flowBased: boolean;
  /** A lead with no activity for this many days counts as inactive (needs last-activity dates). */
  inactiveDays?: number;
  /** "Today", as wall time, for inactivity. */
  now: WallMs;
  /** The function asking, for messages. */
  fn?: string;
}

export type RemovalReason = string; // the exit's name, or INACTIVE

export const INACTIVE = 'Inactive';

export interface FlowCounts {
  added: number;
  removed: number;
  net: number;
  removedBy: Record<RemovalReason, number>;
}

/** Why and when one lead left the pipeline; reason -1 means it is still in it. */
interface Removal {
  /** Index into the exits, EXIT_INACTIVE for inactivity, -1 for none. */
  reason: number;
  at: WallMs;
}

const EXIT_INACTIVE = -2;

/**
 * Why and when lead i left the pipeline. A lead that exited through a removing exit is removed at
 * its removal date (or, lacking one, when it arrived); a lead still open in the pipeline with no
 * activity for `inactiveDays` is removed on the day it went quiet. Won leads and kept exits
 * (nurturing) are never removed. Writes into `out` to stay allocation-free.
 */
function removalOf(leads: FlowLeads, i: number, opts: FlowOptions, out: Removal, removes: Uint8Array, lastStage: number): Removal {
  out.reason = -1;
  const exit = leads.exit[i];
  if (exit >= 0) {
    if (removes[exit]) {
      out.reason = exit;
      const at = leads.removedAt ? leads.removedAt[i] : NaN;
      out.at = Number.isNaN(at) ? leads.arrived[i] : at;
    }
    return out;
  }
  const stillOpen = leads.stage[i] < lastStage;
  if (stillOpen && opts.inactiveDays !== undefined && leads.lastActivity) {
    const last = leads.lastActivity[i];
    if (!Number.isNaN(last)) {
      const wentQuiet = last + opts.inactiveDays * DAY_MS;
      if (wentQuiet <= opts.now) {
        out.reason = EXIT_INACTIVE;
        out.at = wentQuiet;
      }
    }
  }
  return out;
}

function reasonName(reason: number, opts: FlowOptions): RemovalReason {
  return reason === EXIT_INACTIVE ? INACTIVE : opts.pipeline.def.exits[reason].name;
}

/** Counts per period, with removals tallied by reason index first and named at the end. */
class Tally {
  added = 0;
  removed = 0;
  private readonly byReason = new Map<number, number>();
  remove(reason: number): void {
    this.removed++;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
  }
  counts(opts: FlowOptions): FlowCounts {
    const removedBy: Record<RemovalReason, number> = {};
    for (const [r, n] of this.byReason) removedBy[reasonName(r, opts)] = n;
    return { added: this.added, removed: this.removed, net: this.added - this.removed, removedBy };
  }
}

/** Net lead flow over [start, endExclusive). */
/** Which exits remove a lead, and the last stage, looked up once rather than per lead. */
function exitFacts(opts: FlowOptions): { removes: Uint8Array; lastStage: number } {
  return { removes: Uint8Array.from(opts.pipeline.def.exits, (e) => (e.removes ? 1 : 0)), lastStage: opts.pipeline.stageNames.length - 1 };
}

export function netLeadFlow(leads: FlowLeads, start: WallMs, endExclusive: WallMs, opts: FlowOptions): FlowCounts {
  const { removes, lastStage } = exitFacts(opts);
  const t = new Tally();
  const r: Removal = { reason: -1, at: NaN };
  const n = leads.arrived.length;
  for (let i = 0; i < n; i++) {
    const arrived = leads.arrived[i];
    // A row with no arrival date is no lead (a stray date elsewhere in an empty row).
    if (Number.isNaN(arrived)) continue;
    const arrivedHere = arrived >= start && arrived < endExclusive;
    if (arrivedHere) t.added++;
    if (!opts.flowBased && !arrivedHere) continue;
    if (removalOf(leads, i, opts, r, removes, lastStage).reason === -1) continue;
    if (!opts.flowBased || (r.at >= start && r.at < endExclusive)) t.remove(r.reason);
  }
  return t.counts(opts);
}

export interface FlowPeriod extends FlowCounts {
  label: string;
  start: WallMs;
  /** Net summed over this and every earlier period. */
  runningNet: number;
}

/**
 * Net lead flow for every period from the first to the last one with an arrival or removal, empty
 * periods included so a chart of the trend has no gaps. Counting is two passes over typed arrays
 * (when each lead arrived and left, then a per-day period index), so a million leads cost no
 * allocation per lead.
 */
export function netLeadFlowByPeriod(leads: FlowLeads, unit: PeriodUnit, opts: FlowOptions): FlowPeriod[] {
  const { removes, lastStage } = exitFacts(opts);
  const n = leads.arrived.length;
  const reasons = new Int16Array(n).fill(-1);
  const leftAt = new Float64Array(n).fill(NaN);
  let minDay = Infinity;
  let maxDay = -Infinity;
  const r: Removal = { reason: -1, at: NaN };
  for (let i = 0; i < n; i++) {
    const arrived = leads.arrived[i];
    if (Number.isNaN(arrived)) continue;
    const d = Math.floor(arrived / DAY_MS);
    if (d < minDay) minDay = d;
    if (d > maxDay) maxDay = d;
    if (removalOf(leads, i, opts, r, removes, lastStage).reason === -1) continue;
    const at = opts.flowBased ? r.at : arrived;
    if (Number.isNaN(at)) continue;
    reasons[i] = r.reason;
    leftAt[i] = at;
    const e = Math.floor(at / DAY_MS);
    if (e < minDay) minDay = e;
    if (e > maxDay) maxDay = e;
  }
  if (minDay === Infinity) return [];
  // A table over more periods than a person can read (two leads dated 1900 and 9999, by week) stops here, before any work.
  const spanDays = maxDay - minDay + 1;
  const approxPeriods = spanDays / PERIOD_DAYS[unit];
  if (approxPeriods > MAX_PERIODS) {
    const coarser = (['week', 'month', 'quarter', 'year'] as PeriodUnit[]).find((u) => spanDays / PERIOD_DAYS[u] <= MAX_PERIODS);
    throw new LeadFlowError(`${opts.fn ?? 'NETLEADFLOW'}: the dates run from ${formatWallDate(minDay * DAY_MS)} to ${formatWallDate(maxDay * DAY_MS)}, which is about ${Math.round(approxPeriods).toLocaleString('en-US')} ${unit}s; a table stops at ${MAX_PERIODS.toLocaleString('en-US')} periods. ${coarser ? `Use "${coarser}" instead, or check` : 'Check'} the dates for a mistyped year.`);
  }
  // Every day from the first to the last maps to its period's position.
  const starts: WallMs[] = [];
  const periodOfDay = new Int32Array(maxDay - minDay + 1);
  let p = periodStart(minDay * DAY_MS, unit);
  let next = nextPeriodStart(p, unit);
  starts.push(p);
  for (let d = minDay; d <= maxDay; d++) {
    while (d * DAY_MS >= next) {
      p = next;
      next = nextPeriodStart(p, unit);
      starts.push(p);
    }
    periodOfDay[d - minDay] = starts.length - 1;
  }
  const reasonSlots = opts.pipeline.def.exits.length + 1; // the last slot is inactivity
  const slot = (reason: number) => (reason === EXIT_INACTIVE ? reasonSlots - 1 : reason);
  const added = new Float64Array(starts.length);
  const removedBy = new Float64Array(starts.length * reasonSlots);
  for (let i = 0; i < n; i++) {
    const arrived = leads.arrived[i];
    if (Number.isNaN(arrived)) continue;
    added[periodOfDay[Math.floor(arrived / DAY_MS) - minDay]]++;
    if (reasons[i] === -1) continue;
    removedBy[periodOfDay[Math.floor(leftAt[i] / DAY_MS) - minDay] * reasonSlots + slot(reasons[i])]++;
  }
  const out: FlowPeriod[] = [];
  let running = 0;
  starts.forEach((start, k) => {
    const by: Record<RemovalReason, number> = {};
    let removed = 0;
    for (let j = 0; j < reasonSlots; j++) {
      const count = removedBy[k * reasonSlots + j];
      if (count === 0) continue;
      by[j === reasonSlots - 1 ? INACTIVE : opts.pipeline.def.exits[j].name] = count;
      removed += count;
    }
    const net = added[k] - removed;
    running += net;
    out.push({ added: added[k], removed, net, removedBy: by, label: periodLabel(start, unit), start, runningNet: running });
  });
  return out;
}
