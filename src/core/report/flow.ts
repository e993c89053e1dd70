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
import { DAY_MS, nextPeriodStart, periodStart } from '../time';
import { HEAD, Layout, Plan, SECTION, asText, dateFormula, lit, ref } from './grid';
import { Ctx, countBy, span, writeMap } from './leads';
import { intro } from './text';

export interface FlowRequest {
  period?: 'week' | 'month';
}

/** In the flow view the periods run on to the last removal: a removal date, or the day a lead went quiet (up to now). */
function lastRemoval(x: Ctx, hi: number): number {
  const quietMs = x.input.setup.flow.inactiveDays * DAY_MS;
  const read = (v: unknown) => {
    try {
      return x.input.dates.read(v, { fn: 'LeadFlow', arg: 'removal date' });
    } catch {
      return NaN;
    }
  };
  for (const row of x.input.rows) {
    const removed = read(x.val(row, 'removedAt'));
    if (removed > hi) hi = removed;
    const quiet = read(x.val(row, 'lastActivity')) + quietMs;
    if (quiet > hi && quiet <= x.input.now) hi = quiet;
  }
  return hi;
}

export function planFlow(x: Ctx, o: FlowRequest): Plan {
  const unit = o.period === 'week' ? 'week' : 'month';
  const L = new Layout();
  const arr = x.col('arrived');
  const last = x.col('lastActivity');
  const removedAt = x.col('removedAt');
  const reasons = [...x.pipeline.def.exits.filter((e) => e.removes).map((e) => e.name), ...(last ? [INACTIVE] : [])];
  const R = reasons.length;
  const m = writeMap(L, 6, Math.max(R + 6, 10) + 2, x);
  intro(L, x, `Net lead flow per ${unit}`, 'flow');
  if (last) L.put(3, 3, ['Quiet after (days)', x.input.setup.flow.inactiveDays, 'As of', '=NOW()', 'Quiet if last activity before', '=F3-D3'], 'tits');
  else L.notes.push('Map a last-activity column to count leads gone quiet.');
  L.put(5, 1, [removedAt
    ? 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period it happened.'
    : 'New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period they arrived. Map a removal-date column to count them when they left.'], 't');

  // Removals of one reason. Cohort view: among the leads that arrived under `crit`. Flow view (a
  // period from `from` to before `to`): removed in the period, plus those without a removal date
  // that arrived in it; gone quiet in it (last activity + the quiet days falls in the period).
  const removals = (name: string, crit: string, period?: { from: string; to: string }) => {
    const isExit = `(${m.removedAs}=${lit(name)})`;
    if (name === INACTIVE && last) {
      const quiet = period && removedAt ? `,${last},">="&(${period.from}-$D$3),${last},"<"&(${period.to}-$D$3)` : crit;
      return countBy(x, m, `${quiet},${last},"<="&$H$3`, `(${m.open}="yes")`);
    }
    if (!period || !removedAt) return countBy(x, m, crit, isExit);
    const dated = countBy(x, m, `,${removedAt},">="&${period.from},${removedAt},"<"&${period.to}`, isExit);
    const undated = `${countBy(x, m, crit, isExit)}-${countBy(x, m, `${crit},${removedAt},"<>"`, isExit)}`;
    return `${dated}+${undated}`;
  };
  // One row of counts: new, each removal reason, removed, net (the running total is added per period).
  const counts = (row: number, crit: string, last2: string, period?: { from: string; to: string }) => [
    `=COUNTIFS(${crit.slice(1)})`,
    ...reasons.map((name) => `=${removals(name, crit, period)}`),
    R ? `=SUM(${ref(row, 3)}:${ref(row, 2 + R)})` : 0, `=${ref(row, 2)}-${ref(row, 3 + R)}`, last2];

  // Every period from the first arrival to the last (or to today, when that is near), gaps included.
  const { lo, hi: lastArrival } = span(x);
  const hi = removedAt ? lastRemoval(x, lastArrival) : lastArrival;
  const periods: number[] = [];
  for (let p = periodStart(lo, unit); p <= hi && periods.length < 520; p = nextPeriodStart(p, unit)) periods.push(p);
  for (let p = nextPeriodStart(periods[periods.length - 1], unit), n = 0; p <= x.input.now && n < 12; p = nextPeriodStart(p, unit), n++) periods.push(p);
  const n = periods.length;
  L.put(6, 1, [`Per ${unit}`], 't', SECTION);
  L.put(7, 1, [unit === 'week' ? 'Week from' : 'Month', 'New', ...reasons, 'Removed', 'Net', 'Running total'], 't', HEAD);
  periods.forEach((p, i) => {
    const row = 8 + i;
    const a = ref(row, 1, 2);
    const net = ref(row, R + 4);
    const to = unit === 'week' ? `${a}+7` : `EDATE(${a},1)`;
    L.put(row, 1, [dateFormula(p), ...counts(row, `,${arr},">="&${a},${arr},"<"&${to}`, i ? `=${ref(row - 1, R + 5)}+${net}` : `=${net}`, { from: a, to })],
      unit === 'week' ? 'di' : 'mi');
  });
  L.negatives.push([8, R + 4, n || 1, 1]);
  L.charts.push({ type: 'line', title: `Net lead flow per ${unit}`, ranges: [[7, 1, n + 1, 2], [7, R + 3, n + 1, 2]], at: [6, R + 20] });

  // The same by lead source, over all periods.
  const source = x.col('source');
  if (source) {
    const r = 9 + n;
    L.put(r, 1, ['By lead source: which channels bring leads that stay'], 't', SECTION);
    L.put(r + 1, 1, ['Lead source', 'New', ...reasons, 'Removed', 'Net', 'Kept share'], 't', HEAD);
    const groups = x.groups('source').slice(0, 40);
    groups.forEach(([g], i) => {
      const row = r + 2 + i;
      L.put(row, 1, [asText(g), ...counts(row, `,${source},${ref(row, 1, 2)},${arr},">-1E+300"`, `=IFERROR(${ref(row, R + 4)}/${ref(row, 2)},"")`)],
        `t${'i'.repeat(R + 3)}p`);
    });
    L.negatives.push([r + 2, R + 4, groups.length || 1, 1]);
  }
  return L.plan('flow', 'Net lead flow');
}
