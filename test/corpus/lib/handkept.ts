/** Journeys for hand-kept sheets: one status column, an optional date and amount, a lost-type exit that counts as the first stage. */
import { amountCents, drawSource, type SourceSpec } from './build.ts';
import { arrival, DAY, monthKey } from './dates.ts';
import { Rng } from './prng.ts';
import type { SimLead } from './truth.ts';

export interface HandSpec {
  seed: number;
  n: number;
  /** Arrival range, [start, end) as midnight wall-clock times. */
  start: number;
  end: number;
  monthWeight?: (month: string) => number;
  stages: string[];
  exit: string;
  /** Chance to move on from each stage but the last. */
  advance: number[];
  lostRate: number;
  blankDate: number;
  /** First stage whose leads have an amount, and the amount's range in whole units. */
  valueFrom: number;
  valueRange: [number, number];
  valueStepCents: number;
  valueBlank: number;
  /** Chance a lost lead that had reached valueFrom still shows its amount. */
  lostKeepsValue: number;
  sources: SourceSpec;
  owners: string[];
  ownerBlank: number;
}

export interface HandLead {
  /** 1-based, in arrival order. */
  no: number;
  /** Midnight of the arrival day, known even when the sheet's date is blank (it orders the rows). */
  day: number;
  dateBlank: boolean;
  /** Furthest stage actually reached before any loss. */
  k: number;
  lost: boolean;
  status: string;
  /** What the evidence shows: the status's stage, or the first stage for the exit. */
  reached: number;
  cents: number | null;
  source: string;
  owner: string;
}

export function simulateHandKept(spec: HandSpec): { rng: Rng; leads: HandLead[] } {
  const rng = new Rng(spec.seed);
  const last = spec.stages.length - 1;
  const days = Array.from({ length: spec.n }, () => arrival(rng, spec.start, spec.end, spec.monthWeight, false)).sort((a, b) => a - b);
  const leads = days.map((day, i): HandLead => {
    let k = 0;
    let t = day;
    while (k < last && rng.chance(spec.advance[k])) {
      t += rng.int(3, 20) * DAY;
      if (t > spec.end + 10 * DAY) break;
      k++;
    }
    const lost = k < last && rng.chance(spec.lostRate);
    let cents: number | null = null;
    if (k >= spec.valueFrom && !rng.chance(spec.valueBlank) && (!lost || rng.chance(spec.lostKeepsValue))) {
      cents = amountCents(rng, spec.valueRange[0], spec.valueRange[1], spec.valueStepCents);
    }
    return {
      no: i + 1,
      day,
      dateBlank: rng.chance(spec.blankDate),
      k,
      lost,
      status: lost ? spec.exit : spec.stages[k],
      reached: lost ? 0 : k,
      cents,
      source: drawSource(rng, spec.sources),
      owner: rng.chance(spec.ownerBlank) ? '' : rng.pick(spec.owners),
    };
  });
  return { rng, leads };
}

export function handSims(leads: readonly HandLead[], dated = true): SimLead[] {
  return leads.map(l => ({
    reached: l.reached,
    source: l.source,
    month: dated && !l.dateBlank ? monthKey(l.day) : null,
    valueCents: l.cents,
    removed: l.lost,
  }));
}
