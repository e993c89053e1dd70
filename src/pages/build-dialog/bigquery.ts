/**
 * The build dialog's "Use in BigQuery" panel, the part without a page: the table name checked,
 * the sheet's headers as BigQuery column names, the date columns' kind, and the SQL of the
 * dialog's choices (src/core/sql, BigQuery dialect). Nothing here reaches the server: the SQL is
 * written in the dialog, and the person runs it with their own BigQuery access.
 */
import type { BuildData, FlowRequest, FunnelRequest } from '../../core/report';
import { resolveCohort } from '../../core/report';
import { CompiledSql, compileSql, renderScript } from '../../core/sql';
import { DateStorage, NameStyle, cleanTable, columnNames, dateKinds, readHeaders, tableProblem } from '../../core/sql/names';

export { cleanTable, columnNames, dateKinds, mappedHeaders, readHeaders, snakeCase, tableProblem } from '../../core/sql/names';
export type { DateStorage, NameStyle } from '../../core/sql/names';

/** What the panel asks: where the leads are in BigQuery, how its columns are named and stored, which query. */
export interface BigQueryChoices {
  table: string;
  names: NameStyle;
  dates: DateStorage;
  /** 'all' (every query, a script for the BigQuery console) or one query's name. */
  query: string;
}

/** The choices above the panel the SQL follows. */
export type DialogChoices = ({ kind: 'funnel' } & FunnelRequest) | ({ kind: 'flow' } & FlowRequest);

export type PanelSql =
  | { ok: true; sql: string; queries: { name: string; title: string }[]; columns: string[] }
  | { ok: false; field: 'table' | 'choices'; message: string };

/**
 * The SQL of the dialog's choices, from the build data with its setup (withSetup: the saved setup,
 * or LeadFlow's proposal, as the build uses). A funnel's cohort has the bounds the funnel sheet
 * gets (resolveCohort); net lead flow counts per week or month.
 */
export function panelSql(data: BuildData, dialog: DialogChoices, choices: BigQueryChoices): PanelSql {
  const problem = tableProblem(choices.table);
  if (problem) return { ok: false, field: 'table', message: problem };
  const setup = data.setup;
  let cohort: { start?: number; end?: number; label: string; live?: boolean } | undefined;
  if (dialog.kind === 'funnel') {
    if (dialog.cohort === 'range' && !(dialog.start && dialog.end && dialog.start <= dialog.end)) {
      return { ok: false, field: 'choices', message: 'Choose the first and the last day of the range above, the first day first, to see its SQL.' };
    }
    try {
      const co = resolveCohort(dialog, data.now);
      // Year to date follows the calendar, as the sheet's TODAY() bounds do.
      cohort = { start: co.start, end: co.end, label: co.label, live: co.live };
    } catch (e) {
      return { ok: false, field: 'choices', message: e instanceof Error ? e.message : String(e) };
    }
    if (cohort.start !== undefined && !setup.columns.arrived) {
      return { ok: false, field: 'choices', message: 'This cohort picks leads by when they arrived, and no arrival date column is mapped. Choose "All leads", or map the arrival date in Open setup.' };
    }
  }
  const names = columnNames(setup, choices.names);
  const kinds = dateKinds(setup, names, choices.dates);
  const table = cleanTable(choices.table);
  const compiled = compileSql(setup, 'bigquery', {
    table,
    timeZone: data.timeZone,
    columnNames: choices.names === 'snake' ? names : undefined,
    kinds,
    cohort,
    unit: dialog.kind === 'flow' ? (dialog.period === 'week' ? 'week' : 'month') : undefined,
  });
  const notes = [
    `Table ${table}: ${choices.names === 'snake' ? 'column names in snake_case (Lead Status as lead_status)' : 'column names as the sheet\'s headers'}, dates stored as ${choices.dates === 'wall' ? 'DATE or DATETIME (read as they are)' : 'TIMESTAMP (read in that time zone)'}.`,
    data.saved ? `From the LeadFlow setup of the sheet "${setup.leads.sheet}".` : `From LeadFlow's proposal for the sheet "${setup.leads.sheet}" (no setup saved yet).`,
    ...(cohort ? [`Funnel cohort: ${cohort.label}${cohort.live ? ', leads that arrived from the first of January to the day the query runs' : cohort.start === undefined ? '' : `, leads that arrived ${day(cohort.start)} to ${day(cohort.end!)}`}.`] : []),
  ];
  const one = compiled.queries.find((q) => q.name === choices.query);
  const sql = one ? single(compiled, one, notes, data.timeZone) : renderScript(compiled, { target: 'BigQuery', timeZone: data.timeZone, notes });
  return {
    ok: true,
    sql,
    queries: compiled.queries.map((q) => ({ name: q.name, title: q.title })),
    columns: [...new Set(readHeaders(setup).map((h) => names[h] ?? h))],
  };
}

/** One query, commented, with no semicolon after it: what Connected Sheets' custom query takes. */
function single(compiled: CompiledSql, query: CompiledSql['queries'][number], notes: string[], timeZone: string): string {
  return renderScript({ ...compiled, queries: [query] }, { target: 'BigQuery', timeZone, notes }).replace(/;\s*$/, '\n');
}

const day = (wall: number) => new Date(wall).toISOString().slice(0, 10);
