/**
 * `leadflow report --engine duckdb`: the report past what a spreadsheet (or this machine's memory)
 * holds. DuckDB reads the CSV or Parquet files in place; LeadFlow proposes the setup from a sample
 * of the leads (every status included), checks each mapped column, saves the leads' model once as
 * a table (each lead's furthest stage, exit and removal) and runs the report's queries over it;
 * the workbook gets the funnel and net lead flow sheets laid out as the formula sheets are, with
 * values, and the setup. Any error leaves no file behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { proposeSetup } from '../../core/detect';
import { Kind, Plan, resolveCohort } from '../../core/report';
import { planFlowFigures, planFunnelFigures } from '../../core/report/figures';
import { SETUP_SHEET, Setup, setupToGrid } from '../../core/setup';
import { CompiledSql, compileSql, modelAsSelect, overLeadsTable, QueryName } from '../../core/sql';
import { timeZoneClock, wallToSerial } from '../../core/time';
import { normalizeLabel } from '../../core/values';
import { writeReportXlsx } from '../files/report-writer.ts';
import { assertTimeZone } from '../host/timezone.ts';
import { DEFAULT_TIME_ZONE, ReportError, describeUnderstanding, headline, namedEvidence, settleSetup } from '../report';
import type { DateOrderOption, ReadOptions, ReportOptions } from '../report';
import { ColumnReading, DateOrder, describeColumns, readColumns, TableColumn } from './columns';
import { Db, duckDbMessage } from './connection';
import { Results, flowFigures, funnelFigures } from './figures';
import { LeadsSource, SourceError, leadsSource } from './source';

export const ENGINE_NAME = 'DuckDB';
/** Rows of the sample the setup is proposed from (every distinct status is added to it). */
const SAMPLE_ROWS = 20_000;
/** Distinct statuses looked at past the sample: a pipeline with more is not one a person reads. */
const MAX_STATUSES = 500;

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => (ms < 1000 ? 'under a second' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Default locale day order, when a text date column shows none (every day 12 or under). */
const fallbackOrderOf = (locale?: string): DateOrder => (!locale || /^en[-_]US$/i.test(locale) || /^en$/i.test(locale) ? 'mdy' : /^(zh|ja|ko|hu|lt|sv)/i.test(locale) ? 'ymd' : 'dmy');

/** Default locale decimal mark, when no amount shows one (all whole numbers): a comma in most of Europe and South America. */
const fallbackMarkOf = (locale?: string): '.' | ',' => (locale && /^(fr|de|es|pt|it|nl|da|fi|nb|nn|sv|pl|cs|ru|tr|id|vi)/i.test(locale) ? ',' : '.');

/** Sample rows as a build reads them: dates as serial numbers in the time zone, numbers as numbers, blank as ''. */
function cellsOf(rows: unknown[][], columns: TableColumn[], timeZone: string): unknown[][] {
  const clock = timeZoneClock(timeZone);
  return rows.map((row) => row.map((v, c) => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return wallToSerial(columns[c].kind === 'instant' ? clock.toWall(v.getTime()) : v.getTime());
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
    return String(v);
  }));
}

export interface DuckDbUnderstood {
  source: LeadsSource;
  setup: Setup;
  saved: boolean;
  lines: string[];
  /** The same lines, counting the leads a stage date or flag takes past their exit from groups of leads alike (evidenceGroups). */
  linesWith(groups: EvidenceGroups): string[];
  timeZone: string;
  rows: number;
}

