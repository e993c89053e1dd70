import { describe, expect, it } from 'vitest';
import { FlowCounts, FlowLeads, FlowOptions, INACTIVE, netLeadFlow, netLeadFlowByPeriod } from '../../src/core/flow';
import { Pipeline, defaultPipeline, pipelineFromArg } from '../../src/core/pipeline';
import { endExclusive } from '../../src/core/values';

const wall = (y: number, m: number, d: number, h = 0, mi = 0) => Date.UTC(y, m - 1, d, h, mi);
const pipeline = defaultPipeline();

/** One lead as a person writes it down: when it arrived, its status, and optionally when it was removed or last active. */
interface L {
  arrived: number;
  status: string;
  removedAt?: number;
  lastActivity?: number;
}
const lead = (arrived: number, status: string, extra: { removedAt?: number; lastActivity?: number } = {}): L => ({ arrived, status, ...extra });

/** The column-wise leads the flow functions take; removal and activity columns only when some lead has one. */
function sheet(list: L[], p: Pipeline = pipeline): FlowLeads {
  const n = list.length;
  const stage = new Int16Array(n).fill(-1);
  const exit = new Int16Array(n).fill(-1);
  list.forEach((l, i) => {
    if (l.status === '') return;
    const r = p.resolve(l.status);
    if (!r) throw new Error(`test data: unknown status ${l.status}`);
    stage[i] = r.stage;
    exit[i] = r.exit;
  });
  const col = (f: (l: L) => number | undefined) => (list.some((l) => f(l) !== undefined) ? Float64Array.from(list, (l) => f(l) ?? NaN) : undefined);
  return { arrived: Float64Array.from(list, (l) => l.arrived), stage, exit, removedAt: col((l) => l.removedAt), lastActivity: col((l) => l.lastActivity) };
}

const cohort = (extra: Partial<FlowOptions> = {}): FlowOptions => ({ pipeline, flowBased: false, now: wall(2026, 6, 30), ...extra });
const MARCH = [wall(2026, 3, 1), endExclusive(wall(2026, 3, 31))] as const;
const ALL = [-Infinity, Infinity] as const;

/** How one lead on its own counts over all time: removed, and why. */
function alone(l: L, o: FlowOptions): FlowCounts {
  return netLeadFlow(sheet([l]), ALL[0], ALL[1], o);
}

/** 500 leads that arrived in March 2026 (150 of them Disqualified), plus leads before and after March. */
function marchSheet(): L[] {
  const leads: L[] = [];
  const open = ['New', 'Reviewed', 'Qualified', 'Nurturing', 'Closed Won', 'Proposal'];
  for (let i = 0; i < 500; i++) {
    // Spread over 1–31 March, at every hour of the day, including the first and last minute of the month.
    const t = i === 0 ? wall(2026, 3, 1, 0, 0) : i === 1 ? wall(2026, 3, 31, 23, 59) : wall(2026, 3, 1 + (i % 31), (i * 7) % 24, (i * 13) % 60);
    leads.push(lead(t, i % 10 < 3 ? (i % 2 ? 'Disqualified' : 'Junk Lead') : open[i % open.length]));
  }
  // Outside March: they must not count, whatever their status.
  for (let i = 0; i < 40; i++) leads.push(lead(wall(2026, 2, 1 + (i % 28), 12), i % 2 ? 'Disqualified' : 'New'));
  for (let i = 0; i < 30; i++) leads.push(lead(wall(2026, 4, 1 + (i % 30), 9), i % 3 ? 'Closed-Lost' : 'Qualified'));
  leads.push(lead(wall(2026, 4, 1, 0, 0), 'Disqualified'));
  leads.push(lead(wall(2026, 2, 28, 23, 59), 'New'));
  return leads;
}

