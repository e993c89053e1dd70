/**
 * Turning a Google Sheets formula (as Range.getFormulas() returns it, en_US syntax) into one
 * Excel and LibreOffice can store in an xlsx, next to the value Sheets computed for it.
 *
 * What is done, and what Excel/LibreOffice then do when they recalculate:
 *
 * 1. Functions Excel added after the 2007 file format ("future functions": IFS, XLOOKUP,
 *    TEXTJOIN, MAXIFS, UNIQUE, SEQUENCE...) must be stored with the `_xlfn.` prefix, and
 *    FILTER and SORT as `_xlfn._xlws.FILTER` / `_xlfn._xlws.SORT` (MS-XLSX "future function"
 *    list). Excel and LibreOffice add the prefix themselves when a user types the formula but
 *    expect it in the file; ExcelJS passes formula text through untouched, so without the
 *    prefix both show #NAME? after recalculating (checked with LibreOffice 7.4: IFS → #NAME?,
 *    _xlfn.IFS → computed). Excel displays the names without the prefix.
 *    FILTER/SORT/UNIQUE/SEQUENCE and the other dynamic-array functions are written as ordinary
 *    one-cell formulas (their spilled neighbours are written as plain values, as getFormulas()
 *    reports them): Excel 365 recalculates the anchor cell with implicit intersection (its first
 *    value, shown as =@FILTER(...)); Excel 2019 and older, and LibreOffice before 24.8, do not
 *    have these functions and show #NAME? once they recalculate. Until a recalculation both
 *    show the cached value (LibreOffice 7.4 by default does not recalculate xlsx on load).
 *
 * 2. Formulas that only Google Sheets can compute keep their cached value even after a
 *    recalculation: anything calling a function Excel does not have (QUERY, ARRAYFORMULA,
 *    SPLIT, JOIN, REGEXMATCH/REGEXEXTRACT/REGEXREPLACE, IMPORTRANGE, GOOGLEFINANCE, SPARKLINE,
 *    COUNTUNIQUE, SORTN, FLATTEN, ISBETWEEN, TO_DATE, the add-on's own custom functions...),
 *    FILTER with more than one condition and SORT with a sort order (their Excel namesakes
 *    read those arguments differently), and LET/LAMBDA and friends (Excel needs `_xlpm.`
 *    parameter names). They are written the way Google Sheets' own xlsx download writes them:
 *        IFERROR(__xludf.DUMMYFUNCTION("<original formula>"), <cached value>)
 *    Excel and LibreOffice evaluate __xludf.DUMMYFUNCTION to #NAME?, IFERROR then returns the
 *    cached value, so the cell shows what Sheets computed before and after recalculation
 *    (unwrapped, LibreOffice shows #NAME? for them even without recalculating). Uploading the
 *    file back to Google Sheets restores the original formula from the DUMMYFUNCTION text.
 *    The cost: these cells no longer follow changes to their inputs outside Sheets.
 *    (`sheetsOnlyFormulas: 'keep'` writes them untouched instead: cached value until the first
 *    recalculation, #NAME? after it.)
 *
 * 3. Sheets' open-ended ranges ("A2:A", "B5:D") mean "to the last row"; Excel cannot parse
 *    them (LibreOffice: #NAME?), so they become A2:A1048576 (Excel's last row).
 *
 * 4. References to sheets renamed to satisfy Excel's sheet-name rules are rewritten.
 *
 * Text in string literals is never touched.
 */

