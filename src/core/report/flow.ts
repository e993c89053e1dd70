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
import { PeriodUnit, nextPeriodStart, periodStart, serialToWall, wallToSerial } from '../time';
import { netFlowChart } from './charts';
import { Computed, HEAD, Layout, Plan, SECTION, asText, block, dateCell, fx, ref } from './grid';
import { BLANK_GROUP, Ctx, span, writeMap } from './leads';
import { PerLead, PerLeadValue, Split, StageCounts, isEmpty, leadKinds } from './stages';
import { intro } from './text';
import { MAX_GROUP_ROWS } from './funnel';

export interface FlowRequest {
  period?: 'week' | 'month';
}

/** The most periods a sheet lists (ten years of weeks). */
export const MAX_PERIODS = 520;

/** The net lead flow sheet's name. */
const FLOW_SHEET = 'Net lead flow';

/**
 * A date's period, counted from the first period of the list (before it: negative; past the last:
 * the list's length or more), as a per-lead expression of a date cell and as a number per serial.
 */
function periodNumber(unit: PeriodUnit, first: number): { expr: (date: string) => string; of: (serial: number) => number } {
  const start = new Date(first);
  if (unit === 'week') {
    const firstSerial = wallToSerial(first);
    return { expr: (date) => `INT((${date}-${firstSerial})/7)`, of: (serial) => Math.floor((serial - firstSerial) / 7) };
  }
  const [year, month] = [start.getUTCFullYear(), start.getUTCMonth() + 1];
  return {
    expr: (date) => `(YEAR(${date})-${year})*12+MONTH(${date})-${month}`,
    of: (serial) => {
      const day = new Date(serialToWall(Math.floor(serial)));
      return (day.getUTCFullYear() - year) * 12 + day.getUTCMonth() + 1 - month;
    },
  };
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
  // The table's exit no. says which reason column a removal counts in (the reasons' names are the table header's).
  const removing = reasons.filter((reason) => reason !== INACTIVE);
  const mapRefs = writeMap(layout, 6, mapCol, leads, { reasons: removing, named: block(7, 3, 7, 2 + Math.max(1, removing.length)) });
  const perLead = new PerLead(leads, FLOW_SHEET);
  const mapEnd = 8 + leads.map.length;
  const counts = new StageCounts(layout, leads, perLead, mapEnd + 4, mapCol + 14, mapRefs, [6, mapCol + 9], 'later');
  const { kind, labels } = leadKinds(leads, perLead, counts.level, mapRefs, removing);
  // Kind 0 is a lead the table does not place, as stage no. 0 is; counted by kind, the file reads it from the packed keys.
  counts.allBy(kind, labels.length, labels);
  counts.writeUnplaced(mapEnd + 1, mapCol);
  const quietDays = leads.input.setup.flow.inactiveDays;
  const nowSerial = wallToSerial(leads.input.now);
  if (lastActivityCol) {
    layout.put(3, 3, ['Quiet after (days)', quietDays, 'As of', fx('NOW()', nowSerial), 'Quiet if last activity before', fx('F3-D3', nowSerial - quietDays)], 'tits');
    // The file holds a CRM export as it was on the day it was made: activity since then is not in it,
    // so its leads go quiet as of that day, a date a person can retype (=NOW() works too). It also
    // spares LibreOffice 1-2 s: every lead's keys read H3, and a formula group that depends on a
    // volatile cell recalculates more slowly (docs/recalculation.md).
    layout.fileFormulas.push({ row: 3, column: 6, formula: '', value: nowSerial });
  } else layout.notes.push(NO_LAST_ACTIVITY_NOTE);
  const explained = removedAtCol
    ? 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period it happened.'
    : 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period they arrived. Map a removal-date column to count them when they left.';
  layout.put(5, 1, [explained], 't');
  if (lastActivityCol) layout.fileFormulas.push({ row: 5, column: 1, formula: '', value: `${explained} In this file, "As of" is the day it was made; type another date (or =NOW()) to count quiet leads as of then.` });

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

  // Each lead's period by a date of it (arrival, removal, the day it went quiet): the slices of the splits below.
  const number = periodNumber(unit, periods[0] ?? 0);
  const cell = (field: 'arrived' | 'removedAt' | 'lastActivity') => perLead.cell(leads.index(field));
  const rows = leads.input.rows;
  const byDate = (field: 'arrived' | 'removedAt', keep: (i: number) => boolean = () => true, test = ''): PerLeadValue => {
    const serials = field === 'arrived' ? arrivals : removals;
    return {
      expr: `IF(${test}ISNUMBER(${cell(field)}),${number.expr(cell(field))},-1)`,
      values: Int32Array.from(rows, (_, i) => (serials[i] === serials[i] && keep(i) ? number.of(serials[i]) : -1)),
    };
  };
  const quiet = (i: number) => lastActivities[i] === lastActivities[i] && lastActivities[i] <= nowSerial - quietDays;
  const periodTitles = periods.map((start) => new Date(start).toISOString().slice(0, unit === 'week' ? 10 : 7));
  const split = (title: string, slice: PerLeadValue) => counts.addSplit(title, periodTitles, counts.keysOf(slice, kind, labels.length), labels);
  // A split that is another one's leads where `test` holds (in the file, a yes/no digit beside that split's keys).
  const splitWhere = (title: string, slice: PerLeadValue, base: Split, test: string, holds: (lead: number) => boolean) => counts.addSplit(title, periodTitles, counts.keysWhere(base, test, holds, slice, kind, labels.length), labels);
  const arrivedIn = split('Arrived', byDate('arrived'));
  // Where each reason's removals of a period are counted: by removal date (flow view) or by arrival (cohort view).
  const removedIn = removedAtCol ? split('Removed', byDate('removedAt')) : undefined;
  const undated = (i: number) => isEmpty(rows[i][leads.index('removedAt')]);
  const undatedIn = removedAtCol
    ? splitWhere('Arrived, no removal date', byDate('arrived', undated, `(${cell('removedAt')}="")*`), arrivedIn, `${cell('removedAt')}=""`, undated)
    : undefined;
  let quietIn: Split | undefined;
  // A lead quiet now: its last activity on or before the cut-off in H3.
  const isQuiet = lastActivityCol ? `ISNUMBER(${cell('lastActivity')})*(${cell('lastActivity')}<=${perLead.sheet('$H$3')})` : '';
  if (lastActivityCol) {
    const lastActivity = cell('lastActivity');
    quietIn = removedAtCol
      ? split('Went quiet', {
        expr: `IF(${isQuiet},${number.expr(`(${lastActivity}+${perLead.sheet('$D$3')})`)},-1)`,
        values: Int32Array.from(rows, (_, i) => (quiet(i) ? number.of(lastActivities[i] + quietDays) : -1)),
      })
      : splitWhere('Arrived and quiet now', byDate('arrived', quiet, `${isQuiet}*`), arrivedIn, isQuiet, quiet);
  }
  const added = (within: Split, slice: number) => counts.count(within, slice, 1, labels.length - 1);
  const removedBy = (within: Split, slice: number, reason: string) => counts.count(within, slice, 3 + removing.indexOf(reason), 3 + removing.indexOf(reason));
  const open = (within: Split, slice: number) => counts.count(within, slice, 2, 2);
  const removal = (reason: string, periodIndex: number): Computed => {
    if (reason === INACTIVE) return open(quietIn!, periodIndex);
    if (!removedIn || !undatedIn) return removedBy(arrivedIn, periodIndex, reason);
    const [byRemovalDate, byArrival] = [removedBy(removedIn, periodIndex, reason), removedBy(undatedIn, periodIndex, reason)];
    return fx(`${byRemovalDate.f.slice(1)}+${byArrival.f.slice(1)}`, (byRemovalDate.v as number) + (byArrival.v as number));
  };

  layout.put(6, 1, [`Per ${unit}`], 't', SECTION);
  layout.put(7, 1, [unit === 'week' ? 'Week from' : 'Month', 'New', ...reasons.map(asText), 'Removed', 'Net', 'Running total'], 't', HEAD);
  let running = 0;
  periods.forEach((start, periodIndex) => {
    const row = 8 + periodIndex;
    const arrived = added(arrivedIn, periodIndex);
    const byReason = reasons.map((reason) => removal(reason, periodIndex));
    const removed = byReason.reduce((total, cell) => total + (cell.v as number), 0);
    running += (arrived.v as number) - removed;
    layout.put(row, 1, [dateCell(start), arrived, ...byReason,
      fx(reasonCount ? `SUM(${ref(row, 3)}:${ref(row, 2 + reasonCount)})` : '0', removed), fx(`${ref(row, 2)}-${ref(row, 3 + reasonCount)}`, (arrived.v as number) - removed),
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
    const { list } = leads.groups('source', dated);
    let shown = list.slice(0, MAX_GROUP_ROWS);
    const blank = list.find((group) => group.label === BLANK_GROUP);
    if (blank && !shown.includes(blank)) shown = [...shown.slice(0, MAX_GROUP_ROWS - 1), blank];
    // Each lead's source group (the groups shown, then every other one), for the leads with an arrival date.
    const slice = counts.groupSlice('source', shown, blank ? shown.indexOf(blank) : -1);
    const arrival = cell('arrived');
    const datedSlice: PerLeadValue = {
      expr: `IF(ISNUMBER(${arrival})*(${arrival}>0),${slice.expr},-1)`,
      values: Int32Array.from(slice.values, (value, i) => (dated(i) ? value : -1)),
    };
    const sourceTitles = [...shown.map((group) => group.label), 'Other'];
    const bySource = counts.addSplit('Lead source', sourceTitles, counts.keysOf(datedSlice, kind, labels.length), labels);
    const quietBySource = lastActivityCol ? counts.addSplit('Lead source, quiet now', sourceTitles, counts.keysWhere(bySource, isQuiet, quiet, {
      expr: `IF(${isQuiet},${datedSlice.expr},-1)`,
      values: Int32Array.from(datedSlice.values, (value, i) => (quiet(i) ? value : -1)),
    }, kind, labels.length), labels) : undefined;
    shown.forEach((group, n) => {
      const row = top + 2 + n;
      const arrived = added(bySource, n);
      const byReason = reasons.map((reason) => (reason === INACTIVE ? open(quietBySource!, n) : removedBy(bySource, n, reason)));
      const removed = byReason.reduce((total, cell) => total + (cell.v as number), 0);
      const net = (arrived.v as number) - removed;
      layout.put(row, 1, [asText(group.label), arrived, ...byReason, fx(reasonCount ? `SUM(${ref(row, 3)}:${ref(row, 2 + reasonCount)})` : '0', removed),
        fx(`${ref(row, 2)}-${ref(row, 3 + reasonCount)}`, net), fx(`IFERROR(${ref(row, reasonCount + 4)}/${ref(row, 2)},"")`, ratio(net, arrived.v as number))], `t${'i'.repeat(reasonCount + 3)}p`);
    });
    if (list.length > shown.length) layout.notes.push(`By lead source lists the ${shown.length} largest of ${list.length} sources.`);
    layout.negatives.push([top + 2, reasonCount + 4, shown.length || 1, 1]);
  }
  layout.xlsx = counts.write();
  return layout.plan('flow', FLOW_SHEET);
}
