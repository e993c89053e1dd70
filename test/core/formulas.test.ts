import { describe, expect, it } from 'vitest';
import { LeadFlowError } from '../../src/core/errors';
import { REGISTRY, callCustomFunction, makeEnv } from '../../src/functions/registry';

/**
 * The custom functions as Sheets calls them: ranges as 2D arrays, single cells as bare values, Date
 * objects for date cells (the instant of that wall time in the spreadsheet's zone), in New York.
 */

/** The instant of a New York wall time, from the US rule (EDT from the 2nd Sunday of March 02:00 to the 1st Sunday of November 02:00). */
function ny(y: number, m: number, d: number, h = 0, mi = 0): Date {
  const sunday = (month: number, nth: number) => {
    const w = new Date(Date.UTC(y, month, 1)).getUTCDay();
    return 1 + ((7 - w) % 7) + 7 * (nth - 1);
  };
  const wall = Date.UTC(y, m - 1, d, h, mi);
  const edt = wall >= Date.UTC(y, 2, sunday(2, 2), 2) && wall < Date.UTC(y, 10, sunday(10, 1), 1);
  return new Date(wall + (edt ? 4 : 5) * 3_600_000);
}

const NOW = ny(2026, 6, 30, 12).getTime();
const env = () => makeEnv('America/New_York', NOW);
const call = (name: string, ...args: unknown[]) => callCustomFunction(name, args, env());
const col = (xs: unknown[]) => xs.map((x) => [x]);

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** Expects a LeadFlowError whose message starts with the function and names the argument. */
function expectArgError(f: () => unknown, fn: string, ...parts: (string | RegExp)[]): string {
  const e = errorOf(f);
  expect(e).toBeInstanceOf(LeadFlowError);
  expect(e.message.startsWith(`${fn}: `), e.message).toBe(true);
  for (const p of parts) {
    if (typeof p === 'string') expect(e.message).toContain(p);
    else expect(e.message).toMatch(p);
  }
  return e.message;
}

// ---------------------------------------------------------------- a small sheet counted by hand

const SHEET: [Date | '', string, string, number | ''][] = [
  [ny(2026, 1, 5, 9), 'New', 'Web', ''], //                      1 Arrived
  [ny(2026, 1, 20, 14), 'Contacted', 'Web', ''], //              2 Reviewed
  [ny(2026, 2, 2, 10), 'Junk Lead', 'Ads', ''], //               3 Reviewed, Disqualified
  [ny(2026, 2, 14, 16, 30), 'Qualified', 'Referral', ''], //     4 Qualified
  [ny(2026, 2, 28, 23, 45), 'Nurturing', 'Web', ''], //          5 Qualified, Nurturing (kept)
  [ny(2026, 3, 1, 0, 0), 'Proposal', 'Referral', 12000], //      6 Converted
  [ny(2026, 3, 15, 11), 'Closed Lost', 'Ads', 8000], //          7 Converted, Closed-Lost
  [ny(2026, 3, 31, 23, 30), 'Closed Won', 'Referral', 20000], // 8 Won (1 April in UTC)
  [ny(2026, 4, 1, 0, 0), 'Won', 'Web', 15000], //                9 Won
  [ny(2026, 4, 10, 8), 'disqualified', 'Ads', ''], //            10 Reviewed, Disqualified
  ['', '', '', ''], //                                           11 blank row
  [ny(2026, 5, 2, 12), '', 'Web', ''], //                        12 arrived, no status yet
];
const ARRIVED = col(SHEET.map((r) => r[0]));
const STATUS = col(SHEET.map((r) => r[1]));
const SOURCE = col(SHEET.map((r) => r[2]));
const VALUE = col(SHEET.map((r) => r[3]));
const STAGES = ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'];
const FUNNEL_HEADER = ['Stage', 'Reached', 'Step conversion', 'Overall conversion', 'Drop-off'];

/** Compares a table with numbers to a few decimals. */
function expectTable(actual: unknown, expected: unknown[][]) {
  const t = actual as unknown[][];
  expect(t.length).toBe(expected.length);
  t.forEach((row, i) => {
    expect(row.length, `row ${i}`).toBe(expected[i].length);
    row.forEach((cell, j) => {
      const e = expected[i][j];
      if (typeof e === 'number' && typeof cell === 'number') expect(cell, `row ${i} col ${j}`).toBeCloseTo(e, 10);
      else expect(cell, `row ${i} col ${j}`).toEqual(e);
    });
  });
}

