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
import { conversionByMonthChart, stageBarChart } from './charts';
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

/** The funnel's note when no deal value column is mapped (the report command says it in its "Not found" line). */
export const NO_VALUE_NOTE = 'Map a deal value column in Open setup to see pipeline value.';

export function resolveCohort(request: FunnelRequest, now: number): Cohort {
  const value = request.value || '';
  const period = /^(\d{4})-(Q?)(\d\d?)$/i.exec(value);
  switch (request.cohort || 'all') {
    case 'all': return { label: 'All leads' };
    case 'ytd': return { label: 'Year to date', start: Date.UTC(new Date(now).getUTCFullYear(), 0, 1), end: periodStart(now, 'day'), live: true };
    case 'range': {
      const [start, end] = [request.start, request.end].map((day) => (/^\d{4}-\d\d-\d\d$/.test(day || '') ? Date.parse(`${day}T00:00:00Z`) : NaN));
      if (start <= end) return { label: `${request.start} to ${request.end}`, start, end };
      throw new LeadFlowError(`Choose a start and an end date (yyyy-mm-dd), the start first; got "${request.start}" and "${request.end}".`);
    }
  }
  const unit = period && period[2] ? 'quarter' : 'month';
  const periodNumber = period ? +period[3] : 0;
  if (!period || unit !== request.cohort || periodNumber < 1 || periodNumber > (period[2] ? 4 : 12)) throw new LeadFlowError(`Choose a quarter such as 2026-Q1 or a month such as 2026-03; got "${value}".`);
  const start = Date.UTC(+period[1], period[2] ? periodNumber * 3 - 3 : periodNumber - 1, 1);
  return { label: value.toUpperCase(), start, end: nextPeriodStart(start, unit) - DAY_MS };
}

/** Groups shown one per row: the largest, the blank group whatever its size, the rest together as "Other". */
export const MAX_GROUP_ROWS = 15;

/** Which groups get a row, and the block columns (one per spelling) each sums. */
function groupColumns(countBlock: CountBlock, leads: Ctx, field: 'source' | 'owner', include: (i: number) => boolean, cohortCrit: string, limit: number) {
  const { list, of: groupOf } = leads.groups(field, include);
  let shown = list.slice(0, limit);
  const blank = list.find((group) => group.label === BLANK_GROUP);
  if (blank && !shown.includes(blank)) shown = [...shown.slice(0, limit - 1), blank];
  const titles: string[] = [];
  const crits: string[] = [];
  const slotOf = new Map<string, number>();
  const slots: number[][] = shown.map((group) => group.spellings.map((spelling) => {
    slotOf.set(`${list.indexOf(group)}\u0000${cellKey(spelling)}`, titles.length);
    titles.push(`${field === 'source' ? 'Source' : 'Owner'}: ${group.label}${group.spellings.length > 1 ? ` (${JSON.stringify(spelling)})` : ''}`);
    crits.push(`${cohortCrit},${leads.col(field)},${criterionFor(spelling)}`);
    return titles.length - 1;
  }));
  const fieldAt = leads.index(field);
  const blockColumns = countBlock.addMany(titles, crits, (i) => (groupOf[i] < 0 ? -1 : slotOf.get(`${groupOf[i]}\u0000${cellKey(leads.input.rows[i][fieldAt])}`) ?? -1));
  return { shown, columns: slots.map((groupSlots) => groupSlots.map((slot) => blockColumns[slot])), others: list.length - shown.length, list };
}

/** Reached at `stage` over several block columns (a group written several ways). */
function reachedOver(countBlock: CountBlock, columns: number[], stage: number): Computed {
  const parts = columns.map((column) => countBlock.reached(column, stage));
  return fx(parts.map((part) => part.f.slice(1)).join('+') || '0', parts.reduce((total, part) => total + (part.v as number), 0));
}

