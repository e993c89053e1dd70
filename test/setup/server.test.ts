/**
 * The setup's server calls, run through the built dist/Code.js in the offline host exactly as
 * google.script.run would call them: the state the sidebar opens with, live checks, saving (and
 * refusing to save, writing nothing), repairing a hand-broken setup sheet, and formulas that take
 * LeadFlowSetup following a saved change without being retyped.
 */
import { proposeSetup } from '../../src/core/detect/index.ts';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build.mjs is plain JavaScript
import { build } from '../../build.mjs';
import { sampleLeads } from '../../src/core/sample';
import { compileScorer } from '../../src/core/scoring';
import { SETUP_RANGE_NAME, SETUP_SHEET, Setup, defaultSetup, setupFromGrid } from '../../src/core/setup';
import { timeZoneClock } from '../../src/core/time';
import { createHost } from '../../src/offline/host/index.ts';
import type { Host } from '../../src/offline/host/index.ts';
import type { SaveResult, SetupCheck, SetupState } from '../../src/server/setup';

const TZ = 'America/New_York';
const sample = sampleLeads({ rows: 300, seed: 11, timeZone: TZ, from: '2025-01-01', days: 200 });

beforeAll(async () => {
  await build();
});

function leadsHost(rows: unknown[][] = [sample.headers, ...sample.rows]): Host {
  const host = createHost({ timeZone: TZ });
  host.addSheet('Leads', rows);
  host.loadBundle();
  return host;
}

function run<T>(host: Host, name: string, request?: unknown): T {
  const r = host.run(name, request === undefined ? [] : [request]);
  if (!r.ok) throw new Error(`${name} failed: ${r.error.message}`);
  return r.value as T;
}

/** Everything a save could change: every sheet's values and visibility, and the named ranges. */
function snapshot(host: Host) {
  const ss = host.spreadsheet;
  return {
    sheets: ss.getSheets().map((s) => ({ name: s.getName(), hidden: s.isSheetHidden(), values: s.getDataRange().getValues() })),
    named: ss.getNamedRanges().map((n) => [n.getName(), n.getRange().getSheet().getName(), n.getRange().getA1Notation()]),
  };
}

function savedSetup(host: Host): Setup {
  const grid = host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!.getValues();
  const { setup, problems } = setupFromGrid(grid, sample.headers);
  expect(problems).toEqual([]);
  return setup!;
}

const withRules = (s: Setup): Setup => ({
  ...s,
  scoring: {
    ...s.scoring,
    rules: [
      { group: 'fit', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 40, label: 'Reachable' },
      { group: 'intent', column: 'Lead Source', operator: 'oneOf', value: 'Referral, Webinar, Trade Show', value2: '', points: 50, label: '' },
      { group: 'intent', column: 'Contact Attempts', operator: 'greaterThan', value: '3', value2: '', points: 30, label: '' },
    ],
  },
});

