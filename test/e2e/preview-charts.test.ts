/**
 * The sheets the add-on builds, as the local preview shows them in chromium at 1400×900: each is
 * built as a person would (Extensions ▸ LeadFlow ▸ Build … ▸ Build in the dialog), screenshotted
 * under test-results/ with its chart, and checked: the chart is drawn where Sheets anchors it and
 * is not blank (the funnel's blue bars longest first with their values at their ends; net lead
 * flow's green and red columns with the running total as a line), it follows an edit, negative
 * net periods are red, and the checklist's checkboxes tick and untick with the score following.
 *
 * The leads are a generated sample with a removal-date column, so that net lead flow has months
 * that lost more leads than they gained.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLeads } from '../../src/core/sample';
import { startPreview } from '../../src/offline/preview/server';
import type { Preview } from '../../src/offline/preview/server';
import {
  buildThroughMenu, cell, chartColours, dismissToasts, idle, launchBrowser, openPreview, screenshot, scrollToCell, typeInto, withPage,
} from './browser';
import type { LaunchedBrowser } from './browser';

const BLUE = '#1a73e8';
const GREEN = '#1e8e3e';
const RED = '#d93025';

let browser: LaunchedBrowser;
let preview: Preview;

const eventually = <T>(fn: () => T | Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

beforeAll(async () => {
  const sample = sampleLeads({ rows: 300, seed: 5, timeZone: 'America/New_York', from: '2025-01-01', days: 150, removalDates: true, today: '2025-09-15' });
  [browser, preview] = await Promise.all([launchBrowser(), startPreview({ rows: [sample.headers, ...sample.rows] })]);
});

afterAll(async () => {
  await browser?.close();
  await preview?.close();
});

/** One page for the whole file: the sheets are built one after the other, as a person would. */
async function onPage(name: string, fn: (page: Page) => Promise<void>): Promise<void> {
  await withPage(browser, name, async (page) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await openPreview(page, preview.url);
    await fn(page);
  });
}

async function activeSheet(page: Page): Promise<string> {
  return (await page.locator('#tabs [aria-selected="true"]').textContent()) ?? '';
}

/** The chart's box and its anchor cell's box on the page, the chart scrolled into view. */
async function chartAndAnchor(page: Page, chart: Locator) {
  await chart.scrollIntoViewIfNeeded();
  const anchor = (await chart.getAttribute('data-anchor'))!;
  // The grid draws its rows again after a scroll: measure once it has.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await cell(page, anchor).waitFor();
  const [box, cellBox] = await Promise.all([chart.boundingBox(), cell(page, anchor).boundingBox()]);
  return { anchor, box: box!, cellBox: cellBox! };
}

/** Rows of the canvas holding blue, grouped into bars: each bar's top, bottom and right end. */
async function horizontalBars(chart: Locator, colour: string) {
  return chart.locator('canvas').evaluate((canvas: HTMLCanvasElement, hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const bars: { top: number; bottom: number; left: number; right: number; labelInk: number }[] = [];
    let current: (typeof bars)[number] | undefined;
    for (let y = 0; y < height; y++) {
      let left = -1;
      let right = -1;
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (data[i] === r && data[i + 1] === g && data[i + 2] === b) {
          if (left < 0) left = x;
          right = x;
        }
      }
      if (right < 0) {
        current = undefined;
        continue;
      }
      if (!current) bars.push((current = { top: y, bottom: y, left, right, labelInk: 0 }));
      current.bottom = y;
      current.right = Math.max(current.right, right);
    }
    // Dark ink just past each bar's end: its value label.
    for (const bar of bars) {
      for (let y = bar.top; y <= bar.bottom; y++) {
        for (let x = bar.right + 2; x < Math.min(width, bar.right + 60); x++) {
          const i = (y * width + x) * 4;
          if (data[i + 3] > 128 && data[i] < 140 && data[i + 1] < 140 && data[i + 2] < 140) bar.labelInk++;
        }
      }
    }
    return bars;
  }, colour);
}