export function planFunnel(leads: Ctx, request: FunnelRequest): Plan {
  const layout = new Layout();
  const stageCount = leads.stages.length;
  const cohort = resolveCohort(request, leads.input.now);
  const dated = cohort.start !== undefined;
  const arrivedCol = leads.col('arrived');
  if (dated && !arrivedCol) throw new LeadFlowError('This cohort picks leads by when they arrived, but no arrival date column is mapped. Choose "All leads", or map the arrival date in Open setup.');
  const valueRef = leads.col('value');
  const chartCol = Math.max(stageCount + 4, 12);
  const mapCol = chartCol + 9;
  layout.reportColumns = mapCol - 3;
  const mapRefs = writeMap(layout, 6, mapCol, leads);
  const countBlock = new CountBlock(layout, leads, 6, mapCol + 7, mapRefs);
  intro(layout, leads, `Lead funnel: ${cohort.label}`, 'funnel');
  layout.frozenRows = 3;
  const valueFormat = leads.input.formats?.[leads.index('value')];
  if (isCurrencyFormat(valueFormat)) layout.formatOverrides.c = valueFormat;

  // The cohort: its bounds are cells, so a person can move them; year to date follows TODAY().
  const arrivals = leads.serials('arrived');
  const startSerial = cohort.start === undefined ? NaN : wallToSerial(cohort.start);
  const endSerial = cohort.end === undefined ? NaN : wallToSerial(cohort.end);
  const bound = (live: string, wall?: number): string | Computed => (wall === undefined ? '' : cohort.live ? fx(live, wallToSerial(wall)) : dateCell(wall));
  layout.put(3, 3, ['Cohort', cohort.label, 'From', bound('DATE(YEAR(TODAY()),1,1)', cohort.start), 'To', bound('TODAY()', cohort.end)], 'tttdtd');
  const cohortCrit = dated ? `,${arrivedCol},">="&$F$3,${arrivedCol},"<"&($H$3+1)` : '';
  const inCohort = (i: number) => !dated || (arrivals[i] >= startSerial && arrivals[i] < endSerial + 1);
  const cohortColumn = dated ? countBlock.add({ title: 'Cohort', crit: cohortCrit, member: inCohort }) : CountBlock.ALL;

  // Leads reached, step and overall conversion, drop-off: the main funnel and each split pipeline.
  const steps = (top: number, columns: number[], title: string): number => {
    layout.put(top, 1, [title], 't', SECTION);
    layout.put(top + 1, 1, ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'], 't', HEAD);
    const counts = leads.stages.map((_, stageIndex) => columns.reduce((total, column) => total + countBlock.reachedValue(column, stageIndex + 1), 0));
    leads.stages.forEach((name, stageIndex) => {
      const row = top + 2 + stageIndex;
      const [reachedCell, previousCell] = [ref(row, 2), ref(row - 1, 2)];
      layout.put(row, 1, [asText(name), reachedOver(countBlock, columns, stageIndex + 1),
        stageIndex ? fx(`IFERROR(${reachedCell}/${previousCell},"")`, ratio(counts[stageIndex], counts[stageIndex - 1])) : fx(`IF(${reachedCell}>0,1,"")`, counts[0] > 0 ? 1 : null),
        fx(`IFERROR(${reachedCell}/${ref(top + 2, 2, 1)},"")`, ratio(counts[stageIndex], counts[0])),
        stageIndex ? fx(`${previousCell}-${reachedCell}`, counts[stageIndex - 1] - counts[stageIndex]) : 0], 'tippi');
    });
    return top + stageCount + 3;
  };
  let sectionRow = steps(6, [cohortColumn], 'Funnel');
  // The funnel chart's labels: each stage with its step conversion ("Engaging · 94%"), beside the map.
  const labelCol = mapCol - 2;
  layout.put(7, labelCol, ['Chart label'], 't', HEAD);
  leads.stages.forEach((name, stageIndex) => {
    const step = stageIndex ? ratio(countBlock.reachedValue(cohortColumn, stageIndex + 1), countBlock.reachedValue(cohortColumn, stageIndex)) : null;
    const row = 8 + stageIndex;
    layout.put(row, labelCol, [stageIndex ? fx(`${ref(row, 1)}&IF(${ref(row, 3)}="",""," · "&TEXT(${ref(row, 3)},"0%"))`, step === null ? name : `${name} · ${Math.round(step * 100)}%`) : fx(ref(8, 1), name)], 't');
  });
  layout.charts.push(stageBarChart(`Leads reached per stage: ${cohort.label}`, 7, labelCol, 2, stageCount, [6, chartCol], [560, 320]));

  // Pipeline value: the actual sum when every lead of the stage has a value, else leads × average (an estimate).
  if (valueRef) {
    const valueAt = leads.index('value');
    const hasValue = (i: number) => typeof leads.input.rows[i][valueAt] === 'number';
    const valueSumColumn = countBlock.add({ title: 'Cohort deal value', crit: cohortCrit, member: inCohort, sum: 'value' });
    const withValueColumn = countBlock.add({ title: 'Cohort leads with a deal value', crit: `${cohortCrit},${valueRef},">-1E+300"`, member: (i) => inCohort(i) && hasValue(i) });
    layout.put(7, 6, ['Leads with a deal value', 'Deal value (known)', 'Pipeline value', 'Value basis'], 't', HEAD);
    const average = countBlock.reachedValue(withValueColumn, 1) ? countBlock.reachedValue(valueSumColumn, 1) / countBlock.reachedValue(withValueColumn, 1) : null;
    for (let stage = 1; stage <= stageCount; stage++) {
      const [reachedCell, withValueCell, knownValueCell, pipelineValueCell] = [2, 6, 7, 8].map((column) => ref(7 + stage, column));
      const [reached, withValue, knownValue] = [countBlock.reachedValue(cohortColumn, stage), countBlock.reachedValue(withValueColumn, stage), countBlock.reachedValue(valueSumColumn, stage)];
      const value = withValue === reached ? knownValue : average === null ? null : reached * average;
      const basis = value === null ? '' : withValue === reached ? VALUE_BASIS.actual : reached < FEW_LEADS && value / reached > LARGE_DEAL ? VALUE_BASIS.fewLargeDeals : VALUE_BASIS.estimate;
      layout.put(7 + stage, 6, [countBlock.reached(withValueColumn, stage), countBlock.reached(valueSumColumn, stage),
        fx(`IF(${withValueCell}=${reachedCell},${knownValueCell},IF(${ref(8, 6, 1)}=0,"",${reachedCell}*${ref(8, 7, 1)}/${ref(8, 6, 1)}))`, value),
        fx(`IF(${pipelineValueCell}="","",IF(${withValueCell}=${reachedCell},${lit(VALUE_BASIS.actual)},IF(AND(${reachedCell}<${FEW_LEADS},${pipelineValueCell}/${reachedCell}>${LARGE_DEAL}),${lit(VALUE_BASIS.fewLargeDeals)},${lit(VALUE_BASIS.estimate)})))`, basis)], 'icct');
    }
  } else layout.notes.push(NO_VALUE_NOTE);

  // Median days from the previous stage, where the setup names stage date columns.
  const stageDateCol = (stageIndex: number) => {
    const stageDate = leads.evidence.find((column) => column.kind === 'date' && column.stage === stageIndex);
    return stageDate ? { ref: stageDate.ref, at: stageDate.column } : stageIndex === 0 && arrivedCol ? { ref: arrivedCol, at: leads.index('arrived') } : undefined;
  };
  if (leads.evidence.some((column) => column.kind === 'date')) {
    const medianCol = valueRef ? 10 : 6;
    layout.put(7, medianCol, ['Median days from previous stage'], 't', HEAD);
    for (let stageIndex = 1; stageIndex < stageCount; stageIndex++) {
      const [from, to] = [stageDateCol(stageIndex - 1), stageDateCol(stageIndex)];
      if (!from || !to) continue;
      const gaps: number[] = [];
      leads.input.rows.forEach((row, i) => {
        const [fromDate, toDate] = [row[from.at], row[to.at]];
        if (typeof fromDate === 'number' && typeof toDate === 'number' && inCohort(i)) gaps.push(toDate - fromDate);
      });
      layout.put(8 + stageIndex, medianCol, [fx(`IFERROR(ARRAYFORMULA(MEDIAN(IF(ISNUMBER(${from.ref})*ISNUMBER(${to.ref})${dated ? `*(${arrivedCol}>=$F$3)*(${arrivedCol}<$H$3+1)` : ''},${to.ref}-${from.ref}))),"")`, median(gaps))], 'y');
    }
  }

  // By lead source: All leads first, then each source, largest first; the blank source is a group too.
  const source = leads.col('source');
  if (source) {
    layout.put(sectionRow, 1, ['By lead source'], 't', SECTION);
    layout.put(sectionRow + 1, 1, ['Lead source', ...leads.stages.map(asText), 'Overall conversion'], 't', HEAD);
    const groups = groupColumns(countBlock, leads, 'source', inCohort, cohortCrit, MAX_GROUP_ROWS);
    const groupRow = (label: string, columns: number[], row: number, style: number) => {
      const counts = leads.stages.map((_, stageIndex) => columns.reduce((total, column) => total + countBlock.reachedValue(column, stageIndex + 1), 0));
      layout.put(row, 1, [asText(label), ...leads.stages.map((_, stageIndex) => reachedOver(countBlock, columns, stageIndex + 1)),
        fx(`IFERROR(${ref(row, stageCount + 1)}/${ref(row, 2)},"")`, ratio(counts[stageCount - 1], counts[0]))], `t${'i'.repeat(stageCount)}p`, style);
      return counts;
    };
    const allCounts = groupRow('All leads', [cohortColumn], sectionRow + 2, HEAD);
    const listed = groups.shown.map((group: Group, n) => groupRow(group.label, groups.columns[n], sectionRow + 3 + n, 0));
    let end = sectionRow + 3 + groups.shown.length;
    if (groups.others > 0) {
      const first = sectionRow + 3;
      const last = end - 1;
      const other = leads.stages.map((_, stageIndex) => allCounts[stageIndex] - listed.reduce((total, counts) => total + counts[stageIndex], 0));
      layout.put(end, 1, [`Other sources (${groups.others})`, ...leads.stages.map((_, stageIndex) => fx(`${ref(sectionRow + 2, stageIndex + 2)}-SUM(${ref(first, stageIndex + 2)}:${ref(last, stageIndex + 2)})`, other[stageIndex])),
        fx(`IFERROR(${ref(end, stageCount + 1)}/${ref(end, 2)},"")`, ratio(other[stageCount - 1], other[0]))], `t${'i'.repeat(stageCount)}p`);
      end++;
    }
    sectionRow = end + 1;
  }

  // Conversion by arrival month: the leads of each month and the share of them that reached each later stage.
  const { lo: firstArrival, hi: lastArrival } = span(leads, inCohort);
  const months: number[] = [];
  for (let month = periodStart(firstArrival, 'month'); month <= lastArrival && months.length < 120; month = nextPeriodStart(month, 'month')) months.push(month);
  if (months.length && arrivedCol) {
    const dateOf = (wall: number) => { const date = new Date(wall); return `DATE(${date.getUTCFullYear()},${date.getUTCMonth() + 1},${date.getUTCDate()})`; };
    const firstMonth = new Date(months[0]);
    const monthColumns = countBlock.addMany(months.map((month) => `Arrived ${new Date(month).toISOString().slice(0, 7)}`),
      months.map((month) => `${cohortCrit},${arrivedCol},">="&${dateOf(month)},${arrivedCol},"<"&${dateOf(nextPeriodStart(month, 'month'))}`),
      (i) => {
        const wall = leads.arrived[i];
        if (!(wall === wall) || !inCohort(i)) return -1;
        const arrival = new Date(wall);
        const monthIndex = (arrival.getUTCFullYear() - firstMonth.getUTCFullYear()) * 12 + arrival.getUTCMonth() - firstMonth.getUTCMonth();
        return monthIndex >= 0 && monthIndex < months.length ? monthIndex : -1;
      });
    layout.put(sectionRow, 1, ['Conversion by arrival month'], 't', SECTION);
    layout.put(sectionRow + 1, 1, ['Arrival month', 'Leads', ...leads.stages.slice(1).map((stage) => `Reached ${stage}`)], 't', HEAD);
    months.forEach((month, i) => {
      const row = sectionRow + 2 + i;
      const arrivedCount = countBlock.reachedValue(monthColumns[i], 1);
      layout.put(row, 1, [dateCell(month), countBlock.reached(monthColumns[i], 1),
        ...leads.stages.slice(1).map((_, laterIndex) => fx(`IFERROR(${countBlock.reached(monthColumns[i], laterIndex + 2).f.slice(1)}/${ref(row, 2)},"")`, ratio(countBlock.reachedValue(monthColumns[i], laterIndex + 2), arrivedCount)))], 'mip');
    });
    if (stageCount > 1) {
      layout.charts.push(conversionByMonthChart(leads.stages, sectionRow + 1, months.length, [6 + 18, chartCol]));
    }
    sectionRow += months.length + 3;
  }

  // One pipeline per source or owner.
  const split = request.split === 'source' || request.split === 'owner' ? request.split : undefined;
  if (split && leads.col(split)) {
    const groups = groupColumns(countBlock, leads, split, inCohort, cohortCrit, 12);
    groups.shown.forEach((group, n) => {
      const top = sectionRow;
      // A small bar chart beside each pipeline, its stages top to bottom as in the main chart; the next
      // pipeline starts below it, so that every stage's label has room.
      const chartRows = stageCount + 5;
      sectionRow = Math.max(steps(sectionRow, groups.columns[n], `Pipeline: ${group.label}`), top + chartRows + 1);
      layout.charts.push(stageBarChart(`Leads reached: ${group.label}`, top + 1, 1, 2, stageCount, [top, 7], [460, chartRows * 21 - 4]));
    });
  } else if (request.split && request.split !== 'none') layout.notes.push(`Map the ${request.split} column in Open setup to get one pipeline per ${request.split}.`);
  countBlock.write();
  return layout.plan('funnel', 'Funnel');
}