/** The reason a lead alone is removed for (undefined when it stays), and the day its removal is placed on (flow-based). */
function removalOf(l: L, o: FlowOptions): { reason?: string; day?: string } {
  const c = alone(l, o);
  const reasons = Object.keys(c.removedBy);
  expect(c.removed).toBe(reasons.length === 0 ? 0 : 1);
  const days = netLeadFlowByPeriod(sheet([l]), 'day', { ...o, flowBased: true }).filter((r) => r.removed > 0);
  return { reason: reasons[0], day: days[0]?.label };
}

describe('who is removed, and when', () => {
  it('removing exits remove; nurturing, won and open leads do not', () => {
    const o = cohort();
    expect(removalOf(lead(wall(2026, 3, 5, 10), 'Disqualified'), o)).toEqual({ reason: 'Disqualified', day: '2026-03-05' });
    expect(removalOf(lead(wall(2026, 3, 5), 'Lost'), o)).toEqual({ reason: 'Lost', day: '2026-03-05' });
    expect(removalOf(lead(wall(2026, 3, 5), 'Closed Lost'), o)).toEqual({ reason: 'Closed-Lost', day: '2026-03-05' });
    expect(removalOf(lead(wall(2026, 3, 5), 'Nurturing'), o)).toEqual({});
    expect(removalOf(lead(wall(2026, 3, 5), 'Closed Won'), o)).toEqual({});
    expect(removalOf(lead(wall(2026, 3, 5), 'Qualified'), o)).toEqual({});
    expect(removalOf(lead(wall(2026, 3, 5), ''), o)).toEqual({});
  });

  it('places a removal at its removal date when there is one', () => {
    expect(removalOf(lead(wall(2026, 1, 5), 'Junk Lead', { removedAt: wall(2026, 3, 9, 17) }), cohort())).toEqual({
      reason: 'Disqualified', day: '2026-03-09',
    });
  });

  it('inactivity: open leads quiet for inactive_days are removed on the day they went quiet', () => {
    const o = cohort({ inactiveDays: 30 }); // now = 30 June
    expect(removalOf(lead(wall(2026, 3, 5), 'Reviewed', { lastActivity: wall(2026, 5, 1) }), o)).toEqual({ reason: INACTIVE, day: '2026-05-31' });
    // exactly inactive_days before now counts as inactive; a minute later does not
    expect(removalOf(lead(wall(2026, 3, 5), 'New', { lastActivity: wall(2026, 5, 31) }), o).reason).toBe(INACTIVE);
    expect(removalOf(lead(wall(2026, 3, 5), 'New', { lastActivity: wall(2026, 5, 31, 0, 1) }), o)).toEqual({});
    // a lead with no status yet can go quiet too
    expect(removalOf(lead(wall(2026, 3, 5), '', { lastActivity: wall(2026, 3, 5) }), o).reason).toBe(INACTIVE);
    // won and nurturing leads are never inactive
    expect(removalOf(lead(wall(2026, 1, 5), 'Won', { lastActivity: wall(2026, 1, 6) }), o)).toEqual({});
    expect(removalOf(lead(wall(2026, 1, 5), 'Nurturing', { lastActivity: wall(2026, 1, 6) }), o)).toEqual({});
    // a disqualified lead is removed as disqualified, not as inactive
    expect(removalOf(lead(wall(2026, 1, 5), 'Disqualified', { lastActivity: wall(2026, 1, 6) }), o).reason).toBe('Disqualified');
    // without inactive_days, or without a last activity, nobody is inactive
    expect(removalOf(lead(wall(2026, 1, 5), 'New', { lastActivity: wall(2026, 1, 6) }), cohort())).toEqual({});
    expect(removalOf(lead(wall(2026, 1, 5), 'New'), o)).toEqual({});
  });

  it('a kept exit of a custom pipeline is not removed, a removing one is', () => {
    const p = pipelineFromArg('New, Working, Won; Parked after Working (kept), Dead after Working', { fn: 'T', arg: 'stages' });
    const o: FlowOptions = { pipeline: p, flowBased: false, now: 0 };
    expect(netLeadFlow(sheet([lead(1, 'Parked')], p), ALL[0], ALL[1], o).removed).toBe(0);
    expect(netLeadFlow(sheet([lead(1, 'dead')], p), ALL[0], ALL[1], o).removedBy).toEqual({ Dead: 1 });
  });
});

