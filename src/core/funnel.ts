/**
 * The funnel of a cohort: how many leads reached each stage. A lead counts in every stage up to
 * the furthest one it reached, so a disqualified lead (which left after Reviewed) counts in Arrived
 * and Reviewed and nowhere else. The step semantics live here and nowhere else.
 */
import { Reached } from './pipeline';

export interface FunnelStage {
  stage: string;
  reached: number;
  /** reached ÷ reached at the previous stage; 1 for the first stage; null when the previous stage is empty. */
  stepConversion: number | null;
  /** reached ÷ reached at the first stage; null when the cohort is empty. */
  overallConversion: number | null;
  /** Leads that reached the previous stage but not this one (0 for the first stage). */
  dropOff: number;
  /** Pipeline value of the leads that reached this stage, or null when no value is known. */
  value: number | null;
  /** True when value is count × average deal value rather than a sum of actual deal values. */
  valueIsEstimate: boolean;
  /** True when the stage holds few leads with large deals, where an estimate misleads (fewer than 100 leads, average over 50,000). */
  tabulateDeals: boolean;
}

export interface Funnel {
  cohortSize: number;
  stages: FunnelStage[];
}

export interface FunnelOptions {
  /** Which leads form the cohort (default: every lead with a stage). */
  include?: (i: number) => boolean;
  /** Deal value per lead (NaN where unknown). */
  values?: Float64Array;
  /** Average deal value for estimates when no values are given, or to fill in missing ones. */
  averageDealValue?: number;
}

/** Thresholds from the leads-pipeline guidance: few leads and large deals call for real deal values. */
export const FEW_LEADS = 100;
export const LARGE_DEAL = 50_000;

