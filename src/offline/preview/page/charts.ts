/**
 * The charts floating over the grid, drawn with chart.js from what the server reads of the host's
 * charts (../charts.ts): each sits at its anchor cell with its width and height, inside the grid's
 * scrolling area so it moves with the cells as Sheets' floating charts do, and is drawn again when
 * the sheet recalculates (the page asks for the charts after every change).
 *
 *   funnel (BAR)  horizontal bars, the first category on top, each value at its bar's end
 *   COMBO         columns (in their colour, green if none, red where negative, as the xlsx draws
 *                 them; Sheets' charts cannot colour by sign) and lines on the same axes
 *   LINE, AREA    lines; an axis of percentages when the values are formatted as percentages
 *   COLUMN, PIE   as in Sheets
 *
 * Other chart types show a box saying what the chart is. Animations are off: a chart is drawn at
 * once, as Sheets shows it.
 */
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PieController,
  PointElement, Title, Tooltip,
} from 'chart.js';
import type { ChartConfiguration, ChartDataset, Plugin, ScaleOptionsByType } from 'chart.js';
import { cellA1, get } from './api';
import type { ChartSeriesView, ChartView } from './api';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PieController, PointElement, Title, Tooltip);
Chart.defaults.font.family = 'Arial, Helvetica, sans-serif';
Chart.defaults.font.size = 11;
Chart.defaults.color = '#5f6368';

/** Series colours, in order, for series the script gave none. */
export const PALETTE = ['#1a73e8', '#ea4335', '#fbbc04', '#34a853', '#ff6d01', '#46bdc6', '#7baaf7', '#f07b72', '#fcd04f', '#71c287'];
/** A combo chart's columns: gains green, losses red (net lead flow's bad months). */
export const POSITIVE = '#1e8e3e';
export const NEGATIVE = '#d93025';
const GRID_LINE = '#e8eaed';
const LABEL = '#3c4043';

/** Where an anchor cell's top-left corner is, in the grid's scrolling content (undefined when not shown). */
export type AnchorPoint = (row: number, col: number) => { x: number; y: number } | undefined;

const isPercent = (format: string) => /%/.test(format.replace(/"[^"]*"/g, ''));

/** A value on an axis, in the series' number format: 0.25 → "25%", 1500 → "1,500". */
function axisLabel(value: number, format: string): string {
  if (isPercent(format)) return `${Number((value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0))}%`;
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 0 });
}

/** Writes each bar's value (as its cell shows it) past the end of the bar. */
function barEndLabels(labels: Map<number, string[]>): Plugin<'bar'> {
  return {
    id: 'leadflowBarEndLabels',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.font = `11px ${Chart.defaults.font.family}`;
      ctx.textBaseline = 'middle';
      for (const [index, texts] of labels) {
        const meta = chart.getDatasetMeta(index);
        if (meta.hidden) continue;
        meta.data.forEach((bar, i) => {
          const text = texts[i];
          if (!text) return;
          const { x, y, base } = bar as unknown as { x: number; y: number; base: number };
          const width = ctx.measureText(text).width;
          const negative = x < base;
          let at = negative ? x - 4 - width : x + 4;
          let color = LABEL;
          // No room past the end: inside the bar, in white.
          if (at + width > chartArea.right || at < chartArea.left) {
            at = negative ? x + 4 : x - 4 - width;
            color = '#ffffff';
          }
          ctx.fillStyle = color;
          ctx.fillText(text, at, y);
        });
      }
      ctx.restore();
    },
  };
}

function valueAxis(format: string, title: string, stacked: boolean, horizontal: boolean): ScaleOptionsByType<'linear'> {
  return {
    type: 'linear',
    beginAtZero: true,
    stacked,
    // Room for the labels at the bars' ends.
    grace: horizontal ? '12%' : 0,
    grid: { color: GRID_LINE, drawTicks: false },
    border: { display: false },
    ticks: { padding: 6, callback: (v: number | string) => axisLabel(Number(v), format) },
    title: { display: title !== '', text: title },
  } as unknown as ScaleOptionsByType<'linear'>;
}

