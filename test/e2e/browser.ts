/**
 * Browser tests' shared helpers: Debian's chromium driven by playwright-core, the preview server,
 * and a page wrapper that saves a screenshot under test-results/ when a test fails.
 *
 *   const browser = await launchBrowser();
 *   const preview = await startPreview({});
 *   await withPage(browser, 'sidebar opens', async (page) => {
 *     await openPreview(page, preview.url);
 *     const sidebar = await openSidebar(page);        // Extensions ▸ LeadFlow ▸ Open setup…
 *     await expectText(sidebar.locator('h1'), /./);
 *   });
 *
 * Chromium missing is a failure with instructions, never a skip: CI installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LEADFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve('test-results');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts chromium with a fresh profile directory. Throws (failing the test) when chromium is not
 * installed, saying how to install it.
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}, and the browser tests need it. ` +
        'Install it with: sudo apt-get install -y --no-install-recommends chromium ' +
        '(or point LEADFLOW_CHROMIUM at a Chromium/Chrome binary).',
    );
  }
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'leadflow-chromium-'));
  // A persistent context is how playwright passes --user-data-dir: the profile is fresh each run.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1400, height: 860 },
    timeout: 30_000,
  });
  const browser = context.browser() as Browser;
  return {
    browser,
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

function safeName(name: string): string {
  return name.replace(/[^a-z0-9-_]+/gi, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'page';
}

/**
 * Runs fn with a new page; on failure saves test-results/<name>.png (and the page's console
 * errors in the thrown message) before rethrowing. The page is closed either way.
 */
export async function withPage<T>(launched: LaunchedBrowser, name: string, fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await launched.context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  try {
    return await fn(page);
  } catch (e) {
    const file = await screenshot(page, `failed-${name}`).catch(() => undefined);
    const extra = [file && `screenshot: ${file}`, consoleErrors.length && `page errors:\n  ${consoleErrors.join('\n  ')}`].filter(Boolean).join('\n');
    if (extra && e instanceof Error) e.message = `${e.message}\n${extra}`;
    throw e;
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Saves a full-window screenshot under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${safeName(name)}.png`);
  await page.screenshot({ path: file });
  return file;
}

// --- the preview page -------------------------------------------------------------------------

/** Opens the preview and waits until the grid shows the first sheet. */
export async function openPreview(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  await page.locator('#grid-head td[data-cell="A1"]').or(page.locator('#grid-body td[data-cell="A1"]')).first().waitFor();
}

/** The cell element of an A1 address (it must be in view). */
export function cell(page: Page, a1: string): Locator {
  return page.locator(`#cells td[data-cell="${a1}"]`);
}

/** Waits until no server call of the page is running. */
export async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.body.dataset.busy, undefined, { timeout: 15_000 });
}

/** Opens Extensions ▸ LeadFlow and returns the submenu (its items are role=menuitem buttons). */
export async function openAddonMenu(page: Page): Promise<Locator> {
  await page.locator('#menubar').getByRole('menuitem', { name: 'Extensions' }).click();
  await page.locator('#menubar .menu').getByRole('menuitem', { name: /LeadFlow/ }).click();
  const sub = page.locator('#menubar .menu .menu');
  await sub.waitFor();
  return sub;
}

/** Clicks Extensions ▸ LeadFlow ▸ <caption>. */
export async function clickAddonMenuItem(page: Page, caption: string | RegExp): Promise<void> {
  const menu = await openAddonMenu(page);
  await menu.getByRole('menuitem', { name: caption }).click();
}

/** Opens the sidebar through the menu and returns its frame once it has loaded. */
export async function openSidebar(page: Page, caption: string | RegExp = 'Open setup…'): Promise<FrameLocator> {
  await clickAddonMenuItem(page, caption);
  await page.locator('#sidebar:not([hidden])').waitFor();
  const frame = page.frameLocator('#sidebar-frame');
  await frame.locator('body').waitFor();
  return frame;
}

/** Selects a cell and types into it (a value or a formula), then presses Enter. */
export async function typeInto(page: Page, a1: string, text: string): Promise<void> {
  await cell(page, a1).click();
  await page.keyboard.press('Enter');
  const editor = page.locator('#cell-editor');
  await editor.waitFor();
  await editor.fill(text);
  await editor.press('Enter');
  await idle(page);
}

/** Dismisses the toasts shown (they cover the bottom right corner of a screenshot). */
export async function dismissToasts(page: Page): Promise<void> {
  await page.locator('#toasts .toast').evaluateAll((toasts) => toasts.forEach((t) => t.remove()));
}

/**
 * Builds a sheet as a person does: Extensions ▸ LeadFlow ▸ <caption> (a Build … item), then the
 * dialog's Build button; resolves once the dialog has closed and the page has settled.
 */
export async function buildThroughMenu(page: Page, caption: string | RegExp): Promise<void> {
  await clickAddonMenuItem(page, caption);
  await page.locator('#dialog-layer:not([hidden])').waitFor();
  const dialog = page.frameLocator('#dialog-frame');
  await dialog.locator('#bd-build:not([disabled])').click({ timeout: 20_000 });
  await page.locator('#dialog-layer').waitFor({ state: 'hidden', timeout: 60_000 });
  await idle(page);
}

/**
 * Scrolls the grid so that a cell (1-based) is near the top left of the view, a few rows below any
 * frozen rows (which stay put, as in Sheets, and would hide the rows scrolled under them), and waits for it.
 */
export async function scrollToCell(page: Page, row: number, col: number): Promise<Locator> {
  await page.locator('#grid').evaluate((grid, [r, c]) => {
    const line = grid.querySelector('#grid-body tr[data-row]') as HTMLElement | null;
    const height = line?.getBoundingClientRect().height || 21;
    const frozen = grid.querySelectorAll('#grid-head tr.frozen').length;
    const widths = Array.from(grid.querySelectorAll('#cols col')).map((col) => parseFloat((col as HTMLElement).style.width) || 100);
    grid.scrollTop = r <= frozen ? 0 : Math.max(0, (r - frozen - 4) * height);
    grid.scrollLeft = Math.max(0, widths.slice(1, c).reduce((a, b) => a + b, 0) - 200);
  }, [row, col]);
  let letters = '';
  for (let x = col; x > 0; x = Math.floor((x - 1) / 26)) letters = String.fromCharCode(65 + ((x - 1) % 26)) + letters;
  const target = cell(page, `${letters}${row}`);
  await target.waitFor();
  return target;
}

/** How many pixels of a chart's canvas have each colour (#rrggbb, exactly), and how many are drawn at all. */
export async function chartColours(chart: Locator, colours: string[]): Promise<{ counts: Record<string, number>; drawn: number; width: number; height: number }> {
  return chart.locator('canvas').evaluate((canvas: HTMLCanvasElement, wanted) => {
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const rgb = wanted.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
    const counts: Record<string, number> = Object.fromEntries(wanted.map((c) => [c, 0]));
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      drawn++;
      rgb.forEach(([r, g, b], k) => {
        if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) counts[wanted[k]]++;
      });
    }
    return { counts, drawn, width, height };
  }, colours);
}
