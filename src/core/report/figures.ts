/**
 * The funnel and net lead flow sheets from figures computed elsewhere (the SQL engines, past what
 * a spreadsheet holds): the same sections, columns, titles and charts as the formula sheets of
 * funnel.ts and flow.ts, in the same places, holding values instead of formulas over a leads sheet
 * the workbook does not carry. Nothing here counts leads: every number arrives in the figures.
 */
import { LeadFlowError } from '../errors';
import { PeriodUnit, wallToSerial } from '../time';
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
const orBlank = (v: number | null | undefined): Cell => (v === null || v === undefined ? '' : v);
const serialDay = (wall: number) => wallToSerial(Math.floor(wall / 86_400_000) * 86_400_000);

/** The first rows of a figures sheet: its title, how it was computed, where the leads are. */
function header(L: Layout, title: string, f: { source: string; engine: string; notes?: string[] }): void {
  L.put(1, 1, [title], 't', TITLE);
  L.put(2, 1, [`Computed by LeadFlow with ${f.engine} from the leads below: values, not formulas. Run the report again for new leads.`], 't');
  L.put(3, 1, ['Leads', asText(f.source)], 't');
  L.notes.push(...(f.notes ?? []));
}

/** Groups shown one per row: the largest, the blank group whatever its size; the rest as one row. */
function shownGroups<T extends { group: string }>(list: T[], limit: number): { shown: T[]; others: T[] } {
  let shown = list.slice(0, limit);
  const blank = list.find((g) => g.group === BLANK_GROUP);
  if (blank && !shown.includes(blank)) shown = [...shown.slice(0, limit - 1), blank];
  return { shown, others: list.filter((g) => !shown.includes(g)) };
}

