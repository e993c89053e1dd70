/**
 * The build dialog's "Use in BigQuery" panel, the part without a page: the table name checked,
 * the sheet's headers as BigQuery column names, the date columns' kind, and the SQL of the
 * dialog's choices (src/core/sql, BigQuery dialect). Nothing here reaches the server: the SQL is
 * written in the dialog, and the person runs it with their own BigQuery access.
 */
import type { BuildData, FlowRequest, FunnelRequest } from '../../core/report';
import { resolveCohort } from '../../core/report';
import { ColumnField, Setup } from '../../core/setup';
import { ColumnKind, CompiledSql, compileSql, renderScript } from '../../core/sql';

export type NameStyle = 'headers' | 'snake';
export type DateStorage = 'timestamp' | 'wall';

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

/** The table as typed, without the backticks BigQuery's console adds when it copies a name. */
export const cleanTable = (text: string): string => text.replace(/`/g, '').trim();

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** A domain-scoped project ID: example.com:my-project. */
const DOMAIN = /^((?:[a-z0-9-]+\.)+[a-z]{2,}:)(.*)$/;
const DATASET = /^[A-Za-z0-9_]{1,1024}$/;
/** BigQuery table names: letters, marks, digits, connectors (_), dashes and spaces. */
const TABLE = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;

/** What is wrong with a table name (project.dataset.table or dataset.table), in a sentence; '' when nothing. */
export function tableProblem(text: string): string {
  const t = cleanTable(text);
  if (!t) return 'Type the table that holds your leads, as project.dataset.table.';
  const domain = DOMAIN.exec(t);
  const parts = (domain ? domain[2] : t).split('.');
  if (parts.length === 1) return `Add the dataset: write dataset.table or project.dataset.table, e.g. my-project.crm.${t}.`;
  if (parts.length > 3) return `A table name has at most three parts, project.dataset.table; “${t}” has ${parts.length}.`;
  if (parts.some((p) => !p)) return 'A part of the name is empty: write project.dataset.table, with one dot between parts.';
  const [project, dataset, table] = parts.length === 3 ? parts : [undefined, ...parts];
  if (domain && project === undefined) return 'A domain-scoped project needs the dataset and table too: example.com:my-project.dataset.table.';
  if (project !== undefined && !PROJECT.test(project)) {
    return `“${project}” is not a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens, starting with a letter.`;
  }
  if (!DATASET.test(dataset!)) return `“${dataset}” is not a dataset name: letters, digits and underscores only.`;
  if (!TABLE.test(table!)) return `“${table}” is not a table name: letters, digits, underscores, hyphens and spaces only.`;
  return '';
}

/** The fields of the setup whose columns hold dates the SQL reads. */
const DATE_FIELDS: ColumnField[] = ['arrived', 'removedAt', 'lastActivity'];

/** Every header the setup maps (columns, stage dates, stage flags), once each, in the setup's order. */
export function mappedHeaders(setup: Setup): string[] {
  const c = setup.columns;
  const all = [
    ...(Object.keys(c) as (keyof typeof c)[]).filter((k) => typeof c[k] === 'string').map((k) => c[k] as string),
    ...Object.values(c.stageDates ?? {}),
    ...Object.values(c.stageFlags ?? {}),
  ];
  return [...new Set(all.filter((h) => typeof h === 'string' && h.trim() !== ''))];
}

/** The headers the SQL reads (the model's fields, stage dates and stage flags). */
export function readHeaders(setup: Setup): string[] {
  const c = setup.columns;
  const fields: ColumnField[] = ['status', 'result', 'arrived', 'removedAt', 'lastActivity', 'value', 'source', 'owner'];
  const all = [...fields.map((f) => c[f] as string), ...Object.values(c.stageDates ?? {}), ...Object.values(c.stageFlags ?? {})];
  return [...new Set(all.filter((h) => typeof h === 'string' && h.trim() !== ''))];
}

/** A header in snake_case: "Lead Status" → lead_status, "Créé le" → cree_le; a leading digit gets an underscore. */
export function snakeCase(header: string): string {
  const s = header.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'column';
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** The BigQuery name of each mapped header: itself, or in snake_case (two headers never share a name). */
export function columnNames(setup: Setup, style: NameStyle): Record<string, string> {
  const out: Record<string, string> = {};
  const taken = new Set<string>();
  for (const h of mappedHeaders(setup)) {
    if (style === 'headers') {
      out[h] = h;
      continue;
    }
    const base = snakeCase(h);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    out[h] = name;
  }
  return out;
}

/** How the date columns are stored, by BigQuery name: left out for TIMESTAMP (the compiler's default). */
export function dateKinds(setup: Setup, names: Record<string, string>, dates: DateStorage): Record<string, ColumnKind> | undefined {
  if (dates !== 'wall') return undefined;
  const c = setup.columns;
  const headers = [...DATE_FIELDS.map((f) => c[f] as string), ...Object.values(c.stageDates ?? {})].filter((h) => h && h.trim());
  return Object.fromEntries(headers.map((h) => [names[h] ?? h, 'wall' as ColumnKind]));
}

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
