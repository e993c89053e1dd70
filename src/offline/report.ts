/**
 * `leadflow report`: the add-on's menu actions, run headless on a CRM export, written to xlsx.
 * The export becomes the leads sheet of an offline spreadsheet, the built bundle runs in the
 * offline host exactly as in Sheets (setup saved, sheets built through the same server calls),
 * and the resulting workbook is written with its formulas and their computed values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { BuildData, BuildRequest, planBuild } from '../core/report';
import { SETUP_SHEET, validateSetup } from '../core/setup';
import { LeadsFileError, LeadsTable, readLeadsFile, writeWorkbookXlsx } from './files';
import { Host, createHost } from './host';

export const ACTIONS = ['funnel', 'flow', 'checklist', 'all'] as const;
export type Action = (typeof ACTIONS)[number];

export interface ReportOptions {
  input: string;
  out: string;
  action: Action;
  setupPath?: string;
  force?: boolean;
  timeZone?: string;
  /** Where progress lines go (stderr by default); null for none. */
  progress?: ((line: string) => void) | null;
}

export class ReportError extends Error {}

/** The exports the command reads: CSV (and its tab-separated cousin) and xlsx. */
const INPUT_EXTENSIONS = ['.csv', '.tsv', '.xlsx'];

/** The name of the leads sheet: the xlsx sheet's own name, or "Leads" for a CSV. */
function leadsSheetName(table: LeadsTable, input: string): string {
  return extname(input).toLowerCase() === '.csv' || extname(input).toLowerCase() === '.tsv' || !table.sheetName ? 'Leads' : table.sheetName;
}

/** Which builds an action runs. */
const BUILDS: Record<Exclude<Action, 'all'>, string> = { funnel: 'funnel', flow: 'flow', checklist: 'checklist' };

export async function runReport(opts: ReportOptions): Promise<{ sheets: string[]; host: Host }> {
  const say = opts.progress === null ? () => {} : (opts.progress ?? ((l: string) => process.stderr.write(`${l}\n`)));
  if (!(ACTIONS as readonly string[]).includes(opts.action)) {
    throw new ReportError(`--action must be one of ${ACTIONS.join(', ')}, not "${opts.action}".`);
  }
  if (existsSync(opts.out) && !opts.force) {
    throw new ReportError(`${opts.out} already exists; choose another --out path or add --force to replace it.`);
  }
  if (extname(opts.out).toLowerCase() !== '.xlsx') throw new ReportError(`--out must be an .xlsx path, not "${opts.out}".`);
  if (!INPUT_EXTENSIONS.includes(extname(opts.input).toLowerCase())) {
    throw new ReportError(`${opts.input}: expected a CSV (.csv) or Excel workbook (.xlsx) export of your leads.`);
  }
  say(`Reading ${basename(opts.input)}…`);
  const table = await readLeadsFile(opts.input, { timeZone: opts.timeZone });
  if (table.rows.length < 2) throw new ReportError(`${opts.input} has a header row but no leads under it; there is nothing to report.`);
  say(`  ${(table.rows.length - 1).toLocaleString('en-US')} leads, ${table.rows[0].length} columns`);

  const host = createHost({ timeZone: opts.timeZone, firstSheetName: leadsSheetName(table, opts.input) });
  const sheetName = leadsSheetName(table, opts.input);
  loadLeads(host, sheetName, table);
  host.loadBundle();

  say('Saving the setup…');
  saveSetup(host, sheetName, table, opts.setupPath);

  // The same two steps as the build dialog: read the leads and setup, plan, then write the plan.
  const kinds = opts.action === 'all' ? Object.values(BUILDS) : [BUILDS[opts.action]];
  const read = host.run('leadflowBuildData', [{}]);
  if (!read.ok) throw new ReportError(`Reading the leads for the build failed: ${read.error.message}`);
  for (const kind of kinds) {
    say(`Building the ${kind} sheet…`);
    const plan = planBuild(read.value as BuildData, { kind } as BuildRequest);
    const res = host.run('leadflowBuild', [{ plan }]);
    if (!res.ok) throw new ReportError(`Building the ${kind} sheet failed: ${res.error.message}`);
  }

  say(`Writing ${basename(opts.out)}…`);
  // The setup sheet is hidden in Sheets and stays hidden in the workbook.
  await writeWorkbookXlsx(host.spreadsheet, opts.out, { force: opts.force });
  const sheets = host.spreadsheet.getSheets().map((s) => s.getName());
  say(`Done: ${sheets.join(', ')}`);
  return { sheets, host };
}

function loadLeads(host: Host, name: string, table: LeadsTable): void {
  const sheet = host.addSheet(name, table.rows);
  const formats = table.numberFormats;
  // Number formats column by column, as Sheets keeps them from the import.
  const width = table.rows[0].length;
  for (let c = 0; c < width; c++) {
    const fmt = formats.slice(1).find((r) => r[c])?.[c];
    if (fmt && table.rows.length > 1) sheet.getRange(2, c + 1, table.rows.length - 1, 1).setNumberFormat(fmt);
  }
  sheet.getRange(1, 1, 1, width).setFontWeight('bold');
  sheet.setFrozenRows(1);
}

/** The setup from --setup (validated against the file's headers), or the add-on's own proposal from the headers. */
function saveSetup(host: Host, sheetName: string, table: LeadsTable, setupPath?: string): void {
  let setup: unknown;
  if (setupPath) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(setupPath, 'utf8'));
    } catch (e) {
      throw new ReportError(`--setup ${setupPath} is not a readable JSON file: ${(e as Error).message}`);
    }
    const withSheet = { ...(raw as object), leads: { sheet: sheetName, headerRow: 1, ...((raw as { leads?: object }).leads ?? {}) } };
    const { setup: valid, problems } = validateSetup(withSheet, table.rows[0]);
    if (!valid) throw new ReportError(`--setup ${setupPath} is not a valid LeadFlow setup:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`);
    setup = valid;
  } else {
    const state = host.run('leadflowSetupState', [{ sheetName }]);
    if (!state.ok) throw new ReportError(`Reading the leads failed: ${state.error.message}`);
    setup = (state.value as { setup: unknown }).setup;
  }
  const saved = host.run('leadflowSaveSetup', [{ setup }]);
  if (!saved.ok) throw new ReportError(`Saving the setup failed: ${saved.error.message}`);
  const result = saved.value as { ok: boolean; problems?: { field: string; message: string }[] };
  if (!result.ok) {
    throw new ReportError(`The setup for "${sheetName}" is not valid:\n${(result.problems ?? []).map((p) => `  ${p.field}: ${p.message}`).join('\n')}\nGive a setup with --setup setup.json.`);
  }
  if (!host.spreadsheet.getSheetByName(SETUP_SHEET)) throw new ReportError('The setup sheet was not written.');
}

export { LeadsFileError };
