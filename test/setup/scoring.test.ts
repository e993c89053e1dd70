import { describe, expect, it } from 'vitest';
import { compileScorer, ruleMatcher, SCORING_PRESETS } from '../../src/core/scoring';
import { defaultSetup, Rule, setupToGrid, validateSetup } from '../../src/core/setup';
import { SAMPLE_HEADERS, sampleLeads } from '../../src/core/sample';
import { timeZoneClock } from '../../src/core/time';
import { DateReader } from '../../src/core/values';
import { callCustomFunction, makeEnv } from '../../src/functions/registry';

const clock = timeZoneClock('America/New_York');
const NOW = Date.UTC(2026, 10, 23, 12);
const r = (operator: Rule['operator'], value = '', value2 = ''): Rule => ({ group: 'fit', column: 'X', operator, value, value2, points: 1, label: '' });
const matches = (rule: Rule, cell: unknown) => ruleMatcher(rule, new DateReader(clock), NOW)(cell);

describe('rule operators', () => {
  it.each([
    ['equals', r('equals', 'Software'), ' software ', true],
    ['equals numbers by value', r('equals', '50'), '50.0', true],
    ['is one of', r('oneOf', 'Referral, Webinar'), 'webinar', true],
    ['is one of misses', r('oneOf', 'Referral, Webinar'), 'Cold Call', false],
    ['contains any of', r('contains', 'director, vp'), 'VP of Sales', true],
    ['greater than', r('greaterThan', '100'), '$1,200', true],
    ['greater than ignores text', r('greaterThan', '100'), 'lots', false],
    ['less than', r('lessThan', '24'), 3.5, true],
    ['between is inclusive', r('between', '2', '5'), 5, true],
    ['is blank', r('blank'), '  ', true],
    ['is not blank', r('notBlank'), 'x', true],
    ['valid email', r('validEmail'), 'ana@north.example.com', true],
    ['invalid email', r('validEmail'), 'n/a', false],
    ['within the last N days', r('withinDays', '14'), '2026-11-15', true],
    ['outside the last N days', r('withinDays', '14'), '2026-10-01', false],
  ])('%s', (_name, rule, cell, expected) => {
    expect(matches(rule, cell)).toBe(expected);
  });
});

