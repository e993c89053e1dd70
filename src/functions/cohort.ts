/** What the funnel formulas share: the pipeline, the leads' stages, and which of them form the cohort. */
import { LeadFlowError, argError } from '../core/errors';
import { evidenceColumns, resolveLeads } from '../core/evidence';
import { Pipeline, Reached, readPipelineArg, readReached } from '../core/pipeline';
import type { Setup } from '../core/setup';
import { WallMs } from '../core/time';
import { MIN_DATE_SERIAL } from '../core/pipeline';
import { DateReader, Grid, columnBeside, endExclusive, normalizeLabel, toGrid } from '../core/values';
import { Env, given, readDateArg } from './args';

export interface Cohort {
  pipeline: Pipeline;
  /** The leads' furthest stages. With start or end given, only the cohort's: a lead that arrived outside them has -1, as a row that holds no lead. */
  reached: Reached;
  /** Set when the leads were given as the whole table with its header row (read through the setup). */
  table?: { headers: unknown[]; rows: Grid };
}

/**
 * The leads as a whole table: with the setup as the pipeline, a range of several columns whose
 * first row holds the setup's status header (or its stage-date headers) is the leads table, read
 * through the setup's columns: status, won/lost, stage dates and stage flags all count.
 */
export function leadsTable(v: unknown, setup: Setup | undefined): { headers: unknown[]; rows: Grid } | undefined {
  if (!setup) return undefined;
  const grid = toGrid(v);
  if (grid.length < 1 || grid[0].length < 2) return undefined;
  const headers = grid[0].map((h) => normalizeLabel(h ?? ''));
  const named = [setup.columns.status, ...Object.values(setup.columns.stageDates), ...Object.values(setup.columns.stageFlags)].filter(Boolean);
  return named.some((h) => headers.includes(normalizeLabel(h))) ? { headers: grid[0], rows: grid.slice(1) } : undefined;
}

export interface CohortArgs {
  leads: unknown;
  leadsArg: string;
  stages: unknown;
  arrived?: unknown;
  start?: unknown;
  end?: unknown;
}

/** Reads the pipeline and each lead's furthest stage, and narrows to the cohort that arrived between start and end (end counts whole). */
export function readCohort(fn: string, a: CohortArgs, env: Env): Cohort {
  const { pipeline, setup } = readPipelineArg(a.stages, { fn, arg: 'stages' });
  const table = leadsTable(a.leads, setup);
  let reached: Reached;
  let tableArrivals: Float64Array | undefined;
  if (table && setup) {
    const cols = evidenceColumns(setup, table.headers, pipeline);
    const leads = resolveLeads(table.rows, cols, pipeline, env.dates, table.headers);
    for (const [status] of leads.unplaced) {
      const row = table.rows.findIndex((r) => cols.status >= 0 && String(r[cols.status]).trim() === status);
      throw pipeline.unmatchedMessage(row >= 0 ? table.rows[row][cols.status] : status, { fn, arg: a.leadsArg }, row + 2);
    }
    reached = leads;
    if (cols.arrived >= 0) tableArrivals = leads.arrived;
  } else reached = readReached(a.leads, pipeline, env.dates, { fn, arg: a.leadsArg });
  const start = readDateArg(a.start, env, fn, 'start');
  const endRaw = readDateArg(a.end, env, fn, 'end');
  const end = endRaw === undefined ? undefined : endExclusive(endRaw);
  if (start !== undefined && endRaw !== undefined && start > endRaw) {
    throw new LeadFlowError(`${fn}: start is after end; expected start on or before end.`);
  }
  let arrived: Float64Array | undefined = tableArrivals;
  if (given(a.arrived)) {
    const arrivedCol = columnBeside(fn, a.arrived, 'arrived_dates', { name: a.leadsArg, length: reached.stage.length, value: table ? undefined : a.leads });
    arrived = readWalls(arrivedCol, env, fn, 'arrived_dates');
    // A lead with an arrival date but no status yet has still arrived.
    for (let i = 0; i < arrived.length; i++) if (reached.stage[i] < 0 && !Number.isNaN(arrived[i])) reached.stage[i] = 0;
  }
  if (start === undefined && end === undefined) return { pipeline, reached, table };
  if (!arrived) {
    throw argError({ fn, arg: 'arrived_dates' }, `is needed to pick leads by start and end; give the column of arrival dates${setup ? ', or map the arrival date in the setup' : ''}, or leave start and end empty.`);
  }
  const from = start ?? -Infinity;
  const before = end ?? Infinity;
  // Leads outside the cohort leave it here, once, rather than through a test every count calls per lead.
  const stage = reached.stage;
  for (let i = 0; i < stage.length; i++) if (!(arrived[i] >= from && arrived[i] < before)) stage[i] = -1;
  return { pipeline, reached, table };
}

/**
 * A column of dates as wall times. Date cells take the fast path; text dates are read in the
 * column's own day order (any first part over 12 settles it). A column whose date cells were read
 * month first beside text that proves day first is refused: its dates would land in wrong months.
 */
export function readWalls(col: unknown[], env: Env, fn: string, arg: string): Float64Array {
  const n = col.length;
  const out = new Float64Array(n);
  const ctx = { fn, arg };
  const clock = env.clock;
  let reader: DateReader | undefined;
  let dateCells = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v instanceof Date) {
      const t = v.getTime();
      if (t === t) {
        out[i] = clock.toWall(t);
        dateCells++;
        continue;
      }
    }
    if (typeof v === 'number' && v >= 1 && v < MIN_DATE_SERIAL) {
      // Sheets would show 3 as a date of January 1900: a count or a numbered status, not when a lead did something.
      throw argError(ctx, `row ${i + 1} holds the number ${v}, which is not a date (it would be a day of the early 1900s); expected a date such as 2026-03-31.`);
    }
    reader ??= env.dates.forColumn(col);
    out[i] = reader.read(v, ctx, i + 1);
  }
  // Only a column with text proving day first and date cells is looked at again (rare, and cheap then).
  if (reader?.order === 'dmy' && dateCells > 0 && col.every((v, i) => !(v instanceof Date) || new Date(out[i]).getUTCDate() <= 12)) {
    throw argError(ctx, `mixes ${dateCells.toLocaleString('en-US')} date cells with text dates written day first (such as 20/10/2017): the date cells were most likely read month first when the file was imported, so they would land in the wrong month. Open Extensions > LeadFlow > Open setup to repair the column.`);
  }
  return out;
}

export type WallRange = { start?: WallMs; end?: WallMs };