describe('netLeadFlow, cohort-based (no removal dates)', () => {
  it('the pinned example: 500 arrived in March, 150 disqualified → 350', () => {
    const c = netLeadFlow(sheet(marchSheet()), MARCH[0], MARCH[1], cohort());
    expect(c).toEqual({ added: 500, removed: 150, net: 350, removedBy: { Disqualified: 150 } });
  });

  it('counts the first and last minute of the period, and not the minute after', () => {
    const leads = [
      lead(wall(2026, 2, 28, 23, 59), 'New'),
      lead(wall(2026, 3, 1, 0, 0), 'New'),
      lead(wall(2026, 3, 31, 23, 59), 'New'),
      lead(wall(2026, 4, 1, 0, 0), 'New'),
    ];
    expect(netLeadFlow(sheet(leads), MARCH[0], MARCH[1], cohort()).added).toBe(2);
  });

  it('subtracts lost and inactive leads too, and counts each removal once', () => {
    const o = cohort({ inactiveDays: 60 }); // now = 30 June: quiet since before 1 May means inactive
    const leads = [
      lead(wall(2026, 3, 2), 'New', { lastActivity: wall(2026, 3, 3) }), // inactive
      lead(wall(2026, 3, 3), 'Reviewed', { lastActivity: wall(2026, 6, 20) }), // active
      lead(wall(2026, 3, 4), 'Closed Lost', { lastActivity: wall(2026, 3, 4) }), // lost, not also inactive
      lead(wall(2026, 3, 5), 'Disqualified'),
      lead(wall(2026, 3, 6), 'Closed Won', { lastActivity: wall(2026, 3, 6) }), // won: never removed
      lead(wall(2026, 3, 7), 'Nurturing', { lastActivity: wall(2026, 3, 7) }), // kept
      lead(wall(2026, 2, 7), 'Disqualified'), // outside the period
    ];
    expect(netLeadFlow(sheet(leads), MARCH[0], MARCH[1], o)).toEqual({
      added: 6, removed: 3, net: 3, removedBy: { [INACTIVE]: 1, 'Closed-Lost': 1, Disqualified: 1 },
    });
  });

  it('counts a cohort removal whenever it happened (even after the period)', () => {
    const leads = [lead(wall(2026, 3, 10), 'Disqualified', { removedAt: wall(2026, 5, 1) })];
    // removedAt is ignored in cohort-based counting
    expect(netLeadFlow(sheet(leads), MARCH[0], MARCH[1], cohort()).net).toBe(0);
  });

  it('covers everything with an open-ended period', () => {
    const leads = marchSheet();
    const all = netLeadFlow(sheet(leads), -Infinity, Infinity, cohort());
    // Disqualified: 150 in March, 20 of the 40 in February, one on 1 April; lost: 20 of the 30 in April.
    expect(all.added).toBe(leads.length);
    expect(all.removedBy).toEqual({ Disqualified: 171, 'Closed-Lost': 20 });
    expect(all.net).toBe(leads.length - 191);
  });

  it('skips leads without an arrival date', () => {
    const leads = [lead(NaN, ''), lead(wall(2026, 3, 3), 'New')];
    expect(netLeadFlow(sheet(leads), -Infinity, Infinity, cohort()).added).toBe(1);
  });
});

