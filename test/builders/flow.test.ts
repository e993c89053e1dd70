/**
 * The net lead flow sheet, built in the offline host: per period and per source, new, removed by
 * reason (each removing exit, and leads gone quiet), net and running total equal src/core's
 * netLeadFlowByPeriod / netLeadFlow for the same leads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import { FlowLeads, FlowOptions, INACTIVE, netLeadFlow, netLeadFlowByPeriod } from '../../src/core/flow.ts';
import { REMOVAL_DATE_HEADER, SampleSheet, sampleLeads } from '../../src/core/sample.ts';
import { PeriodUnit, periodLabel } from '../../src/core/time.ts';
import { createHost, type Host } from '../../src/offline/host/index.ts';
import { TZ, build, coreLeads, expectPlanComputedByEngine, hostWithLeads, sheetValues, wallOf } from './helpers.ts';

beforeAll(async () => {
  await buildDist();
});

const REASONS = ['Disqualified', 'Closed-Lost', 'Lost', INACTIVE];

function expectedFlow(host: Host, rows: unknown[][], headers: string[], unit: PeriodUnit) {
  const c = coreLeads(headers, rows);
  // "As of" is =NOW() on the sheet: read the moment the formula engine used, as a wall time.
  const now = wallOf(host.sheet('Net lead flow').getRange('F3').getValue());
  // With a removal-date column the sheet counts removals when they happened: NETLEADFLOW's flow view.
  const flowBased = headers.includes(REMOVAL_DATE_HEADER);
  const removedAt = flowBased ? Float64Array.from(c.column(REMOVAL_DATE_HEADER).map(wallOf)) : undefined;
  const leads: FlowLeads = { arrived: c.arrived, stage: c.reached.stage, exit: c.reached.exit, lastActivity: c.lastActivity, removedAt };
  const opts: FlowOptions = { pipeline: c.pipeline, flowBased, inactiveDays: 90, now };
  return { c, leads, opts, periods: netLeadFlowByPeriod(leads, unit, opts) };
}

function expectPeriods(host: Host, sample: { headers: string[]; rows: unknown[][] }, unit: PeriodUnit) {
  const { values, row } = sheetValues(host, 'Net lead flow');
  const { periods, leads, opts, c } = expectedFlow(host, sample.rows, sample.headers, unit);
  const head = row(unit === 'week' ? 'Week from' : 'Month');
  expect(values[head].slice(0, 9)).toEqual([unit === 'week' ? 'Week from' : 'Month', 'New', ...REASONS, 'Removed', 'Net', 'Running total']);
  const byLabel = new Map(periods.map((p) => [p.label, p]));
  let running = 0;
  let r = head + 1;
  for (; values[r] && values[r][0] !== ''; r++) {
    const label = periodLabel(wallOf(values[r][0]), unit);
    const p = byLabel.get(label);
    byLabel.delete(label);
    const added = p ? p.added : 0;
    const removedBy = REASONS.map((x) => (p ? p.removedBy[x] ?? 0 : 0));
    const net = p ? p.net : 0;
    running += net;
    expect(values[r].slice(1, 9), label).toEqual([added, ...removedBy, p ? p.removed : 0, net, running]);
  }
  expect(byLabel.size, 'every period of src/core is on the sheet').toBe(0);
  // Both removing exits of the sample and inactivity all occur in this data (it never says a plain "Lost").
  for (const x of REASONS.filter((x) => x !== 'Lost')) expect(periods.some((p) => (p.removedBy[x] ?? 0) > 0), x).toBe(true);

  // The same by lead source, over all periods.
  const src = row('Lead source', r);
  const sources = [...new Set(c.source)];
  expect(values.slice(src + 1, src + 1 + sources.length).map((l) => l[0]).sort()).toEqual(sources.sort());
  for (let k = src + 1; k <= src + sources.length; k++) {
    const s = String(values[k][0]);
    const keep = c.source.map((x) => x === s);
    const pick = <T extends Float64Array | Int16Array>(a: T) => a.filter((_, i) => keep[i]) as T;
    const f = netLeadFlow({ arrived: pick(leads.arrived), stage: pick(leads.stage), exit: pick(leads.exit), lastActivity: pick(leads.lastActivity!) }, -Infinity, Infinity, { ...opts, flowBased: false });
    expect(values[k].slice(1, 8), s).toEqual([f.added, ...REASONS.map((x) => f.removedBy[x] ?? 0), f.removed, f.net]);
    expect(values[k][8] as number).toBeCloseTo(f.net / f.added, 12);
  }
}

describe('the net lead flow sheet', () => {
  let host: Host;
  let sample: SampleSheet;

  beforeAll(() => {
    ({ host, sample } = hostWithLeads(1000));
  });

  it('counts new, removed per reason, net and running total per month, and per source, as src/core does', () => {
    const { result, plan } = build(host, { kind: 'flow', period: 'month' });
    expect(result).toMatchObject({ ok: true, sheetName: 'Net lead flow' });
    expectPlanComputedByEngine(host, plan, 'Net lead flow');
    expectPeriods(host, sample, 'month');
    const info = host.inspectSheet('Net lead flow');
    expect(info.charts).toHaveLength(1);
    // Net per month as columns, the running total as a line.
    expect(info.charts[0].type).toBe('COMBO');
    // Negative net is highlighted by conditional formatting on the Net columns.
    expect(info.conditionalFormatRules.map((r) => r.condition)).toEqual([
      { type: 'NUMBER_LESS_THAN', values: [0] }, { type: 'NUMBER_LESS_THAN', values: [0] },
    ]);
    expect(info.conditionalFormatRules[0].ranges[0]).toMatch(/!H8:H\d+$/);
  });

  it('counts per week (Monday to Sunday) as src/core does', () => {
    build(host, { kind: 'flow', period: 'week' });
    expectPeriods(host, sample, 'week');
    const { values, row } = sheetValues(host, 'Net lead flow');
    // Weeks start on Monday; the weeks after the last lead run up to this week at most 12 weeks on.
    expect(new Date(wallOf(values[row('Week from') + 1][0])).getUTCDay()).toBe(1);
  });

  it('stays alive as leads are added', () => {
    build(host, { kind: 'flow', period: 'month' });
    const extra = sampleLeads({ rows: 120, seed: 3, timeZone: TZ, from: '2025-06-01', days: 60 });
    const leads = host.sheet('Leads');
    leads.insertRowsAfter(leads.getMaxRows(), extra.rows.length);
    leads.getRange(sample.rows.length + 2, 1, extra.rows.length, extra.headers.length).setValues(extra.rows);
    expectPeriods(host, { headers: sample.headers, rows: [...sample.rows, ...extra.rows] }, 'month');
    leads.deleteRows(sample.rows.length + 2, extra.rows.length);
  });
});

describe('a net lead flow of messy data', () => {
  it('reports arrival dates written as text, which formulas cannot compare', () => {
    const { host } = hostWithLeads(5);
    const text = sampleLeads({ rows: 40, seed: 2, timeZone: TZ, dateStyle: 'zoho' });
    host.addSheet('Imported leads', [text.headers, ...text.rows]);
    host.spreadsheet.deleteSheet(host.spreadsheet.getSheetByName('Leads')!);
    const { result } = build(host, { kind: 'flow' });
    expect(result.notes.join(' ')).toMatch(/40 arrival dates are text/);
  });
});

describe('the net lead flow sheet with a removal-date column', () => {
  it('counts removals in the period they happened, as NETLEADFLOW does with removed_dates, and highlights negative periods', () => {
    const host = createHost({ timeZone: TZ, strictGridBounds: true });
    const sample = sampleLeads({ rows: 800, seed: 17, timeZone: TZ, from: '2025-01-01', days: 365, removalDates: true });
    host.addSheet('Leads', [sample.headers, ...sample.rows]);
    host.loadBundle();
    const { data, plan } = build(host, { kind: 'flow', period: 'month' });
    expectPlanComputedByEngine(host, plan, 'Net lead flow');
    // The column is found by its header name, as the sidebar proposes it.
    expect(data.setup.columns.removedAt).toBe(REMOVAL_DATE_HEADER);
    expectPeriods(host, sample, 'month');
    // Leads removed after the last arrivals make the last months' net negative, which is highlighted.
    const { values, row } = sheetValues(host, 'Net lead flow');
    const head = row('Month');
    const nets: number[] = [];
    for (let r = head + 1; values[r] && values[r][0] !== ''; r++) nets.push(values[r][7] as number);
    expect(nets.some((n) => n < 0)).toBe(true);
    expect(host.sheet('Net lead flow').getRange('A5').getValue()).toMatch(/in the period it happened/);
  });
});
