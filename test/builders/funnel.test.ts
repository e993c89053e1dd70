/**
 * The funnel sheet, built in the offline host from generated leads: HyperFormula evaluates the
 * built formulas, and every figure is compared with what src/core computes for the same leads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import { funnel, funnelByGroup, reachedCounts } from '../../src/core/funnel.ts';
import { SampleSheet, sampleLeads } from '../../src/core/sample.ts';
import { DAY_MS, nextPeriodStart } from '../../src/core/time.ts';
import { medianDaysBetween } from '../../src/core/timing.ts';
import { pipelineFromArg } from '../../src/core/pipeline.ts';
import type { Host } from '../../src/offline/host/index.ts';
import { TZ, build, coreLeads, expectPlanComputedByEngine, hostWithLeads, num, saveProposedSetup, sheetValues, wallOf } from './helpers.ts';

beforeAll(async () => {
  await buildDist();
});

const STAGES = ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'];

/** Checks the main funnel block (rows from `top`) against src/core for the leads `include` keeps. */
function expectFunnel(values: unknown[][], top: number, sample: { headers: string[]; rows: unknown[][] }, include: (i: number) => boolean, withValue = true) {
  const c = coreLeads(sample.headers, sample.rows);
  const f = funnel(c.reached, STAGES, { include, values: c.values });
  expect(f.cohortSize).toBeGreaterThan(0);
  f.stages.forEach((s, k) => {
    const row = values[top + k];
    expect(row[0]).toBe(s.stage);
    expect(row[1], `${s.stage} reached`).toBe(s.reached);
    expect(num(row[2]), `${s.stage} step conversion`).toBeCloseTo(s.stepConversion ?? NaN, 12);
    expect(num(row[3]), `${s.stage} overall conversion`).toBeCloseTo(s.overallConversion ?? NaN, 12);
    expect(row[4], `${s.stage} drop-off`).toBe(s.dropOff);
    if (!withValue) return;
    expect(num(row[7]), `${s.stage} pipeline value`).toBeCloseTo(s.value ?? NaN, 6);
    expect(String(row[8]).startsWith('Estimate'), `${s.stage} value basis`).toBe(s.valueIsEstimate);
    expect(String(row[8]).includes('large deals'), `${s.stage} few leads, large deals`).toBe(s.tabulateDeals);
  });
  return { c, f };
}

