/**
 * The funnel sheet: per stage, leads reached, step and overall conversion, drop-off, pipeline value
 * and median days from the previous stage; a breakdown by lead source; conversion by arrival month;
 * optionally one pipeline per source or owner. Every figure is a native formula over the leads.
 */
import { LeadFlowError } from '../errors';
import { FEW_LEADS, LARGE_DEAL } from '../funnel';
import { DAY_MS, nextPeriodStart, periodStart } from '../time';
import { normalizeLabel } from '../values';
import { HEAD, Layout, Plan, SECTION, asText, dateFormula, lit, ref } from './grid';
import { Ctx, countBy, span, writeMap } from './leads';
import { intro } from './text';

export type CohortKind = 'all' | 'ytd' | 'quarter' | 'month' | 'range';

export interface FunnelRequest {
  cohort?: CohortKind;
  /** "2026-Q1" for a quarter, "2026-03" for a month. */
  value?: string;
  /** yyyy-mm-dd, for a custom range (end counts whole). */
  start?: string;
  end?: string;
  /** One pipeline per lead source or per owner, below the main funnel. */
  split?: 'none' | 'source' | 'owner';
}

export interface Cohort {
  label: string;
  /** First and last arrival day (wall ms, whole days); undefined for all leads. */
  start?: number;
  end?: number;
  /** Year to date: the bounds are TODAY() formulas, so the cohort moves with the calendar. */
  live?: boolean;
}

export function resolveCohort(o: FunnelRequest, now: number): Cohort {
  const v = o.value || '';
  const q = /^(\d{4})-(Q?)(\d\d?)$/i.exec(v);
  switch (o.cohort || 'all') {
    case 'all': return { label: 'All leads' };
    case 'ytd': return { label: 'Year to date', start: Date.UTC(new Date(now).getUTCFullYear(), 0, 1), end: periodStart(now, 'day'), live: true };
    case 'range': {
      const [start, end] = [o.start, o.end].map((s) => (/^\d{4}-\d\d-\d\d$/.test(s || '') ? Date.parse(`${s}T00:00:00Z`) : NaN));
      if (start <= end) return { label: `${o.start} to ${o.end}`, start, end };
      throw new LeadFlowError(`Choose a start and an end date (yyyy-mm-dd), the start first; got "${o.start}" and "${o.end}".`);
    }
  }
  const unit = q && q[2] ? 'quarter' : 'month';
  const n = q ? +q[3] : 0;
  if (!q || unit !== o.cohort || n < 1 || n > (q[2] ? 4 : 12)) throw new LeadFlowError(`Choose a quarter such as 2026-Q1 or a month such as 2026-03; got "${v}".`);
  const start = Date.UTC(+q[1], q[2] ? n * 3 - 3 : n - 1, 1);
  return { label: v.toUpperCase(), start, end: nextPeriodStart(start, unit) - DAY_MS };
}

