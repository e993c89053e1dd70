/**
 * The net lead flow sheet: per week or month, new leads, the leads removed (one column per
 * removing exit of the pipeline, plus those gone quiet), net and running total; negative periods
 * highlighted; a trend chart; and the same by lead source, so the channels whose leads stay
 * worth working stand out. Without a removal-date column, removals count in the period the lead
 * arrived (the cohort view, which cannot go negative); with one, in the period they happened
 * (the flow view: a lead removed on its removal date, or on its arrival date when that is blank,
 * and a quiet lead on the day it went quiet), as NETLEADFLOW does with removed_dates.
 */
import { INACTIVE } from '../flow';
import { ratio } from '../funnel';
import { DAY_MS, PeriodUnit, nextPeriodStart, periodStart, serialToWall, wallToSerial } from '../time';
import { cellKey, criterionFor } from './criteria';
import { Computed, HEAD, Layout, Plan, SECTION, asText, dateCell, fx, ref } from './grid';
import { BLANK_GROUP, CountBlock, Ctx, span, writeMap } from './leads';
import { intro } from './text';
import { MAX_GROUP_ROWS } from './funnel';

export interface FlowRequest {
  period?: 'week' | 'month';
}

/** The most periods a sheet lists (ten years of weeks). */
export const MAX_PERIODS = 520;

const dateExpr = (wall: number) => {
  const d = new Date(wall);
  return `DATE(${d.getUTCFullYear()},${d.getUTCMonth() + 1},${d.getUTCDate()})`;
};

/** Period index of each wall time, -1 outside the list. */
function periodIndexer(starts: number[], unit: PeriodUnit): (wall: number) => number {
  const index = new Map(starts.map((s, k) => [s, k]));
  return (wall) => (wall === wall ? index.get(periodStart(wall, unit)) ?? -1 : -1);
}

