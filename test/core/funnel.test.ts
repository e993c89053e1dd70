import { describe, expect, it } from 'vitest';
import { FEW_LEADS, LARGE_DEAL, funnel, funnelByGroup, ratio, reachedCounts } from '../../src/core/funnel';
import { Reached, defaultPipeline, reachedFromStatuses } from '../../src/core/pipeline';
import { median, medianDaysBetween } from '../../src/core/timing';

const STAGES = ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'];
const DAY = 86_400_000;
const reached = (stages: number[]): Reached => ({ stage: Int16Array.from(stages), exit: new Int16Array(stages.length).fill(-1) });
const values = (xs: number[]) => Float64Array.from(xs);

describe('reachedCounts', () => {
  it('counts a lead in every stage up to its furthest', () => {
    // furthest: Arrived ×2, Reviewed ×3, Qualified ×2, Converted ×1, Won ×2 (and two blank rows)
    const r = reached([0, 0, 1, 1, 1, 2, 2, 3, 4, 4, -1, -1]);
    expect(reachedCounts(r, 5)).toEqual([10, 8, 5, 3, 2]);
  });

  it('counts exits as the stage they left from (statuses through the default pipeline)', () => {
    const p = defaultPipeline();
    const statuses = ['New', 'Disqualified', 'Junk Lead', 'Contacted', 'Nurturing', 'Qualified', 'Closed-Lost', 'Proposal', 'Closed Won', ''];
    // Arrived: 9 leads. Reviewed: all but "New" = 8. Qualified: Nurturing, Qualified, Closed-Lost, Proposal, Won = 5.
    // Converted: Closed-Lost, Proposal, Won = 3. Closed-Won: 1.
    const r = reachedFromStatuses(statuses, p, { fn: 'T', arg: 'statuses' });
    expect(reachedCounts(r, 5)).toEqual([9, 8, 5, 3, 1]);
  });

  it('counts only the cohort when an include filter is given', () => {
    const r = reached([4, 0, 1, 4, 2]);
    // rows 0, 2, 4: furthest stages 4, 1, 2.
    expect(reachedCounts(r, 5, (i) => i % 2 === 0)).toEqual([3, 3, 2, 1, 1]);
  });

  it('gives zeros for an empty sheet', () => {
    expect(reachedCounts(reached([]), 5)).toEqual([0, 0, 0, 0, 0]);
    expect(reachedCounts(reached([-1, -1]), 3)).toEqual([0, 0, 0]);
  });
});