describe('built sheets in the preview', () => {
  it('draws the funnel sheet\'s bar chart at its anchor cell: first stage on top, values at the bars\' ends', async () => {
    await onPage('preview-funnel', async (page) => {
      await buildThroughMenu(page, 'Build funnel sheet…');
      expect(await activeSheet(page)).toBe('Funnel');
      const charts = page.locator('#chart-layer .chart');
      await eventually(() => charts.count()).toBe(preview.host.inspectSheet('Funnel').charts.length);
      const funnel = page.locator('#chart-layer .chart[data-type="BAR"]');
      const spec = preview.host.inspectSheet('Funnel').charts.find((c) => c.type === 'BAR')!;

      // At its anchor cell, with its size.
      const { anchor, box, cellBox } = await chartAndAnchor(page, funnel);
      expect(anchor).toBe(`${String.fromCharCode(64 + spec.position.anchorColumn)}${spec.position.anchorRow}`);
      expect(Math.abs(box.x - cellBox.x)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(box.y - cellBox.y)).toBeLessThanOrEqual(1.5);
      expect(Math.round(box.width)).toBe(spec.options.width);
      expect(Math.round(box.height)).toBe(spec.options.height);
      await dismissToasts(page);
      await screenshot(page, 'preview-funnel');

      // A header over numbers is aligned right, as they are, and shows its text in its own cell
      // (text run on to the right, as left-aligned text does, would hide it).
      const sheetValues = preview.host.sheet('Funnel').getDataRange().getValues();
      const sourceHead = sheetValues.findIndex((line) => line[0] === 'Lead source');
      const overall = sheetValues[sourceHead].indexOf('Overall conversion');
      expect(overall).toBeGreaterThan(0);
      const header = await scrollToCell(page, sourceHead + 1, overall + 1);
      await expect.poll(() => header.evaluate((td) => [td.textContent, getComputedStyle(td).textAlign, td.querySelector('.overflow') === null])).toEqual(['Overall conversion', 'right', true]);

      // Not blank: blue bars, one per stage, the first (most leads) on top, each with its value past its end.
      const { counts, drawn } = await chartColours(funnel, [BLUE]);
      expect(drawn).toBeGreaterThan(10_000);
      expect(counts[BLUE]).toBeGreaterThan(3_000);
      const values = JSON.parse((await funnel.getAttribute('data-values'))!) as number[][];
      const bars = await horizontalBars(funnel, BLUE);
      expect(bars).toHaveLength(values[0].length);
      const lengths = bars.map((b) => b.right - b.left);
      expect(lengths[0]).toBe(Math.max(...lengths));
      // Bar lengths follow the values, top to bottom.
      const scale = lengths[0] / values[0][0];
      lengths.forEach((l, i) => expect(Math.abs(l - values[0][i] * scale)).toBeLessThanOrEqual(3));
      for (const bar of bars) expect(bar.labelInk).toBeGreaterThan(8);

      // The line chart of conversion by arrival month: an axis of percentages.
      const line = page.locator('#chart-layer .chart[data-type="LINE"]');
      await line.scrollIntoViewIfNeeded();
      await dismissToasts(page);
      await screenshot(page, 'preview-funnel-conversion');
      const lineValues = JSON.parse((await line.getAttribute('data-values'))!) as number[][];
      expect(lineValues.flat().every((v) => v === null || (v >= 0 && v <= 1))).toBe(true);
      expect((await chartColours(line, [BLUE])).counts[BLUE]).toBeGreaterThan(100);
    });
  });

  it('draws net lead flow as green and red columns with the running total as a line, red negative cells, and follows an edit', async () => {
    await onPage('preview-net-lead-flow', async (page) => {
      await buildThroughMenu(page, 'Build net lead flow sheet…');
      expect(await activeSheet(page)).toBe('Net lead flow');
      const combo = page.locator('#chart-layer .chart[data-type="COMBO"]');
      await combo.waitFor();
      const { anchor, box, cellBox } = await chartAndAnchor(page, combo);
      expect(anchor).toBe('K8');
      expect(Math.abs(box.x - cellBox.x)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(box.y - cellBox.y)).toBeLessThanOrEqual(1.5);
      await dismissToasts(page);
      await screenshot(page, 'preview-net-lead-flow');

      // The sheet's notes sit in its frozen rows, and run on over the empty cells to their right
      // as in Sheets, whole and on top: cut at column A, they could not be read.
      const frozen = preview.host.sheet('Net lead flow').getFrozenRows();
      const noteRow = preview.host.sheet('Net lead flow').getRange(1, 1, frozen, 1).getValues().findIndex(([text]) => String(text).startsWith('New leads minus')) + 1;
      expect(noteRow).toBeGreaterThan(0);
      const note = cell(page, `A${noteRow}`);
      await expect.poll(() => note.evaluate((td) => {
        const span = td.querySelector('.overflow') as HTMLElement | null;
        if (!span) return 'no run-on';
        const next = td.nextElementSibling as HTMLElement;
        const [spanBox, nextBox] = [span.getBoundingClientRect(), next.getBoundingClientRect()];
        // Frozen cells are sticky, each painted white in its own layer: the note's must be above its neighbour's.
        const above = Number(getComputedStyle(td).zIndex) > Number(getComputedStyle(next).zIndex);
        return spanBox.right > nextBox.right && above ? 'runs on, on top' : 'hidden';
      })).toBe('runs on, on top');

      const [net] = JSON.parse((await combo.getAttribute('data-values'))!) as number[][];
      expect(net.some((v) => v < 0)).toBe(true);
      expect(net.some((v) => v > 0)).toBe(true);
      const { counts } = await chartColours(combo, [GREEN, RED, BLUE]);
      expect(counts[GREEN]).toBeGreaterThan(500);
      expect(counts[RED]).toBeGreaterThan(500);
      expect(counts[BLUE]).toBeGreaterThan(100); // the running total's line

      // Negative net months: light red with dark red text, as the conditional format says; the others plain.
      const months = preview.host.values('Net lead flow', 'H8:H19').map((r) => r[0]);
      const negative = months.findIndex((v) => typeof v === 'number' && v < 0);
      const positive = months.findIndex((v) => typeof v === 'number' && v > 0);
      await scrollToCell(page, 8, 1);
      // Polled: the grid draws the rows in view again after a scroll, and a cell read mid-redraw has no style yet.
      const style = (a1: string) => cell(page, a1).evaluate((td) => [getComputedStyle(td).backgroundColor, getComputedStyle(td).color]);
      await eventually(() => style(`H${8 + negative}`)).toEqual(['rgb(244, 199, 195)', 'rgb(165, 14, 14)']);
      await eventually(() => style(`H${8 + positive}`)).toEqual(['rgba(0, 0, 0, 0)', 'rgb(32, 33, 36)']);

      // An edit recalculates the sheet, and the chart and the colours follow.
      const redBefore = counts[RED];
      await typeInto(page, `H${8 + positive}`, '-150');
      await eventually(async () => (JSON.parse((await combo.getAttribute('data-values'))!) as number[][])[0][positive]).toBe(-150);
      const running = preview.host.values('Net lead flow', `I8:I${7 + net.length}`).map((r) => r[0]);
      expect((JSON.parse((await combo.getAttribute('data-values'))!) as number[][])[1]).toEqual(running);
      await eventually(() => style(`H${8 + positive}`)).toEqual(['rgb(244, 199, 195)', 'rgb(165, 14, 14)']);
      expect((await chartColours(combo, [RED])).counts[RED]).toBeGreaterThan(redBefore);
      await combo.scrollIntoViewIfNeeded();
      await dismissToasts(page);
      await screenshot(page, 'preview-net-lead-flow-edited');
    });
  });

  it('shows the checklist\'s checkboxes, which tick and untick with a click or Space, the score following', async () => {
    await onPage('preview-checklist', async (page) => {
      await buildThroughMenu(page, 'Build checklist sheet…');
      expect(await activeSheet(page)).toBe('Lead review');
      const values = preview.host.values('Lead review');
      const points = values.findIndex((r) => r[5] === 'Points');
      expect(points).toBeGreaterThan(0);
      const caps = values[points - 1];
      const groups = values[points + 1];
      const header = values[points + 2];
      const score = header.indexOf('Score');
      const rules = header.indexOf('Fit evidence') - 6;
      expect(rules).toBeGreaterThan(0);
      // A box not ticked whose points would raise the score (its group below its cap).
      let at: { row: number; col: number; points: number } | undefined;
      for (let r = points + 3; r < values.length && !at; r++) {
        for (let k = 0; k < rules && !at; k++) {
          const p = values[points][6 + k] as number;
          const fit = groups[6 + k] === 'Fit';
          const group = values[r][score - (fit ? 2 : 1)] as number;
          const cap = caps[fit ? 1 : 3] as number;
          if (values[r][6 + k] === false && p > 0 && group > 0 && group + p <= cap) at = { row: r + 1, col: 7 + k, points: p };
        }
      }
      expect(at).toBeDefined();
      const { row, col } = at!;
      const a1 = (c: number) => `${String.fromCharCode(64 + c)}${row}`;

      // The review checklist's boxes near the top, then the lead's row.
      const box = (await scrollToCell(page, row, col)).locator('input.cb');
      expect(await page.locator('#cells input.cb').count()).toBeGreaterThan(10);
      expect(await box.isChecked()).toBe(false);
      const scoreCell = cell(page, a1(score + 1));
      const before = Number(await scoreCell.textContent());
      await dismissToasts(page);
      await screenshot(page, 'preview-checklist');

      await box.click();
      await idle(page);
      await eventually(() => preview.host.values('Lead review', a1(col))[0][0]).toBe(true);
      await eventually(() => scoreCell.textContent()).toBe(String(before + at!.points));
      expect(await cell(page, a1(col)).locator('input.cb').isChecked()).toBe(true);
      await screenshot(page, 'preview-checklist-ticked');

      // Space unticks the selected box.
      await page.keyboard.press('Space');
      await idle(page);
      await eventually(() => preview.host.values('Lead review', a1(col))[0][0]).toBe(false);
      await eventually(() => scoreCell.textContent()).toBe(String(before));
      expect(await cell(page, a1(col)).locator('input.cb').isChecked()).toBe(false);
    });
  });
});