export function planFlow(x: Ctx, o: FlowRequest): Plan {
  const unit = o.period === 'week' ? 'week' : 'month';
  const L = new Layout();
  const arr = x.col('arrived');
  const last = x.col('lastActivity');
  const removedAt = x.col('removedAt');
  intro(L, x, `Net lead flow per ${unit}`, 'flow');
  // The title, the settings and the per-period table's header stay in view down a long list of weeks.
  L.frozenRows = 7;
  if (!arr) {
    L.put(6, 1, ['Net lead flow counts leads by when they arrived, and no arrival date column is mapped. Map one in Extensions ▸ LeadFlow ▸ Open setup, then build this sheet again.'], 't', SECTION);
    return L.plan('flow', 'Net lead flow');
  }
  const reasons = [...x.pipeline.def.exits.filter((e) => e.removes).map((e) => e.name), ...(last ? [INACTIVE] : [])];
  const R = reasons.length;
  const mapCol = R + 16;
  L.reportColumns = mapCol - 2;
  const map = writeMap(L, 6, mapCol, x);
  const blk = new CountBlock(L, x, 6, mapCol + 7, map);
  const days = x.input.setup.flow.inactiveDays;
  const nowSerial = wallToSerial(x.input.now);
  if (last) {
    L.put(3, 3, ['Quiet after (days)', days, 'As of', fx('NOW()', nowSerial), 'Quiet if last activity before', fx('F3-D3', nowSerial - days)], 'tits');
  } else L.notes.push('Map a last-activity column to count leads gone quiet.');
  L.put(5, 1, [removedAt
    ? 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period it happened.'
    : 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period they arrived. Map a removal-date column to count them when they left.'], 't');

  // Every period from the first arrival to the last arrival, removal or quiet day (not past today), as netLeadFlowByPeriod lists them.
  const arrivals = x.serials('arrived');
  const removals = x.serials('removedAt');
  const lastActs = x.serials('lastActivity');
  const { lo, hi: lastArrival } = span(x);
  let hi = lastArrival;
  if (removedAt || last) {
    x.comboOf.forEach((c, i) => {
      if (c < 0) return;
      const combo = x.combos[c];
      if (removedAt && combo.removedAs && removals[i] === removals[i]) hi = Math.max(hi, serialToWall(removals[i]));
      // Counted by arrival (no removal dates), a quiet lead adds no later period.
      if (removedAt && last && combo.open && lastActs[i] + days <= nowSerial) hi = Math.max(hi, serialToWall(lastActs[i] + days));
    });
  }
  const periods: number[] = [];
  if (lo <= hi) for (let p = periodStart(lo, unit); p <= hi && periods.length < MAX_PERIODS; p = nextPeriodStart(p, unit)) periods.push(p);
  if (periods.length === MAX_PERIODS && nextPeriodStart(periods[MAX_PERIODS - 1], unit) <= hi) L.notes.push(`Listing the first ${MAX_PERIODS} ${unit}s only; build it per month to see them all.`);
  const n = periods.length;
  const periodOf = periodIndexer(periods, unit);
  const wallOf = (s: number) => (s === s ? serialToWall(s) : NaN);
  const between = (col: string, p: number, shift = '') => `,${col},">="&(${dateExpr(p)}${shift}),${col},"<"&(${dateExpr(nextPeriodStart(p, unit))}${shift})`;
  const titles = (what: string) => periods.map((p) => `${what} ${new Date(p).toISOString().slice(0, unit === 'week' ? 10 : 7)}`);
  const arrivedIn = blk.addMany(titles('Arrived'), periods.map((p) => between(arr, p)), (i) => periodOf(wallOf(arrivals[i])));
  // Where each reason's removals of a period are counted: by removal date (flow view) or by arrival (cohort view).
  let removedIn: number[] = [];
  let undatedIn: number[] = [];
  if (removedAt) {
    removedIn = blk.addMany(titles('Removed'), periods.map((p) => between(removedAt, p)), (i) => periodOf(wallOf(removals[i])));
    undatedIn = blk.addMany(titles('Arrived, no removal date'), periods.map((p) => `${between(arr, p)},${removedAt},""`),
      (i) => (x.input.rows[i][x.index('removedAt')] === '' || x.input.rows[i][x.index('removedAt')] === undefined ? periodOf(wallOf(arrivals[i])) : -1));
  }
  let quietIn: number[] = [];
  if (last) {
    const quietBy = (i: number) => lastActs[i] === lastActs[i] && lastActs[i] <= nowSerial - days;
    quietIn = removedAt
      ? blk.addMany(titles('Went quiet'), periods.map((p) => `${between(last, p, '-$D$3')},${last},"<="&$H$3`), (i) => (quietBy(i) ? periodOf(wallOf(lastActs[i] + days)) : -1))
      : blk.addMany(titles('Arrived and quiet now'), periods.map((p) => `${between(arr, p)},${last},"<="&$H$3`), (i) => (quietBy(i) ? periodOf(wallOf(arrivals[i])) : -1));
  }
  const removal = (name: string, k: number): Computed => {
    if (name === INACTIVE) return blk.open(quietIn[k]);
    if (!removedAt) return blk.removed(arrivedIn[k], name);
    const [a, b] = [blk.removed(removedIn[k], name), blk.removed(undatedIn[k], name)];
    return fx(`${a.f.slice(1)}+${b.f.slice(1)}`, (a.v as number) + (b.v as number));
  };

  L.put(6, 1, [`Per ${unit}`], 't', SECTION);
  L.put(7, 1, [unit === 'week' ? 'Week from' : 'Month', 'New', ...reasons.map(asText), 'Removed', 'Net', 'Running total'], 't', HEAD);
  let running = 0;
  periods.forEach((p, k) => {
    const row = 8 + k;
    const added = blk.reachedValue(arrivedIn[k], 1);
    const parts = reasons.map((name) => removal(name, k));
    const removed = parts.reduce((s, c) => s + (c.v as number), 0);
    running += added - removed;
    L.put(row, 1, [dateCell(p), blk.reached(arrivedIn[k], 1), ...parts,
      fx(R ? `SUM(${ref(row, 3)}:${ref(row, 2 + R)})` : '0', removed), fx(`${ref(row, 2)}-${ref(row, 3 + R)}`, added - removed),
      fx(k ? `${ref(row - 1, R + 5)}+${ref(row, R + 4)}` : ref(row, R + 4), running)], unit === 'week' ? 'di' : 'mi');
  });
  L.negatives.push([8, R + 4, n || 1, 1]);
  if (n) {
    L.charts.push({
      type: 'combo', title: `Net lead flow per ${unit}`, categories: [8, 1, n, 1],
      series: [
        { name: 'Net', values: [8, R + 4, n, 1], as: 'column', color: '#1e8e3e', negativeColor: '#d93025', format: '#,##0' },
        { name: 'Running total', values: [8, R + 5, n, 1], as: 'line', color: '#1a73e8', format: '#,##0' },
      ],
      ranges: [[7, 1, n + 1, 1], [7, R + 4, n + 1, 2]], at: [6, R + 7], size: [640, 340],
    });
  }

  // The same by lead source, over all periods.
  const source = x.col('source');
  if (source) {
    const r = 9 + n;
    L.put(r, 1, ['By lead source: which channels bring leads that stay'], 't', SECTION);
    L.put(r + 1, 1, ['Lead source', 'New', ...reasons.map(asText), 'Removed', 'Net', 'Kept share'], 't', HEAD);
    const dated = (i: number) => arrivals[i] === arrivals[i] && arrivals[i] > 0;
    const { list, of } = x.groups('source', dated);
    let shown = list.slice(0, MAX_GROUP_ROWS);
    const blank = list.find((g) => g.label === BLANK_GROUP);
    if (blank && !shown.includes(blank)) shown = [...shown.slice(0, MAX_GROUP_ROWS - 1), blank];
    const slotOf = new Map<string, number>();
    const gTitles: string[] = [];
    const gCrits: string[] = [];
    const spans = shown.map((g) => g.spellings.map((v) => {
      slotOf.set(`${list.indexOf(g)}\u0000${cellKey(v)}`, gTitles.length);
      gTitles.push(`Source: ${g.label}`);
      gCrits.push(`,${source},${criterionFor(v)},${arr},">0"`);
      return gTitles.length - 1;
    }));
    const at = x.index('source');
    const slot = (i: number) => (of[i] < 0 ? -1 : slotOf.get(`${of[i]}\u0000${cellKey(x.input.rows[i][at])}`) ?? -1);
    const groupCols = blk.addMany(gTitles, gCrits, slot);
    const quietCols = last ? blk.addMany(gTitles.map((t) => `${t}, quiet now`), gCrits.map((c) => `${c},${last},"<="&$H$3`),
      (i) => (lastActs[i] === lastActs[i] && lastActs[i] <= nowSerial - days ? slot(i) : -1)) : [];
    const sumOf = (cells: Computed[]) => fx(cells.map((c) => c.f.slice(1)).join('+') || '0', cells.reduce((s, c) => s + (c.v as number), 0));
    shown.forEach((g, k) => {
      const row = r + 2 + k;
      const js = spans[k];
      const added = sumOf(js.map((j) => blk.reached(groupCols[j], 1)));
      const parts = reasons.map((name) => sumOf(js.map((j) => (name === INACTIVE ? blk.open(quietCols[j]) : blk.removed(groupCols[j], name)))));
      const removed = parts.reduce((s, c) => s + (c.v as number), 0);
      const net = (added.v as number) - removed;
      L.put(row, 1, [asText(g.label), added, ...parts, fx(R ? `SUM(${ref(row, 3)}:${ref(row, 2 + R)})` : '0', removed),
        fx(`${ref(row, 2)}-${ref(row, 3 + R)}`, net), fx(`IFERROR(${ref(row, R + 4)}/${ref(row, 2)},"")`, ratio(net, added.v as number))], `t${'i'.repeat(R + 3)}p`);
    });
    if (list.length > shown.length) L.notes.push(`By lead source lists the ${shown.length} largest of ${list.length} sources.`);
    L.negatives.push([r + 2, R + 4, shown.length || 1, 1]);
  }
  blk.write();
  return L.plan('flow', 'Net lead flow');
}