describe('funnel', () => {
  const r = reached([0, 0, 1, 1, 1, 2, 2, 3, 4, 4]);

  it('computes step and overall conversion and drop-off', () => {
    const f = funnel(r, STAGES);
    expect(f.cohortSize).toBe(10);
    expect(f.stages.map((s) => s.stage)).toEqual(STAGES);
    expect(f.stages.map((s) => s.reached)).toEqual([10, 8, 5, 3, 2]);
    const step = f.stages.map((s) => s.stepConversion);
    [1, 8 / 10, 5 / 8, 3 / 5, 2 / 3].forEach((x, k) => expect(step[k]).toBeCloseTo(x, 12));
    const overall = f.stages.map((s) => s.overallConversion);
    [1, 0.8, 0.5, 0.3, 0.2].forEach((x, k) => expect(overall[k]).toBeCloseTo(x, 12));
    expect(f.stages.map((s) => s.dropOff)).toEqual([0, 2, 3, 2, 1]);
    expect(f.stages.every((s) => s.value === null && !s.valueIsEstimate && !s.tabulateDeals)).toBe(true);
  });

  it('leaves conversions empty (null) where nothing can be divided', () => {
    const empty = funnel(reached([-1, -1]), STAGES);
    expect(empty.cohortSize).toBe(0);
    expect(empty.stages.map((s) => s.stepConversion)).toEqual([null, null, null, null, null]);
    expect(empty.stages.map((s) => s.overallConversion)).toEqual([null, null, null, null, null]);
    const stopsEarly = funnel(reached([0, 0, 0]), STAGES);
    expect(stopsEarly.stages.map((s) => s.stepConversion)).toEqual([1, 0, null, null, null]);
    expect(stopsEarly.stages.map((s) => s.overallConversion)).toEqual([1, 0, 0, 0, 0]);
    expect(stopsEarly.stages.map((s) => s.dropOff)).toEqual([0, 3, 0, 0, 0]);
  });

  it('sums actual deal values of the leads that reached each stage', () => {
    const r2 = reached([0, 1, 3, 3, 4]);
    const f = funnel(r2, STAGES, { values: values([100, 200, 5000, 7000, 12000]) });
    // Arrived: all 5 = 24300; Reviewed: 24200; Qualified and Converted: 24000; Won: 12000.
    expect(f.stages.map((s) => s.value)).toEqual([24300, 24200, 24000, 24000, 12000]);
    expect(f.stages.every((s) => !s.valueIsEstimate)).toBe(true);
  });

  it('estimates count × average deal value when only an average is given', () => {
    const f = funnel(r, STAGES, { averageDealValue: 8000 });
    expect(f.stages.map((s) => s.value)).toEqual([80000, 64000, 40000, 24000, 16000]);
    expect(f.stages.every((s) => s.valueIsEstimate)).toBe(true);
  });

  it('estimates only the stages with missing values, from the average of the known ones', () => {
    const r2 = reached([0, 0, 3, 4]);
    const f = funnel(r2, STAGES, { values: values([NaN, NaN, 1000, 3000]) });
    // Known average 2000. Won: 3000 actual; Converted/Qualified/Reviewed: 4000 actual; Arrived: 4 leads × 2000 estimated.
    expect(f.stages.map((s) => s.value)).toEqual([8000, 4000, 4000, 4000, 3000]);
    expect(f.stages.map((s) => s.valueIsEstimate)).toEqual([true, false, false, false, false]);
    const withAverage = funnel(r2, STAGES, { values: values([NaN, NaN, 1000, 3000]), averageDealValue: 500 });
    expect(withAverage.stages[0]).toMatchObject({ value: 2000, valueIsEstimate: true });
  });

  it('has no value when no deal value is known and no average is given', () => {
    const f = funnel(reached([0, 1]), STAGES, { values: values([NaN, NaN]) });
    expect(f.stages[0].value).toBeNull();
    expect(f.stages[0].valueIsEstimate).toBe(false);
  });

  it('applies the include filter to values as well', () => {
    const f = funnel(reached([4, 4, 0]), STAGES, { values: values([10, 20, 40]), include: (i) => i !== 1 });
    expect(f.stages.map((s) => s.value)).toEqual([50, 10, 10, 10, 10]);
    expect(f.cohortSize).toBe(2);
  });

  describe('tabulateDeals: fewer than 100 leads with an estimated average over 50,000', () => {
    it('uses the thresholds of the guidance', () => {
      expect(FEW_LEADS).toBe(100);
      expect(LARGE_DEAL).toBe(50_000);
    });

    it('flags a small stage of large estimated deals', () => {
      const f = funnel(reached([0, 0, 0, 3, 3, 4]), STAGES, { averageDealValue: 60_000 });
      expect(f.stages.map((s) => s.tabulateDeals)).toEqual([true, true, true, true, true]);
    });

    it('does not flag an average of exactly 50,000 or below', () => {
      expect(funnel(reached([3, 3]), STAGES, { averageDealValue: 50_000 }).stages.some((s) => s.tabulateDeals)).toBe(false);
      expect(funnel(reached([3, 3]), STAGES, { averageDealValue: 10_000 }).stages.some((s) => s.tabulateDeals)).toBe(false);
    });

    it('does not flag stages of 100 leads or more', () => {
      // 100 leads reached Arrived (and 100 Reviewed), 99 reached Qualified.
      const stages = [...new Array(99).fill(2), 1];
      const f = funnel(reached(stages), STAGES, { averageDealValue: 80_000 });
      expect(f.stages.map((s) => s.reached)).toEqual([100, 100, 99, 0, 0]);
      expect(f.stages.map((s) => s.tabulateDeals)).toEqual([false, false, true, false, false]);
    });

    it('does not flag actual deal values, however large', () => {
      const f = funnel(reached([3, 4]), STAGES, { values: values([90_000, 120_000]) });
      expect(f.stages.some((s) => s.tabulateDeals)).toBe(false);
    });

    it('flags a partly estimated stage from the known average', () => {
      const f = funnel(reached([0, 3, 4]), STAGES, { values: values([NaN, 70_000, 90_000]) });
      // Arrived: 3 leads × 80,000 (estimate) → flagged; later stages are actual.
      expect(f.stages[0]).toMatchObject({ value: 240_000, valueIsEstimate: true, tabulateDeals: true });
      expect(f.stages[3]).toMatchObject({ value: 160_000, valueIsEstimate: false, tabulateDeals: false });
    });
  });

  it('ratio divides, or gives null for an empty whole', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
  });
});