describe('the funnel sheet', () => {
  let host: Host;
  let sample: SampleSheet;

  beforeAll(() => {
    ({ host, sample } = hostWithLeads(1000));
  });

  it('builds a funnel of all leads whose stages, conversions, values, sources and months equal src/core', () => {
    const { result, plan } = build(host, { kind: 'funnel', cohort: 'all' });
    expect(result).toMatchObject({ ok: true, sheetName: 'Funnel' });
    expectPlanComputedByEngine(host, plan, 'Funnel');
    const { values, row } = sheetValues(host, 'Funnel');
    const all = () => true;
    const { c, f } = expectFunnel(values, row('Arrived'), sample, all);
    // Early stages have leads without a deal value, so their pipeline value is an estimate.
    expect(f.stages[0].valueIsEstimate).toBe(true);

    // By lead source: All leads, then each source, reached per stage and overall conversion.
    const src = row('By lead source');
    expect(values[src + 1]).toEqual(expect.arrayContaining(['Lead source', ...STAGES, 'Overall conversion']));
    expect(values[src + 2].slice(0, 6)).toEqual(['All leads', ...f.stages.map((s) => s.reached)]);
    const groups = funnelByGroup(c.reached, 5, c.source);
    groups.forEach((g, i) => {
      const line = values[src + 3 + i];
      expect(line[0]).toBe(g.group);
      expect(line.slice(1, 6), g.group).toEqual(g.reached);
      expect(num(line[6])).toBeCloseTo(g.reached[4] / g.reached[0], 12);
    });

    // Conversion by arrival month: leads, and the share that reached each later stage.
    const trend = row('Conversion by arrival month');
    expect(values[trend + 1][0]).toBe('Arrival month');
    let months = 0;
    for (let r = trend + 2; values[r] && values[r][0] !== ''; r++, months++) {
      const start = wallOf(values[r][0]);
      const end = nextPeriodStart(start, 'month');
      const counts = reachedCounts(c.reached, 5, (i) => c.arrived[i] >= start && c.arrived[i] < end);
      expect(values[r][1], `leads of ${new Date(start).toISOString()}`).toBe(counts[0]);
      for (let k = 1; k < 5; k++) expect(num(values[r][1 + k])).toBeCloseTo(counts[k] / counts[0], 12);
    }
    expect(months).toBe(12);
    expect(plan.charts.map((ch) => ch.type)).toEqual(['funnel', 'line']);
    expect(host.inspectSheet('Funnel').charts).toHaveLength(2);
  });

  it('uses native formulas only, with whole-column references to the leads and a visible status → stage table', () => {
    const formulas = host.sheet('Funnel').getDataRange().getFormulas().flat().filter(Boolean);
    expect(formulas.length).toBeGreaterThan(50);
    for (const f of formulas) {
      expect(f).not.toMatch(/\b(FUNNEL|FUNNELBY|NETLEADFLOW|FUNNELSTAGE|LEADSCORE|QUERY|FILTER)\(/);
    }
    expect(formulas.some((f) => /Leads'?!\$G:\$G/.test(f))).toBe(true);
    const { values, row } = sheetValues(host, 'Funnel');
    const map = values.findIndex((r) => r.includes('Status → stage'));
    expect(map).toBeGreaterThan(0);
    // Every spelling in the leads is listed with the stage it means; "Not Qualified" is a disqualification (stage 2).
    const col = values[map].indexOf('Status → stage');
    const listed = new Map(values.slice(map + 3).filter((r) => r[col] !== '').map((r) => [String(r[col]), r.slice(col, col + 6)]));
    expect(listed.get('Not Qualified')).toEqual(['Not Qualified', 'Disqualified', 2, 'yes', 'yes', expect.any(Number)]);
    expect(listed.get('Contact in Future')).toEqual(['Contact in Future', 'Nurturing', 3, 'yes', 'no', expect.any(Number)]);
    expect(listed.get('qualified ')?.slice(1, 3)).toEqual(['Qualified', 3]);
    // The table places every status the sample uses: the line under it counts no lead left out.
    const unplaced = values.find((r) => String(r[col]).startsWith('Leads whose status this table does not place'));
    expect(unplaced?.[col + 5]).toBe(0);
    expect(row('Funnel')).toBe(5);
  });

  it('builds a quarter cohort with one pipeline per owner, each equal to src/core', () => {
    const { result } = build(host, { kind: 'funnel', cohort: 'quarter', value: '2025-Q2', split: 'owner' });
    expect(result.ok).toBe(true);
    // The first funnel sheet was built by LeadFlow: building again asks first (YES by default here).
    expect(host.ui.alerts.at(-1)?.title).toBe('Replace "Funnel"?');
    const { values, row } = sheetValues(host, 'Funnel');
    expect(wallOf(values[2][5])).toBe(Date.UTC(2025, 3, 1));
    expect(wallOf(values[2][7])).toBe(Date.UTC(2025, 5, 30));
    const start = Date.UTC(2025, 3, 1);
    const end = Date.UTC(2025, 6, 1);
    const c = coreLeads(sample.headers, sample.rows);
    const inQ2 = (i: number) => c.arrived[i] >= start && c.arrived[i] < end;
    expectFunnel(values, row('Arrived'), sample, inQ2);
    const charts = host.inspectSheet('Funnel').charts;
    for (const owner of new Set(c.owner)) {
      const top = row(`Pipeline: ${owner}`) + 2;
      const counts = reachedCounts(c.reached, 5, (i) => inQ2(i) && c.owner[i] === owner);
      expect(values.slice(top, top + 5).map((r) => r[1]), owner).toEqual(counts);
      // Each pipeline has its bar chart beside its table, over that table's stages and counts.
      const chart = charts.find((ch) => ch.options.title === `Leads reached: ${owner}`);
      expect(chart, owner).toBeDefined();
      expect([chart!.position.anchorRow, chart!.position.anchorColumn], owner).toEqual([top - 1, 7]);
    }
    // Trend months stay inside the quarter.
    const trend = row('Conversion by arrival month');
    expect([2, 3, 4].map((k) => wallOf(values[trend + k][0]))).toEqual([Date.UTC(2025, 3, 1), Date.UTC(2025, 4, 1), Date.UTC(2025, 5, 1)]);
    expect(values[trend + 5]?.[0] ?? '').toBe('');
  });

  it('stays alive: leads added to the leads sheet after the build change its numbers, which still equal src/core', () => {
    build(host, { kind: 'funnel', cohort: 'all' });
    const before = sheetValues(host, 'Funnel');
    const extra = sampleLeads({ rows: 150, seed: 99, timeZone: TZ, from: '2025-03-01', days: 200 });
    const leads = host.sheet('Leads');
    leads.insertRowsAfter(leads.getMaxRows(), extra.rows.length);
    leads.getRange(sample.rows.length + 2, 1, extra.rows.length, extra.headers.length).setValues(extra.rows);
    const after = sheetValues(host, 'Funnel');
    const top = after.row('Arrived');
    expect(after.values[top][1]).toBe((before.values[top][1] as number) + 150);
    expectFunnel(after.values, top, { headers: sample.headers, rows: [...sample.rows, ...extra.rows] }, () => true);
    leads.deleteRows(sample.rows.length + 2, extra.rows.length);
  });

  it('a status typed after the build that the table cannot place is counted under the table, then in its stage once the table maps it', () => {
    build(host, { kind: 'funnel', cohort: 'all' });
    const before = sheetValues(host, 'Funnel');
    const top = before.row('Arrived');
    const leads = host.sheet('Leads');
    const statusColumn = sample.headers.indexOf('Lead Status') + 1;
    const kept = leads.getRange(2, statusColumn).getValue();
    leads.getRange(2, statusColumn).setValue('Gone fishing');
    const unplacedLine = (values: unknown[][]) => {
      const at = values.findIndex((r) => r.some((v) => String(v).startsWith('Leads whose status this table does not place')));
      const column = values[at].findIndex((v) => String(v).startsWith('Leads whose status'));
      return { row: at, column, count: values[at][column + 5] };
    };
    let after = sheetValues(host, 'Funnel');
    expect(unplacedLine(after.values).count).toBe(1);
    expect(after.values[top][1]).toBe((before.values[top][1] as number) - 1);
    // A row inserted inside the table (above its last row) maps the new spelling: the lead counts again.
    const { row: lineIndex, column } = unplacedLine(after.values);
    const lastTableRow = lineIndex; // the sheet row just above the line (values are 0-based)
    const funnelSheet = host.sheet('Funnel');
    funnelSheet.insertRowBefore(lastTableRow);
    funnelSheet.getRange(lastTableRow, column + 1, 1, 5).setValues([['Gone fishing', 'Reviewed', 2, 'no', 'no']]);
    after = sheetValues(host, 'Funnel');
    expect(unplacedLine(after.values).count).toBe(0);
    expect(after.values[top][1]).toBe(before.values[top][1]);
    leads.getRange(2, statusColumn).setValue(kept);
    expectFunnel(sheetValues(host, 'Funnel').values, top, sample, () => true);
  });

  it('year to date follows TODAY(): the cohort bounds are formulas', () => {
    build(host, { kind: 'funnel', cohort: 'ytd' });
    const formulas = host.sheet('Funnel').getRange('F3:H3').getFormulas()[0];
    expect(formulas[0]).toBe('=DATE(YEAR(TODAY()),1,1)');
    expect(formulas[2]).toBe('=TODAY()');
  });
});

describe('median days between stages', () => {
  it('equals src/core where the setup names stage date columns', () => {
    const host = hostWithLeadsAndStageDates();
    build(host.host, { kind: 'funnel', cohort: 'range', start: '2025-02-01', end: '2025-09-30' });
    const { values, row } = sheetValues(host.host, 'Funnel');
    const top = row('Arrived');
    expect(values[top - 1][9]).toBe('Median days from previous stage');
    const { headers, rows } = host.sample;
    const c = coreLeads(headers, rows);
    const dates = [c.arrived, ...['Reviewed Date', 'Qualified Date', 'Opportunity Date', 'Closed Won Date']
      .map((h) => Float64Array.from(rows.map((r) => wallOf(r[headers.indexOf(h)]))))];
    const lo = Date.UTC(2025, 1, 1);
    const hi = Date.UTC(2025, 8, 30) + DAY_MS;
    expect(values[top][9]).toBe('');
    for (let k = 1; k < 5; k++) {
      const expected = medianDaysBetween(dates, k - 1, k, (i) => c.arrived[i] >= lo && c.arrived[i] < hi);
      expect(num(values[top + k][9]), STAGES[k]).toBeCloseTo(expected!, 6);
    }
  });
});

function hostWithLeadsAndStageDates() {
  const { host } = hostWithLeads(10);
  const sample = sampleLeads({ rows: 600, seed: 5, timeZone: TZ, from: '2025-01-01', days: 365, stageDates: true });
  host.addSheet('Pipeline leads', [sample.headers, ...sample.rows]);
  const setup = saveProposedSetup(host, 'Pipeline leads');
  // The proposal found every stage date column from its header.
  expect(setup.columns.stageDates).toEqual({ Reviewed: 'Reviewed Date', Qualified: 'Qualified Date', 'Converted to Opportunity': 'Opportunity Date', 'Closed-Won': 'Closed Won Date' });
  return { host, sample };
}

describe('pipeline value with few leads and large deals', () => {
  it('marks estimates, and says to add up the real deal values when few leads carry large deals', () => {
    const { host } = hostWithLeads(1);
    const headers = ['Lead ID', 'Lead Source', 'Created Time', 'Lead Status', 'Deal Value'];
    const day = (d: number) => new Date(Date.UTC(2025, 4, d, 15));
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => [`N-${i}`, 'Web Form', day(i + 1), 'New', '']),
      ...Array.from({ length: 10 }, (_, i) => [`P-${i}`, 'Referral', day(i + 1), 'Proposal', i < 2 ? '' : 90_000]),
      ...Array.from({ length: 10 }, (_, i) => [`W-${i}`, 'Referral', day(i + 1), 'Closed Won', 120_000]),
    ];
    host.spreadsheet.deleteSheet(host.spreadsheet.getSheetByName('Leads')!);
    host.addSheet('Big deal leads', [headers, ...rows]);
    const { plan } = build(host, { kind: 'funnel' });
    expectPlanComputedByEngine(host, plan, 'Funnel');
    const { values, row } = sheetValues(host, 'Funnel');
    // No setup yet: the pipeline is proposed from the sheet's own statuses, in the order their words mean.
    const top = row('New');
    expect([0, 1, 2].map((k) => values[top + k][0])).toEqual(['New', 'Proposal', 'Closed Won']);
    const pipeline = pipelineFromArg('New, Proposal, Closed Won', { fn: 'test', arg: 'stages' });
    const c = coreLeads(headers, rows, pipeline);
    const f = funnel(c.reached, pipeline.stageNames, { values: c.values });
    expect(f.stages.map((s) => s.tabulateDeals)).toEqual([true, true, false]);
    f.stages.forEach((s, k) => {
      expect(values[top + k][5], 'leads with a deal value').toBe(k < 2 ? 18 : 10);
      expect(num(values[top + k][7])).toBeCloseTo(s.value!, 6);
    });
    expect(values[top + 1][8]).toBe('Estimate: few leads, large deals; sum real values');
    expect(values[top + 2][8]).toBe('Actual');
  });
});