/** Worksheet functions of the original xlsx format (ECMA-376), stored without a prefix. */
const BUILTIN = new Set(`
ABS ACCRINT ACCRINTM ACOS ACOSH ADDRESS AMORDEGRC AMORLINC AND AREAS ASC ASIN ASINH ATAN ATAN2
ATANH AVEDEV AVERAGE AVERAGEA AVERAGEIF AVERAGEIFS BAHTTEXT BESSELI BESSELJ BESSELK BESSELY
BETADIST BETAINV BIN2DEC BIN2HEX BIN2OCT BINOMDIST CEILING CELL CHAR CHIDIST CHIINV CHITEST
CHOOSE CLEAN CODE COLUMN COLUMNS COMBIN COMPLEX CONCATENATE CONFIDENCE CONVERT CORREL COS COSH
COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS COUPDAYBS COUPDAYS COUPDAYSNC COUPNCD COUPNUM COUPPCD
COVAR CRITBINOM CUBEKPIMEMBER CUBEMEMBER CUBEMEMBERPROPERTY CUBERANKEDMEMBER CUBESET
CUBESETCOUNT CUBEVALUE CUMIPMT CUMPRINC DATE DATEDIF DATEVALUE DAVERAGE DAY DAYS360 DB DBCS
DCOUNT DCOUNTA DDB DEC2BIN DEC2HEX DEC2OCT DEGREES DELTA DEVSQ DGET DISC DMAX DMIN DOLLAR
DOLLARDE DOLLARFR DPRODUCT DSTDEV DSTDEVP DSUM DURATION DVAR DVARP EDATE EFFECT EOMONTH ERF ERFC
ERROR.TYPE EVEN EXACT EXP EXPONDIST FACT FACTDOUBLE FALSE FDIST FIND FINDB FINV FISHER FISHERINV
FIXED FLOOR FORECAST FREQUENCY FTEST FV FVSCHEDULE GAMMADIST GAMMAINV GAMMALN GCD GEOMEAN GESTEP
GETPIVOTDATA GROWTH HARMEAN HEX2BIN HEX2DEC HEX2OCT HLOOKUP HOUR HYPERLINK HYPGEOMDIST IF IFERROR
IMABS IMAGINARY IMARGUMENT IMCONJUGATE IMCOS IMDIV IMEXP IMLN IMLOG10 IMLOG2 IMPOWER IMPRODUCT
IMREAL IMSIN IMSQRT IMSUB IMSUM INDEX INDIRECT INFO INT INTERCEPT INTRATE IPMT IRR ISBLANK ISERR
ISERROR ISEVEN ISLOGICAL ISNA ISNONTEXT ISNUMBER ISODD ISPMT ISREF ISTEXT JIS KURT LARGE LCM
LEFT LEFTB LEN LENB LINEST LN LOG LOG10 LOGEST LOGINV LOGNORMDIST LOOKUP LOWER MATCH MAX MAXA
MDETERM MDURATION MEDIAN MID MIDB MIN MINA MINUTE MINVERSE MIRR MMULT MOD MODE MONTH MROUND
MULTINOMIAL N NA NEGBINOMDIST NETWORKDAYS NOMINAL NORMDIST NORMINV NORMSDIST NORMSINV NOT NOW
NPER NPV OCT2BIN OCT2DEC OCT2HEX ODD ODDFPRICE ODDFYIELD ODDLPRICE ODDLYIELD OFFSET OR PEARSON
PERCENTILE PERCENTRANK PERMUT PHONETIC PI PMT POISSON POWER PPMT PRICE PRICEDISC PRICEMAT PROB
PRODUCT PROPER PV QUARTILE QUOTIENT RADIANS RAND RANDBETWEEN RANK RATE RECEIVED REPLACE REPLACEB
REPT RIGHT RIGHTB ROMAN ROUND ROUNDDOWN ROUNDUP ROW ROWS RSQ RTD SEARCH SEARCHB SECOND SERIESSUM
SIGN SIN SINH SKEW SLN SLOPE SMALL SQRT SQRTPI STANDARDIZE STDEV STDEVA STDEVP STDEVPA STEYX
SUBSTITUTE SUBTOTAL SUM SUMIF SUMIFS SUMPRODUCT SUMSQ SUMX2MY2 SUMX2PY2 SUMXMY2 SYD T TAN TANH
TBILLEQ TBILLPRICE TBILLYIELD TDIST TEXT TIME TIMEVALUE TINV TODAY TRANSPOSE TREND TRIM TRIMMEAN
TRUE TRUNC TTEST TYPE UPPER USDOLLAR VALUE VAR VARA VARP VARPA VDB VLOOKUP WEEKDAY WEEKNUM
WEIBULL WORKDAY XIRR XNPV YEAR YEARFRAC YIELD YIELDDISC YIELDMAT ZTEST
NETWORKDAYS.INTL WORKDAY.INTL ECMA.CEILING ISO.CEILING
`.trim().split(/\s+/));