function categoryAxis(title: string, stacked: boolean): ScaleOptionsByType<'category'> {
  return {
    type: 'category',
    stacked,
    grid: { display: false },
    border: { color: '#bdc1c6' },
    ticks: { color: LABEL, autoSkip: true, maxRotation: 0 },
    title: { display: title !== '', text: title },
  } as unknown as ScaleOptionsByType<'category'>;
}

/** chart.js's configuration for a chart the server described. */
export function chartConfig(view: ChartView): ChartConfiguration {
  const legendPosition = (['top', 'bottom', 'left', 'right'] as const).find((p) => p === view.legend);
  const plugins = {
    // In the series' order (chart.js would list them in drawing order: lines over columns first).
    legend: {
      display: legendPosition !== undefined, position: legendPosition ?? 'bottom',
      labels: {
        boxWidth: 12, boxHeight: 12, color: LABEL,
        sort: (a: { datasetIndex?: number }, b: { datasetIndex?: number }) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
        // Columns coloured by sign are said in their gains' colour, whatever the first month did.
        generateLabels: (chart: Chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
          const s = view.series[item.datasetIndex ?? -1];
          return s && view.type === 'COMBO' && s.as === 'column' ? { ...item, fillStyle: s.color ?? POSITIVE, strokeStyle: s.color ?? POSITIVE } : item;
        }),
      },
    },
    title: {
      display: view.title !== '', text: view.title, align: 'start' as const, color: '#202124',
      font: { size: 15, weight: 'normal' as const }, padding: { top: 2, bottom: 12 },
    },
    tooltip: { callbacks: { label: (item: { dataset: { label?: string }; dataIndex: number; datasetIndex: number }) => {
      const s = view.series[item.datasetIndex];
      return `${s?.name ? `${s.name}: ` : ''}${s?.labels[item.dataIndex] ?? ''}`;
    } } },
  };
  const base = { animation: false as const, responsive: false, maintainAspectRatio: false, devicePixelRatio: window.devicePixelRatio || 1, layout: { padding: 12 } };

  if (view.type === 'PIE') {
    const s = view.series[0];
    return {
      type: 'pie',
      data: { labels: view.categories, datasets: [{ data: (s?.values ?? []).map((v) => v ?? 0), backgroundColor: view.categories.map((_, i) => PALETTE[i % PALETTE.length]), borderColor: '#ffffff' }] },
      options: { ...base, plugins: { ...plugins, legend: { ...plugins.legend, display: view.legend !== 'none', position: legendPosition ?? 'right' } } },
    };
  }

  const horizontal = view.type === 'BAR';
  let next = 0;
  const labels = new Map<number, string[]>();
  const datasets = view.series.map((s: ChartSeriesView, i): ChartDataset => {
    // A combo chart's columns show gains and losses: their colour (green if none), red where negative.
    const bySign = view.type === 'COMBO' && s.as === 'column';
    const color = s.color ?? (bySign ? POSITIVE : PALETTE[next++ % PALETTE.length]);
    if (s.as === 'line' || s.as === 'area') {
      return {
        type: 'line', label: s.name, data: s.values, order: 0,
        borderColor: color, backgroundColor: s.as === 'area' ? `${color}55` : color, fill: s.as === 'area' ? 'origin' : false,
        borderWidth: 2, pointRadius: view.categories.length > 40 ? 0 : 2.5, pointHoverRadius: 4, tension: 0, spanGaps: true,
      };
    }
    if (horizontal) labels.set(i, s.labels);
    return {
      type: 'bar', label: s.name, data: s.values, order: 1,
      backgroundColor: bySign ? s.values.map((v) => ((v ?? 0) < 0 ? NEGATIVE : color)) : color,
      borderWidth: 0, categoryPercentage: 0.8, barPercentage: 0.9, maxBarThickness: 64,
    };
  });
  const format = view.series.find((s) => s.format)?.format ?? '';
  const [x, y] = horizontal
    ? [valueAxis(format, view.hAxisTitle, view.stacked, true), categoryAxis(view.vAxisTitle, view.stacked)]
    : [categoryAxis(view.hAxisTitle, view.stacked), valueAxis(format, view.vAxisTitle, view.stacked, false)];
  return {
    type: 'bar',
    data: { labels: view.categories, datasets: datasets as ChartDataset<'bar'>[] },
    options: { ...base, indexAxis: horizontal ? 'y' : 'x', scales: { x, y }, plugins } as ChartConfiguration<'bar'>['options'],
    plugins: labels.size ? [barEndLabels(labels)] : [],
  } as ChartConfiguration;
}

