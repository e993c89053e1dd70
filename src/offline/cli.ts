/**
 * The `leadflow` command: `report` builds the sheets from a CRM export into an .xlsx; `setup`
 * prints the setup LeadFlow would use for an export, as JSON to edit and pass back with --setup.
 */
import { parseArgs } from 'node:util';
import { ACTIONS, Action, DATE_ORDERS, DateOrderOption, LeadsFileError, ReportError, runReport, understand } from './report';

const COMMON = `  --setup setup.json         a setup (from "leadflow setup", edited); what it leaves out is proposed as without one
  --map role="Header"        use this column for a role (status, arrived, result, source, owner, value, removedAt,
                             lastActivity...); repeat for several
  --date-order dmy|mdy|ymd   how numeric dates are written, when the file cannot show it (default: worked out per column)
  --locale en_US|fr_FR|...   the spreadsheet locale to fall back on for day order and decimal marks (default en_US)
  --time-zone Area/City      the time zone the export's dates are in (default America/New_York)`;

const USAGE = {
  report: `Usage: leadflow report <leads.csv|leads.xlsx> --out report.xlsx [options]

Builds LeadFlow's sheets from a CRM export without Google and writes the workbook: the built sheets
(formulas with their computed values), the leads, and the setup. It first says what it understood:
the columns it picked (guesses first), how dates are read, the pipeline, and any statuses it could not place.

  --out report.xlsx          where to write the workbook (required)
  --action ${ACTIONS.join('|')}   which sheets to build (default all)
  --force                    replace the output file if it exists
${COMMON}`,
  setup: `Usage: leadflow setup <leads.csv|leads.xlsx> [options] > setup.json

Prints the complete setup LeadFlow would use for this export (columns, pipeline, scoring) as JSON.
Edit it, then pass it to "leadflow report" with --setup setup.json. What LeadFlow understood goes to stderr.

${COMMON}`,
};

const GENERAL = `Usage:
  leadflow report <leads.csv|leads.xlsx> --out report.xlsx [options]
  leadflow setup <leads.csv|leads.xlsx> [options] > setup.json
  leadflow <command> --help`;

function parseMap(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m || !m[2].trim()) throw new ReportError(`--map ${v}: expected role="Header", such as --map status="Lifecycle Stage".`);
    out[m[1].trim()] = m[2].trim().replace(/^["']|["']$/g, '');
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(GENERAL);
    return command ? 0 : 2;
  }
  if (command !== 'report' && command !== 'setup') {
    console.error(`leadflow: unknown command "${command}".\n\n${GENERAL}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE[command]);
    return 0;
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
        map: { type: 'string', multiple: true },
        force: { type: 'boolean', default: false },
        'time-zone': { type: 'string' },
        'date-order': { type: 'string' },
        locale: { type: 'string' },
      },
    });
  } catch (e) {
    console.error(`leadflow ${command}: ${(e as Error).message}\n\n${USAGE[command]}`);
    return 2;
  }
  const input = parsed.positionals[0];
  if (!input || parsed.positionals.length > 1) {
    console.error(`leadflow ${command}: give exactly one leads file (CSV or xlsx).\n\n${USAGE[command]}`);
    return 2;
  }
  if (command === 'report' && !parsed.values.out) {
    console.error(`leadflow report: --out report.xlsx is required.\n\n${USAGE.report}`);
    return 2;
  }
  try {
    const common = {
      input,
      setupPath: parsed.values.setup,
      map: parseMap(parsed.values.map),
      timeZone: parsed.values['time-zone'],
      dateOrder: parsed.values['date-order'] as DateOrderOption | undefined,
      locale: parsed.values.locale,
    };
    if (command === 'setup') {
      const u = await understand(common);
      for (const line of u.lines) console.error(line);
      console.log(JSON.stringify(u.setup, null, 2));
      return 0;
    }
    await runReport({ ...common, out: parsed.values.out!, action: parsed.values.action as Action, force: parsed.values.force });
    return 0;
  } catch (e) {
    if (e instanceof LeadsFileError || e instanceof ReportError) {
      console.error(`leadflow ${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

export { DATE_ORDERS };
