/**
 * The setup sidebar in a real chromium, against the local preview (the built add-on in the offline
 * host): opened from Extensions ▸ LeadFlow on a generated leads sheet, the user sees what LeadFlow
 * proposed (the columns, and a status placed by its words) and confirms it, renames, deletes, adds
 * and reorders stages (keyboard and drag), maps the statuses that then match nothing in one click,
 * starts from a preset and adds a rule, watches live counts, trips over bad input (an error next to
 * the field, nothing saved), saves, and the formulas that take LeadFlowSetup show the new setup's
 * results. Cancel writes nothing; a hand-broken setup sheet is reported and repaired; markup in the
 * data stays text. (sidebar-first-screen.test.ts: the first screen on Zoho-like and mangled sheets.)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { sampleLeads } from '../../src/core/sample';
import { compileScorer } from '../../src/core/scoring';
import { SETUP_RANGE_NAME, SETUP_SHEET, Setup, setupFromGrid } from '../../src/core/setup';
import { timeZoneClock } from '../../src/core/time';
import { callCustomFunction, makeEnv } from '../../src/functions/registry';
import type { Host } from '../../src/offline/host/index.ts';
import { startPreview } from '../../src/offline/preview/server.ts';
import type { Preview } from '../../src/offline/preview/server.ts';
import { RESULTS_DIR, launchBrowser, openPreview, openSidebar, withPage } from './browser.ts';
import type { LaunchedBrowser } from './browser.ts';

const TZ = 'America/New_York';
const ROWS = 240;

/** Generated leads, with a status no default stage knows ("Demo Scheduled": LeadFlow places it by its words). */
function leadsRows(): unknown[][] {
  const s = sampleLeads({ rows: ROWS, seed: 17, timeZone: TZ, from: '2025-06-01', days: 120 });
  const status = s.headers.indexOf('Lead Status');
  s.rows.forEach((r, i) => {
    if (i % 12 === 5) r[status] = 'Demo Scheduled';
  });
  return [s.headers, ...s.rows];
}

const PWN = '<img src=x onerror="window.__pwned=1">';

let browser: LaunchedBrowser;

/** expect.poll with room for a loaded 2-core machine: server calls go through HTTP to the host. */
const eventually = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) => expect.poll(fn, { timeout: opts.timeout ?? 10_000, interval: 50 });