describe('netLeadFlow, flow-based (removal dates)', () => {
  const flow = cohort({ flowBased: true });

  it('counts removals in the period they happened, whatever the arrival', () => {
    const leads = [
      lead(wall(2026, 1, 10), 'Disqualified', { removedAt: wall(2026, 3, 10) }), // January lead removed in March: counts
      lead(wall(2026, 3, 10), 'Disqualified', { removedAt: wall(2026, 4, 2) }), // removed in April: not in March
      lead(wall(2026, 3, 11), 'Closed Lost', { removedAt: wall(2026, 3, 31, 22) }), // removed on the last evening: counts
      lead(wall(2026, 3, 12), 'Junk Lead'), // no removal date: removed when it arrived, in March
      lead(wall(2026, 2, 12), 'Junk Lead'), // no removal date, arrived in February: not in March
      lead(wall(2026, 3, 13), 'New'),
      lead(wall(2026, 3, 14), 'Won', { removedAt: wall(2026, 3, 20) }), // won: a stray date does not remove it
    ];
    expect(netLeadFlow(sheet(leads), MARCH[0], MARCH[1], flow)).toEqual({
      added: 5, removed: 3, net: 2, removedBy: { Disqualified: 2, 'Closed-Lost': 1 },
    });
    expect(netLeadFlow(sheet(leads), wall(2026, 4, 1), endExclusive(wall(2026, 4, 30)), flow)).toEqual({
      added: 0, removed: 1, net: -1, removedBy: { Disqualified: 1 },
    });
  });

  it('ignores a row that has neither arrival nor status, whatever its last-activity date', () => {
    const o = cohort({ flowBased: true, inactiveDays: 30 });
    const leads = sheet([
      lead(wall(2026, 3, 2), 'New', { removedAt: NaN, lastActivity: wall(2026, 6, 25) }),
      lead(NaN, '', { lastActivity: wall(2026, 1, 10) }), // a blank row with a stray date
    ]);
    expect(netLeadFlow(leads, wall(2026, 2, 1), endExclusive(wall(2026, 2, 28)), o)).toEqual({ added: 0, removed: 0, net: 0, removedBy: {} });
    const table = netLeadFlowByPeriod(leads, 'month', o);
    expect(netLeadFlow(leads, -Infinity, Infinity, o).net).toBe(table[table.length - 1].runningNet);
  });

  it('places inactivity on the day the lead went quiet', () => {
    const o = cohort({ flowBased: true, inactiveDays: 30 });
    const leads = [
      lead(wall(2026, 1, 5), 'Reviewed', { lastActivity: wall(2026, 2, 20) }), // inactive from 22 March
      lead(wall(2026, 1, 6), 'Reviewed', { lastActivity: wall(2026, 3, 20) }), // inactive from 19 April
    ];
    expect(netLeadFlow(sheet(leads), MARCH[0], MARCH[1], o).removedBy).toEqual({ [INACTIVE]: 1 });
    expect(netLeadFlow(sheet(leads), wall(2026, 4, 1), endExclusive(wall(2026, 4, 30)), o).removedBy).toEqual({ [INACTIVE]: 1 });
  });
});