/** Functions added to Excel later, stored with `_xlfn.` (FILTER and SORT with `_xlfn._xlws.`). */
const FUTURE = new Set(`
ACOT ACOTH AGGREGATE ARABIC ARRAYTOTEXT BASE BETA.DIST BETA.INV BINOM.DIST BINOM.DIST.RANGE
BINOM.INV BITAND BITLSHIFT BITOR BITRSHIFT BITXOR CEILING.MATH CEILING.PRECISE CHISQ.DIST
CHISQ.DIST.RT CHISQ.INV CHISQ.INV.RT CHISQ.TEST COMBINA CONCAT CONFIDENCE.NORM CONFIDENCE.T COT
COTH COVARIANCE.P COVARIANCE.S CSC CSCH DAYS DECIMAL ERF.PRECISE ERFC.PRECISE EXPON.DIST F.DIST
F.DIST.RT F.INV F.INV.RT F.TEST FILTERXML FLOOR.MATH FLOOR.PRECISE FORECAST.ETS
FORECAST.ETS.CONFINT FORECAST.ETS.SEASONALITY FORECAST.ETS.STAT FORECAST.LINEAR FORMULATEXT GAMMA
GAMMA.DIST GAMMA.INV GAMMALN.PRECISE GAUSS HYPGEOM.DIST IFNA IFS IMCOSH IMCOT IMCSC IMCSCH IMSEC
IMSECH IMSINH IMTAN ISFORMULA ISOWEEKNUM LOGNORM.DIST LOGNORM.INV MAXIFS MINIFS MODE.MULT
MODE.SNGL MUNIT NEGBINOM.DIST NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV NUMBERVALUE PDURATION
PERCENTILE.EXC PERCENTILE.INC PERCENTRANK.EXC PERCENTRANK.INC PERMUTATIONA PHI POISSON.DIST
QUARTILE.EXC QUARTILE.INC RANK.AVG RANK.EQ RRI SEC SECH SHEET SHEETS SKEW.P STDEV.P STDEV.S
SWITCH T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T T.TEST TEXTAFTER TEXTBEFORE TEXTJOIN UNICHAR
UNICODE VALUETOTEXT VAR.P VAR.S WEBSERVICE WEIBULL.DIST XOR Z.TEST
CHOOSECOLS CHOOSEROWS DROP EXPAND HSTACK RANDARRAY SEQUENCE SORTBY TAKE TOCOL TOROW UNIQUE VSTACK
WRAPCOLS WRAPROWS XLOOKUP XMATCH FILTER SORT
`.trim().split(/\s+/));

const XLWS = new Set(['FILTER', 'SORT']);

/** Excel's last row, for Sheets' open-ended ranges. */
export const EXCEL_MAX_ROW = 1_048_576;
/** Excel's limits on a formula's length and on one string literal in it. */
const MAX_FORMULA_LENGTH = 8192;
const MAX_LITERAL = 255;

/** Error values Excel and LibreOffice both know (stored with t="e"). */
export const EXCEL_ERRORS = new Set(['#NULL!', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#N/A']);

/** True if Excel computes this function (under some name) the way Sheets does. */
export function excelHasFunction(name: string): boolean {
  const n = name.toUpperCase();
  return BUILTIN.has(n) || FUTURE.has(n);
}

/** The name to store in the file: SUM, _xlfn.IFS, _xlfn._xlws.FILTER. */
export function excelFunctionName(name: string): string {
  const n = name.toUpperCase();
  if (XLWS.has(n)) return `_xlfn._xlws.${n}`;
  if (FUTURE.has(n)) return `_xlfn.${n}`;
  return n;
}

/** An Excel string literal, split into `&`-joined pieces of at most 255 characters. */
export function stringLiteral(s: string): string {
  if (s.length === 0) return '""';
  const pieces: string[] = [];
  for (let i = 0; i < s.length; i += MAX_LITERAL) pieces.push(`"${s.slice(i, i + MAX_LITERAL).replace(/"/g, '""')}"`);
  return pieces.join('&');
}

/** A constant Excel can read back as the cached value (numbers already serials for dates). */
export function valueLiteral(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v).toUpperCase();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string' && EXCEL_ERRORS.has(v)) return v;
  if (v === null || v === undefined) return '""';
  return stringLiteral(String(v));
}

/** A sheet name as a formula reference prefix needs it: bare if simple, else quoted. */
export function quoteSheetName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name) && !/^(R\d*C\d*|TRUE|FALSE)$/i.test(name)) {
    return name;
  }
  return `'${name.replace(/'/g, "''")}'`;
}

