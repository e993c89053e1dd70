/**
 * The `leadflow` command: `report` builds the sheets from a CRM export into an .xlsx; `setup`
 * prints the setup LeadFlow would use for an export, as JSON to edit and pass back with --setup;
 * `sql` prints the report's queries for BigQuery (or DuckDB). DuckDB is loaded only when used.
 */
import { parseArgs } from 'node:util';
import { MAX_MESSAGE, bounded, clip } from '../core/errors';
import { SourceError } from './duckdb/source';
import { ENGINES, chooseEngine } from './engines';
import { ACTIONS, Action, DATE_ORDERS, DateOrderOption, LeadsFileError, ReportError, runReport, understand } from './report';

const COMMON = `  --setup setup.json         a setup (from "leadflow setup", edited); what it leaves out is proposed as without one
  --map role="Header"        use this column for a role (status, arrived, result, source, owner, value, removedAt,
                             lastActivity...); repeat for several
  --date-order dmy|mdy|ymd   how numeric dates are written, when the file cannot show it (default: worked out per column)
  --locale en_US|fr_FR|...   the spreadsheet locale to fall back on for day order and decimal marks (default en_US)
  --time-zone Area/City      the time zone the export's dates are in (default America/New_York)`;

const USAGE = {
  report: `Usage: leadflow report <leads.csv|leads.xlsx|leads.parquet|directory> --out report.xlsx [options]

Builds LeadFlow's sheets from a CRM export without Google and writes the workbook: the built sheets
(formulas with their computed values), the leads, and the setup. It first says what it understood:
the columns it picked (guesses first), how dates are read, the pipeline, and any statuses it could not place.

  --out report.xlsx          where to write the workbook (required)
  --action ${ACTIONS.join('|')}   which sheets to build (default all)
  --force                    replace the output file if it exists
  --engine ${ENGINES.join('|')}  memory: the export read as Sheets reads it, sheets of formulas over the leads;
                             duckdb: CSV or Parquet files read in place by DuckDB, any number of leads,
                             funnel and net lead flow sheets with their values (default auto: DuckDB for
                             Parquet, a directory, or a CSV past 100 MB)
${COMMON}`,
  setup: `Usage: leadflow setup <leads.csv|leads.xlsx> [options] > setup.json

Prints the complete setup LeadFlow would use for this export (columns, pipeline, scoring) as JSON.
Edit it, then pass it to "leadflow report" with --setup setup.json. What LeadFlow understood goes to stderr.

${COMMON}`,
  sql: `Usage: leadflow sql --dialect bigquery --table project.dataset.leads [--setup setup.json] [leads file] [options]
       leadflow sql --dialect duckdb leads.parquet [options]

Prints the report's queries (funnel, by source and owner, conversion by arrival month, net lead flow,
median days between stages, statuses no stage matches) for the setup, commented, ready to paste into
the BigQuery console or, one at a time, into Connected Sheets (Data > Data connectors > BigQuery >
custom query). With a leads file and no --setup, the setup is the one "leadflow setup" proposes.

  --dialect bigquery|duckdb  the SQL dialect (default bigquery)
  --table NAME               the table holding the leads (project.dataset.table for BigQuery); with
                             --dialect duckdb and a CSV or Parquet file, the file is read in place
  --column-names headers|snake   the table's column names: the setup's headers as they are, or in
                             snake_case as CRM syncs write them (Lead Status as lead_status); default headers
  --dates timestamp|wall     TIMESTAMP columns (instants, shown in the time zone; default) or DATE/DATETIME
  --period week|month|quarter|year   net lead flow's period (default month)
  --query NAME               print one query only (funnel, by_source, net_lead_flow...)
  --setup setup.json         the setup (from "leadflow setup", edited)
  --map role="Header"        with a leads file: use this column for a role
  --time-zone Area/City      the spreadsheet's time zone (default America/New_York)`,
};

const GENERAL = `Usage:
  leadflow report <leads.csv|leads.xlsx> --out report.xlsx [options]
  leadflow setup <leads.csv|leads.xlsx> [options] > setup.json
  leadflow sql --dialect bigquery --table project.dataset.leads --setup setup.json
  leadflow <command> --help`;

