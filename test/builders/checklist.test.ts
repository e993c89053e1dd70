/**
 * The checklist sheet, built in the offline host: the qualification checklist's live score,
 * temperature and MQL/SQL status follow the ticked criteria exactly as src/core scores them, and
 * the lead-quality review's groups equal the same figures computed from the leads directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import { ALL_SOURCES, REVIEW_CHECKLIST, SMALL_GROUP, planBuild } from '../../src/core/report/index.ts';
import { SampleSheet } from '../../src/core/sample.ts';
import { Rule, Setup } from '../../src/core/setup.ts';
import { compileScorer } from '../../src/core/scoring.ts';
import { DAY_MS } from '../../src/core/time.ts';
import { median } from '../../src/core/timing.ts';
import { isBlank } from '../../src/core/values.ts';
import type { Host } from '../../src/offline/host/index.ts';
import { Built, build, clock, coreLeads, expectPlanComputedByEngine, hostWithLeads, num, saveProposedSetup, sheetValues, wallOf } from './helpers.ts';

beforeAll(async () => {
  await buildDist();
});

const rule = (group: Rule['group'], column: string, operator: Rule['operator'], value: string, points: number, label = ''): Rule => ({ group, column, operator, value, value2: '', points, label });

// A median is over the leads that have the figure: a blank first response is unknown, not zero hours.
const numbersOf = (ids: number[], column: unknown[]): number[] => ids.map((i) => column[i]).filter((v): v is number => typeof v === 'number');

const RULES: Rule[] = [
  rule('fit', 'Email', 'validEmail', '', 20, 'Reachable by email'),
  rule('fit', 'Lead Source', 'oneOf', 'Referral, Trade Show, LinkedIn', 40, 'Channel that fits'),
  rule('fit', 'Deal Value', 'greaterThan', '10000', 30),
  rule('intent', 'Next Step', 'notBlank', '', 40, 'Agreed a next step'),
  rule('intent', 'Contact Attempts', 'greaterThan', '2', 20),
  rule('intent', 'Outcome', 'equals', 'Lost', -25, 'Lost the deal'),
];

function saveSetup(host: Host): Setup {
  return saveProposedSetup(host, 'Leads', (setup) => {
    setup.scoring = { rules: RULES, caps: { fit: 80, intent: 100 }, mql: { fit: 40, intent: 30 }, sql: { fit: 60, intent: 60 }, temperature: { warm: 50, hot: 110 } };
  });
}

/**
 * Checks each row of the review's side-by-side table against the leads themselves: per group (one
 * source, or every source when `bySource` is false) and period, the leads on each side of the
 * "progressed" line (stage no. 3), their medians and shares. Returns how many rows, and how many
 * were too small to judge.
 */
function expectReviewRows(sample: SampleSheet, values: unknown[][], row: (label: string) => number, bySource: boolean): { groups: number; small: number } {
  const c = coreLeads(sample.headers, sample.rows);
  const col = (h: string) => c.column(h);
  const [response, attempts, nextStep, owner, outcome] = ['First Response (hours)', 'Contact Attempts', 'Next Step', 'Lead Owner', 'Outcome'].map(col);
  const head = row('Lead source');
  let groups = 0;
  let small = 0;
  for (let r = head + 1; values[r][0] !== ''; r++, groups++) {
    const [source, , from, to] = values[r];
    if (!bySource) expect(source).toBe(ALL_SOURCES);
    const lo = wallOf(from);
    const hi = wallOf(to) + DAY_MS;
    const members = c.source.map((_, i) => i).filter((i) => (!bySource || c.source[i] === source) && c.arrived[i] >= lo && c.arrived[i] < hi);
    const sides = [members.filter((i) => c.reached.stage[i] + 1 >= 3), members.filter((i) => c.reached.stage[i] + 1 < 3)];
    sides.forEach((ids, k) => {
      const got = values[r].slice(4 + 6 * k, 10 + 6 * k);
      const unknown = ids.filter((i) => isBlank(outcome[i]) || /^unknown$/i.test(String(outcome[i])));
      const share = (n: number) => (ids.length ? n / ids.length : null);
      const label = `${source} ${values[r][1]} side ${k}`;
      expect(got[0], label).toBe(ids.length);
      expect(num(got[1]), label).toBeCloseTo(median(numbersOf(ids, response)) ?? NaN, 9);
      expect(num(got[2]), label).toBeCloseTo(median(numbersOf(ids, attempts)) ?? NaN, 9);
      expect(num(got[3]), label).toBeCloseTo(share(ids.filter((i) => !isBlank(nextStep[i])).length) ?? NaN, 12);
      expect(num(got[4]), label).toBeCloseTo(share(ids.filter((i) => !isBlank(owner[i]) && !isBlank(response[i]) && !isBlank(attempts[i])).length) ?? NaN, 12);
      expect(num(got[5]), label).toBeCloseTo(share(unknown.length) ?? NaN, 12);
      // Unknown outcomes are not counted with the known ones among the leads that did not progress.
      if (k === 1) expect(values[r][16], label).toBe(ids.length - unknown.length);
    });
    const total = sides[0].length + sides[1].length;
    expect(values[r][17], `${source} ${values[r][1]} note`).toBe(total < SMALL_GROUP ? `Too few leads to judge (under ${SMALL_GROUP})` : '');
    if (total < SMALL_GROUP) small++;
  }
  return { groups, small };
}

