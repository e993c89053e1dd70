import { describe, expect, it } from 'vitest';
import { pipelineFromArg } from '../../src/core/pipeline';
import {
  SETUP_MARKER, defaultSetup, headerProblems, readSetupGrid, repairSetup, setupFromGrid, setupToGrid, validateSetup,
} from '../../src/core/setup';
import { SAMPLE_HEADERS } from '../../src/core/sample';
import { proposeSetup } from '../../src/core/detect';

const headers = SAMPLE_HEADERS;

function withRules() {
  const s = defaultSetup('Leads');
  s.columns.status = 'Lead Status';
  s.columns.arrived = 'Created Time';
  s.scoring.rules = [
    { group: 'fit', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 20, label: '' },
    { group: 'intent', column: 'Lead Source', operator: 'oneOf', value: 'Referral, Webinar', value2: '', points: 40, label: 'Warm source' },
    { group: 'intent', column: 'Contact Attempts', operator: 'between', value: '2', value2: '5', points: 10, label: '' },
  ];
  return s;
}

describe('setup validation', () => {
  it('accepts the default setup and a setup with rules on existing columns', () => {
    expect(validateSetup(defaultSetup()).problems).toEqual([]);
    expect(validateSetup(withRules(), headers).problems).toEqual([]);
  });

  it('reports an empty stage name at its field', () => {
    const s = defaultSetup();
    s.stages[2].name = '  ';
    const { problems, setup } = validateSetup(s);
    expect(setup).toBeUndefined();
    expect(problems).toContainEqual({ field: 'stages.2.name', message: 'Give it a name.' });
  });

  it('reports duplicate stage names and an alias claimed by two stages', () => {
    const s = defaultSetup();
    s.stages[3].name = 'reviewed';
    s.stages[0].aliases.push('Contacted');
    const fields = validateSetup(s).problems.map((p) => p.field);
    expect(fields).toContain('stages.3.name');
    expect(fields).toContain('stages.1.aliases.0'); // Contacted is Reviewed's first alias; the later claim is flagged
  });

  it('reports thresholds out of order', () => {
    const s = defaultSetup();
    s.scoring.sql.fit = 10; // below MQL fit 60
    s.scoring.temperature.hot = 20; // below warm 40
    const fields = validateSetup(s).problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['scoring.sql.fit', 'scoring.temperature.hot']));
  });

  it('reports a rule on a column that does not exist and a non-numeric value for a numeric operator', () => {
    const s = withRules();
    s.scoring.rules.push({ group: 'fit', column: 'Employees', operator: 'greaterThan', value: 'fifty', value2: '', points: 10, label: '' });
    const problems = validateSetup(s, headers).problems;
    expect(problems).toContainEqual({ field: 'scoring.rules.3.column', message: 'There is no column "Employees" in the header row of "Leads".' });
    expect(problems.find((p) => p.field === 'scoring.rules.3.value')?.message).toMatch(/needs a number/);
  });

  it('reports blank and duplicate header names with their column letters', () => {
    expect(headerProblems(['Email', '', 'Status', 'email', ''])).toEqual([
      { field: 'leads.headerRow', message: 'Column B of the header row is blank; give every column a name.' },
      { field: 'leads.headerRow', message: '"email" names both column A and column D; header names must differ.' },
    ]);
  });

  it('refuses HTML or script in a name, an alias or a rule name, at its field', () => {
    const s = withRules();
    s.stages[0].name = '<img src=x onerror=alert(1)>';
    s.exits[2].aliases.push('<script>alert(1)</script>');
    s.scoring.rules[1].label = 'Warm </b> source';
    const problems = validateSetup(s, headers).problems;
    expect(problems.map((p) => p.field)).toEqual(['stages.0.name', 'exits.2.aliases.2', 'scoring.rules.1.label', 'exits.3.from']);
    expect(problems[0].message).toBe('"<img src=x onerror=alert(1)>" looks like HTML or script; use plain words (no <tags>).');
    // A hand edit that puts markup in the setup sheet makes it invalid too.
    expect(setupFromGrid(setupToGrid(s)).setup).toBeUndefined();
  });

  it('keeps names with a lone < or & as the plain text they are', () => {
    const s = defaultSetup();
    s.stages[0].name = 'Deals < 1k & "small"';
    s.stages[1].aliases.push('<>');
    s.exits = s.exits.filter((e) => e.from !== 'Arrived');
    expect(validateSetup(s).problems).toEqual([]);
    expect(setupFromGrid(setupToGrid(s)).setup!.stages[0].name).toBe('Deals < 1k & "small"');
  });
});

