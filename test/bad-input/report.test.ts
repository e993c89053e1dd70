/**
 * Bad input to the report command, run as a person runs it (`node bin/leadflow.mjs ...` in a child
 * process): a message naming the option or file and what was expected, a non-zero exit, no stack
 * trace, and no output file (not even a partial one) left behind. One command per line; `@/` is a
 * folder of test files made for this run.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAYS_WHAT_TO_DO, expectCleanMessage, lastMessage, runCli } from './helpers';

let dir: string;
const LEADS = 'Status,Created,Source\nNew,2026-03-01,Web\nReviewed,2026-03-02,Ads\nWon,2026-03-09,Web\n';

const FILES: Record<string, string | Buffer> = {
  'leads.csv': LEADS,
  'null.json': 'null',
  'list.json': '[]',
  'text.json': '"a setup"',
  'stages5.json': '{"stages": 5}',
  'columns5.json': '{"columns": 5}',
  'typo.json': '{"stage": [{"name": "New", "aliases": []}]}',
  'broken.json': '{"stages": [',
  'empty.json': '',
  'badstage.json': JSON.stringify({ stages: [{ name: 'S'.repeat(1_000_000), aliases: [] }] }),
  'badcolumn.json': JSON.stringify({ columns: { status: 'Q'.repeat(1_000_000) } }),
  'badexit.json': JSON.stringify({ stages: [{ name: 'New', aliases: [] }], exits: [{ name: 'Lost', from: 'Gone', aliases: [], removes: true }] }),
  'big-field.csv': `Status,Created,Notes\nNew,2026-03-01,${'x'.repeat(5_000_000)}\nWon,2026-03-02,short\n`,
  'header-only.csv': 'Status,Created\n',
  'empty.csv': '',
  'binary.csv': Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]),
  'quote.csv': 'Status,Created\n"New,2026-03-01\nWon,2026-03-02\n',
  'dup.csv': `Status,${'H'.repeat(200_000)},${'H'.repeat(200_000)}\nNew,1,2\n`,
  'plain.xlsx': 'Status\nNew\n',
  'broken.xlsx': Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]),
  'leads.pdf': '%PDF-1.4',
  'exists.xlsx': 'already here',
  'huge-status.csv': `Status,Created\n${'S'.repeat(2_000_000)},2026-03-01\nNew,2026-03-02\n`,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadflow-bad-report-'));
  for (const [name, body] of Object.entries(FILES)) writeFileSync(join(dir, name), body);
  mkdirSync(join(dir, 'folder.csv'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (args: string[]) => args.map((a) => a.replace(/@\//g, `${dir}/`));

type Case = [label: string, args: string[], message: RegExp, out?: string];

/** Commands that must fail: exit 1 (bad input) or 2 (bad usage), with the message. `out` must not exist afterwards. */
const FAILS: Case[] = [
  ['--setup pointing at null (report)', ['report', '@/leads.csv', '--out', '@/o1.xlsx', '--setup', '@/null.json'], /--setup .*null\.json must hold a JSON object \(a LeadFlow setup\), not null/, 'o1.xlsx'],
  ['--setup pointing at null (setup)', ['setup', '@/leads.csv', '--setup', '@/null.json'], /must hold a JSON object \(a LeadFlow setup\), not null/],
  ['--setup holding a list', ['setup', '@/leads.csv', '--setup', '@/list.json'], /must hold a JSON object .*, not a list/],
  ['--setup holding a text', ['setup', '@/leads.csv', '--setup', '@/text.json'], /must hold a JSON object .*, not a text/],
  ['--setup with stages: 5', ['report', '@/leads.csv', '--out', '@/o2.xlsx', '--setup', '@/stages5.json'], /"stages" must be a list \(as "leadflow setup" writes it\), not the number 5/, 'o2.xlsx'],
  ['--setup with columns: 5', ['setup', '@/leads.csv', '--setup', '@/columns5.json'], /"columns" must be an object .*, not the number 5/],
  ['--setup with a misspelt part', ['setup', '@/leads.csv', '--setup', '@/typo.json'], /"stage" is not part of a LeadFlow setup; its parts are version, leads, columns, stages/],
  ['--setup that is not JSON', ['setup', '@/leads.csv', '--setup', '@/broken.json'], /--setup .*broken\.json is not valid JSON; expected the JSON "leadflow setup" prints/],
  ['--setup that is empty', ['setup', '@/leads.csv', '--setup', '@/empty.json'], /is not valid JSON \(it is empty\)/],
  ['--setup that is not there', ['setup', '@/leads.csv', '--setup', '@/nope.json'], /--setup .*nope\.json: no such file/],
  ['--setup with a 1 MB stage name', ['report', '@/leads.csv', '--out', '@/o3.xlsx', '--setup', '@/badstage.json'], /is not a valid LeadFlow setup for leads\.csv:\n {2}stages\.0\.name: Keep names under 100 characters/, 'o3.xlsx'],
  ['--setup with a 1 MB column header', ['setup', '@/leads.csv', '--setup', '@/badcolumn.json'], /columns\.status: There is no column "QQQ.*\.\.\." in the header row/],
  ['--setup with an exit after no stage', ['setup', '@/leads.csv', '--setup', '@/badexit.json'], /exits\.0\.from: "Gone" is not one of the stages/],
  ['--time-zone Mars/Phobos (report)', ['report', '@/leads.csv', '--out', '@/o4.xlsx', '--time-zone', 'Mars/Phobos'], /--time-zone "Mars\/Phobos" is not a time zone; expected an IANA name such as Europe\/Paris/, 'o4.xlsx'],
  ['--time-zone Mars/Phobos (setup)', ['setup', '@/leads.csv', '--time-zone', 'Mars/Phobos'], /--time-zone "Mars\/Phobos" is not a time zone/],
  ['--date-order ydm', ['setup', '@/leads.csv', '--date-order', 'ydm'], /--date-order must be one of dmy, mdy, ymd .*, not "ydm"/],
  ['--locale xx_YY', ['setup', '@/leads.csv', '--locale', 'xx_YY'], /--locale "xx_YY" is not a locale; expected a name such as en_US/],
  ['--action everything', ['report', '@/leads.csv', '--out', '@/o5.xlsx', '--action', 'everything'], /--action must be one of funnel, flow, checklist, all, not "everything"/, 'o5.xlsx'],
  ['--out report.csv', ['report', '@/leads.csv', '--out', '@/o6.csv'], /--out must be an \.xlsx path, not ".*o6\.csv"/, 'o6.csv'],
  ['--out a file that exists', ['report', '@/leads.csv', '--out', '@/exists.xlsx'], /exists\.xlsx already exists; choose another --out path or add --force to replace it/],
  ['--out in a folder that does not exist', ['report', '@/leads.csv', '--out', '@/no/such/o7.xlsx'], /o7\.xlsx: the folder .* does not exist/, 'no/such/o7.xlsx'],
  ['--out missing', ['report', '@/leads.csv'], /--out report\.xlsx is required/],
  ['--out without its value', ['report', '@/leads.csv', '--out'], /--out needs a value, as in --out <value>/],
  ['--map to a role LeadFlow does not map', ['setup', '@/leads.csv', '--map', 'shoe="Created"'], /--map shoe=…: "shoe" is not a column LeadFlow maps; use one of arrived, status/],
  ['--map to a header that is not there', ['setup', '@/leads.csv', '--map', 'status=Stage'], /--map status="Stage": there is no column "Stage" in leads\.csv; its columns are "Status", "Created", "Source"\. Give one of those/],
  ['--map without =', ['setup', '@/leads.csv', '--map', 'status'], /--map status: expected role="Header"/],
  ['--map with a 1 MB header', ['setup', '@/leads.csv', '--map', `status=${'M'.repeat(100_000)}`], /there is no column "MMM.*\.\.\." in leads\.csv/],
  ['an option that does not exist', ['setup', '@/leads.csv', '--frobnicate'], /--frobnicate is not an option of this command/],
  ['two leads files', ['setup', '@/leads.csv', '@/leads.csv'], /give exactly one leads file \(CSV or xlsx\)/],
  ['no leads file', ['setup'], /give exactly one leads file/],
  ['a command that does not exist', ['frobnicate'], /unknown command "frobnicate"; use report, setup/],
  ['a leads file that is not there', ['report', '@/missing.csv', '--out', '@/o8.xlsx'], /missing\.csv: no such file\./, 'o8.xlsx'],
  ['a folder as the leads file', ['setup', '@/folder.csv'], /folder\.csv is a directory, not a CSV or \.xlsx file/],
  ['a PDF as the leads file', ['setup', '@/leads.pdf'], /leads\.pdf: expected a CSV \(\.csv, \.tsv, \.txt\) or Excel workbook \(\.xlsx\) export/],
  ['an empty CSV', ['report', '@/empty.csv', '--out', '@/o9.xlsx'], /empty\.csv is empty \(0 bytes\): expected CSV text with a header row/, 'o9.xlsx'],
  ['a CSV with a header and no leads', ['report', '@/header-only.csv', '--out', '@/o10.xlsx'], /header-only\.csv has a header row but no leads under it/, 'o10.xlsx'],
  ['binary bytes named .csv', ['setup', '@/binary.csv'], /binary\.csv: expected CSV text, but the file contains binary data/],
  ['a quote never closed', ['report', '@/quote.csv', '--out', '@/o11.xlsx'], /quote\.csv: row 2 opens a quoted field that is never closed/, 'o11.xlsx'],
  ['a 200 KB header named twice', ['setup', '@/dup.csv'], /"HHH.*\.\.\." names more than one column \(B, C\)/],
  ['CSV text named .xlsx', ['setup', '@/plain.xlsx'], /plain\.xlsx: expected an Excel workbook \(\.xlsx\), but the file is plain text/],
  ['a damaged .xlsx', ['report', '@/broken.xlsx', '--out', '@/o12.xlsx'], /broken\.xlsx: could not be read as an Excel workbook \(\.xlsx\): the file is damaged or cut short/, 'o12.xlsx'],
];

