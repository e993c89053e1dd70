/**
 * What the report command says it understood and lets a person change: guesses listed first,
 * statuses it cannot place said loudly, --map overriding one guess, `leadflow setup` writing the
 * setup it would use, a partial --setup filled in; and text from an export that looks like a
 * formula staying text on every path LeadFlow writes it (host, preview, built sheets, xlsx).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { planBuild } from '../../src/core/report/index.ts';
import { readLeadsFile } from '../../src/offline/files/index.ts';
import { createHost } from '../../src/offline/host/index.ts';
import { buildDataOf, runReport, understand } from '../../src/offline/report.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'leadflow-understand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function leadflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/leadflow.mjs', ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A hand-kept sheet: two status columns a guess must choose between, a trade's own word for the win, statuses nobody knows, web-form text. */
function handKept(): string {
  const lines = ['Added,Name,Notes,Stage,Follow-up status,Channel,Fee'];
  const stages = ['New Enquiry', 'Contacted', 'Demo Attended', 'Payment Done', 'Lost', 'Visa Check', 'Docs Pending?'];
  const follow = ['open', 'won', 'lost'];
  const notes = ['=HYPERLINK("http://example.test","y")', '=1+1', '+ call back', '-- no reply', '@maria', 'plain note'];
  for (let i = 0; i < 140; i++) {
    const day = 1 + (i % 28);
    const month = 1 + (i % 6);
    const stage = stages[i % stages.length];
    lines.push([`2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, `Student ${i}`, `"${notes[i % notes.length].replace(/"/g, '""')}"`,
      stage, follow[i % 3], ['Google', 'Referral', 'Walk-in'][i % 3], String(900 + i)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

let csv: string;
beforeAll(async () => {
  await build();
  csv = join(dir, 'students.csv');
  writeFileSync(csv, handKept());
});

describe('what the report says it understood', () => {
  it('lists guesses first, and says loudly which leads it cannot count and why', async () => {
    const u = await understand({ input: csv, progress: null });
    expect(u.setup.columns.status).toBe('Stage');
    expect(u.setup.stages.map((s) => s.name)).toEqual(['New Enquiry', 'Contacted', 'Demo Attended', 'Payment Done']);
    const text = u.lines.join('\n');
    expect(text.indexOf('Guesses')).toBeLessThan(text.indexOf('Columns'));
    // Statuses placed by their words are said to be a guess; a status that is its stage's own name needs no arrow.
    expect(text).toMatch(/^Pipeline \(from the statuses in the sheet; \d+ placed by their words, a guess to check\): New Enquiry → Contacted → Demo Attended → Payment Done$/m);
    expect(text).not.toMatch(/"Payment Done" →/);
    expect(text).toMatch(/^ {2}Leads by status: .*Payment Done \d+/m);
    expect(text).toMatch(/NOT COUNTED: 40 leads \(28\.6%\) have statuses LeadFlow could not place: "Docs Pending\?" \(20\), "Visa Check" \(20\)/);
    // The built sheet says it too, on its notes row, with the fix.
    const plan = planBuild(buildDataOf(u), { kind: 'funnel' });
    expect(plan.notes.join(' ')).toMatch(/40 leads \(28\.6%\) are not counted: their status matches no stage or exit: "(Docs Pending\?|Visa Check)" \(20\), "(Docs Pending\?|Visa Check)" \(20\)/);
  });

  it('says it for a marketer: what each missing column costs, how many leads leave the pipeline where, and the funnel from all leads', async () => {
    const out = join(dir, 'said.xlsx');
    const r = await leadflow('report', csv, '--out', out, '--action', 'all');
    expect(r.code).toBe(0);
    // No owner or last-activity column: said once, with what the report lacks without it and how to name one.
    expect(r.stdout).toMatch(/^ {2}Not found: owner \(no owner on the review sheet\); last activity \(net lead flow cannot count leads gone quiet\)\. Name one with --map owner="Header"\.$/m);
    // Every seventh student is Lost: 20 leads, counted up to the stage the exit leaves from.
    const u = await understand({ input: csv, progress: null });
    const lost = u.setup.exits.find((e) => e.name === 'Lost');
    expect(r.stdout).toContain(`  Stopped before the last stage: Lost (20) at ${lost?.from}.`);
    // The funnel starts from the leads it counts (not "New Enquiry 100", which reads as 100 new enquiries), and says it rests on guesses.
    expect(r.stdout).toMatch(/^Funnel \(from the guesses above\): 100 leads → Contacted \d+ \(/m);
    // The sheets' own notes that say the same thing in the add-on's words are not repeated.
    expect(r.stdout).not.toContain("Built from LeadFlow's guesses");
    expect(r.stdout).not.toContain('Map a last-activity column');
    expect(r.stdout).toMatch(/^ {2}Leads by status: /m);
  });

  it('says only the missing columns the sheets being built need, and how many leaving leads a stage date still counts further', async () => {
    // Lost leads, half of them with a date in "Qualified Date": the funnel counts those as Qualified, which a marketer should know.
    const statuses = ['New', 'Contacted', 'Qualified', 'Won', 'Lost', 'Lost', 'Disqualified'];
    const rows = Array.from({ length: 140 }, (_, i) => {
      const status = statuses[i % 7];
      const qualified = status === 'Qualified' || status === 'Won' || (status === 'Lost' && i % 2 === 0);
      return [`2026-01-${String(1 + (i % 28)).padStart(2, '0')}`, status, qualified ? `2026-02-${String(1 + (i % 27)).padStart(2, '0')}` : '', 'Web'];
    });
    const file = join(dir, 'lost-but-qualified.csv');
    writeFileSync(file, [['Created', 'Lead Status', 'Qualified Date', 'Lead Source'], ...rows].map((r) => r.join(',')).join('\n'));
    const lostQualified = rows.filter((r) => r[1] === 'Lost' && r[2] !== '').length;
    const funnelOnly = await leadflow('report', file, '--out', join(dir, 'lost.xlsx'), '--action', 'funnel');
    expect(funnelOnly.code).toBe(0);
    // A funnel needs no last-activity column nor owner: only the deal value is said missing.
    expect(funnelOnly.stdout).toMatch(/^ {2}Not found: deal value \(no pipeline value\)\. Name one with --map value="Header"\.$/m);
    expect(funnelOnly.stdout).not.toContain('last activity');
    expect(funnelOnly.stdout).toMatch(/^ {2}Stopped before the last stage: Lost \(40\) at \w+/m);
    expect(funnelOnly.stdout).toContain(`  But ${lostQualified} of them still count as Qualified: they have a date in "Qualified Date".`);
    expect(funnelOnly.stdout).not.toContain('(kept open in net lead flow)');
    // Half the lost leads were qualified first, and no open lead is dated past its status: a plain fact, nothing to undo.
    expect(funnelOnly.stdout).not.toContain('Check "');
    expect(funnelOnly.stdout).not.toMatch(/^ {2}Every /m);

    const variant = async (name: string, dated: (status: string, i: number) => boolean, extra: string[] = []) => {
      const csv = join(dir, `${name}.csv`);
      writeFileSync(csv, [['Created', 'Lead Status', 'Qualified Date', 'Lead Source'], ...rows.map((r, i) => [r[0], r[1], dated(r[1], i) ? '2026-02-10' : '', r[3]])].map((r) => r.join(',')).join('\n'));
      const run = await leadflow('report', csv, ...extra, '--out', join(dir, `${name}.xlsx`), '--action', 'funnel');
      expect(run.code).toBe(0);
      return run.stdout;
    };
    const newOrContacted = rows.filter((r) => r[1] === 'New' || r[1] === 'Contacted').length;
    // A date nearly every lead has, open ones included: it may not mean what its name says, and LeadFlow guessed it.
    const everywhere = await variant('dated-everywhere', (status, i) => status !== 'Qualified' && status !== 'Won' ? i % 10 !== 0 : true);
    const markedOpen = rows.filter((r, i) => (r[1] === 'New' || r[1] === 'Contacted') && i % 10 !== 0).length;
    // What hangs on it: the leads at Qualified with the column, and by their statuses alone.
    const qualifiedByStatus = rows.filter((r) => r[1] === 'Qualified' || r[1] === 'Won').length;
    const qualifiedWithDates = rows.filter((r, i) => r[1] === 'Qualified' || r[1] === 'Won' || i % 10 !== 0).length;
    const fact = `  Check "Qualified Date": it holds a date for ${markedOpen} of the ${newOrContacted} leads whose status is still before Qualified, so it does not follow the statuses.\n    With it, ${qualifiedWithDates} leads reach Qualified; without it, ${qualifiedByStatus}.`;
    expect(everywhere).toContain(`${fact} A guess: to leave it out, take it out of "stageDates" in the setup ("leadflow setup", then --setup).\n`);
    expect(everywhere).toMatch(new RegExp(`→ Qualified ${qualifiedWithDates} \\(`));
    // Named in the person's own setup: the same fact, without calling it a guess.
    const setupFile = join(dir, 'qualified-date.json');
    writeFileSync(setupFile, JSON.stringify({ columns: { stageDates: { Qualified: 'Qualified Date' } } }));
    const withSetup = await variant('dated-everywhere-setup', (status, i) => status !== 'Qualified' && status !== 'Won' ? i % 10 !== 0 : true, ['--setup', setupFile]);
    expect(withSetup).toContain(`${fact}\n`);
    expect(withSetup).not.toContain('A guess');
    expect(withSetup).not.toMatch(/"Qualified Date" \(a guess/);
    expect(withSetup).toMatch(/^Columns \(from their headers and --setup\):$/m);
    // Every lost lead qualified first, and no open one is dated: Lost comes after Qualified, and the proposal places it there.
    const lostAfter = await variant('lost-after-qualified', (status) => ['Qualified', 'Won', 'Lost'].includes(status));
    const wordsPlacedLost = /^ {2}Stopped before the last stage: .*Lost \(40\) at (\w+)/m.exec(funnelOnly.stdout)![1];
    expect(wordsPlacedLost).not.toBe('Qualified');
    expect(lostAfter).toMatch(/^ {2}Stopped before the last stage: .*Lost \(40\) at Qualified\b/m);
    expect(lostAfter).toContain(`  Lost is placed at Qualified, not ${wordsPlacedLost}, because every Lost lead (40) has a date in "Qualified Date" (a guess).\n`);
    expect(lostAfter).not.toContain('still count as');
    expect(lostAfter).not.toContain('does not follow');
    // The funnel counts the same leads at Qualified either way: the lost ones by their dates before, by their status now.
    expect(lostAfter).toMatch(new RegExp(`→ Qualified ${rows.filter((r) => ['Qualified', 'Won', 'Lost'].includes(r[1])).length} \\(`));
    // A --setup that says where Lost stops wins over the guess.
    const setupLost = join(dir, 'lost-where.json');
    const wordsSetup = JSON.parse((await leadflow('setup', join(dir, 'lost-after-qualified.csv'))).stdout);
    writeFileSync(setupLost, JSON.stringify({ exits: wordsSetup.exits.map((exit: { name: string }) => (exit.name === 'Lost' ? { ...exit, from: wordsPlacedLost } : exit)) }));
    const lostWhereSaid = await variant('lost-after-qualified-setup', (status) => ['Qualified', 'Won', 'Lost'].includes(status), ['--setup', setupLost]);
    expect(lostWhereSaid).toMatch(new RegExp(`^ {2}Stopped before the last stage: .*Lost \\(40\\) at ${wordsPlacedLost}\\b`, 'm'));
    expect(lostWhereSaid).not.toContain('Lost is placed at');
  });

  it('says the same with the DuckDB engine: leads a stage date or flag takes past their exit, counted from groups of leads alike', async () => {
    // A date column some lost leads have, and a yes/no flag most open leads have too.
    const statuses = ['New', 'Contacted', 'Qualified', 'Won', 'Lost', 'Lost', 'Disqualified'];
    const rows = Array.from({ length: 700 }, (_, i) => {
      const status = statuses[i % 7];
      const qualified = status === 'Qualified' || status === 'Won' || (status === 'Lost' && i % 3 === 0);
      const converted = status === 'Won' || (status !== 'Disqualified' && i % 4 !== 0);
      return [`2026-01-${String(1 + (i % 28)).padStart(2, '0')}`, status, qualified ? `2026-02-${String(1 + (i % 27)).padStart(2, '0')}` : '', converted ? 'Yes' : 'No', ['Web', 'Referral'][i % 2]];
    });
    const file = join(dir, 'both-engines.csv');
    writeFileSync(file, [['Created', 'Lead Status', 'Qualified Date', 'Won', 'Lead Source'], ...rows].map((r) => r.join(',')).join('\n'));
    const setupFile = join(dir, 'both-engines.json');
    writeFileSync(setupFile, JSON.stringify({ columns: { stageDates: { Qualified: 'Qualified Date' }, stageFlags: { Won: 'Won' } } }));
    const said = async (engine: string) => {
      const result = await leadflow('report', file, '--setup', setupFile, '--engine', engine, '--out', join(dir, `both-${engine}.xlsx`), '--action', 'funnel', '--force');
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.split('\n');
      return lines.slice(lines.findIndex((l) => l.startsWith('Pipeline')), lines.findIndex((l) => l.startsWith('  Leads by status'))).join('\n');
    };
    const [memory, duckdb] = [await said('memory'), await said('duckdb')];
    const lost = rows.filter((r) => r[1] === 'Lost');
    // Lost leads with a later date or flag: the furthest of the two is said for each.
    expect(memory).toMatch(/^ {2}But \d+ of them count further: /m);
    expect(memory).toContain(`${lost.filter((r) => r[3] === 'Yes').length} as Won (marked yes in "Won")`);
    expect(memory).toContain(`${lost.filter((r) => r[3] !== 'Yes' && r[2] !== '').length} as Qualified (a date in "Qualified Date")`);
    expect(memory).toMatch(/Check "Won": it is yes for \d+ of the \d+ leads whose status is still before Won, so it does not follow the statuses\.\n {4}With it, \d+ leads reach Won; without it, \d+\./);
    expect(duckdb).toBe(memory);
  });

  it('--map replaces one guess, and an unknown header is refused with the headers it has', async () => {
    const u = await understand({ input: csv, progress: null, map: { status: 'Follow-up status' } });
    expect(u.setup.columns.status).toBe('Follow-up status');
    expect(u.lines.join('\n')).toMatch(/Status: column E "Follow-up status"$/m);
    const bad = await leadflow('report', csv, '--out', join(dir, 'bad.xlsx'), '--map', 'status=Lifecycle Stage');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('there is no column "Lifecycle Stage" in students.csv; its columns are "Added", "Name"');
  });

  it('leadflow setup prints the whole setup it would use; a partial setup file is filled in from the proposal', async () => {
    const printed = await leadflow('setup', csv);
    expect(printed.code).toBe(0);
    const setup = JSON.parse(printed.stdout);
    expect(setup.columns).toMatchObject({ status: 'Stage', arrived: 'Added', source: 'Channel', value: 'Fee' });
    expect(printed.stderr).toMatch(/NOT COUNTED/);
    // The person adds the two statuses as aliases and gives only what they changed.
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ stages: setup.stages.map((s: { name: string; aliases: string[] }) => (s.name === 'Contacted' ? { ...s, aliases: [...s.aliases, 'Visa Check', 'Docs Pending?'] } : s)) }));
    const out = join(dir, 'fixed.xlsx');
    const r = await leadflow('report', csv, '--out', out, '--setup', partial, '--action', 'funnel');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/NOT COUNTED/);
    expect(r.stdout).toMatch(/Funnel: 140 leads → Contacted \d+ \(/);
  });

  it('--help on each command prints its usage and exits 0', async () => {
    for (const command of ['report', 'setup']) {
      const r = await leadflow(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: leadflow ${command}`);
    }
  });
});

describe('text that looks like a formula stays text', () => {
  const FORMULA_LIKE = ['=HYPERLINK("http://example.test","y")', '=1+1', '+ call back', '-- no reply', '@maria'];

  it('in the offline host and the preview, which load an export with addTable', async () => {
    const table = await readLeadsFile(csv);
    const host = createHost({ firstSheetName: 'Leads' });
    host.addTable('Leads', table);
    const notes = host.sheet('Leads').getRange(2, 3, 140, 1);
    expect(notes.getFormulas().flat().every((f) => f === '')).toBe(true);
    expect(notes.getValues().flat().slice(0, 5)).toEqual(FORMULA_LIKE);
  });

  it('in the written xlsx: the leads, and stage names from the setup on every built sheet', async () => {
    const setupPath = join(dir, 'formula-names.json');
    const proposed = JSON.parse((await leadflow('setup', csv)).stdout);
    proposed.stages[0].name = '=New Enquiry';
    proposed.stages[0].aliases.push('New Enquiry');
    for (const exit of proposed.exits) if (exit.from === 'New Enquiry') exit.from = '=New Enquiry';
    writeFileSync(setupPath, JSON.stringify(proposed));
    const out = join(dir, 'text.xlsx');
    const { plans } = await runReport({ input: csv, out, action: 'all', setupPath, progress: null, report: null, force: true });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const leads = wb.getWorksheet('Leads')!;
    const written = [2, 3, 4, 5, 6].map((r) => leads.getRow(r).getCell(3).value);
    expect(written).toEqual(FORMULA_LIKE);
    // In the plan a stage name is written with Sheets' text mark; in the file it is a text cell.
    const funnel = wb.getWorksheet('Funnel')!;
    expect(funnel.getRow(8).getCell(1).value).toBe('=New Enquiry');
    expect(plans[0].cells[7][0]).toBe("'=New Enquiry");
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((cell) => {
      const v = cell.value as { formula?: string } | null;
      if (v && typeof v === 'object' && 'formula' in v) expect(String(v.formula)).not.toMatch(/^(1\+1|HYPERLINK|New Enquiry)/);
    }));
    expect(readFileSync(out).length).toBeGreaterThan(1000);
  });
});
