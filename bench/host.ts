/**
 * The offline host's formula engine on 100,000 generated leads (src/core/sample.ts), built the way
 * the build dialog builds (read the data, plan, write through dist/Code.js):
 *  - each built sheet written with evaluation suspended, then evaluated (one fresh spreadsheet each);
 *  - an edited status answered with every sheet built (funnel, net lead flow and checklist in one
 *    spreadsheet): setValue on the leads sheet, then a built cell read, as the preview does;
 *  - a spilled =FUNNEL(G2:G) (the bundle's custom function): its time, and how many times it ran;
 *  - the host's bulk setValues/getValues of 100,000 × 13 cells.
 *
 * Run alone with `node build.mjs && node --import tsx bench/host.ts`, or call benchHost(). Sizes:
 * BENCH_HOST_LEADS (default 100000).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BuildData, BuildRequest, forSheets, planBuild, withSetup } from '../src/core/report';
import { sampleLeads } from '../src/core/sample';
import { createHost } from '../src/offline/host';
import type { Host } from '../src/offline/host';

const TIME_ZONE = 'America/New_York';
const KINDS: { kind: BuildRequest['kind']; title: string }[] = [
  { kind: 'funnel', title: 'funnel' },
  { kind: 'flow', title: 'net lead flow' },
  { kind: 'checklist', title: 'checklist' },
];

const ms = (t: number) => `${Math.round(t).toLocaleString('en-US')} ms`;

export function sample(n: number) {
  return sampleLeads({ rows: n, seed: 3, timeZone: TIME_ZONE, from: '2025-01-01', days: 365 });
}

export function hostWith(leads: ReturnType<typeof sample>): Host {
  const host = createHost({ timeZone: TIME_ZONE });
  host.addSheet('Leads', [leads.headers, ...leads.rows]);
  host.loadBundle();
  return host;
}

/** Plans a sheet from the host's data and writes it with evaluation suspended; returns the two times. */
export function build(host: Host, kind: BuildRequest['kind']): { write: number; evaluate: number; sheetName: string; plan: ReturnType<typeof planBuild> } {
  const read = host.run('leadflowBuildData', [{}]);
  if (!read.ok) throw new Error(read.error.message);
  const plan = planBuild(withSetup(read.value as BuildData), { kind } as BuildRequest);
  host.engine.hf.suspendEvaluation();
  let t0 = performance.now();
  const run = host.run('leadflowBuild', [{ plan: forSheets(plan) }]);
  const write = performance.now() - t0;
  t0 = performance.now();
  host.engine.hf.resumeEvaluation();
  const evaluate = performance.now() - t0;
  if (!run.ok) throw new Error(run.error.message);
  return { write, evaluate, sheetName: (run.value as { sheetName: string }).sheetName, plan };
}

/** The first cell of a built sheet that counts leads: a SUM or SUMIFS of its FREQUENCY counts (or a COUNTIFS of the leads). */
function countCell(host: Host, sheetName: string): { row: number; col: number } {
  const formulas = host.sheet(sheetName).getDataRange().getFormulas();
  for (let r = 0; r < formulas.length; r++) {
    for (let c = 0; c < formulas[r].length; c++) if (/^=(COUNTIFS|SUMIFS|SUM)\(/.test(formulas[r][c])) return { row: r + 1, col: c + 1 };
  }
  throw new Error(`No count of the leads on ${sheetName}`);
}

export async function benchHost(): Promise<string[]> {
  const n = Number(process.env.BENCH_HOST_LEADS ?? 100_000);
  const leads = sample(n);
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  say(`\nOffline host, ${n.toLocaleString('en-US')} leads (formula engine: HyperFormula through src/offline/engine.ts)`);

  // Each sheet in a spreadsheet of its own.
  for (const { kind, title } of KINDS) {
    const host = hostWith(leads);
    const b = build(host, kind);
    const [rows, cols] = [b.plan.cells.length, b.plan.cells[0]?.length ?? 0];
    say(`  ${title.padEnd(14)} ${rows}×${cols}: write (evaluation suspended) ${ms(b.write).padStart(9)}, evaluate ${ms(b.evaluate).padStart(9)}`);
  }

  // Every sheet in one spreadsheet, then a status edited.
  {
    const host = hostWith(leads);
    const built = KINDS.map(({ kind }) => build(host, kind).sheetName);
    const headers = leads.headers;
    const statusCol = headers.indexOf('Lead Status') + 1;
    const cells = built.map((name) => ({ name, at: countCell(host, name) }));
    const read = () => cells.map(({ name, at }) => host.sheet(name).getRange(at.row, at.col).getValue());
    const before = read();
    const row = 2 + Math.floor(n / 2);
    const old = host.sheet('Leads').getRange(row, statusCol).getValue();
    const times: number[] = [];
    for (const status of ['Closed Won', 'Junk Lead', old]) {
        const t0 = performance.now();
      host.sheet('Leads').getRange(row, statusCol).setValue(status);
      read();
      times.push(performance.now() - t0);
    }
    const after = read();
    const same = after.every((v, k) => v === before[k]);
    say(`  edited status, every sheet built (${built.join(', ')}): answered in ${times.map(ms).join(', ')} (3 edits)${same ? '' : '  (VALUES DIFFER AFTER RESTORING THE STATUS)'}`);
  }

  // A spilled custom function.
  {
    const host = hostWith(leads);
    const funnel = host.bundle!.fn('FUNNEL');
    let calls = 0;
    host.registerCustomFunctions({
      FUNNEL: (...args: unknown[]) => {
        calls++;
        return funnel(...args);
      },
    });
    const sheet = host.sheet('Leads');
    const col = leads.headers.length + 3;
    let t0 = performance.now();
    sheet.getRange(2, col).setFormula('=FUNNEL(G2:G)');
    const spilled = sheet.getRange(2, col, 12, 4).getValues();
    const first = performance.now() - t0;
    const firstCalls = calls;
    const statusCol = leads.headers.indexOf('Lead Status') + 1;
    t0 = performance.now();
    sheet.getRange(3, statusCol).setValue('Closed Won');
    sheet.getRange(2, col).getValue();
    const edit = performance.now() - t0;
    const rows = spilled.filter((r) => r.some((v) => v !== '')).length;
    say(`  =FUNNEL(G2:G) spilled (${rows} rows): ${ms(first)}, the function ran ${firstCalls} time(s); after a status edit: ${ms(edit)}, ${calls - firstCalls} more run(s)`);
  }

  // Bulk values.
  {
    const host = createHost({ timeZone: TIME_ZONE });
    const sheet = host.spreadsheet.insertSheet('Data');
    const width = leads.headers.length;
    let t0 = performance.now();
    sheet.getRange(1, 1, leads.rows.length, width).setValues(leads.rows);
    const set = performance.now() - t0;
    t0 = performance.now();
    sheet.getRange(1, 1, leads.rows.length, width).getValues();
    const get = performance.now() - t0;
    say(`  bulk ${leads.rows.length.toLocaleString('en-US')} × ${width} cells: setValues ${ms(set)}, getValues ${ms(get)}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchHost();
