import { describe, expect, it } from 'vitest';
import { LeadFlowError } from '../../src/core/errors';
import {
  DEFAULT_PIPELINE, Pipeline, defaultPipeline, parsePipelineRange, parsePipelineText, pipelineFromArg, reachedFromStageDates,
  reachedFromStatuses, readReached,
} from '../../src/core/pipeline';
import { timeZoneClock, utcClock } from '../../src/core/time';
import { DateReader } from '../../src/core/values';

const ctx = { fn: 'FUNNEL', arg: 'stages' };
const lctx = { fn: 'FUNNEL', arg: 'statuses_or_stage_dates' };
const STAGES = ['Arrived', 'Reviewed', 'Qualified', 'Converted to Opportunity', 'Closed-Won'];
const wall = (y: number, m: number, d: number, h = 0, mi = 0) => Date.UTC(y, m - 1, d, h, mi);

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** What a status means, in words: the furthest stage reached and the exit taken. */
function meaning(p: Pipeline, status: string): [string, string | null] | undefined {
  const r = p.resolve(status);
  if (!r) return undefined;
  return [p.stageNames[r.stage], r.exit >= 0 ? p.exitNames[r.exit] : null];
}

describe('the default pipeline', () => {
  const p = defaultPipeline();

  it('has the five stages in order and four exits', () => {
    expect(p.stageNames).toEqual(STAGES);
    expect(p.exitNames).toEqual(['Disqualified', 'Nurturing', 'Closed-Lost', 'Lost']);
  });

  it.each([
    // pinned statuses
    ['Disqualified', 'Reviewed', 'Disqualified'],
    ['Closed-Lost', 'Converted to Opportunity', 'Closed-Lost'],
    ['Nurturing', 'Qualified', 'Nurturing'],
    ['Closed Won', 'Closed-Won', null],
    ['qualified ', 'Qualified', null],
    // aliases
    ['Junk Lead', 'Reviewed', 'Disqualified'],
    ['junk lead', 'Reviewed', 'Disqualified'],
    // lost, but not said where: claims only the arrival
    ['Lost Lead', 'Arrived', 'Lost'],
    ['Not Qualified', 'Reviewed', 'Disqualified'],
    ['Unqualified', 'Reviewed', 'Disqualified'],
    ['Won', 'Closed-Won', null],
    ['CLOSED WON', 'Closed-Won', null],
    ['closed_won', 'Closed-Won', null],
    ['Lost', 'Arrived', 'Lost'],
    ['Deal Lost', 'Converted to Opportunity', 'Closed-Lost'],
    ['Closed Lost', 'Converted to Opportunity', 'Closed-Lost'],
    ['Lost to Competition', 'Converted to Opportunity', 'Closed-Lost'],
    ['Contact in Future', 'Qualified', 'Nurturing'],
    ['nurture', 'Qualified', 'Nurturing'],
    ['New', 'Arrived', null],
    ['Not Contacted', 'Arrived', null],
    ['Open', 'Arrived', null],
    ['Contacted', 'Reviewed', null],
    ['Attempted to Contact', 'Reviewed', null],
    ['Working', 'Reviewed', null],
    ['Pre-Qualified', 'Qualified', null],
    ['SQL', 'Qualified', null],
    ['MQL', 'Qualified', null],
    ['Converted', 'Converted to Opportunity', null],
    ['Opportunity', 'Converted to Opportunity', null],
    ['Proposal/Price Quote', 'Converted to Opportunity', null],
    ['Negotiation', 'Converted to Opportunity', null],
    ['Id. Decision Makers', 'Converted to Opportunity', null],
  ])('%j → reached %s (exit %s)', (status, stage, exit) => {
    expect(meaning(p, status)).toEqual([stage, exit]);
  });

  it('leaves unknown statuses unresolved', () => {
    expect(p.resolve('Demo Scheduled')).toBeUndefined();
    expect(p.resolve('Qualifiedd')).toBeUndefined();
  });

  it('an exit counts as the stage it left from', () => {
    for (const e of DEFAULT_PIPELINE.exits) {
      const r = p.resolve(e.name)!;
      expect(p.stageNames[r.stage]).toBe(e.from);
    }
    expect(DEFAULT_PIPELINE.exits.find((e) => e.name === 'Nurturing')!.removes).toBe(false);
    expect(DEFAULT_PIPELINE.exits.find((e) => e.name === 'Disqualified')!.removes).toBe(true);
    expect(DEFAULT_PIPELINE.exits.find((e) => e.name === 'Closed-Lost')!.removes).toBe(true);
  });

  it('requireStage accepts names and aliases and names the stages when it fails', () => {
    expect(p.requireStage('qualified', { fn: 'FUNNELCONVERSION', arg: 'from_stage' })).toBe(2);
    expect(p.requireStage('Won', { fn: 'FUNNELCONVERSION', arg: 'to_stage' })).toBe(4);
    expect(() => p.requireStage('Disqualified', { fn: 'FUNNELCONVERSION', arg: 'from_stage' })).toThrow(
      'FUNNELCONVERSION: from_stage is "Disqualified", which is not a stage; expected one of: Arrived, Reviewed, Qualified, Converted to Opportunity, Closed-Won.',
    );
    expect(() => p.requireStage('', { fn: 'FUNNELCONVERSION', arg: 'to_stage' })).toThrow(/FUNNELCONVERSION: to_stage is empty/);
  });
});

