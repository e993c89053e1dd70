/**
 * `leadflow sql`: the report's queries for a setup, commented, to paste into BigQuery (or run in
 * DuckDB). The setup comes from --setup, or is proposed from a leads file as the report would; the
 * table, its column names and how it stores dates are said on the command line.
 */
import { basename } from 'node:path';
import { Setup, defaultSetup, validateSetup } from '../core/setup';
import { CompiledSql, compileSql, DialectName, PeriodUnit, renderScript, standalone } from '../core/sql';
import { cleanTable, columnNames as tableColumnNames, dateKinds, readHeaders, tableProblem } from '../core/sql/names';
import { assertTimeZone } from './host/timezone.ts';
import { DEFAULT_TIME_ZONE, ReportError, mergeSetup, readSetupFile, understand } from './report';
import { proposeWithDuckDb } from './duckdb/report';

export const DIALECT_NAMES = ['bigquery', 'duckdb'] as const;
export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;

export interface SqlOptions {
  dialect: string;
  /** The leads table: project.dataset.table for BigQuery. */
  table?: string;
  setupPath?: string;
  /** A leads file to propose the setup from, when no --setup is given (or to fill in what it leaves out). */
  input?: string;
  timeZone?: string;
  /** 'headers' (as the setup names them) or 'snake' (Lead Status → lead_status). */
  columnNames?: string;
  /** 'timestamp' (instants, read in the time zone) or 'wall' (DATE / DATETIME, as they are). */
  dates?: string;
  period?: string;
  /** One query by name (funnel, by_source…), for Connected Sheets; all by default. */
  query?: string;
  map?: Record<string, string>;
  progress?: ((line: string) => void) | null;
}

export async function sqlScript(opts: SqlOptions): Promise<string> {
  const progress = opts.progress === null ? () => {} : opts.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (!(DIALECT_NAMES as readonly string[]).includes(opts.dialect)) throw new ReportError(`--dialect must be bigquery or duckdb, not "${opts.dialect}".`);
  const dialect = opts.dialect as DialectName;
  // DuckDB reads a leads file in place: its reader is the table, unless --table names another.
  const readsFile = dialect === 'duckdb' && !!opts.input && !/\.xlsx?m?$/i.test(opts.input);
  let table = cleanTable(opts.table ?? '');
  if (!table && !readsFile) throw new ReportError(`--table is required: the ${dialect === 'bigquery' ? 'BigQuery table holding the leads, as project.dataset.table' : 'DuckDB table holding the leads (or give a CSV or Parquet file to read)'}.`);
  const problem = dialect === 'bigquery' ? tableProblem(table) : '';
  if (problem) throw new ReportError(`--table "${table}": ${problem}`);
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new ReportError(`--time-zone "${opts.timeZone}" is not a time zone; expected an IANA name such as Europe/Paris or America/New_York.`);
  }
  if (opts.columnNames && !['headers', 'snake'].includes(opts.columnNames)) throw new ReportError(`--column-names must be headers or snake, not "${opts.columnNames}".`);
  if (opts.dates && !['timestamp', 'wall'].includes(opts.dates)) throw new ReportError(`--dates must be timestamp (instants, shown in the time zone) or wall (DATE or DATETIME, as they are), not "${opts.dates}".`);
  if (opts.period && !(PERIODS as readonly string[]).includes(opts.period)) throw new ReportError(`--period must be one of ${PERIODS.join(', ')}, not "${opts.period}".`);

  const unit = (opts.period as PeriodUnit | undefined) ?? 'month';
  let compiled: CompiledSql;
  let headers: string[];
  let columnNames: Record<string, string> | undefined;
  if (readsFile) {
    // The file's own columns, read as the DuckDB report reads them (day orders, decimal marks, types).
    const u = await proposeWithDuckDb({ input: opts.input!, setupPath: opts.setupPath, map: opts.map, timeZone });
    for (const line of [...u.reading.notes.map((n) => `Reading: ${n}`), ...u.lines]) progress(line);
    table ||= u.source.from;
    headers = readHeaders(u.setup);
    compiled = compileSql(u.setup, dialect, { table, timeZone, unit, columnNames: u.reading.columnNames, kinds: u.reading.kinds, dateFormats: u.reading.dateFormats, decimalMarks: u.reading.decimalMarks });
  } else {
    const setup = await setupFor(opts, timeZone, progress);
    headers = readHeaders(setup);
    const names = tableColumnNames(setup, opts.columnNames === 'snake' ? 'snake' : 'headers');
    columnNames = opts.columnNames === 'snake' ? names : undefined;
    compiled = compileSql(setup, dialect, { table, timeZone, columnNames, kinds: dateKinds(setup, names, opts.dates === 'wall' ? 'wall' : 'timestamp'), unit });
  }
  if (opts.query) {
    const one = compiled.queries.find((q) => q.name === opts.query);
    if (!one) throw new ReportError(`--query "${opts.query}" is not one of this setup's queries: ${compiled.queries.map((q) => q.name).join(', ')}.`);
    return `${standalone(compiled, one)}\n`;
  }
  const target = dialect === 'bigquery' ? `the BigQuery table ${table}` : readsFile ? `DuckDB, reading ${opts.input}` : `the DuckDB table ${table}`;
  return renderScript(compiled, {
    target, timeZone,
    notes: [
      readsFile
        ? `Columns: ${headers.join(', ')}, read as the file writes them.`
        : `Columns: ${headers.map((h) => `${columnNames?.[h] ?? h}`).join(', ')}${columnNames ? ' (the setup\'s headers in snake_case)' : ''}. Dates: ${opts.dates === 'wall' ? 'DATE or DATETIME columns, read as they are' : 'TIMESTAMP columns, read in that time zone'}.`,
    ],
  });
}

async function setupFor(opts: SqlOptions, timeZone: string, progress: (line: string) => void): Promise<Setup> {
  if (opts.input) {
    // A leads file: the setup proposed from it, as the report would use it (--setup filling in what it says).
    if (/\.xlsx?m?$/i.test(opts.input)) {
      const u = await understand({ input: opts.input, setupPath: opts.setupPath, map: opts.map, timeZone, progress: null });
      for (const line of u.lines) progress(line);
      return u.setup;
    }
    const u = await proposeWithDuckDb({ input: opts.input, setupPath: opts.setupPath, map: opts.map, timeZone });
    for (const line of u.lines) progress(line);
    return u.setup;
  }
  if (!opts.setupPath) throw new ReportError('give the setup with --setup setup.json (write one with "leadflow setup leads.csv"), or a leads file to propose one from.');
  // A partial setup stands on the default one, as the report's --setup stands on the proposal.
  const partial = readSetupFile(opts.setupPath);
  const { setup, problems } = validateSetup(mergeSetup(partial, defaultSetup(partial.leads?.sheet ?? 'Leads'), partial.leads?.sheet ?? 'Leads'));
  if (!setup) throw new ReportError(`--setup ${basename(opts.setupPath)} is not a valid LeadFlow setup:\n${problems.slice(0, 4).map((p) => `  ${p.field}: ${p.message}`).join('\n')}${problems.length > 4 ? `\n  and ${problems.length - 4} more` : ''}`);
  return setup;
}
