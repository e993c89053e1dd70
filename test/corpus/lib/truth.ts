/**
 * The ground truth, computed from the simulated journeys (what each lead did and what its written
 * evidence therefore shows), never from the written file. The test recomputes it from the file.
 */
import { monthsBetween } from './dates.ts';
import type { Role, Truth } from './types.ts';

export interface SimLead {
  /** Index of the furthest stage the lead's evidence shows. */
  reached: number;
  /** The source as written ('' when blank). */
  source: string;
  /** 'YYYY-MM' of the arrival in the export's zone; null when the arrival date is blank. */
  month: string | null;
  /** Deal value in cents; null when blank. */
  valueCents: number | null;
  /** Left through a removing exit. */
  removed: boolean;
}

export interface TruthSpec {
  columns: Partial<Record<Role, string>>;
  stageDates?: Record<string, string>;
  stageFlags?: Record<string, string>;
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
  stages: string[];
  exits: { name: string; removes: boolean }[];
  unplaced?: string[];
}

export const sourceKey = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function reachedCounts(leads: readonly SimLead[], stages: number): number[] {
  const out = new Array<number>(stages).fill(0);
  for (const l of leads) for (let i = 0; i <= l.reached; i++) out[i]++;
  return out;
}

export function computeTruth(spec: TruthSpec, leads: readonly SimLead[]): Truth {
  const n = spec.stages.length;
  for (const l of leads) {
    if (!(l.reached >= 0 && l.reached < n)) throw new Error(`lead with no stage: ${JSON.stringify(l)}`);
  }
  const truth: Truth = {
    leads: leads.length,
    columns: { ...spec.columns },
    ...(spec.stageDates ? { stageDates: { ...spec.stageDates } } : {}),
    ...(spec.stageFlags ? { stageFlags: { ...spec.stageFlags } } : {}),
    ...(spec.dateOrder ? { dateOrder: spec.dateOrder } : {}),
    stages: [...spec.stages],
    exits: spec.exits.map(e => ({ ...e })),
    unplaced: [...(spec.unplaced ?? [])],
    funnel: reachedCounts(leads, n),
  };

  if (spec.columns.source) {
    const groups = new Map<string, SimLead[]>();
    const spellings = new Map<string, Map<string, number>>();
    for (const l of leads) {
      const key = sourceKey(l.source);
      if (!groups.has(key)) {
        groups.set(key, []);
        spellings.set(key, new Map());
      }
      groups.get(key)!.push(l);
      const sp = spellings.get(key)!;
      sp.set(l.source, (sp.get(l.source) ?? 0) + 1);
    }
    const rows = [...groups].map(([key, ls]) => {
      let group = '(blank)';
      if (key !== '') {
        const counts = [...spellings.get(key)!].sort((a, b) => b[1] - a[1]);
        if (counts.length > 1 && counts[0][1] === counts[1][1]) throw new Error(`tie between spellings of ${key}`);
        group = counts[0][0];
      }
      return { group, leads: ls.length, reached: reachedCounts(ls, n) };
    });
    rows.sort((a, b) => b.leads - a.leads || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
    truth.bySource = rows;
  }

  if (spec.columns.arrived) {
    const dated = leads.filter(l => l.month !== null);
    const months = dated.map(l => l.month!).sort();
    truth.byMonth = months.length
      ? monthsBetween(months[0], months[months.length - 1]).map(month => {
          const ls = dated.filter(l => l.month === month);
          return { month, leads: ls.length, reached: reachedCounts(ls, n) };
        })
      : [];
    truth.noDate = leads.length - dated.length;
  }

  if (spec.columns.value) {
    const cents = new Array<number>(n).fill(0);
    for (const l of leads) for (let i = 0; i <= l.reached; i++) cents[i] += l.valueCents ?? 0;
    truth.value = cents.map(c => c / 100);
  }

  if (spec.exits.length) truth.removed = leads.filter(l => l.removed).length;
  return truth;
}