export interface FormulaCall {
  name: string;
  args: number;
}

export interface TranslatedFormula {
  /** Formula text for the file, without the leading "=". */
  formula: string;
  /** True when written as IFERROR(__xludf.DUMMYFUNCTION(...), cached). */
  wrapped: boolean;
  /** Every function call found, with its argument count. */
  calls: FormulaCall[];
}

export interface TranslateOptions {
  /** Sheet renames (Sheets name → xlsx name) to apply to references. */
  renamedSheets?: ReadonlyMap<string, string>;
  /** 'wrap' (default): Sheets-only formulas keep their cached value in Excel/LibreOffice; 'keep': written as they are. */
  sheetsOnlyFormulas?: 'wrap' | 'keep';
  /**
   * Where whole columns ($G:$G) and open-ended ranges (G2:G) end in the file. Sheets reads a whole
   * column only as far as its data; LibreOffice and Excel read every one of a million rows for
   * each COUNTIFS, which makes a report recalculate many times slower. Default: Excel's last row,
   * and whole columns left as they are.
   */
  lastRow?: number;
}

const IDENT = /[A-Za-z0-9_.$]/;
const CELL = /^\$?[A-Za-z]{1,3}\$?\d+$/;
const COLUMN_ONLY = /^\$?[A-Za-z]{1,3}$/;

interface Frame {
  name: string | null;
  args: number;
  content: boolean;
  brace: boolean;
}

/** Rewrites a formula body (no "=") for Excel: prefixes, open ranges, renamed sheets; lists the calls. */
function rewrite(body: string, renamed: ReadonlyMap<string, string> | undefined, lastRow?: number): { text: string; calls: FormulaCall[] } {
  let out = '';
  const calls: FormulaCall[] = [];
  const stack: Frame[] = [];
  const touch = () => { if (stack.length) stack[stack.length - 1].content = true; };
  let i = 0;
  const n = body.length;
  while (i < n) {
    const ch = body[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < n) {
        if (body[j] === '"') {
          if (body[j + 1] === '"') j += 2;
          else break;
        } else j++;
      }
      out += body.slice(i, j + 1);
      i = j + 1;
      touch();
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      let name = '';
      while (j < n) {
        if (body[j] === "'") {
          if (body[j + 1] === "'") { name += "'"; j += 2; continue; }
          break;
        }
        name += body[j++];
      }
      const raw = body.slice(i, j + 1);
      out += body[j + 1] === '!' && renamed?.has(name) ? quoteSheetName(renamed.get(name)!) : raw;
      i = j + 1;
      touch();
      continue;
    }
    if (IDENT.test(ch)) {
      let j = i;
      while (j < n && IDENT.test(body[j])) j++;
      const run = body.slice(i, j);
      touch();
      if (body[j] === '(' && /^[A-Za-z_]/.test(run) && !run.includes('$')) {
        const name = run.toUpperCase();
        const isPrefixed = /^_XL(FN|WS|UDF|PM)\./.test(name) || name.startsWith('__XLUDF.');
        out += `${isPrefixed ? run : excelFunctionName(name)}(`;
        stack.push({ name: isPrefixed ? name.replace(/^(_XLFN\.)?(_XLWS\.)?/, '') : name, args: 1, content: false, brace: false });
        i = j + 1;
        continue;
      }
      if (body[j] === '!') {
        out += renamed?.has(run) ? quoteSheetName(renamed.get(run)!) : run;
        i = j;
        continue;
      }
      if (body[j] === ':' && CELL.test(run)) {
        let k = j + 1;
        while (k < n && IDENT.test(body[k])) k++;
        const second = body.slice(j + 1, k);
        if (COLUMN_ONLY.test(second) && body[k] !== '(' && body[k] !== '!') {
          out += `${run}:${second}${lastRow ?? EXCEL_MAX_ROW}`;
          i = k;
          continue;
        }
      }
      if (lastRow && body[j] === ':' && COLUMN_ONLY.test(run)) {
        let k = j + 1;
        while (k < n && IDENT.test(body[k])) k++;
        const second = body.slice(j + 1, k);
        if (COLUMN_ONLY.test(second) && body[k] !== '(' && body[k] !== '!') {
          out += `${run}${run.startsWith('$') ? '$' : ''}1:${second}${second.startsWith('$') ? '$' : ''}${lastRow}`;
          i = k;
          continue;
        }
      }
      out += run;
      i = j;
      continue;
    }
    if (ch === '(' || ch === '{') {
      touch();
      stack.push({ name: null, args: 1, content: false, brace: ch === '{' });
    } else if (ch === ')' || ch === '}') {
      const f = stack.pop();
      if (f?.name) calls.push({ name: f.name, args: f.content ? f.args : 0 });
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top && !top.brace) top.args++;
    } else if (!/\s/.test(ch)) {
      touch();
    }
    out += ch;
    i++;
  }
  return { text: out, calls };
}

