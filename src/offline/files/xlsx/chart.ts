/**
 * Native DrawingML charts for a plan's ChartSpecs, and the drawing part that anchors them.
 *
 * - funnel: horizontal clustered bars, the category axis reversed (maxMin) so the first stage is
 *   on top, the value axis crossing at the last category so its labels sit under the bars, and
 *   data labels with the values.
 * - combo: clustered columns for the `column` series (one data point per negative value in the
 *   negative colour) plus a line chart for the `line` series, sharing both axes.
 * - line: lines, the value axis in the series' number format (percent for conversion).
 *
 * Every reference points at the sheet by its xlsx name and carries a cache of the plan's computed
 * values, so viewers that do not recalculate (or before they do) still draw the chart.
 */
import type { Box, Cell, ChartSeries, ChartSpec } from '../../../core/report/grid.ts';
import { escapeAttr, escapeText, numberText, sheetRange, XML_HEAD } from './xml.ts';

const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const EMU_PER_PX = 9525;

/** Sheets' chart colours, for series without their own. */
const PALETTE = ['4285F4', 'EA4335', 'FBBC04', '34A853', 'FF6D01', '46BDC6', '7BAAF7', 'F07B72'];
const TEXT = '202124';
const SUBTLE = '5F6368';
const GRID = 'E0E0E0';

/** What a chart reads: the sheet's xlsx name and the plan's values and formats. */
export interface ChartData {
  sheet: string;
  values: Cell[][];
  formats: string[][];
}

