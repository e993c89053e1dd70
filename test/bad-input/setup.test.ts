/**
 * Bad input to the setup: setups checked directly, the setup sheet edited by hand, and the server
 * calls the sidebar and the build dialog make (through the built bundle in the offline host, as
 * google.script.run makes them). Each answers with a message naming the field or sheet row and
 * what was expected, and no call writes to a sheet of the user's, or leaves a sheet behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setupFromGrid, validateSetup, defaultSetup, type SetupProblem } from '../../src/core/setup';
import { createHost, type Host } from '../../src/offline/host/index.ts';
import { NY, SAYS_WHAT_TO_DO, expectCleanMessage, setupRange, setupWith } from './helpers';

const BIG = 'q'.repeat(1_000_000);

// ---------------------------------------------------------------- setups, checked directly

type SetupCase = [label: string, input: () => { problems: SetupProblem[] }, field: RegExp, message: RegExp];

const withSetup = (edit: (s: Record<string, unknown>) => void) => {
  const s = JSON.parse(JSON.stringify(defaultSetup('Leads'))) as Record<string, unknown>;
  edit(s);
  return s;
};

const SETUP_CASES: SetupCase[] = [
  ['null instead of a setup', () => validateSetup(null), /^setup$/, /Invalid type: Expected Object but received null/],
  ['an empty object', () => validateSetup({}), /^version$/, /Missing/],
  ['stages that are a number', () => validateSetup(withSetup((s) => { s.stages = 5; })), /^stages$/, /Invalid type: Expected Array but received 5/],
  ['no stages at all', () => validateSetup(withSetup((s) => { s.stages = []; })), /^stages$/, /Add at least one stage/],
  ['a 1 MB stage name', () => validateSetup(withSetup((s) => { s.stages = [{ name: BIG, aliases: [] }]; })), /^stages\.0\.name$/, /Keep names under 100 characters/],
  ['a column mapped to a 1 MB header', () => validateSetup(withSetup((s) => { (s.columns as Record<string, string>).status = BIG; }), ['Status']), /^columns\.status$/, /There is no column "qqq.*\.\.\." in the header row/],
  ['an exit after a stage that is gone', () => validateSetup(withSetup((s) => { (s.exits as { from: string }[])[0].from = 'Gone'; })), /^exits\.0\.from$/, /"Gone" is not one of the stages/],
  ['a threshold of -1e9', () => validateSetup(withSetup((s) => { (s.scoring as { mql: { fit: number } }).mql.fit = -1e9; })), /^scoring\.mql\.fit$/, /Must be 0 or more\. It holds -1000000000/],
  ['inactive days as text', () => validateSetup(withSetup((s) => { (s.flow as { inactiveDays: unknown }).inactiveDays = 'ninety'; })), /^flow\.inactiveDays$/, /Must be a number of days/],
  ['a rule with markup in its name', () => validateSetup(withSetup((s) => { (s.scoring as { rules: unknown[] }).rules = [{ group: 'fit', column: 'Status', operator: 'notBlank', points: 5, label: '<script>x</script>' }]; }), ['Status']), /^scoring\.rules\.0\.label$/, /looks like HTML or script/],
  ['hand-edited threshold of -1e9 on the sheet', () => setupFromGrid(setupWith('Threshold', 'MQL fit', 2, '-1e9')), /^scoring\.mql\.fit$/, /^Row \d+ of the setup sheet \(Threshold MQL fit\): Must be 0 or more/],
  ['a number cell that holds text', () => setupFromGrid(setupWith('Cap', 'Fit', 2, 'lots')), /^row \d+$/, /^Row \d+ of the setup sheet needs a number, but holds "lots"/],
  ['an unknown kind of row', () => setupFromGrid(setupWith('Flow', 'Inactive days', 0, 'Flux')), /^row \d+$/, /is not a kind of setting LeadFlow knows/],
  ['an unknown operator', () => setupFromGrid((() => { const g = setupRange(); const r = g.findIndex((x) => x[0] === 'Fit rule'); g[r][3] = 'roughly'; return g; })()), /^row \d+$/, /"roughly" is not an operator; use one of/],
  ['a column kind LeadFlow does not map', () => setupFromGrid((() => { const g = setupRange(); const r = g.findIndex((x) => x[0] === 'Column'); g[r][1] = 'Shoe size'; return g; })()), /^row \d+$/, /"Shoe size" is not a column LeadFlow maps; use one of/],
  ['the marker cleared', () => setupFromGrid((() => { const g = setupRange(); g[0][0] = ''; return g; })()), /^setup$/, /does not start with "LeadFlow setup"/],
];

describe('setups checked directly and read from the setup sheet', () => {
  it.each(SETUP_CASES)('%s', (_label, input, field, message) => {
    const { problems } = input();
    expect(problems.length).toBeGreaterThan(0);
    const p = problems.find((x) => field.test(x.field) && message.test(x.message));
    expect(p, JSON.stringify(problems).slice(0, 600)).toBeDefined();
    for (const q of problems) expectCleanMessage(q.message, q.field);
  });
});

// ---------------------------------------------------------------- server calls through the bundle

const LEADS = [
  ['Name', 'Email', 'Industry', 'Status', 'Created'],
  ['Ann', 'ann@example.com', 'SaaS', 'New', '2026-03-01'],
  ['Bob', 'bob@example.org', 'Retail', 'Won', '2026-03-02'],
];

let host: Host;
beforeAll(() => {
  host = createHost({ timeZone: NY });
  host.addSheet('Leads', LEADS, { literal: true });
  host.loadBundle();
});

/** Every sheet of the user's (not LeadFlow's own: the setup sheet, built sheets): names and values. */
function userSheets(h: Host) {
  return h.spreadsheet.getSheets()
    .filter((s) => !/^LeadFlow setup|^Funnel|^Net lead flow|^Lead review/.test(s.getName()))
    .map((s) => ({ name: s.getName(), values: s.getDataRange().getValues(), formulas: s.getDataRange().getFormulas() }));
}