describe('funnelByGroup', () => {
  it('gives one funnel per group, largest group first, ties by name', () => {
    const r = reached([0, 4, 1, 2, 4, 0, 3, -1, 1]);
    const groups = ['Web', 'Referral', 'Web', 'Ads', 'Referral', 'Ads', 'Web', 'Web', 'Zeta'];
    const out = funnelByGroup(r, 5, groups);
    expect(out).toEqual([
      { group: 'Web', reached: [3, 2, 1, 1, 0] }, // stages 0, 1, 3 (row 7 is blank)
      { group: 'Ads', reached: [2, 1, 1, 0, 0] }, // stages 2, 0
      { group: 'Referral', reached: [2, 2, 2, 2, 2] }, // stages 4, 4
      { group: 'Zeta', reached: [1, 1, 0, 0, 0] },
    ]);
  });

  it('group funnels add up to the whole funnel', () => {
    const stages = [0, 4, 1, 2, 4, 0, 3, 1, 1, 2, 3, 0];
    const groups = stages.map((_, i) => ['A', 'B', 'C'][i % 3]);
    const whole = reachedCounts(reached(stages), 5);
    const sum = [0, 0, 0, 0, 0];
    for (const g of funnelByGroup(reached(stages), 5, groups)) g.reached.forEach((c, k) => (sum[k] += c));
    expect(sum).toEqual(whole);
  });

  it('respects the include filter', () => {
    const out = funnelByGroup(reached([4, 4, 0]), 5, ['A', 'B', 'B'], (i) => i > 0);
    expect(out).toEqual([{ group: 'B', reached: [2, 1, 1, 1, 1] }]);
  });
});

describe('timing', () => {
  it('median of odd and even counts, sorted as numbers', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([100, 9, 10])).toBe(10);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-2, 30, 5, 11, 2])).toBe(5);
  });

  it('medianDaysBetween measures only leads with both dates', () => {
    const t0 = Date.UTC(2026, 2, 1);
    const arrived = Float64Array.from([t0, t0, t0, t0, NaN]);
    const qualified = Float64Array.from([t0 + 2 * DAY, t0 + 10 * DAY, NaN, t0 + 4.5 * DAY, t0 + DAY]);
    // Gaps: 2, 10, 4.5 → median 4.5.
    expect(medianDaysBetween([arrived, new Float64Array(5).fill(NaN), qualified], 0, 2)).toBe(4.5);
    // Only leads 0 and 1: (2 + 10) / 2.
    expect(medianDaysBetween([arrived, new Float64Array(5), qualified], 0, 2, (i) => i < 2)).toBe(6);
  });

  it('medianDaysBetween is null when no lead has both dates or a column is missing', () => {
    const a = Float64Array.from([NaN, 1]);
    const b = Float64Array.from([1, NaN]);
    expect(medianDaysBetween([a, b], 0, 1)).toBeNull();
    expect(medianDaysBetween([a], 0, 3)).toBeNull();
  });
});