describe('the checklist sheet', () => {
  let host: Host;
  let sample: SampleSheet;
  let setup: Setup;
  let built: Built;
  let values: unknown[][];
  let row: (label: string, from?: number) => number;

  beforeAll(() => {
    ({ host, sample } = hostWithLeads(1000));
    setup = saveSetup(host);
    built = build(host, { kind: 'checklist', leads: 'all', period: 'quarter' });
    ({ values, row } = sheetValues(host, 'Lead review'));
  }, 300_000);

  it('lists one row per lead with a checkbox per criterion, ticked where the data meets it, and src/core\'s score, temperature and status', () => {
    expect(built.result).toMatchObject({ ok: true, sheetName: 'Lead review' });
    expectPlanComputedByEngine(host, built.plan, 'Lead review');
    expect(built.result.notes.join(' ')).toMatch(/500 newest of 1000 leads/);
    const head = row('Lead');
    const N = RULES.length;
    expect(values[head].slice(6, 6 + N)).toEqual(['Reachable by email', 'Channel that fits', 'Deal Value > 10000', 'Agreed a next step', 'Contact Attempts > 2', 'Lost the deal']);
    expect(values[head].slice(6 + N, 15 + N)).toEqual(['Fit evidence', 'Intent evidence', 'Handling evidence', 'Outcome evidence', 'Fit', 'Intent', 'Score', 'Temperature', 'Qualification']);
    const { scorer } = compileScorer(setup, built.data.headers, clock, built.data.now);
    const seen = { SQL: 0, MQL: 0, Unqualified: 0 };
    for (let r = head + 1; r <= head + 500; r++) {
      const line = values[r];
      const i = (line[1] as number) - 2;
      const lead = sample.rows[i];
      expect(line[0]).toBe(lead[0]);
      const s = scorer.score(lead);
      expect(line.slice(6, 6 + N), `ticks of ${lead[0]}`).toEqual(RULES.map((_, k) => s.fired.includes(k)));
      expect(line.slice(6 + N + 4, 6 + N + 9), `scores of ${lead[0]}`).toEqual([s.fit, s.intent, s.total, scorer.temperature(s), scorer.qualification(s)]);
      seen[scorer.qualification(s)]++;
      expect(line[6 + N + 3]).toBe(isBlank(lead[12]) || lead[12] === 'Unknown' ? 'Unknown' : lead[12]);
    }
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
    // Newest first.
    const arrived = values.slice(head + 1, head + 501).map((l) => wallOf(l[4]));
    expect(arrived).toEqual([...arrived].sort((a, b) => b - a));
  });

  it('recomputes the score, temperature and status when a reviewer ticks or clears a box', () => {
    const head = row('Lead');
    const sheet = host.sheet('Lead review');
    const { scorer } = compileScorer(setup, built.data.headers, clock, built.data.now);
    const points = RULES.map((r) => r.points);
    for (const [r, flips] of [[head + 1, [0, 1, 3]], [head + 7, [1, 2, 4]], [head + 42, [0, 1, 2, 3, 4, 5]]] as [number, number[]][]) {
      const ticks = values[r].slice(6, 12) as boolean[];
      for (const k of flips) {
        ticks[k] = !ticks[k];
        sheet.getRange(r + 1, 7 + k).setValue(ticks[k]);
      }
      const sum = (g: string) => RULES.reduce((t, u, k) => t + (ticks[k] && u.group === g ? points[k] : 0), 0);
      const fit = Math.max(0, Math.min(80, sum('fit')));
      const intent = Math.max(0, Math.min(100, sum('intent')));
      const s = { fit, intent, total: fit + intent, fired: [] };
      expect(sheet.getRange(r + 1, 17, 1, 5).getValues()[0]).toEqual([fit, intent, fit + intent, scorer.temperature(s), scorer.qualification(s)]);
    }
    expect(host.inspectSheet('Lead review').conditionalFormatRules).toEqual([]);
    const validation = sheet.getRange(head + 2, 7).getDataValidation();
    expect(validation?.getCriteriaType()).toBe('CHECKBOX');
  });

  it('compares progressed and not-progressed leads per source and quarter, unknown outcomes kept apart', () => {
    const { groups, small } = expectReviewRows(sample, values, row, true);
    expect(groups).toBe(28);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(groups);
    // The note under the groups says which fields a complete record needs: here all three are mapped.
    const completeNote = values.map((line) => String(line[0])).find((text) => text.startsWith('Complete record:'));
    expect(completeNote).toMatch(/^Complete record: owner, first response and contact attempts all filled in\. /);
  });

  it('says which fields "complete record" could not check when they are not mapped', () => {
    const columns = { ...built.data.setup.columns, firstResponse: '', attempts: '' };
    const plan = planBuild({ ...built.data, setup: { ...built.data.setup, columns } }, { kind: 'checklist', leads: 'all', period: 'quarter' });
    const completeNote = plan.cells.map((line) => String(line[0])).find((text) => text.startsWith('Complete record:'));
    expect(completeNote).toMatch(/all filled in; first response and contact attempts are not mapped, so not checked\. /);
  });

  it('ends the review with the review checklist, each item with a checkbox', () => {
    const first = row('Before judging lead quality') + 1;
    expect(values.slice(first, first + 6).map((l) => l.slice(0, 2))).toEqual(REVIEW_CHECKLIST.map((t) => [false, t]));
    const rules = host.sheet('Lead review').getRange(first + 1, 1, 6, 1).getDataValidations().flat();
    expect(rules.map((v) => v?.getCriteriaType())).toEqual(new Array(6).fill('CHECKBOX'));
  });
});