/** The setup for the leads: --setup over LeadFlow's proposal from a sample, --map choices first. */
async function understandWithDuckDb(db: Db, source: LeadsSource, columns: TableColumn[], opts: ReadOptions, timeZone: string): Promise<DuckDbUnderstood> {
  const headers = columns.map((c) => c.name);
  const [{ rows: total }] = await db.rows(`SELECT count(*) AS rows FROM ${source.from}`);
  const rowCount = Number(total);
  if (rowCount === 0) throw new ReportError(`${source.label} has a header row but no leads under it; there is nothing to report.`);
  const sample = await db.table(`SELECT * FROM ${source.from} USING SAMPLE reservoir(${SAMPLE_ROWS} ROWS) REPEATABLE (7)`);
  const dateColumns = new Set(columns.flatMap((c, i) => (c.kind === 'wall' || c.kind === 'instant' ? [i] : [])));
  const settle = (rows: unknown[][]) => settleSetup(opts, headers, source.label, 'Leads', (map) => proposeSetup('Leads', headers, rows, { map, dateColumns, sampleSize: rows.length }));
  let rows = cellsOf(sample.rows, columns, timeZone);
  let settled = settle(rows);
  // Every status and won/lost value, not only the sampled ones: a rare status is still placed (or said).
  const statusHeaders = [settled.setup.columns.status, settled.setup.columns.result].filter((h) => h && headers.includes(h));
  if (statusHeaders.length) {
    for (const header of statusHeaders) {
      const extra = await db.table(`SELECT DISTINCT ON (${quote(header)}) * FROM ${source.from} LIMIT ${MAX_STATUSES}`);
      rows = rows.concat(cellsOf(extra.rows, columns, timeZone));
    }
    settled = settle(rows);
    // The counts people read are the table's, not the sample's.
    const status = settled.proposal.setup.columns.status;
    if (status && headers.includes(status)) {
      const counts = await db.table(`SELECT CAST(${quote(status)} AS VARCHAR), count(*) FROM ${source.from} GROUP BY 1`);
      const exact = new Map(counts.rows.map((r) => [String(r[0] ?? '').trim(), Number(r[1])]));
      for (const s of settled.proposal.pipeline.statuses) s.count = exact.get(String(s.status).trim()) ?? s.count;
    }
  }
  // The DuckDB engine reads no rows into Node: the leads a stage date or flag takes past their exit
  // are counted from groups of leads alike (linesWith), once the leads are placed.
  const describe = (groups?: EvidenceGroups) => describeUnderstanding(groups?.headers ?? headers, settled.proposal, settled.setup, !settled.partial, {
    sheets: opts.sheets ?? ['funnel', 'flow'], named: namedEvidence(settled.partial), rows: groups?.rows, weights: groups?.weights,
  })
    // Held-back leads are counted exactly by the queries and said with the figures.
    .filter((l) => !l.startsWith('NOT COUNTED'));
  return { source, setup: settled.setup, saved: !!settled.partial, lines: describe(), linesWith: describe, timeZone, rows: rowCount };
}

/** Groups of leads alike in what says how far they got: one row each under the leads' own headers, and how many leads it stands for. */
export interface EvidenceGroups {
  headers: string[];
  rows: unknown[][];
  weights: number[];
}

/**
 * The placed leads (the `leads` table) grouped by status, won/lost and which stage dates and flags
 * they have, each group written as a row of the leads' headers: a date as 1 or blank, a flag as
 * yes or blank. A few dozen rows stand for millions of leads, so the report can say how many a
 * stage date or flag takes past their exit, as the memory engine says it from every row.
 */
async function evidenceGroups(db: Db, setup: Setup, compiled: CompiledSql): Promise<EvidenceGroups | undefined> {
  const { stageDates, stageFlags } = compiled.model;
  const [status, result] = [setup.columns.status, setup.columns.result];
  if (!stageDates.length && !stageFlags.length) return undefined;
  if (!status && !result) return undefined;
  const parts = [
    ...(status ? [{ header: status, sql: 'status', as: (v: unknown) => v ?? '' }] : []),
    ...(result ? [{ header: result, sql: 'result', as: (v: unknown) => v ?? '' }] : []),
    ...stageDates.map((s) => ({ header: s.header, sql: `${s.column} IS NOT NULL`, as: (v: unknown) => (v ? 1 : '') })),
    ...stageFlags.map((s) => ({ header: s.header, sql: `COALESCE(${s.column}, FALSE)`, as: (v: unknown) => (v ? 'yes' : '') })),
  ];
  const grouped = await db.table(`SELECT ${parts.map((p) => p.sql).join(', ')}, count(*) FROM leads GROUP BY ALL`);
  return {
    headers: parts.map((p) => p.header),
    rows: grouped.rows.map((row) => parts.map((p, at) => p.as(row[at]))),
    weights: grouped.rows.map((row) => Number(row[parts.length])),
  };
}

/** Where DuckDB may spill past its memory: a directory of our own, removed afterwards. */
function spillDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'leadflow-duckdb-'));
}

/**
 * Opens DuckDB over the leads and hands over the source and its columns; closes it and removes its
 * spill files whatever happens. DuckDB's own errors while reading come back as SourceErrors.
 */
