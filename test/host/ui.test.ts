/**
 * The Ui, recorded: menus built in onOpen, alerts and prompts answered from a scripted queue,
 * toasts, sidebars and dialogs from HtmlService (files from the dist folder, templates).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostWithBundle } from './helpers.ts';

const SOURCE = `
function onOpen(e) {
  var ui = SpreadsheetApp.getUi();
  var menu = ui.createAddonMenu().addItem('Open setup', 'openSidebar').addSeparator();
  if (e && e.authMode == ScriptApp.AuthMode.NONE) {
    menu.addItem('Start', 'start');
  } else {
    menu.addItem('Status: ' + (PropertiesService.getDocumentProperties().getProperty('state') || 'new'), 'start');
  }
  menu.addSubMenu(ui.createMenu('Reports').addItem('Net flow', 'netFlow')).addToUi();
}
function onOpenReadingData() {
  return SpreadsheetApp.getActiveSpreadsheet().getSheets().length;
}
function start() { return 'started'; }
function netFlow() { SpreadsheetApp.getActive().toast('Building…', 'LeadFlow', 3); return 'flow'; }
function openSidebar() {
  var t = HtmlService.createTemplateFromFile('Sidebar');
  t.leads = ['<Ann>', 'Bob'];
  SpreadsheetApp.getUi().showSidebar(t.evaluate().setTitle('LeadFlow'));
}
function include(name) { return HtmlService.createHtmlOutputFromFile(name).getContent(); }
function confirmReset() {
  var ui = SpreadsheetApp.getUi();
  var answer = ui.alert('Reset', 'Delete every LeadFlow sheet?', ui.ButtonSet.YES_NO);
  if (answer !== ui.Button.YES) return 'kept';
  var name = ui.prompt('Name the backup', ui.ButtonSet.OK_CANCEL);
  return name.getSelectedButton() === ui.Button.OK ? 'backup:' + name.getResponseText() : 'cancelled';
}
function showDialog() {
  SpreadsheetApp.getUi().showModalDialog(HtmlService.createHtmlOutput('<p>Hi</p>').setWidth(400).setHeight(300), 'Welcome');
}
`;

/** Page directories made for the tests, removed when they are done. */
const pageDirs: string[] = [];
afterAll(() => { for (const dir of pageDirs) rmSync(dir, { recursive: true, force: true }); });

function distWithPages(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadflow-host-'));
  pageDirs.push(dir);
  writeFileSync(path.join(dir, 'Sidebar.html'), '<h1>Leads</h1><? for (var i = 0; i < leads.length; i++) { ?><li><?= leads[i] ?></li><? } ?><?!= include("Footer") ?>');
  writeFileSync(path.join(dir, 'Footer.html'), '<footer>&copy; LeadFlow</footer>');
  return dir;
}

describe('menus', () => {
  it('onOpen in AuthMode.NONE builds the add-on menu with a separator and a submenu', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.openAddon()).toBe(true);
    expect(host.ui.menus).toEqual([{
      kind: 'addon',
      title: null,
      items: [
        { kind: 'item', caption: 'Open setup', functionName: 'openSidebar' },
        { kind: 'separator' },
        { kind: 'item', caption: 'Start', functionName: 'start' },
        { kind: 'submenu', caption: 'Reports', items: [{ kind: 'item', caption: 'Net flow', functionName: 'netFlow' }] },
      ],
    }]);
  });

  it('opening again with authorization replaces the menu; clicking an item runs its function', () => {
    const host = hostWithBundle(SOURCE);
    host.properties.document.set('state', 'ready');
    host.openAddon();
    host.openAddon({ authMode: 'FULL' });
    expect(host.ui.menus).toHaveLength(1);
    expect(host.ui.menuItem('Status: ready')?.functionName).toBe('start');
    expect(host.clickMenuItem('Reports > Net flow')).toEqual({ ok: true, value: 'flow' });
    expect(host.ui.toasts).toEqual([{ message: 'Building…', title: 'LeadFlow', timeoutSeconds: 3 }]);
  });

  it('AuthMode.NONE refuses services that need authorization (AuthMode reference: "does not allow access to any services that require authorization")', () => {
    const host = hostWithBundle(SOURCE.replace("menu.addItem('Start', 'start');", "menu.addItem('Rows: ' + onOpenReadingData(), 'start');"));
    expect(() => host.openAddon()).toThrow(/SpreadsheetApp.getActiveSpreadsheet is not allowed in AuthMode.NONE/);
  });
});

describe('alerts and prompts', () => {
  it('answer from the scripted queue and are recorded', () => {
    const host = hostWithBundle(SOURCE);
    host.ui.respondWith('YES', { button: 'OK', text: 'march' });
    expect(host.run('confirmReset')).toEqual({ ok: true, value: 'backup:march' });
    expect(host.ui.alerts).toEqual([
      { type: 'alert', title: 'Reset', prompt: 'Delete every LeadFlow sheet?', buttons: 'YES_NO', button: 'YES', text: '', scripted: true },
      { type: 'prompt', title: '', prompt: 'Name the backup', buttons: 'OK_CANCEL', button: 'OK', text: 'march', scripted: true },
    ]);
    host.ui.respondWith('NO');
    expect(host.run('confirmReset')).toEqual({ ok: true, value: 'kept' });
  });

  it('without a scripted answer take the first button of the set; a button outside the set is a test error', () => {
    const host = hostWithBundle(SOURCE);
    expect(host.run('confirmReset')).toEqual({ ok: true, value: 'backup:' });
    expect(host.ui.alerts.map((a) => a.scripted)).toEqual([false, false]);
    host.ui.respondWith('CANCEL');
    expect(host.run('confirmReset')).toEqual({ ok: false, error: { name: 'Error', message: 'Scripted response CANCEL is not a button of ButtonSet.YES_NO (alert: "Delete every LeadFlow sheet?")' } });
  });
});

describe('HtmlService, sidebars and dialogs', () => {
  it('a template from the dist folder evaluates <? ?>, escapes <?= ?>, prints <?!= ?> raw and calls bundle helpers', () => {
    const host = hostWithBundle(SOURCE, { distDir: distWithPages() });
    expect(host.run('openSidebar')).toEqual({ ok: true, value: null });
    expect(host.ui.sidebar).toEqual({
      title: 'LeadFlow',
      width: null,
      html: '<h1>Leads</h1><li>&lt;Ann&gt;</li><li>Bob</li><footer>&copy; LeadFlow</footer>',
    });
  });

  it('createHtmlOutputFromFile looks up NAME.html and fails like Apps Script for a missing file', () => {
    const host = hostWithBundle(SOURCE, { distDir: distWithPages() });
    expect(host.globals.HtmlService.createHtmlOutputFromFile('Footer').getContent()).toBe('<footer>&copy; LeadFlow</footer>');
    expect(() => host.globals.HtmlService.createHtmlOutputFromFile('Nope')).toThrow('No HTML file named Nope was found.');
  });

  it('showModalDialog records the title, size and content', () => {
    const host = hostWithBundle(SOURCE);
    host.run('showDialog');
    expect(host.ui.dialogs).toEqual([{ title: 'Welcome', html: '<p>Hi</p>', width: 400, height: 300, modal: true }]);
  });
});
