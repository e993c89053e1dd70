/**
 * Property-based fuzzing of everything bad input reaches: the custom functions (directly, with any
 * shape of argument Sheets could pass and some it could not; and typed into cells through the
 * built bundle), the server calls the sidebar and dialogs make (through the bundle in the offline
 * host), and the file reader (random bytes, damaged workbooks, random CSV text). Whatever comes in:
 *   - a result, or a LeadFlow message: never a stack trace, an engine error or an internal name;
 *   - a message of at most 500 characters;
 *   - never more output than the documented bounds (10 million cells; 10,000 periods);
 *   - never a write to a sheet of the user's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeadFlowError } from '../../src/core/errors';
import { MAX_PERIODS } from '../../src/core/flow';
import { REGISTRY, callCustomFunction } from '../../src/functions/registry';
import { LeadsFileError, parseCsv, readLeadsFile } from '../../src/offline/files/index.ts';
import { createHost, type Host } from '../../src/offline/host/index.ts';
import { INTERNALS, NY, env, expectCleanMessage, setupRange } from './helpers';

const RUNS = Number(process.env.LEADFLOW_FUZZ_RUNS ?? 300);
const MAX_CELLS = 10_000_000;

// ---------------------------------------------------------------- what a cell can hold

const HUGE = ['x'.repeat(1_000_000), `a${' '.repeat(200_000)}after${' '.repeat(200_000)}b`, '('.repeat(60_000), `${'Arrived, '.repeat(8000)}`, '9'.repeat(400), `${'1,'.repeat(50_000)}5`];
const WORDS = ['Arrived', 'Reviewed', 'Qualified', 'Closed-Won', 'Closed Won', 'Won', 'Lost', 'Disqualified', 'Nurturing', 'New', 'junk',
  'week', 'month', 'quarter', 'year', 'total', 'fit', 'intent', 'LeadFlow setup', 'Kind', 'Name', 'Status', 'Email', 'Industry', 'SaaS',
  'a@b.co', 'New (Fresh, Won', 'A, B; C after A', 'A; B after Z', ';;;', '()', ')(', 'after after', 'Stage', 'kept', 'TRUE', 'FALSE'];
const DATE_TEXTS = ['2026-03-31', '0099-03-01', '2026-02-30', '31/12/2025', '12/31/2025', '15 Apr, 2021 00:03:00', '2026-03-31T23:30:00Z', '9999-12-31', '1000-01-01', '20/10/2017', '13/13/2013'];
const ERRORS = ['#N/A', '#REF!', '#VALUE!', '#DIV/0!', '#NUM!', '#NAME?', '#ERROR!', '#NULL!'];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...DATE_TEXTS) },
  { weight: 1, arbitrary: fc.constantFrom(...ERRORS) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer({ min: -1e6, max: 3e6 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, 0, -0, 1, 2, 3, 46112, 2_958_466, Number.MAX_SAFE_INTEGER) },
  { weight: 2, arbitrary: fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }) },
  { weight: 1, arbitrary: fc.constant(new Date(NaN)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', undefined, null) },
);

const cell: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: scalar },
  // Nested or empty arrays where a cell should be.
  { weight: 1, arbitrary: fc.constantFrom([], [[]], [1, 2], [['New']], [[[]]]) },
);

/** A rectangular range (rows of cells), or a ragged one now and then. */
const grid: fc.Arbitrary<unknown[][]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 4 })).chain(([h, w]) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: h, maxLength: h })) },
  { weight: 1, arbitrary: fc.array(fc.array(cell, { maxLength: 4 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown[][]>([], [[]], [[], []]) },
);

/** The setup range with a few cells changed at random (hand edits). */
const setupGrid: fc.Arbitrary<unknown[][]> = fc.array(fc.tuple(fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 6 }), scalar), { maxLength: 3 })
  .map((edits) => {
    const g: unknown[][] = setupRange();
    for (const [r, c, v] of edits) g[r][c] = v;
    return g;
  });

