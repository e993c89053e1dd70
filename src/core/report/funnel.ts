/**
 * The funnel sheet: per stage, leads reached, step and overall conversion, drop-off, pipeline value
 * and median days from the previous stage; a breakdown by lead source; conversion by arrival month;
 * optionally one pipeline per source or owner. Every figure is a native formula over the leads,
 * summed from the sheet's count block (leads.ts), with the value it computes cached beside it.
 */
import { LeadFlowError } from '../errors';
import { FEW_LEADS, LARGE_DEAL, VALUE_BASIS, ratio } from '../funnel';
import { DAY_MS, nextPeriodStart, periodStart, wallToSerial } from '../time';
import { median } from '../timing';
import { cellKey, criterionFor } from './criteria';
import { Box, Computed, HEAD, Layout, Plan, SECTION, asText, dateCell, fx, isCurrencyFormat, lit, ref } from './grid';
import { BLANK_GROUP, CountBlock, Ctx, Group, span, writeMap } from './leads';
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

/** Groups shown one per row: the largest, the blank group whatever its size, the rest together as "Other". */
export const MAX_GROUP_ROWS = 15;

/** Which groups get a row, and the block columns (one per spelling) each sums. */
function groupColumns(blk: CountBlock, x: Ctx, field: 'source' | 'owner', include: (i: number) => boolean, crit: string, limit: number) {
  const { list, of } = x.groups(field, include);
  let shown = list.slice(0, limit);
  const blank = list.find((g) => g.label === BLANK_GROUP);
  if (blank && !shown.includes(blank)) shown = [...shown.slice(0, limit - 1), blank];
  const titles: string[] = [];
  const crits: string[] = [];
  const slotOf = new Map<string, number>();
  const columns: number[][] = shown.map((g) => g.spellings.map((v) => {
    slotOf.set(`${list.indexOf(g)}\u0000${cellKey(v)}`, titles.length);
    titles.push(`${field === 'source' ? 'Source' : 'Owner'}: ${g.label}${g.spellings.length > 1 ? ` (${JSON.stringify(v)})` : ''}`);
    crits.push(`${crit},${x.col(field)},${criterionFor(v)}`);
    return titles.length - 1;
  }));
  const at = x.index(field);
  const ids = blk.addMany(titles, crits, (i) => (of[i] < 0 ? -1 : slotOf.get(`${of[i]}\u0000${cellKey(x.input.rows[i][at])}`) ?? -1));
  return { shown, columns: columns.map((slots) => slots.map((s) => ids[s])), others: list.length - shown.length, list };
}

/** Reached at stage k over several block columns (a group written several ways). */
function reachedOver(blk: CountBlock, js: number[], k: number): Computed {
  const parts = js.map((j) => blk.reached(j, k));
  return fx(parts.map((p) => p.f.slice(1)).join('+') || '0', parts.reduce((n, p) => n + (p.v as number), 0));
}