describe('reachedFromStatuses', () => {
  it('maps each row to its furthest stage and exit; blank rows stay -1', () => {
    const p = defaultPipeline();
    const r = reachedFromStatuses(['New', '', 'Disqualified', 'Closed Won', null, 'Nurturing', 'Lost', 'qualified '], p, lctx);
    expect(Array.from(r.stage)).toEqual([0, -1, 1, 4, -1, 2, 0, 2]);
    expect(Array.from(r.exit)).toEqual([-1, -1, 0, -1, -1, 1, 3, -1]);
  });

  it('names the unmatched status, its row and suggests an alias', () => {
    const p = defaultPipeline();
    const e = errorOf(() => reachedFromStatuses(['New', 'Won', 'Demo Scheduled'], p, lctx));
    expect(e).toBeInstanceOf(LeadFlowError);
    expect(e.message).toMatch(/^FUNNEL: statuses_or_stage_dates row 3 has the status "Demo Scheduled"/);
    expect(e.message).toContain('matches no stage or exit');
    expect(e.message).toContain('alias');
    expect(e.message).toContain('(Demo Scheduled)');
  });

  it('the suggested alias really fixes the status', () => {
    const p = new Pipeline(
      parsePipelineText('Arrived, Reviewed (Demo Scheduled), Qualified, Converted to Opportunity, Closed-Won; Disqualified after Reviewed', ctx),
      ctx,
    );
    expect(meaning(p, 'demo scheduled')).toEqual(['Reviewed', null]);
  });
});