describe('netLeadFlowByPeriod', () => {
  it('gives every month from the first to the last, empty months included, with a running total', () => {
    const leads = [
      lead(wall(2026, 1, 3), 'New'),
      lead(wall(2026, 1, 31, 23, 59), 'Disqualified'),
      lead(wall(2026, 4, 1), 'New'),
      lead(wall(2026, 4, 2), 'Closed Lost'),
      lead(wall(2026, 4, 3), 'Won'),
    ];
    const rows = netLeadFlowByPeriod(sheet(leads), 'month', cohort());
    expect(rows.map((r) => [r.label, r.added, r.removed, r.net, r.runningNet])).toEqual([
      ['2026-01', 2, 1, 1, 1],
      ['2026-02', 0, 0, 0, 1],
      ['2026-03', 0, 0, 0, 1],
      ['2026-04', 3, 1, 2, 3],
    ]);
    expect(rows[0].start).toBe(wall(2026, 1, 1));
    expect(rows[3].removedBy).toEqual({ 'Closed-Lost': 1 });
  });

  it('flow-based: removals land in the month they happened, which may extend the table', () => {
    const leads = [
      lead(wall(2026, 1, 3), 'Disqualified', { removedAt: wall(2026, 3, 15) }),
      lead(wall(2026, 1, 4), 'New'),
      lead(wall(2026, 1, 5), 'Closed Lost', { removedAt: wall(2026, 5, 2) }),
    ];
    const rows = netLeadFlowByPeriod(sheet(leads), 'month', cohort({ flowBased: true }));
    expect(rows.map((r) => [r.label, r.added, r.removed, r.net, r.runningNet])).toEqual([
      ['2026-01', 3, 0, 3, 3],
      ['2026-02', 0, 0, 0, 3],
      ['2026-03', 0, 1, -1, 2],
      ['2026-04', 0, 0, 0, 2],
      ['2026-05', 0, 1, -1, 1],
    ]);
  });

  it('weeks start on Monday and quarters are labelled 2026-Q1', () => {
    const leads = [
      lead(wall(2026, 3, 29, 23, 0), 'New'), // Sunday → week of Monday 23 March
      lead(wall(2026, 3, 30, 1, 0), 'New'), // Monday 30 March
      lead(wall(2026, 4, 13, 9, 0), 'Junk Lead'), // week of 13 April, after an empty week
    ];
    const weeks = netLeadFlowByPeriod(sheet(leads), 'week', cohort());
    expect(weeks.map((r) => [r.label, r.added, r.removed])).toEqual([
      ['2026-03-23', 1, 0],
      ['2026-03-30', 1, 0],
      ['2026-04-06', 0, 0],
      ['2026-04-13', 1, 1],
    ]);
    const quarters = netLeadFlowByPeriod(sheet(leads), 'quarter', cohort());
    expect(quarters.map((r) => [r.label, r.added, r.net])).toEqual([
      ['2026-Q1', 2, 2],
      ['2026-Q2', 1, 0],
    ]);
  });

  it('each period agrees with netLeadFlow over that period, and the running total with the whole', () => {
    const leads = marchSheet().concat([
      lead(wall(2025, 11, 20), 'Disqualified', { removedAt: wall(2026, 3, 2) }),
      lead(wall(2026, 5, 5), 'Closed Lost', { removedAt: wall(2026, 6, 1) }),
    ]);
    for (const flowBased of [false, true]) {
      const o = cohort({ flowBased, inactiveDays: 45, now: wall(2026, 8, 1) });
      const rows = netLeadFlowByPeriod(sheet(leads), 'month', o);
      for (let i = 0; i < rows.length; i++) {
        const end = i + 1 < rows.length ? rows[i + 1].start : Infinity;
        const c = netLeadFlow(sheet(leads), rows[i].start, end, o);
        expect([rows[i].added, rows[i].removed, rows[i].net]).toEqual([c.added, c.removed, c.net]);
      }
      expect(rows[rows.length - 1].runningNet).toBe(netLeadFlow(sheet(leads), -Infinity, Infinity, o).net);
    }
  });

  it('is empty for no leads', () => {
    expect(netLeadFlowByPeriod(sheet([]), 'month', cohort())).toEqual([]);
    expect(netLeadFlowByPeriod(sheet([lead(NaN, '')]), 'month', cohort())).toEqual([]);
  });

  it('custom pipeline text reaches the flow through its exits', () => {
    const p = pipelineFromArg('New, Won; Junk after New', { fn: 'T', arg: 's' });
    const leads = ['New', 'Junk', 'Won', 'junk'].map((s, i) => lead(wall(2026, 3, i + 1), s));
    expect(netLeadFlow(sheet(leads, p), MARCH[0], MARCH[1], { pipeline: p, flowBased: false, now: 0 })).toEqual({
      added: 4, removed: 2, net: 2, removedBy: { Junk: 2 },
    });
  });
});
