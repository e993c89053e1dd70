/**
 * The funnel and net lead flow sheets from figures computed elsewhere (the SQL engines, past what
 * a spreadsheet holds): the same sections, columns, titles and charts as the formula sheets of
 * funnel.ts and flow.ts, in the same places, holding values instead of formulas over a leads sheet
 * the workbook does not carry. Nothing here counts leads: every number arrives in the figures.
 */
import { LeadFlowError } from '../errors';
import { PeriodUnit, wallToSerial } from '../time';
import { conversionByMonthChart, netFlowChart, stageBarChart } from './charts';
import { Box, Cell, HEAD, Layout, Plan, SECTION, TITLE, asText, isCurrencyFormat } from './grid';
import { BLANK_GROUP } from './leads';
import { MAX_GROUP_ROWS } from './funnel';
import { MAX_PERIODS } from './flow';

/** One row of a funnel: a stage's leads reached and what follows from them. */
export interface StageFigures {
  reached: number;
  stepConversion: number | null;
  overallConversion: number | null;
  dropOff: number;
  /** With a deal value column: leads with a value, their sum, the stage's pipeline value and what it rests on. */
  withValue?: number;
  knownValue?: number;
  value?: number | null;
  basis?: string | null;
}

/** A group's funnel (a lead source, an owner): leads reached per stage. */
export interface GroupFigures {
  group: string;
  reached: number[];
}

export interface FunnelFigures {
  /** Where the leads came from (a file, a directory, a table). */
  source: string;
  /** How the figures were computed, for the sheet's second line ("DuckDB 1.5"). */
  engine: string;
  stages: string[];
  cohort: { label: string; start?: number; end?: number };
  funnel: StageFigures[];
  hasValue: boolean;
  /** The number format of the deal values (their currency), when the leads have one. */
  valueFormat?: string;
  /** Median days from the previous stage, per stage (null where unknown); absent without stage dates. */
  medianDays?: (number | null)[];
  /** Largest first, the blank group among them. */
  bySource?: GroupFigures[];
  byOwner?: GroupFigures[];
  /** Per arrival month (wall ms of its first day): its leads, and the share of them that reached each stage after the first. */
  byArrivalMonth?: { month: number; leads: number; shares: (number | null)[] }[];
  /** One pipeline per source or per owner below the rest. */
  split?: 'source' | 'owner';
  notes?: string[];
}

export interface FlowPeriodFigures {
  start: number;
  added: number;
  /** Removed per reason, in the order of FlowFigures.reasons. */
  removed: number[];
}

export interface FlowSourceFigures {
  group: string;
  added: number;
  removed: number[];
}

export interface FlowFigures {
  source: string;
  engine: string;
  unit: 'week' | 'month';
  /** Removals counted when they happened (a removal-date column) rather than by arrival. */
  flowBased: boolean;
  /** Removing exits, then "Inactive" when leads gone quiet count. */
  reasons: string[];
  /** Leads gone quiet: the days without activity, and now (wall ms). */
  quiet?: { days: number; now: number };
  periods: FlowPeriodFigures[];
  bySource?: FlowSourceFigures[];
  notes?: string[];
}

const ratio = (part: number, whole: number): number | '' => (whole > 0 ? part / whole : '');
const orBlank = (value: number | null | undefined): Cell => (value === null || value === undefined ? '' : value);
const serialDay = (wall: number) => wallToSerial(Math.floor(wall / 86_400_000) * 86_400_000);

/** The first rows of a figures sheet: its title, how it was computed, where the leads are. */
function header(layout: Layout, title: string, figures: { source: string; engine: string; notes?: string[] }): void {
  layout.put(1, 1, [title], 't', TITLE);
  layout.put(2, 1, [`Computed by LeadFlow with ${figures.engine} from the leads below: values, not formulas. Run the report again for new leads.`], 't');
  layout.put(3, 1, ['Leads', asText(figures.source)], 't');
  layout.notes.push(...(figures.notes ?? []));
}

/** Groups shown one per row: the largest, the blank group whatever its size; the rest as one row. */
function shownGroups<T extends { group: string }>(list: T[], limit: number): { shown: T[]; others: T[] } {
  let shown = list.slice(0, limit);
  const blank = list.find((group) => group.group === BLANK_GROUP);
  if (blank && !shown.includes(blank)) shown = [...shown.slice(0, limit - 1), blank];
  return { shown, others: list.filter((group) => !shown.includes(group)) };
}