describe('what the page is given to draw', () => {
  it('serves any chart a script inserted, with its ranges\' current values, and cells with their looks, conditional formats and checkboxes', async () => {
    const shown = await startPreview({ rows: [['Lead', 'Status'], ['L-1', 'New']] });
    try {
      const { host, session } = shown;
      const sheet = host.addSheet('Data', [['Month', 'Won', 'Lost', 'Share'], ['Jan', 5, 2, 0.25], ['Feb', 7, -1, 0.5], ['Mar', 0, 3, 0.75], ['', '', '', '']]);
      sheet.getRange('D2:D4').setNumberFormat('0%');
      const column = sheet.newChart().asColumnChart().addRange(sheet.getRange('A1:C5')).setPosition(2, 6, 10, 5)
        .setOption('title', 'Won and lost').setOption('colors', ['#ff0000']).setOption('vAxis', { title: 'Leads' }).build();
      sheet.insertChart(column);
      sheet.insertChart(sheet.newChart().asLineChart().addRange(sheet.getRange('A1:A4')).addRange(sheet.getRange('D1:D4')).setPosition(20, 6, 0, 0).build());
      sheet.insertChart(sheet.newChart().setChartType('TABLE' as never).addRange(sheet.getRange('A1:B4')).setPosition(40, 6, 0, 0).build());

      const charts = session.charts('Data');
      expect(charts.map((c) => [c.type, c.drawable])).toEqual([['COLUMN', true], ['LINE', true], ['TABLE', false]]);
      expect(charts[0]).toMatchObject({
        anchor: { row: 2, column: 6, offsetX: 10, offsetY: 5 }, width: 600, height: 371, title: 'Won and lost', vAxisTitle: 'Leads', legend: 'bottom',
        categories: ['Jan', 'Feb', 'Mar'], // the blank row at the range's end is no point
        series: [
          { name: 'Won', as: 'column', values: [5, 7, 0], labels: ['5', '7', '0'], color: '#ff0000' },
          { name: 'Lost', as: 'column', values: [2, -1, 3] },
        ],
      });
      expect(charts[1]).toMatchObject({ legend: 'none', categories: ['Jan', 'Feb', 'Mar'], series: [{ name: 'Share', as: 'line', format: '0%', labels: ['25%', '50%', '75%'] }] });
      // The chart follows the cells.
      sheet.getRange('B3').setFormula('=B2*10');
      expect(session.charts('Data')[0].series[0].values).toEqual([5, 50, 0]);

      // Looks: the cell's own, then the first conditional format that holds.
      sheet.getRange('B2').setFontColor('#0000ff').setFontStyle('italic').setHorizontalAlignment('center').setBackground('#d9ead3');
      const SpreadsheetApp = host.globals.SpreadsheetApp;
      sheet.setConditionalFormatRules([
        SpreadsheetApp.newConditionalFormatRule().whenTextContains('AN').setBackground('#fff2cc').setBold(true).setRanges([sheet.getRange('A2:A4')]).build(),
        SpreadsheetApp.newConditionalFormatRule().whenNumberLessThan(0).setBackground('#f4c7c3').setFontColor('#a50e0e').setRanges([sheet.getRange('C2:C4')]).build(),
        SpreadsheetApp.newConditionalFormatRule().whenNumberGreaterThan(-5).setBackground('#b7e1cd').setRanges([sheet.getRange('C2:C4')]).build(),
        SpreadsheetApp.newConditionalFormatRule().whenFormulaSatisfied('=TRUE').setBackground('#000000').setRanges([sheet.getRange('A2:D4')]).build(),
      ]);
      sheet.getRange('E2').insertCheckboxes('yes', 'no');
      sheet.getRange('E3').insertCheckboxes();
      sheet.getRange('E3').setValue(true);
      const { cells } = session.cells('Data', 2, 3, 1, 5);
      expect(cells[0][0]).toMatchObject({ v: 'Jan', bg: '#fff2cc', w: 1 });
      expect(cells[1][0]).toEqual({ v: 'Feb' }); // a custom formula is not evaluated here: no fill
      expect(cells[0][1]).toMatchObject({ v: '5', fc: '#0000ff', it: 1, al: 'center', bg: '#d9ead3' });
      expect(cells[0][2]).toMatchObject({ bg: '#b7e1cd' });
      expect(cells[1][2]).toMatchObject({ v: '-1', bg: '#f4c7c3', fc: '#a50e0e' });
      expect(cells[0][4]).toMatchObject({ cb: { checked: false, on: 'yes', off: 'no' } });
      expect(cells[1][4]).toMatchObject({ v: 'TRUE', cb: { checked: true } });
      expect(session.setCell('Data', 2, 5, 'yes').outcome).toEqual({ ok: true, value: null });
      expect(session.cells('Data', 2, 1, 5, 1).cells[0][0].cb).toEqual({ checked: true, on: 'yes', off: 'no' });
    } finally {
      await shown.close();
    }
  });
});