describe('the setup sheet', () => {
  it('round-trips through its rows', () => {
    const s = withRules();
    s.exits[1].removes = false;
    s.columns.stageDates = { Reviewed: 'Reviewed Date' };
    const grid = setupToGrid(s);
    expect(grid[0][0]).toBe(SETUP_MARKER);
    const back = setupFromGrid(grid, [...headers, 'Reviewed Date']);
    expect(back.problems).toEqual([]);
    expect(back.setup).toEqual(s);
  });

  it('reports a hand edit that broke a number with its sheet row', () => {
    const grid = setupToGrid(withRules());
    const row = grid.findIndex((r) => r[0] === 'Threshold' && r[1] === 'MQL fit');
    grid[row][2] = 'sixty';
    const { setup, problems } = setupFromGrid(grid);
    expect(setup).toBeUndefined();
    expect(problems[0].message).toBe(`Row ${row + 1} of the setup sheet needs a number, but holds "sixty".`);
  });

  it('is accepted as the stages argument of the funnel formulas', () => {
    const s = defaultSetup();
    s.stages = [{ name: 'Prospecting', aliases: [] }, { name: 'Engaging', aliases: [] }, { name: 'Won', aliases: ['Closed Won'] }];
    s.exits = [{ name: 'Lost', from: 'Engaging', aliases: [], removes: true }];
    const p = pipelineFromArg(setupToGrid(s), { fn: 'FUNNEL', arg: 'stages' });
    expect(p.stageNames).toEqual(['Prospecting', 'Engaging', 'Won']);
    expect(p.resolve('lost')).toEqual({ stage: 1, exit: 0 });
  });

  it('makes the formulas say the setup is invalid and how to repair it', () => {
    const s = defaultSetup();
    const grid = setupToGrid(s);
    const stageRows = grid.filter((r) => r[0] === 'Stage');
    stageRows[1][1] = stageRows[0][1]; // two stages named Arrived
    expect(() => pipelineFromArg(grid, { fn: 'FUNNEL', arg: 'stages' })).toThrow(
      /^FUNNEL: stages is the LeadFlow setup, but it is not valid: Row \d+ of the setup sheet \(Stage Arrived\): "Arrived" is already used by stage Arrived.*Open Extensions > LeadFlow > Open setup to repair it\.$/,
    );
  });
});