/** Leads with a header row, some of whose columns the setup's rules read. */
const leadsTable: fc.Arbitrary<unknown[][]> = fc.array(fc.tuple(fc.constantFrom('Ann', 'Bob', ''), fc.oneof(fc.constantFrom('a@b.co', 'nope'), scalar), scalar, scalar), { maxLength: 6 })
  .map((rows) => [['Name', 'Email', 'Industry', 'Status'], ...rows]);

const argument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: grid },
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: setupGrid },
  { weight: 1, arbitrary: leadsTable },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const call = fc.constantFrom(...REGISTRY).chain((spec) =>
  fc.array(argument, { minLength: 0, maxLength: spec.params.length + 2 }).map((args) => ({ name: spec.name, args })));

/** The longest text among the arguments (a result can quote a cell it was given, never more). */
function longestText(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((m: number, x) => Math.max(m, longestText(x)), 0);
  return 0;
}

function checkResult(name: string, out: unknown, longest = 0): void {
  if (typeof out === 'number') {
    expect(Number.isFinite(out), `${name} returned ${out}`).toBe(true);
    return;
  }
  if (typeof out === 'string' || typeof out === 'boolean') return;
  expect(Array.isArray(out), `${name} returned ${typeof out}`).toBe(true);
  const rows = out as unknown[][];
  const width = rows[0]?.length ?? 0;
  expect(rows.length * width).toBeLessThanOrEqual(MAX_CELLS);
  if (name === 'NETLEADFLOW') expect(rows.length).toBeLessThanOrEqual(MAX_PERIODS + 1);
  for (const row of rows) {
    expect(Array.isArray(row)).toBe(true);
    expect(row.length).toBe(width);
    for (const v of row) {
      expect(['string', 'number', 'boolean'], `${name} returned a cell ${String(v)}`).toContain(typeof v);
      if (typeof v === 'number') expect(Number.isFinite(v), `${name} returned ${v}`).toBe(true);
      if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(Math.max(50_000, longest));
    }
  }
}

