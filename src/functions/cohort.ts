/** What the funnel formulas share: the pipeline, the leads' stages, and which of them form the cohort. */
import { LeadFlowError, argError } from '../core/errors';
import { Pipeline, Reached, pipelineFromArg, readReached } from '../core/pipeline';
import { WallMs } from '../core/time';
import { assertSameHeight, column, endExclusive, isBlank } from '../core/values';
import { Env, given, readDateArg } from './args';

export interface Cohort {
  pipeline: Pipeline;
  reached: Reached;
  include?: (i: number) => boolean;
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
  const pipeline = pipelineFromArg(a.stages, { fn, arg: 'stages' });
  const reached = readReached(a.leads, pipeline, env.dates, { fn, arg: a.leadsArg });
  const start = readDateArg(a.start, env, fn, 'start');
  const endRaw = readDateArg(a.end, env, fn, 'end');
  const end = endRaw === undefined ? undefined : endExclusive(endRaw);
  if (start !== undefined && endRaw !== undefined && start > endRaw) {
    throw new LeadFlowError(`${fn}: start is after end; expected start on or before end.`);
  }
  if (!given(a.arrived)) {
    if (start !== undefined || end !== undefined) {
      throw argError({ fn, arg: 'arrived_dates' }, 'is needed to pick leads by start and end; give the column of arrival dates, or leave start and end empty.');
    }
    return { pipeline, reached };
  }
  const arrivedCol = column(a.arrived, { fn, arg: 'arrived_dates' });
  assertSameHeight(fn, { name: a.leadsArg, length: reached.stage.length }, { name: 'arrived_dates', length: arrivedCol.length });
  const arrived = readWalls(arrivedCol, env, fn, 'arrived_dates');
  // A lead with an arrival date but no status yet has still arrived.
  for (let i = 0; i < arrived.length; i++) if (reached.stage[i] < 0 && !Number.isNaN(arrived[i])) reached.stage[i] = 0;
  const lo = start ?? -Infinity;
  const hi = end ?? Infinity;
  if (start === undefined && end === undefined) return { pipeline, reached };
  return { pipeline, reached, include: (i) => arrived[i] >= lo && arrived[i] < hi };
}

export function readWalls(col: unknown[], env: Env, fn: string, arg: string): Float64Array {
  const out = new Float64Array(col.length);
  const ctx = { fn, arg };
  for (let i = 0; i < col.length; i++) out[i] = env.dates.read(col[i], ctx, i + 1);
  return out;
}

export function readLabels(col: unknown[]): string[] {
  return col.map((v) => (isBlank(v) ? '(blank)' : String(v).trim()));
}

export type WallRange = { start?: WallMs; end?: WallMs };
