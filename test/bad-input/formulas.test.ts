/**
 * Bad input to the custom functions, one case per line: the function, its arguments as Sheets
 * passes them (a range as rows of cells, a single cell as a bare value, an omitted argument as
 * undefined), and the class of message it must give (see helpers.ts), or the right result.
 */
import { describe, expect, it } from 'vitest';
import { LeadFlowError } from '../../src/core/errors';
import { callCustomFunction } from '../../src/functions/registry';
import {
  FormulaClass, LEADS_TABLE, col, day, env, expectCleanMessage, expectFormulaMessage, setupRange, setupWith,
} from './helpers';

const STATUSES = col(['New', 'Reviewed', 'Qualified']);
const ARRIVED = col([day(2026, 3, 1), day(2026, 3, 2), day(2026, 3, 3)]);
const FIVE_STAGE_DATES = [
  [day(2026, 3, 1), day(2026, 3, 3), '', '', ''],
  [day(2026, 3, 2), day(2026, 3, 6), day(2026, 3, 9), '', ''],
];
const BACKWARDS = [['2026-03-05', '2026-03-01'], ['2026-03-09', '2026-03-02']];
const HUGE = 'x'.repeat(10_000_000);
const BIG = 'y'.repeat(1_000_000);
const u = undefined;

const noHeader = setupRange();
const blankedFirstCell = (() => {
  const g = setupRange();
  g[0][0] = '';
  return g;
})();
const STAGES_5000 = col(Array.from({ length: 5000 }, (_, i) => `Stage ${i}`));
const FAR_APART = col([day(1900, 1, 1), day(9999, 12, 1)]);

type Case = [label: string, fn: string, args: unknown[], expected: FormulaClass | { ok: unknown }, mentions?: string | RegExp];

