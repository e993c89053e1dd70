import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowLeads, FlowOptions, netLeadFlow, netLeadFlowByPeriod } from '../../src/core/flow';
import { defaultPipeline } from '../../src/core/pipeline';
import { sampleLeads } from '../../src/core/sample';
import { callCustomFunction, makeEnv } from '../../src/functions/registry';

/**
 * Properties over generated lead sheets: the seeded sample generator (with its ground truth), and
 * arbitrary status columns built from the default stage and exit names and their aliases.
 */

const DAY = 86_400_000;
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Sydney'];
const STAGES = ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'];
const NOW = Date.UTC(2027, 0, 1);
const col = (xs: unknown[]) => xs.map((x) => [x]);
const isoDay = (wall: number) => new Date(wall).toISOString().slice(0, 10);
const serialOf = (wall: number) => wall / DAY + 25569;

// Column positions of the sample sheet.
const SOURCE = 3;
const ARRIVED = 5;
const STATUS = 6;
const FIRST_STAGE_DATE = 13;

/** Reached counts from the ground truth: a lead counts in every stage up to its furthest. */
function truthCounts(truth: { stage: number }[]): number[] {
  return STAGES.map((_, k) => truth.filter((t) => t.stage >= k).length);
}

const REMOVING = new Set(['Disqualified', 'Closed-Lost', 'Lost']);

/** The spellings a sheet may hold for each default stage or exit, with what they mean (stage reached, removed from flow?). */
const SPELLINGS: [string, number, boolean][] = [
  ['Arrived', 0, false], ['New', 0, false], ['Open', 0, false], ['Not Contacted', 0, false],
  ['Reviewed', 1, false], ['Contacted', 1, false], ['Working', 1, false], ['Attempted to Contact', 1, false],
  ['Qualified', 2, false], ['Pre Qualified', 2, false], ['SQL', 2, false], ['MQL', 2, false],
  ['Converted to Opportunity', 3, false], ['Opportunity', 3, false], ['Proposal', 3, false], ['Negotiation', 3, false], ['Converted', 3, false],
  ['Closed-Won', 4, false], ['Won', 4, false], ['Closed Won', 4, false],
  ['Disqualified', 1, true], ['Junk Lead', 1, true], ['Not Qualified', 1, true], ['Unqualified', 1, true],
  ['Nurturing', 2, false], ['Nurture', 2, false], ['Contact in Future', 2, false],
  ['Closed-Lost', 3, true], ['Deal Lost', 3, true], ['Closed Lost', 3, true],
  ['Lost', 0, true], ['Lost Lead', 0, true],
];

/** A spelling as exports mangle it: case, separators, stray spaces. */
const messy = fc
  .tuple(fc.integer({ min: 0, max: SPELLINGS.length - 1 }), fc.constantFrom('same', 'upper', 'lower'), fc.constantFrom(' ', '-', '_', '  '), fc.boolean())
  .map(([i, kase, sep, pad]) => {
    const [text, stage, removes] = SPELLINGS[i];
    let s = text.replace(/[ -]/g, sep);
    if (kase === 'upper') s = s.toUpperCase();
    if (kase === 'lower') s = s.toLowerCase();
    return { text: pad ? ` ${s} ` : s, stage, removes };
  });

/** A status cell: a spelling, or a blank. */
const statusCell = fc.oneof({ weight: 5, arbitrary: messy }, { weight: 1, arbitrary: fc.constantFrom('', '   ').map((text) => ({ text, stage: -1, removes: false })) });

const sampleArgs = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  rows: fc.integer({ min: 1, max: 250 }),
  fromDay: fc.integer({ min: 0, max: 3 * 365 }),
  days: fc.integer({ min: 1, max: 400 }),
  timeZone: fc.constantFrom(...ZONES),
  dateStyle: fc.constantFrom('date' as const, 'iso' as const, 'zoho' as const),
});

function makeSample(a: { seed: number; rows: number; fromDay: number; days: number; timeZone: string; dateStyle: 'date' | 'iso' | 'zoho' }, stageDates = false) {
  const from = isoDay(Date.UTC(2024, 0, 1) + a.fromDay * DAY);
  return sampleLeads({ rows: a.rows, seed: a.seed, from, days: a.days, timeZone: a.timeZone, dateStyle: a.dateStyle, stageDates });
}

