/**
 * What every message LeadFlow gives for bad input must be, and the message classes the corpus
 * tables refer to. A case names its class; the class says what the message names and what it
 * says was expected. Adding a case is one line in a table.
 */
import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import { MAX_MESSAGE } from '../../src/core/errors';
import { defaultSetup, setupToGrid, type Setup } from '../../src/core/setup';
import { makeEnv } from '../../src/functions/registry';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** Signs of a crash rather than a message: stack frames, engine error names, internals, paths. */
export const INTERNALS = [
  /\bTypeError\b|\bReferenceError\b|\bSyntaxError\b|\bRangeError\b|\bInternalError\b/,
  /Cannot read propert|Cannot set propert|undefined is not|null is not|is not a function|is not iterable|is not a constructor/,
  /Maximum call stack|Invalid array length|Invalid string length|out of memory|heap/i,
  /\n\s+at [\w$.<>]+ \(|\n\s+at \//,
  /\b[\w-]+\.(?:ts|mjs|cjs|js):\d+/,
  /node_modules|\/src\/|\/work\/|file:\/\//,
  /\[object Object\]|\bNaN\b|\bundefined\b/,
  /ERR_[A-Z_]+|FILE_ENDED|ENOENT|EISDIR|EACCES/,
  /could not compute a result from these arguments/,
];

/** A message a person can act on: short, no stack trace, no internal name. */
export function expectCleanMessage(message: string, what = 'message'): void {
  expect(message.length, `${what} is ${message.length} characters`).toBeLessThanOrEqual(MAX_MESSAGE);
  for (const bad of INTERNALS) expect(message, `${what} shows ${bad}`).not.toMatch(bad);
}

/** Says what was expected, or what to do. */
export const SAYS_WHAT_TO_DO = /expected|again from|usage:|e\.g\.|such as|its functions are|must|needs?|give|use |choose|rename|save it|export|put it back|repair|split|add |remove|check|wrap it|leave|should|only|at most|is not (a|an|one|part|valid)|no such|does not exist|not supported|map it|type |open /i;

export interface MessageClass {
  /** What the message must match (it names the function, argument, field or file). */
  re: RegExp;
  /** Whether it must also say what was expected or what to do (a few state a fact, e.g. "no lead reached"). */
  advice?: boolean;
}

/** The classes of messages the formulas give; each names the function, the argument, and what was expected. */
export const FORMULA_CLASSES = {
  arity: { re: /^[A-Z]+: takes at most \d+ arguments, but got \d+\. Usage: [A-Z]+\(/ },
  missing: { re: /^[A-Z]+: \w+ is missing; it is required .*Usage: / },
  singleValue: { re: /^[A-Z]+: \w+ must be a single value, but got a range of \d+×\d+ cells\./ },
  notADate: { re: /^[A-Z]+: \w+ .*(holds|column \d+ holds) .*(is not a date|invalid date)/ },
  notANumber: { re: /^[A-Z]+: \w+ .*holds .*(is not a number)/ },
  status: { re: /^[A-Z]+: \w+ row \d+ has the status .*, which matches no stage or exit of the pipeline .*Map it by adding it as an alias/ },
  height: { re: /^[A-Z]+: \w+ and \w+ must be (ranges|columns) of the same height.* but \w+ has [\d,]+ rows? and \w+ has [\d,]+/ },
  column: { re: /^[A-Z]+: \w+ must be a single column, but has [\d,]+ columns\./ },
  stagesText: { re: /^[A-Z]+: stages (is a text of [\d,]+ characters|has a "[()]"|has the exit|names ".*" twice|has an empty name|says exit|lists [\d,]+ stages)/ },
  notAStage: { re: /^[A-Z]+: \w+ (is .*, which is not a stage; expected one of|is empty; expected one of the stages)/ },
  setupSheet: { re: /^[A-Z]+: (stages|setup) (is the LeadFlow setup, but|is not valid: |must be the LeadFlow setup range)/ },
  setupRow: { re: /^[A-Z]+: (stages|setup) (is the LeadFlow setup, but it )?is not valid: Row \d+ of the setup sheet/ },
  headerRow: { re: /^[A-Z]+: leads_with_headers (must start with the header row|is empty|starts with a blank row|has none of the columns)/ },
  order: { re: /^[A-Z]+: (start .*is after end|\w+ \(.*\) (comes before|must come after) \w+|for most leads the .* date comes before the .* date)/ },
  period: { re: /^[A-Z]+: (the dates run from .* a table stops at 10,000 periods|end must be empty when start is the period|start is .*; expected a date, or a period)/ },
  nothing: { re: /^[A-Z]+: no lead (in the cohort reached .*|has dates for both .*)/, advice: false },
  needs: { re: /^[A-Z]+: \w+ (is needed|needs|must have one date column per stage|row \d+ is empty but the lead has the status|holds no value)/ },
  range: { re: /^[A-Z]+: \w+ (is .*; expected (a number|"total"|a column of deal values)|has [\d,]+ (date )?columns)/ },
  unknown: { re: /^LeadFlow has no function .*; check its name/ },
} satisfies Record<string, MessageClass>;

export type FormulaClass = keyof typeof FORMULA_CLASSES;

/** Checks a formula's message against its class: names the function, says what was expected, short, clean. */
export function expectFormulaMessage(message: string, fn: string, cls: FormulaClass, mentions?: string | RegExp): void {
  const c: MessageClass = FORMULA_CLASSES[cls];
  expectCleanMessage(message, `${fn} (${cls})`);
  expect(message).toMatch(c.re);
  if (cls !== 'unknown') expect(message.startsWith(`${fn}: `), message).toBe(true);
  if (c.advice !== false) expect(message).toMatch(SAYS_WHAT_TO_DO);
  if (mentions !== undefined) expect(message).toMatch(typeof mentions === 'string' ? new RegExp(escapeRegExp(mentions)) : mentions);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const NY = 'America/New_York';
export const env = makeEnv(NY, Date.UTC(2026, 5, 1, 12));

/** A date cell as Sheets passes it: the instant of midnight in New York. */
export const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 5));

export const col = (values: unknown[]): unknown[][] => values.map((v) => [v]);

/** The setup sheet's rows (the named range LeadFlowSetup: 400 × 7), with rules on Industry and Email. */
export function setupRange(edit?: (s: Setup) => void): string[][] {
  const s = defaultSetup('Leads');
  s.columns.status = 'Status';
  s.scoring.rules = [
    { group: 'fit', column: 'Industry', operator: 'equals', value: 'SaaS', value2: '', points: 30, label: '' },
    { group: 'intent', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 10, label: '' },
  ];
  edit?.(s);
  const grid = setupToGrid(s).map((r) => [...r]);
  while (grid.length < 400) grid.push(['', '', '', '', '', '', '']);
  return grid;
}

/** The setup range with one cell changed, found by the row's kind and name. */
export function setupWith(kind: string, name: string, column: number, value: string): string[][] {
  const grid = setupRange();
  const row = grid.findIndex((r) => r[0] === kind && r[1] === name);
  if (row < 0) throw new Error(`no setup row ${kind} ${name}`);
  grid[row][column] = value;
  return grid;
}

export const LEADS_TABLE = [
  ['Name', 'Email', 'Industry', 'Status'],
  ['Ann', 'ann@example.com', 'SaaS', 'Arrived'],
  ['Bob', 'bob@example.org', 'Retail', 'Reviewed'],
  ['Cy', 'cy@example.net', 'SaaS', 'Qualified'],
];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/leadflow.mjs ...args` as a user would, from the project folder. */
export function runCli(args: string[], opts: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/leadflow.mjs', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LEADFLOW_DEBUG: '', ...opts.env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
  });
}

/** The last line a failed command printed: its message. */
export function lastMessage(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  const at = lines.findIndex((l) => /^leadflow( \w+)?: /.test(l));
  return at < 0 ? lines[lines.length - 1] : lines.slice(at).join('\n').split('\n\nUsage:')[0];
}
