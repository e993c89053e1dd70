/**
 * LeadFlow's definitions as SQL, past one spreadsheet: the setup compiles to one model of the
 * leads (model.ts) and the report's queries over it (queries.ts), in DuckDB's dialect for local
 * runs or BigQuery Standard SQL for the cloud (dialects.ts). Each query can be printed whole, with
 * the model in front (to paste into BigQuery or Connected Sheets), or run over a table the model
 * was saved to once (DuckDB reads ten million leads once, not once per query).
 */
import type { Setup } from '../setup';
import { DIALECTS, Dialect, DialectName } from './dialects';
import { Cte, LeadsModel, ModelOptions, leadsModel } from './model';
import { QueryOptions, SqlQuery, queriesFor } from './queries';

export { DIALECTS, WHITE_SPACE, duckdb, bigquery } from './dialects';
export type { Dialect, DialectName, PeriodUnit } from './dialects';
export type { ColumnKind, ModelOptions, LeadsModel, Cte } from './model';
export type { QueryName, QueryOptions, SqlQuery } from './queries';
export { columnName } from './queries';

export interface CompileOptions extends ModelOptions, QueryOptions {}

export interface CompiledSql {
  dialect: Dialect;
  model: LeadsModel;
  queries: SqlQuery[];
}

export function compileSql(setup: Setup, dialect: DialectName | Dialect, opts: CompileOptions): CompiledSql {
  const d = typeof dialect === 'string' ? DIALECTS[dialect] : dialect;
  const model = leadsModel(d, setup, opts);
  return { dialect: d, model, queries: queriesFor(d, model, opts) };
}

const commentLines = (text: string, indent = '') => wrap(text, 96).map((line) => `${indent}-- ${line}`).join('\n');

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function withClause(ctes: Cte[]): string {
  if (!ctes.length) return '';
  return `WITH\n${ctes.map((c) => `${commentLines(c.comment)}\n${c.name} AS (\n  ${c.sql}\n)`).join(',\n')}\n`;
}

/** One query, whole: the model's expressions, then the query's own, then its SELECT. */
export function standalone(compiled: CompiledSql, query: SqlQuery): string {
  // A query's expressions that share a name with the model's are the same (cohort, grouped…): listed once.
  const names = new Set(compiled.model.ctes.map((c) => c.name));
  const own = query.ctes.filter((c, i) => !names.has(c.name) && query.ctes.findIndex((x) => x.name === c.name) === i);
  return `${withClause([...compiled.model.ctes, ...own])}${query.select}`;
}

/** The model saved as a table named `leads`: what DuckDB runs once before the queries. */
export function modelAsSelect(compiled: CompiledSql): string {
  return `${withClause(compiled.model.ctes.slice(0, -1))}${compiled.model.ctes[compiled.model.ctes.length - 1].sql}`;
}

/** One query over a table named `leads` that holds the model's rows. */
export function overLeadsTable(query: SqlQuery): string {
  const own = query.ctes.filter((c, i) => query.ctes.findIndex((x) => x.name === c.name) === i);
  return `${withClause(own)}${query.select}`;
}

export interface ScriptHeader {
  /** Where the queries will run, said in the first lines. */
  target: string;
  setupName?: string;
  timeZone: string;
  /** Extra lines for the header (how dates are read, where to paste). */
  notes?: string[];
}

/** Every query, whole and commented, one after another: what `leadflow sql` prints and the build dialog shows. */
export function renderScript(compiled: CompiledSql, header: ScriptHeader): string {
  const top = [
    `LeadFlow queries for ${header.target}${header.setupName ? `, from the setup "${header.setupName}"` : ''}.`,
    `Dates are read in the time zone ${header.timeZone}, as the spreadsheet shows them. Each query below stands alone: run them in the BigQuery console, or paste one at a time into Connected Sheets, which takes a single query.`,
    ...(header.notes ?? []),
  ];
  const parts = compiled.queries.map((q) => `${commentLines(`${q.title}. ${q.comment}`)}\n${standalone(compiled, q)};`);
  return `${top.map((t) => commentLines(t)).join('\n')}\n\n${parts.join('\n\n')}\n`;
}
