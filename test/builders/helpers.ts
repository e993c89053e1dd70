/**
 * Shared helpers of the builder tests: a host with the built bundle and generated leads, a build
 * done the way the dialog does it (read the data, plan, write), and the same figures computed by
 * src/core for comparison.
 */
import { createHost } from '../../src/offline/host/index.ts';
import type { Host } from '../../src/offline/host/index.ts';
import { BuildData, BuildRequest, Plan, forSheets, planBuild, withSetup } from '../../src/core/report/index.ts';
import { Pipeline, defaultPipeline, reachedFromStatuses } from '../../src/core/pipeline.ts';
import { SampleSheet, sampleLeads } from '../../src/core/sample.ts';
import { timeZoneClock } from '../../src/core/time.ts';
import { isDate } from '../../src/core/values.ts';
import { proposeSetup } from '../../src/core/detect/index.ts';
import type { Setup } from '../../src/core/setup.ts';
import { expect } from 'vitest';

export const TZ = 'America/New_York';
export const clock = timeZoneClock(TZ);

export interface Built {
  data: BuildData;
  plan: Plan;
  result: { ok: boolean; cancelled?: boolean; sheetName: string; notes: string[] };
}

/** A host (New York time, Apps Script's grid bounds) with `rows` generated leads in "Leads" and the bundle loaded. */
export function hostWithLeads(rows = 1000, seed = 11): { host: Host; sample: SampleSheet } {
  const host = createHost({ timeZone: TZ, strictGridBounds: true });
  const sample = sampleLeads({ rows, seed, timeZone: TZ, from: '2025-01-01', days: 365 });
  host.addSheet('Leads', [sample.headers, ...sample.rows]);
  host.loadBundle();
  return { host, sample };
}

/** What the build dialog does: read the data, plan the sheet, write it. */
export function build(host: Host, request: BuildRequest): Built {
  const read = host.run('leadflowBuildData', [{}]);
  if (!read.ok) throw new Error(`leadflowBuildData failed: ${read.error.message}`);
  // As the dialog does: with no setup saved yet, LeadFlow's proposal (made once, here) is what gets built.
  const data = withSetup(read.value as BuildData);
  const plan = planBuild(data, request);
  const run = host.run('leadflowBuild', [{ plan: forSheets(plan) }]);
  if (!run.ok) throw new Error(`leadflowBuild failed: ${run.error.message}`);
  return { data, plan, result: run.value as Built['result'] };
}

/** Every sheet's values and formulas, to show that nothing else changed. */
export function snapshot(host: Host): Record<string, { values: unknown[][]; formulas: string[][] }> {
  const out: Record<string, { values: unknown[][]; formulas: string[][] }> = {};
  for (const s of host.spreadsheet.getSheets()) {
    const range = s.getDataRange();
    out[s.getName()] = { values: range.getValues().map((r) => r.map((v) => (isDate(v) ? v.getTime() : v))), formulas: range.getFormulas() };
  }
  return out;
}

/** A built sheet's values, with a lookup of the row whose column A holds a label. */
export function sheetValues(host: Host, name: string) {
  const values = host.values(name);
  return {
    values,
    /** The first row (0-based) at or after `from` whose first cell is `label`. */
    row(label: string, from = 0): number {
      const i = values.findIndex((r, k) => k >= from && r[0] === label);
      if (i < 0) throw new Error(`No row "${label}" in ${name}`);
      return i;
    },
  };
}

/** The leads as src/core reads them: furthest stage, exit, arrival and other columns, by the sample's headers. */
export function coreLeads(headers: string[], rows: unknown[][], pipeline: Pipeline = defaultPipeline()) {
  const col = (h: string) => headers.indexOf(h);
  const wall = (v: unknown) => (isDate(v) ? clock.toWall(v.getTime()) : NaN);
  const reached = reachedFromStatuses(rows.map((r) => r[col('Lead Status')]), pipeline, { fn: 'test', arg: 'statuses' });
  return {
    pipeline,
    reached,
    arrived: Float64Array.from(rows.map((r) => wall(r[col('Created Time')]))),
    lastActivity: Float64Array.from(rows.map((r) => wall(r[col('Last Activity')]))),
    values: Float64Array.from(rows.map((r) => (typeof r[col('Deal Value')] === 'number' ? (r[col('Deal Value')] as number) : NaN))),
    source: rows.map((r) => String(r[col('Lead Source')])),
    owner: rows.map((r) => String(r[col('Lead Owner')])),
    column: (h: string) => rows.map((r) => r[col(h)]),
  };
}

/** Wall time of a date cell read back from the host. */
export const wallOf = (v: unknown): number => (isDate(v) ? clock.toWall(v.getTime()) : NaN);

/** A computed cell as a number or null (blank), for comparing with src/core's null-for-undefined. */
export const num = (v: unknown): number | null => (v === '' || v === null ? null : (v as number));

/** What the sidebar does for a sheet not set up yet: read its state, propose the setup from the headers and sample, save it. */
export function saveProposedSetup(host: Host, sheetName: string, tweak: (s: Setup) => void = () => {}): Setup {
  const state = host.run('leadflowSetupState', [{ sheetName }]);
  if (!state.ok) throw new Error(state.error.message);
  const { headers, sample } = state.value as { headers: string[]; sample: unknown[][] };
  const { setup } = proposeSetup(sheetName, headers, sample);
  tweak(setup);
  const saved = host.run('leadflowSaveSetup', [{ setup }]);
  if (!saved.ok || !(saved.value as { ok: boolean }).ok) throw new Error(`setup not saved: ${JSON.stringify(saved)}`);
  return setup;
}

/**
 * Every formula of a plan, as the offline engine computed it in the built sheet, equals the value
 * the planner cached for it (counted by src/core under the formula's own criteria). Cells that read
 * the clock (NOW, TODAY) are left out.
 */
export function expectPlanComputedByEngine(host: Host, plan: Plan, sheetName: string): number {
  const sheet = host.sheet(sheetName);
  const values = sheet.getRange(1, 1, plan.cells.length, plan.cells[0].length).getValues();
  let compared = 0;
  plan.cells.forEach((row, r) => row.forEach((f, c) => {
    if (typeof f !== 'string' || !f.startsWith('=') || /\b(NOW|TODAY)\(/.test(f)) return;
    const engine = values[r][c];
    const cached = plan.values[r][c];
    const where = `${sheetName}!R${r + 1}C${c + 1} ${f.slice(0, 160)}`;
    // A date-time computed from NOW() (the quiet cut-off) is a moment later in the engine than in the plan.
    if (isDate(engine)) expect(Math.abs(wallOf(engine) - serialWall(cached as number)), where).toBeLessThan(120_000);
    else if (typeof cached === 'number') expect(Math.abs((engine as number) - cached), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(cached)));
    else expect(engine, where).toEqual(cached);
    compared++;
  }));
  expect(compared, 'formulas compared').toBeGreaterThan(10);
  return compared;
}

const serialWall = (serial: number) => Math.round((serial - 25_569) * 86_400_000);
