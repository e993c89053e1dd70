/**
 * The custom functions' behaviour, one function per formula, each taking the raw arguments as
 * Sheets passes them. Arity and single-value checks happen before these run (see registry.ts).
 */
import { LeadFlowError, argError, show } from '../core/errors';
import { FlowLeads, FlowOptions, netLeadFlow, netLeadFlowByPeriod } from '../core/flow';
import { funnel, funnelByGroup, ratio, reachedCounts } from '../core/funnel';
import { pipelineFromArg, reachedFromStatuses, readPipelineArg, readReached } from '../core/pipeline';
import { formatWallDate } from '../core/time';
import { medianDaysBetween } from '../core/timing';
import { Sized, column, columnBeside, endExclusive, isBlank, readNumber, toGrid } from '../core/values';
import { Env, given, readDateArg, readPeriodUnit, readPositiveNumber, single } from './args';
import { Cohort, leadsTable, readCohort, readWalls } from './cohort';

/** The leads argument's size for a height check (a whole table read through the setup has its header row taken off). */
const leadsSize = (c: Cohort, leads: unknown): Sized => ({ name: 'statuses_or_stage_dates', length: c.reached.stage.length, value: c.table ? undefined : leads });

type Out = string | number | boolean | null;
const blankIfNull = (v: number | null): Out => (v === null ? '' : v);

/** Google Sheets' limit on the cells of a spreadsheet: no table spills over more. */
export const MAX_SPILL_CELLS = 10_000_000;

/** Default inactivity window when last-activity dates are given without a number of days. */
export const DEFAULT_INACTIVE_DAYS = 90;

export function NETLEADFLOW(args: unknown[], env: Env): number | Out[][] {
  const fn = 'NETLEADFLOW';
  const [arrivedArg, statusesArg, startArg, endArg, removedArg, activityArg, daysArg, stagesArg] = args;
  const { pipeline, setup } = readPipelineArg(stagesArg, { fn, arg: 'stages' });
  const arrivedCol = column(arrivedArg, { fn, arg: 'arrived_dates' });
  const arrivedSize = { name: 'arrived_dates', length: arrivedCol.length, value: arrivedArg };
  const statusCol = columnBeside(fn, statusesArg, 'statuses', arrivedSize);
  const arrived = readWalls(arrivedCol, env, fn, 'arrived_dates');
  const optionalColumn = (v: unknown, arg: string): Float64Array | undefined => {
    if (!given(v)) return undefined;
    return readWalls(columnBeside(fn, v, arg, arrivedSize), env, fn, arg);
  };
  const removedAt = optionalColumn(removedArg, 'removed_dates');
  const lastActivity = optionalColumn(activityArg, 'last_activity_dates');
  const inactiveDays = readPositiveNumber(daysArg, fn, 'inactive_days');
  if (inactiveDays !== undefined && !lastActivity) {
    throw argError({ fn, arg: 'last_activity_dates' }, 'is needed when inactive_days is given; give the column of last-activity dates.');
  }
  const { stage, exit } = reachedFromStatuses(statusCol, pipeline, { fn, arg: 'statuses' });
  for (let i = 0; i < stage.length; i++) {
    if (stage[i] >= 0 && Number.isNaN(arrived[i])) {
      throw argError({ fn, arg: 'arrived_dates' }, `row ${i + 1} is empty but the lead has the status ${show(statusCol[i])}; every lead needs the date it arrived.`);
    }
  }
  const leads: FlowLeads = { arrived, stage, exit, removedAt, lastActivity };
  const opts: FlowOptions = {
    pipeline,
    flowBased: removedAt !== undefined,
    inactiveDays: lastActivity ? inactiveDays ?? setup?.flow.inactiveDays ?? DEFAULT_INACTIVE_DAYS : undefined,
    now: env.now,
  };
  const unit = readPeriodUnit(startArg);
  if (unit) {
    if (given(endArg)) {
      throw argError({ fn, arg: 'end' }, `must be empty when start is the period "${String(single(startArg)).trim()}"; the table covers every period that has leads.`);
    }
    const periods = netLeadFlowByPeriod(leads, unit, opts);
    return [['Period', 'New', 'Removed', 'Net'], ...periods.map((p): Out[] => [p.label, p.added, p.removed, p.net])];
  }
  const start = readStartOrUnit(startArg, env, fn);
  const endWall = readDateArg(endArg, env, fn, 'end');
  if (start !== undefined && endWall !== undefined && start > endWall) {
    throw new LeadFlowError(`${fn}: start (${formatWallDate(start)}) is after end (${formatWallDate(endWall)}); expected start on or before end.`);
  }
  return netLeadFlow(leads, start ?? -Infinity, endWall === undefined ? Infinity : endExclusive(endWall), opts).net;
}