describe('fuzzing the custom functions through callCustomFunction', () => {
  it('any arguments give a result within bounds, or a short LeadFlow message', () => {
    fc.assert(
      fc.property(call, ({ name, args }) => {
        let out: unknown;
        try {
          out = callCustomFunction(name, args, env);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(LeadFlowError);
          const message = (e as Error).message;
          expectCleanMessage(message, name);
          expect(message.startsWith(`${name}: `), message).toBe(true);
          return;
        }
        checkResult(name, out, longestText(args));
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('too many arguments are always said, whatever they hold', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REGISTRY), fc.array(argument, { minLength: 1, maxLength: 3 }), (spec, extra) => {
        const args = [...spec.params.map(() => undefined), ...extra.map((x) => (x === undefined ? '' : x))];
        expect(() => callCustomFunction(spec.name, args, env)).toThrow(new RegExp(`^${spec.name}: takes at most ${spec.params.length} arguments, but got ${args.length}\\.`));
      }),
      { numRuns: RUNS },
    );
  });

  it('a result over 10 million cells is refused, not spilled', () => {
    // 10,000 groups × 1,000 stages: a table of 10,002 rows and 1,002 columns.
    const n = 10_000;
    const stages = Array.from({ length: 1000 }, (_, i) => [`S${i}`]);
    const statuses = Array.from({ length: n }, () => ['S0']);
    const groups = Array.from({ length: n }, (_, i) => [`g${i}`]);
    expect(() => callCustomFunction('FUNNELBY', [statuses, groups, stages], env)).toThrow(/^FUNNELBY: group_by holds 10,000 groups, more than a spreadsheet can show; expected a column such as the lead source/);
  });
});

// ---------------------------------------------------------------- through the built bundle, in cells and server calls

const LITERALS = ['', '1', '-1', '0', '10^400', '"x"', '"New (Fresh, Won"', '"week"', 'TRUE', 'NA()', '1/0', 'DATE(2026,1,1)', 'DATE(99,3,1)', '"0099-03-01"',
  'Leads!A2:A6', 'Leads!A2:B6', 'Leads!B2:B6', 'Leads!A1:E6', 'Leads!C2:C6', 'Leads!A2:A2', 'Leads!B2:C2', 'Leads!E2:E6', `"${'z'.repeat(300)}"`];

/** Messages of the spreadsheet itself (HyperFormula's, in the host) for error values given as arguments. */
const ENGINE_ERRORS = /^(Value not available\.|Division by zero\.|Value too large\.|Number too large\.|Wrong type of argument\.)$/;

let host: Host;
const USER_SHEETS = ['Leads', 'Sheet1'];
const snapshot = (h: Host) => USER_SHEETS.map((n) => {
  const s = h.spreadsheet.getSheetByName(n);
  return s ? [n, s.getDataRange().getValues(), s.getDataRange().getFormulas()] : [n, null];
});

beforeAll(() => {
  host = createHost({ timeZone: NY });
  host.addSheet('Leads', [
    ['Status', 'Created', 'Numbered', 'Email', 'Value'],
    ['New', new Date(Date.UTC(2026, 0, 5, 5)), 1, 'a@b.co', 100],
    ['Reviewed', new Date(Date.UTC(2026, 0, 6, 5)), 2, 'x', '$1,200'],
    ['Won', new Date(Date.UTC(2026, 1, 6, 5)), 3, '', ''],
    ['Lost', '2026-02-30', 4, 'c@d.co', -5],
    ['#N/A', '', 5, 'e', 'lots'],
  ], { literal: true });
  host.loadBundle();
});

describe('fuzzing through the built bundle in the offline host', () => {
  it('a formula typed into a cell shows a result or a short message, and writes nowhere else', () => {
    const before = snapshot(host);
    fc.assert(
      fc.property(fc.constantFrom(...REGISTRY.map((s) => s.name)), fc.array(fc.constantFrom(...LITERALS), { maxLength: 10 }), (name, args) => {
        const sheet = host.sheet('Sheet1');
        sheet.getRange('H1').setFormula(`=${name}(${args.join(',')})`);
        const message = host.errorMessage('Sheet1', 'H1');
        if (message !== undefined) {
          expectCleanMessage(message, name);
          // An error value given as an argument (NA(), 1/0) is the spreadsheet's own, passed through as Sheets does.
          if (!ENGINE_ERRORS.test(message)) expect(message.startsWith(`${name}: `), message).toBe(true);
        }
        sheet.getRange('H1').clearContent();
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    expect(snapshot(host)).toEqual(before);
  });

  const SERVER = ['leadflowSetupState', 'leadflowCheckSetup', 'leadflowSaveSetup', 'leadflowRepairSetup', 'leadflowRepairDayOrder', 'leadflowBuildData', 'leadflowBuild'];
  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' },
      fc.constantFrom(null, true, false, 0, -5, 1e9, 2.5, '', 'Leads', 'LeadFlow setup', 'Sheet1', 'funnel', 'constructor', '__proto__', 'x'.repeat(100_000)),
      fc.string({ maxLength: 10 }), fc.integer(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('setup', 'sheetName', 'headerRow', 'column', 'plan', 'replace', 'kind', 'cells', 'formats', 'styles', 'charts', 'checkboxes', 'negatives', 'notes', 'stages', 'leads', 'columns', '__proto__', 'constructor'), tie('value'), { maxKeys: 4 })),
  })).value;

  it('a server call with any request answers, or says what is wrong; the user\'s sheets are untouched', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SERVER), fc.array(json, { maxLength: 2 }), (name, args) => {
        const before = snapshot(host);
        const r = host.run(name, args);
        if (!r.ok) {
          expect(['LeadFlowError', 'ScriptError'], `${name}: ${r.error.name}: ${r.error.message}`).toContain(r.error.name);
          expectCleanMessage(r.error.message, name);
        } else {
          const problems = (r.value as { problems?: { message: string }[] } | null)?.problems ?? [];
          for (const p of problems) expectCleanMessage(p.message, name);
        }
        expect(snapshot(host)).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------- the file reader

let dir: string;
let workbook: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadflow-fuzz-'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Leads');
  ws.addRow(['Status', 'Created', 'Value']);
  for (let i = 0; i < 40; i++) ws.addRow(['New', new Date(Date.UTC(2026, 0, i + 1)), i * 100]);
  workbook = Buffer.from(await wb.xlsx.writeBuffer());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFileMessage(e: unknown, path: string): void {
  expect(e, String(e)).toBeInstanceOf(LeadsFileError);
  const message = (e as Error).message;
  expect(message.startsWith(path), message).toBe(true);
  expectCleanMessage(message.replace(dir, '<dir>'), 'the message');
}

describe('fuzzing the file reader', () => {
  let n = 0;
  it('random bytes as .csv, .tsv or .xlsx: a table, or a message naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom('.csv', '.tsv', '.xlsx', '.txt'), fc.boolean(), async (bytes, ext, zip) => {
        const path = join(dir, `random-${n++}${ext}`);
        writeFileSync(path, Buffer.concat([zip ? Buffer.from([0x50, 0x4b, 0x03, 0x04]) : Buffer.alloc(0), Buffer.from(bytes)]));
        try {
          const t = await readLeadsFile(path, { stallMs: 300 });
          expect(t.rows.length).toBeGreaterThan(0);
        } catch (e) {
          expectFileMessage(e, path);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a real workbook damaged at random (flipped, cut short, spliced): read, or refused in time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('flip', 'cut', 'splice'), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.uint8Array({ minLength: 1, maxLength: 16 }), async (how, at, junk) => {
        const b = Buffer.from(workbook);
        let body = b;
        if (how === 'flip') for (const i of at) b[i % b.length] ^= junk[0] | 1;
        else if (how === 'cut') body = b.subarray(0, at[0] % b.length);
        else body = Buffer.concat([b.subarray(0, at[0] % b.length), Buffer.from(junk), b.subarray(at[0] % b.length)]);
        const path = join(dir, `damaged-${n++}.xlsx`);
        writeFileSync(path, body);
        try {
          await readLeadsFile(path, { stallMs: 300 });
        } catch (e) {
          expectFileMessage(e, path);
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  }, 300_000);

  it('random CSV text: a table whose rows are as wide as its header, or a message naming it', () => {
    const piece = fc.constantFrom(',', ';', '\t', '"', '""', '\n', '\r\n', ' ', 'a', 'Status', 'New', '1', '1.234,50', '$1,200', '2026-03-01', '31/12/2025', '=SUM(A1)', '#N/A', 'Total', 'Copyright (c) 2026', '', '€');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        try {
          const t = parseCsv(text, 'Pasted leads');
          const width = t.rows[0].length;
          for (const row of t.rows) expect(row.length).toBe(width);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(LeadsFileError);
          const message = (e as Error).message;
          expect(message.startsWith('Pasted leads'), message).toBe(true);
          expectCleanMessage(message);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

it('the checks themselves catch what they are meant to', () => {
  expect(() => expectCleanMessage(new TypeError("Cannot read properties of undefined (reading 'map')").message)).toThrow();
  expect(() => expectCleanMessage('x'.repeat(501))).toThrow();
  expect(() => expectCleanMessage('FUNNEL: boom\n    at readReached (/work/main/src/core/pipeline.ts:12:3)')).toThrow();
  expect(INTERNALS.some((re) => re.test('e.map is not a function'))).toBe(true);
});
