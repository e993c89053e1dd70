/**
 * npm run bench: every figure LeadFlow promises, printed with its target.
 *  - the Apps Script bundle: its size and load time (every custom-function call in Sheets loads it);
 *  - the custom functions on a million leads through dist/Code.js, in this process and in a
 *    node:vm context, beside the floor of one pass over the same cells (bench/functions.ts);
 *  - the offline host's formula engine on 100,000 leads: each sheet written and evaluated, an
 *    edited status answered, a spilled =FUNNEL (bench/host.ts);
 *  - `leadflow report` on 100,000 and 1,000,000 leads in memory (bench/report.ts);
 *  - LibreOffice recalculating the report beside a hand-made COUNTIFS funnel (bench/libreoffice.ts);
 *  - `leadflow report --engine duckdb` on ten million leads from Parquet (bench/duckdb.ts).
 * BENCH_ONLY=functions,host,report,libreoffice,duckdb runs some of them; BENCH_LO_LEADS sizes the
 * LibreOffice comparison (default 100,000); BENCH_KEEP_FILES=1 keeps its files to take apart.
 */
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BUNDLE, loadBundleSource, throwingServices } from '../src/offline/bundle';
import { benchDuckDb } from './duckdb';
import { benchFunctions } from './functions';
import { benchHost } from './host';
import { benchLibreOffice } from './libreoffice';
import { benchReport } from './report';

const only = new Set((process.env.BENCH_ONLY ?? 'bundle,functions,host,report,libreoffice,duckdb').split(','));

function benchBundle(): void {
  const source = readFileSync(DEFAULT_BUNDLE, 'utf8');
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    loadBundleSource(source, throwingServices());
    best = Math.min(best, performance.now() - t0);
  }
  const kb = statSync(DEFAULT_BUNDLE).size / 1024;
  console.log(`dist/Code.js: ${kb.toFixed(1)} KB (target < 100 KB: ${kb < 100 ? 'met' : 'MISSED'}), loaded in node:vm in ${best.toFixed(2)} ms (best of 20)`);
}

const started = performance.now();
if (only.has('bundle')) benchBundle();
if (only.has('functions')) {
  console.log('\nCustom functions on 1,000,000 leads (target: within 3× the floor of one pass)');
  benchFunctions(1_000_000);
}
if (only.has('host')) await benchHost();
if (only.has('report')) benchReport([100_000, 1_000_000]);
if (only.has('libreoffice')) await benchLibreOffice(Number(process.env.BENCH_LO_LEADS ?? 100_000));
if (only.has('duckdb')) {
  console.log('\nThe DuckDB engine, past what a spreadsheet holds');
  for (const line of await benchDuckDb()) console.log(line);
}
console.log(`\nBench done in ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
