/**
 * The local preview (npm start): the server and its API, the alert/prompt re-run, the command
 * line, and, in chromium, what a person sees: the sample's grid and tabs, Extensions ▸ LeadFlow
 * built by the bundle's onOpen, the real dist/Sidebar.html with google.script.run bridged to the
 * host, formulas typed into cells and evaluated by the host, error messages, dialogs and toasts.
 *
 * Needs a built dist/ (npm test builds first) and /usr/bin/chromium (CI installs it; without it
 * the browser tests fail saying how to install it).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { main as previewMain } from '../../src/offline/preview/cli';
import { understand } from '../../src/offline/report';
import { framePage, startPreview } from '../../src/offline/preview/server';
import type { Preview } from '../../src/offline/preview/server';
import type { ActionResult, StateView } from '../../src/offline/preview/session';
import { cell, clickAddonMenuItem, idle, launchBrowser, openAddonMenu, openPreview, openSidebar, screenshot, typeInto, withPage } from './browser';
import type { LaunchedBrowser } from './browser';

// --- a tiny add-on to drive alerts, prompts, toasts, panels and the bridge ------------------------

const FIXTURE_CODE = String.raw`
function onOpen(e) {
  SpreadsheetApp.getUi().createAddonMenu()
    .addItem('Build Funnel sheet', 'fxReplace')
    .addItem('Name a sheet', 'fxName')
    .addSeparator()
    .addItem('Open panel', 'fxPanel')
    .addItem('Open dialog', 'fxDialog')
    .addItem('Fail', 'fxFail')
    .addToUi();
}
function fxReplace() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var ui = SpreadsheetApp.getUi();
  if (ss.getSheetByName('Funnel')) {
    var answer = ui.alert('Funnel sheet', 'Replace the existing Funnel sheet?', ui.ButtonSet.YES_NO);
    if (answer !== ui.Button.YES) { ss.toast('Kept the Funnel sheet.', 'Fixture'); return 'kept'; }
    ss.deleteSheet(ss.getSheetByName('Funnel'));
  }
  ss.insertSheet('Funnel').getRange('A1').setValue('built ' + (++built));
  ss.toast('Built the Funnel sheet.', 'Fixture');
  return 'built';
}
var built = 0;
function fxName() {
  var ui = SpreadsheetApp.getUi();
  var r = ui.prompt('New sheet', 'Name of the sheet?', ui.ButtonSet.OK_CANCEL);
  if (r.getSelectedButton() !== ui.Button.OK) return 'cancelled';
  var name = r.getResponseText();
  if (ui.alert('Create "' + name + '"?', ui.ButtonSet.YES_NO) !== ui.Button.YES) return 'no';
  SpreadsheetApp.getActiveSpreadsheet().insertSheet(name);
  return name;
}
function fxPanel() { SpreadsheetApp.getUi().showSidebar(HtmlService.createHtmlOutputFromFile('Panel').setTitle('Fixture panel')); }
function fxDialog() { SpreadsheetApp.getUi().showModalDialog(HtmlService.createHtmlOutputFromFile('Panel').setWidth(420).setHeight(260), 'Fixture dialog'); }
function fxFail() { throw new Error('The fixture failed on purpose.'); }
function fxEcho(x, y) { return { got: x, second: y === undefined ? 'missing' : y }; }
function fxThrow(message) { throw new Error(message); }
function fxDate() { return new Date(); }
function fxAsk() { var ui = SpreadsheetApp.getUi(); return ui.alert('Sure?', ui.ButtonSet.OK_CANCEL) === ui.Button.OK ? 'ok' : 'cancel'; }
function fxSecret_() { return 'private'; }
`;

const FIXTURE_PANEL = `<!DOCTYPE html>
<html><head><base target="_top"><meta charset="utf-8"><title>Panel</title></head>
<body>
<h1>Fixture panel</h1>
<output id="echo"></output><output id="fail"></output><output id="user"></output>
<output id="illegal"></output><output id="date"></output><output id="ask"></output><output id="private"></output>
<button id="run-all" type="button">Run</button>
<button id="ask-button" type="button">Ask</button>
<button id="close" type="button">Close</button>
<script>
  function show(id, v) { document.getElementById(id).textContent = typeof v === 'string' ? v : JSON.stringify(v); }
  document.getElementById('run-all').onclick = function () {
    google.script.run.withSuccessHandler(function (v) { show('echo', v); }).fxEcho({ a: [1, undefined, 'x'], b: true }, 'two');
    var tag = document.getElementById('user');
    google.script.run
      .withFailureHandler(function (e, u) { show('fail', (e instanceof Error) + ':' + e.message + ':' + (u === tag)); })
      .withUserObject(tag)
      .fxThrow('No sheet named "Nope".');
    google.script.run.withSuccessHandler(function (v, u) { u.textContent = 'user:' + v.got; }).withUserObject(tag).fxEcho('u');
    try { google.script.run.fxEcho(new Date()); show('illegal', 'sent'); } catch (e) { show('illegal', e.message); }
    google.script.run.withSuccessHandler(function (v) { show('date', v); }).fxDate();
    show('private', typeof google.script.run.fxSecret_);
  };
  document.getElementById('ask-button').onclick = function () {
    google.script.run.withSuccessHandler(function (v) { show('ask', v); }).fxAsk();
  };
  document.getElementById('close').onclick = function () { google.script.host.close(); };
</script>
</body></html>`;

function fixtureDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadflow-preview-fixture-'));
  writeFileSync(path.join(dir, 'Code.js'), FIXTURE_CODE);
  writeFileSync(path.join(dir, 'Panel.html'), FIXTURE_PANEL);
  return dir;
}

const LEADS = [
  ['Lead ID', 'Lead Source', 'Lead Status'],
  ['L-1', 'Web Form', 'New'],
  ['L-2', 'Referral', 'Closed Won'],
  ['L-3', 'Referral', 'Junk Lead'],
];

async function api<T>(p: Preview, route: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(route, p.url), body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${res.status} ${json.error}`);
  return json;
}

// --- server, no browser -----------------------------------------------------------------------------

describe('preview server', () => {
  let fixture: string;
  let preview: Preview;

  beforeAll(async () => {
    fixture = fixtureDist();
    preview = await startPreview({ rows: LEADS, distDir: fixture });
  });
  afterAll(async () => {
    await preview?.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  it('serves the state, windows of cells and the page', async () => {
    const state = await api<StateView>(preview, '/api/state');
    expect(state.sheets.map((s) => s.name)).toEqual(['Leads']);
    expect(state.activeSheet).toBe('Leads');
    expect(state.menus[0]).toMatchObject({ kind: 'addon', title: 'LeadFlow' });
    expect(state.menus[0].items.filter((i) => i.kind === 'item').map((i) => (i as { caption: string }).caption)).toEqual([
      'Build Funnel sheet', 'Name a sheet', 'Open panel', 'Open dialog', 'Fail',
    ]);
    const win = await api<{ cells: { v?: string; w?: number }[][] }>(preview, '/api/cells?sheet=Leads&row=1&rows=10');
    expect(win.cells.map((r) => r.map((c) => c.v))).toEqual(LEADS);
    expect(win.cells[0][0].w).toBe(1); // the header row is bold
    const page = await fetch(preview.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/preview.js');
    expect((await fetch(new URL('/preview.js', preview.url))).status).toBe(200);
  });

  it('evaluates typed formulas and reports errors with their message', async () => {
    const ok = await api<ActionResult>(preview, '/api/cell', { sheet: 'Leads', row: 2, col: 5, input: '=COUNTIFS(B2:B4, "Referral")' });
    expect(ok.outcome).toEqual({ ok: true, value: null });
    const bad = await api<ActionResult>(preview, '/api/cell', { sheet: 'Leads', row: 3, col: 5, input: '=1/0' });
    expect(bad.outcome?.ok).toBe(true);
    const win = await api<{ cells: { v?: string; f?: string; t?: string; e?: string }[][] }>(preview, '/api/cells?sheet=Leads&row=2&rows=2&col=5&cols=1');
    expect(win.cells[0][0]).toMatchObject({ v: '2', f: '=COUNTIFS(B2:B4, "Referral")', t: 'n' });
    expect(win.cells[1][0]).toMatchObject({ v: '#DIV/0!', t: 'e' });
    await api(preview, '/api/cell', { sheet: 'Leads', row: 2, col: 5, input: '' });
    await api(preview, '/api/cell', { sheet: 'Leads', row: 3, col: 5, input: '' });
  });

  it('refuses requests that are not JSON or not addressed to localhost', async () => {
    const notJson = await fetch(new URL('/api/cell', preview.url), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(notJson.status).toBe(415);
    const port = new URL(preview.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/state', headers: { Host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    expect((await fetch(new URL('/api/cells?sheet=Nope', preview.url))).status).toBe(400);
    expect((await fetch(new URL('/nothing', preview.url))).status).toBe(404);
  });

  it('only runs functions the add-on put in its menu from /api/menu', async () => {
    const res = await fetch(new URL('/api/menu', preview.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ functionName: 'fxEcho' }) });
    expect(res.status).toBe(400);
  });

  it('stops at an alert without an answer, then runs again with the answers given', async () => {
    // First run: no Funnel sheet yet, nothing to ask.
    const first = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxReplace' });
    expect(first.outcome).toEqual({ ok: true, value: 'built' });
    expect(first.events).toEqual([expect.objectContaining({ type: 'toast', message: 'Built the Funnel sheet.' })]);
    expect(first.state.activeSheet).toBe('Funnel');

    const asked = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxReplace' });
    expect(asked.outcome).toBeUndefined();
    expect(asked.pending).toEqual({ type: 'alert', title: 'Funnel sheet', prompt: 'Replace the existing Funnel sheet?', buttons: 'YES_NO', choices: ['YES', 'NO'], answered: 0 });
    expect(asked.events).toEqual([]);
    expect(preview.host.values('Funnel', 'A1')).toEqual([['built 1']]); // nothing was replaced

    const kept = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxReplace', answers: [{ button: 'NO' }] });
    expect(kept.outcome).toEqual({ ok: true, value: 'kept' });
    expect(kept.events).toEqual([expect.objectContaining({ type: 'toast', message: 'Kept the Funnel sheet.' })]);
    expect(preview.host.values('Funnel', 'A1')).toEqual([['built 1']]);

    const replaced = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxReplace', answers: ['YES'] });
    expect(replaced.outcome).toEqual({ ok: true, value: 'built' });
    expect(preview.host.values('Funnel', 'A1')).toEqual([['built 2']]);
    expect(preview.host.ui.pendingResponses()).toBe(0);
  });

  it('asks a prompt, then an alert, one run per answer', async () => {
    const a = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxName' });
    expect(a.pending).toMatchObject({ type: 'prompt', title: 'New sheet', prompt: 'Name of the sheet?', choices: ['OK', 'CANCEL'], answered: 0 });
    const b = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxName', answers: [{ button: 'OK', text: 'Q1 funnel' }] });
    expect(b.pending).toMatchObject({ type: 'alert', title: '', prompt: 'Create "Q1 funnel"?', choices: ['YES', 'NO'], answered: 1 });
    const c = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxName', answers: [{ button: 'OK', text: 'Q1 funnel' }, { button: 'YES' }] });
    expect(c.outcome).toEqual({ ok: true, value: 'Q1 funnel' });
    expect(c.state.sheets.map((s) => s.name)).toContain('Q1 funnel');
    const cancelled = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxName', answers: [{ button: 'CLOSE' }] });
    expect(cancelled.outcome).toEqual({ ok: true, value: 'cancelled' });
    await expect(api(preview, '/api/menu', { functionName: 'fxName', answers: [{ button: 'MAYBE' }] })).rejects.toThrow(/400/);
  });

  it('runs google.script.run calls with Apps Script\'s rules for values', async () => {
    const echo = await api<ActionResult>(preview, '/api/run', { name: 'fxEcho', args: [{ a: [1, null] }] });
    expect(echo.outcome).toEqual({ ok: true, value: { got: { a: [1, null] }, second: 'missing' } });
    const thrown = await api<ActionResult>(preview, '/api/run', { name: 'fxThrow', args: ['nope'] });
    expect(thrown.outcome).toMatchObject({ ok: false, error: { message: 'nope' } });
    const date = await api<ActionResult>(preview, '/api/run', { name: 'fxDate', args: [] });
    expect(date.outcome).toEqual({ ok: true, value: null });
    const secret = await api<ActionResult>(preview, '/api/run', { name: 'fxSecret_', args: [] });
    expect(secret.outcome).toMatchObject({ ok: false });
    const menuFail = await api<ActionResult>(preview, '/api/menu', { functionName: 'fxFail' });
    expect(menuFail.events).toEqual([expect.objectContaining({ type: 'error', message: 'The fixture failed on purpose.' })]);
  });

  it('injects google.script before the page\'s own scripts', () => {
    const page = framePage('<!DOCTYPE html><html><head><title>x</title></head><body><script>go()</script></body></html>', { id: 3, kind: 'sidebar', functions: ['a'] }, 'BRIDGE');
    expect(page.indexOf('BRIDGE')).toBeLessThan(page.indexOf('go()'));
    expect(page.startsWith('<!DOCTYPE html><html><head><script>window.__leadflowFrame={"id":3')).toBe(true);
    expect(framePage('<p>bare</p>', { id: 1, kind: 'dialog', functions: ['</script>'] }, 'B')).toMatch(/^<script>window.__leadflowFrame=\{.*\\u003c\/script>.*<p>bare<\/p>$/);
  });

  it('keeps a 100,000-row sheet to windows', async () => {
    const rows: unknown[][] = [['Lead ID', 'Status', 'Value']];
    for (let i = 0; i < 100_000; i++) rows.push([`L-${i}`, i % 3 ? 'New' : 'Won', i]);
    const big = await startPreview({ rows, distDir: fixture });
    try {
      const t0 = Date.now();
      const win = await api<{ row: number; cells: { v?: string }[][] }>(big, '/api/cells?sheet=Leads&row=90001&rows=100000');
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(win.cells).toHaveLength(500); // windows are capped
      expect(win.cells[0][0].v).toBe('L-89999');
      const state = await api<StateView>(big, '/api/state');
      expect(state.sheets[0].lastRow).toBe(100_001);
    } finally {
      await big.close();
    }
  });
});

// --- the command line -------------------------------------------------------------------------------

describe('npm start', () => {
  it('refuses a bad --data file with a clear message and a non-zero exit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadflow-preview-data-'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logs = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      writeFileSync(path.join(dir, 'empty.csv'), '');
      writeFileSync(path.join(dir, 'leads.pdf'), '%PDF-1.4');
      expect(await previewMain(['--data', path.join(dir, 'missing.csv')])).toBe(1);
      expect(await previewMain(['--data', path.join(dir, 'empty.csv')])).toBe(1);
      expect(await previewMain(['--data', path.join(dir, 'leads.pdf')])).toBe(1);
      expect(await previewMain(['--time-zone', 'Mars/Olympus'])).toBe(1);
      expect(await previewMain(['--port', 'eighty'])).toBe(2);
      expect(await previewMain(['--bogus'])).toBe(2);
      const said = errors.mock.calls.map((c) => String(c[0]));
      expect(said[0]).toMatch(/^Cannot start the preview: .*missing\.csv/);
      expect(said[1]).toMatch(/empty\.csv/);
      expect(said[3]).toMatch(/"Mars\/Olympus" is not a time zone/);
      // A file the report would not read either, said in the report's words.
      const pdf = path.join(dir, 'leads.pdf');
      const report = await understand({ input: pdf, progress: null }).then(() => '', (e: Error) => e.message);
      expect(report).toBe(`${pdf}: expected a CSV (.csv, .tsv, .txt) or Excel workbook (.xlsx) export of your leads.`);
      expect(said[2]).toBe(`Cannot start the preview: ${report}`);
    } finally {
      errors.mockRestore();
      logs.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads every kind of file the report reads: .csv, .tsv, .txt, .xlsx and .xlsm', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadflow-preview-kinds-'));
    const rows = [['Lead ID', 'Created Time', 'Lead Status'], ['L-1', '2026-03-01 09:30', 'New'], ['L-2', '2026-03-02 10:00', 'Closed Won']];
    try {
      const files = {
        'leads.csv': rows.map((r) => r.join(',')).join('\n'),
        'leads.tsv': rows.map((r) => r.join('\t')).join('\n'),
        'leads.txt': rows.map((r) => r.join(';')).join('\n'),
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), `${text}\n`);
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('CRM leads').addRows(rows);
      await workbook.xlsx.writeFile(path.join(dir, 'leads.xlsx'));
      await workbook.xlsx.writeFile(path.join(dir, 'leads.xlsm'));
      for (const name of [...Object.keys(files), 'leads.xlsx', 'leads.xlsm']) {
        const file = path.join(dir, name);
        const understood = await understand({ input: file, progress: null });
        expect(understood.table.rows.length, name).toBe(3);
        const shown = await startPreview({ data: file });
        try {
          const sheet = shown.host.spreadsheet.getSheets()[0];
          expect(sheet.getLastRow(), name).toBe(3);
          expect(sheet.getRange('C3').getValue(), name).toBe('Closed Won');
        } finally {
          await shown.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs `npm start -- <args>` (its own process group, for the cleanup) and resolves with the address it prints. */
  async function npmStart(args: string[]) {
    const child = spawn('npm', ['start', '--', ...args, '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, CI: '1' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 40_000);
      child.stdout.on('data', () => {
        const m = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    return {
      child,
      url,
      output: () => out,
      /** Kills whatever is left of the process group (only when a test failed). */
      cleanup() {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Nothing left.
        }
      },
    };
  }

  /** True once nothing answers at the address any more (the port is free). */
  async function refused(url: string): Promise<boolean> {
    return fetch(`${url}api/state`).then(() => false, () => true);
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('serves a CSV export given with --data, says "1 lead", and frees its port when npm itself gets %s', async (signal) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadflow-preview-csv-'));
    const csv = path.join(dir, 'leads.csv');
    writeFileSync(csv, 'Lead ID,Created Time,Lead Status\nL-1,2026-03-01 09:30,New\n');
    const started = await npmStart(['--data', csv]);
    try {
      expect(started.output()).toMatch(/\(1 lead, America\/New_York\)/);
      const state = (await (await fetch(`${started.url}api/state`)).json()) as StateView;
      expect(state.sheets[0].name).toBe('leads');
      expect(state.source).toBe('leads.csv');
      const win = (await (await fetch(`${started.url}api/cells?sheet=leads&row=2&rows=1`)).json()) as { cells: { v?: string; t?: string }[][] };
      expect(win.cells[0][1]).toMatchObject({ t: 'n' }); // the date became a date cell
      // The signal goes to npm's process only, as `kill -TERM <pid>` sends it.
      process.kill(started.child.pid!, signal);
      await expect.poll(() => refused(started.url), { timeout: 10_000, interval: 100 }).toBe(true);
      await expect.poll(() => started.child.exitCode !== null || started.child.signalCode !== null, { timeout: 10_000 }).toBe(true);
    } finally {
      started.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// --- in the browser ---------------------------------------------------------------------------------

describe('preview in chromium', () => {
  let browser: LaunchedBrowser;
  let preview: Preview;
  let fixturePreview: Preview;
  let fixture: string;

  beforeAll(async () => {
    fixture = fixtureDist();
    [browser, preview, fixturePreview] = await Promise.all([
      launchBrowser(),
      startPreview({ seed: 42 }),
      startPreview({ rows: LEADS, distDir: fixture }),
    ]);
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), preview?.close(), fixturePreview?.close()]);
    rmSync(fixture, { recursive: true, force: true });
  });

  it('shows the sample leads with their headers, rows and sheet tabs', async () => {
    await withPage(browser, 'sample-grid', async (page) => {
      await openPreview(page, preview.url);
      const headers = preview.host.values('Leads', 'A1:M1')[0] as string[];
      expect(headers).toContain('Lead Status');
      await expect.poll(() => cell(page, 'A1').textContent()).toBe('Lead ID');
      expect(await cell(page, 'G1').textContent()).toBe(headers[6]);
      const firstRow = preview.host.spreadsheet.getSheetByName('Leads')!.getRange('A2:G2').getDisplayValues()[0];
      await expect.poll(() => cell(page, 'A2').textContent()).toBe(firstRow[0]);
      expect(await cell(page, 'G2').textContent()).toBe(firstRow[6]);
      expect(await cell(page, 'F2').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
      const tabs = page.getByRole('tab');
      expect(await tabs.allTextContents()).toEqual(['Leads']);
      expect(await tabs.first().getAttribute('aria-selected')).toBe('true');
      expect(await page.locator('#doc-name').textContent()).toBeTruthy();
      // Only rows in view are in the page: 600 leads, far fewer rows rendered.
      expect(await page.locator('#grid-body tr[data-row]').count()).toBeLessThan(120);
      await page.locator('#grid').evaluate((g) => { g.scrollTop = 550 * 21; });
      await expect.poll(() => page.locator('#grid-body td[data-cell="A580"]').textContent()).toMatch(/^L-\d+$/);
      await screenshot(page, 'preview-grid');
    });
  });

  it('has the add-on menu the bundle built in onOpen', async () => {
    await withPage(browser, 'addon-menu', async (page) => {
      await openPreview(page, preview.url);
      const menu = await openAddonMenu(page);
      const items = (await menu.getByRole('menuitem').allTextContents()).map((s) => s.trim());
      const registered = preview.host.ui.menus.find((m) => m.kind === 'addon')!.items.flatMap((i) => (i.kind === 'item' ? [i.caption] : []));
      expect(items).toEqual(registered);
      expect(items).toEqual(expect.arrayContaining(['Open setup…', 'Build funnel sheet…', 'Insert sample leads', 'Help']));
      expect(await menu.getByRole('separator').count()).toBeGreaterThan(0);
      await screenshot(page, 'preview-menu');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#menubar .menu').count()).toBe(0);
    });
  });

  it('opens the sidebar from the menu, in a 300 px panel whose server calls fill it', async () => {
    await withPage(browser, 'sidebar', async (page) => {
      await openPreview(page, preview.url);
      const frame = await openSidebar(page, 'Open setup…');
      const title = preview.host.ui.sidebar?.title;
      expect(title).toBeTruthy();
      expect(await page.locator('#sidebar-title').textContent()).toBe(title);
      expect(await page.locator('#sidebar-frame').evaluate((f) => (f as HTMLIFrameElement).getBoundingClientRect().width)).toBe(300);
      await frame.locator('h1, h2').first().waitFor();
      // google.script.run answered: some select lists the sheet's headers.
      await frame.locator('select option', { hasText: 'Lead Status' }).first().waitFor({ state: 'attached', timeout: 10_000 });
      expect(await frame.locator('.error:visible, [role="alert"]:visible').count()).toBe(0);
      await screenshot(page, 'preview-sidebar');
      await page.locator('#sidebar-close').click();
      await expect.poll(() => page.locator('#sidebar').isHidden()).toBe(true);
    });
  });

  it('evaluates formulas typed into cells: FUNNEL spills its table, COUNTIFS counts', async () => {
    await withPage(browser, 'formulas', async (page) => {
      await openPreview(page, preview.url);
      await typeInto(page, 'O2', '=FUNNEL(G2:G601)');
      await expect.poll(() => cell(page, 'O2').textContent()).toBe('Stage');
      expect(await cell(page, 'O3').textContent()).toBe('Arrived');
      expect(await cell(page, 'P3').textContent()).toBe('600');
      expect(await cell(page, 'O7').textContent()).toBe('Closed-Won');
      await cell(page, 'O2').click();
      expect(await page.locator('#formula-input').inputValue()).toBe('=FUNNEL(G2:G601)');

      const referrals = (preview.host.values('Leads', 'D2:D601') as string[][]).filter((r) => r[0] === 'Referral').length;
      await typeInto(page, 'O10', '=COUNTIFS(D2:D601, "Referral")');
      await expect.poll(() => cell(page, 'O10').textContent()).toBe(String(referrals));

      // The formula bar edits too.
      await cell(page, 'O11').click();
      await page.locator('#formula-input').fill('=O10*2');
      await page.locator('#formula-input').press('Enter');
      await idle(page);
      await expect.poll(() => cell(page, 'O11').textContent()).toBe(String(referrals * 2));
      await screenshot(page, 'preview-funnel');
    });
  });

  it('evaluates open-ended ranges such as =FUNNEL(G2:G), as Sheets does', async () => {
    await withPage(browser, 'open-ended-range', async (page) => {
      await openPreview(page, preview.url);
      await typeInto(page, 'U2', '=FUNNEL(G2:G)');
      await cell(page, 'U2').click();
      const message = await page.locator('#cell-error').textContent();
      expect(message ?? '', 'the host engine should accept G2:G').toBe('');
      await expect.poll(() => cell(page, 'U2').textContent()).toBe('Stage');
      expect(await cell(page, 'V3').textContent()).toBe('600');
    });
  });

  it('shows an error cell\'s message when it is selected or hovered', async () => {
    await withPage(browser, 'error-message', async (page) => {
      await openPreview(page, preview.url);
      await typeInto(page, 'O14', '=FUNNEL(G2:G3, "A, A")');
      await expect.poll(() => cell(page, 'O14').textContent()).toBe('#ERROR!');
      const expected = preview.host.errorMessage('Leads', 'O14');
      expect(expected).toMatch(/twice/);
      await cell(page, 'O14').click();
      await expect.poll(() => page.locator('#cell-error').textContent()).toBe(expected);
      expect(await page.locator('#cell-error').isVisible()).toBe(true);
      await cell(page, 'O14').hover();
      await expect.poll(() => page.locator('.cell-tip').textContent()).toContain(expected!);
      await screenshot(page, 'preview-error');
      await cell(page, 'A2').click();
      await expect.poll(() => page.locator('#cell-error').isHidden()).toBe(true);
    });
  });

  it('shows dialogs (Help) in a modal frame that can be closed', async () => {
    await withPage(browser, 'help-dialog', async (page) => {
      await openPreview(page, preview.url);
      await clickAddonMenuItem(page, 'Help');
      await page.locator('#dialog-layer:not([hidden])').waitFor();
      const record = preview.host.ui.dialogs.at(-1)!;
      expect(await page.locator('#dialog-title').textContent()).toBe(record.title);
      await page.frameLocator('#dialog-frame').locator('body', { hasText: 'FUNNEL' }).waitFor();
      await page.locator('#dialog-close').click();
      await expect.poll(() => page.locator('#dialog-layer').isHidden()).toBe(true);
    });
  });

  it('answers a synchronous Ui.alert in the page and re-runs the handler with the answer', async () => {
    await withPage(browser, 'alert-rerun', async (page) => {
      await openPreview(page, fixturePreview.url);
      const runMenu = (caption: string) => clickAddonMenuItem(page, caption);
      await runMenu('Build Funnel sheet');
      await page.locator('.toast', { hasText: 'Built the Funnel sheet.' }).waitFor();
      await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('Funnel');

      await runMenu('Build Funnel sheet');
      const alert = page.getByRole('alertdialog');
      await alert.waitFor();
      expect(await page.locator('#alert-prompt').textContent()).toBe('Replace the existing Funnel sheet?');
      expect(await alert.getByRole('button').allTextContents()).toEqual(['No', 'Yes']);
      await screenshot(page, 'preview-alert');
      await alert.getByRole('button', { name: 'No' }).click();
      await page.locator('.toast', { hasText: 'Kept the Funnel sheet.' }).waitFor();
      expect(fixturePreview.host.values('Funnel', 'A1')).toEqual([['built 1']]);

      await runMenu('Name a sheet');
      await page.locator('#alert-input:visible').fill('Pipeline');
      await page.locator('#alert-input').press('Enter');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Yes' }).click();
      await expect.poll(() => page.getByRole('tab').allTextContents()).toContain('Pipeline');

      await runMenu('Fail');
      await page.locator('.toast.error', { hasText: 'The fixture failed on purpose.' }).waitFor();
    });
  });

  it('bridges google.script.run and google.script.host for the add-on\'s pages', async () => {
    await withPage(browser, 'bridge', async (page: Page) => {
      await openPreview(page, fixturePreview.url);
      await clickAddonMenuItem(page, 'Open panel');
      await page.locator('#sidebar:not([hidden])').waitFor();
      expect(await page.locator('#sidebar-title').textContent()).toBe('Fixture panel');
      const frame = page.frameLocator('#sidebar-frame');
      await frame.locator('#run-all').click();
      await expect.poll(() => frame.locator('#echo').textContent()).toBe('{"got":{"a":[1,null,"x"],"b":true},"second":"two"}');
      await expect.poll(() => frame.locator('#fail').textContent()).toBe('true:No sheet named "Nope".:true');
      await expect.poll(() => frame.locator('#user').textContent()).toBe('user:u');
      expect(await frame.locator('#illegal').textContent()).toBe('Failed due to illegal value in property: 0');
      await expect.poll(() => frame.locator('#date').textContent()).toBe('null');
      expect(await frame.locator('#private').textContent()).toBe('undefined');

      // An alert asked by a google.script.run call shows in the editor, then the call completes.
      await frame.locator('#ask-button').click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'OK' }).click();
      await expect.poll(() => frame.locator('#ask').textContent()).toBe('ok');

      await frame.locator('#close').click();
      await expect.poll(() => page.locator('#sidebar').isHidden()).toBe(true);

      // The same bridge in a modal dialog.
      await clickAddonMenuItem(page, 'Open dialog');
      await page.locator('#dialog-layer:not([hidden])').waitFor();
      expect(await page.locator('#dialog').evaluate((d) => d.getBoundingClientRect().width)).toBe(420);
      await page.frameLocator('#dialog-frame').locator('#close').click();
      await expect.poll(() => page.locator('#dialog-layer').isHidden()).toBe(true);
    });
  });
});
