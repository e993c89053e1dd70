/**
 * Formulas computed by HyperFormula through the host, for the functions LeadFlow's sheets use.
 * Expected values are what Google Sheets computes for the same cells.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../../src/offline/host/index.ts';
import type { Host } from '../../src/offline/host/index.ts';
import { wallTimeIn } from './helpers.ts';

const NY = 'America/New_York';
let host: Host;

beforeEach(() => {
  host = createHost({ timeZone: NY });
  host.addSheet('Leads', [
    ['Lead', 'Status', 'Arrived', 'Value', 'Source'],
    ['Ann', 'Won', wallTimeIn(NY, 2026, 1, 15, 9), 1000, 'Web'],
    ['Bob', 'won', wallTimeIn(NY, 2026, 2, 3, 14), 250, 'Referral'],
    ['Cid', 'Lost', wallTimeIn(NY, 2026, 2, 20, 11), 400, 'Web'],
    ['Dee', 'Open', wallTimeIn(NY, 2026, 3, 31, 23, 30), '', 'web'],
    ['Eve', 'Open', '', 50, ''],
  ]);
});

/** Writes formulas into Report!A1 downwards and reads their values back. */
function compute(...formulas: string[]): unknown[] {
  const report = host.spreadsheet.getSheetByName('Report') ?? host.spreadsheet.insertSheet('Report');
  report.getRange(1, 1, formulas.length, 1).setFormulas(formulas.map((f) => [f]));
  return report.getRange(1, 1, formulas.length, 1).getValues().map((r) => r[0]);
}

describe('conditional aggregation over another sheet', () => {
  it('COUNTIFS / SUMIFS / AVERAGEIFS with case-insensitive text criteria', () => {
    expect(compute(
      '=COUNTIFS(Leads!B:B,"won")',
      '=SUMIFS(Leads!D:D,Leads!B:B,"WON")',
      '=AVERAGEIFS(Leads!D:D,Leads!E:E,"web")',
      '=COUNTIFS(Leads!E2:E6,"<>")',
      '=COUNTIFS(Leads!A2:A6,"?e*")',
    )).toEqual([2, 1250, 700, 4, 1]);
  });

  it('date criteria built as ">=" & DATE(...) compare against date cells', () => {
    expect(compute(
      '=COUNTIFS(Leads!C:C,">="&DATE(2026,2,1),Leads!C:C,"<"&DATE(2026,3,1))',
      '=SUMIFS(Leads!D:D,Leads!C:C,"<"&DATE(2026,2,1))',
      '=COUNTIFS(Leads!C:C,">="&EOMONTH(DATE(2026,3,1),-1)+1)',
    )).toEqual([2, 1000, 1]);
  });

  it('AVERAGEIFS with no matching number is #DIV/0! as in Sheets', () => {
    expect(compute('=AVERAGEIFS(Leads!D:D,Leads!B:B,"nobody")')).toEqual(['#DIV/0!']);
  });
});

describe('FREQUENCY, which the funnel counts with', () => {
  it('spills one count per class (up to and including it) and one past the last; text and empty cells are skipped', () => {
    const report = host.spreadsheet.insertSheet('Report');
    // Values 1000, 250, 400, "", 50 (the empty value and the header are skipped).
    report.getRange(1, 1, 3, 1).setValues([[100], [400], [2000]]);
    report.getRange(1, 2).setFormula('=FREQUENCY(Leads!D:D,A1:A3)');
    expect(report.getRange(1, 2, 4, 1).getValues().map((r) => r[0])).toEqual([1, 2, 1, 0]);
  });

  it('counts an array expression inside ARRAYFORMULA, and a cell holding text in it is skipped', () => {
    const report = host.spreadsheet.insertSheet('Report');
    report.getRange(1, 1, 3, 1).setValues([[-1], [0], [1]]);
    // Per lead: 1 for "Won" in any case, 0 for the other statuses, "" for the lead without a source.
    report.getRange(1, 2).setFormula('=ARRAYFORMULA(FREQUENCY(IF(Leads!E2:E6="","",IF(Leads!B2:B6="won",1,0)),A1:A3))');
    expect(report.getRange(1, 2, 4, 1).getValues().map((r) => r[0])).toEqual([0, 2, 2, 0]);
  });
});

