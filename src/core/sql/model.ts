/**
 * The leads as SQL: the common table expressions every query starts from. They say in SQL what
 * evidence.ts says in TypeScript, rule for rule: a status is matched by its label (case, spaces,
 * hyphens and dots ignored) against every stage, exit and alias of the setup; a status no stage
 * matches holds the lead back; won/lost, stage dates, stage flags and the arrival date can only
 * take a lead further; an exit from the won/lost column wins over the status's. Then flow.ts's
 * removal rules: a removing exit takes the lead out at its removal date (else its arrival), an open
 * lead quiet for the setup's days goes out on the day it went quiet.
 *
 *   lead_rows      the table's columns under LeadFlow's names, typed: the one place to rename them
 *   spellings      every stage, exit and alias of the pipeline, by label
 *   known_statuses each distinct status or won/lost value with what it means
 *   leads          each row's furthest stage (-1: not a lead, or held back), exit, removal
 */
import { FLAG_YES } from '../evidence';
import { Pipeline } from '../pipeline';
import { ColumnField, Setup, pipelineOf } from '../setup';
import { INACTIVE } from '../flow';
import { normalizeLabel } from '../values';
import { Dialect, Literal } from './dialects';

/** How a column is stored in the table: what SQL must do to read it as LeadFlow does. */
export type ColumnKind = 'text' | 'number' | 'boolean' | 'instant' | 'wall';

export interface ModelOptions {
  /** The leads in a FROM clause: `project.dataset.leads`, or read_parquet('…') for DuckDB. */
  table: string;
  /** The spreadsheet's time zone: instants (TIMESTAMP columns) are read as its wall-clock time. */
  timeZone: string;
  /** The table's own name for a header of the setup, where they differ (BigQuery names have no spaces). */
  columnNames?: Record<string, string>;
  /** How each column (by the table's name) is stored. Unlisted: dates are instants, the deal value a number, the rest text. */
  kinds?: Record<string, ColumnKind>;
  /** strptime formats for dates stored as text, per column (by the table's name), tried after ISO (2026-03-01). */
  dateFormats?: Record<string, string[]>;
  /** The decimal mark of amounts stored as text, per column (default "."). */
  decimalMarks?: Record<string, '.' | ','>;
  /** "Now" as a wall time (ms), for leads gone quiet; left out, the clock when the query runs. */
  now?: number;
}

/** One common table expression: its name, what it is for, and its SELECT. */
export interface Cte {
  name: string;
  comment: string;
  sql: string;
}

/** A date-like field of the leads, and the alias it has in lead_rows. */
const DATE_FIELDS: Partial<Record<ColumnField, string>> = { arrived: 'arrived', removedAt: 'removed_at', lastActivity: 'last_activity' };

/** The columns of `leads` every query may read. */
export interface LeadsModel {
  ctes: Cte[];
  pipeline: Pipeline;
  /** Fields the setup maps, so a query can leave out what the leads do not have. */
  has: { [F in 'arrived' | 'removedAt' | 'lastActivity' | 'value' | 'source' | 'owner' | 'status']: boolean };
  /** Stages with a date column, as (stage index, alias in `leads`, the leads' header). */
  stageDates: { stage: number; column: string; header: string }[];
  /** Stages with a yes/no flag column, the same way (the alias holds TRUE where the flag is set). */
  stageFlags: { stage: number; column: string; header: string }[];
  /** Names of the exits that remove a lead, and INACTIVE when quiet leads are counted. */
  removalReasons: string[];
  /** The wall time "now" in SQL. */
  now: string;
  timeZone: string;
}

/** The SQL name of a header: its rename, as given, quoted. */
function columnOf(d: Dialect, opts: ModelOptions, header: string): string {
  return d.ident(opts.columnNames?.[header] ?? header);
}

function kindOf(opts: ModelOptions, header: string, fallback: ColumnKind): ColumnKind {
  return opts.kinds?.[opts.columnNames?.[header] ?? header] ?? fallback;
}

/** A column as text: numbers written as JavaScript writes them, NULL when blank. */
function textOf(d: Dialect, column: string, kind: ColumnKind): string {
  return kind === 'number' ? d.numberText(column) : kind === 'text' ? d.nullIfBlank(d.asText(column)) : d.asText(column);
}

/** A date column (by its header) as a wall time in the spreadsheet's time zone. */
function wallOf(d: Dialect, opts: ModelOptions, header: string): string {
  const name = opts.columnNames?.[header] ?? header;
  const column = d.ident(name);
  const kind = kindOf(opts, header, 'instant');
  if (kind === 'instant') return d.instantToWall(column, opts.timeZone);
  if (kind === 'text') return d.parseWall(column, opts.dateFormats?.[name] ?? [], opts.timeZone);
  return d.asWall(column);
}

