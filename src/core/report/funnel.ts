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
import { Computed, HEAD, Layout, Plan, SECTION, asText, colName, dateCell, fx, isCurrencyFormat, lit, ref, sheetRef } from './grid';
import { BLANK_GROUP, Ctx, Group, span, writeMap } from './leads';
import { PerLead, PerLeadValue, Split, StageCounts } from './stages';
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

/** The funnel sheet's name (Sheets adds " (2)" when a sheet of the user's has it). */
const FUNNEL_SHEET = 'Funnel';

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

/**
 * Which groups get a row (the largest, and the blank group whatever its size), and the split that
 * counts them: one slice per group shown, then one for every other group.
 */
function groupSplit(counts: StageCounts, leads: Ctx, field: 'source' | 'owner', include: (i: number) => boolean, inCohort: PerLeadValue, limit: number) {
  const { list } = leads.groups(field, include);
  let shown = list.slice(0, limit);
  const blank = list.find((group) => group.label === BLANK_GROUP);
  if (blank && !shown.includes(blank)) shown = [...shown.slice(0, limit - 1), blank];
  const slice = counts.groupSlice(field, shown, blank ? shown.indexOf(blank) : -1);
  const inSlice: PerLeadValue = {
    expr: inCohort.expr === '1' ? slice.expr : `IF(${inCohort.expr},${slice.expr},-1)`,
    values: Int32Array.from(slice.values, (value, i) => (inCohort.values[i] ? value : -1)),
  };
  const split = counts.addSplit(field === 'source' ? 'Lead source' : 'Owner', [...shown.map((group) => group.label), 'Other'], counts.keysOf(inSlice));
  return { shown, split, others: list.length - shown.length, list };
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
  const perLead = new PerLead(leads, FUNNEL_SHEET);
  const mapEnd = 8 + leads.map.length;
  // The tables of spellings go beside the Status → stage table, and the count block below both and to
  // their right: a row inserted in the table moves the block's array formulas down whole (inserting it
  // through them would break them), and however long the tables grow they never reach the block.
  const counts = new StageCounts(layout, leads, perLead, mapEnd + 4, mapCol + 12, mapRefs, [6, mapCol + 7]);
  intro(layout, leads, `Lead funnel: ${cohort.label}`, 'funnel');
  layout.frozenRows = 3;
  const valueFormat = leads.input.formats?.[leads.index('value')];
  if (isCurrencyFormat(valueFormat)) layout.formatOverrides.c = valueFormat;
  counts.writeUnplaced(mapEnd + 1, mapCol);

  // The cohort: its bounds are cells, so a person can move them; year to date follows TODAY().
  const arrivals = leads.serials('arrived');
  const startSerial = cohort.start === undefined ? NaN : wallToSerial(cohort.start);
  const endSerial = cohort.end === undefined ? NaN : wallToSerial(cohort.end);
  const bound = (live: string, wall?: number): string | Computed => (wall === undefined ? '' : cohort.live ? fx(live, wallToSerial(wall)) : dateCell(wall));
  layout.put(3, 3, ['Cohort', cohort.label, 'From', bound('DATE(YEAR(TODAY()),1,1)', cohort.start), 'To', bound('TODAY()', cohort.end)], 'tttdtd');
  const inCohort = (i: number) => !dated || (arrivals[i] >= startSerial && arrivals[i] < endSerial + 1);
  const arrival = arrivedCol ? perLead.cell(leads.index('arrived')) : '';
  // Whether each lead is in the cohort, as 1/0 (every lead when the cohort is all leads).
  const cohortMember: PerLeadValue = {
    expr: dated ? `ISNUMBER(${arrival})*(${arrival}>=${perLead.sheet('$F$3')})*(${arrival}<${perLead.sheet('$H$3')}+1)` : '1',
    values: Int32Array.from(leads.input.rows, (_, i) => (inCohort(i) ? 1 : 0)),
  };
  const cohortSplit = dated
    // (Its keys get a column of their own: the pipeline values' COUNTIFS and SUMIFS read them as a range.)
    ? counts.addSplit('Cohort', ['Cohort'], counts.keysOf({ expr: `IF(${cohortMember.expr},0,-1)`, values: Int32Array.from(cohortMember.values, (member) => (member ? 0 : -1)) }), undefined, true)
    : counts.all;

  // Leads reached, step and overall conversion, drop-off: the main funnel and each split pipeline.
  const steps = (top: number, split: Split, slices: number[], title: string): number => {
    layout.put(top, 1, [title], 't', SECTION);
    layout.put(top + 1, 1, ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'], 't', HEAD);
    const reached = leads.stages.map((_, stageIndex) => slices.reduce((total, slice) => total + counts.reachedValue(split, slice, stageIndex + 1), 0));
    leads.stages.forEach((name, stageIndex) => {
      const row = top + 2 + stageIndex;
      const [reachedCell, previousCell] = [ref(row, 2), ref(row - 1, 2)];
      layout.put(row, 1, [asText(name), counts.reachedOver(split, slices, stageIndex + 1),
        stageIndex ? fx(`IFERROR(${reachedCell}/${previousCell},"")`, ratio(reached[stageIndex], reached[stageIndex - 1])) : fx(`IF(${reachedCell}>0,1,"")`, reached[0] > 0 ? 1 : null),
        fx(`IFERROR(${reachedCell}/${ref(top + 2, 2, 1)},"")`, ratio(reached[stageIndex], reached[0])),
        stageIndex ? fx(`${previousCell}-${reachedCell}`, reached[stageIndex - 1] - reached[stageIndex]) : 0], 'tippi');
    });
    return top + stageCount + 3;
  };
  let sectionRow = steps(6, cohortSplit, [0], 'Funnel');
  // The funnel chart's labels: each stage with its step conversion ("Engaging · 94%"), beside the map.
  const labelCol = mapCol - 2;
  layout.put(7, labelCol, ['Chart label'], 't', HEAD);
  leads.stages.forEach((name, stageIndex) => {
    const step = stageIndex ? ratio(counts.reachedValue(cohortSplit, 0, stageIndex + 1), counts.reachedValue(cohortSplit, 0, stageIndex)) : null;
    const row = 8 + stageIndex;
    layout.put(row, labelCol, [stageIndex ? fx(`${ref(row, 1)}&IF(${ref(row, 3)}="",""," · "&TEXT(${ref(row, 3)},"0%"))`, step === null ? name : `${name} · ${Math.round(step * 100)}%`) : fx(ref(8, 1), name)], 't');
  });
  layout.charts.push(stageBarChart(`Leads reached per stage: ${cohort.label}`, 7, labelCol, 2, stageCount, [6, chartCol], [560, 320]));

  // Pipeline value: the actual sum when every lead of the stage has a value, else leads × average (an estimate).
  if (valueRef) {
    const valueAt = leads.index('value');
    const value = perLead.cell(valueAt);
    // The cohort's leads at or past a stage, with a deal value and their values: Sheets sums an array
    // expression of the keys; the file counts and sums over the per-lead sheet's keys.
    const cohortKeys = cohortSplit.key;
    const [keyArray, valueArray] = [perLead.arrayExpr(cohortKeys.expr), perLead.arrayExpr(value)];
    const withValueAt = new Float64Array(stageCount + 1);
    const valueAtStage = new Float64Array(stageCount + 1);
    leads.input.rows.forEach((row, i) => {
      const key = cohortKeys.values[i];
      if (key >= 1 && typeof row[valueAt] === 'number') {
        withValueAt[key]++;
        valueAtStage[key] += row[valueAt] as number;
      }
    });
    const fromStage = (perStage: Float64Array, stage: number) => perStage.slice(stage).reduce((total, count) => total + count, 0);
    const [withValueCount, valueSum] = [(stage: number) => fromStage(withValueAt, stage), (stage: number) => fromStage(valueAtStage, stage)];
    const valueColumn = `${sheetRef(leads.input.setup.leads.sheet)}$${colName(valueAt + 1)}$${leads.input.setup.leads.headerRow + 1}:$${colName(valueAt + 1)}`;
    layout.put(7, 6, ['Leads with a deal value', 'Deal value (known)', 'Pipeline value', 'Value basis'], 't', HEAD);
    const average = withValueCount(1) ? valueSum(1) / withValueCount(1) : null;
    for (let stage = 1; stage <= stageCount; stage++) {
      const [reachedCell, withValueCell, knownValueCell, pipelineValueCell] = [2, 6, 7, 8].map((column) => ref(7 + stage, column));
      const [reached, withValue, knownValue] = [counts.reachedValue(cohortSplit, 0, stage), withValueCount(stage), valueSum(stage)];
      const pipelineValue = withValue === reached ? knownValue : average === null ? null : reached * average;
      const basis = pipelineValue === null ? '' : withValue === reached ? VALUE_BASIS.actual : reached < FEW_LEADS && pipelineValue / reached > LARGE_DEAL ? VALUE_BASIS.fewLargeDeals : VALUE_BASIS.estimate;
      const atStage = `ISNUMBER(${keyArray})*(${keyArray}>=${stage})*ISNUMBER(${valueArray})`;
      layout.put(7 + stage, 6, [fx(`ARRAYFORMULA(SUM(${atStage}))`, withValue),
        fx(`ARRAYFORMULA(SUM(IF(${atStage},${valueArray},0)))`, knownValue),
        fx(`IF(${withValueCell}=${reachedCell},${knownValueCell},IF(${ref(8, 6, 1)}=0,"",${reachedCell}*${ref(8, 7, 1)}/${ref(8, 6, 1)}))`, pipelineValue),
        fx(`IF(${pipelineValueCell}="","",IF(${withValueCell}=${reachedCell},${lit(VALUE_BASIS.actual)},IF(AND(${reachedCell}<${FEW_LEADS},${pipelineValueCell}/${reachedCell}>${LARGE_DEAL}),${lit(VALUE_BASIS.fewLargeDeals)},${lit(VALUE_BASIS.estimate)})))`, basis)], 'icct');
      const keysInFile = perLead.range(cohortSplit.keyColumn!);
      counts.fileFormula(7 + stage, 6, `=COUNTIFS(${keysInFile},">=${stage}",${valueColumn},">-1E+300")`);
      counts.fileFormula(7 + stage, 7, `=SUMIFS(${valueColumn},${keysInFile},">=${stage}")`);
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
    const groups = groupSplit(counts, leads, 'source', inCohort, cohortMember, MAX_GROUP_ROWS);
    const groupRow = (label: string, split: Split, slice: number, row: number, style: number) => {
      const reached = leads.stages.map((_, stageIndex) => counts.reachedValue(split, slice, stageIndex + 1));
      layout.put(row, 1, [asText(label), ...leads.stages.map((_, stageIndex) => counts.reached(split, slice, stageIndex + 1)),
        fx(`IFERROR(${ref(row, stageCount + 1)}/${ref(row, 2)},"")`, ratio(reached[stageCount - 1], reached[0]))], `t${'i'.repeat(stageCount)}p`, style);
      return reached;
    };
    const allCounts = groupRow('All leads', cohortSplit, 0, sectionRow + 2, HEAD);
    const listed = groups.shown.map((group: Group, n: number) => groupRow(group.label, groups.split, n, sectionRow + 3 + n, 0));
    let end = sectionRow + 3 + groups.shown.length;
    if (groups.others > 0) {
      const first = sectionRow + 3;
      const last = end - 1;
      const other = leads.stages.map((_, stageIndex) => allCounts[stageIndex] - listed.reduce((total, reached) => total + reached[stageIndex], 0));
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
    // Each lead's arrival month, counted from the first (−1 without an arrival date or outside the cohort).
    const firstMonth = new Date(months[0]);
    const [firstYear, firstMonthNo] = [firstMonth.getUTCFullYear(), firstMonth.getUTCMonth() + 1];
    const monthOf: PerLeadValue = {
      expr: `IF(${dated ? `${cohortMember.expr}*` : ''}ISNUMBER(${arrival})*(${arrival}>0),(YEAR(${arrival})-${firstYear})*12+MONTH(${arrival})-${firstMonthNo},-1)`,
      values: Int32Array.from(leads.input.rows, (_, i) => {
        const wall = leads.arrived[i];
        if (!(arrivals[i] > 0) || !inCohort(i)) return -1;
        const arrived = new Date(wall);
        return (arrived.getUTCFullYear() - firstYear) * 12 + arrived.getUTCMonth() + 1 - firstMonthNo;
      }),
    };
    const monthSplit = counts.addSplit('Arrival month', months.map((month) => new Date(month).toISOString().slice(0, 7)), counts.keysOf(monthOf));
    layout.put(sectionRow, 1, ['Conversion by arrival month'], 't', SECTION);
    layout.put(sectionRow + 1, 1, ['Arrival month', 'Leads', ...leads.stages.slice(1).map((stage) => `Reached ${stage}`)], 't', HEAD);
    months.forEach((month, i) => {
      const row = sectionRow + 2 + i;
      const arrivedCount = counts.reachedValue(monthSplit, i, 1);
      layout.put(row, 1, [dateCell(month), counts.reached(monthSplit, i, 1),
        ...leads.stages.slice(1).map((_, laterIndex) => fx(`IFERROR(${counts.reached(monthSplit, i, laterIndex + 2).f.slice(1)}/${ref(row, 2)},"")`, ratio(counts.reachedValue(monthSplit, i, laterIndex + 2), arrivedCount)))], 'mip');
    });
    if (stageCount > 1) {
      layout.charts.push(conversionByMonthChart(leads.stages, sectionRow + 1, months.length, [6 + 18, chartCol]));
    }
    sectionRow += months.length + 3;
  }

  // One pipeline per source or owner.
  const split = request.split === 'source' || request.split === 'owner' ? request.split : undefined;
  if (split && leads.col(split)) {
    const groups = groupSplit(counts, leads, split, inCohort, cohortMember, 12);
    groups.shown.forEach((group, n) => {
      const top = sectionRow;
      // A small bar chart beside each pipeline, its stages top to bottom as in the main chart; the next
      // pipeline starts below it, so that every stage's label has room.
      const chartRows = stageCount + 5;
      sectionRow = Math.max(steps(sectionRow, groups.split, [n], `Pipeline: ${group.label}`), top + chartRows + 1);
      layout.charts.push(stageBarChart(`Leads reached: ${group.label}`, top + 1, 1, 2, stageCount, [top, 7], [460, chartRows * 21 - 4]));
    });
  } else if (request.split && request.split !== 'none') layout.notes.push(`Map the ${request.split} column in Open setup to get one pipeline per ${request.split}.`);
  layout.xlsx = counts.write();
  return layout.plan('funnel', FUNNEL_SHEET);
}