describe('leadflowSetupState', () => {
  it('sends what the sidebar needs to propose a setup for a sheet nobody set up, and writes nothing', () => {
    const host = leadsHost();
    const before = snapshot(host);
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.saved).toBe(false);
    expect(state.problems).toEqual([]);
    expect(state.setup.leads).toEqual({ sheet: 'Leads', headerRow: 1 });
    // The server guesses nothing (that code stays out of the Apps Script bundle): the sidebar
    // proposes the columns from the headers and the sample it receives.
    expect(Object.values(state.setup.columns).filter((c) => typeof c === 'string' && c)).toEqual([]);
    const proposed = proposeSetup(state.setup.leads.sheet, state.headers, state.sample).setup;
    expect(proposed.columns).toMatchObject({ arrived: 'Created Time', status: 'Lead Status', source: 'Lead Source', owner: 'Lead Owner', value: 'Deal Value', attempts: 'Contact Attempts' });
    expect(state.setup.stages.map((s) => s.name)).toEqual(defaultSetup().stages.map((s) => s.name));
    expect(state.sheets).toEqual(['Sheet1', 'Leads']);
    expect(state.headers).toEqual(sample.headers);
    expect(state.rowCount).toBe(300);
    expect(state.preview).toHaveLength(5);
    expect(state.preview[0][0]).toBe('L-100000');
    // Every row travels (300 < the sample limit), dates as wall-time text google.script.run can carry.
    expect(state.sampled).toBe(false);
    expect(state.sample).toHaveLength(300);
    expect(state.sample[0][5]).toMatch(/^2025-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // With the proposal, the exact check counts every status of the sheet.
    const check = run<{ statuses: { status: string; count: number; resolvesTo: string | null }[] }>(host, 'leadflowCheckSetup', { setup: proposed });
    expect(check.statuses.find((s) => s.status === 'Closed Won')?.resolvesTo).toBe('Closed-Won');
    expect(check.statuses.reduce((n, s) => n + s.count, 0)).toBe(300);
    expect(snapshot(host)).toEqual(before);
  });

  it('reads another sheet or header row on request, for the sidebar to propose that sheet\'s columns', () => {
    const host = leadsHost();
    host.addSheet('Export', [['Report of 2025'], ['Deal Stage', 'Created', 'Amount'], ['Won', '2025-02-01', 100], ['New', '2025-02-02', '']]);
    const state = run<SetupState>(host, 'leadflowSetupState', { sheetName: 'Export', headerRow: 2 });
    expect(state.setup.leads).toEqual({ sheet: 'Export', headerRow: 2 });
    expect(state.headers).toEqual(['Deal Stage', 'Created', 'Amount']);
    expect(proposeSetup('Export', state.headers, state.sample).setup.columns).toMatchObject({ status: 'Deal Stage', arrived: 'Created', value: 'Amount', source: '' });
    expect(state.rowCount).toBe(2);
  });

  it('opens on a spreadsheet with nothing in it, and saves the default pipeline there', () => {
    const host = createHost({ timeZone: TZ });
    host.loadBundle();
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.setup.leads.sheet).toBe('Sheet1');
    expect(state.headers.every((h) => h === '')).toBe(true);
    expect(state.rowCount).toBe(0);
    expect(run<SaveResult>(host, 'leadflowSaveSetup', { setup: state.setup }).ok).toBe(true);
    expect(run<SetupState>(host, 'leadflowSetupState', {}).problems).toEqual([]);
  });

  it('falls back to another sheet when the saved leads sheet was deleted, and says so', () => {
    const host = leadsHost();
    host.addSheet('Old leads', [sample.headers, ...sample.rows.slice(0, 5)]);
    const setup = run<SetupState>(host, 'leadflowSetupState', { sheetName: 'Old leads' }).setup;
    run(host, 'leadflowSaveSetup', { setup });
    host.spreadsheet.deleteSheet(host.spreadsheet.getSheetByName('Old leads')!);
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.problems).toContainEqual({ field: 'leads.sheet', message: 'There is no sheet named "Old leads"; choose the sheet that holds your leads.' });
    expect(state.setup.leads.sheet).toBe('Leads');
    expect(state.rowCount).toBe(300);
  });

  it('sends a sample of a big sheet, evenly spaced, and says so', () => {
    const big = sampleLeads({ rows: 2600, seed: 3, timeZone: TZ });
    const host = leadsHost([big.headers, ...big.rows]);
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.rowCount).toBe(2600);
    expect(state.sampled).toBe(true);
    expect(state.sample).toHaveLength(2000);
    expect(state.sample[0][0]).toBe('L-100000');
    expect(state.sample[1999][0]).not.toBe(state.sample[1998][0]);
  });
});

describe('leadflowCheckSetup', () => {
  it('counts, over every row, the leads each rule matches and the MQL, SQL and hot leads, writing nothing', () => {
    const host = leadsHost();
    const setup = withRules(run<SetupState>(host, 'leadflowSetupState', {}).setup);
    const before = snapshot(host);
    const check = run<SetupCheck>(host, 'leadflowCheckSetup', { setup });
    expect(check.problems).toEqual([]);
    // The same figures, computed here with the core directly.
    const { scorer } = compileScorer(setup, sample.headers, timeZoneClock(TZ), Date.now());
    const scores = sample.rows.map((r) => scorer.score(r));
    expect(check.ruleMatches).toEqual(setup.scoring.rules.map((_, i) => scores.filter((s) => s.fired.includes(i)).length));
    expect(check.counts.leads).toBe(300);
    expect(check.counts.sql).toBe(scores.filter((s) => scorer.qualification(s) === 'SQL').length);
    expect(check.counts.mql).toBe(scores.filter((s) => scorer.qualification(s) !== 'Unqualified').length);
    expect(check.counts.hot).toBe(scores.filter((s) => scorer.temperature(s) === 'Hot').length);
    expect(check.counts.hot + check.counts.warm + check.counts.cold).toBe(300);
    expect(check.ruleMatches[0]).toBeGreaterThan(250); // most emails are valid
    expect(snapshot(host)).toEqual(before);
  });

  it('reports problems with their fields, and a missing leads sheet at leads.sheet', () => {
    const host = leadsHost();
    const setup = run<SetupState>(host, 'leadflowSetupState', {}).setup;
    setup.scoring.rules = [{ group: 'fit', column: 'Employees', operator: 'greaterThan', value: 'fifty', value2: '', points: 10, label: '' }];
    const fields = run<SetupCheck>(host, 'leadflowCheckSetup', { setup }).problems.map((p) => p.field);
    expect(fields).toEqual(['scoring.rules.0.column', 'scoring.rules.0.value']);
    const gone = run<SetupCheck>(host, 'leadflowCheckSetup', { setup: { ...setup, leads: { sheet: 'Nope', headerRow: 1 } } });
    expect(gone.problems).toEqual([{ field: 'leads.sheet', message: 'There is no sheet named "Nope"; choose the sheet that holds your leads.' }]);
  });
});