describe('scores, qualification and temperature', () => {
  const setup = defaultSetup();
  setup.scoring = {
    rules: [
      { group: 'fit', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 50, label: '' },
      { group: 'fit', column: 'Lead Source', operator: 'equals', value: 'Referral', value2: '', points: 70, label: '' },
      { group: 'intent', column: 'Contact Attempts', operator: 'greaterThan', value: '2', value2: '', points: 45, label: '' },
      { group: 'intent', column: 'Next Step', operator: 'blank', value: '', value2: '', points: -60, label: 'No next step' },
    ],
    caps: { fit: 100, intent: 100 },
    mql: { fit: 60, intent: 40 },
    sql: { fit: 90, intent: 40 },
    temperature: { warm: 60, hot: 120 },
  };
  const { scorer } = compileScorer(setup, SAMPLE_HEADERS, clock, NOW);
  const lead = (email: string, source: string, attempts: number, next: string) => {
    const row = new Array(SAMPLE_HEADERS.length).fill('');
    row[SAMPLE_HEADERS.indexOf('Email')] = email;
    row[SAMPLE_HEADERS.indexOf('Lead Source')] = source;
    row[SAMPLE_HEADERS.indexOf('Contact Attempts')] = attempts;
    row[SAMPLE_HEADERS.indexOf('Next Step')] = next;
    return row;
  };

  it('caps each group and floors it at zero', () => {
    const s = scorer.score(lead('a@b.co', 'Referral', 3, ''));
    expect(s.fit).toBe(100); // 50 + 70 capped
    expect(s.intent).toBe(0); // 45 - 60 floored
    expect(s.fired).toEqual([0, 1, 2, 3]);
  });

  it('needs both groups over the thresholds for MQL and SQL, and bands the total', () => {
    const sql = scorer.score(lead('a@b.co', 'Referral', 3, 'Demo booked'));
    expect([scorer.qualification(sql), scorer.temperature(sql)]).toEqual(['SQL', 'Hot']);
    const mql = scorer.score(lead('a@b.co', 'Web Form', 4, 'Call'));
    expect([mql.fit, mql.intent, scorer.qualification(mql), scorer.temperature(mql)]).toEqual([50, 45, 'Unqualified', 'Warm']);
    const cold = scorer.score(lead('n/a', 'Web Form', 1, ''));
    expect([scorer.qualification(cold), scorer.temperature(cold)]).toEqual(['Unqualified', 'Cold']);
  });

  it('runs as one formula per column over a generated sheet with the setup range', () => {
    const sample = sampleLeads({ rows: 300, seed: 11, timeZone: 'America/New_York' });
    const grid = [sample.headers, ...sample.rows, new Array(sample.headers.length).fill('')];
    const env = makeEnv('America/New_York', NOW);
    const setupGrid = setupToGrid(setup);
    const scores = callCustomFunction('LEADSCORE', [grid, setupGrid], env) as unknown[][];
    const quals = callCustomFunction('LEADQUALIFICATION', [grid, setupGrid, true], env) as unknown[][];
    const temps = callCustomFunction('LEADTEMPERATURE', [grid, setupGrid], env) as unknown[][];
    expect(scores.length).toBe(grid.length);
    expect(scores[0]).toEqual(['Lead score']);
    expect(quals[0]).toEqual(['Qualification', 'Rules that matched']);
    expect(scores[scores.length - 1]).toEqual(['']);
    // Independent recount of one rule: every referral lead with a valid email has fit 100.
    sample.rows.forEach((row, i) => {
      const email = String(row[SAMPLE_HEADERS.indexOf('Email')]);
      if (row[SAMPLE_HEADERS.indexOf('Lead Source')] === 'Referral' && email.includes('@')) {
        expect(callCustomFunction('LEADSCORE', [[sample.headers, row], setupGrid, 'fit'], env)).toEqual([['Fit score'], [100]]);
      }
      expect(['Cold', 'Warm', 'Hot']).toContain(temps[i + 1][0]);
      expect(['Unqualified', 'MQL', 'SQL']).toContain(quals[i + 1][0]);
    });
    const hot = temps.filter((t) => t[0] === 'Hot').length;
    const total = scores.slice(1).filter((s) => typeof s[0] === 'number' && (s[0] as number) >= 120).length;
    expect(hot).toBe(total);
  });

  it('says when the range starts at a lead instead of the header row', () => {
    const env = makeEnv('UTC', NOW);
    const withoutHeader = [lead('a@b.co', 'Referral', 3, ''), lead('c@d.co', 'Cold Call', 1, 'Call back')];
    const setup = defaultSetup();
    setup.scoring.rules = [{ group: 'fit', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 20, label: '' }];
    expect(() => callCustomFunction('LEADSCORE', [withoutHeader, setupToGrid(setup)], env)).toThrow(
      /^LEADSCORE: leads_with_headers must start with the header row, but its first row holds .*not the columns the rules look at \(Email\)\. Give the range from the header row, e\.g\. A1:M\.$/);
  });

  it('names the function and the argument when the setup is missing or a rule column is gone', () => {
    const env = makeEnv('UTC', NOW);
    const grid = [SAMPLE_HEADERS, lead('a@b.co', 'Referral', 3, '')];
    expect(() => callCustomFunction('LEADSCORE', [grid, 'Arrived, Reviewed'], env)).toThrow(/^LEADSCORE: setup must be the LeadFlow setup range/);
    const broken = defaultSetup();
    broken.scoring.rules = [{ group: 'fit', column: 'Employees', operator: 'greaterThan', value: '10', value2: '', points: 5, label: '' }];
    expect(() => callCustomFunction('LEADTEMPERATURE', [grid, setupToGrid(broken)], env)).toThrow(/^LEADTEMPERATURE: setup is not valid: Row \d+ of the setup sheet \(Fit rule Employees\): There is no column "Employees"/);
    expect(() => callCustomFunction('LEADSCORE', [grid, setupToGrid(setup), 'budget'], env)).toThrow('LEADSCORE: part is "budget"; expected "total", "fit" or "intent".');
  });
});

describe('presets', () => {
  it('are valid setups once their columns exist', () => {
    for (const preset of SCORING_PRESETS) {
      const s = defaultSetup();
      s.scoring = { rules: preset.rules, caps: preset.caps, mql: preset.mql, sql: preset.sql, temperature: preset.temperature };
      const headers = [...new Set(preset.rules.map((x) => x.column))];
      expect(validateSetup(s, headers).problems, preset.name).toEqual([]);
    }
  });
});