/** A stage flag set (isFlagSet): TRUE, the number 1, or yes / x / ✓ / oui / sí / ja… in any case and spacing. */
function flagOf(d: Dialect, column: string, kind: ColumnKind): string {
  if (kind === 'boolean') return `COALESCE(${column}, FALSE)`;
  if (kind === 'number') return `COALESCE(${column} = 1, FALSE)`;
  const yes = [...FLAG_YES].map((w) => d.text(w)).join(', ');
  return `COALESCE(LOWER(${d.spelling(d.asText(column))}) IN (${yes}), FALSE)`;
}

export function leadsModel(d: Dialect, setup: Setup, opts: ModelOptions): LeadsModel {
  const pipeline = new Pipeline(pipelineOf(setup));
  const cols = setup.columns;
  const mapped = (field: ColumnField) => !!cols[field];
  const select: string[] = [];
  const field = (f: ColumnField, alias: string, read: (column: string, kind: ColumnKind) => string, fallback: ColumnKind) => {
    if (!mapped(f)) return;
    select.push(`${read(columnOf(d, opts, cols[f]), kindOf(opts, cols[f], fallback))} AS ${alias}`);
  };
  const dateField = (f: ColumnField, alias: string) => {
    if (mapped(f)) select.push(`${wallOf(d, opts, cols[f])} AS ${alias}`);
  };
  field('status', 'status', (c, k) => textOf(d, c, k), 'text');
  field('result', 'result', (c, k) => textOf(d, c, k), 'text');
  for (const [f, alias] of Object.entries(DATE_FIELDS)) dateField(f as ColumnField, alias);
  const valueName = opts.columnNames?.[cols.value] ?? cols.value;
  field('value', 'deal_value', (c, k) => (k === 'number' ? `CAST(${c} AS ${d.name === 'duckdb' ? 'DOUBLE' : 'FLOAT64'})` : d.parseAmount(d.asText(c), opts.decimalMarks?.[valueName] ?? '.')), 'number');
  field('source', 'lead_source', (c, k) => (k === 'number' ? d.numberText(c) : d.asText(c)), 'text');
  field('owner', 'lead_owner', (c, k) => (k === 'number' ? d.numberText(c) : d.asText(c)), 'text');
  const stageDates: { stage: number; column: string; header: string }[] = [];
  for (const [stageName, header] of Object.entries(cols.stageDates ?? {})) {
    const stage = pipeline.stageIndex(stageName);
    if (stage < 0 || !header) continue;
    const alias = `stage_${stage + 1}_date`;
    if (stageDates.some((s) => s.column === alias)) continue;
    select.push(`${wallOf(d, opts, header)} AS ${alias}`);
    stageDates.push({ stage, column: alias, header });
  }
  const stageFlags: { stage: number; column: string; header: string }[] = [];
  for (const [stageName, header] of Object.entries(cols.stageFlags ?? {})) {
    const stage = pipeline.stageIndex(stageName);
    if (stage < 0 || !header) continue;
    const alias = `stage_${stage + 1}_flag`;
    if (stageFlags.some((s) => s.column === alias)) continue;
    select.push(`${flagOf(d, columnOf(d, opts, header), kindOf(opts, header, 'text'))} AS ${alias}`);
    stageFlags.push({ stage, column: alias, header });
  }
  if (select.length === 0) select.push('1 AS no_columns_mapped');
  const ctes: Cte[] = [{
    name: 'lead_rows',
    comment: 'Your columns under the names these queries use. If your table names a column differently, change it here, on the left of AS.',
    sql: `SELECT\n    ${select.join(',\n    ')}\n  FROM ${d.table(opts.table)}`,
  }];

  // Every spelling of a stage, exit or alias, by label; an exit reaches the stage it leaves from.
  const spellingRows: Literal[][] = [];
  const seen = new Set<string>();
  const spell = (name: string, stage: number, exit: number) => {
    const label = normalizeLabel(name);
    if (seen.has(label)) return;
    seen.add(label);
    spellingRows.push([label, stage, exit]);
  };
  pipeline.def.stages.forEach((s, k) => [s.name, ...s.aliases].forEach((n) => spell(n, k, -1)));
  pipeline.def.exits.forEach((e, x) => [e.name, ...e.aliases].forEach((n) => spell(n, pipeline.stageIndex(e.from), x)));
  ctes.push({
    name: 'spellings',
    comment: 'The pipeline: every stage, exit and alias by its label (lower case, spaces, hyphens, dots and slashes as one space); stage 0 is the first, exit -1 is none.',
    sql: `SELECT label, stage, exit_no FROM ${d.rows([{ name: 'label', type: 'text' }, { name: 'stage', type: 'int' }, { name: 'exit_no', type: 'int' }], spellingRows)}`,
  });

  const hasStatus = mapped('status');
  const hasResult = mapped('result');
  const distinct = [hasStatus ? 'SELECT DISTINCT status AS raw FROM lead_rows' : '', hasResult ? 'SELECT DISTINCT result AS raw FROM lead_rows' : ''].filter(Boolean);
  if (distinct.length) {
    ctes.push({
      name: 'known_statuses',
      comment: 'Each distinct status (and won/lost value) with the stage and exit its label means; NULL stage: no stage or exit matches it.',
      sql: `SELECT v.raw, s.stage, s.exit_no\n  FROM (${distinct.join(' UNION DISTINCT ')}) AS v\n  LEFT JOIN spellings AS s ON s.label = ${d.label('v.raw')}\n  WHERE v.raw IS NOT NULL`,
    });
  }
  const evidence = [
    hasStatus ? 'COALESCE(st.stage, -1)' : '',
    hasResult ? 'COALESCE(rs.stage, -1)' : '',
    ...stageDates.map((s) => `CASE WHEN l.${s.column} IS NOT NULL THEN ${s.stage} ELSE -1 END`),
    ...stageFlags.map((s) => `CASE WHEN l.${s.column} THEN ${s.stage} ELSE -1 END`),
    mapped('arrived') ? 'CASE WHEN l.arrived IS NOT NULL THEN 0 ELSE -1 END' : '',
  ].filter(Boolean);
  const furthest = evidence.length === 0 ? '-1' : evidence.length === 1 ? evidence[0] : `GREATEST(\n      ${evidence.join(',\n      ')})`;
  const heldBack = hasStatus ? '(l.status IS NOT NULL AND st.stage IS NULL)' : 'FALSE';
  const exit = hasResult
    ? `CASE WHEN rs.exit_no >= 0 THEN rs.exit_no ELSE ${hasStatus ? 'COALESCE(st.exit_no, -1)' : '-1'} END`
    : hasStatus ? 'COALESCE(st.exit_no, -1)' : '-1';
  ctes.push({
    name: 'resolved',
    comment: 'Each row\'s furthest stage: the most any of its status, won/lost, stage dates, stage flags and arrival shows (-1: not a lead). A status that matches nothing holds the lead back.',
    sql: `SELECT l.*,\n    ${heldBack} AS held_back,\n    CASE WHEN ${heldBack} THEN -1 ELSE ${furthest} END AS stage,\n    CASE WHEN ${heldBack} THEN -1 ELSE ${exit} END AS exit_no\n  FROM lead_rows AS l` +
      (hasStatus ? '\n  LEFT JOIN known_statuses AS st ON st.raw = l.status' : '') +
      (hasResult ? '\n  LEFT JOIN known_statuses AS rs ON rs.raw = l.result' : ''),
  });

  // Removals: a removing exit at its removal date (else arrival); an open lead quiet for the setup's days.
  const now = opts.now === undefined ? d.now(opts.timeZone) : d.wallLiteral(opts.now);
  const removing = pipeline.def.exits.map((e, x) => ({ name: e.name, x })).filter((e) => pipeline.def.exits[e.x].removes);
  const lastStage = pipeline.stageNames.length - 1;
  const quietAt = d.plusDays('last_activity', setup.flow.inactiveDays);
  const quiet = mapped('lastActivity') ? `exit_no < 0 AND stage >= 0 AND stage < ${lastStage} AND ${quietAt} <= ${now}` : '';
  const reasonCases = [
    ...removing.map((e) => `WHEN exit_no = ${e.x} THEN ${d.text(e.name)}`),
    quiet ? `WHEN ${quiet} THEN ${d.text(INACTIVE)}` : '',
  ].filter(Boolean);
  const removedAt = mapped('removedAt') ? 'COALESCE(removed_at, arrived)' : mapped('arrived') ? 'arrived' : 'NULL';
  const whenCases = [
    removing.length ? `WHEN exit_no IN (${removing.map((e) => e.x).join(', ')}) THEN ${removedAt}` : '',
    quiet ? `WHEN ${quiet} THEN ${quietAt}` : '',
  ].filter(Boolean);
  ctes.push({
    name: 'leads',
    comment: `Why and when each lead left the pipeline: a removing exit on its removal date (else its arrival); an open lead with no activity for ${setup.flow.inactiveDays} days on the day it went quiet. Kept exits and won leads stay.`,
    sql: `SELECT *,\n    ${reasonCases.length ? `CASE ${reasonCases.join(' ')} END` : 'CAST(NULL AS ' + (d.name === 'duckdb' ? 'VARCHAR' : 'STRING') + ')'} AS removed_as,\n    ${whenCases.length ? `CASE ${whenCases.join(' ')} END` : 'CAST(NULL AS ' + (d.name === 'duckdb' ? 'TIMESTAMP' : 'DATETIME') + ')'} AS removed_when\n  FROM resolved`,
  });
  return {
    ctes,
    pipeline,
    has: {
      arrived: mapped('arrived'), removedAt: mapped('removedAt'), lastActivity: mapped('lastActivity'),
      value: mapped('value'), source: mapped('source'), owner: mapped('owner'), status: hasStatus,
    },
    stageDates: [...stageDates].sort((a, b) => a.stage - b.stage),
    stageFlags: [...stageFlags].sort((a, b) => a.stage - b.stage),
    removalReasons: [...removing.map((e) => e.name), ...(quiet ? [INACTIVE] : [])],
    now,
    timeZone: opts.timeZone,
  };
}
