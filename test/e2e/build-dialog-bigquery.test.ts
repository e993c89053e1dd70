/**
 * "Use in BigQuery" in the build dialog, in Chromium, with google.script.run wired to an offline
 * host (as in test/builders/dialog.test.ts) and every call it makes recorded. The dialog is served
 * from an https address of its own, so localStorage and the clipboard behave as in a real page.
 *
 * A marketer opens the panel, types the table, and sees the report's SQL with the setup's own
 * status spellings; snake_case renames the columns, DATE/DATETIME reads the dates as they are, a
 * quarter puts its DATETIME bounds in, weeks truncate by ISOWEEK; a wrong table name is said next
 * to the field and no SQL is shown; Copy puts the SQL on the clipboard (or, where the clipboard API
 * is refused, copies the selected text); the choices come back the next time. Through all of it
 * the panel makes no google.script.run call, and the manifest asks for no BigQuery scope.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import { proposeSetup } from '../../src/core/detect/index.ts';
import { sampleLeads } from '../../src/core/sample.ts';
import type { Setup } from '../../src/core/setup.ts';
import { normalizeLabel } from '../../src/core/values.ts';
import { createHost } from '../../src/offline/host/index.ts';
import type { Host } from '../../src/offline/host/index.ts';
import { LaunchedBrowser, RESULTS_DIR, launchBrowser, withPage } from './browser.ts';

const TZ = 'America/New_York';
const ORIGIN = 'https://leadflow-dialog.test';
const TABLE = 'my-project.crm.leads';

let browser: LaunchedBrowser;

beforeAll(async () => {
  await buildDist();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const eventually = <T>(fn: () => T | Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 50 });

/** A host with generated leads in "Leads" (optionally with stage date columns) and the bundle loaded. */
function hostWithLeads(rows: number, opts: { stageDates?: boolean } = {}): Host {
  const host = createHost({ timeZone: TZ, strictGridBounds: true });
  const sample = sampleLeads({ rows, seed: 23, timeZone: TZ, from: '2025-01-01', days: 365, stageDates: opts.stageDates });
  host.addSheet('Leads', [sample.headers, ...sample.rows]);
  host.loadBundle();
  return host;
}

/** Saves LeadFlow's proposal for "Leads" as the sidebar would, after `tweak`. */
function saveSetup(host: Host, tweak: (s: Setup) => void): Setup {
  const state = host.run('leadflowSetupState', [{ sheetName: 'Leads' }]);
  if (!state.ok) throw new Error(state.error.message);
  const { headers, sample } = state.value as { headers: string[]; sample: unknown[][] };
  const { setup } = proposeSetup('Leads', headers, sample);
  tweak(setup);
  const saved = host.run('leadflowSaveSetup', [{ setup }]);
  if (!saved.ok || !(saved.value as { ok: boolean }).ok) throw new Error(`setup not saved: ${JSON.stringify(saved)}`);
  return setup;
}

interface Options {
  /** 'reject': navigator.clipboard.writeText fails, as in a frame not allowed the clipboard. */
  clipboard?: 'real' | 'reject';
  /** localStorage throws on every use (storage blocked). */
  storageBlocked?: boolean;
  /** Keep what an earlier dialog remembered (otherwise each dialog starts with nothing stored). */
  keepStorage?: boolean;
}

/**
 * Shows the dialog the menu item opens at ORIGIN, its google.script.run calling the host (results
 * as JSON, like the real bridge) and recording each call's name in window.__calls.
 */
