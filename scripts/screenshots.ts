/**
 * `npm run screenshots`: the README's pictures, taken from the real preview with the generated
 * sample leads in Debian's chromium at 1400×900, as a person would get there:
 *
 *   docs/images/funnel.png   Extensions ▸ LeadFlow ▸ Build funnel sheet… ▸ Build: the funnel sheet
 *                            with its bar chart, in a window wide enough for both (2400 px at most)
 *   docs/images/sidebar.png  back on the Leads sheet, Extensions ▸ LeadFlow ▸ Open setup…: the
 *                            sidebar's first screen, with what LeadFlow guessed of the setup
 *
 * It builds dist/ first. LEADFLOW_CHROMIUM points at another Chromium, as for the browser tests.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../build.mjs';
import { startPreview } from '../src/offline/preview/server.ts';
import { buildThroughMenu, cell, dismissToasts, launchBrowser, openPreview, openSidebar } from '../test/e2e/browser.ts';

const OUT = path.resolve('docs/images');
const VIEWPORT = { width: 1400, height: 900 };

/** Waits two frames: whatever the page drew after the last change is on screen. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

async function main(): Promise<void> {
  await build();
  mkdirSync(OUT, { recursive: true });
  const preview = await startPreview({});
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.setViewportSize(VIEWPORT);
    await openPreview(page, preview.url);

    await buildThroughMenu(page, 'Build funnel sheet…');
    const chart = page.locator('#chart-layer .chart[data-type="BAR"]');
    await chart.waitFor();
    // Wide enough for the stage table and its chart side by side, as on a wide desktop monitor.
    const chartId = await chart.getAttribute('data-chart-id');
    const rightEdge = await page.locator('#grid').evaluate((grid, id) => {
      const el = grid.querySelector(`.chart[data-chart-id="${id}"]`) as HTMLElement;
      return el.getBoundingClientRect().right + grid.scrollLeft + 16;
    }, chartId);
    await page.setViewportSize({ width: Math.min(2400, Math.max(VIEWPORT.width, Math.ceil(rightEdge))), height: 1000 });
    await cell(page, 'A1').click();
    await page.locator('#grid').evaluate((grid) => { grid.scrollLeft = 0; grid.scrollTop = 0; });
    await dismissToasts(page);
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'funnel.png') });

    await page.setViewportSize(VIEWPORT);
    await page.locator('#tabs').getByRole('tab', { name: 'Leads' }).click();
    const sidebar = await openSidebar(page);
    await sidebar.locator('#lf-form:not([hidden])').waitFor({ timeout: 20_000 });
    await sidebar.locator('#lf-review').waitFor({ timeout: 20_000 });
    await dismissToasts(page);
    await settle(page);
    await page.screenshot({ path: path.join(OUT, 'sidebar.png') });
    if (problems.length) throw new Error(`The page reported errors:\n${problems.join('\n')}`);
    console.log(`Wrote ${path.join(OUT, 'funnel.png')} and ${path.join(OUT, 'sidebar.png')}.`);
  } finally {
    await browser.close();
    await preview.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