export function planFunnel(x: Ctx, o: FunnelRequest): Plan {
  const L = new Layout();
  const S = x.stages.length;
  const co = resolveCohort(o, x.input.now);
  const dated = co.start !== undefined;
  const arr = x.col('arrived');
  const mapCol = Math.max(11, S + 4);
  const m = writeMap(L, 6, mapCol, x);
  intro(L, x, `Lead funnel: ${co.label}`, 'funnel');
  const bound = (live: string, wall?: number) => (co.live ? live : wall === undefined ? '' : dateFormula(wall));
  L.put(3, 3, ['Cohort', co.label, 'From', bound('=DATE(YEAR(TODAY()),1,1)', co.start), 'To', bound('=TODAY()', co.end)], 'tttdtd');
  const cohortCrit = dated ? `,${arr},">="&$F$3,${arr},"<"&($H$3+1)` : '';
  const inCohort = (i: number) => !dated || (x.arrived[i] >= co.start! && x.arrived[i] < co.end! + DAY_MS);
  const reach = (k: number, crit: string) => countBy(x, m, cohortCrit + crit, `(${m.stage}>=${k})`);

  // Leads reached, step and overall conversion, drop-off: the main funnel and each split pipeline.
  const steps = (r: number, crit: string, title: string): number => {
    L.put(r, 1, [title], 't', SECTION);
    L.put(r + 1, 1, ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'], 't', HEAD);
    x.stages.forEach((name, k) => {
      const row = r + 2 + k;
      const [b, a] = [ref(row, 2), ref(row - 1, 2)];
      L.put(row, 1, [name, `=${reach(k + 1, crit)}`, k ? `=IFERROR(${b}/${a},"")` : `=IF(${b}>0,1,"")`,
        `=IFERROR(${b}/${ref(r + 2, 2, 1)},"")`, k ? `=${a}-${b}` : 0], 'tippi');
    });
    return r + S + 3;
  };
  let r = steps(6, '', 'Funnel');
  L.charts.push({ type: 'bar', title: `Leads reached per stage: ${co.label}`, ranges: [[7, 1, S + 1, 2]], at: [6, mapCol + 7] });

  // Pipeline value: the actual sum when every lead of the stage has a value, else leads × average (an estimate).
  const value = x.col('value');
  if (value) {
    L.put(7, 6, ['Leads with a deal value', 'Pipeline value', 'Value basis'], 't', HEAD);
    const sum = (k: number) => `SUMPRODUCT(SUMIFS(${value},${x.col('status')},${m.spelling}${cohortCrit})*(${m.stage}>=${k}))`;
    const known = ref(8, 6, 1);
    for (let k = 1; k <= S; k++) {
      const [b, f, g] = [2, 6, 7].map((c) => ref(7 + k, c));
      L.put(7 + k, 6, [`=${countBy(x, m, `${cohortCrit},${value},">-1E+300"`, `(${m.stage}>=${k})`)}`,
        `=IF(${f}=${b},${sum(k)},IF(${known}=0,"",${b}*${sum(1)}/${known}))`,
        `=IF(${g}="","",IF(${f}=${b},"Actual",IF(AND(${b}<${FEW_LEADS},${g}/${b}>${LARGE_DEAL}),"Estimate: few leads, large deals; sum real values","Estimate: leads × average deal")))`], 'iit');
    }
  } else L.notes.push('Map a deal value column in Open setup to see pipeline value.');

  // Median days from the previous stage, where the setup names stage date columns.
  const stageDates = Object.entries(x.input.setup.columns.stageDates || {});
  const dateCol = (k: number) => x.colOf((stageDates.find(([s]) => normalizeLabel(s) === normalizeLabel(x.stages[k])) || [])[1] || '') || (k ? '' : arr);
  if (stageDates.length) {
    L.put(7, 9, ['Median days from previous stage'], 't', HEAD);
    for (let k = 1; k < S; k++) {
      const [a, b] = [dateCol(k - 1), dateCol(k)];
      if (a && b) L.put(8 + k, 9, [`=IFERROR(ARRAYFORMULA(MEDIAN(IF(ISNUMBER(${a})*ISNUMBER(${b})${dated ? `*(${arr}>=$F$3)*(${arr}<$H$3+1)` : ''},${b}-${a}))),"")`], 'y');
    }
  }

  // By lead source: All leads first, then each source, largest first.
  const source = x.col('source');
  if (source) {
    L.put(r, 1, ['By lead source'], 't', SECTION);
    L.put(r + 1, 1, ['Lead source', ...x.stages, 'Overall conversion'], 't', HEAD);
    const groups = x.groups('source', inCohort).slice(0, 40);
    [['All leads'], ...groups].forEach(([g], i) => {
      const row = r + 2 + i;
      L.put(row, 1, [asText(g), ...x.stages.map((_, k) => `=${reach(k + 1, i ? `,${source},${ref(row, 1, 2)}` : '')}`), `=IFERROR(${ref(row, S + 1)}/${ref(row, 2)},"")`],
        `t${'i'.repeat(S)}p`, i ? 0 : HEAD);
    });
    r += groups.length + 4;
  }

  // Conversion by arrival month: the leads of each month and the share of them that reached each later stage.
  const { lo, hi } = span(x, inCohort);
  const months: number[] = [];
  for (let p = periodStart(lo, 'month'); p <= hi && months.length < 120; p = nextPeriodStart(p, 'month')) months.push(p);
  if (months.length) {
    L.put(r, 1, ['Conversion by arrival month'], 't', SECTION);
    L.put(r + 1, 1, ['Arrival month', 'Leads', ...x.stages.slice(1).map((s) => `Reached ${s}`)], 't', HEAD);
    months.forEach((p, i) => {
      const row = r + 2 + i;
      const a = ref(row, 1, 2);
      const crit = `,${arr},">="&${a},${arr},"<"&EDATE(${a},1)`;
      L.put(row, 1, [dateFormula(p), `=${reach(1, crit)}`, ...x.stages.slice(1).map((_, k) => `=IFERROR(${reach(k + 2, crit)}/${ref(row, 2)},"")`)], 'mip');
    });
    L.charts.push({ type: 'line', title: 'Conversion by arrival month', ranges: [[r + 1, 1, months.length + 1, 1], [r + 1, 3, months.length + 1, S - 1]], at: [28, mapCol + 7] });
    r += months.length + 3;
  }

  // One pipeline per source or owner.
  const by = o.split === 'source' || o.split === 'owner' ? x.col(o.split) : '';
  if (by) for (const [g] of x.groups(o.split as 'source', inCohort).slice(0, 12)) r = steps(r, `,${by},${lit(g)}`, `Pipeline: ${g}`);
  else if (o.split && o.split !== 'none') L.notes.push(`Map the ${o.split} column in Open setup to get one pipeline per ${o.split}.`);
  return L.plan('funnel', 'Funnel');
}