function readStartOrUnit(v: unknown, env: Env, fn: string) {
  const c = single(v);
  if (typeof c === 'string' && !isBlank(c) && /^[a-z\s]+$/i.test(c.trim())) {
    throw argError({ fn, arg: 'start' }, `is ${show(c)}; expected a date, or a period for a table: "week", "month", "quarter" or "year".`);
  }
  return readDateArg(v, env, fn, 'start');
}

export function FUNNELSTAGE(args: unknown[], env: Env): Out[][] {
  const fn = 'FUNNELSTAGE';
  const { pipeline, setup } = readPipelineArg(args[1], { fn, arg: 'stages' });
  const table = leadsTable(args[0], setup);
  const reached = table ? readCohort(fn, { leads: args[0], leadsArg: 'statuses_or_stage_dates', stages: args[1] }, env).reached : readReached(args[0], pipeline, env.dates, { fn, arg: 'statuses_or_stage_dates' });
  const names = pipeline.stageNames;
  const out: Out[][] = table ? [['Stage']] : [];
  for (let i = 0; i < reached.stage.length; i++) out.push([reached.stage[i] < 0 ? '' : names[reached.stage[i]]]);
  return out;
}

export function FUNNEL(args: unknown[], env: Env): Out[][] {
  const fn = 'FUNNEL';
  const [leads, stages, arrived, start, end, valuesArg] = args;
  const cohort = readCohort(fn, { leads, leadsArg: 'statuses_or_stage_dates', stages, arrived, start, end }, env);
  const value = readDealValues(fn, valuesArg, leadsSize(cohort, leads));
  const f = funnel(cohort.reached, cohort.pipeline.stageNames, value);
  const withValue = value.values !== undefined || value.averageDealValue !== undefined;
  const estimate = f.stages.some((s) => s.valueIsEstimate);
  const header: Out[] = ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'];
  if (withValue) header.push(estimate ? 'Pipeline value (estimate)' : 'Pipeline value');
  return [
    header,
    ...f.stages.map((s) => {
      const row: Out[] = [s.stage, s.reached, blankIfNull(s.stepConversion), blankIfNull(s.overallConversion), s.dropOff];
      if (withValue) row.push(blankIfNull(s.value));
      return row;
    }),
  ];
}

/** Deal values as a column (actual sums) or one number (average deal value, for an estimate). */
function readDealValues(fn: string, v: unknown, leads: Sized): { values?: Float64Array; averageDealValue?: number } {
  if (!given(v)) return {};
  const grid = toGrid(v);
  if (grid.length === 1 && grid[0].length === 1) {
    const avg = readNumber(grid[0][0], { fn, arg: 'deal_values' });
    if (!(avg >= 0)) throw argError({ fn, arg: 'deal_values' }, `is ${show(grid[0][0])}; expected a column of deal values, or one average deal value of 0 or more.`);
    return { averageDealValue: avg };
  }
  const col = columnBeside(fn, v, 'deal_values', leads);
  const ctx = { fn, arg: 'deal_values' };
  const values = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) values[i] = readNumber(col[i], ctx, i + 1);
  return { values };
}

export function FUNNELBY(args: unknown[], env: Env): Out[][] {
  const fn = 'FUNNELBY';
  const [leads, groupArg, stages, arrived, start, end] = args;
  const cohort = readCohort(fn, { leads, leadsArg: 'statuses_or_stage_dates', stages, arrived, start, end }, env);
  const groupCol = columnBeside(fn, groupArg, 'group_by', leadsSize(cohort, leads));
  const names = cohort.pipeline.stageNames;
  const all = reachedCounts(cohort.reached, names.length);
  const groups = funnelByGroup(cohort.reached, names.length, groupCol);
  const cells = (groups.length + 2) * (names.length + 2);
  if (cells > MAX_SPILL_CELLS) {
    throw argError({ fn, arg: 'group_by' }, `holds ${groups.length.toLocaleString('en-US')} groups, more than a spreadsheet can show; expected a column such as the lead source.`);
  }
  const row = (label: string, counts: number[]): Out[] => [label, ...counts, blankIfNull(ratio(counts[names.length - 1], counts[0]))];
  return [['Group', ...names, 'Overall conversion'], row('All leads', all), ...groups.map((g) => row(g.group, g.reached))];
}

