/**
 * What a build may and may not touch: the leads sheet and users' own sheets never change, a sheet
 * LeadFlow built is replaced only after a YES, builds take the document lock, and the number of
 * service calls does not grow with the number of leads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build as buildDist } from '../../build.mjs';
import { BuildData, forSheets, planBuild } from '../../src/core/report/index.ts';
import { sampleLeads } from '../../src/core/sample.ts';
import { createHost } from '../../src/offline/host/index.ts';
import type { CallSnapshot, Host } from '../../src/offline/host/index.ts';
import { TZ, build, hostWithLeads, saveProposedSetup, snapshot } from './helpers.ts';

beforeAll(async () => {
  await buildDist();
});

const builtProperty = (host: Host) => JSON.parse(host.properties.document.get('leadflow.builtSheets') ?? '{}');

describe('building never loses anything', () => {
  let host: Host;

  beforeAll(() => {
    ({ host } = hostWithLeads(400));
  });

  it('leaves the leads sheet exactly as it was, and marks the sheets it built', () => {
    const before = snapshot(host).Leads;
    const names: string[] = [];
    for (const request of [{ kind: 'funnel' }, { kind: 'flow' }, { kind: 'checklist' }] as const) {
      const { result } = build(host, request);
      names.push(result.sheetName);
      expect(host.sheet(result.sheetName).getRange('A1').getNote()).toMatch(/^Built by LeadFlow/);
    }
    expect(names).toEqual(['Funnel', 'Net lead flow', 'Lead review']);
    expect(snapshot(host).Leads).toEqual(before);
    const marked = builtProperty(host);
    expect(Object.values(marked).sort()).toEqual(['checklist', 'flow', 'funnel']);
    expect(Object.keys(marked).sort()).toEqual(names.map((n) => String(host.sheet(n).getSheetId())).sort());
  });

  it('asks before rebuilding a sheet it built; NO leaves every sheet as it was', () => {
    const before = snapshot(host);
    const charts = host.inspectSheet('Funnel').charts.length;
    host.ui.respondWith('NO');
    const { result } = build(host, { kind: 'funnel', cohort: 'quarter', value: '2025-Q3' });
    expect(result).toEqual({ ok: false, cancelled: true, sheetName: 'Funnel', notes: [] });
    const asked = host.ui.alerts.at(-1)!;
    expect(asked).toMatchObject({ type: 'alert', title: 'Replace "Funnel"?', buttons: 'YES_NO', button: 'NO' });
    expect(snapshot(host)).toEqual(before);
    expect(host.inspectSheet('Funnel').charts).toHaveLength(charts);
  });

  it('replaces it in place after YES: same sheet, same name, no copy', () => {
    const id = host.sheet('Funnel').getSheetId();
    const sheets = host.spreadsheet.getSheets().length;
    host.ui.respondWith('YES');
    const { result } = build(host, { kind: 'funnel', cohort: 'quarter', value: '2025-Q3' });
    expect(result).toMatchObject({ ok: true, sheetName: 'Funnel' });
    expect(host.sheet('Funnel').getSheetId()).toBe(id);
    expect(host.spreadsheet.getSheets()).toHaveLength(sheets);
    expect(host.values('Funnel', 'D3')[0][0]).toBe('2025-Q3');
    expect(host.inspectSheet('Funnel').charts).toHaveLength(2);
  });

  it('never touches a user sheet that has the same name: it builds "Funnel (2)" without asking', () => {
    const { host: fresh } = hostWithLeads(50);
    fresh.addSheet('Funnel', [['My own funnel notes', 42], ['=B1*2', '']]);
    const before = snapshot(fresh);
    const { result } = build(fresh, { kind: 'funnel' });
    expect(result).toMatchObject({ ok: true, sheetName: 'Funnel (2)' });
    expect(fresh.ui.alerts).toEqual([]);
    const after = snapshot(fresh);
    expect(after.Funnel).toEqual(before.Funnel);
    expect(after.Leads).toEqual(before.Leads);
    // Building again replaces LeadFlow's "Funnel (2)", still never the user's "Funnel".
    fresh.ui.respondWith('YES');
    expect(build(fresh, { kind: 'funnel' }).result.sheetName).toBe('Funnel (2)');
    expect(snapshot(fresh).Funnel).toEqual(before.Funnel);
  });

  it('holds the document lock: while another build holds it, nothing is written', () => {
    const { host: fresh } = hostWithLeads(30);
    const release = fresh.holdLock('document');
    const before = snapshot(fresh);
    expect(() => build(fresh, { kind: 'flow' })).toThrow(/Someone else is building/);
    expect(snapshot(fresh)).toEqual(before);
    release();
    fresh.calls.reset();
    expect(build(fresh, { kind: 'flow' }).result.ok).toBe(true);
    const calls = fresh.calls.snapshot().byMethod;
    expect(calls['LockService.getDocumentLock']).toBe(1);
    expect(calls['Lock.releaseLock']).toBe(1);
  });

  it('refuses a plan that is not one of its sheets', () => {
    const run = host.run('leadflowBuild', [{ plan: { kind: 'Leads', cells: [['x']] } }]);
    expect(run.ok).toBe(false);
  });
});

describe('the menu', () => {
  it('opens the build dialog for the chosen sheet', () => {
    const { host } = hostWithLeads(10);
    host.openAddon({ authMode: 'FULL' });
    for (const [caption, kind] of [['Build funnel sheet…', 'funnel'], ['Build net lead flow sheet…', 'flow'], ['Build checklist sheet…', 'checklist']]) {
      expect(host.clickMenuItem(caption).ok).toBe(true);
      const dialog = host.ui.dialogs.at(-1)!;
      expect(dialog.modal).toBe(true);
      expect(dialog.html).toContain(`<body data-kind="${kind}">`);
      expect(dialog.html).not.toContain('/*INLINE_JS*/');
    }
  });

  it('builds on a fresh spreadsheet right after "Insert sample leads", with no setup saved', () => {
    const host = createHost({ timeZone: TZ, strictGridBounds: true });
    host.loadBundle();
    host.openAddon({ authMode: 'FULL' });
    const inserted = host.clickMenuItem('Insert sample leads');
    expect(inserted.ok).toBe(true);
    const { data, result } = build(host, { kind: 'funnel' });
    expect(data.saved).toBe(false);
    expect(data.setup.leads.sheet).toBe('Sample leads');
    expect(result).toMatchObject({ ok: true, sheetName: 'Funnel' });
    expect(host.values('Funnel', 'B8')[0][0]).toBe(600);
  });
});