describe('parsePipelineText', () => {
  it('reads stages in order with aliases, and exits with "after" and "(kept)"', () => {
    const def = parsePipelineText(
      'New (Open / Fresh), Working (Contacted, In Progress), Demo, Won (Signed); Junk (Spam) after New, Later after Demo (kept), Lost after Demo',
      ctx,
    );
    expect(def.stages).toEqual([
      { name: 'New', aliases: ['Open', 'Fresh'] },
      { name: 'Working', aliases: ['Contacted', 'In Progress'] },
      { name: 'Demo', aliases: [] },
      { name: 'Won', aliases: ['Signed'] },
    ]);
    expect(def.exits).toEqual([
      { name: 'Junk', aliases: ['Spam'], from: 'New', removes: true },
      { name: 'Later', aliases: [], from: 'Demo', removes: false },
      { name: 'Lost', aliases: [], from: 'Demo', removes: true },
    ]);
    const p = new Pipeline(def, ctx);
    expect(meaning(p, 'spam')).toEqual(['New', 'Junk']);
    expect(meaning(p, 'in-progress')).toEqual(['Working', null]);
    expect(meaning(p, 'LATER')).toEqual(['Demo', 'Later']);
    expect(meaning(p, 'signed')).toEqual(['Won', null]);
  });

  it('accepts ">" between stages and "kept" without parentheses', () => {
    const def = parsePipelineText('Arrived > Reviewed > Won; Parked after Reviewed kept', ctx);
    expect(def.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Won']);
    expect(def.exits).toEqual([{ name: 'Parked', aliases: [], from: 'Reviewed', removes: false }]);
  });

  it('lets an exit leave after a stage named by its alias', () => {
    const p = new Pipeline(parsePipelineText('Arrived, Reviewed (Contacted), Won; Bounced after Contacted', ctx), ctx);
    expect(meaning(p, 'Bounced')).toEqual(['Reviewed', 'Bounced']);
  });

  it('rejects an exit not written as "NAME after STAGE"', () => {
    expect(() => parsePipelineText('Arrived, Reviewed; Disqualified', ctx)).toThrow(
      /^FUNNEL: stages has the exit "Disqualified"; expected an exit written as "NAME after STAGE"/,
    );
  });
});

describe('parsePipelineRange', () => {
  it('reads one row per stage or exit, skipping a header row and blank rows', () => {
    const grid = [
      ['Stage', 'Aliases', 'Leaves after', 'Removes'],
      ['New', 'Open, Fresh', '', ''],
      ['', '', '', ''],
      ['Working', 'Contacted / In Progress', '', ''],
      ['Won', '', '', ''],
      ['Junk', 'Spam', 'New', ''],
      ['Later', '', 'Working', 'kept'],
      ['Stalled', '', 'Working', false],
      ['Lost', '', 'Working', true],
    ];
    const def = parsePipelineRange(grid, ctx);
    expect(def.stages).toEqual([
      { name: 'New', aliases: ['Open', 'Fresh'] },
      { name: 'Working', aliases: ['Contacted', 'In Progress'] },
      { name: 'Won', aliases: [] },
    ]);
    expect(def.exits).toEqual([
      { name: 'Junk', aliases: ['Spam'], from: 'New', removes: true },
      { name: 'Later', aliases: [], from: 'Working', removes: false },
      { name: 'Stalled', aliases: [], from: 'Working', removes: false },
      { name: 'Lost', aliases: [], from: 'Working', removes: true },
    ]);
  });

  it('reads a single column of stage names without a header', () => {
    const def = parsePipelineRange([['Arrived'], ['Reviewed'], ['Won']], ctx);
    expect(def.stages.map((s) => s.name)).toEqual(['Arrived', 'Reviewed', 'Won']);
    expect(def.exits).toEqual([]);
  });

  it('rejects a row with aliases but no name', () => {
    expect(() => parsePipelineRange([['Arrived', ''], ['', 'Contacted']], ctx)).toThrow(
      /^FUNNEL: stages has a row with aliases but no stage name/,
    );
  });
});

describe('pipelineFromArg', () => {
  it('uses the default pipeline when the argument is omitted or blank', () => {
    for (const v of [undefined, null, '', '  ', [['']], [[''], ['']]]) expect(pipelineFromArg(v, ctx).stageNames).toEqual(STAGES);
  });

  it('reads a one-cell range as text and a larger range as rows', () => {
    expect(pipelineFromArg([['New, Working, Won']], ctx).stageNames).toEqual(['New', 'Working', 'Won']);
    expect(pipelineFromArg('New > Won', ctx).stageNames).toEqual(['New', 'Won']);
    expect(pipelineFromArg([['Stage'], ['New'], ['Won']], ctx).stageNames).toEqual(['New', 'Won']);
  });
});

describe('pipeline errors', () => {
  it('rejects an alias claimed by two stages, naming both', () => {
    const e = errorOf(() => pipelineFromArg('Arrived (New), Reviewed (New, Contacted), Won', ctx));
    expect(e).toBeInstanceOf(LeadFlowError);
    expect(e.message).toMatch(/^FUNNEL: stages names "New" twice/);
    expect(e.message).toContain('stage Arrived');
    expect(e.message).toContain('stage Reviewed');
  });

  it('rejects an alias claimed by a stage and an exit', () => {
    expect(() => pipelineFromArg('Arrived, Reviewed (Lost), Won; Lost after Reviewed', ctx)).toThrow(/names "Lost" twice/);
  });

  it('rejects two stages whose names differ only in case or hyphens', () => {
    expect(() => pipelineFromArg('Arrived, Closed-Won, closed won', ctx)).toThrow(/FUNNEL: stages names "closed won" twice/);
  });

  it('rejects duplicate stage names spelled exactly alike', () => {
    expect(() => pipelineFromArg('Arrived, Reviewed, Reviewed, Won', ctx)).toThrow(/FUNNEL: stages names "Reviewed" twice/);
  });

  it('rejects duplicate exit names spelled exactly alike', () => {
    expect(() => pipelineFromArg('Arrived, Reviewed, Won; Lost after Arrived, Lost after Reviewed', ctx)).toThrow(/names "Lost" twice/);
  });

  it('rejects an exit leaving after an unknown stage, listing the stages', () => {
    expect(() => pipelineFromArg('Arrived, Reviewed, Won; Lost after Negotiation', ctx)).toThrow(
      'FUNNEL: stages says exit "Lost" leaves after "Negotiation", which is not one of the stages (Arrived, Reviewed, Won).',
    );
  });

  it('rejects an empty stage name', () => {
    expect(() => pipelineFromArg('Arrived, (Contacted), Won', ctx)).toThrow(/^FUNNEL: stages has an empty name/);
  });

  it('rejects a pipeline without stages', () => {
    expect(() => pipelineFromArg('; Lost after Arrived', ctx)).toThrow(/FUNNEL: stages lists no stages/);
  });
});

describe('reachedFromStageDates and readReached', () => {
  const dates = new DateReader(utcClock);

  it('takes the furthest stage that has a date', () => {
    const p = defaultPipeline();
    const grid = [
      [new Date('2026-03-01T10:00:00Z'), '', '', '', ''],
      [new Date('2026-03-02T10:00:00Z'), new Date('2026-03-04T10:00:00Z'), new Date('2026-03-09T10:00:00Z'), '', ''],
      ['', '', '', '', ''],
      ['2026-03-03', '2026-03-05', '2026-03-10', '2026-03-20', '2026-04-02'],
      [46082, '', 46090, '', ''], // a skipped stage still counts as reached
    ];
    const r = reachedFromStageDates(grid, p, dates, lctx);
    expect(Array.from(r.stage)).toEqual([0, 2, -1, 4, 2]);
    expect(Array.from(r.exit)).toEqual([-1, -1, -1, -1, -1]);
    expect(r.dates![2][1]).toBe(wall(2026, 3, 9, 10));
    expect(r.dates![4][3]).toBe(wall(2026, 4, 2));
    expect(r.dates![1][0]).toBeNaN();
  });

  it('reads Date objects in the spreadsheet time zone', () => {
    const p = defaultPipeline();
    const ny = new DateReader(timeZoneClock('America/New_York'));
    const r = reachedFromStageDates([[new Date('2026-04-01T03:30:00Z'), '']], p, ny, lctx);
    expect(r.dates![0][0]).toBe(wall(2026, 3, 31, 23, 30));
  });

  it('explains text in a date column: the range was read as one date column per stage', () => {
    const p = defaultPipeline();
    const e = errorOf(() => reachedFromStageDates([[new Date('2026-03-01'), ''], [new Date('2026-03-02'), 'Qualified']], p, dates, lctx));
    expect(e.message).toMatch(/^FUNNEL: statuses_or_stage_dates has 2 columns, so it is read as one date column per stage \(Arrived, Reviewed\)/);
    expect(e.message).toContain('row 2 column 2 holds "Qualified"');
    expect(e.message).toContain('not a date');
  });

  it('rejects more date columns than stages', () => {
    const p = new Pipeline(parsePipelineText('New, Won', ctx), ctx);
    expect(() => reachedFromStageDates([[1, 2, 3]], p, dates, lctx)).toThrow(
      /FUNNEL: statuses_or_stage_dates has 3 date columns but the pipeline has only 2 stages \(New, Won\)/,
    );
  });

  it('reads one column of text as statuses and one column of only dates as arrival dates', () => {
    const p = defaultPipeline();
    expect(Array.from(readReached([['Won'], [''], ['Junk Lead']], p, dates, lctx).stage)).toEqual([4, -1, 1]);
    expect(Array.from(readReached([[new Date('2026-03-01')], [''], [46100]], p, dates, lctx).stage)).toEqual([0, -1, 0]);
    expect(Array.from(readReached([], p, dates, lctx).stage)).toEqual([]);
  });
});
