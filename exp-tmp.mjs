import { HyperFormula, FunctionPlugin, SimpleRangeValue, ArraySize, CellError, ErrorType } from 'hyperformula';
console.log(typeof SimpleRangeValue, typeof ArraySize, Object.keys(await import('hyperformula')).join(','));
class P extends FunctionPlugin {
  myf(ast, state) {
    const vals = ast.args.map(a => this.evaluateAst(a, state));
    console.log('args', vals.map(v => v instanceof SimpleRangeValue ? ['range', v.range && v.range.start, v.data] : v));
    if (vals[0] === 'boom') return new CellError(ErrorType.ERROR, 'Boom happened');
    return SimpleRangeValue.onlyValues([[1, 2], [3, 4], [5,6]]);
  }
  myfSize(ast, state) { return new ArraySize(2, 3); }
}
P.implementedFunctions = { MYF: { method: 'myf', sizeOfResultArrayMethod: 'myfSize' } };
HyperFormula.getLanguage('enGB').extendFunctions?.({ MYF: 'MYF' });
console.log(Object.keys(HyperFormula.getLanguage('enGB')));
const cfg = { licenseKey: 'gpl-v3', useArrayArithmetic: true, dateFormats: ['MM/DD/YYYY', 'MM/DD/YY', 'YYYY-MM-DD', 'YYYY/MM/DD'], nullDate: { year: 1899, month: 12, day: 30 },
  functionPlugins: [...HyperFormula.getAllFunctionPlugins(), P] };
const hf = HyperFormula.buildFromSheets({ S: [
  ['a', 1, '2026-03-31', '2026-03-31 23:30', '=MYF(A1:B2, C1, "x")', null, null],
  ['B', 2, '3/31/2026', '=DATE(2026,3,31)+TIME(23,30,0)', null, null],
  ['=COUNTIFS(A1:A2,"A")', '=SUMPRODUCT(B1:B2,B1:B2)', '=A1:A2&"!"', '=MYF("boom")', '=IFERROR(1/0,"z")', '=EOMONTH(C1,0)', '=TEXT(C1,"yyyy-mm-dd")'],
  ['=FILTER(B1:B2,B1:B2>1)', '=INDEX(A1:B2,MATCH("b",A1:A2,0),2)', '=MEDIAN(B1:B2)', '=AVERAGEIFS(B1:B2,A1:A2,"<>")', '=COUNTIFS(C1:C2,">="&DATE(2026,3,31))', '=sum( B1 , B2 )', "='S'!B1", '=A99', '=1/0', '=NA()', '=FOO()', '=SUM(', '=TRUE()', '=A5'],
  ['=QUERY(A1:B2,"select A")', '=ARRAYFORMULA(B1:B2*2)', '=SPLIT("a,b",",")', '=COUNTIF(A1:A2,"a*")', '=ROUND(2.5,0)', '=ISBLANK(A99)', '=VLOOKUP("B",A1:B2,2,FALSE)'],
]}, cfg);
const s = hf.getSheetId('S');
console.log(JSON.stringify(hf.getSheetValues(s), (k, v) => v && v.type && v.value ? `${v.value}|${v.message}` : v));
for (const a of [[0,2],[0,3],[1,2],[1,3],[2,5]]) console.log(a, hf.getCellValueDetailedType({sheet:s,row:a[0],col:a[1]}), hf.getCellValueFormat({sheet:s,row:a[0],col:a[1]}));
console.log(hf.getSheetFormulas(s));
console.log(hf.getCellValue({sheet:s,row:2,col:3}));