/** Leads whose statuses are the pipeline's own names: the same calls, and quick for HyperFormula at 20,000 rows. */
function canonicalLeads(rows: number) {
  const names = ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'];
  const s = sampleLeads({ rows, seed: 8, timeZone: TZ, from: '2025-01-01', days: 365 });
  s.rows.forEach((r, i) => { r[6] = s.truth[i].exit ?? names[s.truth[i].stage]; });
  const host = createHost({ timeZone: TZ, strictGridBounds: true });
  host.addSheet('Leads', [s.headers, ...s.rows]);
  host.loadBundle();
  return host;
}

function callsOfBuild(host: Host, kind: 'funnel' | 'flow'): CallSnapshot[] {
  host.calls.reset();
  const read = host.run('leadflowBuildData', [{}]);
  const readCalls = host.calls.snapshot();
  host.calls.reset();
  const plan = planBuild(read.ok ? (read.value as BuildData) : (undefined as never), { kind });
  // As the dialog sends it: without the cached values and the file's part.
  expect(host.run('leadflowBuild', [{ plan: forSheets(plan) }]).ok).toBe(true);
  return [readCalls, host.calls.snapshot()];
}

describe('batched reads and writes', () => {
  it('makes the same service calls for 1,000 and 20,000 leads', async () => {
    const small = canonicalLeads(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    const large = canonicalLeads(20_000);
    for (const kind of ['funnel', 'flow'] as const) {
      await new Promise((resolve) => setImmediate(resolve));
      const [a, b] = [callsOfBuild(small, kind), callsOfBuild(large, kind)];
      expect(b.map((s) => s.byMethod), kind).toEqual(a.map((s) => s.byMethod));
      // Reading is a handful of calls; writing a sheet is some 40, whatever its size.
      expect(a[0].total).toBeLessThan(20);
      expect(a[1].total).toBeLessThan(60);
      console.log(`${kind}: read ${a[0].total} calls (${a[0].reads} reads), write ${a[1].total} calls (${a[1].writes} writes, ${a[1].formats} formats)`);
    }
  }, 600_000);
});

describe('names from the setup are text on every built sheet', () => {
  it('a stage named like a formula ("=Won") is written as text, never computed', () => {
    const { host } = hostWithLeads(200);
    saveProposedSetup(host, 'Leads', (setup) => {
      const won = setup.stages[setup.stages.length - 1];
      won.aliases.push(won.name);
      won.name = '=Won';
      for (const e of setup.exits) if (e.from === won.name) e.from = '=Won';
    });
    for (const kind of ['funnel', 'flow', 'checklist'] as const) {
      const { result } = build(host, kind === 'funnel' ? { kind } : kind === 'flow' ? { kind, period: 'month' } : { kind, leads: 'all' });
      const sheet = host.sheet(result.sheetName);
      const values = sheet.getDataRange().getValues();
      const formulas = sheet.getDataRange().getFormulas();
      let seen = 0;
      values.forEach((row, r) => row.forEach((v, c) => {
        // Written as a formula, the name would be =Won (an error), never show as the text "=Won".
        expect(formulas[r][c], `${result.sheetName}!R${r + 1}C${c + 1}`).not.toBe('=Won');
        if (v === '=Won') seen++;
      }));
      expect(seen, `${kind}: the stage name appears as text`).toBeGreaterThan(0);
    }
  });
});