const sheetNames = (h: Host) => h.spreadsheet.getSheets().map((s) => s.getName());

const plan = (over: Record<string, unknown>) => ({
  kind: 'funnel', name: 'Funnel', cells: [[1]], values: [[1]], formats: [['']], styles: [[0]], charts: [], checkboxes: [], negatives: [], rightAligned: [], notes: [], printArea: [1, 1, 1, 1], frozenRows: 0, ...over,
});

type ServerCase = [label: string, name: string, args: unknown[], expect: { error: RegExp } | { problem: RegExp; field?: RegExp }];

const SERVER_CASES: ServerCase[] = [
  ['a malformed build plan (checkboxes: 5)', 'leadflowBuild', [{ plan: { kind: 'funnel', cells: [[1]], checkboxes: 5 } }], { error: /^This is not a sheet LeadFlow can build: its (number formats|checkboxes) .*Build it again from Extensions > LeadFlow/ }],
  ['a plan whose checkboxes are not boxes', 'leadflowBuild', [{ plan: plan({ checkboxes: 5 }) }], { error: /its checkboxes are not blocks of its cells/ }],
  ['a plan with no plan', 'leadflowBuild', [{}], { error: /^There is no sheet to build: the request holds no plan\. Build it again from Extensions > LeadFlow/ }],
  ['a plan of a kind named like an object method', 'leadflowBuild', [{ plan: plan({ kind: 'constructor' }) }], { error: /not a sheet LeadFlow can build: unknown kind of sheet/ }],
  ['a plan with a chart sized in words', 'leadflowBuild', [{ plan: plan({ charts: [{ type: 'funnel', title: 'T', ranges: [[1, 1, 1, 1]], at: [1, 1], series: [], size: ['big', 'tall'] }] }) }], { error: /its charts are not charts of its cells/ }],
  ['a plan with a cell longer than Sheets holds', 'leadflowBuild', [{ plan: plan({ cells: [['z'.repeat(60_000)]] }) }], { error: /its cells are not one per cell/ }],
  ['a plan of 10,000 × 10,000 cells', 'leadflowBuild', [{ plan: plan({ cells: Array.from({ length: 6000 }, () => [1]) }) }], { error: /are not the size of a LeadFlow sheet/ }],
  ['a plan given as a number', 'leadflowBuild', [{ plan: 5 }], { error: /not a sheet LeadFlow can build/ }],
  ['saving nothing', 'leadflowSaveSetup', [], { problem: /^Expected a setup, but got nothing/, field: /^setup$/ }],
  ['saving a number', 'leadflowSaveSetup', [{ setup: 5 }], { problem: /^Expected a setup, but got 5/ }],
  ['saving a setup for a sheet that is not there', 'leadflowSaveSetup', [{ setup: { ...defaultSetup('Nope') } }], { problem: /^There is no sheet named "Nope"; choose the sheet that holds your leads/, field: /^leads\.sheet$/ }],
  ['saving a setup missing its parts', 'leadflowSaveSetup', [{ setup: { leads: { sheet: 'Leads', headerRow: 1 } } }], { problem: /^Missing: a LeadFlow setup needs this field/, field: /^version$/ }],
  ['saving a setup with a 1 MB sheet name', 'leadflowSaveSetup', [{ setup: { ...defaultSetup(BIG) } }], { problem: /^There is no sheet named "qqq.*\.\.\."/ }],
  ['checking a list', 'leadflowCheckSetup', [[1, 2]], { problem: /^Expected a setup/ }],
  ['checking a setup with rules on a missing column', 'leadflowCheckSetup', [{ setup: { ...defaultSetup('Leads'), scoring: { ...defaultSetup().scoring, rules: [{ group: 'fit', column: 'Shoe size', operator: 'notBlank', value: '', value2: '', points: 5, label: '' }] } } }], { problem: /There is no column "Shoe size" in the header row of "Leads"/, field: /^scoring\.rules\.0\.column$/ }],
  ['opening the sidebar on sheet 5', 'leadflowSetupState', [{ sheetName: 5 }], { error: /^sheetName must be the name of a sheet, not 5/ }],
  ['opening the sidebar on a 1 MB sheet name', 'leadflowSetupState', [{ sheetName: BIG }], { error: /^There is no sheet named "qqq.*\.\.\."; choose the sheet that holds your leads/ }],
  ['opening the sidebar at header row -5', 'leadflowSetupState', [{ sheetName: 'Leads', headerRow: -5 }], { error: /^headerRow must be a row number \(1 or more\), not -5/ }],
  ['opening the sidebar at header row 2.5', 'leadflowSetupState', [{ headerRow: 2.5 }], { error: /^headerRow must be a row number/ }],
  ['repairing the day order of no sheet', 'leadflowRepairDayOrder', [{}], { error: /^sheetName must be the name of a sheet, not nothing/ }],
  ['repairing the day order at header row -5', 'leadflowRepairDayOrder', [{ sheetName: 'Leads', headerRow: -5, column: 4 }], { error: /^headerRow must be a row number/ }],
  ['repairing the day order of column 1e9', 'leadflowRepairDayOrder', [{ sheetName: 'Leads', column: 1e9 }], { error: /^column must be a column of "Leads" \(0 for A, up to 4\), not 1000000000/ }],
  ['repairing a column that has no mix', 'leadflowRepairDayOrder', [{ sheetName: 'Leads', column: 4 }], { error: /^Column "Created" no longer mixes date cells with day-first text dates; nothing was changed\. Open the setup again/ }],
  ['repairing the day order of a missing sheet', 'leadflowRepairDayOrder', [{ sheetName: 'Gone', column: 0 }], { error: /^There is no sheet named "Gone"/ }],
];

describe('server calls with bad requests: a clear message, and nothing of the user\'s touched', () => {
  it.each(SERVER_CASES)('%s', (_label, name, args, expected) => {
    const before = userSheets(host);
    const names = sheetNames(host);
    const r = host.run(name, args);
    if ('error' in expected) {
      expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('LeadFlowError');
      expectCleanMessage(r.error.message);
      expect(r.error.message).toMatch(expected.error);
      expect(r.error.message).toMatch(SAYS_WHAT_TO_DO);
    } else {
      expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
      if (!r.ok) return;
      const problems = (r.value as { problems: SetupProblem[] }).problems;
      const p = problems.find((x) => expected.problem.test(x.message) && (!expected.field || expected.field.test(x.field)));
      expect(p, JSON.stringify(problems).slice(0, 600)).toBeDefined();
      for (const q of problems) expectCleanMessage(q.message, q.field);
    }
    expect(userSheets(host)).toEqual(before);
    // No sheet added, none half-built and left behind.
    expect(sheetNames(host)).toEqual(names);
  });
});