export function FUNNELCONVERSION(args: unknown[], env: Env): number {
  const fn = 'FUNNELCONVERSION';
  const [leads, fromArg, toArg, stages, arrived, start, end] = args;
  const cohort = readCohort(fn, { leads, leadsArg: 'statuses_or_stage_dates', stages, arrived, start, end }, env);
  const from = cohort.pipeline.requireStage(single(fromArg), { fn, arg: 'from_stage' });
  const to = cohort.pipeline.requireStage(single(toArg), { fn, arg: 'to_stage' });
  if (to < from) {
    throw argError({ fn, arg: 'to_stage' }, `(${cohort.pipeline.stageNames[to]}) comes before from_stage (${cohort.pipeline.stageNames[from]}); expected a later stage.`);
  }
  const counts = reachedCounts(cohort.reached, cohort.pipeline.stageNames.length);
  const r = ratio(counts[to], counts[from]);
  if (r === null) {
    throw new LeadFlowError(`${fn}: no lead in the cohort reached ${cohort.pipeline.stageNames[from]}, so there is no conversion to compute (a division by zero). Wrap it in IFERROR to show a blank.`);
  }
  return r;
}

export function FUNNELVALUE(args: unknown[], env: Env): number | Out[][] {
  const fn = 'FUNNELVALUE';
  const [leads, valuesArg, stageArg, stages] = args;
  const cohort = readCohort(fn, { leads, leadsArg: 'statuses_or_stage_dates', stages }, env);
  const value = readDealValues(fn, valuesArg, leadsSize(cohort, leads));
  const f = funnel(cohort.reached, cohort.pipeline.stageNames, value);
  if (given(stageArg)) {
    const k = cohort.pipeline.requireStage(single(stageArg), { fn, arg: 'stage' });
    const v = f.stages[k].value;
    if (v === null) throw argError({ fn, arg: 'deal_values' }, 'holds no value for any lead; expected deal values, or an average deal value.');
    return v;
  }
  return [
    ['Stage', 'Reached', 'Pipeline value', 'Basis'],
    ...f.stages.map((s): Out[] => [
      s.stage, s.reached, blankIfNull(s.value),
      s.value === null ? '' : s.valueIsEstimate ? (s.tabulateDeals ? 'Estimate: few leads, large deals; sum real deal values' : 'Estimate: leads × average deal value') : 'Actual deal values',
    ]),
  ];
}

export function FUNNELDAYS(args: unknown[], env: Env): number | Out[][] {
  const fn = 'FUNNELDAYS';
  const [datesArg, fromArg, toArg, stages] = args;
  const pipeline = pipelineFromArg(stages, { fn, arg: 'stages' });
  const grid = toGrid(datesArg);
  if (grid.length && grid[0].length < 2) {
    throw argError({ fn, arg: 'stage_dates' }, 'must have one date column per stage (at least two, in stage order), so there is a time between stages to measure.');
  }
  const reached = readReached(grid, pipeline, env.dates, { fn, arg: 'stage_dates' });
  const dates = reached.dates ?? [];
  if (given(fromArg) || given(toArg)) {
    const from = pipeline.requireStage(single(fromArg), { fn, arg: 'from_stage' });
    const to = pipeline.requireStage(single(toArg), { fn, arg: 'to_stage' });
    if (to <= from) throw argError({ fn, arg: 'to_stage' }, `(${pipeline.stageNames[to]}) must come after from_stage (${pipeline.stageNames[from]}).`);
    if (to >= dates.length) throw argError({ fn, arg: 'to_stage' }, `is ${pipeline.stageNames[to]}, but stage_dates has no date column for it (it has ${dates.length}).`);
    const m = medianDaysBetween(dates, from, to);
    if (m === null) throw new LeadFlowError(`${fn}: no lead has dates for both ${pipeline.stageNames[from]} and ${pipeline.stageNames[to]}, so there is no time to measure.`);
    if (m < 0) throw backwards(fn, pipeline.stageNames[from], pipeline.stageNames[to], m);
    return m;
  }
  const rows: Out[][] = [['From', 'To', 'Median days', 'Leads measured']];
  for (let k = 1; k < dates.length; k++) {
    let measured = 0;
    for (let i = 0; i < dates[k].length; i++) if (!Number.isNaN(dates[k][i]) && !Number.isNaN(dates[k - 1][i])) measured++;
    const m = medianDaysBetween(dates, k - 1, k);
    if (m !== null && m < 0) throw backwards(fn, pipeline.stageNames[k - 1], pipeline.stageNames[k], m);
    rows.push([pipeline.stageNames[k - 1], pipeline.stageNames[k], blankIfNull(m), measured]);
  }
  return rows;
}

/** Time running backwards between two stages: their date columns are in the wrong order, or one holds other dates. */
function backwards(fn: string, from: string, to: string, median: number): LeadFlowError {
  return new LeadFlowError(`${fn}: for most leads the ${to} date comes before the ${from} date (median ${median.toFixed(1)} days); stage_dates must give one date column per stage in stage order (${from}, then ${to}).`);
}
