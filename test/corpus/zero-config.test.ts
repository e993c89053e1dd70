/**
 * Every export of the corpus, reported with no configuration at all, as a new user would run
 * `leadflow report` on their CRM's file: the columns, the pipeline and every number must equal
 * the export's ground truth. The same numbers must come from LibreOffice recalculating the written
 * xlsx, and from the custom functions reading the leads in the offline host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { groupKey } from '../../src/core/funnel.ts';
import { Plan, makeCtx, planBuild } from '../../src/core/report/index.ts';
import { timeZoneClock } from '../../src/core/time.ts';
import { DateReader, normalizeLabel } from '../../src/core/values.ts';
import { createHost } from '../../src/offline/host/index.ts';
import { Understood, buildDataOf, runReport, understand } from '../../src/offline/report.ts';
import { expectPlansRecalculated, recalcWithLibreOffice } from '../report/lo.ts';
import { CorpusExport, corpus, writeCorpus } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadflow-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exports = corpus();
let paths: Record<string, string>;
const understood = new Map<string, Understood>();

beforeAll(async () => {
  await build();
  paths = await writeCorpus(dir);
  for (const e of exports) understood.set(e.id, await understand({ input: paths[e.id], timeZone: e.timeZone, progress: null }));
}, 120_000);

const same = (a: string, b: string) => normalizeLabel(a) === normalizeLabel(b);
const names = (xs: Record<string, string> | undefined) => Object.entries(xs ?? {}).map(([s, h]) => `${normalizeLabel(s)} ← ${normalizeLabel(h)}`).sort();
const serialMonth = (serial: number) => new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 7);

/** The rows of a table on a built sheet, from its header row down to the first blank first cell. */
function tableRows(plan: Plan, header: string): unknown[][] {
  const top = plan.values.findIndex((r) => r[0] === header);
  if (top < 0) return [];
  const out: unknown[][] = [];
  for (let r = top + 1; r < plan.values.length && plan.values[r][0] !== ''; r++) out.push(plan.values[r]);
  return out;
}

describe.each(exports.map((e) => [e.id, e] as [string, CorpusExport]))('%s, zero-config', (id, e) => {
  const t = e.truth;

  it('picks the columns and proposes the pipeline the export describes', () => {
    const u = understood.get(id)!;
    for (const [role, header] of Object.entries(t.columns)) {
      expect(u.setup.columns[role as keyof typeof t.columns], `${role} column`).toSatisfy((h: string) => same(h, header!));
    }
    expect(names(u.setup.columns.stageDates), 'stage date columns').toEqual(names(t.stageDates));
    expect(names(u.setup.columns.stageFlags), 'stage flag columns').toEqual(names(t.stageFlags));
    expect(u.setup.stages.map((s) => normalizeLabel(s.name)), 'stages').toEqual(t.stages.map(normalizeLabel));
    expect(u.setup.exits.map((x) => `${normalizeLabel(x.name)}:${x.removes}`).sort(), 'exits').toEqual(t.exits.map((x) => `${normalizeLabel(x.name)}:${x.removes}`).sort());
    const unplaced = u.proposal.pipeline.statuses.filter((s) => !s.means).map((s) => normalizeLabel(s.status)).sort();
    expect(unplaced, 'statuses not placed').toEqual(t.unplaced.map(normalizeLabel).sort());
    // Every guess is said, before anything is built.
    for (const p of u.proposal.picks.filter((p) => !p.sure)) expect(u.lines.join('\n')).toContain(p.header);
    // A realistic export's stage flag agrees with its statuses: no caution against any guess (Zoho's Converted included).
    expect(u.proposal.picks.filter((p) => p.caution).map((p) => `${p.header}: ${p.caution}`)).toEqual([]);
  });

  it('counts every stage, source, month, value and removal as the truth says', () => {
    const u = understood.get(id)!;
    const data = buildDataOf(u);
    const funnel = planBuild(data, { kind: 'funnel' });
    const S = t.stages.length;
    expect(funnel.values.slice(7, 7 + S).map((r) => r[1]), 'funnel').toEqual(t.funnel);

    if (t.bySource) {
      const rows = tableRows(funnel, 'Lead source');
      expect(rows[0][0]).toBe('All leads');
      expect(rows[0].slice(1, 1 + S)).toEqual(t.funnel);
      const keyOf = (label: unknown) => groupKey(label === '(blank)' ? '' : label);
      const shown = new Map(rows.slice(1).map((r) => [keyOf(r[0]), r]));
      for (const g of t.bySource) {
        const row = shown.get(keyOf(g.group));
        expect(row, `source ${g.group}`).toBeDefined();
        expect(row![0], 'named by its most common spelling').toBe(g.group);
        expect(row!.slice(1, 1 + S), `source ${g.group}`).toEqual(g.reached);
      }
      // The rows add up to all leads: no source is lost or counted twice.
      expect(rows.slice(1).reduce((n, r) => n + (r[1] as number), 0)).toBe(t.funnel[0]);
    }

    if (t.byMonth) {
      const rows = tableRows(funnel, 'Arrival month');
      expect(rows.map((r) => serialMonth(r[0] as number)), 'months').toEqual(t.byMonth.map((m) => m.month));
      rows.forEach((r, i) => {
        const m = t.byMonth![i];
        expect(r[1], `leads of ${m.month}`).toBe(m.leads);
        for (let k = 1; k < S; k++) expect(m.leads ? Math.round((r[1 + k] as number) * m.leads) : 0, `${m.month} reached ${t.stages[k]}`).toBe(m.reached[k]);
      });
    }

    if (t.value) {
      expect(funnel.values[6][6]).toBe('Deal value (known)');
      t.value.forEach((v, k) => expect(funnel.values[7 + k][6] as number, `value at ${t.stages[k]}`).toBeCloseTo(v, 6));
    }

    if (t.removed !== undefined) {
      const x = makeCtx({ ...data, dates: new DateReader(timeZoneClock(data.timeZone)) });
      let removed = 0;
      x.comboOf.forEach((c) => { if (c >= 0 && x.combos[c].removedAs) removed++; });
      expect(removed, 'leads removed').toBe(t.removed);
    }
    // Nothing the export holds is left out of the count block.
    expect(funnel.notes.join(' ')).not.toMatch(/not counted/);
  });
});

