/**
 * The sidebar's own logic, without a browser: the draft it edits (ids keep exits, stage dates and
 * stage flags attached through renames and moves), a proposed setup put into the draft with its
 * guesses keyed by the control they filled, the one-click alias for unmatched statuses and what it
 * suggests, the words the first screen uses, presets with missing columns, and live counts that
 * agree with the server's exact ones.
 */
import { describe, expect, it } from 'vitest';
import { proposeSetup } from '../../src/core/detect';
import { rng, sampleLeads } from '../../src/core/sample';
import { SCORING_PRESETS, compileScorer } from '../../src/core/scoring';
import { Setup, defaultSetup, validateSetup } from '../../src/core/setup';
import { utcClock } from '../../src/core/time';
import { liveCounts, statusTallies } from '../../src/pages/sidebar/live';
import {
  addAliases, applyPreset, applyProposal, dayFirstExample, draftFromSetup, freeName, freeSheetName, guessHeader, moveStage, moveStageTo,
  notCounted, numberInput, percent, pipelineKey, placement, presetMissingColumns, setupFromDraft, stageByName, suggestTarget, unmatchedStatuses,
} from '../../src/pages/sidebar/model';

function setupWithDates(): Setup {
  const s = defaultSetup('Leads');
  s.columns.status = 'Lead Status';
  s.columns.result = 'Deal - Status';
  s.columns.stageDates = { Reviewed: 'Reviewed Date', Qualified: 'Qualified Date' };
  s.columns.stageFlags = { 'Converted to Opportunity': 'Converted' };
  return s;
}

/** A Zoho CRM leads export as a sheet holds it: its own statuses, one nobody planned for, and the CONVERTED flag. */
function zohoSheet(n = 400): { headers: string[]; rows: unknown[][] } {
  const r = rng(3);
  const statuses = ['Not Contacted', 'Not Contacted', 'Attempted to Contact', 'Contacted', 'Contacted', 'Pre-Qualified', 'Junk Lead', 'Lost Lead', 'Not Qualified', 'Contact in Future'];
  const headers = ['Lead Id', 'First Name', 'Company', 'Lead Owner', 'Email', 'Lead Source', 'Lead Status', 'Created Time', 'CONVERTED'];
  const rows = Array.from({ length: n }, (_, i) => {
    const status = i % 20 === 7 ? 'Call Back' : statuses[Math.floor(r() * statuses.length)];
    const converted = status === 'Pre-Qualified' && r() < 0.6;
    const day = new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
    return [`zcrm_${5725767000000418001n + BigInt(i)}`, 'Ann', 'Acme', i % 2 ? 'Arjun Mehta' : 'Kavya Iyer', `lead${i}@example.com`, i % 3 ? 'Cold Call' : 'Partner', status, `${day} 10:00:00`, converted ? 'Yes' : 'No'];
  });
  return { headers, rows };
}

describe('the draft', () => {
  it('round-trips a setup, won/lost column and stage flags included', () => {
    const s = setupWithDates();
    expect(setupFromDraft(draftFromSetup(s))).toEqual(s);
  });

  it('keeps exits, stage dates and stage flags with their stage through a rename and a move', () => {
    const d = draftFromSetup(setupWithDates());
    d.stages[1].name = 'Touched';
    d.stages[3].name = 'Opportunity';
    expect(moveStage(d, 1, 1)).toBe(2); // Touched after Qualified
    const s = setupFromDraft(d);
    expect(s.stages.map((x) => x.name)).toEqual(['Arrived', 'Qualified', 'Touched', 'Opportunity', 'Closed-Won']);
    expect(s.exits[0]).toMatchObject({ name: 'Disqualified', from: 'Touched' });
    expect(s.exits[3]).toMatchObject({ name: 'Lost', from: 'Arrived' }); // a plain "Lost": stage not recorded
    expect(s.columns.stageDates).toEqual({ Touched: 'Reviewed Date', Qualified: 'Qualified Date' });
    expect(s.columns.stageFlags).toEqual({ Opportunity: 'Converted' });
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
    // No word in common: what the words mean decides. A demo booked proves Qualified at most.
    expect(suggestTarget(d, 'Demo Scheduled')).toEqual({ kind: 'stage', id: d.stages[2].id });
    expect(suggestTarget(d, 'Spam bot')).toEqual({ kind: 'exit', id: d.exits[0].id }); // Disqualified (aliases Junk, Spam)
    expect(suggestTarget(d, 'Zzz')).toEqual({ kind: 'stage', id: d.stages[0].id }); // nothing at all: the first stage
    addAliases(d.stages[2], 'Demo Scheduled');
    expect(unmatchedStatuses(d, statuses).map((s) => s.status)).toEqual(['Lost - No Budget']);
    expect(setupFromDraft(d).stages[2].aliases).toContain('Demo Scheduled');
  });
});

