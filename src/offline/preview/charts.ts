/**
 * What the preview draws over a sheet besides its values: the charts the add-on inserted (read
 * from the host's chart data: type, options, anchor, and its ranges' current values through the
 * host, so a chart follows every recalculation) and the conditional formats of a window of cells.
 * The page draws the charts with chart.js (page/charts.ts); this side only reads the sheet.
 */
import type { SheetInspection } from '../host/index.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Range = GoogleAppsScript.Spreadsheet.Range;

/** One series of a chart as the page draws it. */
export interface ChartSeriesView {
  /** The header of its column (what the legend says). */
  name: string;
  /** 'bar': horizontal bars; 'column': vertical bars; 'line'; 'area'; 'pie': slices. */
  as: 'bar' | 'column' | 'line' | 'area' | 'pie';
  /** One value per category; null where the cell holds no number. */
  values: (number | null)[];
  /** Each value as its cell shows it (its number format): the data labels. */
  labels: string[];
  /** The number format of its first value cell: an axis of percentages reads "50%". */
  format: string;
  /** A colour the script gave this series (setColors, or the 'series' option), as #rrggbb. */
  color?: string;
}

/** One chart floating over the grid. */
export interface ChartView {
  id: number;
  /** Sheets' chart type: BAR, COLUMN, COMBO, LINE, AREA, PIE... (see `drawable`). */
  type: string;
  /** False for chart types the preview does not draw (it shows a box saying so). */
  drawable: boolean;
  /** Anchor cell (1-based) and offsets in pixels from its top-left corner. */
  anchor: { row: number; column: number; offsetX: number; offsetY: number };
  width: number;
  height: number;
  title: string;
  /** Where the legend goes: 'none', 'bottom', 'top', 'left', 'right'. */
  legend: string;
  hAxisTitle: string;
  vAxisTitle: string;
  stacked: boolean;
  /** The domain: the first column's cells as shown (stages, months...). */
  categories: string[];
  series: ChartSeriesView[];
  /** True when the ranges held more rows than a chart here draws (MAX_POINTS). */
  truncated: boolean;
  /** Why the chart could not be read (its ranges gone with a deleted sheet...); it is not drawn. */
  problem?: string;
}

/** Sheets' default size for a chart inserted without setOption('width'/'height'). */
const DEFAULT_SIZE = { width: 600, height: 371 };
/** Points per series drawn at most: a chart over A:A of 100,000 rows stays light. */
export const MAX_POINTS = 2_000;
const DRAWABLE = new Set(['BAR', 'COLUMN', 'COMBO', 'LINE', 'AREA', 'PIE']);