export function planFunnel(x: Ctx, o: FunnelRequest): Plan {
  const L = new Layout();
  const S = x.stages.length;
  const co = resolveCohort(o, x.input.now);
  const dated = co.start !== undefined;
  const arr = x.col('arrived');
  if (dated && !arr) throw new LeadFlowError('This cohort picks leads by when they arrived, but no arrival date column is mapped. Choose "All leads", or map the arrival date in Open setup.');
  const valueRef = x.col('value');
  const chartCol = Math.max(S + 4, 12);
  const mapCol = chartCol + 9;
  L.reportColumns = mapCol - 3;
  const map = writeMap(L, 6, mapCol, x);
  const blk = new CountBlock(L, x, 6, mapCol + 7, map);
  intro(L, x, `Lead funnel: ${co.label}`, 'funnel');
  L.frozenRows = 3;
  const valueFormat = x.input.formats?.[x.index('value')];
  if (isCurrencyFormat(valueFormat)) L.formatOverrides.c = valueFormat;

  // The cohort: its bounds are cells, so a person can move them; year to date follows TODAY().
  const arrivals = x.serials('arrived');
  const startSerial = co.start === undefined ? NaN : wallToSerial(co.start);
  const endSerial = co.end === undefined ? NaN : wallToSerial(co.end);
  const bound = (live: string, wall?: number): string | Computed => (wall === undefined ? '' : co.live ? fx(live, wallToSerial(wall)) : dateCell(wall));
  L.put(3, 3, ['Cohort', co.label, 'From', bound('DATE(YEAR(TODAY()),1,1)', co.start), 'To', bound('TODAY()', co.end)], 'tttdtd');
  const cohortCrit = dated ? `,${arr},">="&$F$3,${arr},"<"&($H$3+1)` : '';
  const inCohort = (i: number) => !dated || (arrivals[i] >= startSerial && arrivals[i] < endSerial + 1);
  const cohort = dated ? blk.add({ title: 'Cohort', crit: cohortCrit, member: inCohort }) : CountBlock.ALL;

  // Leads reached, step and overall conversion, drop-off: the main funnel and each split pipeline.
  const steps = (r: number, columns: number[], title: string): number => {
    L.put(r, 1, [title], 't', SECTION);
    L.put(r + 1, 1, ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'], 't', HEAD);
    const counts = x.stages.map((_, k) => columns.reduce((n, j) => n + blk.reachedValue(j, k + 1), 0));
    x.stages.forEach((name, k) => {
      const row = r + 2 + k;
      const [b, a] = [ref(row, 2), ref(row - 1, 2)];
      L.put(row, 1, [asText(name), reachedOver(blk, columns, k + 1),
        k ? fx(`IFERROR(${b}/${a},"")`, ratio(counts[k], counts[k - 1])) : fx(`IF(${b}>0,1,"")`, counts[0] > 0 ? 1 : null),
        fx(`IFERROR(${b}/${ref(r + 2, 2, 1)},"")`, ratio(counts[k], counts[0])),
        k ? fx(`${a}-${b}`, counts[k - 1] - counts[k]) : 0], 'tippi');
    });
    return r + S + 3;
  };
  let r = steps(6, [cohort], 'Funnel');
  // The funnel chart's labels: each stage with its step conversion ("Engaging · 94%"), beside the map.
  const labelCol = mapCol - 2;
  L.put(7, labelCol, ['Chart label'], 't', HEAD);
  x.stages.forEach((name, k) => {
    const step = k ? ratio(blk.reachedValue(cohort, k + 1), blk.reachedValue(cohort, k)) : null;
    L.put(8 + k, labelCol, [k ? fx(`${ref(8 + k, 1)}&IF(${ref(8 + k, 3)}="",""," · "&TEXT(${ref(8 + k, 3)},"0%"))`, step === null ? name : `${name} · ${Math.round(step * 100)}%`) : fx(ref(8, 1), name)], 't');
  });
  L.charts.push({
    type: 'funnel', title: `Leads reached per stage: ${co.label}`, categories: [8, labelCol, S, 1],
    series: [{ name: 'Leads reached', values: [8, 2, S, 1], as: 'bar', color: '#1a73e8', format: '#,##0' }],
    ranges: [[7, labelCol, S + 1, 1], [7, 2, S + 1, 1]], at: [6, chartCol], size: [560, 320],
  });

  // Pipeline value: the actual sum when every lead of the stage has a value, else leads × average (an estimate).
  if (valueRef) {
    const valueAt = x.index('value');
    const hasValue = (i: number) => typeof x.input.rows[i][valueAt] === 'number';
    const sum = blk.add({ title: 'Cohort deal value', crit: cohortCrit, member: inCohort, sum: 'value' });
    const known = blk.add({ title: 'Cohort leads with a deal value', crit: `${cohortCrit},${valueRef},">-1E+300"`, member: (i) => inCohort(i) && hasValue(i) });
    L.put(7, 6, ['Leads with a deal value', 'Deal value (known)', 'Pipeline value', 'Value basis'], 't', HEAD);
    const average = blk.reachedValue(known, 1) ? blk.reachedValue(sum, 1) / blk.reachedValue(known, 1) : null;
    for (let k = 1; k <= S; k++) {
      const [b, f, g, h] = [2, 6, 7, 8].map((c) => ref(7 + k, c));
      const [reached, knownK, sumK] = [blk.reachedValue(cohort, k), blk.reachedValue(known, k), blk.reachedValue(sum, k)];
      const value = knownK === reached ? sumK : average === null ? null : reached * average;
      const basis = value === null ? '' : knownK === reached ? VALUE_BASIS.actual : reached < FEW_LEADS && value / reached > LARGE_DEAL ? VALUE_BASIS.fewLargeDeals : VALUE_BASIS.estimate;
      L.put(7 + k, 6, [blk.reached(known, k), blk.reached(sum, k),
        fx(`IF(${f}=${b},${g},IF(${ref(8, 6, 1)}=0,"",${b}*${ref(8, 7, 1)}/${ref(8, 6, 1)}))`, value),
        fx(`IF(${h}="","",IF(${f}=${b},${lit(VALUE_BASIS.actual)},IF(AND(${b}<${FEW_LEADS},${h}/${b}>${LARGE_DEAL}),${lit(VALUE_BASIS.fewLargeDeals)},${lit(VALUE_BASIS.estimate)})))`, basis)], 'icct');
    }
  } else L.notes.push('Map a deal value column in Open setup to see pipeline value.');

  // Median days from the previous stage, where the setup names stage date columns.
  const stageDateCol = (k: number) => {
    const e = x.evidence.find((d) => d.kind === 'date' && d.stage === k);
    return e ? { ref: e.ref, at: e.column } : k === 0 && arr ? { ref: arr, at: x.index('arrived') } : undefined;
  };
  if (x.evidence.some((e) => e.kind === 'date')) {
    const c = valueRef ? 10 : 6;
    L.put(7, c, ['Median days from previous stage'], 't', HEAD);
    for (let k = 1; k < S; k++) {
      const [a, b] = [stageDateCol(k - 1), stageDateCol(k)];
      if (!a || !b) continue;
      const gaps: number[] = [];
      x.input.rows.forEach((row, i) => {
        const [p, q] = [row[a.at], row[b.at]];
        if (typeof p === 'number' && typeof q === 'number' && inCohort(i)) gaps.push(q - p);
      });
      L.put(8 + k, c, [fx(`IFERROR(ARRAYFORMULA(MEDIAN(IF(ISNUMBER(${a.ref})*ISNUMBER(${b.ref})${dated ? `*(${arr}>=$F$3)*(${arr}<$H$3+1)` : ''},${b.ref}-${a.ref}))),"")`, median(gaps))], 'y');
    }
  }

  // By lead source: All leads first, then each source, largest first; the blank source is a group too.
  const source = x.col('source');
  if (source) {
    L.put(r, 1, ['By lead source'], 't', SECTION);
    L.put(r + 1, 1, ['Lead source', ...x.stages.map(asText), 'Overall conversion'], 't', HEAD);
    const groups = groupColumns(blk, x, 'source', inCohort, cohortCrit, MAX_GROUP_ROWS);
    const rowOf = (label: string, columns: number[], row: number, style: number) => {
      const counts = x.stages.map((_, k) => columns.reduce((n, j) => n + blk.reachedValue(j, k + 1), 0));
      L.put(row, 1, [asText(label), ...x.stages.map((_, k) => reachedOver(blk, columns, k + 1)),
        fx(`IFERROR(${ref(row, S + 1)}/${ref(row, 2)},"")`, ratio(counts[S - 1], counts[0]))], `t${'i'.repeat(S)}p`, style);
      return counts;
    };
    const all = rowOf('All leads', [cohort], r + 2, HEAD);
    const listed = groups.shown.map((g: Group, n) => rowOf(g.label, groups.columns[n], r + 3 + n, 0));
    let end = r + 3 + groups.shown.length;
    if (groups.others > 0) {
      const first = r + 3;
      const last = end - 1;
      const other = x.stages.map((_, k) => all[k] - listed.reduce((n, c) => n + c[k], 0));
      L.put(end, 1, [`Other sources (${groups.others})`, ...x.stages.map((_, k) => fx(`${ref(r + 2, k + 2)}-SUM(${ref(first, k + 2)}:${ref(last, k + 2)})`, other[k])),
        fx(`IFERROR(${ref(end, S + 1)}/${ref(end, 2)},"")`, ratio(other[S - 1], other[0]))], `t${'i'.repeat(S)}p`);
      end++;
    }
    r = end + 1;
  }

  // Conversion by arrival month: the leads of each month and the share of them that reached each later stage.
  const { lo, hi } = span(x, inCohort);
  const months: number[] = [];
  for (let p = periodStart(lo, 'month'); p <= hi && months.length < 120; p = nextPeriodStart(p, 'month')) months.push(p);
  if (months.length && arr) {
    const dateOf = (w: number) => { const d = new Date(w); return `DATE(${d.getUTCFullYear()},${d.getUTCMonth() + 1},${d.getUTCDate()})`; };
    const first = new Date(months[0]);
    const cols = blk.addMany(months.map((p) => `Arrived ${new Date(p).toISOString().slice(0, 7)}`),
      months.map((p) => `${cohortCrit},${arr},">="&${dateOf(p)},${arr},"<"&${dateOf(nextPeriodStart(p, 'month'))}`),
      (i) => {
        const wall = x.arrived[i];
        if (!(wall === wall) || !inCohort(i)) return -1;
        const d = new Date(wall);
        const m = (d.getUTCFullYear() - first.getUTCFullYear()) * 12 + d.getUTCMonth() - first.getUTCMonth();
        return m >= 0 && m < months.length ? m : -1;
      });
    L.put(r, 1, ['Conversion by arrival month'], 't', SECTION);
    L.put(r + 1, 1, ['Arrival month', 'Leads', ...x.stages.slice(1).map((s) => `Reached ${s}`)], 't', HEAD);
    months.forEach((p, i) => {
      const row = r + 2 + i;
      const leads = blk.reachedValue(cols[i], 1);
      L.put(row, 1, [dateCell(p), blk.reached(cols[i], 1),
        ...x.stages.slice(1).map((_, k) => fx(`IFERROR(${blk.reached(cols[i], k + 2).f.slice(1)}/${ref(row, 2)},"")`, ratio(blk.reachedValue(cols[i], k + 2), leads)))], 'mip');
    });
    if (S > 1) {
      L.charts.push({
        type: 'line', title: 'Conversion by arrival month', categories: [r + 2, 1, months.length, 1],
        series: x.stages.slice(1).map((stage, k) => ({ name: `Reached ${stage}`, values: [r + 2, 3 + k, months.length, 1] as Box, as: 'line' as const, format: '0%' })),
        ranges: [[r + 1, 1, months.length + 1, 1], [r + 1, 3, months.length + 1, S - 1]], at: [6 + 18, chartCol], size: [560, 320],
      });
    }
    r += months.length + 3;
  }

  // One pipeline per source or owner.
  const split = o.split === 'source' || o.split === 'owner' ? o.split : undefined;
  if (split && x.col(split)) {
    const groups = groupColumns(blk, x, split, inCohort, cohortCrit, 12);
    groups.shown.forEach((g, n) => { r = steps(r, groups.columns[n], `Pipeline: ${g.label}`); });
  } else if (o.split && o.split !== 'none') L.notes.push(`Map the ${o.split} column in Open setup to get one pipeline per ${o.split}.`);
  blk.write();
  return L.plan('funnel', 'Funnel');
}