const CASES: Case[] = [
  // ---------------------------------------------------------------- too many / too few arguments
  ['=FUNNELSTAGE(A2:A4,,1): one argument too many', 'FUNNELSTAGE', [STATUSES, u, 1], 'arity', 'at most 2 arguments, but got 3'],
  ['FUNNELCONVERSION(…, "extra")', 'FUNNELCONVERSION', [STATUSES, 'Arrived', 'Qualified', u, u, u, u, 'extra'], 'arity', 'at most 7 arguments, but got 8'],
  ['NETLEADFLOW with 9 arguments', 'NETLEADFLOW', [ARRIVED, STATUSES, u, u, u, u, u, u, 9], 'arity', 'at most 8 arguments, but got 9'],
  ['FUNNEL with 7 arguments', 'FUNNEL', [STATUSES, u, u, u, u, u, 'x'], 'arity'],
  ['FUNNELBY with 7 arguments', 'FUNNELBY', [STATUSES, STATUSES, u, u, u, u, 'x'], 'arity'],
  ['FUNNELVALUE with 5 arguments', 'FUNNELVALUE', [STATUSES, 100, u, u, 'x'], 'arity'],
  ['FUNNELDAYS with 5 arguments', 'FUNNELDAYS', [FIVE_STAGE_DATES, u, u, u, 'x'], 'arity'],
  ['LEADSCORE with 4 arguments', 'LEADSCORE', [LEADS_TABLE, setupRange(), 'fit', 'x'], 'arity'],
  ['LEADTEMPERATURE with 3 arguments', 'LEADTEMPERATURE', [LEADS_TABLE, setupRange(), 'x'], 'arity'],
  ['LEADQUALIFICATION with 4 arguments', 'LEADQUALIFICATION', [LEADS_TABLE, setupRange(), true, 'x'], 'arity'],
  ['an extra argument that is blank still counts', 'FUNNELSTAGE', [STATUSES, u, ''], 'arity'],
  ['FUNNEL with no arguments', 'FUNNEL', [], 'missing', 'statuses_or_stage_dates is missing'],
  ['NETLEADFLOW without statuses', 'NETLEADFLOW', [ARRIVED], 'missing', 'statuses is missing'],
  ['FUNNELCONVERSION without to_stage', 'FUNNELCONVERSION', [STATUSES, 'Arrived'], 'missing', 'to_stage is missing'],
  ['FUNNELVALUE without deal_values', 'FUNNELVALUE', [STATUSES], 'missing', 'deal_values is missing'],
  ['FUNNELBY with group_by left empty', 'FUNNELBY', [STATUSES, ''], 'missing', 'group_by is missing'],
  ['LEADSCORE without the setup', 'LEADSCORE', [LEADS_TABLE], 'missing', 'setup is missing'],

  // ---------------------------------------------------------------- silent guesses
  ['statuses numbered 1, 2, 3 are statuses, not days of 1900', 'FUNNELSTAGE', [col([1, 2, 3])], 'status', 'has the status 1'],
  ['FUNNEL over numbered statuses', 'FUNNEL', [col([1, 2, 3])], 'status'],
  ['numbered statuses with numbered stages', 'FUNNELSTAGE', [col([1, 2, 3]), '1, 2, 3'], { ok: [['1'], ['2'], ['3']] }],
  ['two columns of small numbers are not stage dates', 'FUNNEL', [[[1, 2], [2, 3]]], 'notADate', /holds the number 1, which is not a date/],
  ['arrival dates of 1, 2, 3 are not dates', 'NETLEADFLOW', [col([1, 2, 3]), STATUSES], 'notADate', 'row 1 holds the number 1'],
  ['the text date 0099-03-01 is no date of 1999', 'NETLEADFLOW', [col(['0099-03-01']), col(['New'])], 'notADate', '"0099-03-01"'],
  ['0099-03-01 as a cohort start', 'FUNNEL', [STATUSES, u, ARRIVED, '0099-03-01'], 'notADate', 'start'],
  ['FUNNELDAYS with the later stage dated first', 'FUNNELDAYS', [BACKWARDS, 'Arrived', 'Reviewed'], 'order', /Reviewed date comes before the Arrived date/],
  ['FUNNELDAYS table with time running backwards', 'FUNNELDAYS', [BACKWARDS], 'order', 'in stage order'],
  ['FUNNELDAYS from a serial-1900 column', 'FUNNELDAYS', [[[day(2026, 1, 1), 1], [day(2026, 1, 2), 2]]], 'notADate', 'holds the number 1'],
  ['a deal value of Infinity', 'FUNNEL', [STATUSES, u, u, u, u, col([1, Infinity, 3])], 'notANumber', '#NUM!'],
  ['a deal value of NaN', 'FUNNEL', [STATUSES, u, u, u, u, col([1, NaN, 3])], 'notANumber', 'row 2'],
  ['an invalid Date as an arrival', 'FUNNEL', [STATUSES, u, col([day(2026, 3, 1), new Date(NaN), day(2026, 3, 3)]), day(2026, 1, 1)], 'notADate', 'invalid date'],

  // ---------------------------------------------------------------- misleading messages
  ['FUNNEL(A2:A2,,B2:C2,…): a row, not 2 rows', 'FUNNEL', ['New', u, [[day(2026, 3, 1), day(2026, 3, 2)]], day(2026, 1, 1)], 'height', 'arrived_dates has 1 row and 2 columns'],
  ['NETLEADFLOW statuses given as a row', 'NETLEADFLOW', [ARRIVED, [['New', 'New']]], 'height', 'statuses has 1 row and 2 columns'],
  ['FUNNELBY group_by shorter than the leads', 'FUNNELBY', [STATUSES, col(['Web', 'Ads'])], 'height', 'group_by has 2'],
  ['deal values one row short', 'FUNNEL', [STATUSES, u, u, u, u, col([1, 2])], 'height', 'deal_values has 2'],
  ['a stages text with an unclosed parenthesis', 'FUNNEL', [STATUSES, 'New (Fresh, Won'], 'stagesText', 'a "(" that is never closed in "New (Fresh, Won"'],
  ['a stages text with a stray ")"', 'FUNNEL', [STATUSES, 'New), Won'], 'stagesText', 'a ")" with no "("'],
  ['an exit written without "after"', 'FUNNEL', [STATUSES, 'New, Won; Lost before New'], 'stagesText', 'expected an exit written as "NAME after STAGE"'],
  ['a stage named twice', 'FUNNEL', [STATUSES, 'New, Won, New'], 'stagesText', 'names "New" twice'],
  ['an exit after a stage that is not there', 'FUNNEL', [STATUSES, 'New, Won; Lost after Qualified'], 'stagesText', 'not one of the stages (New, Won)'],
  ['a range of 5,000 stages', 'FUNNEL', [STATUSES, STAGES_5000], 'stagesText', 'a pipeline has at most 1,000: give the stage list'],
  ['LEADSCORE(A2:M61, LeadFlowSetup) without the header row', 'LEADSCORE', [LEADS_TABLE.slice(1), setupRange()], 'headerRow', 'must start with the header row'],
  ['LEADSCORE on a range without the mapped columns', 'LEADSCORE', [[['Alpha', 'Beta'], ['a', 'b']], noHeader], 'setupRow', 'There is no column "Status" in the header row'],
  ['a hand-edited threshold of -1e9', 'LEADSCORE', [LEADS_TABLE, setupWith('Threshold', 'MQL fit', 2, '-1e9')], 'setupRow', /Row \d+ of the setup sheet \(Threshold MQL fit\): Must be 0 or more/],
  ['the same threshold seen by FUNNEL', 'FUNNEL', [STATUSES, setupWith('Threshold', 'MQL fit', 2, '-1e9')], 'setupRow', 'Threshold MQL fit'],
  ['a threshold that is not a number', 'FUNNEL', [STATUSES, setupWith('Threshold', 'SQL fit', 2, 'lots')], 'setupRow', 'needs a number, but holds "lots"'],
  ['the setup sheet\'s first cell blanked (FUNNEL)', 'FUNNEL', [STATUSES, blankedFirstCell], 'setupSheet', 'first cell no longer says "LeadFlow setup"'],
  ['the setup sheet\'s first cell blanked (LEADSCORE)', 'LEADSCORE', [LEADS_TABLE, blankedFirstCell], 'setupSheet', 'first cell no longer says "LeadFlow setup"'],
  ['LEADTEMPERATURE given stages text as its setup', 'LEADTEMPERATURE', [LEADS_TABLE, 'Arrived, Won'], 'setupSheet', 'must be the LeadFlow setup range'],
  ['a setup row of an unknown kind', 'FUNNEL', [STATUSES, setupWith('Flow', 'Inactive days', 0, 'Flux')], 'setupRow', 'is not a kind of setting'],

  // ---------------------------------------------------------------- unbounded messages
  ['a 10 MB status', 'FUNNEL', [col(['New', HUGE])], 'status', 'row 2 has the status "xxx'],
  ['a 10 MB stages text', 'FUNNELSTAGE', [col(['New']), HUGE], 'stagesText', 'is a text of 10,000,000 characters'],
  ['a 40,000-character stage name', 'FUNNELSTAGE', [col(['New']), 'z'.repeat(40_000)], 'status', 'matches no stage or exit of the pipeline (zzz'],
  ['a 1 MB from_stage', 'FUNNELCONVERSION', [STATUSES, BIG, 'Qualified'], 'notAStage', 'from_stage is "yyy'],
  ['a 1 MB part', 'LEADSCORE', [LEADS_TABLE, setupRange(), BIG], 'range', 'part is "yyy'],
  ['a 1 MB deal value', 'FUNNEL', [STATUSES, u, u, u, u, BIG], 'notANumber', 'deal_values holds "yyy'],
  ['a 1 MB start', 'NETLEADFLOW', [ARRIVED, STATUSES, BIG], 'period', 'start is "yyy'],
  ['a 1 MB arrival date', 'NETLEADFLOW', [col([BIG]), col(['New'])], 'notADate'],
  ['a 1 MB header with LEADSCORE', 'LEADSCORE', [[['Name', BIG, 'Email', 'Industry', 'Status'], ['Ann', 1, 'a@b.co', 'SaaS', 'New']], setupRange()], { ok: [['Lead score'], [40]] }],
  ['a 1 MB stage name in the setup sheet', 'FUNNEL', [STATUSES, setupWith('Stage', 'Arrived', 1, BIG)], 'setupRow', 'Keep names under 100 characters'],
  ['a 1 MB kind in the setup sheet', 'FUNNEL', [STATUSES, setupWith('Flow', 'Inactive days', 0, BIG)], 'setupRow', 'is not a kind of setting'],

  // ---------------------------------------------------------------- runaway work
  ['a weekly table from 1900 to 9999', 'NETLEADFLOW', [FAR_APART, col(['New', 'New']), 'week'], 'period', 'a table stops at 10,000 periods'],
  ['a period table with an end', 'NETLEADFLOW', [ARRIVED, STATUSES, 'month', day(2026, 3, 31)], 'period', 'end must be empty'],
  ['a period that is not one', 'NETLEADFLOW', [ARRIVED, STATUSES, 'fortnight'], 'period', '"week", "month", "quarter" or "year"'],

  // ---------------------------------------------------------------- values that make no sense together
  ['start after end', 'FUNNEL', [STATUSES, u, ARRIVED, day(2026, 4, 1), day(2026, 3, 1)], 'order', 'start is after end'],
  ['NETLEADFLOW start after end', 'NETLEADFLOW', [ARRIVED, STATUSES, day(2026, 4, 1), day(2026, 3, 1)], 'order', 'start (2026-04-01) is after end'],
  ['a cohort without arrival dates', 'FUNNEL', [STATUSES, u, u, day(2026, 1, 1)], 'needs', 'arrived_dates is needed'],
  ['to_stage before from_stage', 'FUNNELCONVERSION', [STATUSES, 'Qualified', 'Arrived'], 'order', 'comes before from_stage'],
  ['FUNNELDAYS to_stage before from_stage', 'FUNNELDAYS', [FIVE_STAGE_DATES, 'Reviewed', 'Arrived'], 'order', 'must come after from_stage'],
  ['no lead reached from_stage', 'FUNNELCONVERSION', [col(['New', 'New']), 'Qualified', 'Closed-Won'], 'nothing', 'no lead in the cohort reached Qualified'],
  ['a stage that is not in the pipeline', 'FUNNELVALUE', [STATUSES, 100, 'Frobbed'], 'notAStage', 'stage is "Frobbed"'],
  ['an empty from_stage', 'FUNNELDAYS', [FIVE_STAGE_DATES, '', 'Reviewed'], 'notAStage', 'from_stage is empty'],
  ['an average deal value below zero', 'FUNNEL', [STATUSES, u, u, u, u, -5], 'range', 'one average deal value of 0 or more'],
  ['negative inactive_days', 'NETLEADFLOW', [ARRIVED, STATUSES, u, u, u, ARRIVED, -3], 'range', 'inactive_days is -3; expected a number of 0 or more'],
  ['inactive_days without activity dates', 'NETLEADFLOW', [ARRIVED, STATUSES, u, u, u, u, 30], 'needs', 'last_activity_dates is needed'],
  ['a range where one stage name is expected', 'FUNNELCONVERSION', [STATUSES, col(['Arrived', 'New']), 'Qualified'], 'singleValue', 'from_stage must be a single value, but got a range of 2×1'],
  ['show_rules given a range', 'LEADQUALIFICATION', [LEADS_TABLE, setupRange(), [[true, false]]], 'singleValue', 'show_rules'],
  ['FUNNELDAYS over one column', 'FUNNELDAYS', [col([day(2026, 3, 1)])], 'needs', 'at least two'],
  ['a status where stage dates are read', 'FUNNEL', [[[day(2026, 3, 1), ''], [day(2026, 3, 2), 'Qualified']]], 'notADate', 'row 2 column 2 holds "Qualified"'],
  ['an arrival missing for a lead with a status', 'NETLEADFLOW', [col([day(2026, 3, 1), '']), col(['New', 'Reviewed'])], 'needs', 'row 2 is empty but the lead has the status "Reviewed"'],
  ['statuses over two columns', 'NETLEADFLOW', [ARRIVED, [['New', 'x'], ['New', 'y'], ['New', 'z']]], 'column', 'statuses must be a single column, but has 2 columns'],
  ['more stage date columns than stages', 'FUNNEL', [[[day(2026, 3, 1), day(2026, 3, 2), day(2026, 3, 3)]], 'New, Won'], 'range', 'has 3 date columns but the pipeline has only 2 stages'],
  ['LEADSCORE over an empty range', 'LEADSCORE', [[], setupRange()], 'headerRow', 'is empty'],
  ['LEADSCORE whose first row is blank', 'LEADSCORE', [[['', ''], ['Ann', 'SaaS']], setupRange()], 'headerRow', 'starts with a blank row'],
  ['FUNNELVALUE of a stage with no values', 'FUNNELVALUE', [STATUSES, col(['', '', '']), 'Arrived'], 'needs', 'deal_values holds no value'],
  ['a status in a date column after a date', 'FUNNEL', [col([day(2026, 3, 1), 'Won'])], 'notADate', 'holds "Won"'],
  ['a function LeadFlow does not have', 'FUNNELS', [STATUSES], 'unknown', 'FUNNELS'],
];

describe('bad input to the custom functions: each gives its clear message, or the right result', () => {
  it.each(CASES)('%s', (_label, fn, args, expected, mentions) => {
    let result: unknown;
    let error: unknown;
    try {
      result = callCustomFunction(fn, args, env);
    } catch (e) {
      error = e;
    }
    if (typeof expected === 'object') {
      expect(error, error instanceof Error ? error.message : '').toBeUndefined();
      expect(result).toEqual(expected.ok);
      return;
    }
    expect(error, `${fn} returned ${JSON.stringify(result)?.slice(0, 200)}`).toBeInstanceOf(LeadFlowError);
    expectFormulaMessage((error as Error).message, fn, expected, mentions);
  });

  it('has at least 80 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
  });

  it('a message never quotes more than a short excerpt of what it was given', () => {
    for (const [, fn, args] of CASES) {
      try {
        callCustomFunction(fn, args, env);
      } catch (e) {
        expectCleanMessage((e as Error).message, fn);
        expect((e as Error).message).not.toMatch(/(.)\1{60}/);
      }
    }
  });
});