/** The funnel sheet from figures, laid out as planFunnel lays out its formulas. */
export function planFunnelFigures(figures: FunnelFigures): Plan {
  const layout = new Layout();
  const stageCount = figures.stages.length;
  if (figures.funnel.length !== stageCount) throw new LeadFlowError(`The funnel figures hold ${figures.funnel.length} stages for a pipeline of ${stageCount}.`);
  const chartCol = Math.max(stageCount + 4, 12);
  const labelCol = chartCol + 7;
  layout.reportColumns = chartCol + 6;
  header(layout, `Lead funnel: ${figures.cohort.label}`, figures);
  layout.frozenRows = 3;
  if (isCurrencyFormat(figures.valueFormat)) layout.formatOverrides.c = figures.valueFormat;
  const bound = (wall?: number): Cell => (wall === undefined ? '' : serialDay(wall));
  layout.put(3, 3, ['Cohort', asText(figures.cohort.label), 'From', bound(figures.cohort.start), 'To', bound(figures.cohort.end)], 'tttdtd');

  const steps = (top: number, reached: number[], title: string, detail?: StageFigures[]): number => {
    layout.put(top, 1, [title], 't', SECTION);
    layout.put(top + 1, 1, ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'], 't', HEAD);
    figures.stages.forEach((name, stageIndex) => {
      const stage = detail?.[stageIndex];
      layout.put(top + 2 + stageIndex, 1, [asText(name), reached[stageIndex],
        stage ? orBlank(stage.stepConversion) : stageIndex ? ratio(reached[stageIndex], reached[stageIndex - 1]) : reached[0] > 0 ? 1 : '',
        stage ? orBlank(stage.overallConversion) : ratio(reached[stageIndex], reached[0]),
        stage ? stage.dropOff : stageIndex ? reached[stageIndex - 1] - reached[stageIndex] : 0], 'tippi');
    });
    return top + stageCount + 3;
  };
  const mainReached = figures.funnel.map((stage) => stage.reached);
  let sectionRow = steps(6, mainReached, 'Funnel', figures.funnel);
  layout.put(7, labelCol, ['Chart label'], 't', HEAD);
  figures.stages.forEach((name, stageIndex) => {
    const step = figures.funnel[stageIndex].stepConversion;
    layout.put(8 + stageIndex, labelCol, [asText(stageIndex && step !== null ? `${name} · ${Math.round(step * 100)}%` : name)], 't');
  });
  layout.charts.push(stageBarChart(`Leads reached per stage: ${figures.cohort.label}`, 7, labelCol, 2, stageCount, [6, chartCol], [560, 320]));
  if (figures.hasValue) {
    layout.put(7, 6, ['Leads with a deal value', 'Deal value (known)', 'Pipeline value', 'Value basis'], 't', HEAD);
    figures.funnel.forEach((stage, stageIndex) => layout.put(8 + stageIndex, 6, [stage.withValue ?? 0, stage.knownValue ?? 0, orBlank(stage.value), stage.basis ?? ''], 'icct'));
  } else layout.notes.push('Map a deal value column in the setup to see pipeline value.');
  if (figures.medianDays) {
    const medianCol = figures.hasValue ? 10 : 6;
    layout.put(7, medianCol, ['Median days from previous stage'], 't', HEAD);
    figures.medianDays.forEach((days, stageIndex) => { if (stageIndex > 0 && days !== null) layout.put(8 + stageIndex, medianCol, [days], 'y'); });
  }

  if (figures.bySource) {
    layout.put(sectionRow, 1, ['By lead source'], 't', SECTION);
    layout.put(sectionRow + 1, 1, ['Lead source', ...figures.stages.map(asText), 'Overall conversion'], 't', HEAD);
    const groupRow = (row: number, label: string, reached: number[], style: number) =>
      layout.put(row, 1, [asText(label), ...reached, ratio(reached[stageCount - 1], reached[0])], `t${'i'.repeat(stageCount)}p`, style);
    groupRow(sectionRow + 2, 'All leads', mainReached, HEAD);
    const { shown, others } = shownGroups(figures.bySource, MAX_GROUP_ROWS);
    shown.forEach((group, n) => groupRow(sectionRow + 3 + n, group.group, group.reached, 0));
    let end = sectionRow + 3 + shown.length;
    if (others.length) {
      groupRow(end, `Other sources (${others.length})`, figures.stages.map((_, stageIndex) => others.reduce((total, group) => total + group.reached[stageIndex], 0)), 0);
      end++;
    }
    sectionRow = end + 1;
  }

  const months = (figures.byArrivalMonth ?? []).slice(0, 120);
  if (months.length) {
    layout.put(sectionRow, 1, ['Conversion by arrival month'], 't', SECTION);
    layout.put(sectionRow + 1, 1, ['Arrival month', 'Leads', ...figures.stages.slice(1).map((stage) => `Reached ${stage}`)], 't', HEAD);
    months.forEach((month, i) => layout.put(sectionRow + 2 + i, 1, [serialDay(month.month), month.leads, ...month.shares.map(orBlank)], 'mip'));
    if (stageCount > 1) {
      layout.charts.push(conversionByMonthChart(figures.stages, sectionRow + 1, months.length, [6 + 18, chartCol]));
    }
    sectionRow += months.length + 3;
  }

  const split = figures.split === 'source' ? figures.bySource : figures.split === 'owner' ? figures.byOwner : undefined;
  if (split) for (const group of shownGroups(split, 12).shown) sectionRow = steps(sectionRow, group.reached, `Pipeline: ${group.group}`);
  else if (figures.split) layout.notes.push(`Map the ${figures.split} column in the setup to get one pipeline per ${figures.split}.`);
  return layout.plan('funnel', 'Funnel');
}

/** The net lead flow sheet from figures, laid out as planFlow lays out its formulas. */
export function planFlowFigures(figures: FlowFigures): Plan {
  const layout = new Layout();
  const unit: PeriodUnit = figures.unit;
  const reasonCount = figures.reasons.length;
  // The chart beside the table, 640 px wide from column reasonCount + 7: about nine columns.
  layout.reportColumns = reasonCount + 16;
  header(layout, `Net lead flow per ${unit}`, figures);
  layout.frozenRows = 7;
  if (figures.quiet) {
    layout.put(3, 3, ['Quiet after (days)', figures.quiet.days, 'As of', wallToSerial(figures.quiet.now), 'Quiet if last activity before', wallToSerial(figures.quiet.now - figures.quiet.days * 86_400_000)], 'tits');
  } else layout.notes.push('Map a last-activity column to count leads gone quiet.');
  layout.put(5, 1, [figures.flowBased
    ? 'New leads minus those disqualified, lost or gone quiet, taken off in the period it happened.'
    : 'New leads minus those disqualified, lost or gone quiet, taken off in the period they arrived. Map a removal-date column to count them when they left.'], 't');
  const periods = figures.periods.slice(0, MAX_PERIODS);
  if (figures.periods.length > MAX_PERIODS) layout.notes.push(`Listing the first ${MAX_PERIODS} ${unit}s only; build it per month to see them all.`);
  layout.put(6, 1, [`Per ${unit}`], 't', SECTION);
  layout.put(7, 1, [unit === 'week' ? 'Week from' : 'Month', 'New', ...figures.reasons.map(asText), 'Removed', 'Net', 'Running total'], 't', HEAD);
  let running = 0;
  periods.forEach((period, periodIndex) => {
    const removed = period.removed.reduce((total, count) => total + count, 0);
    running += period.added - removed;
    layout.put(8 + periodIndex, 1, [serialDay(period.start), period.added, ...period.removed, removed, period.added - removed, running], unit === 'week' ? 'di' : 'mi');
  });
  const periodCount = periods.length;
  layout.negatives.push([8, reasonCount + 4, periodCount || 1, 1]);
  if (periodCount) {
    layout.charts.push(netFlowChart(unit, reasonCount, periodCount));
  }
  if (figures.bySource) {
    const top = 9 + periodCount;
    layout.put(top, 1, ['By lead source: which channels bring leads that stay'], 't', SECTION);
    layout.put(top + 1, 1, ['Lead source', 'New', ...figures.reasons.map(asText), 'Removed', 'Net', 'Kept share'], 't', HEAD);
    const { shown, others } = shownGroups(figures.bySource, MAX_GROUP_ROWS);
    shown.forEach((group, n) => {
      const removed = group.removed.reduce((total, count) => total + count, 0);
      layout.put(top + 2 + n, 1, [asText(group.group), group.added, ...group.removed, removed, group.added - removed, ratio(group.added - removed, group.added)], `t${'i'.repeat(reasonCount + 3)}p`);
    });
    if (others.length) layout.notes.push(`By lead source lists the ${shown.length} largest of ${figures.bySource.length} sources.`);
    layout.negatives.push([top + 2, reasonCount + 4, shown.length || 1, 1]);
  }
  return layout.plan('flow', 'Net lead flow');
}
