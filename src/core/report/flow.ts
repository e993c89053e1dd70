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
import { netFlowChart } from './charts';
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
  const date = new Date(wall);
  return `DATE(${date.getUTCFullYear()},${date.getUTCMonth() + 1},${date.getUTCDate()})`;
};

/** Period index of each wall time, -1 outside the list. */
function periodIndexer(starts: number[], unit: PeriodUnit): (wall: number) => number {
  const indexOfStart = new Map(starts.map((start, periodIndex) => [start, periodIndex]));
  return (wall) => (wall === wall ? indexOfStart.get(periodStart(wall, unit)) ?? -1 : -1);
}

/** Net lead flow's note when no last-activity column is mapped (the report command says it in its "Not found" line). */
export const NO_LAST_ACTIVITY_NOTE = 'Map a last-activity column to count leads gone quiet.';

export function planFlow(leads: Ctx, request: FlowRequest): Plan {
  const unit = request.period === 'week' ? 'week' : 'month';
  const layout = new Layout();
  const arrivedCol = leads.col('arrived');
  const lastActivityCol = leads.col('lastActivity');
  const removedAtCol = leads.col('removedAt');
  intro(layout, leads, `Net lead flow per ${unit}`, 'flow');
  // The title, the settings and the per-period table's header stay in view down a long list of weeks.
  layout.frozenRows = 7;
  if (!arrivedCol) {
    layout.put(6, 1, ['Net lead flow counts leads by when they arrived, and no arrival date column is mapped. Map one in Extensions ▸ LeadFlow ▸ Open setup, then build this sheet again.'], 't', SECTION);
    return layout.plan('flow', 'Net lead flow');
  }
  const reasons = [...leads.pipeline.def.exits.filter((exit) => exit.removes).map((exit) => exit.name), ...(lastActivityCol ? [INACTIVE] : [])];
  const reasonCount = reasons.length;
  const mapCol = reasonCount + 16;
  layout.reportColumns = mapCol - 2;
  const mapRefs = writeMap(layout, 6, mapCol, leads);
  const countBlock = new CountBlock(layout, leads, 6, mapCol + 7, mapRefs);
  const quietDays = leads.input.setup.flow.inactiveDays;
  const nowSerial = wallToSerial(leads.input.now);
  if (lastActivityCol) {
    layout.put(3, 3, ['Quiet after (days)', quietDays, 'As of', fx('NOW()', nowSerial), 'Quiet if last activity before', fx('F3-D3', nowSerial - quietDays)], 'tits');
  } else layout.notes.push(NO_LAST_ACTIVITY_NOTE);
  layout.put(5, 1, [removedAtCol
    ? 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period it happened.'
    : 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period they arrived. Map a removal-date column to count them when they left.'], 't');

  // Every period from the first arrival to the last arrival, removal or quiet day (not past today), as netLeadFlowByPeriod lists them.
  const arrivals = leads.serials('arrived');
  const removals = leads.serials('removedAt');
  const lastActivities = leads.serials('lastActivity');
  const { lo: firstArrival, hi: lastArrival } = span(leads);
  let lastDay = lastArrival;
  if (removedAtCol || lastActivityCol) {
    leads.comboOf.forEach((comboAt, i) => {
      if (comboAt < 0) return;
      const combo = leads.combos[comboAt];
      if (removedAtCol && combo.removedAs && removals[i] === removals[i]) lastDay = Math.max(lastDay, serialToWall(removals[i]));
      // Counted by arrival (no removal dates), a quiet lead adds no later period.
      if (removedAtCol && lastActivityCol && combo.open && lastActivities[i] + quietDays <= nowSerial) lastDay = Math.max(lastDay, serialToWall(lastActivities[i] + quietDays));
    });
  }
  const periods: number[] = [];
  if (firstArrival <= lastDay) for (let start = periodStart(firstArrival, unit); start <= lastDay && periods.length < MAX_PERIODS; start = nextPeriodStart(start, unit)) periods.push(start);
  if (periods.length === MAX_PERIODS && nextPeriodStart(periods[MAX_PERIODS - 1], unit) <= lastDay) layout.notes.push(`Listing the first ${MAX_PERIODS} ${unit}s only; build it per month to see them all.`);
  const periodCount = periods.length;
  const periodOf = periodIndexer(periods, unit);
  const wallOf = (serial: number) => (serial === serial ? serialToWall(serial) : NaN);
  const between = (column: string, start: number, shift = '') => `,${column},">="&(${dateExpr(start)}${shift}),${column},"<"&(${dateExpr(nextPeriodStart(start, unit))}${shift})`;
  const titles = (what: string) => periods.map((start) => `${what} ${new Date(start).toISOString().slice(0, unit === 'week' ? 10 : 7)}`);
  const arrivedIn = countBlock.addMany(titles('Arrived'), periods.map((start) => between(arrivedCol, start)), (i) => periodOf(wallOf(arrivals[i])));
  // Where each reason's removals of a period are counted: by removal date (flow view) or by arrival (cohort view).
  let removedIn: number[] = [];
  let undatedIn: number[] = [];
  if (removedAtCol) {
    removedIn = countBlock.addMany(titles('Removed'), periods.map((start) => between(removedAtCol, start)), (i) => periodOf(wallOf(removals[i])));
    undatedIn = countBlock.addMany(titles('Arrived, no removal date'), periods.map((start) => `${between(arrivedCol, start)},${removedAtCol},""`),
      (i) => (leads.input.rows[i][leads.index('removedAt')] === '' || leads.input.rows[i][leads.index('removedAt')] === undefined ? periodOf(wallOf(arrivals[i])) : -1));
  }
  let quietIn: number[] = [];
  if (lastActivityCol) {
    const quietBy = (i: number) => lastActivities[i] === lastActivities[i] && lastActivities[i] <= nowSerial - quietDays;
    quietIn = removedAtCol
      ? countBlock.addMany(titles('Went quiet'), periods.map((start) => `${between(lastActivityCol, start, '-$D$3')},${lastActivityCol},"<="&$H$3`), (i) => (quietBy(i) ? periodOf(wallOf(lastActivities[i] + quietDays)) : -1))
      : countBlock.addMany(titles('Arrived and quiet now'), periods.map((start) => `${between(arrivedCol, start)},${lastActivityCol},"<="&$H$3`), (i) => (quietBy(i) ? periodOf(wallOf(arrivals[i])) : -1));
  }
  const removal = (reason: string, periodIndex: number): Computed => {
    if (reason === INACTIVE) return countBlock.open(quietIn[periodIndex]);
    if (!removedAtCol) return countBlock.removed(arrivedIn[periodIndex], reason);
    const [byRemovalDate, byArrival] = [countBlock.removed(removedIn[periodIndex], reason), countBlock.removed(undatedIn[periodIndex], reason)];
    return fx(`${byRemovalDate.f.slice(1)}+${byArrival.f.slice(1)}`, (byRemovalDate.v as number) + (byArrival.v as number));
  };

  layout.put(6, 1, [`Per ${unit}`], 't', SECTION);
  layout.put(7, 1, [unit === 'week' ? 'Week from' : 'Month', 'New', ...reasons.map(asText), 'Removed', 'Net', 'Running total'], 't', HEAD);
  let running = 0;
  periods.forEach((start, periodIndex) => {
    const row = 8 + periodIndex;
    const added = countBlock.reachedValue(arrivedIn[periodIndex], 1);
    const byReason = reasons.map((reason) => removal(reason, periodIndex));
    const removed = byReason.reduce((total, cell) => total + (cell.v as number), 0);
    running += added - removed;
    layout.put(row, 1, [dateCell(start), countBlock.reached(arrivedIn[periodIndex], 1), ...byReason,
      fx(reasonCount ? `SUM(${ref(row, 3)}:${ref(row, 2 + reasonCount)})` : '0', removed), fx(`${ref(row, 2)}-${ref(row, 3 + reasonCount)}`, added - removed),
      fx(periodIndex ? `${ref(row - 1, reasonCount + 5)}+${ref(row, reasonCount + 4)}` : ref(row, reasonCount + 4), running)], unit === 'week' ? 'di' : 'mi');
  });
  layout.negatives.push([8, reasonCount + 4, periodCount || 1, 1]);
  if (periodCount) {
    layout.charts.push(netFlowChart(unit, reasonCount, periodCount));
  }

  // The same by lead source, over all periods.
  const source = leads.col('source');
  if (source) {
    const top = 9 + periodCount;
    layout.put(top, 1, ['By lead source: which channels bring leads that stay'], 't', SECTION);
    layout.put(top + 1, 1, ['Lead source', 'New', ...reasons.map(asText), 'Removed', 'Net', 'Kept share'], 't', HEAD);
    const dated = (i: number) => arrivals[i] === arrivals[i] && arrivals[i] > 0;
    const { list, of: groupOf } = leads.groups('source', dated);
    let shown = list.slice(0, MAX_GROUP_ROWS);
    const blank = list.find((group) => group.label === BLANK_GROUP);
    if (blank && !shown.includes(blank)) shown = [...shown.slice(0, MAX_GROUP_ROWS - 1), blank];
    const slotOf = new Map<string, number>();
    const groupTitles: string[] = [];
    const groupCrits: string[] = [];
    const groupSlots = shown.map((group) => group.spellings.map((spelling) => {
      slotOf.set(`${list.indexOf(group)}\u0000${cellKey(spelling)}`, groupTitles.length);
      groupTitles.push(`Source: ${group.label}`);
      groupCrits.push(`,${source},${criterionFor(spelling)},${arrivedCol},">0"`);
      return groupTitles.length - 1;
    }));
    const sourceAt = leads.index('source');
    const slot = (i: number) => (groupOf[i] < 0 ? -1 : slotOf.get(`${groupOf[i]}\u0000${cellKey(leads.input.rows[i][sourceAt])}`) ?? -1);
    const groupColumns = countBlock.addMany(groupTitles, groupCrits, slot);
    const quietColumns = lastActivityCol ? countBlock.addMany(groupTitles.map((title) => `${title}, quiet now`), groupCrits.map((crit) => `${crit},${lastActivityCol},"<="&$H$3`),
      (i) => (lastActivities[i] === lastActivities[i] && lastActivities[i] <= nowSerial - quietDays ? slot(i) : -1)) : [];
    const sumOf = (cells: Computed[]) => fx(cells.map((cell) => cell.f.slice(1)).join('+') || '0', cells.reduce((total, cell) => total + (cell.v as number), 0));
    shown.forEach((group, n) => {
      const row = top + 2 + n;
      const slots = groupSlots[n];
      const added = sumOf(slots.map((slotAt) => countBlock.reached(groupColumns[slotAt], 1)));
      const byReason = reasons.map((reason) => sumOf(slots.map((slotAt) => (reason === INACTIVE ? countBlock.open(quietColumns[slotAt]) : countBlock.removed(groupColumns[slotAt], reason)))));
      const removed = byReason.reduce((total, cell) => total + (cell.v as number), 0);
      const net = (added.v as number) - removed;
      layout.put(row, 1, [asText(group.label), added, ...byReason, fx(reasonCount ? `SUM(${ref(row, 3)}:${ref(row, 2 + reasonCount)})` : '0', removed),
        fx(`${ref(row, 2)}-${ref(row, 3 + reasonCount)}`, net), fx(`IFERROR(${ref(row, reasonCount + 4)}/${ref(row, 2)},"")`, ratio(net, added.v as number))], `t${'i'.repeat(reasonCount + 3)}p`);
    });
    if (list.length > shown.length) layout.notes.push(`By lead source lists the ${shown.length} largest of ${list.length} sources.`);
    layout.negatives.push([top + 2, reasonCount + 4, shown.length || 1, 1]);
  }
  countBlock.write();
  return layout.plan('flow', 'Net lead flow');
}