/** An option set either nested (setOption('hAxis', {title})) or flat (setXAxisTitle → 'hAxis.title'). */
function option(options: Record<string, unknown>, path: string): unknown {
  if (path in options) return options[path];
  let at: unknown = options;
  for (const key of path.split('.')) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const isText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const isColor = (v: unknown): v is string => typeof v === 'string' && /^#[0-9a-f]{6}$/i.test(v);

interface Column {
  raw: unknown[];
  shown: string[];
  formats: string[];
}

/** The columns of a chart's ranges, side by side (rows and columns swapped when the chart says so). */
function columnsOf(ranges: Range[], transpose: boolean): Column[] {
  const columns: Column[] = [];
  for (const range of ranges) {
    let raw = range.getValues() as unknown[][];
    let shown = range.getDisplayValues();
    let formats = range.getNumberFormats();
    if (transpose) [raw, shown, formats] = [raw, shown, formats].map((m) => (m[0] ?? []).map((_, c) => m.map((line) => line[c]))) as [unknown[][], string[][], string[][]];
    const width = raw[0]?.length ?? 0;
    for (let c = 0; c < width; c++) {
      columns.push({ raw: raw.map((line) => line[c]), shown: shown.map((line) => line[c]), formats: formats.map((line) => line[c]) });
    }
  }
  return columns;
}

function seriesKind(type: string, options: Record<string, unknown>, i: number): ChartSeriesView['as'] {
  if (type === 'BAR') return 'bar';
  if (type === 'LINE') return 'line';
  if (type === 'AREA') return 'area';
  if (type === 'PIE') return 'pie';
  if (type === 'COMBO') {
    const own = option(options, `series.${i}.type`) ?? option(options, 'seriesType') ?? 'bars';
    return own === 'line' ? 'line' : own === 'area' || own === 'steppedArea' ? 'area' : 'column';
  }
  return 'column';
}

/** A chart as the page draws it, from the host's chart data and the ranges' current values. */
function chartView(data: SheetInspection['charts'][number], ranges: Range[]): ChartView {
  const options = data.options ?? {};
  const type = String(data.type || '').toUpperCase();
  const size = (key: 'width' | 'height') => {
    const n = Number(options[key]);
    return Number.isFinite(n) && n >= 20 ? Math.min(n, 4000) : DEFAULT_SIZE[key];
  };
  const legendOption = option(options, 'legend.position') ?? option(options, 'legend');
  const columns = columnsOf(ranges, option(options, 'transposeRowsAndColumns') === true);
  // With more than one column, the first is the domain (the labels), as Sheets sets it up.
  const domain = columns.length > 1 ? columns[0] : undefined;
  const data2 = domain ? columns.slice(1) : columns;
  const rows = Math.max(0, ...columns.map((c) => c.raw.length));
  // The first row holds the series' names when it is text over no text (numbers, or blanks not
  // computed yet): Sheets' "use row 1 as headers".
  const given = Number(option(options, 'numHeaders'));
  const headers = Number.isInteger(given) && given >= 0
    ? Math.min(given, rows)
    : rows > 1 && data2.length > 0 && data2.every((c) => isText(c.raw[0]) && !c.raw.slice(1).some(isText)) ? 1 : 0;
  // Rows with nothing in them (an open-ended range's tail) are not points.
  const kept: number[] = [];
  for (let r = headers; r < rows; r++) {
    if (columns.some((c) => c.raw[r] !== '' && c.raw[r] !== null && c.raw[r] !== undefined)) kept.push(r);
  }
  const truncated = kept.length > MAX_POINTS;
  if (truncated) kept.length = MAX_POINTS;
  const colors = Array.isArray(options.colors) ? options.colors : [];
  const series = data2.map((c, i): ChartSeriesView => {
    const color = option(options, `series.${i}.color`) ?? colors[i];
    const first = kept.find((r) => typeof c.raw[r] === 'number');
    return {
      name: headers ? text(c.shown[headers - 1]) : '',
      as: seriesKind(type, options, i),
      values: kept.map((r) => (typeof c.raw[r] === 'number' && Number.isFinite(c.raw[r]) ? (c.raw[r] as number) : null)),
      labels: kept.map((r) => text(c.shown[r])),
      format: first === undefined ? '' : text(c.formats[first]),
      ...(isColor(color) ? { color } : {}),
    };
  });
  const legend = typeof legendOption === 'string' ? legendOption.toLowerCase() : series.length > 1 ? 'bottom' : 'none';
  return {
    id: data.id,
    type,
    drawable: DRAWABLE.has(type),
    anchor: { row: data.position.anchorRow, column: data.position.anchorColumn, offsetX: data.position.offsetX || 0, offsetY: data.position.offsetY || 0 },
    width: size('width'),
    height: size('height'),
    title: text(options.title),
    legend,
    hAxisTitle: text(option(options, 'hAxis.title')),
    vAxisTitle: text(option(options, 'vAxis.title')),
    stacked: options.isStacked === true || options.isStacked === 'true',
    categories: kept.map((r, i) => (domain ? text(domain.shown[r]) : String(i + 1))),
    series,
    truncated,
  };
}

/** The charts of a sheet (its inspection's chart data), each with its ranges' current values. */
export function chartViews(sheet: Sheet, charts: SheetInspection['charts']): ChartView[] {
  if (charts.length === 0) return [];
  const embedded = new Map(sheet.getCharts().map((c) => [c.getChartId(), c] as const));
  return charts.map((data) => {
    try {
      return chartView(data, (embedded.get(data.id)?.getRanges() ?? []) as Range[]);
    } catch (e) {
      // One chart the preview cannot read does not take the sheet's others with it.
      const view = chartView({ ...data, type: String(data.type) }, []);
      return { ...view, drawable: false, problem: (e as Error)?.message ?? String(e) };
    }
  });
}

// --- conditional formats ------------------------------------------------------------------------

export interface FormatView {
  background?: string | null;
  fontColor?: string | null;
  bold?: boolean | null;
  italic?: boolean | null;
  strikethrough?: boolean | null;
  underline?: boolean | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN);
const time = (v: unknown): number => (v instanceof Date ? v.getTime() : Object.prototype.toString.call(v) === '[object Date]' ? (v as Date).getTime() : Number.NaN);
const lower = (v: unknown): string => text(v).toLowerCase();

/**
 * A test for one boolean condition on a cell's value (getValues()), or undefined for one the
 * preview does not evaluate (custom formulas, relative dates): such a rule draws nothing here.
 */
function conditionTest(type: string, values: unknown[]): ((v: unknown) => boolean) | undefined {
  const [a, b] = values;
  const [x, y] = [num(a), num(b)];
  const number = (f: (n: number) => boolean) => (Number.isNaN(x) || ((type.endsWith('BETWEEN')) && Number.isNaN(y)) ? undefined : (v: unknown) => typeof v === 'number' && f(v));
  const date = (f: (t: number) => boolean) => (Number.isNaN(time(a)) ? undefined : (v: unknown) => !Number.isNaN(time(v)) && f(time(v)));
  switch (type) {
    case 'CELL_EMPTY': return (v) => v === '' || v === null || v === undefined;
    case 'CELL_NOT_EMPTY': return (v) => !(v === '' || v === null || v === undefined);
    case 'NUMBER_LESS_THAN': return number((v) => v < x);
    case 'NUMBER_LESS_THAN_OR_EQUAL_TO': return number((v) => v <= x);
    case 'NUMBER_GREATER_THAN': return number((v) => v > x);
    case 'NUMBER_GREATER_THAN_OR_EQUAL_TO': return number((v) => v >= x);
    case 'NUMBER_EQUAL_TO': return number((v) => v === x);
    case 'NUMBER_NOT_EQUAL_TO': return number((v) => v !== x);
    case 'NUMBER_BETWEEN': return number((v) => v >= Math.min(x, y) && v <= Math.max(x, y));
    case 'NUMBER_NOT_BETWEEN': return number((v) => v < Math.min(x, y) || v > Math.max(x, y));
    case 'TEXT_CONTAINS': return (v) => v !== '' && lower(v).includes(lower(a));
    case 'TEXT_DOES_NOT_CONTAIN': return (v) => !lower(v).includes(lower(a));
    case 'TEXT_STARTS_WITH': return (v) => v !== '' && lower(v).startsWith(lower(a));
    case 'TEXT_ENDS_WITH': return (v) => v !== '' && lower(v).endsWith(lower(a));
    case 'TEXT_EQUAL_TO': return (v) => text(v) === text(a);
    case 'TEXT_NOT_EQUAL_TO': return (v) => text(v) !== text(a);
    case 'DATE_BEFORE': return date((t) => t < time(a));
    case 'DATE_AFTER': return date((t) => t > time(a));
    case 'DATE_EQUAL_TO': return date((t) => t === time(a));
    case 'DATE_NOT_EQUAL_TO': return date((t) => t !== time(a));
    default: return undefined;
  }
}

/**
 * The conditional formats of a window of a sheet (1-based, `rows` × `cols` from row, col): a
 * function giving the format Sheets draws on a cell of the window for its value, or undefined.
 * The first rule whose range holds the cell and whose condition holds wins, as in Sheets.
 */
export function conditionalFormats(sheet: Sheet, row: number, col: number, rows: number, cols: number): (r: number, c: number, value: unknown) => FormatView | undefined {
  const compiled: { boxes: [number, number, number, number][]; test: (v: unknown) => boolean; format: FormatView }[] = [];
  for (const rule of sheet.getConditionalFormatRules()) {
    const condition = rule.getBooleanCondition();
    if (!condition) continue;
    const test = conditionTest(String(condition.getCriteriaType()), condition.getCriteriaValues());
    if (!test) continue;
    const boxes = rule.getRanges()
      .map((g): [number, number, number, number] => [g.getRow(), g.getColumn(), g.getRow() + g.getNumRows() - 1, g.getColumn() + g.getNumColumns() - 1])
      .filter(([r1, c1, r2, c2]) => r1 <= row + rows - 1 && r2 >= row && c1 <= col + cols - 1 && c2 >= col);
    if (boxes.length === 0) continue;
    compiled.push({
      boxes,
      test,
      format: {
        background: condition.getBackground(), fontColor: condition.getFontColor(), bold: condition.getBold(),
        italic: condition.getItalic(), strikethrough: condition.getStrikethrough(), underline: condition.getUnderline(),
      },
    });
  }
  if (compiled.length === 0) return () => undefined;
  return (r, c, value) => {
    for (const rule of compiled) {
      if (rule.boxes.some(([r1, c1, r2, c2]) => r >= r1 && r <= r2 && c >= c1 && c <= c2) && rule.test(value)) return rule.format;
    }
    return undefined;
  };
}