/** A deterministic shuffle from a seed (Fisher–Yates over a small LCG). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function checkFunnelTable(t: unknown[][]) {
  const rows = t.slice(1);
  const reached = rows.map((r) => r[1] as number);
  for (let k = 1; k < reached.length; k++) expect(reached[k]).toBeLessThanOrEqual(reached[k - 1]);
  rows.forEach((r, k) => {
    const step = r[2];
    const overall = r[3];
    if (reached[0] === 0) {
      expect(overall).toBe('');
    } else {
      expect(overall as number).toBeGreaterThanOrEqual(0);
      expect(overall as number).toBeLessThanOrEqual(1);
      expect(overall as number).toBeCloseTo(reached[k] / reached[0], 12);
    }
    if (k === 0) {
      expect(step).toBe(reached[0] ? 1 : '');
      expect(r[4]).toBe(0);
    } else {
      if (reached[k - 1] === 0) expect(step).toBe('');
      else {
        expect(step as number).toBeGreaterThanOrEqual(0);
        expect(step as number).toBeLessThanOrEqual(1);
        expect(step as number).toBeCloseTo(reached[k] / reached[k - 1], 12);
      }
      expect(r[4]).toBe(reached[k - 1] - reached[k]);
    }
  });
}

describe('sample sheets', () => {
  it('FUNNEL counts equal the counts from the ground truth, and conversions stay within [0, 1]', () => {
    fc.assert(
      fc.property(sampleArgs, (a) => {
        const s = makeSample(a);
        const env = makeEnv(a.timeZone, NOW);
        const t = callCustomFunction('FUNNEL', [col(s.rows.map((r) => r[STATUS]))], env) as unknown[][];
        expect(t.slice(1).map((r) => r[0])).toEqual(STAGES);
        expect(t.slice(1).map((r) => r[1])).toEqual(truthCounts(s.truth));
        checkFunnelTable(t);
      }),
      { numRuns: 150 },
    );
  });

  it('FUNNEL over one date column per stage equals the truth too', () => {
    fc.assert(
      fc.property(sampleArgs, (a) => {
        const s = makeSample(a, true);
        const env = makeEnv(a.timeZone, NOW);
        const grid = s.rows.map((r) => [r[ARRIVED], ...r.slice(FIRST_STAGE_DATE, FIRST_STAGE_DATE + 4)]);
        const t = callCustomFunction('FUNNEL', [grid], env) as unknown[][];
        expect(t.slice(1).map((r) => r[1])).toEqual(truthCounts(s.truth));
      }),
      { numRuns: 100 },
    );
  });

  it('FUNNEL of a cohort by arrival equals the truth of the leads that arrived in it', () => {
    fc.assert(
      fc.property(sampleArgs, fc.integer({ min: -20, max: 420 }), fc.integer({ min: 0, max: 120 }), (a, offset, length) => {
        const s = makeSample(a);
        const env = makeEnv(a.timeZone, NOW);
        const first = Date.parse(`${isoDay(Date.UTC(2024, 0, 1) + a.fromDay * DAY)}T00:00:00Z`);
        const startWall = first + offset * DAY;
        const endWall = startWall + length * DAY;
        const inCohort = s.truth.filter((t) => t.arrivedWall >= startWall && t.arrivedWall < endWall + DAY);
        const t = callCustomFunction(
          'FUNNEL',
          [col(s.rows.map((r) => r[STATUS])), '', col(s.rows.map((r) => r[ARRIVED])), isoDay(startWall), serialOf(endWall)],
          env,
        ) as unknown[][];
        expect(t.slice(1).map((r) => r[1])).toEqual(truthCounts(inCohort));
        checkFunnelTable(t);
      }),
      { numRuns: 100 },
    );
  });

  it('NETLEADFLOW = arrivals in the period − those of them disqualified or lost (cohort-based)', () => {
    fc.assert(
      fc.property(sampleArgs, fc.integer({ min: -20, max: 420 }), fc.integer({ min: 0, max: 120 }), (a, offset, length) => {
        const s = makeSample(a);
        const env = makeEnv(a.timeZone, NOW);
        const first = Date.parse(`${isoDay(Date.UTC(2024, 0, 1) + a.fromDay * DAY)}T00:00:00Z`);
        const startWall = first + offset * DAY;
        const endWall = startWall + length * DAY;
        const arrived = s.truth.filter((t) => t.arrivedWall >= startWall && t.arrivedWall < endWall + DAY);
        const removed = arrived.filter((t) => t.exit !== null && REMOVING.has(t.exit));
        const net = callCustomFunction(
          'NETLEADFLOW',
          [col(s.rows.map((r) => r[ARRIVED])), col(s.rows.map((r) => r[STATUS])), serialOf(startWall), isoDay(endWall)],
          env,
        );
        expect(net).toBe(arrived.length - removed.length);
      }),
      { numRuns: 150 },
    );
  });

  it('the monthly NETLEADFLOW table adds up to the whole, with no month missing', () => {
    fc.assert(
      fc.property(sampleArgs, (a) => {
        const s = makeSample(a);
        const env = makeEnv(a.timeZone, NOW);
        const args = [col(s.rows.map((r) => r[ARRIVED])), col(s.rows.map((r) => r[STATUS]))];
        const t = callCustomFunction('NETLEADFLOW', [...args, 'month'], env) as [string, number, number, number][];
        expect(t[0]).toEqual(['Period', 'New', 'Removed', 'Net']);
        const rows = t.slice(1);
        for (const [, added, removedN, net] of rows) expect(net).toBe(added - removedN);
        expect(rows.reduce((x, r) => x + r[1], 0)).toBe(s.rows.length);
        expect(rows.reduce((x, r) => x + r[3], 0)).toBe(callCustomFunction('NETLEADFLOW', args, env));
        // Consecutive months, first and last from the truth.
        const months = s.truth.map((x) => isoDay(x.arrivedWall).slice(0, 7)).sort();
        expect(rows[0][0]).toBe(months[0]);
        expect(rows[rows.length - 1][0]).toBe(months[months.length - 1]);
        for (let i = 1; i < rows.length; i++) {
          const [y, m] = rows[i - 1][0].split('-').map(Number);
          expect(rows[i][0]).toBe(m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`);
        }
        // Each month's arrivals, from the truth.
        for (const [label, added] of rows) expect(added).toBe(months.filter((x) => x === label).length);
      }),
      { numRuns: 100 },
    );
  });

  it('shuffling rows changes neither FUNNEL, FUNNELBY nor NETLEADFLOW', () => {
    fc.assert(
      fc.property(sampleArgs, fc.integer(), (a, seed) => {
        const s = makeSample(a);
        const env = makeEnv(a.timeZone, NOW);
        const mixed = shuffled(s.rows, seed);
        const run = (rows: unknown[][]) => {
          const status = col(rows.map((r) => r[STATUS]));
          const arrived = col(rows.map((r) => r[ARRIVED]));
          return {
            funnel: callCustomFunction('FUNNEL', [status], env),
            by: callCustomFunction('FUNNELBY', [status, col(rows.map((r) => r[SOURCE]))], env),
            net: callCustomFunction('NETLEADFLOW', [arrived, status], env),
            table: callCustomFunction('NETLEADFLOW', [arrived, status, 'quarter'], env),
          };
        };
        expect(run(mixed)).toEqual(run(s.rows));
      }),
      { numRuns: 100 },
    );
  });

  it('FUNNELBY: group rows add up to the All leads row, and each group matches the truth', () => {
    fc.assert(
      fc.property(sampleArgs, (a) => {
        const s = makeSample(a);
        const env = makeEnv(a.timeZone, NOW);
        const t = callCustomFunction('FUNNELBY', [col(s.rows.map((r) => r[STATUS])), col(s.rows.map((r) => r[SOURCE]))], env) as unknown[][];
        expect(t[0]).toEqual(['Group', ...STAGES, 'Overall conversion']);
        expect(t[1].slice(1, 6)).toEqual(truthCounts(s.truth));
        const sum = [0, 0, 0, 0, 0];
        for (const row of t.slice(2)) {
          const counts = row.slice(1, 6) as number[];
          counts.forEach((c, k) => (sum[k] += c));
          expect(counts).toEqual(truthCounts(s.truth.filter((x) => x.source === row[0])));
          expect(row[6]).toBeCloseTo(counts[4] / counts[0], 12);
        }
        expect(sum).toEqual(t[1].slice(1, 6));
        const sizes = t.slice(2).map((r) => r[1] as number);
        for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('arbitrary status columns', () => {
  it('FUNNEL counts each spelling at the stage it means; counts never rise along the stages', () => {
    fc.assert(
      fc.property(fc.array(statusCell, { maxLength: 200 }), (cells) => {
        const t = callCustomFunction('FUNNEL', [col(cells.map((c) => c.text))], makeEnv('UTC', NOW)) as unknown[][];
        const expected = STAGES.map((_, k) => cells.filter((c) => c.stage >= k).length);
        expect(t.slice(1).map((r) => r[1])).toEqual(expected);
        checkFunnelTable(t);
      }),
      { numRuns: 200 },
    );
  });

  it('FUNNELSTAGE returns one row per input row; blank rows stay blank', () => {
    fc.assert(
      fc.property(fc.array(statusCell, { minLength: 1, maxLength: 200 }), (cells) => {
        const out = callCustomFunction('FUNNELSTAGE', [col(cells.map((c) => c.text))], makeEnv('UTC', NOW)) as unknown[][];
        expect(out).toHaveLength(cells.length);
        out.forEach((row, i) => expect(row).toEqual([cells[i].stage < 0 ? '' : STAGES[cells[i].stage]]));
      }),
      { numRuns: 200 },
    );
  });

  it('NETLEADFLOW = new − removed, counted by hand over random arrival days', () => {
    const lead = fc.record({ cell: messy, day: fc.integer({ min: 0, max: 364 }), minute: fc.integer({ min: 0, max: 1439 }), asSerial: fc.boolean() });
    fc.assert(
      fc.property(fc.array(lead, { minLength: 1, maxLength: 150 }), fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 90 }), (leads, startDay, length) => {
        const year = Date.UTC(2026, 0, 1);
        const walls = leads.map((l) => year + l.day * DAY + l.minute * 60_000);
        // Serials, or text dates written as a person would.
        const cells = leads.map((l, i) => (l.asSerial ? serialOf(walls[i]) : new Date(walls[i]).toISOString().slice(0, 16).replace('T', ' ')));
        const inPeriod = leads.filter((l) => l.day >= startDay && l.day <= startDay + length);
        const expected = inPeriod.length - inPeriod.filter((l) => l.cell.removes).length;
        const net = callCustomFunction(
          'NETLEADFLOW',
          [col(cells), col(leads.map((l) => l.cell.text)), isoDay(year + startDay * DAY), isoDay(year + (startDay + length) * DAY)],
          makeEnv('Asia/Kolkata', NOW),
        );
        expect(net).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});

describe('flow core over arbitrary leads', () => {
  const pipeline = defaultPipeline();
  const T0 = Date.UTC(2026, 0, 1);
  interface GenLead {
    arrived?: number;
    status: number;
    removedAfter?: number;
    quietAfter?: number;
  }
  const leadArb: fc.Arbitrary<GenLead> = fc.record({
    arrived: fc.option(fc.integer({ min: 0, max: 300 * 24 }), { nil: undefined, freq: 10 }),
    status: fc.integer({ min: -1, max: SPELLINGS.length - 1 }),
    removedAfter: fc.option(fc.integer({ min: 0, max: 200 * 24 }), { nil: undefined }),
    quietAfter: fc.option(fc.integer({ min: 0, max: 200 * 24 }), { nil: undefined }),
  });

  function build(list: GenLead[], withRemoved: boolean, withActivity: boolean): FlowLeads {
    const n = list.length;
    const stage = new Int16Array(n).fill(-1);
    const exit = new Int16Array(n).fill(-1);
    list.forEach((l, i) => {
      if (l.status < 0) return;
      const r = pipeline.resolve(SPELLINGS[l.status][0])!;
      stage[i] = r.stage;
      exit[i] = r.exit;
    });
    const arrived = Float64Array.from(list, (l) => (l.arrived === undefined ? NaN : T0 + l.arrived * 3_600_000));
    const after = (f: (l: GenLead) => number | undefined) =>
      Float64Array.from(list, (l, i) => (f(l) === undefined || Number.isNaN(arrived[i]) ? NaN : arrived[i] + f(l)! * 3_600_000));
    return {
      arrived, stage, exit,
      removedAt: withRemoved ? after((l) => l.removedAfter) : undefined,
      lastActivity: withActivity ? after((l) => l.quietAfter) : undefined,
    };
  }

  it('net = new − removed, and removed = the sum by reason', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { maxLength: 120 }),
        fc.boolean(),
        fc.boolean(),
        (list, flowBased, withActivity) => {
          const leads = build(list, flowBased, withActivity);
          const opts: FlowOptions = { pipeline, flowBased, inactiveDays: withActivity ? 30 : undefined, now: T0 + 400 * DAY };
          const whole = netLeadFlow(leads, -Infinity, Infinity, opts);
          expect(whole.net).toBe(whole.added - whole.removed);
          expect(Object.values(whole.removedBy).reduce((x, y) => x + y, 0)).toBe(whole.removed);
          expect(whole.added).toBe(list.filter((l) => l.arrived !== undefined).length);
          // Nurturing and won leads are never removed.
          expect(whole.removedBy['Nurturing']).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('every period of the table equals netLeadFlow over that period; the running total ends at the whole', () => {
    fc.assert(
      fc.property(
        fc.array(leadArb, { minLength: 1, maxLength: 120 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('day' as const, 'week' as const, 'month' as const, 'quarter' as const, 'year' as const),
        (list, flowBased, withActivity, unit) => {
          const leads = build(list, flowBased, withActivity);
          const opts: FlowOptions = { pipeline, flowBased, inactiveDays: withActivity ? 30 : undefined, now: T0 + 400 * DAY };
          const rows = netLeadFlowByPeriod(leads, unit, opts);
          let running = 0;
          rows.forEach((r, i) => {
            const end = i + 1 < rows.length ? rows[i + 1].start : Infinity;
            const c = netLeadFlow(leads, r.start, end, opts);
            expect({ added: r.added, removed: r.removed, net: r.net, removedBy: r.removedBy }).toEqual(c);
            running += r.net;
            expect(r.runningNet).toBe(running);
          });
          if (rows.length) expect(rows[rows.length - 1].runningNet).toBe(netLeadFlow(leads, -Infinity, Infinity, opts).net);
        },
      ),
      { numRuns: 150 },
    );
  });
});