describe('leadflowSaveSetup', () => {
  it('writes the hidden setup sheet and the named range in one step', () => {
    const host = leadsHost();
    const setup = withRules(run<SetupState>(host, 'leadflowSetupState', {}).setup);
    setup.stages[1].aliases.push('=Touched');
    const result = run<SaveResult>(host, 'leadflowSaveSetup', { setup });
    expect(result.ok).toBe(true);
    const info = host.inspectSheet(SETUP_SHEET);
    expect(info.hidden).toBe(true);
    const named = host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!;
    expect(named.getSheet().getName()).toBe(SETUP_SHEET);
    expect(named.getA1Notation()).toBe('A1:G400');
    // Read back as written: "=Touched" stayed text, not a formula.
    expect(savedSetup(host)).toEqual(setup);
    expect(host.sheet(SETUP_SHEET).getRange('A1:G400').getFormulas().flat().every((f) => f === '')).toBe(true);
    // Opening the sidebar again starts from what was saved.
    const again = run<SetupState>(host, 'leadflowSetupState', {});
    expect(again.saved).toBe(true);
    expect(again.problems).toEqual([]);
    expect(again.setup).toEqual(setup);
  });

  it('saves again over the same block (the named range keeps its size, formulas keep pointing at it)', () => {
    const host = leadsHost();
    const setup = run<SetupState>(host, 'leadflowSetupState', {}).setup;
    run(host, 'leadflowSaveSetup', { setup: withRules(setup) });
    run(host, 'leadflowSaveSetup', { setup });
    expect(savedSetup(host).scoring.rules).toEqual([]);
    expect(host.spreadsheet.getNamedRanges()).toHaveLength(1);
    expect(host.spreadsheet.getSheets().filter((s) => s.getName() === SETUP_SHEET)).toHaveLength(1);
  });

  it('writes nothing at all when anything is wrong, and says what and where', () => {
    const host = leadsHost();
    host.addSheet('Messy', [['Email', '', 'Status', 'email'], ['a@b.co', 'x', 'New', 'c@d.co']]);
    const good = withRules(run<SetupState>(host, 'leadflowSetupState', {}).setup);
    run(host, 'leadflowSaveSetup', { setup: good });
    const before = snapshot(host);
    const bad: [string, (s: Setup) => void, string][] = [
      ['empty stage name', (s) => { s.stages[2].name = '  '; }, 'stages.2.name'],
      ['duplicate stage names', (s) => { s.stages[3].name = 'qualified'; }, 'stages.3.name'],
      ['an alias claimed by two stages', (s) => { s.stages[0].aliases.push('Contacted'); }, 'stages.1.aliases.0'],
      ['an exit after a stage that does not exist', (s) => { s.exits[0].from = 'Prospecting'; }, 'exits.0.from'],
      ['thresholds out of order', (s) => { s.scoring.sql.intent = 10; }, 'scoring.sql.intent'],
      ['hot not above warm', (s) => { s.scoring.temperature.hot = s.scoring.temperature.warm; }, 'scoring.temperature.hot'],
      ['a rule on a column that does not exist', (s) => { s.scoring.rules[0].column = 'Employees'; }, 'scoring.rules.0.column'],
      ['a non-numeric value for a numeric operator', (s) => { s.scoring.rules[2].value = 'three'; }, 'scoring.rules.2.value'],
      ['HTML in a stage name', (s) => { s.stages[0].name = '<img src=x onerror=alert(1)>'; }, 'stages.0.name'],
      ['script in an alias', (s) => { s.exits[1].aliases.push('<script>alert(1)</script>'); }, 'exits.1.aliases.4'],
      ['HTML in a rule name', (s) => { s.scoring.rules[0].label = '<b>Reachable</b>'; }, 'scoring.rules.0.label'],
      ['a column mapped to a header that is not there', (s) => { s.columns.status = 'Stage'; }, 'columns.status'],
      ['no stages', (s) => { s.stages = []; s.exits = []; }, 'stages'],
      ['a leads sheet that does not exist', (s) => { s.leads.sheet = 'Gone'; }, 'leads.sheet'],
      ['the setup sheet as the leads sheet', (s) => { s.leads.sheet = SETUP_SHEET; }, 'leads.sheet'],
      ['a header row with blanks and duplicates', (s) => { s.leads.sheet = 'Messy'; s.columns = { ...defaultSetup().columns }; s.scoring.rules = []; }, 'leads.headerRow'],
      ['a header row below the data', (s) => { s.leads.headerRow = 0; }, 'leads.headerRow'],
      ['inactive days not a number', (s) => { s.flow.inactiveDays = Number.NaN; }, 'flow.inactiveDays'],
    ];
    for (const [what, breakIt, field] of bad) {
      const setup: Setup = JSON.parse(JSON.stringify(good));
      breakIt(setup);
      const result = run<SaveResult>(host, 'leadflowSaveSetup', { setup });
      expect(result.ok, what).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => p.field), what).toContain(field);
      expect(snapshot(host), what).toEqual(before);
    }
  });

  it('writes nothing on a spreadsheet that has no setup yet when the setup is invalid', () => {
    const host = leadsHost();
    const setup = run<SetupState>(host, 'leadflowSetupState', {}).setup;
    setup.stages[0].name = '';
    const before = snapshot(host);
    expect(run<SaveResult>(host, 'leadflowSaveSetup', { setup }).ok).toBe(false);
    expect(snapshot(host)).toEqual(before);
    expect(host.spreadsheet.getSheetByName(SETUP_SHEET)).toBeNull();
  });
});