async function openDialog(page: Page, host: Host, caption: string, opts: Options = {}): Promise<void> {
  expect(host.clickMenuItem(caption).ok).toBe(true);
  let html = host.ui.dialogs.at(-1)!.html;
  await page.exposeFunction('__hostRun', (name: string, request: unknown) => JSON.stringify(host.run(name, [request])));
  const stub = (o: Options) => {
    const w = window as unknown as Record<string, any>;
    w.__calls = [];
    w.__closed = false;
    w.__copyEvents = [];
    if (!o.keepStorage) localStorage.clear();
    const runner = (ok?: (v: unknown) => void, fail?: (e: unknown) => void): unknown => new Proxy({}, {
      get(_t, name: string) {
        if (name === 'withSuccessHandler') return (f: (v: unknown) => void) => runner(f, fail);
        if (name === 'withFailureHandler') return (f: (e: unknown) => void) => runner(ok, f);
        return (request: unknown) => {
          w.__calls.push(name);
          void w.__hostRun(name, request).then((json: string) => {
            const r = JSON.parse(json);
            if (r.ok) ok?.(r.value);
            else fail?.(new Error(r.error.message));
          });
        };
      },
    });
    w.google = { script: { run: runner(), host: { close: () => { w.__closed = true; } } } };
    if (o.clipboard === 'reject') {
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) } });
    }
    // What the older copy command copied: the selection of the focused text area.
    document.addEventListener('copy', () => {
      const a = document.activeElement as HTMLTextAreaElement | null;
      w.__copyEvents.push(a && typeof a.selectionStart === 'number' ? a.value.slice(a.selectionStart, a.selectionEnd ?? 0) : String(document.getSelection()));
    });
    if (o.storageBlocked) {
      Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('The access is denied for this document.', 'SecurityError'); } });
    }
  };
  html = html.replace('<head>', () => `<head><script>(${stub.toString()})(${JSON.stringify(opts)})</script>`);
  await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(`${ORIGIN}/dialog`);
  // The dialog reads the setup and the leads as it opens, once.
  await eventually(() => calls(page)).toEqual(['leadflowBuildData']);
}

const calls = (page: Page) => page.evaluate(() => (window as unknown as { __calls: string[] }).__calls.slice());
const sql = (page: Page) => page.locator('#bd-bq-sql').inputValue();
const panelOpen = (page: Page) => page.locator('#bd-bq').evaluate((e) => (e as HTMLDetailsElement).open);

async function openPanel(page: Page): Promise<void> {
  if (!(await panelOpen(page))) await page.locator('#bd-bq summary').click();
  expect(await panelOpen(page)).toBe(true);
}

async function typeTable(page: Page, table: string): Promise<void> {
  await page.getByLabel('BigQuery table').fill(table);
  await page.getByLabel('BigQuery table').press('Enter');
}