async function withDuckDb<T>(input: string, work: (db: Db, source: LeadsSource, columns: TableColumn[]) => Promise<T>): Promise<T> {
  // One directory of our own for DuckDB's spill files and any UTF-8 copy of the leads, removed afterwards.
  const spill = spillDirectory();
  let source: LeadsSource;
  try {
    source = leadsSource(input, spill);
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw e;
  }
  const db = await Db.open();
  try {
    await db.run(`SET temp_directory = '${spill.replace(/'/g, "''")}'`);
    let columns: TableColumn[];
    try {
      columns = await describeColumns(db, source.from);
    } catch (e) {
      throw new SourceError(`${ENGINE_NAME} cannot read ${source.label}: ${duckDbMessage(e)}`);
    }
    if (source.files.length > 1) await expectOneTable(db, source, spill);
    return await work(db, source, columns);
  } catch (e) {
    if (e instanceof ReportError || e instanceof SourceError) throw e;
    // An error from DuckDB while reading the rows: a line that does not fit its column, a file that is not what it says.
    // (A parser or binder error is LeadFlow's own and goes up as it is.)
    if (e instanceof Error && /^(IO|Invalid Input|Conversion|Out of Range) Error: /.test(e.message)) throw new SourceError(`${ENGINE_NAME} could not read ${source.label}: ${duckDbMessage(e)}`);
    throw e;
  } finally {
    db.close();
    rmSync(spill, { recursive: true, force: true });
  }
}

/**
 * A directory is the parts of one export: files sharing their columns (a later part may add one).
 * A directory of different tables (accounts beside leads) would mix rows that are not leads.
 */
async function expectOneTable(db: Db, source: LeadsSource, scratch: string): Promise<void> {
  const sets = [];
  for (const file of source.files) sets.push({ file, columns: new Set((await describeColumns(db, leadsSource(file, scratch).from)).map((c) => normalizeLabel(c.name))) });
  const widest = sets.reduce((a, b) => (b.columns.size > a.columns.size ? b : a));
  const shared = (a: Set<string>, b: Set<string>) => [...a].filter((c) => b.has(c)).length / Math.max(a.size, b.size);
  const odd = sets.filter((s) => shared(s.columns, widest.columns) < 0.5);
  if (odd.length) {
    const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);
    throw new SourceError(`${source.label} holds files of different tables: ${odd.slice(0, 3).map((s) => name(s.file)).join(', ')}${odd.length > 3 ? ` and ${odd.length - 3} more` : ''} share few columns with ${name(widest.file)}. A directory should hold the parts of one export; give the leads file itself.`);
  }
}

function checkedTimeZone(opts: ReadOptions): string {
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new ReportError(`--time-zone "${opts.timeZone}" is not a time zone; expected an IANA name such as Europe/Paris or America/New_York.`);
  }
  return timeZone;
}

/** The setup LeadFlow would use for a CSV or Parquet file (or a directory of them), read with DuckDB, and how each of its columns reads. */
export async function proposeWithDuckDb(opts: ReadOptions): Promise<DuckDbUnderstood & { reading: ColumnReading }> {
  const timeZone = checkedTimeZone(opts);
  return withDuckDb(opts.input, async (db, source, columns) => {
    const u = await understandWithDuckDb(db, source, columns, opts, timeZone);
    return { ...u, reading: await readColumns(db, source.from, source.label, columns, u.setup, readingOptions(opts)) };
  });
}

function readingOptions(opts: ReadOptions) {
  return { dateOrder: opts.dateOrder as DateOrderOption | undefined, fallbackOrder: fallbackOrderOf(opts.locale), fallbackMark: fallbackMarkOf(opts.locale) };
}

/** Said when --action all runs on DuckDB: the review is a spreadsheet's list of leads, which this engine does not build. */
export const REVIEW_LEFT_OUT = 'Lead review: not built by the DuckDB engine, since it lists leads one by one for a spreadsheet; build it with --engine memory on an export of the leads to review.';