describe('a setup sheet edited by hand', () => {
  function brokenHost(edit: (sheet: GoogleAppsScript.Spreadsheet.Sheet, find: (kind: string, name: string) => number) => void) {
    const host = leadsHost();
    const setup = withRules(run<SetupState>(host, 'leadflowSetupState', {}).setup);
    run(host, 'leadflowSaveSetup', { setup });
    const sheet = host.sheet(SETUP_SHEET);
    const grid = sheet.getRange('A1:G400').getValues();
    const find = (kind: string, name: string) => grid.findIndex((r) => r[0] === kind && r[1] === name) + 1;
    edit(sheet, find);
    return { host, setup };
  }

  it('is reported by leadflowSetupState with each problem, and the readable rest is what the sidebar edits', () => {
    const { host, setup } = brokenHost((sheet, find) => {
      sheet.getRange(find('Threshold', 'MQL fit'), 3).setValue('sixty');
      sheet.getRange(find('Stage', 'Converted to Opportunity'), 2).setValue('Qualified');
      sheet.getRange(find('Flow', 'Inactive days'), 1).setValue('Flowz');
    });
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.saved).toBe(true);
    const messages = state.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/needs a number, but holds "sixty"/);
    expect(messages).toMatch(/"Flowz" is not a kind of setting/);
    expect(state.problems.map((p) => p.field)).toContain('stages.3.name');
    // The sidebar still gets everything that read: the rules, the other stages.
    expect(state.setup.scoring.rules).toEqual(setup.scoring.rules);
    expect(state.setup.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'Qualified', 'Closed-Won']);
  });

  it('is repaired by leadflowRepairSetup: what still makes sense is kept, the rest dropped, the named range is back', () => {
    const { host, setup } = brokenHost((sheet, find) => {
      sheet.getRange(find('Threshold', 'MQL fit'), 3).setValue('sixty');
      sheet.getRange(find('Stage', 'Closed-Won'), 2).setValue('Qualified'); // a second Qualified
      sheet.getRange(find('Exit', 'Nurturing'), 3).setValue('Nurture, Contacted'); // Contacted is Reviewed's
    });
    host.spreadsheet.removeNamedRange(SETUP_RANGE_NAME);
    expect(run<SetupState>(host, 'leadflowSetupState', {}).problems.map((p) => p.message)).toContain(
      `The named range ${SETUP_RANGE_NAME} is missing, so formulas that use it cannot find the setup.`,
    );
    const repaired = run<SetupState>(host, 'leadflowRepairSetup');
    expect(repaired.problems).toEqual([]);
    expect(repaired.fixes!.join('\n')).toMatch(/Dropped a stage: "Qualified" is already used/);
    expect(repaired.fixes!.join('\n')).toMatch(/Dropped an alias: "Contacted" is already used by stage Reviewed/);
    const saved = savedSetup(host);
    expect(saved.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity']);
    expect(saved.exits.map((e) => e.name)).toEqual(['Disqualified', 'Nurturing', 'Closed-Lost', 'Lost']);
    expect(saved.exits[1].aliases).toEqual(['Nurture']);
    expect(saved.scoring.rules).toEqual(setup.scoring.rules);
    expect(saved.scoring.mql.fit).toBe(60); // the unreadable number kept its default
    expect(host.inspectSheet(SETUP_SHEET).hidden).toBe(true);
    expect(host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!.getA1Notation()).toBe('A1:G400');
  });

  it('starts over from a proposal when the marker row is gone', () => {
    const { host } = brokenHost((sheet) => sheet.getRange('A1').setValue('my notes'));
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.problems[0].message).toMatch(/does not start with "LeadFlow setup"/);
    const repaired = run<SetupState>(host, 'leadflowRepairSetup');
    expect(repaired.problems).toEqual([]);
    expect(savedSetup(host).stages.map((s) => s.name)).toEqual(defaultSetup().stages.map((s) => s.name));
  });
});