interface Drawn {
  key: string;
  view: ChartView;
  el: HTMLElement;
  chart?: Chart;
}

export class ChartLayer {
  private readonly charts = new Map<number, Drawn>();
  private sheet: string | undefined;
  private generation = 0;

  constructor(private readonly layer: HTMLElement, private readonly anchor: AnchorPoint) {}

  /** Fetches the sheet's charts and draws those that are new or changed. */
  async load(sheet: string): Promise<void> {
    const generation = ++this.generation;
    if (sheet !== this.sheet) {
      this.clear();
      this.sheet = sheet;
    }
    const { charts } = await get<{ charts: ChartView[] }>('/api/charts', { sheet });
    if (generation !== this.generation) return;
    const seen = new Set<number>();
    for (const view of charts) {
      seen.add(view.id);
      const key = JSON.stringify(view);
      const drawn = this.charts.get(view.id);
      if (drawn?.key === key) continue;
      if (drawn) this.remove(view.id);
      this.charts.set(view.id, this.draw(view, key));
    }
    for (const id of [...this.charts.keys()]) if (!seen.has(id)) this.remove(id);
    this.position();
  }

  /** Puts each chart at its anchor cell (called after the grid lays out its rows and columns). */
  position(): void {
    for (const { view, el } of this.charts.values()) {
      const at = this.anchor(view.anchor.row, view.anchor.column);
      el.hidden = !at;
      if (!at) continue;
      el.style.left = `${Math.round(at.x + view.anchor.offsetX)}px`;
      el.style.top = `${Math.round(at.y + view.anchor.offsetY)}px`;
    }
  }

  clear(): void {
    for (const id of [...this.charts.keys()]) this.remove(id);
  }

  private remove(id: number): void {
    const drawn = this.charts.get(id);
    drawn?.chart?.destroy();
    drawn?.el.remove();
    this.charts.delete(id);
  }

  private draw(view: ChartView, key: string): Drawn {
    const el = document.createElement('figure');
    el.className = 'chart';
    el.dataset.chartId = String(view.id);
    el.dataset.type = view.type;
    el.dataset.anchor = cellA1(view.anchor.row, view.anchor.column);
    el.dataset.values = JSON.stringify(view.series.map((s) => s.values));
    el.style.width = `${view.width}px`;
    el.style.height = `${view.height}px`;
    el.setAttribute('aria-label', `${view.title || 'Chart'} (${view.type.toLowerCase()} chart)`);
    this.layer.append(el);
    if (!view.drawable) {
      const note = document.createElement('figcaption');
      note.className = 'chart-note';
      note.textContent = view.problem
        ? `${view.title ? `${view.title}: ` : ''}this chart's data could not be read (${view.problem}).`
        : `${view.title ? `${view.title}: ` : ''}a ${view.type.toLowerCase()} chart. The preview draws bar, column, line, area, combo and pie charts.`;
      el.append(note);
      return { key, view, el };
    }
    const canvas = document.createElement('canvas');
    canvas.width = view.width;
    canvas.height = view.height;
    canvas.style.width = `${view.width}px`;
    canvas.style.height = `${view.height}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', el.getAttribute('aria-label')!);
    if (view.truncated) el.title = 'Only the first points of this chart\'s ranges are drawn here.';
    el.append(canvas);
    const chart = new Chart(canvas, chartConfig(view));
    return { key, view, el, chart };
  }
}