/** Why a formula only Google Sheets computes correctly, or null if Excel can recalculate it. */
export function sheetsOnlyReason(calls: FormulaCall[]): string | null {
  for (const c of calls) {
    if (c.name.startsWith('_')) continue; // already an xlsx-internal name (_xlpm., __xludf.)
    if (c.name === 'FILTER' && c.args > 2) return 'FILTER with several conditions';
    if (c.name === 'SORT' && c.args > 2) return 'SORT with a sort order';
    if (!excelHasFunction(c.name)) return `${c.name} is not an Excel function`;
  }
  return null;
}

/**
 * Translates one Sheets formula ("=..." or without "=") for an xlsx cell whose cached value is
 * `cached` (dates already as serial numbers). Returns null when the wrapped form would exceed
 * Excel's formula length limit: the caller should then write the cached value alone.
 */
export function toExcelFormula(sheetsFormula: string, cached: unknown, opts: TranslateOptions = {}): TranslatedFormula | null {
  const body = sheetsFormula.startsWith('=') ? sheetsFormula.slice(1) : sheetsFormula;
  const { text, calls } = rewrite(body, opts.renamedSheets, opts.lastRow);
  const mode = opts.sheetsOnlyFormulas ?? 'wrap';
  if (mode === 'wrap' && sheetsOnlyReason(calls)) {
    const wrapped = `IFERROR(__xludf.DUMMYFUNCTION(${stringLiteral(body)}),${valueLiteral(cached)})`;
    if (wrapped.length > MAX_FORMULA_LENGTH) return null;
    return { formula: wrapped, wrapped: true, calls };
  }
  if (text.length > MAX_FORMULA_LENGTH) return null;
  return { formula: text, wrapped: false, calls };
}

/** A cell reference's parts: "$" where a part is absolute. */
const CELL_PARTS = /^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$/;
const ROW_ONLY = /^\$?\d+$/;

/**
 * The arguments of `formula` when the whole of it is one call of `fn` (`IF(a,b,c)` → a, b, c), or
 * null. Text in "…" and sheet names in '…' may hold commas and brackets; array constants {…} are
 * one argument.
 */
export function callArguments(formula: string, fn: string): string[] | null {
  if (!formula.toUpperCase().startsWith(`${fn.toUpperCase()}(`)) return null;
  const args: string[] = [];
  let depth = 0;
  let start = fn.length + 1;
  for (let i = fn.length; i < formula.length; i++) {
    const ch = formula[i];
    if (ch === '"' || ch === "'") {
      // A doubled quote inside is the quote itself, so skipping to each closing quote in turn is enough.
      const close = formula.indexOf(ch, i + 1);
      if (close < 0) return null;
      i = close;
    } else if (ch === '(' || ch === '{') depth++;
    else if (ch === ')' || ch === '}') {
      depth--;
      if (depth === 0) {
        if (i !== formula.length - 1) return null;
        args.push(formula.slice(start, i));
        return args;
      }
    } else if (ch === ',' && depth === 1) {
      args.push(formula.slice(start, i));
      start = i + 1;
    }
  }
  return null;
}