describe('formulas that take LeadFlowSetup follow a saved change', () => {
  it('FUNNEL and LEADSCORE recalculate for the new setup without being retyped', () => {
    const host = leadsHost();
    const n = sample.rows.length + 1;
    host.addSheet('Report', [['Funnel'], [''], [''], [''], [''], [''], [''], ['']]);
    const report = host.sheet('Report');
    const first = withRules(run<SetupState>(host, 'leadflowSetupState', {}).setup);
    run(host, 'leadflowSaveSetup', { setup: first });
    report.getRange('A2').setFormula(`=FUNNEL(Leads!G2:G${n}, LeadFlowSetup)`);
    report.getRange('H1').setFormula(`=LEADSCORE(Leads!A1:M${n}, LeadFlowSetup)`);
    report.getRange('I1').setFormula(`=LEADQUALIFICATION(Leads!A1:M${n}, LeadFlowSetup)`);
    const funnel = () => host.values('Report', 'A2:B8').filter((r) => r[0] !== '');
    const scores = () => host.values('Report', `H2:H${n}`).map((r) => r[0]);
    const before = { funnel: funnel(), scores: scores() };
    expect(before.funnel[0]).toEqual(['Stage', 'Reached']);
    expect(before.funnel.map((r) => r[0])).toContain('Reviewed');
    const scorerOf = (s: Setup) => compileScorer(s, sample.headers, timeZoneClock(TZ), Date.now()).scorer;
    expect(before.scores).toEqual(sample.rows.map((r) => scorerOf(first).score(r).total));

    // A different setup: Reviewed renamed to Touched (keeping Reviewed as an alias), and other rules.
    const second: Setup = JSON.parse(JSON.stringify(first));
    second.stages[1].name = 'Touched';
    second.stages[1].aliases.push('Reviewed');
    second.exits[0].from = 'Touched';
    second.scoring.rules = [{ group: 'fit', column: 'Deal Value', operator: 'greaterThan', value: '10000', value2: '', points: 70, label: 'Big deal' }];
    expect(run<SaveResult>(host, 'leadflowSaveSetup', { setup: second }).ok).toBe(true);

    const after = { funnel: funnel(), scores: scores() };
    expect(after.funnel.map((r) => r[0])).toEqual(['Stage', 'Arrived', 'Touched', 'Qualified', 'Converted to Opportunity', 'Closed-Won']);
    expect(after.funnel.map((r) => r[1]).slice(1)).toEqual(before.funnel.map((r) => r[1]).slice(1)); // same leads, same counts
    expect(after.scores).toEqual(sample.rows.map((r) => scorerOf(second).score(r).total));
    expect(after.scores).not.toEqual(before.scores);
    expect(after.scores.filter((s) => s === 70).length).toBeGreaterThan(0);
    expect(host.values('Report', 'I1')[0][0]).toBe('Qualification');
  });
});