describe.concurrent('the report command refuses bad input with a clear message, writing nothing', () => {
  it.each(FAILS)('%s', async (_label, args, message, out) => {
    const r = await runCli(at(args));
    expect(r.code, r.stderr.slice(0, 400)).toBeGreaterThan(0);
    const said = lastMessage(r.stderr);
    expect(said).toMatch(/^leadflow( report| setup)?: /);
    expect(said).toMatch(message);
    expect(said).toMatch(SAYS_WHAT_TO_DO);
    expectCleanMessage(said.replace(dir, '<dir>'), 'the message');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (out) expect(existsSync(join(dir, out)), `${out} was left behind`).toBe(false);
    // No partial workbook (LeadFlow writes to a temporary file first) is left in the folder.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe.concurrent('the report command: help, and what it says about odd but readable input', () => {
  it.each([
    [['--help'], /^Usage:\n {2}leadflow report/],
    [['-h'], /^Usage:\n {2}leadflow report/],
    [['help'], /^Usage:/],
    [['report', '--help'], /^Usage: leadflow report <leads\.csv\|leads\.xlsx[^>]*> --out report\.xlsx \[options\][\s\S]*--time-zone/],
    [['report', '-h'], /^Usage: leadflow report/],
    [['setup', '--help'], /^Usage: leadflow setup <leads\.csv\|leads\.xlsx> \[options\] > setup\.json/],
    [['setup', '-h'], /^Usage: leadflow setup/],
    [['report', '@/leads.csv', '--out', '@/x.xlsx', '--help'], /^Usage: leadflow report/],
  ])('leadflow %s prints its usage and exits 0', async (args, usage) => {
    const r = await runCli(at(args));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(usage);
    expect(r.stderr).toBe('');
    expect(existsSync(join(dir, 'x.xlsx'))).toBe(false);
  });

  it('a 5 MB field: the workbook keeps 32,767 characters, and the command says so, not just "Done"', async () => {
    const r = await runCli(at(['report', '@/big-field.csv', '--out', '@/big.xlsx']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Note: 1 cell of column C "Notes" holds more than 32,767 characters, the most an Excel cell holds: the xlsx keeps the first 32,767/);
    expect(r.stderr).toMatch(/Done in .*big\.xlsx .*; 1 cell was cut to 32,767 characters/);
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) expectCleanMessage(line.replace(dir, '<dir>'), 'a line');
  });

  it('a 2 MB status is counted as not placed, quoted short', async () => {
    const r = await runCli(at(['setup', '@/huge-status.csv']));
    expect(r.code, r.stderr).toBe(0);
    for (const line of r.stderr.split('\n')) expectCleanMessage(line.replace(dir, '<dir>'), 'a line');
    expect(r.stderr).not.toMatch(/S{100}/);
  });
});