beforeAll(async () => {
  await build();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function withPreview(name: string, rows: unknown[][], fn: (page: Page, preview: Preview) => Promise<void>): Promise<void> {
  const preview = await startPreview({ rows, timeZone: TZ });
  try {
    await withPage(browser, name, (page) => fn(page, preview));
  } finally {
    await preview.close();
  }
}

async function openSetup(page: Page, preview: Preview): Promise<FrameLocator> {
  await openPreview(page, preview.url);
  const sb = await openSidebar(page);
  await sb.locator('#lf-form:not([hidden])').waitFor({ timeout: 15_000 });
  return sb;
}

/** Every sheet's values and visibility, and the named ranges: what a save could change. */
function snapshot(host: Host) {
  const ss = host.spreadsheet;
  return {
    sheets: ss.getSheets().map((s) => ({ name: s.getName(), hidden: s.isSheetHidden(), values: s.getDataRange().getValues() })),
    named: ss.getNamedRanges().map((n) => [n.getName(), n.getRange().getA1Notation()]),
  };
}

const expand = async (sb: FrameLocator, section: 'columns' | 'pipeline' | 'scoring') => {
  const toggle = sb.locator(`#sec-${section} .lf-toggle`);
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
};

const stageNames = (sb: FrameLocator) => sb.locator('#lf-stages input.lf-name').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
/** The stage's list item, found by the name in its name field (a property, not an attribute). */
async function stageItem(sb: FrameLocator, name: string) {
  const names = await stageNames(sb);
  expect(names).toContain(name);
  return sb.locator('#lf-stages > li').nth(names.indexOf(name));
}

describe('the setup sidebar', () => {
  it('sets up columns, stages and rules with live counts, refuses bad input, saves, and the formulas follow', async () => {
    const rows = leadsRows();
    await withPreview('sidebar-full-flow', rows, async (page, preview) => {
      const host = preview.host;
      const n = rows.length;
      host.addSheet('Report', [['']]);
      host.sheet('Report').getRange('A1').setFormula(`=FUNNEL(Leads!G2:G${n}, LeadFlowSetup)`);
      host.sheet('Report').getRange('H1').setFormula(`=LEADSCORE(Leads!A1:M${n}, LeadFlowSetup)`);
      // No setup yet: the formulas cannot read one.
      expect(host.values('Report', 'A1')[0][0]).toBe('#ERROR!');

      const sb = await openSetup(page, preview);
      await eventually(() => sb.locator('#lf-title').textContent()).toBe('LeadFlow setup');

      // --- first, what LeadFlow proposed: every header is one it knows, so the columns are simply
      // filled in; the pipeline is LeadFlow's own, with "Demo Scheduled" placed by its words.
      const review = sb.locator('#lf-review');
      await eventually(() => review.isVisible()).toBe(true);
      expect(await review.locator('#lf-review-h').textContent()).toBe('LeadFlow guessed one thing in “Leads”');
      expect(await review.locator('.lf-from-line').textContent()).toBe("From LeadFlow's default pipeline.");
      expect(await review.locator('li.lf-guess .lf-guess-what').allTextContents()).toEqual(['“Demo Scheduled”: its own stage, 4th of 6']);
      expect(await review.locator('.lf-sure').textContent()).toMatch(/^Columns, sure from their headers: Status \(G\), Arrival date \(F\), /);
      expect(await sb.locator('#lf-save').textContent()).toBe('Confirm and save');
      expect(await sb.locator('#col-status').inputValue()).toBe('Lead Status');
      expect(await sb.locator('#col-arrived').inputValue()).toBe('Created Time');
      expect(await sb.locator('#lf-column-fields .lf-chip-guess, #lf-stage-dates .lf-chip-guess').count()).toBe(0);
      await expand(sb, 'columns');
      expect(await sb.locator('#lf-preview th.lf-mapped').count()).toBeGreaterThanOrEqual(8);
      expect(await sb.locator('#lf-preview tbody tr').count()).toBe(5);
      await sb.locator('#col-outcome').selectOption('');
      // One click confirms; the focus goes on to Save (nothing else on the first screen asks).
      await review.getByRole('button', { name: 'Looks right' }).click();
      await eventually(() => review.isHidden()).toBe(true);
      expect(await sb.locator('#lf-save').evaluate((e) => e === document.activeElement)).toBe(true);
      expect(await sb.locator('#lf-save').textContent()).toBe('Save');
      await eventually(() => sb.locator('#lf-announce').textContent()).toBe('1 guess confirmed. Nothing is saved until you click Save.');
      expect(host.spreadsheet.getSheetByName(SETUP_SHEET)).toBeNull();
      await eventually(() => sb.locator('.lf-field-error').count()).toBe(0);

      // --- stages: delete the proposed one, rename one, add one and move it up with the keyboard.
      await expand(sb, 'pipeline');
      expect(await stageNames(sb)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'Demo Scheduled', 'Converted to Opportunity', 'Closed-Won']);
      await (await stageItem(sb, 'Demo Scheduled')).getByRole('button', { name: 'Delete stage Demo Scheduled' }).click();
      await eventually(() => stageNames(sb)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won']);
      // Its leads are not counted now, and the first screen says so.
      const notCounted = sb.locator('#lf-notcounted');
      await eventually(() => notCounted.isVisible()).toBe(true);
      const demoLeads = rows.slice(1).filter((r) => r[6] === 'Demo Scheduled').length;
      expect(await notCounted.locator('#lf-notcounted-h').textContent()).toBe(`${demoLeads} leads (${Math.round((demoLeads / ROWS) * 100)}%) are not counted`);
      expect(await sb.locator('#lf-unmatched-pointer').textContent()).toBe('1 status matches no stage or exit: see “not counted” at the top.');
      const reviewed = sb.locator('#lf-stages input.lf-name').nth(1);
      await reviewed.fill('Working on it');
      await eventually(() => sb.locator('#lf-exits li').first().locator('select').locator('option:checked').textContent()).toBe('Working on it');
      await sb.locator('#lf-add-stage').click();
      const added = sb.locator('#lf-stages input.lf-name').nth(5);
      await eventually(() => added.evaluate((e) => e === document.activeElement)).toBe(true);
      await page.keyboard.type('Demo held');
      await page.keyboard.press('Alt+ArrowUp');
      await page.keyboard.press('Alt+ArrowUp');
      await eventually(() => stageNames(sb)).toEqual(['Arrived', 'Working on it', 'Qualified', 'Demo held', 'Converted to Opportunity', 'Closed-Won']);
      // The focus stayed on the moved stage, and its move was announced.
      expect(await sb.locator('#lf-stages input.lf-name').nth(3).evaluate((e) => e === document.activeElement)).toBe(true);
      await eventually(() => sb.locator('#lf-announce').textContent()).toMatch(/Demo held moved to position 4 of 6/);
      // The move buttons do the same, and drag and drop too.
      await (await stageItem(sb, 'Closed-Won')).getByRole('button', { name: 'Move Closed-Won up' }).click();
      await eventually(() => stageNames(sb)).toEqual(['Arrived', 'Working on it', 'Qualified', 'Demo held', 'Closed-Won', 'Converted to Opportunity']);
      const target = await stageItem(sb, 'Converted to Opportunity');
      const box = (await target.boundingBox())!;
      await (await stageItem(sb, 'Closed-Won')).locator('.lf-handle').dragTo(target, { targetPosition: { x: 40, y: box.height - 8 } });
      await eventually(() => stageNames(sb)).toEqual(['Arrived', 'Working on it', 'Qualified', 'Demo held', 'Converted to Opportunity', 'Closed-Won']);

      // --- statuses of the data that match no stage: one click makes each an alias. Renaming
      // Reviewed left its statuses (both spellings) unmatched; the suggestion is the renamed stage.
      const reviewedStatus = sb.locator('#lf-unmatched li').filter({ hasText: 'also written “reviewed”' });
      expect(await reviewedStatus.locator('.lf-status-text').textContent()).toBe('Reviewed');
      await reviewedStatus.getByRole('button', { name: 'Add “Reviewed” as an alias of Working on it' }).click();
      await eventually(async () => (await stageItem(sb, 'Working on it')).locator('.lf-chip-text').allTextContents()).toContain('Reviewed');
      const demo = sb.locator('#lf-unmatched li').filter({ hasText: 'Demo Scheduled' });
      await eventually(() => demo.count()).toBe(1);
      await demo.locator('select').selectOption({ label: 'Demo held' });
      await demo.getByRole('button', { name: 'Add “Demo Scheduled” as an alias of Demo held' }).click();
      await eventually(() => sb.locator('#lf-unmatched li').filter({ hasText: 'Demo Scheduled' }).count()).toBe(0);
      await eventually(async () => (await stageItem(sb, 'Demo held')).locator('.lf-chip-text').allTextContents()).toEqual(['Demo Scheduled']);
      await eventually(() => sb.locator('#lf-unmatched li').count()).toBe(0);
      await eventually(() => sb.locator('#lf-unmatched-note').textContent()).toMatch(/match a stage or an exit/);

      // --- rules: start from a preset (its missing columns left out), add one, see live counts.
      await expand(sb, 'scoring');
      await sb.locator('#lf-preset').selectOption({ label: 'B2B fit + engagement' });
      await sb.locator('#lf-preset-use').click();
      const panel = sb.locator('#lf-preset-panel');
      await eventually(() => panel.textContent()).toMatch(/no column named “Industry”, “Employees”, “Job Title”/);
      await panel.getByRole('button', { name: 'Use B2B fit + engagement' }).click();
      await eventually(() => sb.locator('#lf-rules-fit > li.lf-rule').count()).toBe(2); // Valid email, Personal email
      expect(await sb.locator('#lf-rules-intent > li.lf-rule').count()).toBe(4);
      await sb.locator('#lf-add-intent').click();
      const rule = sb.locator('#lf-rules-intent > li.lf-rule').last();
      await rule.getByLabel('Column').selectOption('Deal Value');
      await rule.getByLabel('Comparison').selectOption('greaterThan');
      await rule.getByLabel('Value', { exact: true }).fill('5000');
      await rule.getByLabel('Points').fill('25');
      const dealValue = sample(rows, 'Deal Value');
      const bigDeals = dealValue.filter((v) => typeof v === 'number' && v > 5000).length;
      await eventually(() => rule.locator('.lf-match').textContent()).toBe(`Matches ${bigDeals} leads (${Math.round((bigDeals / ROWS) * 100)}%)`);
      // Without industry, size and role columns, fit tops out at 15: lower the fit thresholds to match.
      await sb.locator('#lf-mql-fit').fill('15');
      await sb.locator('#lf-sql-fit').fill('15');
      // The headline counts are the scorer's over every row.
      const expected = await expectedCounts(page, sb, rows);
      await eventually(() => sb.locator('#lf-count-mql').textContent()).toBe(String(expected.mql));
      expect(await sb.locator('#lf-count-sql').textContent()).toBe(String(expected.sql));
      expect(await sb.locator('#lf-count-hot').textContent()).toBe(String(expected.hot));
      expect(expected.mql).toBeGreaterThan(expected.sql);
      expect(expected.sql).toBeGreaterThan(0);

      // --- bad input: each error shows next to its field, and Save writes nothing.
      await rule.getByLabel('Value', { exact: true }).fill('lots');
      await eventually(() => rule.locator('.lf-field-error').textContent()).toBe('"greater than" needs a number, but the value is "lots".');
      expect(await rule.getByLabel('Value', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await eventually(() => rule.locator('.lf-match').textContent()).toMatch(/Fix this rule/);
      const demoName = (await stageItem(sb, 'Demo held')).locator('input.lf-name');
      await demoName.fill('qualified');
      const qualifiedItem = sb.locator('#lf-stages > li').nth(3);
      await eventually(() => qualifiedItem.locator('.lf-field-error').textContent()).toMatch(/"qualified" is already used by stage Qualified/);
      await sb.locator('#lf-sql-fit').fill('10');
      await eventually(() => sb.locator('.lf-errors[data-slot="thresholds"]').textContent()).toMatch(/SQL fit threshold \(10\) must be at least the MQL one \(15\)/);
      await sb.locator('#lf-save').click();
      await eventually(() => sb.locator('#lf-progress').textContent()).toBe('Not saved: 3 problems to fix, marked in red.');
      expect(host.spreadsheet.getSheetByName(SETUP_SHEET)).toBeNull();
      expect(await sb.locator('#sec-scoring .lf-badge').textContent()).toBe('2 problems');
      await sidebarShot(page, 'sidebar-errors-300px');

      // Markup typed as a name is refused too, and shown as the text it is.
      await qualifiedItem.locator('input.lf-name').fill('<b>Demo</b>');
      await eventually(() => qualifiedItem.locator('.lf-field-error').textContent()).toMatch(/looks like HTML or script/);
      expect(await qualifiedItem.locator('b').count()).toBe(0);

      // --- fix everything and save.
      await qualifiedItem.locator('input.lf-name').fill('Demo held');
      await rule.getByLabel('Value', { exact: true }).fill('5000');
      await sb.locator('#lf-sql-fit').fill('15');
      await eventually(() => sb.locator('.lf-field-error').count()).toBe(0);
      await sb.locator('#lf-save').click();
      await eventually(() => sb.locator('#lf-progress').textContent(), { timeout: 15_000 }).toMatch(/^Saved at \d\d:\d\d\. Formulas that use LeadFlowSetup now follow this setup\.$/);
      await sidebarShot(page, 'sidebar-saved-300px');

      // The setup sheet holds what the user set up.
      const grid = host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!.getValues();
      const { setup, problems } = setupFromGrid(grid, rows[0]);
      expect(problems).toEqual([]);
      const saved = setup!;
      expect(saved.stages.map((s) => s.name)).toEqual(['Arrived', 'Working on it', 'Qualified', 'Demo held', 'Converted to Opportunity', 'Closed-Won']);
      expect(saved.stages[3].aliases).toEqual(['Demo Scheduled']);
      expect(saved.exits[0]).toMatchObject({ name: 'Disqualified', from: 'Working on it' });
      expect(saved.columns.outcome).toBe('');
      expect(saved.columns.status).toBe('Lead Status');
      expect(saved.scoring.rules).toHaveLength(7);
      expect(saved.scoring.rules[6]).toMatchObject({ group: 'intent', column: 'Deal Value', operator: 'greaterThan', value: '5000', points: 25 });
      expect(host.inspectSheet(SETUP_SHEET).hidden).toBe(true);

      // The formulas that take LeadFlowSetup now show this setup's results.
      const env = makeEnv(TZ, Date.now());
      const statuses = rows.slice(1).map((r) => [r[6]]);
      const funnel = callCustomFunction('FUNNEL', [statuses, grid], env) as unknown[][];
      const shown = host.values('Report', `A1:E${funnel.length}`);
      expect(shown.map((r) => r[0])).toEqual(['Stage', 'Arrived', 'Working on it', 'Qualified', 'Demo held', 'Converted to Opportunity', 'Closed-Won']);
      expect(shown.map((r) => r[1])).toEqual(funnel.map((r) => r[1]));
      const { scorer } = compileScorer(saved, rows[0], timeZoneClock(TZ), env.now);
      const scores = host.values('Report', `H2:H${n}`).map((r) => r[0]);
      expect(scores).toEqual(rows.slice(1).map((r) => scorer.score(r).total));
    });
  });

  it('shows markup from the sheet as the text it is, and never runs it', async () => {
    const rows = leadsRows();
    rows[0][11] = `Next <b>Step</b>`;
    rows[3][6] = PWN;
    await withPreview('sidebar-markup', rows, async (page, preview) => {
      const sb = await openSetup(page, preview);
      // A header with markup: an option and a preview heading, as text.
      expect(await sb.locator('#col-owner option', { hasText: 'Next <b>Step</b>' }).count()).toBe(1);
      expect(await sb.locator('#lf-preview th', { hasText: 'Next <b>Step</b>' }).count()).toBe(1);
      // A status with markup: listed as text, not offered as an alias.
      await expand(sb, 'pipeline');
      const item = sb.locator('#lf-unmatched li').filter({ hasText: PWN });
      expect(await item.locator('.lf-status-text').textContent()).toBe(PWN);
      expect(await item.textContent()).toMatch(/looks like HTML or script/);
      expect(await item.locator('button').count()).toBe(0);
      // Typed as a stage name: refused next to the field, shown as typed.
      const first = sb.locator('#lf-stages > li').first();
      await first.locator('input.lf-name').fill('<script>window.__pwned=2</script>');
      await eventually(() => first.locator('.lf-field-error').textContent()).toMatch(/looks like HTML or script/);
      expect(await sb.locator('#lf-stage-dates legend').first().textContent()).toBe('<script>window.__pwned=2</script>');
      await expand(sb, 'columns');
      await sb.locator('#lf-stage-dates-box summary').click();
      expect(await sb.locator('img').count()).toBe(0);
      expect(await sb.locator('b', { hasText: 'Step' }).count()).toBe(0);
      expect(await sb.locator('script', { hasText: '__pwned' }).count()).toBe(0);
      const frame = await (await page.locator('#sidebar-frame').elementHandle())!.contentFrame();
      expect(await frame!.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      await sb.locator('#lf-save').click();
      await eventually(() => sb.locator('#lf-progress').textContent()).toMatch(/^Not saved/);
      expect(preview.host.spreadsheet.getSheetByName(SETUP_SHEET)).toBeNull();
    });
  });

  it('reads another sheet and header row, and refuses a header row with blanks or duplicates', async () => {
    await withPreview('sidebar-sheets', leadsRows(), async (page, preview) => {
      preview.host.addSheet('Export', [
        ['CRM export, November'],
        ['Deal Stage', 'Created', 'Amount', '', 'amount'],
        ['Won', '2025-02-01', 100, 'x', 1],
        ['New', '2025-02-02', '', 'y', 2],
      ]);
      const sb = await openSetup(page, preview);
      await expand(sb, 'columns');
      await sb.locator('#lf-sheet').selectOption('Export');
      await eventually(() => sb.locator('#lf-row-count').textContent()).toBe('3 lead rows below the header row.');
      await sb.locator('#lf-header-row').fill('2');
      await sb.locator('#lf-header-row').press('Tab');
      await eventually(() => sb.locator('#col-status').inputValue()).toBe('Deal Stage');
      expect(await sb.locator('#col-arrived').inputValue()).toBe('Created');
      expect(await sb.locator('#lf-preview tbody tr').count()).toBe(2);
      const errors = sb.locator('.lf-errors[data-slot="leads"] .lf-field-error');
      await eventually(() => errors.allTextContents()).toEqual([
        'Column D of the header row is blank; give every column a name.',
        '"amount" names both column C and column E; header names must differ.',
      ]);
      expect(await sb.locator('#lf-header-row').getAttribute('aria-invalid')).toBe('true');
      await sb.locator('#lf-confirm-guesses').click();
      await sb.locator('#lf-save').click();
      await eventually(() => sb.locator('#lf-progress').textContent()).toMatch(/^Not saved/);
      expect(preview.host.spreadsheet.getSheetByName(SETUP_SHEET)).toBeNull();
      // Back to the leads: the header row is fine again and the guesses come back.
      await sb.locator('#lf-sheet').selectOption('Leads');
      await eventually(() => sb.locator('#col-status').inputValue()).toBe('Lead Status');
      expect(await sb.locator('#lf-header-row').inputValue()).toBe('1');
      await eventually(() => errors.count()).toBe(0);
    });
  });

  it('Cancel closes the sidebar and writes nothing', async () => {
    await withPreview('sidebar-cancel', leadsRows(), async (page, preview) => {
      const sb = await openSetup(page, preview);
      const before = snapshot(preview.host);
      await sb.locator('#lf-confirm-guesses').click();
      await expand(sb, 'pipeline');
      await sb.locator('#lf-stages input.lf-name').first().fill('Something else');
      await sb.locator('#lf-add-exit').click();
      await sb.locator('#lf-cancel').click();
      await page.locator('#sidebar').waitFor({ state: 'hidden' });
      expect(snapshot(preview.host)).toEqual(before);
      expect(preview.host.spreadsheet.getSheetByName(SETUP_SHEET)).toBeNull();
    });
  });

  it('reports a setup sheet broken by hand and repairs it after the user confirms', async () => {
    const rows = leadsRows();
    await withPreview('sidebar-repair', rows, async (page, preview) => {
      const host = preview.host;
      const state = host.run('leadflowSetupState', [{}]);
      if (!state.ok) throw new Error(state.error.message);
      const setup = (state.value as { setup: Setup }).setup;
      expect(host.run('leadflowSaveSetup', [{ setup }])).toMatchObject({ ok: true, value: { ok: true } });
      // A hand edit: a threshold that is not a number, a stage named twice.
      const sheet = host.sheet(SETUP_SHEET);
      const grid = sheet.getRange('A1:G400').getValues();
      const row = (kind: string, name: string) => grid.findIndex((r) => r[0] === kind && r[1] === name) + 1;
      sheet.getRange(row('Threshold', 'SQL fit'), 3).setValue('plenty');
      sheet.getRange(row('Stage', 'Closed-Won'), 2).setValue('Arrived');

      const sb = await openSetup(page, preview);
      const banner = sb.locator('#lf-banner');
      await eventually(() => banner.textContent()).toMatch(/The saved setup has 2 problems/);
      expect(await banner.textContent()).toMatch(/needs a number, but holds "plenty"/);
      // The readable part is in the form, the duplicate marked at its field.
      await eventually(() => sb.locator('#lf-stages > li').nth(4).locator('.lf-field-error').textContent()).toMatch(/"Arrived" is already used by stage Arrived/);
      await sidebarShot(page, 'sidebar-broken-300px');
      await banner.getByRole('button', { name: 'Repair…' }).click();
      expect(host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!.getValues()[row('Stage', 'Closed-Won') - 1][1]).toBe('Arrived'); // nothing yet
      await banner.getByRole('button', { name: 'Repair setup sheet' }).click();
      await eventually(() => banner.textContent(), { timeout: 15_000 }).toMatch(/The setup sheet was repaired and saved/);
      const back = setupFromGrid(host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!.getValues(), rows[0]);
      expect(back.problems).toEqual([]);
      expect(back.setup!.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity']);
      await eventually(() => sb.locator('.lf-field-error').count()).toBe(0);
    });
  });
});

/** The sidebar alone, at the 300 px Sheets gives it, for a person to look at (test-results/<name>.png). */
async function sidebarShot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.locator('#sidebar-frame').screenshot({ path: path.join(RESULTS_DIR, `${name}.png`) });
}

function sample(rows: unknown[][], header: string): unknown[] {
  const i = rows[0].indexOf(header);
  return rows.slice(1).map((r) => r[i]);
}

/** The headline counts for the setup the sidebar holds right now, computed with the core over every row. */
async function expectedCounts(_page: Page, sb: FrameLocator, rows: unknown[][]): Promise<{ mql: number; sql: number; hot: number }> {
  const s = await readDraft(sb);
  const { scorer } = compileScorer(s, rows[0], timeZoneClock(TZ), Date.now());
  let mql = 0, sql = 0, hot = 0;
  for (const r of rows.slice(1)) {
    const x = scorer.score(r);
    const q = scorer.qualification(x);
    if (q !== 'Unqualified') mql++;
    if (q === 'SQL') sql++;
    if (scorer.temperature(x) === 'Hot') hot++;
  }
  return { mql, sql, hot };
}

/** The rules, caps and thresholds as the sidebar's fields show them. */
async function readDraft(sb: FrameLocator): Promise<Setup> {
  const rules = await sb.locator('li.lf-rule').evaluateAll((items) => items.map((li) => {
    const v = (suffix: string) => (li.querySelector(`[id$="-${suffix}"]`) as HTMLInputElement | HTMLSelectElement).value;
    return { id: li.querySelector('[id$="-group"]')!.id, group: v('group'), column: v('column'), operator: v('operator'), value: v('value'), value2: v('value2'), points: Number(v('points')), label: v('label') };
  }));
  // Fit rules are listed first; keep the order they were added in (ids grow).
  rules.sort((a, b) => Number(/rule-(\d+)/.exec(a.id)![1]) - Number(/rule-(\d+)/.exec(b.id)![1]));
  const num = async (id: string) => Number(await sb.locator(`#${id}`).inputValue());
  return {
    scoring: {
      rules: rules.map(({ id: _id, ...r }) => r),
      caps: { fit: await num('lf-caps-fit'), intent: await num('lf-caps-intent') },
      mql: { fit: await num('lf-mql-fit'), intent: await num('lf-mql-intent') },
      sql: { fit: await num('lf-sql-fit'), intent: await num('lf-sql-intent') },
      temperature: { warm: await num('lf-warm'), hot: await num('lf-hot') },
    },
  } as unknown as Setup;
}