describe('Use in BigQuery, in the build dialog', () => {
  it('shows the funnel as SQL that follows every choice, refuses a wrong table, copies, and calls no server function', async () => {
    const host = hostWithLeads(200);
    host.openAddon({ authMode: 'FULL' });
    const setup = saveSetup(host, (s) => { s.stages[2].aliases.push('Demo Booked'); });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
    await withPage(browser, 'bigquery-funnel', async (page) => {
      await openDialog(page, host, 'Build funnel sheet…');
      const before = await calls(page);

      // Closed until asked for; the Build button stays where it was.
      const panel = page.locator('#bd-bq');
      expect(await panel.isVisible()).toBe(true);
      expect(await panelOpen(page)).toBe(false);
      expect(await panel.locator('summary').textContent()).toBe('Use in BigQuery');
      await openPanel(page);

      // No table yet: a hint, no SQL.
      await eventually(() => page.locator('#bd-bq-table-msg').textContent()).toBe('Type the table that holds your leads, as project.dataset.table.');
      expect(await page.getByLabel('BigQuery table').getAttribute('aria-invalid')).toBeNull();
      expect(await page.locator('#bd-bq-output').isHidden()).toBe(true);

      // The table: the SQL reads it, with the setup's own spellings (the alias added too) and its headers.
      await typeTable(page, TABLE);
      await eventually(() => sql(page)).toContain('FROM `my-project.crm.leads`');
      const text = await sql(page);
      for (const s of setup.stages) for (const spelling of [s.name, ...s.aliases]) expect(text).toContain(`'${normalizeLabel(spelling)}'`);
      for (const e of setup.exits) expect(text).toContain(`'${normalizeLabel(e.name)}'`);
      expect(text).toContain("('demo booked', 2, -1)");
      expect(text).toContain('`Lead Status`');
      expect(text).toContain("DATETIME(`Created Time`, 'America/New_York') AS arrived");
      expect(text).toContain('From the LeadFlow setup of the sheet "Leads".');
      expect(text).toContain('-- Funnel: All leads.');
      expect(text.trimEnd().endsWith(';')).toBe(true);
      expect(await page.locator('#bd-bq-table-msg').isHidden()).toBe(true);
      expect(await page.locator('#bd-bq-columns').textContent()).toMatch(/^Reads 6 columns of the table: Lead Status, Created Time, /);

      // snake_case: every column under its snake_case name; the option says it with this setup's header.
      expect(await page.locator('#bd-bq-names option[value="snake"]').textContent()).toBe('snake_case (lead_status)');
      await page.getByLabel('Column names in BigQuery').selectOption('snake');
      await eventually(() => sql(page)).toContain('`lead_status`');
      expect(await sql(page)).not.toContain('`Lead Status`');
      expect(await sql(page)).toContain("DATETIME(`created_time`, 'America/New_York') AS arrived");
      expect(await sql(page)).toContain('CAST(`deal_value` AS FLOAT64) AS deal_value');

      // DATE or DATETIME: the dates are taken as they are, not moved into the time zone.
      await page.getByLabel('Date columns are').selectOption('wall');
      await eventually(() => sql(page)).toContain('DATETIME(`created_time`) AS arrived');
      expect(await sql(page)).toContain('DATETIME(`last_activity`) AS last_activity');
      expect(await sql(page)).not.toContain("DATETIME(`created_time`, 'America/New_York')");

      // The cohort above: a quarter puts its bounds in, as the funnel sheet would have them.
      await page.getByLabel('Cohort').selectOption('quarter');
      await page.getByLabel('Quarter').selectOption('2025-Q2');
      await eventually(() => sql(page)).toContain("arrived >= DATETIME '2025-04-01 00:00:00' AND arrived < DATETIME '2025-07-01 00:00:00'");
      expect(await sql(page)).toContain('-- Funnel: 2025-Q2.');
      // A date range: nothing until both days are given, then its bounds (the last day counted whole).
      await page.getByLabel('Cohort').selectOption('range');
      await eventually(() => page.locator('#bd-bq-status').textContent()).toBe('Choose the first and the last day of the range above, the first day first, to see its SQL.');
      expect(await page.locator('#bd-bq-output').isHidden()).toBe(true);
      await page.getByLabel('From').fill('2025-03-10');
      await page.getByLabel('To').fill('2025-03-16');
      await eventually(() => sql(page)).toContain("arrived >= DATETIME '2025-03-10 00:00:00' AND arrived < DATETIME '2025-03-17 00:00:00'");
      expect(await page.locator('#bd-bq-status').isHidden()).toBe(true);

      // One query, for Connected Sheets: a single statement, no semicolon.
      const options = await page.locator('#bd-bq-query option').allTextContents();
      expect(options).toEqual(expect.arrayContaining(['Every query (for the BigQuery console)', 'Funnel: 2025-03-10 to 2025-03-16', 'Funnel by lead source', 'Net lead flow per month']));
      await page.getByLabel('Queries').selectOption('funnel');
      await eventually(async () => (await sql(page)).match(/^WITH$/gm)?.length).toBe(1);
      expect((await sql(page)).trimEnd().endsWith(';')).toBe(false);
      expect(await sql(page)).toContain('AS pipeline_value');
      expect(await sql(page)).not.toContain('AS new_leads');

      // Copy: the SQL shown goes on the clipboard, and the button says so.
      const shown = await sql(page);
      await page.getByRole('button', { name: 'Copy SQL' }).click();
      await eventually(() => page.locator('#bd-bq-copied').textContent()).toBe('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
      await eventually(() => page.locator('#bd-bq-copied').isHidden(), 6_000).toBe(true);

      // A wrong table: said next to the field, no SQL to copy.
      await typeTable(page, 'My Project.crm.leads');
      const msg = page.locator('#bd-bq-table-msg');
      await eventually(() => msg.textContent()).toBe('“My Project” is not a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens, starting with a letter.');
      expect(await msg.getAttribute('class')).toContain('error');
      expect(await page.getByLabel('BigQuery table').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#bd-bq-output').isHidden()).toBe(true);
      expect(await sql(page)).toBe('');
      await typeTable(page, 'crm-data.leads');
      await eventually(() => msg.textContent()).toBe('“crm-data” is not a dataset name: letters, digits and underscores only.');
      // Typed with pauses, the message waits for the pause; dataset.table is enough.
      await page.getByLabel('BigQuery table').fill('crm.leads');
      await eventually(() => sql(page)).toContain('FROM `crm.leads`');
      expect(await msg.isHidden()).toBe(true);

      // Through all of it, the panel called no server function.
      expect(await calls(page)).toEqual(before);
      await page.locator('#bd-bq-copy').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'bigquery-panel-funnel.png'), fullPage: true });
    });

    // The next dialog remembers the table and the choices, the panel open, and shows the SQL at once.
    await withPage(browser, 'bigquery-remembered', async (page) => {
      await openDialog(page, host, 'Build funnel sheet…', { keepStorage: true });
      expect(await panelOpen(page)).toBe(true);
      expect(await page.getByLabel('BigQuery table').inputValue()).toBe('crm.leads');
      expect(await page.getByLabel('Column names in BigQuery').inputValue()).toBe('snake');
      expect(await page.getByLabel('Date columns are').inputValue()).toBe('wall');
      await eventually(() => page.getByLabel('Queries').inputValue()).toBe('funnel');
      await eventually(() => sql(page)).toContain('FROM `crm.leads`');
      expect(await sql(page)).toContain('-- Funnel: All leads.');
      expect(await calls(page)).toEqual(['leadflowBuildData']);
      // Building still works, from the data read as the dialog opened (no second read).
      await page.getByRole('button', { name: 'Build' }).click();
      await page.waitForFunction(() => (window as unknown as { __closed: boolean }).__closed, undefined, { timeout: 60_000 });
      expect(await calls(page)).toEqual(['leadflowBuildData', 'leadflowBuild']);
    });
    expect(host.spreadsheet.getSheetByName('Funnel')).not.toBeNull();
  }, 180_000);

  it('shows net lead flow per week or month, and stage dates stored as DATE read as they are', async () => {
    const host = hostWithLeads(150, { stageDates: true });
    host.openAddon({ authMode: 'FULL' });
    await withPage(browser, 'bigquery-flow', async (page) => {
      await openDialog(page, host, 'Build net lead flow sheet…');
      await openPanel(page);
      await typeTable(page, 'acme-marketing.hubspot.contacts');
      await eventually(() => sql(page)).toContain('FROM `acme-marketing.hubspot.contacts`');
      // No setup saved: LeadFlow's proposal, as the build would use.
      expect(await sql(page)).toContain('From LeadFlow\'s proposal for the sheet "Leads" (no setup saved yet).');
      expect(await sql(page)).toContain('-- Net lead flow per month.');
      expect(await sql(page)).toContain('DATE_TRUNC(DATE(arrived), MONTH)');
      expect(await sql(page)).not.toContain('ISOWEEK');

      await page.getByLabel('Count per').selectOption('week');
      await eventually(() => sql(page)).toContain('DATE_TRUNC(DATE(arrived), ISOWEEK)');
      expect(await sql(page)).toContain('-- Net lead flow per week.');
      expect(await sql(page)).toContain('INTERVAL 7 DAY');

      // Every date column the setup maps (the stage dates too) is read as stored once DATE/DATETIME is chosen.
      const stageDate = /DATETIME\(`([^`]+)`, 'America\/New_York'\) AS stage_\d+_date/.exec(await sql(page));
      expect(stageDate, 'a stage date column read as a TIMESTAMP').not.toBeNull();
      await page.getByLabel('Date columns are').selectOption('wall');
      await eventually(() => sql(page)).toContain(`DATETIME(\`${stageDate![1]}\`) AS stage_`);
      expect(await sql(page)).not.toContain(", 'America/New_York') AS");
      expect(await calls(page)).toEqual(['leadflowBuildData']);
    });
  }, 120_000);

  it('copies the selected SQL where the clipboard API is refused, and works with storage blocked', async () => {
    const host = hostWithLeads(60);
    host.openAddon({ authMode: 'FULL' });
    await withPage(browser, 'bigquery-fallbacks', async (page) => {
      await openDialog(page, host, 'Build funnel sheet…', { clipboard: 'reject', storageBlocked: true });
      await openPanel(page);
      await typeTable(page, TABLE);
      await eventually(() => sql(page)).toContain('FROM `my-project.crm.leads`');
      await page.getByRole('button', { name: 'Copy SQL' }).click();
      await eventually(() => page.locator('#bd-bq-copied').textContent()).toBe('Copied');
      const copied = await page.evaluate(() => (window as unknown as { __copyEvents: string[] }).__copyEvents);
      expect(copied).toEqual([await sql(page)]);
      expect(await calls(page)).toEqual(['leadflowBuildData']);
    });
  }, 120_000);

  it('is not offered in the checklist dialog', async () => {
    const host = hostWithLeads(30);
    host.openAddon({ authMode: 'FULL' });
    await withPage(browser, 'bigquery-checklist', async (page) => {
      await openDialog(page, host, 'Build checklist sheet…');
      expect(await page.locator('#bd-bq').isHidden()).toBe(true);
    });
  }, 60_000);

  it('shows a setup LeadFlow cannot read in the panel, not as SQL', async () => {
    const host = hostWithLeads(30);
    host.openAddon({ authMode: 'FULL' });
    saveSetup(host, () => {});
    // The setup names a leads sheet that is not there any more.
    host.spreadsheet.getSheetByName('Leads')!.setName('Archive');
    await withPage(browser, 'bigquery-read-error', async (page) => {
      await openDialog(page, host, 'Build funnel sheet…');
      await openPanel(page);
      await typeTable(page, TABLE);
      await eventually(() => page.locator('#bd-bq-status').textContent()).toBe('LeadFlow could not read the setup, so there is no SQL to show: There is no sheet "Leads" with leads: open the setup to choose it.');
      expect(await page.locator('#bd-bq-output').isHidden()).toBe(true);
    });
  }, 60_000);

  it('asks for no BigQuery access: the manifest\'s scopes are unchanged and the panel\'s code calls no server function', () => {
    const manifest = JSON.parse(readFileSync('appsscript.json', 'utf8')) as { oauthScopes: string[] };
    expect(manifest.oauthScopes.filter((s) => /bigquery|cloud-platform/i.test(s))).toEqual([]);
    expect(JSON.parse(readFileSync('dist/appsscript.json', 'utf8')).oauthScopes).toEqual(manifest.oauthScopes);
    let committed: string | undefined;
    try {
      committed = execFileSync('git', ['show', 'HEAD:appsscript.json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      committed = undefined; // not a git checkout (a release tarball): the check above stands alone.
    }
    if (committed) expect(manifest.oauthScopes).toEqual(JSON.parse(committed).oauthScopes);
    // The SQL is written in the page: the panel's module has no server call, and the dialog calls only its two.
    expect(readFileSync('src/pages/build-dialog/bigquery.ts', 'utf8')).not.toMatch(/google\s*\.\s*script/);
    const main = readFileSync('src/pages/build-dialog/main.ts', 'utf8');
    const panel = main.slice(main.indexOf('const bigQuery = (() => {'), main.indexOf('function start(): void {'));
    expect(panel.length).toBeGreaterThan(1000);
    expect(panel).not.toMatch(/google\s*\.\s*script|\bcall\s*[<(]|readData\s*\(/);
  });
});

/**
 * The dialog at its real width with the panel open. `npm run screenshots` runs this with
 * LEADFLOW_DOCS_IMAGES=1 to write the README's docs/images/bigquery-panel.png; otherwise the
 * picture goes with the other test pictures, and a test run leaves the tracked file alone.
 */
describe('the panel, pictured', () => {
  it('writes bigquery-panel.png', async () => {
    const host = hostWithLeads(200);
    host.openAddon({ authMode: 'FULL' });
    saveSetup(host, () => {});
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
    await withPage(browser, 'bigquery-picture', async (page) => {
      await page.setViewportSize({ width: 460, height: 470 });
      await openDialog(page, host, 'Build funnel sheet…');
      await page.getByLabel('Cohort').selectOption('quarter');
      await page.getByLabel('Quarter').selectOption('2025-Q2');
      await openPanel(page);
      await typeTable(page, TABLE);
      await page.getByLabel('Column names in BigQuery').selectOption('snake');
      await page.getByLabel('Queries').selectOption('funnel');
      await eventually(() => sql(page)).toContain('FROM `my-project.crm.leads`');
      await page.getByRole('button', { name: 'Copy SQL' }).click();
      await eventually(() => page.locator('#bd-bq-copied').textContent()).toBe('Copied');
      const where = process.env.LEADFLOW_DOCS_IMAGES ? 'docs/images' : RESULTS_DIR;
      mkdirSync(where, { recursive: true });
      await page.screenshot({ path: path.join(where, 'bigquery-panel.png'), fullPage: true });
    });
  }, 120_000);
});