/** The funnel sheet from figures, laid out as planFunnel lays out its formulas. */
export function planFunnelFigures(f: FunnelFigures): Plan {
  const L = new Layout();
  const S = f.stages.length;
  if (f.funnel.length !== S) throw new LeadFlowError(`The funnel figures hold ${f.funnel.length} stages for a pipeline of ${S}.`);
  const chartCol = Math.max(S + 4, 12);
  const labelCol = chartCol + 7;
  L.reportColumns = chartCol + 6;
  header(L, `Lead funnel: ${f.cohort.label}`, f);
  L.frozenRows = 3;
  if (isCurrencyFormat(f.valueFormat)) L.formatOverrides.c = f.valueFormat;
  const bound = (wall?: number): Cell => (wall === undefined ? '' : serialDay(wall));
  L.put(3, 3, ['Cohort', asText(f.cohort.label), 'From', bound(f.cohort.start), 'To', bound(f.cohort.end)], 'tttdtd');

  const steps = (r: number, reached: number[], title: string, detail?: StageFigures[]): number => {
    L.put(r, 1, [title], 't', SECTION);
    L.put(r + 1, 1, ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'], 't', HEAD);
    f.stages.forEach((name, k) => {
      const d = detail?.[k];
      L.put(r + 2 + k, 1, [asText(name), reached[k],
        d ? orBlank(d.stepConversion) : k ? ratio(reached[k], reached[k - 1]) : reached[0] > 0 ? 1 : '',
        d ? orBlank(d.overallConversion) : ratio(reached[k], reached[0]),
        d ? d.dropOff : k ? reached[k - 1] - reached[k] : 0], 'tippi');
    });
    return r + S + 3;
  };
  const main = f.funnel.map((s) => s.reached);
  let r = steps(6, main, 'Funnel', f.funnel);
  L.put(7, labelCol, ['Chart label'], 't', HEAD);
  f.stages.forEach((name, k) => {
    const step = f.funnel[k].stepConversion;
    L.put(8 + k, labelCol, [asText(k && step !== null ? `${name} · ${Math.round(step * 100)}%` : name)], 't');
  });
  L.charts.push({
    type: 'funnel', title: `Leads reached per stage: ${f.cohort.label}`, categories: [8, labelCol, S, 1],
    series: [{ name: 'Leads reached', values: [8, 2, S, 1], as: 'bar', color: '#1a73e8', format: '#,##0' }],
    ranges: [[7, labelCol, S + 1, 1], [7, 2, S + 1, 1]], at: [6, chartCol], size: [560, 320],
  });
  if (f.hasValue) {
    L.put(7, 6, ['Leads with a deal value', 'Deal value (known)', 'Pipeline value', 'Value basis'], 't', HEAD);
    f.funnel.forEach((s, k) => L.put(8 + k, 6, [s.withValue ?? 0, s.knownValue ?? 0, orBlank(s.value), s.basis ?? ''], 'icct'));
  } else L.notes.push('Map a deal value column in the setup to see pipeline value.');
  if (f.medianDays) {
    const c = f.hasValue ? 10 : 6;
    L.put(7, c, ['Median days from previous stage'], 't', HEAD);
    f.medianDays.forEach((days, k) => { if (k > 0 && days !== null) L.put(8 + k, c, [days], 'y'); });
  }

  if (f.bySource) {
    L.put(r, 1, ['By lead source'], 't', SECTION);
    L.put(r + 1, 1, ['Lead source', ...f.stages.map(asText), 'Overall conversion'], 't', HEAD);
    const row = (at: number, label: string, reached: number[], style: number) =>
      L.put(at, 1, [asText(label), ...reached, ratio(reached[S - 1], reached[0])], `t${'i'.repeat(S)}p`, style);
    row(r + 2, 'All leads', main, HEAD);
    const { shown, others } = shownGroups(f.bySource, MAX_GROUP_ROWS);
    shown.forEach((g, n) => row(r + 3 + n, g.group, g.reached, 0));
    let end = r + 3 + shown.length;
    if (others.length) {
      row(end, `Other sources (${others.length})`, f.stages.map((_, k) => others.reduce((n, g) => n + g.reached[k], 0)), 0);
      end++;
    }
    r = end + 1;
  }

  const months = (f.byArrivalMonth ?? []).slice(0, 120);
  if (months.length) {
    L.put(r, 1, ['Conversion by arrival month'], 't', SECTION);
    L.put(r + 1, 1, ['Arrival month', 'Leads', ...f.stages.slice(1).map((s) => `Reached ${s}`)], 't', HEAD);
    months.forEach((m, i) => L.put(r + 2 + i, 1, [serialDay(m.month), m.leads, ...m.shares.map(orBlank)], 'mip'));
    if (S > 1) {
      L.charts.push({
        type: 'line', title: 'Conversion by arrival month', categories: [r + 2, 1, months.length, 1],
        series: f.stages.slice(1).map((stage, k) => ({ name: `Reached ${stage}`, values: [r + 2, 3 + k, months.length, 1] as Box, as: 'line' as const, format: '0%' })),
        ranges: [[r + 1, 1, months.length + 1, 1], [r + 1, 3, months.length + 1, S - 1]], at: [6 + 18, chartCol], size: [560, 320],
      });
    }
    r += months.length + 3;
  }

  const split = f.split === 'source' ? f.bySource : f.split === 'owner' ? f.byOwner : undefined;
  if (split) for (const g of shownGroups(split, 12).shown) r = steps(r, g.reached, `Pipeline: ${g.group}`);
  else if (f.split) L.notes.push(`Map the ${f.split} column in the setup to get one pipeline per ${f.split}.`);
  return L.plan('funnel', 'Funnel');
}

/** The net lead flow sheet from figures, laid out as planFlow lays out its formulas. */
export function planFlowFigures(f: FlowFigures): Plan {
  const L = new Layout();
  const unit: PeriodUnit = f.unit;
  const R = f.reasons.length;
  // The chart beside the table, 640 px wide from column R + 7: about nine columns.
  L.reportColumns = R + 16;
  header(L, `Net lead flow per ${unit}`, f);
  L.frozenRows = 7;
  if (f.quiet) {
    L.put(3, 3, ['Quiet after (days)', f.quiet.days, 'As of', wallToSerial(f.quiet.now), 'Quiet if last activity before', wallToSerial(f.quiet.now - f.quiet.days * 86_400_000)], 'tits');
  } else L.notes.push('Map a last-activity column to count leads gone quiet.');
  L.put(5, 1, [f.flowBased
    ? 'New leads minus those disqualified, lost or gone quiet, taken off in the period it happened.'
    : 'New leads minus those disqualified, lost or gone quiet, taken off in the period they arrived. Map a removal-date column to count them when they left.'], 't');
  const periods = f.periods.slice(0, MAX_PERIODS);
  if (f.periods.length > MAX_PERIODS) L.notes.push(`Listing the first ${MAX_PERIODS} ${unit}s only; build it per month to see them all.`);
  L.put(6, 1, [`Per ${unit}`], 't', SECTION);
  L.put(7, 1, [unit === 'week' ? 'Week from' : 'Month', 'New', ...f.reasons.map(asText), 'Removed', 'Net', 'Running total'], 't', HEAD);
  let running = 0;
  periods.forEach((p, k) => {
    const removed = p.removed.reduce((a, b) => a + b, 0);
    running += p.added - removed;
    L.put(8 + k, 1, [serialDay(p.start), p.added, ...p.removed, removed, p.added - removed, running], unit === 'week' ? 'di' : 'mi');
  });
  const n = periods.length;
  L.negatives.push([8, R + 4, n || 1, 1]);
  if (n) {
    L.charts.push({
      type: 'combo', title: `Net lead flow per ${unit}`, categories: [8, 1, n, 1],
      series: [
        { name: 'Net', values: [8, R + 4, n, 1], as: 'column', color: '#1e8e3e', negativeColor: '#d93025', format: '#,##0' },
        { name: 'Running total', values: [8, R + 5, n, 1], as: 'line', color: '#1a73e8', format: '#,##0' },
      ],
      ranges: [[7, 1, n + 1, 1], [7, R + 4, n + 1, 2]], at: [6, R + 7], size: [640, 340],
    });
  }
  if (f.bySource) {
    const r = 9 + n;
    L.put(r, 1, ['By lead source: which channels bring leads that stay'], 't', SECTION);
    L.put(r + 1, 1, ['Lead source', 'New', ...f.reasons.map(asText), 'Removed', 'Net', 'Kept share'], 't', HEAD);
    const { shown, others } = shownGroups(f.bySource, MAX_GROUP_ROWS);
    shown.forEach((g, k) => {
      const removed = g.removed.reduce((a, b) => a + b, 0);
      L.put(r + 2 + k, 1, [asText(g.group), g.added, ...g.removed, removed, g.added - removed, ratio(g.added - removed, g.added)], `t${'i'.repeat(R + 3)}p`);
    });
    if (others.length) L.notes.push(`By lead source lists the ${shown.length} largest of ${f.bySource.length} sources.`);
    L.negatives.push([r + 2, R + 4, shown.length || 1, 1]);
  }
  return L.plan('flow', 'Net lead flow');
}
