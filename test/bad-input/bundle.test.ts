/**
 * The same bad input typed into cells, through the built dist/Code.js in the offline host: Sheets
 * calls the generated wrapper with every argument typed (an omitted one as undefined), and the
 * cell shows #ERROR! with the message. One formula per line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../src/offline/host/index.ts';
import { FormulaClass, NY, expectFormulaMessage } from './helpers';

type Case = [formula: string, expected: FormulaClass | { ok: unknown[][] }, mentions?: string | RegExp];

const CASES: Case[] = [
  ['=FUNNELSTAGE(Leads!A2:A4,,1)', 'arity', 'takes at most 2 arguments, but got 3'],
  ['=FUNNELCONVERSION(Leads!A2:A4,"Arrived","Reviewed",,,,,"extra")', 'arity', 'takes at most 7 arguments, but got 8'],
  ['=NETLEADFLOW(Leads!B2:B4,Leads!A2:A4,,,,,,,9)', 'arity', 'takes at most 8 arguments, but got 9'],
  ['=FUNNEL(Leads!A2:A4,,,,,,1)', 'arity', 'takes at most 6 arguments, but got 7'],
  ['=LEADTEMPERATURE(Leads!A1:D4,"x","y")', 'arity', 'takes at most 2 arguments, but got 3'],
  ['=FUNNEL(Leads!A2:A2,,Leads!B2:C2,DATE(2026,1,1))', 'height', 'arrived_dates has 1 row and 2 columns'],
  ['=FUNNELSTAGE(Leads!C2:C4)', 'status', 'has the status 1'],
  ['=FUNNEL(Leads!A2:A4,"New (Fresh, Won")', 'stagesText', 'never closed'],
  ['=FUNNELDAYS(Leads!D2:E4,"Arrived","Reviewed")', 'order', 'Reviewed date comes before the Arrived date'],
  ['=NETLEADFLOW(Leads!F2:F4,Leads!A2:A4)', 'notADate', '"0099-03-01"'],
  ['=FUNNEL()', 'missing', 'statuses_or_stage_dates is missing'],
  ['=FUNNELCONVERSION(Leads!A2:A4,Leads!A2:A3,"Qualified")', 'singleValue'],
  // Omitted arguments typed as commas are not "too many".
  ['=FUNNELSTAGE(Leads!A2:A4,)', { ok: [['Arrived'], ['Reviewed'], ['Qualified']] }],
  ['=NETLEADFLOW(Leads!B2:B4,Leads!A2:A4,,)', { ok: [[3]] }],
  ['=FUNNELSTAGE(Leads!C2:C4,"1, 2, 3")', { ok: [['1'], ['2'], ['3']] }],
];

describe('bad input typed into cells, through the built bundle', () => {
  let host: Host;
  beforeAll(() => {
    host = createHost({ timeZone: NY });
    host.loadBundle();
    host.addSheet('Leads', [
      ['Status', 'Arrived', 'Numbered', 'Arrived on', 'Reviewed on', 'Typed date'],
      ['New', new Date(Date.UTC(2026, 0, 5, 5)), 1, '2026-03-05', '2026-03-01', '0099-03-01'],
      ['Reviewed', new Date(Date.UTC(2026, 0, 6, 5)), 2, '2026-03-09', '2026-03-02', '2026-03-02'],
      ['Qualified', new Date(Date.UTC(2026, 0, 7, 5)), 3, '2026-03-10', '2026-03-03', '2026-03-03'],
    ], { literal: true });
  });

  it.each(CASES)('%s', (formula, expected, mentions) => {
    const sheet = host.sheet('Sheet1');
    sheet.getRange('A1:C10').clear();
    sheet.getRange('A1').setFormula(formula);
    const message = host.errorMessage('Sheet1', 'A1');
    if (typeof expected === 'object') {
      expect(message).toBeUndefined();
      expect(host.values('Sheet1', `A1:A${expected.ok.length}`)).toEqual(expected.ok);
      return;
    }
    expect(host.values('Sheet1', 'A1')).toEqual([['#ERROR!']]);
    expect(message, formula).toBeDefined();
    expectFormulaMessage(message!, /^=(\w+)\(/.exec(formula)![1], expected, mentions);
  });
});