/** A column's letters ("AB") as its number (28). */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * A cell's formula as the formula of a defined name that means the same wherever it is used.
 *
 * Why: LibreOffice copies, compares and frees each cell's whole token array while it loads an
 * xlsx, shared formulas too, so a per-lead sheet of 110,000 rows costs in proportion to its
 * formulas' length. A cell whose formula is one name costs a fraction of that, and a name defined
 * with relative rows is evaluated for the row it is used in (docs/recalculation.md).
 *
 * A name's relative references are relative to A1 when it is used (the xlsx convention, which
 * Excel and LibreOffice follow), so each relative row and column moves by the distance from A1 to
 * the cell the formula was written for (`row`, `column`), and a reference without a sheet gets
 * `sheet`, the sheet the cell is on. A relative reference above or left of that cell has no A1
 * form without wrapping round the sheet, so it is refused rather than written wrong.
 */
export function asRelativeName(formula: string, sheet: string, row: number, column: number): string {
  const body = formula.startsWith('=') ? formula.slice(1) : formula;
  const moveCell = (ref: string): string => {
    const cell = CELL_PARTS.exec(ref);
    if (cell) {
      const [, colAbs, col, rowAbs, rowText] = cell;
      const newColumn = colAbs ? columnNumber(col) : columnNumber(col) - (column - 1);
      const newRow = rowAbs ? Number(rowText) : Number(rowText) - (row - 1);
      if (newColumn < 1 || newRow < 1) throw new RangeError(`${ref} in "${body}" lies above or left of the cell the formula was written for; a defined name cannot say that.`);
      return `${colAbs}${colAbs ? col : columnLetters(newColumn)}${rowAbs}${newRow}`;
    }
    if (ROW_ONLY.test(ref)) {
      if (ref.startsWith('$')) return ref;
      const newRow = Number(ref) - (row - 1);
      if (newRow < 1) throw new RangeError(`Row ${ref} in "${body}" lies above the cell the formula was written for; a defined name cannot say that.`);
      return String(newRow);
    }
    if (ref.startsWith('$')) return ref; // an absolute column ($G)
    const newColumn = columnNumber(ref) - (column - 1);
    if (newColumn < 1) throw new RangeError(`Column ${ref} in "${body}" lies left of the cell the formula was written for; a defined name cannot say that.`);
    return columnLetters(newColumn);
  };
  const isRef = (run: string) => CELL.test(run) || COLUMN_ONLY.test(run);
  const prefix = `${quoteSheetName(sheet)}!`;
  let out = '';
  let i = 0;
  const length = body.length;
  /** Reads a reference (or a range of two) at i; `qualified` when a sheet prefix came before it. */
  const reference = (qualified: boolean): boolean => {
    let j = i;
    while (j < length && IDENT.test(body[j])) j++;
    const first = body.slice(i, j);
    let second = '';
    let end = j;
    if (body[j] === ':') {
      let k = j + 1;
      while (k < length && IDENT.test(body[k])) k++;
      second = body.slice(j + 1, k);
      end = k;
    }
    const rowRange = ROW_ONLY.test(first) && ROW_ONLY.test(second);
    const isRange = second !== '' && body[end] !== '(' && ((isRef(first) && isRef(second)) || rowRange);
    if (!isRange && (!CELL.test(first) || body[j] === '(')) return false;
    out += `${qualified ? '' : prefix}${moveCell(first)}${isRange ? `:${moveCell(second)}` : ''}`;
    i = isRange ? end : j;
    return true;
  };
  while (i < length) {
    const ch = body[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < length && !(body[j] === '"' && body[j + 1] !== '"')) j += body[j] === '"' ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      while (j < length && !(body[j] === "'" && body[j + 1] !== "'")) j += body[j] === "'" ? 2 : 1;
      out += body.slice(i, j + 2); // the quoted sheet and its "!"
      i = j + 2;
      if (!reference(true)) throw new RangeError(`No reference after the sheet in "${body}".`);
      continue;
    }
    if (IDENT.test(ch)) {
      let j = i;
      while (j < length && IDENT.test(body[j])) j++;
      if (body[j] === '!') {
        out += body.slice(i, j + 1);
        i = j + 1;
        if (!reference(true)) throw new RangeError(`No reference after the sheet in "${body}".`);
        continue;
      }
      if (reference(false)) continue;
      out += body.slice(i, j);
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}