export async function runDuckDbReport(opts: ReportOptions): Promise<{ sheets: string[]; plans: Plan[]; understood: DuckDbUnderstood; results: Results }> {
  const progress = opts.progress === null ? () => {} : opts.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const report = opts.report === null ? () => {} : opts.report ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (opts.action === 'checklist') {
    throw new ReportError('The checklist lists leads one by one, for a spreadsheet: build it with --engine memory on an export of the leads to review. The DuckDB engine builds the funnel and net lead flow sheets.');
  }
  if (extname(opts.out).toLowerCase() !== '.xlsx') throw new ReportError(`--out must be an .xlsx path, not "${opts.out}".`);
  if (!opts.force && existsSync(opts.out)) throw new ReportError(`${opts.out} already exists; choose another --out path or add --force to replace it.`);
  const timeZone = checkedTimeZone(opts);
  const started = Date.now();
  return withDuckDb(opts.input, async (db, source, columns) => {
    progress(`Reading ${source.label} with ${ENGINE_NAME}…`);
    const built: Kind[] = opts.action === 'funnel' || opts.action === 'flow' ? [opts.action] : ['funnel', 'flow'];
    const u = await understandWithDuckDb(db, source, columns, { ...opts, sheets: built }, timeZone);
    progress(`  ${count(u.rows)} rows, ${columns.length} columns, in ${seconds(Date.now() - started)}`);
    const reading = await readColumns(db, source.from, source.label, columns, u.setup, readingOptions(opts));

    const now = timeZoneClock(timeZone).toWall(Date.now());
    const cohort = resolveCohort({ cohort: 'all' }, now);
    const compiled = compileSql(u.setup, 'duckdb', {
      table: source.from, timeZone, now, columnNames: reading.columnNames, kinds: reading.kinds, dateFormats: reading.dateFormats, decimalMarks: reading.decimalMarks,
      cohort: { label: cohort.label }, unit: 'month',
    });
    const step = Date.now();
    progress(`Placing ${count(u.rows)} leads in the pipeline…`);
    await db.run(`CREATE TEMP TABLE leads AS ${modelAsSelect(compiled)}`);
    progress(`  in ${seconds(Date.now() - step)}; counting…`);
    const groups = await evidenceGroups(db, u.setup, compiled);
    for (const line of [...reading.notes.map((n) => `Reading: ${n}`), ...(groups ? u.linesWith(groups) : u.lines)]) report(line);
    const results: Results = {};
    const counting = Date.now();
    for (const q of compiled.queries) results[q.name as QueryName] = await db.table(overLeadsTable(q));
    progress(`  ${compiled.queries.length} queries in ${seconds(Date.now() - counting)}`);
    const [placed, held] = [Number(results.leads_counted!.rows[0][1]), Number(results.leads_counted!.rows[0][2])];
    const notes: string[] = [];
    if (held) {
      const statuses = results.not_counted!.rows;
      const line = `${count(held)} leads (${((held / (placed + held)) * 100).toFixed(1)}%) have statuses no stage matches: ${statuses.slice(0, 8).map((r) => `"${r[0]}" (${count(Number(r[1]))})`).join(', ')}${statuses.length > 8 ? ` and ${statuses.length - 8} more` : ''}.`;
      report(`NOT COUNTED: ${line} Write the setup with "leadflow setup", add each as an alias of a stage or exit, and pass it with --setup.`);
      notes.push(`Not counted: ${line} Add them as aliases in the setup.`);
    }
    if (!u.saved) notes.push("Built from LeadFlow's guesses about the columns and the pipeline, which nobody has confirmed yet: check them in what the report command printed, and pass a setup with --setup.");
    const stages = u.setup.stages.map((s) => s.name);
    const plans: Plan[] = [];
    const kinds = opts.action === 'all' ? ['funnel', 'flow'] : [opts.action];
    if (kinds.includes('funnel')) {
      const hasStageDates = compiled.model.stageDates.length > 0;
      plans.push(planFunnelFigures(funnelFigures(results, stages, { source: source.label, engine: ENGINE_NAME, cohort: { label: cohort.label }, notes, hasStageDates, valueFormat: reading.valueFormat })));
    }
    if (kinds.includes('flow')) {
      if (!u.setup.columns.arrived) report('Net lead flow: needs an arrival date column; map one with --map arrived="Header".');
      else {
        const model = compiled.model;
        plans.push(planFlowFigures(flowFigures(results, model.removalReasons, {
          source: source.label, engine: ENGINE_NAME, unit: 'month', flowBased: model.has.removedAt,
          quiet: model.has.lastActivity ? { days: u.setup.flow.inactiveDays, now } : undefined, notes,
        })));
      }
    }
    for (const plan of plans) report(headline(plan, stages, !u.saved));
    // "all" asks for the review too: say it was left out, rather than let the workbook lack it unexplained.
    if (opts.action === 'all') report(REVIEW_LEFT_OUT);
    progress(`Writing ${basename(opts.out)}…`);
    const sheets = await writeReportXlsx(opts.out, { plans, timeZone, setup: { name: SETUP_SHEET, rows: setupToGrid(u.setup) } }, { force: opts.force });
    progress(`Done in ${seconds(Date.now() - started)}: ${opts.out} (${sheets.join(', ')})`);
    return { sheets, plans, understood: u, results };
  });
}
