/**
 * Live counts, computed in the sidebar itself with the very code the formulas run
 * (core/scoring.ts, bundled into the page): how many leads each rule matches, and how many
 * would be MQL, SQL, hot, warm and cold. The sidebar has every lead row up to SAMPLE_LIMIT (the
 * counts are then exact) or an evenly spaced sample of them (the counts are scaled and shown as
 * approximate until leadflowCheckSetup answers with exact ones). Dates arrive as wall-time text,
 * so a UTC clock reads them back as the very wall times the server saw.
 */
import { compileScorer, ruleMatcher } from '../../core/scoring';
import type { Setup, SetupProblem } from '../../core/setup';
import { utcClock } from '../../core/time';
import { DateReader, isBlank, normalizeLabel } from '../../core/values';
import type { StatusTally } from './model';

export interface Counts {
  leads: number;
  mql: number;
  sql: number;
  hot: number;
  warm: number;
  cold: number;
}

export interface LiveCounts {
  /** Leads each rule matches, in rule order; null for a rule that cannot run yet (a problem on it). */
  ruleMatches: (number | null)[];
  /** null while the caps, thresholds or a rule have a problem. */
  counts: Counts | null;
  /** Counts are scaled up from a sample. */
  approximate: boolean;
}

export interface LiveData {
  headers: string[];
  rows: unknown[][];
  /** Lead rows in the whole sheet (rows.length unless sampled). */
  total: number;
  /** Wall time "now" in the spreadsheet's zone. */
  now: number;
}

export function liveCounts(setup: Setup, problems: SetupProblem[], data: LiveData): LiveCounts {
  const { headers, rows, total, now } = data;
  const scale = rows.length ? total / rows.length : 0;
  const approximate = rows.length > 0 && rows.length < total;
  const n = (x: number) => Math.round(x * scale);
  const index = new Map(headers.map((h, i) => [normalizeLabel(h), i] as const));
  const dates = new DateReader(utcClock);
  const bad = (prefix: string) => problems.some((p) => p.field === prefix || p.field.startsWith(`${prefix}.`));
  const ruleMatches = setup.scoring.rules.map((rule, i) => {
    const col = index.get(normalizeLabel(rule.column));
    if (col === undefined || bad(`scoring.rules.${i}`)) return null;
    const test = ruleMatcher(rule, dates, now);
    let hits = 0;
    for (const row of rows) if (test(row[col])) hits++;
    return n(hits);
  });
  if (bad('scoring') || ruleMatches.some((m) => m === null)) return { ruleMatches, counts: null, approximate };
  const { scorer } = compileScorer(setup, headers, utcClock, now);
  const c: Counts = { leads: 0, mql: 0, sql: 0, hot: 0, warm: 0, cold: 0 };
  for (const row of rows) {
    const s = scorer.score(row);
    c.leads++;
    const q = scorer.qualification(s);
    if (q === 'SQL') c.sql++;
    if (q !== 'Unqualified') c.mql++;
    const t = scorer.temperature(s);
    if (t === 'Hot') c.hot++;
    else if (t === 'Warm') c.warm++;
    else c.cold++;
  }
  return {
    ruleMatches,
    counts: { leads: approximate ? total : c.leads, mql: n(c.mql), sql: n(c.sql), hot: n(c.hot), warm: n(c.warm), cold: n(c.cold) },
    approximate,
  };
}

/** Distinct statuses of one column of the rows, most frequent first (scaled when the rows are a sample). */
export function statusTallies(headers: string[], rows: unknown[][], column: string, total: number): StatusTally[] {
  const col = headers.findIndex((h) => normalizeLabel(h) === normalizeLabel(column));
  if (col < 0 || !column) return [];
  const counts = new Map<string, number>();
  for (const r of rows) {
    const v = r[col];
    if (isBlank(v)) continue;
    const s = String(v).trim();
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const scale = rows.length ? total / rows.length : 1;
  return [...counts].sort((a, b) => b[1] - a[1]).map(([status, count]) => ({ status, count: Math.round(count * scale) }));
}
