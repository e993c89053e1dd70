/**
 * The net lead flow sheet: per week or month, new leads, the leads removed (one column per
 * removing exit of the pipeline, plus those gone quiet), net and running total; negative periods
 * highlighted; a trend chart; and the same by lead source, so the channels whose leads stay
 * worth working stand out. Removals count in the period the lead arrived (the cohort view).
 */
import { INACTIVE } from '../flow';
import { nextPeriodStart, periodStart } from '../time';
import { HEAD, Layout, Plan, SECTION, asText, dateFormula, lit, ref } from './grid';
import { Ctx, countBy, span, writeMap } from './leads';
import { intro } from './text';

export interface FlowRequest {
  period?: 'week' | 'month';
}

export function planFlow(x: Ctx, o: FlowRequest): Plan {
  const unit = o.period === 'week' ? 'week' : 'month';
  const L = new Layout();
  const arr = x.col('arrived');
  const last = x.col('lastActivity');
  const reasons = [...x.pipeline.def.exits.filter((e) => e.removes).map((e) => e.name), ...(last ? [INACTIVE] : [])];
  const R = reasons.length;
  const m = writeMap(L, 6, Math.max(R + 6, 10) + 2, x);
  intro(L, x, `Net lead flow per ${unit}`, 'flow');
  if (last) L.put(3, 3, ['Quiet after (days)', x.input.setup.flow.inactiveDays, 'As of', '=NOW()', 'Quiet if last activity before', '=F3-D3'], 'tits');
  else L.notes.push('Map a last-activity column to count leads gone quiet.');
  L.put(5, 1, ['New leads minus those disqualified, lost or gone quiet (open, no activity for the days above), taken off in the period they arrived.'], 't');

  // One row of counts: new, each removal reason, removed, net (the running total is added per period).
  const counts = (row: number, crit: string, last2: string) => [
    `=COUNTIFS(${crit.slice(1)})`,
    ...reasons.map((name) => `=${name === INACTIVE && last
      ? countBy(x, m, `${crit},${last},"<="&$H$3`, `(${m.open}="yes")`)
      : countBy(x, m, crit, `(${m.removedAs}=${lit(name)})`)}`),
    R ? `=SUM(${ref(row, 3)}:${ref(row, 2 + R)})` : 0, `=${ref(row, 2)}-${ref(row, 3 + R)}`, last2];

  // Every period from the first arrival to the last (or to today, when that is near), gaps included.
  const { lo, hi } = span(x);
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
    L.put(row, 1, [dateFormula(p), ...counts(row, `,${arr},">="&${a},${arr},"<"&${unit === 'week' ? `${a}+7` : `EDATE(${a},1)`}`, i ? `=${ref(row - 1, R + 5)}+${net}` : `=${net}`)],
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