describe('the corpus in LibreOffice', () => {
  it('recalculates every written report to the numbers LeadFlow cached, cell by cell', async () => {
    const written: { file: string; plans: Plan[]; id: string }[] = [];
    for (const e of exports) {
      const out = join(dir, `${e.id}.xlsx`);
      const { plans } = await runReport({ input: paths[e.id], out, action: 'all', timeZone: e.timeZone, force: true, progress: null, report: null });
      written.push({ file: out, plans, id: e.id });
    }
    const recalculated = await recalcWithLibreOffice(written.map((w) => w.file), dir);
    let compared = 0;
    for (const w of written) compared += expectPlansRecalculated(w.plans, recalculated.get(w.file)!, w.id);
    expect(compared).toBeGreaterThan(5000);
  }, 600_000);
});

describe('the corpus through the custom functions', () => {
  it('FUNNEL and FUNNELBY on the whole leads table with the setup give the truth', async () => {
    for (const e of exports) {
      // Let the test runner's messages through between exports: a long synchronous stretch starves it.
      await new Promise((resolve) => setImmediate(resolve));
      const u = understood.get(e.id)!;
      const host = createHost({ timeZone: e.timeZone, firstSheetName: u.sheetName });
      host.addTable(u.sheetName, u.table);
      host.loadBundle();
      const saved = host.run('leadflowSaveSetup', [{ setup: u.setup }]);
      expect(saved.ok && (saved.value as { ok: boolean }).ok, `${e.id}: ${JSON.stringify(saved)}`).toBe(true);
      const width = u.table.rows[0].length;
      const lastCol = String.fromCharCode(64 + Math.min(width, 26));
      const sheet = `'${u.sheetName.replace(/'/g, "''")}'`;
      const out = host.spreadsheet.insertSheet('Check');
      out.getRange('A1').setFormula(`=FUNNEL(${sheet}!A1:${lastCol}, LeadFlowSetup)`);
      const funnel = host.values('Check', `A2:B${1 + e.truth.stages.length}`);
      expect(funnel.map((r) => r[1]), `${e.id} FUNNEL`).toEqual(e.truth.funnel);
      if (e.truth.bySource && u.setup.columns.source) {
        const col = u.table.rows[0].findIndex((h) => same(String(h), u.setup.columns.source));
        const letter = String.fromCharCode(65 + col);
        out.getRange('J1').setFormula(`=FUNNELBY(${sheet}!A1:${lastCol}, ${sheet}!${letter}2:${letter}, LeadFlowSetup)`);
        const rows = host.values('Check', `J3:J${2 + e.truth.bySource.length}`).map((r) => r[0]);
        const counts = host.values('Check', `K3:K${2 + e.truth.bySource.length}`).map((r) => r[0]);
        const got = new Map(rows.map((g, i) => [groupKey(g === '(blank)' ? '' : g), counts[i]]));
        for (const g of e.truth.bySource) expect(got.get(groupKey(g.group === '(blank)' ? '' : g.group)), `${e.id} FUNNELBY ${g.group}`).toBe(g.reached[0]);
      }
    }
  }, 300_000);
});