describe('a proposed setup', () => {
  it('says against a guessed stage flag when it is yes for most leads still before its stage, and nothing when it agrees with the statuses', () => {
    const { headers, rows } = zohoSheet();
    const flagAt = headers.indexOf('CONVERTED');
    const statusAt = headers.indexOf('Lead Status');
    const flag = (proposal: ReturnType<typeof proposeSetup>) => proposal.picks.find((p) => p.field === 'stageFlag:Converted')!;
    // As Zoho writes it: converted leads were pre-qualified first.
    expect(flag(proposeSetup('Leads', headers, rows)).caution).toBeUndefined();
    // As Zoho's sample export writes it: yes for most leads whatever their status.
    const everywhere = rows.map((row, i) => row.map((cell, at) => (at === flagAt ? (i % 10 === 0 ? 'No' : 'Yes') : cell)));
    // Open before Converted: Zoho's open statuses and "Call Back" (Contact in Future is an exit, Junk, Lost and Not Qualified too).
    const open = everywhere.filter((row) => ['Not Contacted', 'Attempted to Contact', 'Contacted', 'Pre-Qualified', 'Call Back'].includes(String(row[statusAt])));
    const marked = open.filter((row) => row[flagAt] === 'Yes').length;
    expect(flag(proposeSetup('Leads', headers, everywhere)).caution)
      .toBe(`It is also yes for ${marked} of the ${open.length} leads read whose status is still before Converted, so it may not mean they reached Converted. If so, choose no column for it.`);
  });

  it('fills the draft from a Zoho export: sure columns filled in, the CONVERTED flag a guess keyed by its stage, the pipeline Zoho\'s', () => {
    const { headers, rows } = zohoSheet();
    const proposal = proposeSetup('Leads', headers, rows);
    const d = draftFromSetup(defaultSetup('Leads'));
    d.rules = [{ id: 1, group: 'fit', column: 'Email', operator: 'validEmail', value: '', value2: '', points: 50, label: '' }];
    const applied = applyProposal(d, proposal, true);
    expect(proposal.pipeline.from).toBe("Zoho CRM's default lead statuses");
    expect(d.stages.map((s) => s.name)).toEqual(['Not Contacted', 'Attempted to Contact', 'Contacted', 'Pre-Qualified', 'Converted']);
    expect(d.columns).toMatchObject({ status: 'Lead Status', arrived: 'Created Time', owner: 'Lead Owner', source: 'Lead Source', result: '' });
    const converted = stageByName(d, 'converted')!;
    expect(converted.flagColumn).toBe('CONVERTED');
    expect([...applied.guesses.keys()]).toEqual([`sf-${converted.id}`]);
    expect(applied.guesses.get(`sf-${converted.id}`)).toMatchObject({ header: 'CONVERTED', sure: false, why: 'a yes/no column named after the stage Converted' });
    expect(applied.sure.map((p) => p.field).sort()).toEqual(['arrived', 'owner', 'source', 'status']);
    expect(d.rules).toHaveLength(1); // the rules and thresholds are the user's
    // "Call Back" is no Zoho status: placed by its words, a guess the first screen shows.
    expect(proposal.pipeline.statuses.filter((s) => s.how === 'words').map((s) => [s.status, s.means])).toEqual([['Call Back', 'Attempted to Contact']]);
    expect(placement(d, 'Call Back')).toBe('→ Attempted to Contact');
    const saved = setupFromDraft(d);
    expect(saved.columns.stageFlags).toEqual({ Converted: 'CONVERTED' });
    expect(validateSetup(saved, headers).problems).toEqual([]);
  });

  it('keeps the user\'s pipeline when asked, putting stage columns on the stage of the same name', () => {
    const { headers, rows } = zohoSheet();
    const proposal = proposeSetup('Leads', headers, rows);
    const d = draftFromSetup(defaultSetup('Leads'));
    const before = pipelineKey(d);
    d.stages[3].name = 'converted'; // the user's own name for it, spelled another way
    const applied = applyProposal(d, proposal, false);
    expect(d.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Qualified', 'converted', 'Closed-Won']);
    expect(d.stages[3].flagColumn).toBe('CONVERTED');
    expect(applied.dropped).toEqual([]);
    expect(pipelineKey(d)).not.toBe(before);
    // By an alias too ("Converted" is one of Converted to Opportunity's)...
    d.stages[3].name = 'Converted to Opportunity';
    applyProposal(d, proposal, false);
    expect(d.stages[3].flagColumn).toBe('CONVERTED');
    // ...and a stage the pipeline does not have is left out, not put elsewhere.
    d.stages[3].aliases = [];
    const again = applyProposal(d, proposal, false);
    expect(again.dropped.map((p) => p.field)).toEqual(['stageFlag:Converted']);
    expect(d.stages.every((s) => !s.flagColumn)).toBe(true);
  });

  it('says where a status placed by its words sits', () => {
    const d = draftFromSetup(proposeSetup('Leads', ['Status'], [['New Enquiry'], ['Contacted'], ['Payment Done'], ['Lost'], ['Contacted']]).setup);
    expect(d.stages.map((s) => s.name)).toEqual(['New Enquiry', 'Contacted', 'Payment Done']);
    expect(placement(d, 'payment done')).toBe('its own stage, 3rd of 3');
    expect(placement(d, 'Lost')).toBe('its own exit, after New Enquiry');
    expect(placement(d, 'Call Back')).toBeUndefined();
  });
});

describe('the first screen\'s words', () => {
  it('counts the leads not counted and their share', () => {
    expect(notCounted([{ status: 'Call Back', count: 30 }, { status: 'Waiting', count: 6 }], 300)).toEqual({ leads: 36, share: 0.12 });
    expect(notCounted([], 0)).toEqual({ leads: 0, share: 0 });
    expect([percent(0.12), percent(0.004), percent(0.0004), percent(0)]).toEqual(['12%', '0.4%', '< 0.1%', '0%']);
  });

  it('finds a day-first text date of the column in the sheet\'s own rows, and the name the kept sheet will get', () => {
    const rows = [['2017-01-09 00:00:00', 'x'], ['05/10/2017', 'x'], [' 20/10/2017', 'x'], ['21/10/2017', 'x']];
    expect(dayFirstExample(rows, 0)).toBe('20/10/2017');
    expect(dayFirstExample(rows, 1)).toBeUndefined();
    expect(freeSheetName(['Leads'], 'Enquiry date as imported')).toBe('Enquiry date as imported');
    expect(freeSheetName(['Enquiry date as imported', 'Enquiry date as imported (2)'], 'Enquiry date as imported')).toBe('Enquiry date as imported (3)');
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
