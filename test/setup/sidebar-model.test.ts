/**
 * The sidebar's own logic, without a browser: the draft it edits (ids keep exits and stage dates
 * attached through renames and moves), the one-click alias for unmatched statuses, presets with
 * missing columns, and live counts that agree with the server's exact ones.
 */
import { describe, expect, it } from 'vitest';
import { sampleLeads } from '../../src/core/sample';
import { SCORING_PRESETS, compileScorer } from '../../src/core/scoring';
import { Setup, defaultSetup, validateSetup } from '../../src/core/setup';
import { utcClock } from '../../src/core/time';
import { liveCounts, statusTallies } from '../../src/pages/sidebar/live';
import {
  addAliases, applyPreset, draftFromSetup, freeName, guessHeader, moveStage, moveStageTo, numberInput,
  presetMissingColumns, setupFromDraft, suggestTarget, unmatchedStatuses,
} from '../../src/pages/sidebar/model';

function setupWithDates(): Setup {
  const s = defaultSetup('Leads');
  s.columns.status = 'Lead Status';
  s.columns.stageDates = { Reviewed: 'Reviewed Date', Qualified: 'Qualified Date' };
  return s;
}

describe('the draft', () => {
  it('round-trips a setup', () => {
    const s = setupWithDates();
    expect(setupFromDraft(draftFromSetup(s))).toEqual(s);
  });

  it('keeps exits and stage dates with their stage through a rename and a move', () => {
    const d = draftFromSetup(setupWithDates());
    d.stages[1].name = 'Touched';
    expect(moveStage(d, 1, 1)).toBe(2); // Touched after Qualified
    const s = setupFromDraft(d);
    expect(s.stages.map((x) => x.name)).toEqual(['Arrived', 'Qualified', 'Touched', 'Converted to Opportunity', 'Closed-Won']);
    expect(s.exits[0]).toMatchObject({ name: 'Disqualified', from: 'Touched' });
    expect(s.columns.stageDates).toEqual({ Touched: 'Reviewed Date', Qualified: 'Qualified Date' });
    expect(validateSetup(s).problems).toEqual([]);
  });

  it('moves by keyboard steps within bounds, and by drop position', () => {
    const d = draftFromSetup(defaultSetup());
    expect(moveStage(d, 0, -1)).toBe(0);
    expect(moveStage(d, 4, 1)).toBe(4);
    const won = d.stages[4].id;
    expect(moveStageTo(d, won, 0)).toBe(0); // dropped before the first
    expect(d.stages[0].name).toBe('Closed-Won');
    expect(moveStageTo(d, won, 5)).toBe(4); // dropped after the last
    expect(d.stages.map((s) => s.name)).toEqual(defaultSetup().stages.map((s) => s.name));
  });

  it('leaves an exit pointing at a deleted stage by name, so validation reports it at the exit', () => {
    const d = draftFromSetup(defaultSetup());
    const [gone] = d.stages.splice(1, 1);
    for (const e of d.exits) if (e.from === gone.id) e.from = gone.name;
    const problems = validateSetup(setupFromDraft(d)).problems;
    expect(problems).toContainEqual({ field: 'exits.0.from', message: '"Reviewed" is not one of the stages.' });
  });

  it('names new stages so they never clash', () => {
    const d = draftFromSetup(defaultSetup());
    expect(freeName(d, 'New stage')).toBe('New stage');
    d.stages.push({ id: 999, name: 'New stage', aliases: [], dateColumn: '', flagColumn: '' });
    expect(freeName(d, 'New stage')).toBe('New stage 2');
  });

  it('adds aliases typed or pasted with commas, skipping spellings the entry already has', () => {
    const item = { name: 'Arrived', aliases: ['New'] };
    expect(addAliases(item, ' Fresh , new, arrived,, Inbound ')).toEqual(['Fresh', 'Inbound']);
    expect(item.aliases).toEqual(['New', 'Fresh', 'Inbound']);
  });

  it('reads a blank number input as NaN, not 0', () => {
    expect(numberInput('')).toBeNaN();
    expect(numberInput(' 42 ')).toBe(42);
    expect(numberInput('abc')).toBeNaN();
  });
});

