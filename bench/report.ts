/**
 * `leadflow report --action all` on generated exports of 100,000 and 1,000,000 leads, each in a
 * child process: wall time and peak memory against the targets (100,000 leads under 15 s;
 * 1,000,000, past what one Google spreadsheet holds, under 2 minutes and 2 GB).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleLeads } from '../src/core/sample';

const TIME_ZONE = 'America/New_York';

/** A generated export as CSV (written once per size and kept in the temp folder between runs). */
export function exportOf(n: number): string {
  const dir = join(tmpdir(), 'leadflow-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `leads-${n}.csv`);
  if (existsSync(path)) return path;
  const s = sampleLeads({ rows: n, seed: 7, dateStyle: 'iso', timeZone: TIME_ZONE, from: '2024-01-01', days: 730, stageDates: true, removalDates: true });
  const cell = (v: unknown) => {
    const t = String(v ?? '');
    return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const lines = [s.headers.map(cell).join(',')];
  for (const r of s.rows) lines.push(r.map(cell).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export function benchReport(sizes: number[]): string[] {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  say('\nleadflow report --action all, in a child process (targets: 100,000 leads under 15 s; 1,000,000 under 2 min and 2 GB)');
  for (const n of sizes) {
    const input = exportOf(n);
    const out = join(tmpdir(), 'leadflow-bench', `report-${n}.xlsx`);
    const t0 = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/report-child.ts', 'report', input, '--out', out, '--force', '--action', 'all', '--engine', 'memory'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = (Date.now() - t0) / 1000;
    const rss = Number(/PEAK_RSS_KB (\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
    if (run.status !== 0) {
      say(`  ${n.toLocaleString('en-US').padStart(9)} leads: FAILED (${run.stderr.trim().split('\n').slice(-3).join(' / ')})`);
      continue;
    }
    const target = n <= 100_000 ? seconds < 15 : seconds < 120 && rss < 2048;
    say(`  ${n.toLocaleString('en-US').padStart(9)} leads: ${seconds.toFixed(1).padStart(6)} s, peak ${rss.toFixed(0)} MB  ${target ? 'met' : 'MISSED'}`);
    for (const step of run.stderr.split('\n').filter((l) => /^(Reading|Building|Writing|Done)/.test(l))) say(`      ${step}`);
  }
  return lines;
}