describe('NETLEADFLOW', () => {
  /** 500 leads in March 2026 (150 Disqualified) and leads around March, as Date cells. */
  function pinned() {
    const arrived: Date[] = [];
    const status: string[] = [];
    const open = ['New', 'Contacted', 'Qualified', 'Nurturing', 'Closed Won', 'Proposal'];
    for (let i = 0; i < 500; i++) {
      const d = i === 0 ? ny(2026, 3, 31, 23, 59) : i === 1 ? ny(2026, 3, 1, 0, 0) : i === 2 ? ny(2026, 3, 31, 23, 30) : ny(2026, 3, 1 + (i % 31), (i * 5) % 24, i % 60);
      arrived.push(d);
      status.push(i % 10 < 3 ? 'Disqualified' : open[i % open.length]);
    }
    for (let i = 0; i < 60; i++) {
      arrived.push(i % 2 ? ny(2026, 2, 1 + (i % 28), 15) : ny(2026, 4, 1 + (i % 30), i % 24));
      status.push(i % 3 ? 'Disqualified' : 'New');
    }
    arrived.push(ny(2026, 4, 1, 0, 0)); // the first minute after March
    status.push('Disqualified');
    arrived.push(ny(2026, 2, 28, 23, 59));
    status.push('New');
    return { arrived, status };
  }

  it('the pinned example: 500 arrived in March, 150 Disqualified → 350', () => {
    const { arrived, status } = pinned();
    expect(status.slice(0, 500).filter((s) => s === 'Disqualified')).toHaveLength(150);
    expect(call('NETLEADFLOW', col(arrived), col(status), ny(2026, 3, 1), ny(2026, 3, 31))).toBe(350);
  });

  it('gives the same 350 with serials, text dates, one-cell ranges and the end as text', () => {
    const { arrived, status } = pinned();
    expect(call('NETLEADFLOW', col(arrived), col(status), 46082, 46112)).toBe(350);
    expect(call('NETLEADFLOW', col(arrived), col(status), '2026-03-01', '2026-03-31')).toBe(350);
    expect(call('NETLEADFLOW', col(arrived), col(status), [[ny(2026, 3, 1)]], [['03/31/2026']])).toBe(350);
  });

  it('reads arrival dates written as text by CRM exports', () => {
    const { arrived, status } = pinned();
    const pad = (n: number) => String(n).padStart(2, '0');
    const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    // Wall time in New York of each Date, written out the way an export would.
    const nyWall = (d: Date) => {
      const f = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
      const p: Record<string, number> = {};
      for (const x of f.formatToParts(d)) if (x.type !== 'literal') p[x.type] = Number(x.value);
      return p;
    };
    const iso = arrived.map((d) => { const p = nyWall(d); return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:00`; });
    const zoho = arrived.map((d) => { const p = nyWall(d); return `${pad(p.day)} ${MON[p.month - 1]}, ${p.year} ${pad(p.hour)}:${pad(p.minute)}:00`; });
    expect(call('NETLEADFLOW', col(iso), col(status), ny(2026, 3, 1), ny(2026, 3, 31))).toBe(350);
    expect(call('NETLEADFLOW', col(zoho), col(status), ny(2026, 3, 1), ny(2026, 3, 31))).toBe(350);
  });

  it('counts the whole end day: a lead at 23:59 on 31 March counts, one at 00:00 on 1 April does not', () => {
    const arrived = col([ny(2026, 3, 31, 23, 59), ny(2026, 4, 1, 0, 0), ny(2026, 3, 31, 23, 30)]);
    const status = col(['New', 'New', 'New']);
    expect(call('NETLEADFLOW', arrived, status, ny(2026, 3, 31), ny(2026, 3, 31))).toBe(2);
    expect(call('NETLEADFLOW', arrived, status, ny(2026, 4, 1), ny(2026, 4, 1))).toBe(1);
  });

  it('a lead at 23:30 New York time on 31 March stays in March, though it is 1 April in UTC', () => {
    const d = ny(2026, 3, 31, 23, 30);
    expect(d.toISOString().slice(0, 10)).toBe('2026-04-01');
    expect(call('NETLEADFLOW', [[d]], [['New']], 'month')).toEqual([['Period', 'New', 'Removed', 'Net'], ['2026-03', 1, 0, 1]]);
    // The same sheet in UTC puts it in April.
    expect(callCustomFunction('NETLEADFLOW', [[[d]], [['New']], 'month'], makeEnv('UTC', NOW))).toEqual([
      ['Period', 'New', 'Removed', 'Net'], ['2026-04', 1, 0, 1],
    ]);
  });

  it('counts the hand-made sheet by cohort: March, Q1, everything', () => {
    // March: leads 6, 7, 8 arrived; 7 is Closed-Lost.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 3, 1), ny(2026, 3, 31))).toBe(2);
    // Q1: leads 1–8 arrived; 3 (Junk Lead) and 7 (Closed Lost) removed; 5 (Nurturing) kept.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 1, 1), ny(2026, 3, 31))).toBe(6);
    // Everything: 11 leads arrived (12 has no status yet), 3, 7 and 10 removed.
    expect(call('NETLEADFLOW', ARRIVED, STATUS)).toBe(8);
    // Start only, or end only.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 4, 1))).toBe(2); // 9, 10 (removed), 12
    expect(call('NETLEADFLOW', ARRIVED, STATUS, undefined, ny(2026, 1, 31))).toBe(2);
  });

  it('gives a table by month, empty months included', () => {
    expect(call('NETLEADFLOW', ARRIVED, STATUS, 'month')).toEqual([
      ['Period', 'New', 'Removed', 'Net'],
      ['2026-01', 2, 0, 2],
      ['2026-02', 3, 1, 2],
      ['2026-03', 3, 1, 2],
      ['2026-04', 2, 1, 1],
      ['2026-05', 1, 0, 1],
    ]);
    const sparse = call('NETLEADFLOW', col([ny(2026, 1, 10), ny(2026, 4, 10)]), col(['New', 'Junk']), 'Monthly') as unknown[][];
    expect(sparse).toEqual([
      ['Period', 'New', 'Removed', 'Net'], ['2026-01', 1, 0, 1], ['2026-02', 0, 0, 0], ['2026-03', 0, 0, 0], ['2026-04', 1, 1, 0],
    ]);
  });

  it('gives tables by quarter and by week (weeks start on Monday)', () => {
    expect(call('NETLEADFLOW', ARRIVED, STATUS, 'quarter')).toEqual([
      ['Period', 'New', 'Removed', 'Net'], ['2026-Q1', 8, 2, 6], ['2026-Q2', 3, 1, 2],
    ]);
    // Sunday 29 March and Monday 30 March fall in different weeks.
    const weeks = call('NETLEADFLOW', col([ny(2026, 3, 29, 22), ny(2026, 3, 30, 8)]), col(['New', 'New']), 'weeks');
    expect(weeks).toEqual([['Period', 'New', 'Removed', 'Net'], ['2026-03-23', 1, 0, 1], ['2026-03-30', 1, 0, 1]]);
  });

  it('counts removals in the period they happened when removal dates are given', () => {
    const removed = col(['', '', ny(2026, 3, 3), '', '', '', ny(2026, 4, 2), '', '', '', '', '']);
    // March: 3 arrivals (6, 7, 8); lead 3 was removed in March (it arrived in February), lead 7 in April.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 3, 1), ny(2026, 3, 31), removed)).toBe(2);
    // April: arrivals 9, 10; removals 7 (2 April) and 10 (no date: when it arrived).
    expect(call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 4, 1), ny(2026, 4, 30), removed)).toBe(0);
    // February: arrivals 3, 4, 5; lead 3 is removed in March, not February.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 2, 1), ny(2026, 2, 28), removed)).toBe(3);
    expect(call('NETLEADFLOW', ARRIVED, STATUS, 'month', undefined, removed)).toEqual([
      ['Period', 'New', 'Removed', 'Net'],
      ['2026-01', 2, 0, 2],
      ['2026-02', 3, 0, 3],
      ['2026-03', 3, 1, 2],
      ['2026-04', 2, 2, 0],
      ['2026-05', 1, 0, 1],
    ]);
  });

  it('removes open leads gone quiet, never won or nurturing ones (now = 30 June 2026)', () => {
    const activity = col([
      ny(2026, 1, 10), // 1 New: quiet since January
      ny(2026, 4, 15), // 2 Contacted: quiet 76 days
      ny(2026, 2, 2), // 3 Junk Lead: removed anyway, once
      ny(2026, 3, 1), // 4 Qualified: quiet since March
      ny(2026, 3, 1), // 5 Nurturing: kept
      ny(2026, 6, 20), // 6 Proposal: active
      ny(2026, 3, 15), // 7 Closed Lost: removed anyway, once
      ny(2026, 4, 1), // 8 Won: never inactive
      ny(2026, 4, 1), // 9 Won
      '', // 10
      '', // 11
      ny(2026, 5, 2), // 12 no status: quiet 59 days
    ]);
    // Default 90 days: 1 and 4 go inactive, on top of 3, 7, 10: 11 − 5.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, activity)).toBe(6);
    // 60 days: lead 2 too.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, activity, 60)).toBe(5);
    // 30 days: lead 12 too.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, activity, [['30']])).toBe(4);
    // 365 days: nobody is inactive.
    expect(call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, activity, 365)).toBe(8);
  });

  it('a blank row with only a stray last-activity date removes nobody', () => {
    const arrived = col([ny(2026, 3, 1), ny(2026, 3, 2), '']);
    const status = col(['New', 'Disqualified', '']);
    const removed = col(['', ny(2026, 3, 5), '']);
    const activity = col([ny(2026, 6, 20), ny(2026, 3, 5), ny(2026, 1, 10)]);
    // February: nobody arrived, nobody was removed.
    expect(call('NETLEADFLOW', arrived, status, ny(2026, 2, 1), ny(2026, 2, 28), removed, activity, 30)).toBe(0);
  });

  it('reads a custom pipeline from the stages argument', () => {
    const arrived = col([ny(2026, 3, 2), ny(2026, 3, 3), ny(2026, 3, 4), ny(2026, 3, 5)]);
    const status = col(['Fresh', 'Binned', 'Signed', 'Parked']);
    const stages = 'Fresh, Working, Signed; Binned after Fresh, Parked after Working (kept)';
    expect(call('NETLEADFLOW', arrived, status, ny(2026, 3, 1), ny(2026, 3, 31), undefined, undefined, undefined, stages)).toBe(3);
    const range = [['Stage', 'Aliases', 'After', 'Removes'], ['Fresh', '', '', ''], ['Working', '', '', ''], ['Signed', '', '', ''], ['Binned', '', 'Fresh', ''], ['Parked', '', 'Working', 'kept']];
    expect(call('NETLEADFLOW', arrived, status, ny(2026, 3, 1), ny(2026, 3, 31), undefined, undefined, undefined, range)).toBe(3);
  });
});

describe('NETLEADFLOW tables stay readable', () => {
  it('accepts only the documented periods: "day" is refused with the ones it takes', () => {
    expect(() => call('NETLEADFLOW', col([ny(2026, 3, 1), ny(2026, 3, 2)]), col(['New', 'New']), 'day')).toThrow(
      'NETLEADFLOW: start is "day"; expected a date, or a period for a table: "week", "month", "quarter" or "year".');
  });

  it('stops a table of more than 10,000 periods at once, naming the span and a coarser period', () => {
    const t0 = Date.now();
    expect(() => call('NETLEADFLOW', col([new Date(Date.UTC(1900, 0, 2, 12)), new Date(Date.UTC(9999, 11, 30, 12))]), col(['New', 'New']), 'week')).toThrow(
      /NETLEADFLOW: the dates run from 1900-01-0\d to 9999-12-\d\d, which is about 422,6\d\d weeks; a table stops at 10,000 periods\. Use "year" instead, or check the dates for a mistyped year\./);
    expect(Date.now() - t0).toBeLessThan(2000);
    // By year the same span is within the bound.
    const table = call('NETLEADFLOW', col([new Date(Date.UTC(1900, 0, 2, 12)), new Date(Date.UTC(9999, 11, 30, 12))]), col(['New', 'New']), 'year') as unknown[][];
    expect(table).toHaveLength(8101);
  });
});

describe('FUNNELSTAGE', () => {
  it('gives the furthest stage of each row; blank rows stay blank', () => {
    expect(call('FUNNELSTAGE', STATUS)).toEqual([
      ['Arrived'], ['Reviewed'], ['Reviewed'], ['Qualified'], ['Qualified'], ['Converted to Opportunity'],
      ['Converted to Opportunity'], ['Closed-Won'], ['Closed-Won'], ['Reviewed'], [''], [''],
    ]);
  });

  it('maps the pinned statuses', () => {
    expect(call('FUNNELSTAGE', col(['Disqualified', 'Closed-Lost', 'Nurturing', 'Closed Won', 'qualified ']))).toEqual([
      ['Reviewed'], ['Converted to Opportunity'], ['Qualified'], ['Closed-Won'], ['Qualified'],
    ]);
    expect(call('FUNNELSTAGE', 'Junk Lead')).toEqual([['Reviewed']]);
  });

  it('reads one date column per stage: the furthest dated stage', () => {
    const dates = [
      [ny(2026, 3, 1), '', '', '', ''],
      [ny(2026, 3, 1), ny(2026, 3, 2), ny(2026, 3, 9), '', ''],
      ['', '', '', '', ''],
      [ny(2026, 3, 1), ny(2026, 3, 2), ny(2026, 3, 9), ny(2026, 3, 20), ny(2026, 4, 2)],
    ];
    expect(call('FUNNELSTAGE', dates)).toEqual([['Arrived'], ['Qualified'], [''], ['Closed-Won']]);
  });

  it('uses a custom pipeline', () => {
    expect(call('FUNNELSTAGE', col(['fresh', 'Binned', '']), 'Fresh, Signed; Binned after Fresh')).toEqual([['Fresh'], ['Fresh'], ['']]);
  });
});

describe('FUNNEL', () => {
  it('the whole sheet: counts, conversions and drop-off', () => {
    // Statuses only: leads 1–10. Reviewed: all but 1. Qualified: 4–9. Converted: 6–9. Won: 8, 9.
    expectTable(call('FUNNEL', STATUS), [
      FUNNEL_HEADER,
      ['Arrived', 10, 1, 1, 0],
      ['Reviewed', 9, 0.9, 0.9, 1],
      ['Qualified', 6, 6 / 9, 0.6, 3],
      ['Converted to Opportunity', 4, 4 / 6, 0.4, 2],
      ['Closed-Won', 2, 0.5, 0.2, 2],
    ]);
  });

  it('a lead with an arrival date but no status yet counts as arrived', () => {
    expectTable(call('FUNNEL', STATUS, undefined, ARRIVED), [
      FUNNEL_HEADER,
      ['Arrived', 11, 1, 1, 0],
      ['Reviewed', 9, 9 / 11, 9 / 11, 2],
      ['Qualified', 6, 6 / 9, 6 / 11, 3],
      ['Converted to Opportunity', 4, 4 / 6, 4 / 11, 2],
      ['Closed-Won', 2, 0.5, 2 / 11, 2],
    ]);
  });

  it('the Q1 cohort (end date counts whole, 23:30 on 31 March included)', () => {
    // Leads 1–8: Reviewed 2–8, Qualified 4–8, Converted 6–8, Won 8.
    expectTable(call('FUNNEL', STATUS, '', ARRIVED, ny(2026, 1, 1), ny(2026, 3, 31)), [
      FUNNEL_HEADER,
      ['Arrived', 8, 1, 1, 0],
      ['Reviewed', 7, 7 / 8, 7 / 8, 1],
      ['Qualified', 5, 5 / 7, 5 / 8, 2],
      ['Converted to Opportunity', 3, 3 / 5, 3 / 8, 2],
      ['Closed-Won', 1, 1 / 3, 1 / 8, 2],
    ]);
  });

  it('an empty cohort gives blank conversions', () => {
    expectTable(call('FUNNEL', STATUS, undefined, ARRIVED, ny(2027, 1, 1), ny(2027, 1, 31)), [
      FUNNEL_HEADER,
      ['Arrived', 0, '', '', 0],
      ['Reviewed', 0, '', '', 0],
      ['Qualified', 0, '', '', 0],
      ['Converted to Opportunity', 0, '', '', 0],
      ['Closed-Won', 0, '', '', 0],
    ]);
  });

  it('adds pipeline value: actual where every lead has a value, else count × known average, marked as an estimate', () => {
    // Known values 12000, 8000, 20000, 15000: average 13750.
    const t = call('FUNNEL', STATUS, undefined, undefined, undefined, undefined, VALUE) as unknown[][];
    expect(t[0]).toEqual([...FUNNEL_HEADER, 'Pipeline value (estimate)']);
    expect(t.slice(1).map((r) => r[5])).toEqual([10 * 13750, 9 * 13750, 6 * 13750, 55000, 35000]);
  });

  it('estimates from one average deal value', () => {
    const t = call('FUNNEL', STATUS, undefined, undefined, undefined, undefined, '$5,000') as unknown[][];
    expect(t[0][5]).toBe('Pipeline value (estimate)');
    expect(t.slice(1).map((r) => r[5])).toEqual([50000, 45000, 30000, 20000, 10000]);
  });

  it('calls the value actual when every lead has one', () => {
    const t = call('FUNNEL', col(['Won', 'Closed Lost', 'New']), undefined, undefined, undefined, undefined, col([100, 50, 0])) as unknown[][];
    expect(t[0][5]).toBe('Pipeline value');
    expect(t.slice(1).map((r) => r[5])).toEqual([150, 150, 150, 150, 100]);
  });

  it('reads one date column per stage', () => {
    const dates = [
      [ny(2026, 3, 1), '', '', '', ''],
      [ny(2026, 3, 1), ny(2026, 3, 2), ny(2026, 3, 9), '', ''],
      [ny(2026, 3, 1), ny(2026, 3, 2), ny(2026, 3, 9), ny(2026, 3, 20), ny(2026, 4, 2)],
    ];
    const t = call('FUNNEL', dates) as unknown[][];
    expect(t.slice(1).map((r) => r[1])).toEqual([3, 2, 2, 1, 1]);
  });
});

describe('FUNNELBY', () => {
  it('one row per group, all leads first, then groups by size (ties by name)', () => {
    expectTable(call('FUNNELBY', STATUS, SOURCE), [
      ['Group', ...STAGES, 'Overall conversion'],
      ['All leads', 10, 9, 6, 4, 2, 0.2],
      ['Web', 4, 3, 2, 1, 1, 0.25], // 1, 2, 5, 9
      ['Ads', 3, 3, 1, 1, 0, 0], // 3, 7, 10
      ['Referral', 3, 3, 3, 2, 1, 1 / 3], // 4, 6, 8
    ]);
  });

  it('narrows to a cohort by arrival', () => {
    expectTable(call('FUNNELBY', STATUS, SOURCE, undefined, ARRIVED, ny(2026, 3, 1), ny(2026, 3, 31)), [
      ['Group', ...STAGES, 'Overall conversion'],
      ['All leads', 3, 3, 3, 3, 1, 1 / 3],
      ['Referral', 2, 2, 2, 2, 1, 0.5], // 6, 8
      ['Ads', 1, 1, 1, 1, 0, 0], // 7
    ]);
  });
});

describe('FUNNELCONVERSION', () => {
  it('share of leads at from_stage that reached to_stage', () => {
    expect(call('FUNNELCONVERSION', STATUS, 'Qualified', 'Closed-Won')).toBeCloseTo(2 / 6, 12);
    expect(call('FUNNELCONVERSION', STATUS, 'Reviewed', 'Qualified')).toBeCloseTo(6 / 9, 12);
    expect(call('FUNNELCONVERSION', STATUS, 'arrived', 'won')).toBeCloseTo(0.2, 12);
    expect(call('FUNNELCONVERSION', STATUS, 'Qualified', 'Qualified')).toBe(1);
    expect(call('FUNNELCONVERSION', STATUS, [['Qualified']], [['Closed-Won']], undefined, ARRIVED, ny(2026, 1, 1), ny(2026, 3, 31))).toBeCloseTo(1 / 5, 12);
  });
});

describe('FUNNELVALUE', () => {
  it('one stage as a number', () => {
    expect(call('FUNNELVALUE', STATUS, VALUE, 'Converted to Opportunity')).toBe(55000);
    expect(call('FUNNELVALUE', STATUS, VALUE, 'Closed-Won')).toBe(35000);
    expect(call('FUNNELVALUE', STATUS, 60000, 'Won')).toBe(120000);
  });

  it('a table with the basis of each value', () => {
    expect(call('FUNNELVALUE', STATUS, VALUE)).toEqual([
      ['Stage', 'Reached', 'Pipeline value', 'Basis'],
      ['Arrived', 10, 137500, 'Estimate: leads × average deal value'],
      ['Reviewed', 9, 123750, 'Estimate: leads × average deal value'],
      ['Qualified', 6, 82500, 'Estimate: leads × average deal value'],
      ['Converted to Opportunity', 4, 55000, 'Actual deal values'],
      ['Closed-Won', 2, 35000, 'Actual deal values'],
    ]);
  });

  it('asks for real deal values when few leads carry large estimated deals', () => {
    const t = call('FUNNELVALUE', STATUS, 60000) as unknown[][];
    for (const row of t.slice(1)) expect(row[3]).toBe('Estimate: few leads, large deals; sum real deal values');
    const small = call('FUNNELVALUE', STATUS, 50000) as unknown[][];
    for (const row of small.slice(1)) expect(row[3]).toBe('Estimate: leads × average deal value');
  });
});

describe('FUNNELDAYS', () => {
  const DATES = [
    [ny(2026, 3, 1, 9), ny(2026, 3, 3, 9), ny(2026, 3, 10, 9), '', ''],
    [ny(2026, 3, 2, 9), ny(2026, 3, 3, 21), '', '', ''],
    [ny(2026, 3, 5, 9), ny(2026, 3, 9, 9), ny(2026, 3, 12, 9), ny(2026, 3, 20, 9), ny(2026, 4, 2, 9)],
    // Across the spring-forward night (8 March): one calendar day, though 23 hours.
    [ny(2026, 3, 7, 9), ny(2026, 3, 8, 9), '', '', ''],
  ];

  it('median days per step, counted in wall days', () => {
    // Arrived→Reviewed: 2, 1.5, 4, 1 → median 1.75. Reviewed→Qualified: 7, 3 → 5. Qualified→Converted: 8. Converted→Won: 13.
    expect(call('FUNNELDAYS', DATES)).toEqual([
      ['From', 'To', 'Median days', 'Leads measured'],
      ['Arrived', 'Reviewed', 1.75, 4],
      ['Reviewed', 'Qualified', 5, 2],
      ['Qualified', 'Converted to Opportunity', 8, 1],
      ['Converted to Opportunity', 'Closed-Won', 13, 1],
    ]);
  });

  it('one number between two stages', () => {
    // Arrived→Qualified: 9 and 7 → 8.
    expect(call('FUNNELDAYS', DATES, 'Arrived', 'Qualified')).toBe(8);
    expect(call('FUNNELDAYS', DATES, 'Arrived', 'Closed-Won')).toBe(28); // 5 March → 2 April, lead 3 only
  });
});

describe('errors: every message names the function and the argument', () => {
  it('ranges of different heights', () => {
    expectArgError(() => call('NETLEADFLOW', col([ny(2026, 3, 1), ny(2026, 3, 2)]), col(['New'])), 'NETLEADFLOW',
      'arrived_dates and statuses must be ranges of the same height', 'arrived_dates has 2 rows', 'statuses has 1');
    expectArgError(() => call('FUNNEL', STATUS, undefined, ARRIVED.slice(1)), 'FUNNEL', 'statuses_or_stage_dates', 'arrived_dates', 'same height');
    expectArgError(() => call('FUNNELBY', STATUS, SOURCE.slice(2)), 'FUNNELBY', 'group_by', 'same height');
    expectArgError(() => call('FUNNEL', STATUS, undefined, undefined, undefined, undefined, VALUE.slice(3)), 'FUNNEL', 'deal_values', 'same height');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, col([ny(2026, 3, 3), ''])), 'NETLEADFLOW', 'removed_dates', 'same height');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, col([ny(2026, 1, 1)])), 'NETLEADFLOW', 'last_activity_dates', 'same height');
  });

  it('start after end', () => {
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 4, 1), ny(2026, 3, 31)), 'NETLEADFLOW', 'start', 'after end');
    expectArgError(() => call('FUNNEL', STATUS, undefined, ARRIVED, ny(2026, 4, 1), ny(2026, 3, 31)), 'FUNNEL', 'start is after end');
    expectArgError(() => call('FUNNELCONVERSION', STATUS, 'Arrived', 'Won', undefined, ARRIVED, '2026-04-01', '2026-03-31'), 'FUNNELCONVERSION', 'start is after end');
  });

  it('the start-after-end message shows the dates as the spreadsheet shows them', () => {
    const msg = expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, ny(2026, 4, 2), ny(2026, 3, 31)), 'NETLEADFLOW', 'start');
    expect(msg).toContain('2026-04-02');
    expect(msg).toContain('2026-03-31');
  });

  it('shows the dates of a start-after-end error in the spreadsheet time zone east of UTC (Sydney)', () => {
    const sydney = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d) - 11 * 3_600_000); // AEDT, UTC+11
    const e = errorOf(() =>
      callCustomFunction('NETLEADFLOW', [[[sydney(2026, 3, 5)]], [['New']], sydney(2026, 4, 2), sydney(2026, 3, 31)], makeEnv('Australia/Sydney', NOW)),
    );
    expect(e.message).toContain('start (2026-04-02) is after end (2026-03-31)');
  });

  it('an unreadable date names the argument and the row', () => {
    const arrived = col([ny(2026, 3, 1), '2026-02-30', ny(2026, 3, 2)]);
    expectArgError(() => call('NETLEADFLOW', arrived, col(['New', 'New', 'New'])), 'NETLEADFLOW', 'arrived_dates row 2', '"2026-02-30"', 'not a date');
    expectArgError(() => call('FUNNEL', col(['New', 'New', 'New']), undefined, arrived), 'FUNNEL', 'arrived_dates row 2', 'not a date');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, 'the first of March'), 'NETLEADFLOW', 'start', 'expected a date');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, '2026-03-01', '31/31/2026'), 'NETLEADFLOW', 'end holds "31/31/2026"');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, 'March'), 'NETLEADFLOW', 'start is "March"', 'week', 'month');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, col(SHEET.map((_, i) => (i === 6 ? 'yesterday' : '')))), 'NETLEADFLOW', 'removed_dates row 7');
  });

  it('an unmatched status names the status and the row, and suggests an alias', () => {
    const statuses = col(['New', 'Won', 'Demo Scheduled']);
    const arrived = col([ny(2026, 3, 1), ny(2026, 3, 2), ny(2026, 3, 3)]);
    for (const [fn, f] of [
      ['NETLEADFLOW', () => call('NETLEADFLOW', arrived, statuses)],
      ['FUNNEL', () => call('FUNNEL', statuses)],
      ['FUNNELSTAGE', () => call('FUNNELSTAGE', statuses)],
      ['FUNNELBY', () => call('FUNNELBY', statuses, col(['a', 'b', 'c']))],
    ] as const) {
      expectArgError(f, fn, 'row 3', '"Demo Scheduled"', 'alias', /statuses/);
    }
  });

  it('stages claimed twice', () => {
    expectArgError(() => call('FUNNEL', STATUS, 'Arrived (New), Reviewed (New), Won'), 'FUNNEL', 'stages', '"New" twice');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, undefined, undefined, 'Arrived, closed won, Closed-Won'), 'NETLEADFLOW', 'stages', 'twice');
    expectArgError(() => call('FUNNELSTAGE', STATUS, 'Arrived, Reviewed; Lost after Qualified'), 'FUNNELSTAGE', 'stages', '"Qualified"', 'not one of the stages');
  });

  it('FUNNEL rejects a stages list naming the same stage twice', () => {
    expectArgError(() => call('FUNNEL', col(['New', 'Reviewed']), 'New, Reviewed, Reviewed, Won'), 'FUNNEL', 'stages', 'twice');
  });

  it('too many arguments', () => {
    const msg = expectArgError(() => call('FUNNELSTAGE', STATUS, '', 'extra'), 'FUNNELSTAGE', 'at most 2 arguments', 'got 3');
    expect(msg).toContain('FUNNELSTAGE(statuses_or_stage_dates, [stages])');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, '', '', '', '', '', '', 'extra'), 'NETLEADFLOW', 'at most 8 arguments', 'got 9');
  });

  it('trailing omitted arguments are not too many', () => {
    expect(call('FUNNELSTAGE', col(['Won']), undefined, undefined)).toEqual([['Closed-Won']]);
  });

  it('a missing required argument', () => {
    expectArgError(() => call('NETLEADFLOW', ARRIVED), 'NETLEADFLOW', 'statuses is missing', 'Usage: NETLEADFLOW(arrived_dates, statuses, [start]');
    expectArgError(() => call('NETLEADFLOW'), 'NETLEADFLOW', 'arrived_dates is missing');
    expectArgError(() => call('FUNNELBY', STATUS, undefined, 'Arrived, Won'), 'FUNNELBY', 'group_by is missing');
    expectArgError(() => call('FUNNELCONVERSION', STATUS, 'Arrived'), 'FUNNELCONVERSION', 'to_stage is missing');
    expectArgError(() => call('FUNNELVALUE', STATUS), 'FUNNELVALUE', 'deal_values is missing');
    expectArgError(() => call('FUNNEL', ''), 'FUNNEL', 'statuses_or_stage_dates is missing');
  });

  it('a multi-cell range where one value is expected', () => {
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, col([ny(2026, 3, 1), ny(2026, 3, 2)])), 'NETLEADFLOW', 'start must be a single value', '2×1');
    expectArgError(() => call('FUNNELCONVERSION', STATUS, [['Arrived', 'Reviewed']], 'Won'), 'FUNNELCONVERSION', 'from_stage must be a single value', '1×2');
    expectArgError(() => call('FUNNEL', STATUS, undefined, ARRIVED, undefined, [[ny(2026, 1, 1)], [ny(2026, 2, 1)]]), 'FUNNEL', 'end must be a single value');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, ARRIVED, [[30, 60]]), 'NETLEADFLOW', 'inactive_days must be a single value');
  });

  it('a range of several columns where one column is expected', () => {
    const two = SHEET.map((r) => [r[1], r[2]]);
    expectArgError(() => call('NETLEADFLOW', ARRIVED, two), 'NETLEADFLOW', 'statuses must be a single column, but has 2 columns');
    expectArgError(() => call('FUNNELBY', STATUS, two), 'FUNNELBY', 'group_by must be a single column');
  });

  it('text in a stage-date range explains how the range was read', () => {
    const two = SHEET.map((r) => [r[0], r[1]]);
    expectArgError(() => call('FUNNEL', two), 'FUNNEL', 'statuses_or_stage_dates has 2 columns', 'one date column per stage', 'row 1 column 2 holds "New"');
  });

  it('NETLEADFLOW: period tables take no end; inactivity needs activity dates; days are not negative; every lead needs an arrival', () => {
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, 'month', ny(2026, 3, 31)), 'NETLEADFLOW', 'end must be empty when start is the period "month"');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, undefined, 30), 'NETLEADFLOW', 'last_activity_dates is needed when inactive_days is given');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, ARRIVED, -5), 'NETLEADFLOW', 'inactive_days is -5', '0 or more');
    expectArgError(() => call('NETLEADFLOW', ARRIVED, STATUS, undefined, undefined, undefined, ARRIVED, 'ninety'), 'NETLEADFLOW', 'inactive_days holds "ninety"', 'not a number');
    expectArgError(() => call('NETLEADFLOW', col([ny(2026, 3, 1), '']), col(['New', 'Won'])), 'NETLEADFLOW', 'arrived_dates row 2 is empty', '"Won"');
  });

  it('FUNNEL family: start and end need arrival dates; deal values must be numbers', () => {
    expectArgError(() => call('FUNNEL', STATUS, undefined, undefined, ny(2026, 1, 1)), 'FUNNEL', 'arrived_dates is needed to pick leads by start and end');
    expectArgError(() => call('FUNNEL', STATUS, undefined, undefined, undefined, undefined, col(SHEET.map((_, i) => (i === 4 ? 'TBD' : '')))), 'FUNNEL', 'deal_values row 5 holds "TBD"');
    expectArgError(() => call('FUNNEL', STATUS, undefined, undefined, undefined, undefined, -100), 'FUNNEL', 'deal_values is -100');
  });

  it('FUNNELCONVERSION: unknown stages, stages out of order, nothing to divide by', () => {
    expectArgError(() => call('FUNNELCONVERSION', STATUS, 'Demo', 'Won'), 'FUNNELCONVERSION', 'from_stage is "Demo", which is not a stage');
    expectArgError(() => call('FUNNELCONVERSION', STATUS, 'Won', 'Reviewed'), 'FUNNELCONVERSION', 'to_stage (Reviewed) comes before from_stage (Closed-Won)');
    expectArgError(() => call('FUNNELCONVERSION', col(['New', 'New']), 'Reviewed', 'Won'), 'FUNNELCONVERSION', 'no lead in the cohort reached Reviewed', 'IFERROR');
  });

  it('FUNNELVALUE: no value known for the stage asked', () => {
    expectArgError(() => call('FUNNELVALUE', col(['New', 'Won']), col(['', '']), 'Won'), 'FUNNELVALUE', 'deal_values');
  });

  it('FUNNELDAYS: one column, a stage without a column, stages out of order, no lead with both dates', () => {
    expectArgError(() => call('FUNNELDAYS', col([ny(2026, 3, 1)])), 'FUNNELDAYS', 'stage_dates must have one date column per stage');
    const two = [[ny(2026, 3, 1), ny(2026, 3, 4)], [ny(2026, 3, 2), '']];
    expectArgError(() => call('FUNNELDAYS', two, 'Arrived', 'Qualified'), 'FUNNELDAYS', 'to_stage is Qualified', 'no date column');
    expectArgError(() => call('FUNNELDAYS', two, 'Reviewed', 'Arrived'), 'FUNNELDAYS', 'to_stage (Arrived) must come after from_stage (Reviewed)');
    expectArgError(() => call('FUNNELDAYS', [[ny(2026, 3, 1), ''], ['', ny(2026, 3, 4)]], 'Arrived', 'Reviewed'), 'FUNNELDAYS', 'no lead has dates for both Arrived and Reviewed');
  });

  it('an unknown function', () => {
    expect(() => callCustomFunction('NOPE', [], env())).toThrow(/LeadFlow has no function NOPE/);
  });
});

describe('the registry', () => {
  it('declares every function with unique, documented parameters and optional ones last', () => {
    const names = REGISTRY.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of REGISTRY) {
      const params = spec.params.map((p) => p.name);
      expect(new Set(params).size, spec.name).toBe(params.length);
      const firstOptional = spec.params.findIndex((p) => p.optional);
      if (firstOptional >= 0) expect(spec.params.slice(firstOptional).every((p) => p.optional), spec.name).toBe(true);
      for (const p of spec.params) expect(p.description.length, `${spec.name}.${p.name}`).toBeGreaterThan(10);
    }
  });
});
