import { describe, expect, it } from 'vitest';
import { asRelativeName, callArguments, excelFunctionName, quoteSheetName, stringLiteral, toExcelFormula, valueLiteral } from '../../src/offline/files/formulas.ts';
import { excelSheetNames } from '../../src/offline/files/write.ts';

const xl = (f: string, cached: unknown = 0, renamed?: Map<string, string>) => toExcelFormula(f, cached, { renamedSheets: renamed });

describe('formulas for Excel and LibreOffice', () => {
  it('leaves classic functions alone and drops the leading "="', () => {
    expect(xl('=SUM(A1:A3)+COUNTIF(B:B,"Won")')).toMatchObject({ formula: 'SUM(A1:A3)+COUNTIF(B:B,"Won")', wrapped: false });
    expect(xl('=IFERROR(VLOOKUP(A2,Leads!A:C,3,FALSE),"")')?.formula).toBe('IFERROR(VLOOKUP(A2,Leads!A:C,3,FALSE),"")');
  });

  it('adds _xlfn. (and _xlws.) prefixes to newer Excel functions', () => {
    expect(xl('=IFS(A1>1,"big",TRUE,"small")')?.formula).toBe('_xlfn.IFS(A1>1,"big",TRUE,"small")');
    expect(xl('=TEXTJOIN(", ",TRUE,UNIQUE(B2:B9))')?.formula).toBe('_xlfn.TEXTJOIN(", ",TRUE,_xlfn.UNIQUE(B2:B9))');
    expect(xl('=FILTER(A2:A9,B2:B9="Won")')?.formula).toBe('_xlfn._xlws.FILTER(A2:A9,B2:B9="Won")');
    expect(xl('=SORT(A2:A9)')?.formula).toBe('_xlfn._xlws.SORT(A2:A9)');
    expect(xl('=MAXIFS(C:C,B:B,"x")+STDEV.S(C:C)+xlookup(1,A:A,B:B)')?.formula)
      .toBe('_xlfn.MAXIFS(C:C,B:B,"x")+_xlfn.STDEV.S(C:C)+_xlfn.XLOOKUP(1,A:A,B:B)');
    expect(excelFunctionName('networkdays.intl')).toBe('NETWORKDAYS.INTL');
  });

  it('does not prefix twice, nor touch text inside string literals or sheet names', () => {
    expect(xl('=_xlfn.IFS(A1,1)')?.formula).toBe('_xlfn.IFS(A1,1)');
    expect(xl('=CONCATENATE("IFS(", \'IFS(x)\'!A1, "A2:A")')?.formula).toBe('CONCATENATE("IFS(", \'IFS(x)\'!A1, "A2:A")');
  });

  it('closes Sheets\' open-ended ranges at Excel\'s last row', () => {
    expect(xl('=SUM(C2:C)')?.formula).toBe('SUM(C2:C1048576)');
    expect(xl('=COUNTIFS(Leads!$B$2:$B,"Won",\'Lead List\'!D2:F)')?.formula)
      .toBe('COUNTIFS(Leads!$B$2:$B1048576,"Won",\'Lead List\'!D2:F1048576)');
    expect(xl('=SUM(A:A)+SUM(2:2)+SUM(A1:B2)')?.formula).toBe('SUM(A:A)+SUM(2:2)+SUM(A1:B2)');
  });

  it('wraps Sheets-only formulas like Google Sheets\' own xlsx export, keeping the cached value', () => {
    const q = xl('=QUERY(Leads!A:E,"select B, count(A) group by B",1)', 'Source');
    expect(q).toMatchObject({ wrapped: true });
    expect(q?.formula).toBe('IFERROR(__xludf.DUMMYFUNCTION("QUERY(Leads!A:E,""select B, count(A) group by B"",1)"),"Source")');
    expect(xl('=ARRAYFORMULA(A2:A*2)', 4)?.formula).toBe('IFERROR(__xludf.DUMMYFUNCTION("ARRAYFORMULA(A2:A*2)"),4)');
    expect(xl('=REGEXMATCH(A2,"^Lead")', true)?.formula).toBe('IFERROR(__xludf.DUMMYFUNCTION("REGEXMATCH(A2,""^Lead"")"),TRUE)');
    expect(xl('=SPLIT(A2,",")', '#N/A')?.formula).toBe('IFERROR(__xludf.DUMMYFUNCTION("SPLIT(A2,"","")"),#N/A)');
    expect(xl('=LEADFLOW_SCORE(A2)', 0.5)?.wrapped).toBe(true); // an Apps Script custom function
    expect(xl('=LET(x,1,x+1)', 2)?.wrapped).toBe(true); // Excel needs _xlpm. parameter names
    // Sheets' FILTER with two conditions / SORT with an order read their arguments differently in Excel
    expect(xl('=FILTER(A2:A,B2:B="Won",C2:C>5)', 'x')?.wrapped).toBe(true);
    expect(xl('=SORT(A2:B,2,FALSE)', 'x')?.wrapped).toBe(true);
    expect(xl('=SORT(A2:B,2)', 'x')?.wrapped).toBe(false);
    expect(xl('=FILTER(A2:A,{1;0;1})', 'x')?.wrapped).toBe(false);
    // 'keep' writes them untouched
    expect(toExcelFormula('=QUERY(A:B,"select A")', 1, { sheetsOnlyFormulas: 'keep' })?.formula).toBe('QUERY(A:B,"select A")');
  });

  it('splits long literals at Excel\'s 255-character limit and gives up past 8192 characters', () => {
    const long = 'x'.repeat(600);
    expect(stringLiteral(long)).toBe(`"${'x'.repeat(255)}"&"${'x'.repeat(255)}"&"${'x'.repeat(90)}"`);
    expect(stringLiteral('say "hi"')).toBe('"say ""hi"""');
    expect(valueLiteral(1e21)).toBe('1E+21');
    expect(valueLiteral('')).toBe('""');
    expect(xl(`=QUERY(A:B,"${'y'.repeat(9000)}")`, 'z')).toBeNull();
  });

  it('rewrites references to sheets renamed for Excel', () => {
    const renamed = new Map([['Q1/Q2: Funnel', 'Q1_Q2_ Funnel'], ['Raw', 'Raw (2)']]);
    expect(xl("=SUM('Q1/Q2: Funnel'!B2:B)+Raw!A1", 0, renamed)?.formula).toBe("SUM('Q1_Q2_ Funnel'!B2:B1048576)+'Raw (2)'!A1");
    expect(quoteSheetName('Leads')).toBe('Leads');
    expect(quoteSheetName('A1')).toBe("'A1'");
    expect(quoteSheetName("Bob's")).toBe("'Bob''s'");
  });

  it('makes sheet names Excel accepts', () => {
    expect(excelSheetNames(['Leads', 'Q1/Q2: Funnel', 'leads', 'x'.repeat(40), 'History', "'quoted'", '[a]*?']))
      .toEqual(['Leads', 'Q1_Q2_ Funnel', 'leads (2)', 'x'.repeat(31), 'History_', 'quoted', '_a___']);
  });
  it('writes a per-lead formula as a defined name relative to A1, for the sheet and cell it was written for', () => {
    // Written for B2 of the per-lead sheet: the lead's row becomes row 1, unqualified cells get the sheet.
    expect(asRelativeName("IF('Leads'!$G2=\"\",$A2,VLOOKUP('Leads'!$G2,'Funnel'!$U$9:$Y$39,3,FALSE))", 'Funnel · per lead', 2, 2))
      .toBe("IF('Leads'!$G1=\"\",'Funnel · per lead'!$A1,VLOOKUP('Leads'!$G1,'Funnel'!$U$9:$Y$39,3,FALSE))");
    // Relative columns move too; a range keeps one sheet prefix; text, functions and numbers stay.
    expect(asRelativeName('SUM(C5:D7)+Raw!E5*2.5+LOG10(4)&"$A2"', 'Per lead', 5, 3)).toBe("SUM('Per lead'!A1:B3)+Raw!C1*2.5+LOG10(4)&\"$A2\"");
    expect(asRelativeName("COUNTIF($G:$G,'It''s'!$B$2)+SUM(5:6)", 'S', 5, 1)).toBe("COUNTIF(S!$G:$G,'It''s'!$B$2)+SUM(S!1:2)");
    // A row above the cell cannot be said relative to A1 without wrapping round the sheet: refused.
    expect(() => asRelativeName('$A1+1', 'S', 2, 2)).toThrow(/\$A1 .* above or left/);
    expect(() => asRelativeName('A2', 'S', 2, 2)).toThrow(/left/);
  });

  it('takes a call apart into its arguments, text and sheet names with commas and brackets included', () => {
    expect(callArguments(`IF('Leads'!$G1="",IF(N('Leads'!$F1)>0,1,""),IFERROR(MAX(1,2),0))`, 'IF'))
      .toEqual([`'Leads'!$G1=""`, `IF(N('Leads'!$F1)>0,1,"")`, 'IFERROR(MAX(1,2),0)']);
    expect(callArguments(`if('Deals, 2025 (won)'!$A1="a,""b)",{1,2;3,4},"")`, 'IF'))
      .toEqual([`'Deals, 2025 (won)'!$A1="a,""b)"`, '{1,2;3,4}', '""']);
    expect(callArguments(`IF(a,b,c)+1`, 'IF')).toBeNull();
    expect(callArguments(`IFERROR(a,0)`, 'IF')).toBeNull();
    expect(callArguments(`IF(a,"b`, 'IF')).toBeNull();
  });
});