describe('reading a broken setup sheet and repairing it', () => {
  it('reads what it can, skipping unreadable rows and keeping defaults for unreadable numbers', () => {
    const grid = setupToGrid(withRules());
    const row = (kind: string, name: string) => grid.findIndex((r) => r[0] === kind && r[1] === name);
    const sqlRow = row('Threshold', 'SQL intent');
    const stageRow = row('Stage', 'Qualified');
    grid[sqlRow][2] = 'lots';
    grid[stageRow][0] = 'Stagee';
    const { setup, problems } = readSetupGrid(grid);
    expect(problems.map((p) => p.field)).toEqual([`row ${stageRow + 1}`, `row ${sqlRow + 1}`]);
    expect(setup!.scoring.sql.intent).toBe(70);
    expect(setup!.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Converted to Opportunity', 'Closed-Won']);
    expect(setup!.scoring.rules).toEqual(withRules().scoring.rules);
    // The strict reading refuses it; the lenient one validates what is left.
    expect(setupFromGrid(grid).setup).toBeUndefined();
    expect(setupFromGrid(grid, headers, { lenient: true }).problems.map((p) => p.field)).toEqual(['exits.1.from']);
  });

  it('leaves a valid setup as it is', () => {
    expect(repairSetup(withRules(), headers)).toEqual({ setup: withRules(), fixes: [] });
  });

  it('drops what cannot stand, keeps the rest, and says what it did', () => {
    const s = withRules();
    s.stages[4].name = 'Arrived'; // a second Arrived: dropped
    s.stages[1].aliases.push('New'); // Arrived's alias: dropped
    s.exits[0].aliases.push('<b>Junk</b>'); // markup: dropped
    s.exits[1].from = 'Nowhere'; // leaves after no stage: the exit is dropped
    s.scoring.rules[0].column = 'Employees'; // no such column: the rule is dropped
    s.scoring.temperature.hot = 10; // out of order: thresholds back to defaults, rules kept
    s.columns.owner = 'Rep'; // not a header: unmapped
    const { setup, fixes } = repairSetup(s, headers);
    expect(validateSetup(setup, headers).problems).toEqual([]);
    expect(setup.stages.map((x) => x.name)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity']);
    expect(setup.stages[1].aliases).not.toContain('New');
    expect(setup.exits.map((x) => x.name)).toEqual(['Disqualified', 'Closed-Lost', 'Lost']);
    expect(setup.exits[0].aliases).not.toContain('<b>Junk</b>');
    expect(setup.scoring.rules.map((r) => r.column)).toEqual(['Lead Source', 'Contact Attempts']);
    expect(setup.scoring.temperature).toEqual(defaultSetup().scoring.temperature);
    expect(setup.columns.owner).toBe('');
    expect(setup.columns.status).toBe('Lead Status');
    expect(fixes).toHaveLength(7);
    expect(fixes.join('\n')).toMatch(/Dropped a rule: There is no column "Employees"/);
  });

  it('goes back to the default pipeline when no stage is left', () => {
    const s = withRules();
    s.stages = [];
    const { setup } = repairSetup(s, headers);
    expect(setup.stages.map((x) => x.name)).toEqual(defaultSetup().stages.map((x) => x.name));
    expect(setup.scoring.rules).toHaveLength(3);
  });
});

describe('the proposal, where an exit stops its leads', () => {
  // A pipeline export as Sheets hands it over: dates as Date objects, an engage date on every deal past Prospecting.
  const headers = ['Deal', 'Deal Stage', 'Engage Date', 'Converted', 'Amount'];
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
  const deals = (lostDated: (i: number) => boolean, lostCount = 40) => [
    ...Array.from({ length: 30 }, (_, i) => [`p${i}`, 'Prospecting', '', 'No', 0]),
    ...Array.from({ length: 30 }, (_, i) => [`e${i}`, 'Engaging', day(i), 'No', 0]),
    ...Array.from({ length: 30 }, (_, i) => [`w${i}`, 'Won', day(i), 'Yes', 900]),
    ...Array.from({ length: lostCount }, (_, i) => [`l${i}`, 'Lost', lostDated(i) ? day(i) : '', 'No', 0]),
  ];
  const lostFrom = (rows: unknown[][]) => {
    const proposal = proposeSetup('Deals', headers, rows);
    return { from: proposal.setup.exits.find((exit) => exit.name === 'Lost')?.from, later: proposal.laterExits ?? [] };
  };

  it('stops Lost at Engaging when every Lost deal has an engage date, and says why', () => {
    const { from, later } = lostFrom(deals(() => true));
    expect(from).toBe('Engaging');
    expect(later).toEqual([{ exit: 'Lost', leads: 40, from: 'Prospecting', to: 'Engaging', header: 'Engage Date', kind: 'date' }]);
  });

  it('leaves Lost where its words put it when one Lost deal has no engage date, or when too few deals say anything', () => {
    expect(lostFrom(deals((i) => i !== 7))).toEqual({ from: 'Prospecting', later: [] });
    expect(lostFrom(deals(() => true, 9))).toEqual({ from: 'Prospecting', later: [] });
  });
});
