/**
 * The add-on menu (Extensions ▸ LeadFlow) and what its items do. onOpen runs in AuthMode.NONE
 * for a user who has not used the add-on in this document yet: it may only build the menu.
 */
import { sampleLeads } from '../core/sample';
import { spreadsheetTimeZone } from './env';

/** The add-on menu, in order; a null entry is a separator. */
export const MENU_ITEMS: ({ caption: string; handler: string } | null)[] = [
  { caption: 'Open setup…', handler: 'leadflowOpenSidebar' },
  null,
  { caption: 'Build funnel sheet…', handler: 'leadflowBuildFunnelSheet' },
  { caption: 'Build net lead flow sheet…', handler: 'leadflowBuildFlowSheet' },
  { caption: 'Build checklist sheet…', handler: 'leadflowBuildChecklistSheet' },
  null,
  { caption: 'Insert sample leads', handler: 'leadflowInsertSampleLeads' },
  { caption: 'Help', handler: 'leadflowShowHelp' },
];

export function onOpen(_e?: unknown): void {
  const menu = SpreadsheetApp.getUi().createAddonMenu();
  for (const item of MENU_ITEMS) {
    if (item) menu.addItem(item.caption, item.handler);
    else menu.addSeparator();
  }
  menu.addToUi();
}

/** Apps Script runs onInstall (not onOpen) right after a user installs the add-on from an open document. */
export function onInstall(e?: unknown): void {
  onOpen(e);
}

export function leadflowOpenSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('LeadFlow');
  SpreadsheetApp.getUi().showSidebar(html);
}

/** A sheet name not yet taken: "Sample leads", then "Sample leads (2)"... so no user sheet is touched. */
export function freeSheetName(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, base: string): string {
  let name = base;
  for (let n = 2; ss.getSheetByName(name); n++) name = `${base} (${n})`;
  return name;
}

export const SAMPLE_ROWS = 600;

export function leadflowInsertSampleLeads(): string {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const sample = sampleLeads({ rows: SAMPLE_ROWS, seed: Date.now() % 100000, timeZone: spreadsheetTimeZone(), from: lastYearStart(), days: 365 });
  const sheet = ss.insertSheet(freeSheetName(ss, 'Sample leads'));
  const table = [sample.headers, ...sample.rows];
  sheet.getRange(1, 1, table.length, sample.headers.length).setValues(table);
  sheet.getRange(1, 1, 1, sample.headers.length).setFontWeight('bold');
  sheet.setFrozenRows(1);
  const dateCols = sample.headers.flatMap((h, i) => (/Time|Date|Activity$/.test(h) ? [i + 1] : []));
  for (const c of dateCols) sheet.getRange(2, c, sample.rows.length, 1).setNumberFormat('yyyy-mm-dd hh:mm');
  ss.toast(`${sample.rows.length} generated leads are in the sheet "${sheet.getName()}".`, 'LeadFlow');
  return sheet.getName();
}

function lastYearStart(): string {
  const d = new Date();
  return `${d.getFullYear() - 1}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;
}

export const HELP_HTML = `<div style="font-family:Arial,sans-serif;font-size:13px;line-height:1.5">
<p><b>LeadFlow</b> counts your leads through your pipeline, right in the sheet.</p>
<ul>
<li><code>=FUNNEL(G2:G)</code> spills a funnel of the statuses in column G.</li>
<li><code>=NETLEADFLOW(F2:F, G2:G, "month")</code> shows new, removed and net leads per month.</li>
<li><code>=FUNNELSTAGE(G2:G)</code> gives each lead's furthest stage.</li>
</ul>
<p>Type <code>=FUNNEL(</code> in a cell to see every argument explained. <b>Open setup…</b> describes your pipeline and what makes a lead worth chasing; formulas given <code>LeadFlowSetup</code> follow it. The <b>Build</b> items make funnel, net lead flow and checklist sheets from ordinary formulas, so they keep working for anyone you share them with.</p></div>`;

export function leadflowShowHelp(): void {
  const html = HtmlService.createHtmlOutput(HELP_HTML).setWidth(420).setHeight(260);
  SpreadsheetApp.getUi().showModalDialog(html, 'LeadFlow help');
}
