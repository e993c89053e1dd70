/**
 * The `leadflow` command. `leadflow report <leads.csv|leads.xlsx> --out report.xlsx
 * [--action funnel|flow|checklist|all] [--setup setup.json] [--force] [--time-zone Area/City]`.
 */
import { parseArgs } from 'node:util';
import { ACTIONS, Action, LeadsFileError, ReportError, runReport } from './report';

const USAGE = `Usage:
  leadflow report <leads.csv|leads.xlsx> --out report.xlsx [--action ${ACTIONS.join('|')}] [--setup setup.json] [--force] [--time-zone Area/City]

Runs LeadFlow's menu actions on a CRM export without Google and writes the workbook (the leads
sheet, the setup and every built sheet, formulas kept with their computed values) to .xlsx.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'report') {
    console.error(`leadflow: unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        action: { type: 'string', default: 'all' },
        setup: { type: 'string' },
        force: { type: 'boolean', default: false },
        'time-zone': { type: 'string' },
      },
    });
  } catch (e) {
    console.error(`leadflow report: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const input = parsed.positionals[0];
  if (!input || parsed.positionals.length > 1) {
    console.error(`leadflow report: give exactly one leads file (CSV or xlsx).\n\n${USAGE}`);
    return 2;
  }
  if (!parsed.values.out) {
    console.error(`leadflow report: --out report.xlsx is required.\n\n${USAGE}`);
    return 2;
  }
  try {
    await runReport({
      input,
      out: parsed.values.out,
      action: parsed.values.action as Action,
      setupPath: parsed.values.setup,
      force: parsed.values.force,
      timeZone: parsed.values['time-zone'],
    });
    return 0;
  } catch (e) {
    if (e instanceof LeadsFileError || e instanceof ReportError) {
      console.error(`leadflow report: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