describe('lookups, logic and statistics', () => {
  it('INDEX/MATCH, IFERROR, MEDIAN, SUMPRODUCT', () => {
    expect(compute(
      '=INDEX(Leads!D2:D6,MATCH("cid",Leads!A2:A6,0))',
      '=IFERROR(MATCH("zed",Leads!A2:A6,0),"none")',
      '=MEDIAN(Leads!D2:D6)',
      '=SUMPRODUCT((Leads!E2:E6="web")*(Leads!D2:D6))',
    )).toEqual([400, 'none', 325, 1400]);
  });

  it('INT rounds down as in Sheets (HyperFormula alone rounds toward zero: INT(-8.9) = -8)', () => {
    expect(compute('=INT(-8.9)', '=INT(8.9)', '=SUMPRODUCT(INT(Leads!D2:D3/300))')).toEqual([-9, 8, 3]);
  });

  it('TRUE and FALSE work as constants, a reference to an empty cell reads as blank', () => {
    expect(compute('=TRUE', '=IF(FALSE,1,2)', '=Leads!Z99', '=ISBLANK(Leads!Z99)')).toEqual([true, 2, '', true]);
  });

  it('errors: #DIV/0!, #N/A from MATCH, #NAME? for unknown functions with Sheets\' tooltip', () => {
    expect(compute('=1/0', '=MATCH("zed",Leads!A2:A6,0)', '=NOSUCHFN(1)')).toEqual(['#DIV/0!', '#N/A', '#NAME?']);
    expect(host.errorMessage('Report', 'A3')).toBe("Unknown function: 'NOSUCHFN'.");
  });

  it('QUERY (which HyperFormula lacks) evaluates to #NAME? saying it is not supported offline', () => {
    expect(compute('=QUERY(Leads!A:E,"select A")')).toEqual(['#NAME?']);
    expect(host.errorMessage('Report', 'A1')).toBe('QUERY is not supported offline (HyperFormula has no QUERY).');
  });
});

describe('dates and text', () => {
  it('DATE and EOMONTH results are dates: getValues returns Dates at midnight in the spreadsheet time zone', () => {
    const [date, eom] = compute('=DATE(2026,3,31)', '=EOMONTH(DATE(2026,2,10),0)') as Date[];
    expect(date).toBeInstanceOf(Date);
    expect(date.getTime()).toBe(wallTimeIn(NY, 2026, 3, 31).getTime());
    expect(eom.getTime()).toBe(wallTimeIn(NY, 2026, 2, 28).getTime());
    expect(host.sheet('Report').getRange('A1').getNumberFormat()).toBe('M/d/yyyy');
  });

  it('TEXT formats dates and numbers with Sheets patterns', () => {
    expect(compute(
      '=TEXT(Leads!C5,"yyyy-mm-dd hh:mm")',
      '=TEXT(1234.5,"#,##0.00")',
      '=TEXT(0.256,"0.0%")',
      '=TEXT(DATE(2026,3,31),"mmm d, yyyy")',
    )).toEqual(['2026-03-31 23:30', '1,234.50', '25.6%', 'Mar 31, 2026']);
  });
});

describe('arrays and spilling', () => {
  it('FILTER and ARRAYFORMULA spill into the cells below', () => {
    const report = host.spreadsheet.insertSheet('Report');
    report.getRange('A1').setFormula('=FILTER(Leads!A2:A6,Leads!D2:D6>300)');
    report.getRange('B1').setFormula('=ARRAYFORMULA(Leads!D2:D4*2)');
    expect(report.getRange('A1:B4').getValues()).toEqual([['Ann', 2000], ['Cid', 500], ['', 800], ['', '']]);
    // Spilled cells have a value but no formula of their own, as in Sheets.
    expect(report.getRange('B2').getFormula()).toBe('');
  });

  it('FILTER with no match is #N/A in its own cell only, as in Sheets', () => {
    const report = host.spreadsheet.insertSheet('Report');
    report.getRange('A1').setFormula('=FILTER(Leads!A2:A6,Leads!D2:D6>5000)');
    expect(report.getRange('A1:A3').getValues()).toEqual([['#N/A'], [''], ['']]);
    expect(host.errorMessage('Report', 'A1')).toBe('No matches are found in FILTER evaluation.');
    expect(report.getLastRow()).toBe(1);
  });

  it('a spill blocked by a value shows #REF! (HyperFormula\'s #SPILL!)', () => {
    const report = host.spreadsheet.insertSheet('Report');
    report.getRange('A2').setValue('in the way');
    report.getRange('A1').setFormula('=ARRAYFORMULA(Leads!D2:D4*2)');
    expect(report.getRange('A1').getValue()).toBe('#REF!');
    expect(host.errorMessage('Report', 'A1')).toMatch(/would overwrite data/);
  });
});
