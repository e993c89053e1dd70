/**
 * npm run bench: LeadFlow's formulas on 10k, 100k and 1M generated leads, called through the built
 * dist/Code.js as Sheets would call them, next to a bare single pass over the same arrays (the
 * floor no formula can beat). Also the bundle's size and its load time in node:vm, since every
 * custom-function call in Sheets loads the whole script.
 */
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BuildData, BuildRequest, planBuild } from '../src/core/report';
import { SAMPLE_HEADERS, sampleLeads } from '../src/core/sample';
import { createHost } from '../src/offline/host';
import { DEFAULT_BUNDLE, loadBundleForTiming, loadBundleSource, throwingServices } from '../src/offline/bundle';

const TIME_ZONE = 'America/New_York';
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);

function bestOf<T>(runs: number, f: () => T): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = f();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, result };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function benchBundleLoad() {
  const source = readFileSync(DEFAULT_BUNDLE, 'utf8');
  const load = bestOf(20, () => loadBundleSource(source, throwingServices()));
  console.log(`Code.js: ${(statSync(DEFAULT_BUNDLE).size / 1024).toFixed(1)} KB (target < 100 KB), load in node:vm: ${load.ms.toFixed(2)} ms (best of 20)`);
}

/** One column as Sheets passes a range: rows of one value. */
function column(rows: unknown[][], header: string): unknown[][] {
  const i = SAMPLE_HEADERS.indexOf(header);
  return rows.map((r) => [r[i]]);
}

/**
 * The bundle, loaded once into this process's global scope (see loadBundleForTiming for why not a
 * vm context here), with a spreadsheet that only tells its time zone, as a custom function sees.
 */
const bundle = loadBundleForTiming({
  SpreadsheetApp: { getActiveSpreadsheet: () => ({ getSpreadsheetTimeZone: () => TIME_ZONE }) },
});

function benchSize(n: number) {
  const sample = sampleLeads({ rows: n, seed: 7, timeZone: TIME_ZONE, from: '2025-01-01', days: 365 });
  const statuses = column(sample.rows, 'Lead Status');
  const arrived = column(sample.rows, 'Created Time');
  const values = column(sample.rows, 'Deal Value');
  const runs = n >= 1_000_000 ? 3 : 5;

  // The floor: touch every status and every date once, as any formula must.
  const floor = bestOf(runs, () => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += (statuses[i][0] as string).length + (arrived[i][0] as Date).getTime() % 7;
    return acc;
  });
  const start = new Date('2025-03-01T05:00:00Z');
  const end = new Date('2025-03-31T04:00:00Z');
  const cases: [string, () => unknown][] = [
    ['bare single pass (floor)', () => floor.result],
    ['FUNNELSTAGE(statuses)', () => bundle.fn('FUNNELSTAGE')(statuses)],
    ['FUNNEL(statuses, , arrived, start, end, values)', () => bundle.fn('FUNNEL')(statuses, undefined, arrived, start, end, values)],
    ['NETLEADFLOW(arrived, statuses, start, end)', () => bundle.fn('NETLEADFLOW')(arrived, statuses, start, end)],
    ['NETLEADFLOW(arrived, statuses, "month")', () => bundle.fn('NETLEADFLOW')(arrived, statuses, 'month')],
  ];
  console.log(`\n${fmt(n)} rows`);
  for (const [label, f] of cases) {
    const ms = label.startsWith('bare') ? floor.ms : bestOf(runs, f).ms;
    const verdict = n >= 1_000_000 && !label.startsWith('bare') ? (ms < 1000 ? '  (target < 1 s: met)' : '  (target < 1 s: MISSED)') : '';
    console.log(`  ${label.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms  ${fmt((n / ms) * 1000).padStart(13)} rows/s${verdict}`);
  }
}

/**
 * The menu builds in the offline host: service calls per build (they must not grow with the
 * leads), and how long the host takes. At 100k leads HyperFormula's evaluation of the built
 * COUNTIFS would dominate and say nothing about LeadFlow, so formulas are written but not
 * evaluated there (the engine's evaluation is suspended); calls are counted all the same.
 */
function benchBuilds() {
  const kinds: BuildRequest['kind'][] = ['funnel', 'flow', 'checklist'];
  console.log('\nMenu builds in the offline host: service calls per build (reads / writes / formats / total)');
  for (const n of BUILD_SIZES) {
    const sample = sampleLeads({ rows: n, seed: 3, timeZone: TIME_ZONE, from: '2025-01-01', days: 365 });
    const evaluate = n <= 10_000;
    const cells: string[] = [];
    for (const kind of kinds) {
      // A fresh spreadsheet per build: a suspended engine cannot be read from again.
      const host = createHost({ timeZone: TIME_ZONE });
      host.addSheet('Leads', [sample.headers, ...sample.rows]);
      host.loadBundle();
      host.calls.reset();
      const t0 = performance.now();
      const read = host.run('leadflowBuildData', [{}]);
      if (!read.ok) throw new Error(read.error.message);
      const plan = planBuild(read.value as BuildData, { kind } as BuildRequest);
      if (!evaluate) host.engine.hf.suspendEvaluation();
      const run = host.run('leadflowBuild', [{ plan }]);
      if (!run.ok) throw new Error(run.error.message);
      const ms = performance.now() - t0;
      const c = host.calls.snapshot();
      cells.push(`${kind} ${c.reads}/${c.writes}/${c.formats}/${c.total}${evaluate ? ` in ${(ms / 1000).toFixed(1)} s` : ''}`);
    }
    console.log(`  ${fmt(n).padStart(7)} leads: ${cells.join(', ')}${evaluate ? '' : ' (formulas written, not evaluated)'}`);
  }
}

/** Bulk reads and writes of the offline host, which the preview and the report command lean on. */
function benchHostIo() {
  const host = createHost({ timeZone: TIME_ZONE });
  const sample = sampleLeads({ rows: 100_000, seed: 4, timeZone: TIME_ZONE });
  const sheet = host.spreadsheet.insertSheet('Data');
  const t0 = performance.now();
  sheet.getRange(1, 1, sample.rows.length, sample.headers.length).setValues(sample.rows);
  const t1 = performance.now();
  sheet.getRange(1, 1, sample.rows.length, sample.headers.length).getValues();
  const t2 = performance.now();
  console.log(`\nOffline host, 100,000 × ${sample.headers.length} cells: setValues ${(t1 - t0).toFixed(0)} ms, getValues ${(t2 - t1).toFixed(0)} ms`);
}

const BUILD_SIZES = (process.env.BENCH_BUILD_SIZES ?? '1000,100000').split(',').map(Number);

benchBundleLoad();
for (const n of SIZES) benchSize(n);
benchHostIo();
benchBuilds();