/** How many leads of the cohort reached each stage. */
export function reachedCounts(reached: Reached, stageCount: number, include?: (i: number) => boolean): number[] {
  const furthest = new Array<number>(stageCount).fill(0);
  const s = reached.stage;
  for (let i = 0; i < s.length; i++) {
    const k = s[i];
    if (k >= 0 && (!include || include(i))) furthest[k]++;
  }
  // A lead whose furthest stage is k has reached every stage up to k.
  for (let k = stageCount - 2; k >= 0; k--) furthest[k] += furthest[k + 1];
  return furthest;
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function funnel(reached: Reached, stageNames: string[], opts: FunnelOptions = {}): Funnel {
  const counts = reachedCounts(reached, stageNames.length, opts.include);
  const values = stageValues(reached, stageNames.length, opts);
  const stages = stageNames.map((stage, k): FunnelStage => {
    const v = values[k];
    return {
      stage,
      reached: counts[k],
      stepConversion: k === 0 ? ratio(counts[0], counts[0]) : ratio(counts[k], counts[k - 1]),
      overallConversion: ratio(counts[k], counts[0]),
      dropOff: k === 0 ? 0 : counts[k - 1] - counts[k],
      value: v.value,
      valueIsEstimate: v.estimate,
      tabulateDeals: v.estimate && v.value !== null && counts[k] > 0 && counts[k] < FEW_LEADS && v.value / counts[k] > LARGE_DEAL,
    };
  });
  return { cohortSize: counts[0] ?? 0, stages };
}

/**
 * Pipeline value per stage. With a value for every lead that reached a stage, the stage's value is
 * their actual sum. Where values are missing, the stage is estimated as count × average deal value
 * (the average given, or else the average of the known values) and marked as an estimate.
 */
function stageValues(reached: Reached, stageCount: number, opts: FunnelOptions): { value: number | null; estimate: boolean }[] {
  const { values, include, averageDealValue } = opts;
  const none = () => Array.from({ length: stageCount }, () => ({ value: null as number | null, estimate: false }));
  if (!values) {
    if (averageDealValue === undefined) return none();
    const counts = reachedCounts(reached, stageCount, include);
    return counts.map((c) => ({ value: c * averageDealValue, estimate: true }));
  }
  const sum = new Array<number>(stageCount).fill(0);
  const known = new Array<number>(stageCount).fill(0);
  const count = new Array<number>(stageCount).fill(0);
  let allSum = 0;
  let allKnown = 0;
  const s = reached.stage;
  for (let i = 0; i < s.length; i++) {
    const k = s[i];
    if (k < 0 || (include && !include(i))) continue;
    count[k]++;
    const v = values[i];
    if (!Number.isNaN(v)) {
      sum[k] += v;
      known[k]++;
      allSum += v;
      allKnown++;
    }
  }
  for (let k = stageCount - 2; k >= 0; k--) {
    sum[k] += sum[k + 1];
    known[k] += known[k + 1];
    count[k] += count[k + 1];
  }
  const average = averageDealValue ?? (allKnown > 0 ? allSum / allKnown : undefined);
  return sum.map((total, k) => {
    if (known[k] === count[k]) return { value: total, estimate: false };
    if (average === undefined) return { value: null, estimate: false };
    return { value: count[k] * average, estimate: true };
  });
}

export interface GroupFunnel {
  group: string;
  reached: number[];
}

/**
 * Text by character codes, as SQL engines sort it: ties between groups (and between spellings
 * of one group) fall the same way in a sheet, in DuckDB and in BigQuery.
 */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The label of the group of blank cells. */
export const BLANK_GROUP = '(blank)';

/** A group's key: the same text whatever its case or spacing ("Google", " google "); "" for blank. */
export function groupKey(v: unknown): string {
  if (v === null || v === undefined) return '';
  return String(v).toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * One funnel per group (lead source, owner...), groups in order of size, largest first. Cells that
 * differ only by case or spacing are one group, named by its most common spelling; blank cells are
 * the "(blank)" group, so the groups add up to all leads.
 */
export function funnelByGroup(reached: Reached, stageCount: number, groups: unknown[], include?: (i: number) => boolean): GroupFunnel[] {
  type Group = { row: number[]; spellings: Map<string, number> };
  const furthest = new Map<string, Group>();
  // Each distinct cell is keyed once and counted where it stands: a million leads hold a few dozen sources.
  const seen = new Map<unknown, { group: Group; spelling: string; leads: number }>();
  const s = reached.stage;
  for (let i = 0; i < s.length; i++) {
    const k = s[i];
    if (k < 0 || (include && !include(i))) continue;
    const cell = groups[i];
    let hit = seen.get(cell);
    if (!hit) {
      const key = groupKey(cell);
      let g = furthest.get(key);
      if (!g) furthest.set(key, (g = { row: new Array<number>(stageCount).fill(0), spellings: new Map() }));
      hit = { group: g, spelling: String(cell ?? '').trim().replace(/\s+/g, ' '), leads: 0 };
      seen.set(cell, hit);
    }
    hit.group.row[k]++;
    hit.leads++;
  }
  for (const { group, spelling, leads } of seen.values()) group.spellings.set(spelling, (group.spellings.get(spelling) ?? 0) + leads);
  const out: (GroupFunnel & { key: string })[] = [];
  for (const [key, { row, spellings }] of furthest) {
    for (let k = stageCount - 2; k >= 0; k--) row[k] += row[k + 1];
    const named = key === '' ? BLANK_GROUP : [...spellings].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0][0];
    out.push({ key, group: named, reached: row });
  }
  return out
    .sort((a, b) => b.reached[0] - a.reached[0] || (a.key === '' ? 1 : b.key === '' ? -1 : byText(a.group, b.group)))
    .map(({ group, reached: counts }) => ({ group, reached: counts }));
}

/** What a stage's pipeline value rests on, as the funnel sheet and the SQL say it. */
export const VALUE_BASIS = {
  actual: 'Actual',
  estimate: 'Estimate: leads × average deal',
  fewLargeDeals: 'Estimate: few leads, large deals; sum real values',
} as const;
