/**
 * The build dialog in Chromium, its google.script.run wired to an offline host: a person picks a
 * cohort with the keyboard, builds, and the sheet appears; a wrong date range is refused in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import type { Host } from '../../src/offline/host/index.ts';
import { LaunchedBrowser, launchBrowser, screenshot, withPage } from '../e2e/browser.ts';
import { build, hostWithLeads } from './helpers.ts';

let browser: LaunchedBrowser;

beforeAll(async () => {
  await buildDist();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Shows the dialog the menu item opens, with google.script.run calling the host (results as JSON, like the real bridge). */
async function openDialog(page: Page, host: Host, caption: string): Promise<void> {
  expect(host.clickMenuItem(caption).ok).toBe(true);
  let html = host.ui.dialogs.at(-1)!.html;
  await page.exposeFunction('__hostRun', (name: string, request: unknown) => JSON.stringify(host.run(name, [request])));
  const stub = () => {
    const w = window as unknown as Record<string, any>;
    w.__closed = false;
    const runner = (ok?: (v: unknown) => void, fail?: (e: unknown) => void): unknown => new Proxy({}, {
      get(_t, name: string) {
        if (name === 'withSuccessHandler') return (f: (v: unknown) => void) => runner(f, fail);
        if (name === 'withFailureHandler') return (f: (e: unknown) => void) => runner(ok, f);
        return (request: unknown) => {
          void w.__hostRun(name, request).then((json: string) => {
            const r = JSON.parse(json);
            if (r.ok) ok?.(r.value);
            else fail?.(new Error(r.error.message));
          });
        };
      },
    });
    w.google = { script: { run: runner(), host: { close: () => { w.__closed = true; } } } };
  };
  html = html.replace('<head>', () => `<head><script>(${stub.toString()})()</script>`);
  await page.setContent(html);
}

describe('the build dialog', () => {
  it('builds the funnel of a quarter chosen with the keyboard, then closes', async () => {
    const { host } = hostWithLeads(300);
    host.openAddon({ authMode: 'FULL' });
    await withPage(browser, 'build-dialog-funnel', async (page) => {
      await openDialog(page, host, 'Build funnel sheet…');
      await expect(page.locator('h1').textContent()).resolves.toBe('Build a funnel sheet');
      const cohort = page.getByLabel('Cohort');
      await expect(cohort.evaluate((e) => e === document.activeElement)).resolves.toBe(true);
      await cohort.selectOption('quarter');
      await expect(page.getByLabel('Quarter').isVisible()).resolves.toBe(true);
      await page.getByLabel('Quarter').selectOption('2025-Q2');
      await page.getByLabel('Also one pipeline per').selectOption('source');
      await screenshot(page, 'build-dialog-funnel');
      // Tab on to the Build button and press Enter, as a keyboard user would.
      await page.getByLabel('Also one pipeline per').press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Build');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (window as unknown as { __closed: boolean }).__closed, undefined, { timeout: 60_000 });
    });
    expect(host.values('Funnel', 'D3')[0][0]).toBe('2025-Q2');
    expect(host.values('Funnel').some((r) => String(r[0]).startsWith('Pipeline: '))).toBe(true);
  }, 120_000);

  it('asks in the dialog, not with an alert, before replacing a sheet it built earlier', async () => {
    const { host } = hostWithLeads(100);
    host.openAddon({ authMode: 'FULL' });
    build(host, { kind: 'flow', period: 'month' });
    const sheet = host.spreadsheet.getSheetByName('Net lead flow')!;
    const id = sheet.getSheetId();
    sheet.getRange('A1').setValue('a mark the rebuild must clear');
    await withPage(browser, 'build-dialog-replace', async (page) => {
      await openDialog(page, host, 'Build net lead flow sheet…');
      await page.getByRole('button', { name: 'Build' }).click();
      const confirm = page.getByRole('alertdialog');
      await confirm.waitFor();
      await expect(confirm.textContent()).resolves.toContain('LeadFlow built "Net lead flow" earlier.');
      await page.getByRole('button', { name: 'Keep it' }).click();
      await expect(page.locator('#bd-source').textContent()).resolves.toBe('Nothing changed: "Net lead flow" was kept as it is.');
      expect(host.values('Net lead flow', 'A1')[0][0]).toBe('a mark the rebuild must clear');
      await page.getByRole('button', { name: 'Build' }).click();
      await page.getByRole('button', { name: 'Replace it' }).click();
      await page.waitForFunction(() => (window as unknown as { __closed: boolean }).__closed, undefined, { timeout: 60_000 });
    });
    // Replaced in place (same sheet, so references to it survive), and no alert was raised over the dialog.
    expect(host.spreadsheet.getSheetByName('Net lead flow')!.getSheetId()).toBe(id);
    expect(host.values('Net lead flow', 'A1')[0][0]).not.toBe('a mark the rebuild must clear');
    expect(host.ui.alerts).toHaveLength(0);
  }, 120_000);

  it('shows a wrong date range in place and builds nothing', async () => {
    const { host } = hostWithLeads(20);
    host.openAddon({ authMode: 'FULL' });
    await withPage(browser, 'build-dialog-range', async (page) => {
      await openDialog(page, host, 'Build funnel sheet…');
      await page.getByLabel('Cohort').selectOption('range');
      await page.getByLabel('From').fill('2025-06-30');
      await page.getByLabel('To').fill('2025-06-01');
      await page.getByRole('button', { name: 'Build' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe('The last day comes before the first day.');
      await expect(page.getByLabel('To').getAttribute('aria-invalid')).resolves.toBe('true');
      await screenshot(page, 'build-dialog-range-error');
    });
    expect(host.spreadsheet.getSheetByName('Funnel')).toBeNull();
  }, 60_000);

  it('offers the checklist choices and builds the checklist of recent leads', async () => {
    const { host } = hostWithLeads(200);
    host.openAddon({ authMode: 'FULL' });
    await withPage(browser, 'build-dialog-checklist', async (page) => {
      await openDialog(page, host, 'Build checklist sheet…');
      await page.getByLabel('One checklist row for').selectOption('recent');
      await page.getByLabel('Arrived in the last (days)').fill('1000');
      await screenshot(page, 'build-dialog-checklist');
      await page.getByRole('button', { name: 'Build' }).click();
      await page.waitForFunction(() => (window as unknown as { __closed: boolean }).__closed, undefined, { timeout: 60_000 });
    });
    const values = host.values('Lead review');
    const head = values.findIndex((r) => r[0] === 'Lead');
    expect(values.slice(head + 1).filter((r) => /^L-/.test(String(r[0])))).toHaveLength(200);
  }, 120_000);
});
