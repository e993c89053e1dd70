import { describe, expect, it } from 'vitest';
import { pipelineFromArg } from '../../src/core/pipeline';
import {
  SETUP_MARKER, defaultSetup, headerProblems, setupFromGrid, setupToGrid, validateSetup,
} from '../../src/core/setup';
import { SAMPLE_HEADERS } from '../../src/core/sample';

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

  it('keeps HTML in a name as plain text in the setup (it is data, never markup)', () => {
    const s = defaultSetup();
    s.stages[0].name = '<img src=x onerror=alert(1)>';
    const back = setupFromGrid(setupToGrid(s)).setup!;
    expect(back.stages[0].name).toBe('<img src=x onerror=alert(1)>');
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
      /^FUNNEL: stages is the LeadFlow setup, but it is not valid: "Arrived" is already used by stage Arrived.*Open Extensions > LeadFlow > Open setup to repair it\.$/,
    );
  });
});