const hex = (color: string | undefined, k: number) => (color ? color.replace(/^#/, '').toUpperCase() : PALETTE[k % PALETTE.length]);
const rgb = (h: string) => `<a:srgbClr val="${h}"/>`;
const GENERAL = new Set(['', 'General', '0.###############']);
const fmtCode = (f: string | undefined) => (f && !GENERAL.has(f) ? f : 'General');

function runProps(sz: number, bold: boolean, color: string, tag: 'a:defRPr' | 'a:rPr'): string {
  return `<${tag}${tag === 'a:rPr' ? ' lang="en-US"' : ''} sz="${sz}" b="${bold ? 1 : 0}"><a:solidFill>${rgb(color)}</a:solidFill><a:latin typeface="Arial"/><a:cs typeface="Arial"/></${tag}>`;
}

/** Text properties for an axis, labels or legend. */
function txPr(sz: number, color = SUBTLE, bold = false, rot = 0): string {
  return `<c:txPr><a:bodyPr${rot ? ` rot="${rot * 60000}" vert="horz"` : ''}/><a:lstStyle/><a:p><a:pPr>${runProps(sz, bold, color, 'a:defRPr')}</a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>`;
}

function richText(text: string, sz: number, bold: boolean, color = TEXT): string {
  return `<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>${runProps(sz, bold, color, 'a:defRPr')}</a:pPr><a:r>${runProps(sz, bold, color, 'a:rPr')}<a:t>${escapeText(text)}</a:t></a:r></a:p></c:rich>`;
}

const cellsOf = (data: ChartData, box: Box): { v: Cell; fmt: string }[] => {
  const out: { v: Cell; fmt: string }[] = [];
  for (let i = 0; i < box[2]; i++) out.push({ v: data.values[box[0] - 1 + i]?.[box[1] - 1] ?? '', fmt: data.formats[box[0] - 1 + i]?.[box[1] - 1] ?? '' });
  return out;
};
const refOf = (data: ChartData, box: Box) => escapeText(sheetRange(data.sheet, box[0], box[1], box[0] + box[2] - 1, box[1]));

/** Numbers with a cache: blank or text cells are left out of the cache (a gap). */
function numRef(data: ChartData, box: Box, format?: string): string {
  const cells = cellsOf(data, box);
  const pts = cells.map(({ v }, i) => (typeof v === 'number' && Number.isFinite(v) ? `<c:pt idx="${i}"><c:v>${numberText(v)}</c:v></c:pt>` : '')).join('');
  const code = escapeText(fmtCode(format ?? cells.find((c) => c.fmt)?.fmt));
  return `<c:numRef><c:f>${refOf(data, box)}</c:f><c:numCache><c:formatCode>${code}</c:formatCode><c:ptCount val="${cells.length}"/>${pts}</c:numCache></c:numRef>`;
}

function strRef(data: ChartData, box: Box): string {
  const cells = cellsOf(data, box);
  const pts = cells.map(({ v }, i) => (v === '' ? '' : `<c:pt idx="${i}"><c:v>${escapeText(String(v))}</c:v></c:pt>`)).join('');
  return `<c:strRef><c:f>${refOf(data, box)}</c:f><c:strCache><c:ptCount val="${cells.length}"/>${pts}</c:strCache></c:strRef>`;
}

/** Categories: numbers (months, dates) keep their format; anything else is text. */
function categories(data: ChartData, box: Box): { xml: string; numeric: boolean; format: string; longest: number; count: number } {
  const all = cellsOf(data, box);
  const cells = all.filter((c) => c.v !== '');
  const numeric = cells.length > 0 && cells.every((c) => typeof c.v === 'number');
  const format = numeric ? fmtCode(cells[0].fmt) : 'General';
  const longest = Math.max(0, ...cells.map((c) => (numeric ? format.length : String(c.v).length)));
  return { xml: `<c:cat>${numeric ? numRef(data, box, format) : strRef(data, box)}</c:cat>`, numeric, format, longest, count: all.length };
}

const noShape = '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>';

function dataLabels(s: ChartSeries, data: ChartData, position: 'outEnd' | 't' | null): string {
  // Text of the series' label cells, point by point, when it has them; else the values.
  const flags = (val: boolean) => `<c:showLegendKey val="0"/><c:showVal val="${val ? 1 : 0}"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>`;
  const pos = position ? `<c:dLblPos val="${position}"/>` : '';
  let points = '';
  if (s.labels) {
    points = cellsOf(data, s.labels).map(({ v }, i) => (v === '' ? '' : `<c:dLbl><c:idx val="${i}"/><c:tx>${richText(String(v), 900, false, SUBTLE)}</c:tx>${noShape}${pos}${flags(true)}</c:dLbl>`)).join('');
  }
  return `<c:dLbls>${points}<c:numFmt formatCode="${escapeAttr(fmtCode(s.format))}" sourceLinked="0"/>${noShape}${txPr(900, TEXT)}${pos}${flags(true)}</c:dLbls>`;
}

function barSeries(s: ChartSeries, k: number, data: ChartData, cat: string, labels: boolean): string {
  const color = hex(s.color, k);
  let points = '';
  if (s.negativeColor) {
    const neg = hex(s.negativeColor, k);
    points = cellsOf(data, s.values).map(({ v }, i) => (typeof v === 'number' && v < 0
      ? `<c:dPt><c:idx val="${i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/><c:spPr><a:solidFill>${rgb(neg)}</a:solidFill></c:spPr></c:dPt>`
      : '')).join('');
  }
  return `<c:ser><c:idx val="${k}"/><c:order val="${k}"/><c:tx><c:v>${escapeText(s.name)}</c:v></c:tx>`
    + `<c:spPr><a:solidFill>${rgb(color)}</a:solidFill><a:ln><a:noFill/></a:ln></c:spPr><c:invertIfNegative val="0"/>${points}`
    + (labels ? dataLabels(s, data, 'outEnd') : '')
    + `${cat}<c:val>${numRef(data, s.values, s.format)}</c:val></c:ser>`;
}

function lineSeries(s: ChartSeries, k: number, data: ChartData, cat: string): string {
  const color = hex(s.color, k);
  return `<c:ser><c:idx val="${k}"/><c:order val="${k}"/><c:tx><c:v>${escapeText(s.name)}</c:v></c:tx>`
    + `<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill>${rgb(color)}</a:solidFill><a:round/></a:ln></c:spPr>`
    + `<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr><a:solidFill>${rgb(color)}</a:solidFill><a:ln><a:solidFill>${rgb(color)}</a:solidFill></a:ln></c:spPr></c:marker>`
    + (s.labels ? dataLabels(s, data, 't') : '')
    + `${cat}<c:val>${numRef(data, s.values, s.format)}</c:val><c:smooth val="0"/></c:ser>`;
}

const gridlines = `<c:majorGridlines><c:spPr><a:ln w="9525"><a:solidFill>${rgb(GRID)}</a:solidFill></a:ln></c:spPr></c:majorGridlines>`;
const axisLine = (visible: boolean) => `<c:spPr><a:noFill/><a:ln w="9525">${visible ? `<a:solidFill>${rgb('BDBDBD')}</a:solidFill>` : '<a:noFill/>'}</a:ln></c:spPr>`;

function catAx(id: number, cross: number, o: { pos: 'l' | 'b'; reversed?: boolean; format: string; numeric: boolean; rotate?: boolean }): string {
  return `<c:catAx><c:axId val="${id}"/><c:scaling><c:orientation val="${o.reversed ? 'maxMin' : 'minMax'}"/></c:scaling><c:delete val="0"/>`
    + `<c:axPos val="${o.pos}"/><c:numFmt formatCode="${escapeAttr(o.format)}" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>`
    // "low": the labels stay at the bottom (or left) even when values go below zero.
    + `<c:tickLblPos val="low"/>${axisLine(true)}${txPr(900, SUBTLE, false, o.rotate ? -45 : 0)}<c:crossAx val="${cross}"/><c:crosses val="autoZero"/>`
    + `<c:auto val="${o.numeric ? 0 : 1}"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`;
}

function valAx(id: number, cross: number, o: { pos: 'l' | 'b'; format: string; crossesMax?: boolean }): string {
  // The scale is left automatic, so the chart follows the leads when the sheet recalculates.
  return `<c:valAx><c:axId val="${id}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>`
    + `<c:axPos val="${o.pos}"/>${gridlines}<c:numFmt formatCode="${escapeAttr(o.format)}" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>`
    + `<c:tickLblPos val="nextTo"/>${axisLine(false)}${txPr(900)}<c:crossAx val="${cross}"/><c:crosses val="${o.crossesMax ? 'max' : 'autoZero'}"/><c:crossBetween val="between"/></c:valAx>`;
}

/** The chart part (xl/charts/chartN.xml) for one ChartSpec. */
export function chartXml(spec: ChartSpec, data: ChartData): string {
  const cat = categories(data, spec.categories);
  const CAT = 500_001;
  const VAL = 500_002;
  let plot = '';
  const valueFormat = fmtCode(spec.series.find((s) => s.format)?.format);
  if (spec.type === 'funnel') {
    const bars = spec.series.map((s, k) => barSeries(s, k, data, cat.xml, true)).join('');
    plot = `<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>${bars}<c:gapWidth val="40"/><c:axId val="${CAT}"/><c:axId val="${VAL}"/></c:barChart>`
      + catAx(CAT, VAL, { pos: 'l', reversed: true, format: cat.format, numeric: cat.numeric })
      + valAx(VAL, CAT, { pos: 'b', format: valueFormat, crossesMax: true });
  } else {
    const columns = spec.series.map((s, k) => ({ s, k })).filter(({ s }) => s.as !== 'line');
    const lines = spec.series.map((s, k) => ({ s, k })).filter(({ s }) => s.as === 'line');
    if (columns.length) {
      const dir = columns.every(({ s }) => s.as === 'bar') ? 'bar' : 'col';
      plot += `<c:barChart><c:barDir val="${dir}"/><c:grouping val="clustered"/><c:varyColors val="0"/>`
        + columns.map(({ s, k }) => barSeries(s, k, data, cat.xml, !!s.labels)).join('')
        + `<c:gapWidth val="60"/><c:axId val="${CAT}"/><c:axId val="${VAL}"/></c:barChart>`;
    }
    if (lines.length) {
      plot += '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
        + lines.map(({ s, k }) => lineSeries(s, k, data, cat.xml)).join('')
        + `<c:marker val="1"/><c:axId val="${CAT}"/><c:axId val="${VAL}"/></c:lineChart>`;
    }
    // Labels turned 45° when side by side they would not fit (about 6 pixels a character, 9 pt).
    const rotate = cat.count * (cat.longest * 6 + 8) > spec.size[0] - 90;
    plot += catAx(CAT, VAL, { pos: 'b', format: cat.format, numeric: cat.numeric, rotate }) + valAx(VAL, CAT, { pos: 'l', format: valueFormat });
  }
  const legend = spec.series.length > 1
    ? `<c:legend><c:legendPos val="b"/><c:overlay val="0"/>${txPr(900, TEXT)}</c:legend>`
    : '';
  return `${XML_HEAD}<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">`
    + '<c:date1904 val="0"/><c:lang val="en-US"/><c:roundedCorners val="0"/>'
    + `<c:chart><c:title><c:tx>${richText(spec.title, 1200, true)}</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>`
    + `<c:plotArea><c:layout/>${plot}<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>`
    + `${legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>`
    + `<c:spPr><a:solidFill>${rgb('FFFFFF')}</a:solidFill><a:ln w="9525"><a:solidFill>${rgb('DADCE0')}</a:solidFill></a:ln></c:spPr>`
    + `${txPr(1000, TEXT)}</c:chartSpace>`;
}

/** The drawing part of a sheet: one anchored graphic frame per chart, chart k related as rId{k+1}. */
export function drawingXml(charts: ChartSpec[]): string {
  const frames = charts.map((c, k) => {
    const [row, col] = c.at;
    return '<xdr:oneCellAnchor>'
      + `<xdr:from><xdr:col>${col - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>`
      + `<xdr:ext cx="${Math.round(c.size[0] * EMU_PER_PX)}" cy="${Math.round(c.size[1] * EMU_PER_PX)}"/>`
      + `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${k + 2}" name="Chart ${k + 1}" descr="${escapeAttr(c.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>`
      + '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
      + `<a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" xmlns:r="${NS_R}" r:id="rId${k + 1}"/></a:graphicData></a:graphic>`
      + '</xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>';
  });
  return `${XML_HEAD}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="${NS_A}">${frames.join('')}</xdr:wsDr>`;
}