function parseMap(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m || !m[2].trim()) throw new ReportError(`--map ${clip(v)}: expected role="Header", such as --map status="Lifecycle Stage".`);
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
  if (command !== 'report' && command !== 'setup' && command !== 'sql') {
    console.error(`leadflow: unknown command "${clip(command)}"; use report, setup or sql.\n\n${GENERAL}`);
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
        engine: { type: 'string' },
        dialect: { type: 'string' },
        table: { type: 'string' },
        'column-names': { type: 'string' },
        dates: { type: 'string' },
        period: { type: 'string' },
        query: { type: 'string' },
      },
    });
  } catch (e) {
    console.error(`leadflow ${command}: ${optionProblem(e)}\n\n${USAGE[command]}`);
    return 2;
  }
  const input = parsed.positionals[0];
  if (command === 'sql') return printSql(parsed.values, input, parsed.positionals.length);
  if (!input || parsed.positionals.length > 1) {
    console.error(`leadflow ${command}: give exactly one leads file (CSV or xlsx).\n\n${USAGE[command]}`);
    return 2;
  }
  if (command === 'report' && !parsed.values.out) {
    console.error(`leadflow report: --out report.xlsx is required: give the path of the workbook to write.\n\n${USAGE.report}`);
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
    const report = { ...common, out: parsed.values.out!, action: parsed.values.action as Action, force: parsed.values.force };
    const { engine, why } = chooseEngine(input, parsed.values.engine);
    if (engine === 'memory') await runReport(report);
    else {
      if (why) console.error(`Using DuckDB: ${why} (--engine memory to read it in memory instead).`);
      await (await import('./duckdb/report')).runDuckDbReport(report);
    }
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      console.error(bounded(`leadflow ${command}: ${e.message}`, MAX_MESSAGE));
      return 1;
    }
    // Anything else is LeadFlow's own fault: one line saying so, the details only when asked for.
    if (process.env.LEADFLOW_DEBUG) console.error(e);
    const what = e instanceof RangeError ? 'ran out of room (the file may be too large for this computer\'s memory)' : 'stopped on something it did not expect';
    console.error(`leadflow ${command}: LeadFlow ${what}; nothing was written. Run it again with LEADFLOW_DEBUG=1 for the details, and please report them.`);
    return 1;
  }
}

/** A problem with what the person gave (a file, an option, a setup), said as it is; anything else is LeadFlow's. */
function isUserError(e: unknown): e is Error {
  return e instanceof LeadsFileError || e instanceof ReportError || e instanceof SourceError;
}

async function printSql(values: Record<string, string | boolean | string[] | undefined>, input: string | undefined, positionals: number): Promise<number> {
  if (positionals > 1) {
    console.error(`leadflow sql: give at most one leads file.\n\n${USAGE.sql}`);
    return 2;
  }
  try {
    const { sqlScript } = await import('./sql');
    process.stdout.write(await sqlScript({
      dialect: (values.dialect as string | undefined) ?? 'bigquery', table: values.table as string | undefined, setupPath: values.setup as string | undefined, input,
      timeZone: values['time-zone'] as string | undefined, columnNames: values['column-names'] as string | undefined, dates: values.dates as string | undefined,
      period: values.period as string | undefined, query: values.query as string | undefined, map: parseMap(values.map as string[] | undefined),
    }));
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      console.error(bounded(`leadflow sql: ${e.message}`, MAX_MESSAGE));
      return 1;
    }
    throw e;
  }
}

/** What was wrong with the options, in the command's words (node's parser quotes whole arguments and its own codes). */
function optionProblem(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = String((e as Error).message ?? e);
  const option = /(--[\w-]+)/.exec(message)?.[1] ?? /'(-[^'\s,]+)/.exec(message)?.[1];
  const name = option ? clip(option, 40) : 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `${name} is not an option of this command (see the options below).`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': return /argument missing/.test(message) ? `${name} needs a value, as in ${name} <value>.` : `${name} takes no value.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': return 'give exactly one leads file (CSV or xlsx).';
    default: return clip(message, 200);
  }
}

export { DATE_ORDERS };