describe('a checklist on a fresh sheet', () => {
  it('works without a saved setup: criteria come from a preset whose columns the sheet has, only unreviewed leads listed', () => {
    const { host, sample } = hostWithLeads(300, 4);
    const { result, plan } = build(host, { kind: 'checklist' });
    expect(result.ok).toBe(true);
    const { values, row } = sheetValues(host, 'Lead review');
    expect(values.some((l) => String(l[0]).includes('"B2B fit + engagement" preset'))).toBe(true);
    const c = coreLeads(sample.headers, sample.rows);
    const unreviewed = c.reached.stage.filter((s, i) => s === 0 && c.reached.exit[i] < 0).length;
    const head = row('Lead');
    expect(values.slice(head + 1).filter((l) => /^L-/.test(String(l[0]))).length).toBe(unreviewed);
    expect(plan.checkboxes).toHaveLength(2);
  });
});

describe('a review of leads with no source column', () => {
  it('compares each quarter\'s leads of every source, says so under the table, and the sheet computes what src/core cached', () => {
    const { host, sample } = hostWithLeads(600, 5);
    saveProposedSetup(host, 'Leads', (setup) => {
      setup.columns.source = '';
    });
    const built = build(host, { kind: 'checklist', leads: 'all', period: 'quarter' });
    expect(built.result.ok).toBe(true);
    expectPlanComputedByEngine(host, built.plan, 'Lead review');
    const { values, row } = sheetValues(host, 'Lead review');
    const { groups } = expectReviewRows(sample, values, row, false);
    const c = coreLeads(sample.headers, sample.rows);
    const quarters = new Set(c.arrived.filter((wall) => wall === wall).map((wall) => { const day = new Date(wall); return day.getUTCFullYear() * 4 + Math.floor(day.getUTCMonth() / 3); }));
    expect(groups).toBe(quarters.size);
    const under = values.map((line) => String(line[0])).find((text) => text.includes('Complete record:'));
    expect(under).toMatch(/^All sources: no lead source column is mapped, so each row holds the leads of every source that arrived in its period/);
  });

  it('says why the table is empty when no arrival date column is mapped', () => {
    const { host } = hostWithLeads(200, 6);
    saveProposedSetup(host, 'Leads', (setup) => {
      setup.columns.arrived = '';
    });
    const { plan } = build(host, { kind: 'checklist', leads: 'all', period: 'quarter' });
    const head = plan.cells.findIndex((line) => line[0] === 'Lead source');
    expect(plan.cells[head + 1][0]).toMatch(/^No rows: the review compares leads that arrived in the same period, and no arrival date column is mapped\. Map one in Extensions ▸ LeadFlow ▸ Open setup/);
  });
});
