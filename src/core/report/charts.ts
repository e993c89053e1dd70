/**
 * The charts of the built sheets, written once for the formula sheets (funnel.ts, flow.ts) and the
 * sheets of figures from the SQL engines (figures.ts), which lay their tables out the same way.
 */
import type { PeriodUnit } from '../time';
import type { Box, ChartSpec } from './grid';

const BLUE = '#1a73e8';
const GREEN = '#1e8e3e';
const RED = '#d93025';

/**
 * Leads reached per stage as horizontal bars, the first stage on top. The stage table's header is
 * on `headerRow`, its stages below it; `labelColumn` holds each bar's label and `reachedColumn` the
 * counts, each with a header, as Sheets' chart builder takes its ranges.
 */
export function stageBarChart(title: string, headerRow: number, labelColumn: number, reachedColumn: number, stageCount: number, at: [number, number], size: [number, number]): ChartSpec {
  return {
    type: 'funnel', title, categories: [headerRow + 1, labelColumn, stageCount, 1],
    series: [{ name: 'Leads reached', values: [headerRow + 1, reachedColumn, stageCount, 1], as: 'bar', color: BLUE, format: '#,##0' }],
    ranges: [[headerRow, labelColumn, stageCount + 1, 1], [headerRow, reachedColumn, stageCount + 1, 1]], at, size,
  };
}

/** Conversion by arrival month as lines: the table's header on `headerRow`, months in column A, each later stage's share from column C. */
export function conversionByMonthChart(stages: readonly string[], headerRow: number, monthCount: number, at: [number, number]): ChartSpec {
  return {
    type: 'line', title: 'Conversion by arrival month', categories: [headerRow + 1, 1, monthCount, 1],
    series: stages.slice(1).map((stage, laterIndex) => ({ name: `Reached ${stage}`, values: [headerRow + 1, 3 + laterIndex, monthCount, 1] as Box, as: 'line' as const, format: '0%' })),
    ranges: [[headerRow, 1, monthCount + 1, 1], [headerRow, 3, monthCount + 1, stages.length - 1]], at, size: [560, 320],
  };
}

/**
 * Net lead flow per period: net as columns (red where negative, where the chart can say so) and the
 * running total as a line. The period table's header is on row 7; net and running total follow the
 * removal reasons' columns. The chart sits on row 8, below the rows the sheet freezes (title and
 * table header), so that scrolling the periods never hides its top.
 */
export function netFlowChart(unit: PeriodUnit, reasonCount: number, periodCount: number): ChartSpec {
  return {
    type: 'combo', title: `Net lead flow per ${unit}`, categories: [8, 1, periodCount, 1],
    series: [
      { name: 'Net', values: [8, reasonCount + 4, periodCount, 1], as: 'column', color: GREEN, negativeColor: RED, format: '#,##0' },
      { name: 'Running total', values: [8, reasonCount + 5, periodCount, 1], as: 'line', color: BLUE, format: '#,##0' },
    ],
    ranges: [[7, 1, periodCount + 1, 1], [7, reasonCount + 4, periodCount + 1, 2]], at: [8, reasonCount + 7], size: [640, 340],
  };
}