describe("the user's own sheets", () => {
  it('a sheet of the user\'s named "LeadFlow setup" keeps its cells: the setup goes to another sheet, and Repair leaves it too', () => {
    const host = leadsHost();
    host.addSheet(SETUP_SHEET, [['My notes about the setup of our CRM'], ['Call Ana before changing anything', 42]]);
    const mine = () => host.values(SETUP_SHEET);
    const before = mine();
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    // The user's sheet is a sheet like any other: it is offered as a leads sheet, not read as the setup.
    expect(state.saved).toBe(false);
    expect(state.sheets).toContain(SETUP_SHEET);
    const proposed = proposeSetup('Leads', state.headers, state.sample).setup;
    expect(run<SaveResult>(host, 'leadflowSaveSetup', { setup: proposed }).ok).toBe(true);
    expect(mine()).toEqual(before);
    const named = host.spreadsheet.getRangeByName(SETUP_RANGE_NAME)!;
    expect(named.getSheet().getName()).toBe(`${SETUP_SHEET} (2)`);
    // Saved again and repaired: still the same sheet for the setup, and the user's sheet untouched.
    expect(run<SaveResult>(host, 'leadflowSaveSetup', { setup: { ...proposed, flow: { inactiveDays: 30 } } }).ok).toBe(true);
    run<SetupState>(host, 'leadflowRepairSetup');
    expect(mine()).toEqual(before);
    expect(host.spreadsheet.getSheets().map((s) => s.getName()).filter((n) => n.startsWith(SETUP_SHEET))).toEqual([SETUP_SHEET, `${SETUP_SHEET} (2)`]);
    expect(savedSetup(host).flow.inactiveDays).toBe(30);
  });
});

describe('a date column read in the wrong day order', () => {
  /** As Sheets (en_US) imports "01/02/2018" written day first: a date cell holding 2 January. Text where it could not. */
  function mangledHost(): { host: Host; truth: number[] } {
    const host = createHost({ timeZone: TZ });
    const clock = timeZoneClock(TZ);
    const truth: number[] = [];
    const rows: unknown[][] = [['Enquiry date', 'Name', 'Status']];
    for (let i = 0; i < 60; i++) {
      const day = 1 + ((i * 7) % 28);
      const month = 1 + (i % 12);
      truth.push(Date.UTC(2024, month - 1, day, 9, 30));
      const cell = day <= 12
        ? new Date(clock.toInstant(Date.UTC(2024, day - 1, month, 9, 30)))
        : `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/2024 09:30`;
      rows.push([cell, `Student ${i}`, i % 3 ? 'New Enquiry' : 'Contacted']);
    }
    host.addSheet('Leads', rows);
    host.loadBundle();
    return { host, truth };
  }

  it('is found, explained, and repaired only when asked: the column as it was is kept, and every date is right', () => {
    const { host, truth } = mangledHost();
    const before = snapshot(host);
    const state = run<SetupState>(host, 'leadflowSetupState', {});
    expect(state.dayOrder).toHaveLength(1);
    const mix = state.dayOrder[0];
    expect(mix).toMatchObject({ column: 0, header: 'Enquiry date' });
    expect(mix.dateCells + mix.dayFirstText).toBe(60);
    // Reading the state wrote nothing.
    expect(snapshot(host)).toEqual(before);
    const repaired = run<{ changed: number; keptIn: string }>(host, 'leadflowRepairDayOrder', { sheetName: 'Leads', headerRow: 1, column: 0 });
    expect(repaired.changed).toBe(mix.changes);
    expect(repaired.keptIn).toBe('Enquiry date as imported');
    // The kept copy is the column exactly as it was.
    expect(host.values(repaired.keptIn).slice(1).map((r) => r[0])).toEqual(before.sheets.find((s) => s.name === 'Leads')!.values.slice(1).map((r) => r[0]));
    const clock = timeZoneClock(TZ);
    const now = host.values('Leads').slice(1).map((r) => r[0]);
    expect(now.map((d) => clock.toWall((d as Date).getTime()))).toEqual(truth);
    // Nothing left to repair.
    expect(run<SetupState>(host, 'leadflowSetupState', {}).dayOrder).toEqual([]);
    const again = host.run('leadflowRepairDayOrder', [{ sheetName: 'Leads', headerRow: 1, column: 0 }]);
    expect(again.ok).toBe(false);
  });
});
