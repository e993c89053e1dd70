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
import { Pipeline, Resolution } from './pipeline';
import { DAY_MS, PeriodUnit, WallMs, nextPeriodStart, periodLabel, periodStart } from './time';

export interface FlowLead {
  arrived: WallMs; // NaN when unknown
  status: Resolution | null; // null when blank
  removedAt: WallMs; // NaN when unknown
  lastActivity: WallMs; // NaN when unknown
}

export interface FlowOptions {
  pipeline: Pipeline;
  /** Flow-based counting: removals are placed at their removal date. */
  flowBased: boolean;
  /** A lead with no activity for this many days counts as inactive (needs last-activity dates). */
  inactiveDays?: number;
  /** "Today", as wall time, for inactivity. */
  now: WallMs;
}

export type RemovalReason = string; // the exit's name, or INACTIVE

export const INACTIVE = 'Inactive';

export interface FlowCounts {
  added: number;
  removed: number;
  net: number;
  removedBy: Record<RemovalReason, number>;
}

/**
 * Why and when a lead left the pipeline, or null if it is still in it. A lead that exited through
 * a removing exit is removed at its removal date (or, lacking one, when it arrived); a lead still
 * open in the pipeline with no activity for `inactiveDays` is removed on the day it went inactive.
 * Won leads and kept exits (nurturing) are never removed.
 */
export function removal(lead: FlowLead, opts: FlowOptions): { reason: RemovalReason; at: WallMs } | null {
  const st = lead.status;
  const pipe = opts.pipeline;
  if (st && st.exit >= 0) {
    const exit = pipe.def.exits[st.exit];
    if (!exit.removes) return null;
    return { reason: exit.name, at: Number.isNaN(lead.removedAt) ? lead.arrived : lead.removedAt };
  }
  const stillOpen = !st || st.stage < pipe.stageNames.length - 1;
  if (stillOpen && opts.inactiveDays !== undefined && !Number.isNaN(lead.lastActivity)) {
    const wentInactive = lead.lastActivity + opts.inactiveDays * DAY_MS;
    if (wentInactive <= opts.now) return { reason: INACTIVE, at: wentInactive };
  }
  return null;
}

function emptyCounts(): FlowCounts {
  return { added: 0, removed: 0, net: 0, removedBy: {} };
}

function addRemoval(c: FlowCounts, reason: RemovalReason): void {
  c.removed++;
  c.removedBy[reason] = (c.removedBy[reason] ?? 0) + 1;
}

/** Net lead flow over [start, endExclusive). */
export function netLeadFlow(leads: FlowLead[], start: WallMs, endExclusive: WallMs, opts: FlowOptions): FlowCounts {
  const c = emptyCounts();
  const inPeriod = (t: WallMs) => t >= start && t < endExclusive;
  for (const lead of leads) {
    const arrivedHere = inPeriod(lead.arrived);
    if (arrivedHere) c.added++;
    if (!opts.flowBased && !arrivedHere) continue;
    const r = removal(lead, opts);
    if (!r) continue;
    if (!opts.flowBased || inPeriod(r.at)) addRemoval(c, r.reason);
  }
  c.net = c.added - c.removed;
  return c;
}

export interface FlowPeriod extends FlowCounts {
  label: string;
  start: WallMs;
  /** Net summed over this and every earlier period. */
  runningNet: number;
}

/**
 * Net lead flow for every period from the first to the last one with an arrival or removal, empty
 * periods included so a chart of the trend has no gaps.
 */
export function netLeadFlowByPeriod(leads: FlowLead[], unit: PeriodUnit, opts: FlowOptions): FlowPeriod[] {
  const buckets = new Map<WallMs, FlowCounts>();
  const bucket = (t: WallMs) => {
    const key = periodStart(t, unit);
    let c = buckets.get(key);
    if (!c) buckets.set(key, (c = emptyCounts()));
    return c;
  };
  for (const lead of leads) {
    if (Number.isNaN(lead.arrived)) continue;
    bucket(lead.arrived).added++;
    const r = removal(lead, opts);
    if (!r) continue;
    const at = opts.flowBased ? r.at : lead.arrived;
    if (!Number.isNaN(at)) addRemoval(bucket(at), r.reason);
  }
  if (buckets.size === 0) return [];
  const keys = [...buckets.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const out: FlowPeriod[] = [];
  let running = 0;
  for (let p = first; p <= last; p = nextPeriodStart(p, unit)) {
    const c = buckets.get(p) ?? emptyCounts();
    c.net = c.added - c.removed;
    running += c.net;
    out.push({ ...c, label: periodLabel(p, unit), start: p, runningNet: running });
  }
  return out;
}
