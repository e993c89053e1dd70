/**
 * The SQL results, read into the figures the report sheets are laid out from. Columns are read by
 * position (the queries name them for people: reached_qualified, removed_lost), in the order
 * queries.ts writes them.
 */
import type { FlowFigures, FunnelFigures, GroupFigures, StageFigures } from '../../core/report/figures';
import type { QueryName } from '../../core/sql';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}
export type Results = Partial<Record<QueryName, QueryResult>>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A DATE or TIMESTAMP from DuckDB (a Date at UTC midnight / the wall time) as wall ms. */
export const wallOf = (v: unknown): number => (v instanceof Date ? v.getTime() : Number.NaN);

export function funnelFigures(results: Results, stages: string[], base: Omit<FunnelFigures, 'stages' | 'funnel' | 'hasValue'> & { hasStageDates?: boolean }): FunnelFigures {
  const funnel = results.funnel!;
  const hasValue = funnel.columns.includes('pipeline_value');
  const stageRows: StageFigures[] = funnel.rows.map((r) => ({
    reached: num(r[2]), stepConversion: numOrNull(r[3]), overallConversion: numOrNull(r[4]), dropOff: num(r[5]),
    ...(hasValue ? { withValue: num(r[6]), knownValue: num(r[7]), value: numOrNull(r[8]), basis: (r[9] as string | null) ?? null } : {}),
  }));
  const groups = (q: QueryResult | undefined): GroupFigures[] | undefined =>
    q?.rows.map((r) => ({ group: String(r[0]), reached: stages.map((_, k) => num(r[1 + k])) }));
  const medians = results.days_between_stages;
  const { hasStageDates: _, ...rest } = base;
  return {
    ...rest,
    stages,
    funnel: stageRows,
    hasValue,
    // With stage dates mapped the column is there, empty where no lead has both dates.
    medianDays: medians || base.hasStageDates ? stages.map((_, k) => numOrNull(medians?.rows.find((r) => num(r[0]) === k + 1)?.[1])) : undefined,
    bySource: groups(results.by_source),
    byOwner: groups(results.by_owner),
    byArrivalMonth: results.by_arrival_month?.rows.map((r) => ({ month: wallOf(r[0]), leads: num(r[1]), shares: r.slice(2).map(numOrNull) })),
  };
}

export function flowFigures(results: Results, reasons: string[], base: Omit<FlowFigures, 'reasons' | 'periods' | 'bySource'>): FlowFigures {
  return {
    ...base,
    reasons,
    periods: (results.net_lead_flow?.rows ?? []).map((r) => ({ start: wallOf(r[0]), added: num(r[1]), removed: reasons.map((_, j) => num(r[2 + j])) })),
    bySource: results.flow_by_source?.rows.map((r) => ({ group: String(r[0]), added: num(r[1]), removed: reasons.map((_, j) => num(r[2 + j])) })),
  };
}