describe('statuses that match nothing', () => {
  it('lists them, suggests where each belongs, and one alias makes them match', () => {
    const d = draftFromSetup(defaultSetup());
    const statuses = [
      { status: 'Closed Won', count: 40 }, { status: 'Demo Scheduled', count: 12 }, { status: 'Lost - No Budget', count: 5 }, { status: 'Nurture', count: 3 },
    ];
    expect(unmatchedStatuses(d, statuses).map((s) => s.status)).toEqual(['Demo Scheduled', 'Lost - No Budget']);
    // Spellings of one status are one entry: a single alias covers them.
    expect(unmatchedStatuses(d, [{ status: 'Demo', count: 2 }, { status: 'demo', count: 5 }, { status: 'DEMO ', count: 1 }])).toEqual([{ status: 'Demo', count: 8, others: ['demo', 'DEMO '] }]);
    expect(suggestTarget(d, 'Lost - No Budget')).toEqual({ kind: 'exit', id: d.exits[2].id }); // Closed-Lost
    expect(suggestTarget(d, 'Demo Scheduled')).toEqual({ kind: 'stage', id: d.stages[0].id }); // nothing in common: the first stage
    addAliases(d.stages[2], 'Demo Scheduled');
    expect(unmatchedStatuses(d, statuses).map((s) => s.status)).toEqual(['Lost - No Budget']);
    expect(setupFromDraft(d).stages[2].aliases).toContain('Demo Scheduled');
  });
});

describe('presets', () => {
  const headers = ['Lead ID', 'Email Address', 'Lead Source', 'Budget', 'Job Title', 'Need', 'Timeline'];
  const bant = SCORING_PRESETS.find((p) => p.id === 'bant')!;

  it('finds the columns a preset needs that the sheet lacks, and a likely header for each', () => {
    expect(presetMissingColumns(bant, headers)).toEqual(['Email']);
    expect(guessHeader('Email', headers)).toBe('Email Address');
    expect(guessHeader('Employees', headers)).toBe('');
  });

  it('applies a preset with the user\'s mapping, leaving out rules mapped to nothing', () => {
    const d = draftFromSetup(defaultSetup());
    expect(applyPreset(d, bant, { Email: 'Email Address' })).toEqual({ added: 6, left: 0 });
    expect(d.rules.find((r) => r.operator === 'validEmail')?.column).toBe('Email Address');
    expect(validateSetup(setupFromDraft(d), headers).problems).toEqual([]);
    expect(applyPreset(d, bant, { Email: '', Need: '' })).toEqual({ added: 4, left: 2 });
    expect(d.temperature).toEqual(bant.temperature);
  });
});

describe('live counts in the sidebar', () => {
  const sample = sampleLeads({ rows: 400, seed: 5, dateStyle: 'iso' });
  const NOW = Date.UTC(2026, 0, 20);
  const setup = (): Setup => {
    const s = defaultSetup();
    s.scoring.rules = [
      { group: 'fit', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 60, label: '' },
      { group: 'intent', column: 'Lead Source', operator: 'oneOf', value: 'Referral, Webinar', value2: '', points: 50, label: '' },
      { group: 'intent', column: 'Last Activity', operator: 'withinDays', value: '60', value2: '', points: 30, label: '' },
    ];
    return s;
  };

  it('match the scorer over every row when the sidebar has every row', () => {
    const s = setup();
    const live = liveCounts(s, [], { headers: sample.headers, rows: sample.rows, total: 400, now: NOW });
    const { scorer } = compileScorer(s, sample.headers, utcClock, NOW);
    const scores = sample.rows.map((r) => scorer.score(r));
    expect(live.approximate).toBe(false);
    expect(live.ruleMatches).toEqual(s.scoring.rules.map((_, i) => scores.filter((x) => x.fired.includes(i)).length));
    expect(live.counts).toEqual({
      leads: 400,
      mql: scores.filter((x) => scorer.qualification(x) !== 'Unqualified').length,
      sql: scores.filter((x) => scorer.qualification(x) === 'SQL').length,
      hot: scores.filter((x) => scorer.temperature(x) === 'Hot').length,
      warm: scores.filter((x) => scorer.temperature(x) === 'Warm').length,
      cold: scores.filter((x) => scorer.temperature(x) === 'Cold').length,
    });
    expect(live.counts!.sql).toBeGreaterThan(0);
  });

  it('scale a sample up to the whole sheet, marked approximate', () => {
    const live = liveCounts(setup(), [], { headers: sample.headers, rows: sample.rows.slice(0, 100), total: 400, now: NOW });
    expect(live.approximate).toBe(true);
    expect(live.counts!.leads).toBe(400);
    expect(live.ruleMatches[0]! % 4).toBe(0);
  });

  it('skip a rule with a problem, and the totals while any scoring problem remains', () => {
    const s = setup();
    s.scoring.rules[1].column = 'Channel';
    const problems = validateSetup(s, sample.headers).problems;
    const live = liveCounts(s, problems, { headers: sample.headers, rows: sample.rows, total: 400, now: NOW });
    expect(live.ruleMatches[1]).toBeNull();
    expect(live.ruleMatches[0]).toBeGreaterThan(0);
    expect(live.counts).toBeNull();
  });

  it('tally the statuses of any column', () => {
    const t = statusTallies(sample.headers, sample.rows, 'lead status', 400);
    expect(t.reduce((n, x) => n + x.count, 0)).toBe(400);
    expect(t[0].count).toBeGreaterThanOrEqual(t[t.length - 1].count);
  });
});
