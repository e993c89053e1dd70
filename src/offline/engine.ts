/**
 * The offline host's formula engine: one HyperFormula instance per spreadsheet, one HyperFormula
 * sheet per host sheet, configured as close to Google Sheets (en_US) as HyperFormula allows.
 *
 * HyperFormula is GPL-3.0-only unless a commercial key is used; this module links it with
 * `licenseKey: 'gpl-v3'`. Only the offline host (preview, report command, tests) imports this
 * file: the Apps Script bundle never does.
 *
 * Coordinates in this module are 0-based (HyperFormula's); the host converts from Apps Script's
 * 1-based ones. See docs/offline-host.md for every known difference from Google Sheets.
 *
 * Large sheets (thousands of COUNTIFS over whole columns of 100,000 rows, array formulas over
 * them) are made fast in engine/: whole columns and open-ended ranges become internal names
 * (names.ts, ranges.ts), COUNTIF(S)/SUMIF(S) use cached match masks (columns.ts, criteria.ts),
 * array formulas are evaluated per distinct value (vector.ts). Results stay HyperFormula's.
 */
import {
  ArraySize, CellError, DetailedCellError, EmptyValue, ErrorType, FunctionPlugin, HyperFormula, SimpleRangeValue,
} from 'hyperformula';
import type { ConfigParams, FunctionPluginDefinition, ImplementedFunctions, RawCellContent } from 'hyperformula';
import { ColumnCache } from './engine/columns.ts';
import { criteriaPlugin } from './engine/criteria.ts';
import { RANGE_FUNCTION, RangeNames, internalRangeAst } from './engine/names.ts';
import { VALUE_NODE, binCounts, evaluateVectorized } from './engine/vector.ts';

/** Sheets' error strings, as getValues() returns them. */
export type SheetsErrorCode = '#ERROR!' | '#N/A' | '#DIV/0!' | '#VALUE!' | '#REF!' | '#NAME?' | '#NUM!' | '#NULL!';

/** An error value of a cell: its Sheets code and the message Sheets shows in its tooltip. */
export class EngineError {
  constructor(readonly code: SheetsErrorCode, readonly message: string) {}
  toString(): string {
    return this.code;
  }
}

export type NumberKind = 'number' | 'date' | 'datetime' | 'time' | 'percent' | 'currency';

/** A number HyperFormula typed as a date, time, percent... (e.g. the result of DATE()). */
export class TypedNumber {
  constructor(readonly value: number, readonly kind: NumberKind) {}
  toJSON(): unknown {
    return { n: this.value, k: this.kind };
  }
}

/** A computed cell value. */
export type EngineValue = number | string | boolean | null | EngineError;
/** A value passed to or returned by a custom function, keeping HyperFormula's number type. */
export type EngineScalar = EngineValue | TypedNumber;
/** What can be written to a cell: a formula is a string starting with "=". */
export type RawContent = number | string | boolean | null;

/** One argument of a custom-function call, as the engine evaluated it. */
export type CustomArg =
  | { kind: 'range'; sheet: number; row: number; col: number; values: EngineScalar[][] }
  | { kind: 'array'; values: EngineScalar[][] }
  | { kind: 'cell'; sheet: number; row: number; col: number; value: EngineScalar }
  | { kind: 'value'; value: EngineScalar }
  | { kind: 'omitted' };

export type CustomResult = EngineScalar | EngineScalar[][];
/** A custom function as the engine calls it; a thrown error becomes an #ERROR! with its message. */
export type EngineCustomFunction = (args: CustomArg[], call: { sheet: number; row: number; col: number }) => CustomResult;

export interface EngineOptions {
  /** Date formats HyperFormula parses typed strings with (Sheets: depends on the locale). */
  dateFormats?: string[];
  /** Formats a number for TEXT(value, pattern); undefined falls back to HyperFormula's formatter. */
  formatText?: (value: number, pattern: string) => string | undefined;
  /**
   * The current date-time as a serial in the spreadsheet's time zone, for TODAY() and NOW().
   * HyperFormula's own read the Node process's local time; Sheets uses the spreadsheet's zone.
   */
  serialNow?: () => number;
}

export const MAX_COLUMNS = 18_278;
/** Sheets' limit on cells per spreadsheet; also the most rows one sheet can have. */
export const MAX_CELLS = 10_000_000;

const US_DATE_FORMATS = ['MM/DD/YYYY', 'MM/DD/YY', 'YYYY-MM-DD', 'YYYY/MM/DD'];

// ---------------------------------------------------------------------------------------------
// Errors: HyperFormula's error types → Sheets' codes and tooltips.

const ERROR_CODES: Record<string, SheetsErrorCode> = {
  DIV_BY_ZERO: '#DIV/0!', NAME: '#NAME?', VALUE: '#VALUE!', NUM: '#NUM!', NA: '#N/A', REF: '#REF!',
  // Sheets has no #CYCLE! or #SPILL!: both show #REF!.
  CYCLE: '#REF!', SPILL: '#REF!', ERROR: '#ERROR!', LIC: '#ERROR!',
};

const CODE_TO_TYPE: Record<SheetsErrorCode, ErrorType> = {
  '#ERROR!': ErrorType.ERROR, '#N/A': ErrorType.NA, '#DIV/0!': ErrorType.DIV_BY_ZERO, '#VALUE!': ErrorType.VALUE,
  '#REF!': ErrorType.REF, '#NAME?': ErrorType.NAME, '#NUM!': ErrorType.NUM, '#NULL!': ErrorType.ERROR,
};

/** Rewrites HyperFormula's messages into the ones Sheets shows where they differ. */
function sheetsMessage(type: string, message: string): string {
  if (type === 'CYCLE') return 'Circular dependency detected. To resolve with iterative calculation, see File > Settings.';
  if (type === 'SPILL') return 'Array result was not expanded because it would overwrite data.';
  if (type === 'ERROR' && message.startsWith('Parsing error')) return 'Formula parse error.';
  if (type === 'NA' && message === 'Empty range not allowed.') return 'No matches are found in FILTER evaluation.';
  if (type === 'DIV_BY_ZERO' && message === '') return 'Function DIVIDE parameter 2 cannot be zero.';
  const unknownFunction = /^Function name (.+) not recognized\.$/.exec(message);
  if (unknownFunction) return `Unknown function: '${unknownFunction[1]}'.`;
  const unknownName = /^Named expression (.+) not recognized\.$/.exec(message);
  if (unknownName) return `Unknown range name: '${unknownName[1]}'.`;
  return message;
}

function errorFromDetailed(error: DetailedCellError): EngineError {
  return new EngineError(ERROR_CODES[error.type] ?? '#ERROR!', sheetsMessage(error.type, error.message ?? ''));
}

function errorFromCellError(error: CellError): EngineError {
  return new EngineError(ERROR_CODES[error.type] ?? '#ERROR!', sheetsMessage(error.type, error.message ?? ''));
}

const NUMBER_KINDS: Record<string, NumberKind> = {
  NUMBER_DATE: 'date', NUMBER_DATETIME: 'datetime', NUMBER_TIME: 'time', NUMBER_PERCENT: 'percent', NUMBER_CURRENCY: 'currency',
};

// ---------------------------------------------------------------------------------------------
// Internal values of HyperFormula (what a plugin sees) ↔ engine scalars.

interface RichNumberLike { val: number; getDetailedType(): string }

function isRichNumber(value: unknown): value is RichNumberLike {
  return typeof value === 'object' && value !== null && typeof (value as RichNumberLike).val === 'number'
    && typeof (value as RichNumberLike).getDetailedType === 'function';
}

function scalarFromInternal(value: unknown): EngineScalar {
  if (value === EmptyValue || value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof CellError) return errorFromCellError(value);
  if (isRichNumber(value)) {
    const kind = NUMBER_KINDS[value.getDetailedType()];
    return kind === 'date' || kind === 'datetime' || kind === 'time' ? new TypedNumber(value.val, kind) : value.val;
  }
  return String(value);
}

/** The parts of FunctionPlugin's protected API the engine's plugins use. */
interface PluginInternals {
  evaluateAst(ast: unknown, state: unknown): unknown;
  arithmeticHelper: { ExtendedNumberFactory(value: number, info: { type: string }): unknown };
  runFunction(args: unknown[], state: unknown, metadata: unknown, fn: (...args: any[]) => unknown): unknown;
  metadata(name: string): unknown;
  computeConditionalAggregationFunction(...args: unknown[]): unknown;
}

interface ProcedureAstLike { procedureName: string; args: AstLike[] }
interface AstLike { type: string; reference?: { toSimpleCellAddress(base: unknown): { sheet: number; row: number; col: number } } }
interface StateLike { formulaAddress: { sheet: number; row: number; col: number } }

const TYPED_KIND_TO_HF: Partial<Record<NumberKind, string>> = {
  date: 'NUMBER_DATE', datetime: 'NUMBER_DATETIME', time: 'NUMBER_TIME',
};

function internalFromScalar(plugin: PluginInternals, scalar: EngineScalar): unknown {
  if (scalar === null) return EmptyValue;
  if (scalar instanceof TypedNumber) {
    const type = TYPED_KIND_TO_HF[scalar.kind];
    return type ? plugin.arithmeticHelper.ExtendedNumberFactory(scalar.value, { type }) : scalar.value;
  }
  if (scalar instanceof EngineError) return new CellError(CODE_TO_TYPE[scalar.code] ?? ErrorType.ERROR, scalar.message);
  if (typeof scalar === 'number' && !Number.isFinite(scalar)) return new CellError(ErrorType.NUM, 'Result is not a finite number.');
  return scalar;
}

// ---------------------------------------------------------------------------------------------
// Built-in plugins: Sheets functions HyperFormula lacks.

const BUILT_IN_PLUGINS = HyperFormula.getAllFunctionPlugins();
const BUILT_IN_IDS = new Set(BUILT_IN_PLUGINS.flatMap((plugin) => [...Object.keys(plugin.implementedFunctions), ...Object.keys(plugin.aliases ?? {})]));

/** Sheets functions with no HyperFormula counterpart: they evaluate to #NAME? with a clear message. */
const UNSUPPORTED_SHEETS_FUNCTIONS = [
  'QUERY', 'IMPORTRANGE', 'IMPORTDATA', 'IMPORTHTML', 'IMPORTXML', 'IMPORTFEED', 'GOOGLEFINANCE',
  'GOOGLETRANSLATE', 'DETECTLANGUAGE', 'SPARKLINE', 'IMAGE',
].filter((name) => !BUILT_IN_IDS.has(name));

const ConditionalAggregationBase = BUILT_IN_PLUGINS.find((plugin) => 'SUMIFS' in plugin.implementedFunctions) as unknown as typeof FunctionPlugin;

interface Average { sum: number; count: number }

/**
 * Sheets behaviour HyperFormula lacks: AVERAGEIFS (missing from HyperFormula 3.5, built on its own
 * criteria machinery), INT rounding down, and clear errors for Sheets-only functions.
 */
class SheetsCompatPlugin extends ConditionalAggregationBase {
  averageifs(ast: ProcedureAstLike, state: unknown): unknown {
    const self = this as unknown as PluginInternals;
    return self.runFunction(ast.args, state, self.metadata('AVERAGEIFS'), (values: unknown, ...conditions: unknown[]) => {
      const result = self.computeConditionalAggregationFunction(
        values, conditions, 'AVERAGEIFS', { sum: 0, count: 0 },
        (left: Average, right: Average) => ({ sum: left.sum + right.sum, count: left.count + right.count }),
        (arg: unknown) => (typeof arg === 'number' ? { sum: arg, count: 1 } : isRichNumber(arg) ? { sum: arg.val, count: 1 } : { sum: 0, count: 0 }),
      ) as Average | CellError;
      if (result instanceof CellError) return result;
      return result.count === 0 ? new CellError(ErrorType.DIV_BY_ZERO, 'AVERAGEIFS has no matching numbers.') : result.sum / result.count;
    });
  }

  /** Sheets' INT rounds down (INT(-8.9) = -9); HyperFormula's rounds toward zero. */
  int(ast: ProcedureAstLike, state: unknown): unknown {
    const self = this as unknown as PluginInternals;
    return self.runFunction(ast.args, state, self.metadata('INT'), (value: number) => Math.floor(value));
  }

  /**
   * FREQUENCY(data, classes): per class (in ascending order), the numbers of `data` above the class
   * before it and at most this one, then those above the last; text and empty cells are skipped, an
   * error in `data` is the result. A column of classes + 1 rows, as Sheets and Excel give it.
   */
  frequency(ast: ProcedureAstLike, state: unknown): unknown {
    const self = this as unknown as PluginInternals;
    return self.runFunction(ast.args, state, self.metadata('FREQUENCY'), (data: SimpleRangeValue, classes: SimpleRangeValue) => {
      const numbers = (range: SimpleRangeValue): number[] | CellError => {
        const out: number[] = [];
        for (const value of range.valuesFromTopLeftCorner()) {
          if (value instanceof CellError) return value;
          const raw = isRichNumber(value) ? value.val : value;
          if (typeof raw === 'number') out.push(raw);
        }
        return out;
      };
      const bounds = numbers(classes);
      if (bounds instanceof CellError) return bounds;
      const values = numbers(data);
      if (values instanceof CellError) return values;
      const counts = binCounts(values, null, bounds);
      return SimpleRangeValue.onlyNumbers(counts.map((count) => [count]));
    });
  }

  frequencySize(ast: ProcedureAstLike, state: StateLike): ArraySize {
    const self = this as unknown as PluginInternals & { arraySizeForAst(ast: unknown, state: unknown): ArraySize };
    if (ast.args.length !== 2) return ArraySize.error();
    const classes = self.arraySizeForAst(ast.args[1], state);
    return new ArraySize(1, classes.width * classes.height + 1);
  }

  unsupportedSheetsFunction(ast: ProcedureAstLike): unknown {
    const name = ast.procedureName;
    return new CellError(ErrorType.NAME, `${name} is not supported offline (HyperFormula has no ${name}).`);
  }
}

const RANGE = 'RANGE' as never;
const NUMBER = 'NUMBER' as never;
const NOERROR = 'NOERROR' as never;
const ANY = 'ANY' as never;

(SheetsCompatPlugin as unknown as FunctionPluginDefinition).implementedFunctions = {
  AVERAGEIFS: {
    method: 'averageifs',
    parameters: [{ argumentType: RANGE }, { argumentType: RANGE }, { argumentType: NOERROR }],
    repeatLastArgs: 2,
  },
  INT: { method: 'int', parameters: [{ argumentType: NUMBER }] },
  FREQUENCY: { method: 'frequency', sizeOfResultArrayMethod: 'frequencySize', parameters: [{ argumentType: RANGE }, { argumentType: RANGE }], vectorizationForbidden: true },
  ...Object.fromEntries(UNSUPPORTED_SHEETS_FUNCTIONS.map((name) => [name, {
    method: 'unsupportedSheetsFunction', parameters: [{ argumentType: ANY, optionalArg: true }], repeatLastArgs: 1,
  }])),
} as ImplementedFunctions;

const COMPAT_NAMES = Object.keys((SheetsCompatPlugin as unknown as FunctionPluginDefinition).implementedFunctions);
HyperFormula.getLanguage('enGB').extendFunctions(Object.fromEntries([...COMPAT_NAMES, RANGE_FUNCTION].map((name) => [name, name])));

/**
 * The formula of the engine's internal names (engine/names.ts): it depends on a column's cells,
 * and its value is new each time one of them changes, so that the formulas reading the name are
 * recalculated (the range itself is evaluated where it is read).
 */
let rangeDependencyVersion = 0;
class RangeDependencyPlugin extends FunctionPlugin {
  rangeDependency(): number {
    return ++rangeDependencyVersion;
  }
}
(RangeDependencyPlugin as unknown as FunctionPluginDefinition).implementedFunctions = {
  [RANGE_FUNCTION]: { method: 'rangeDependency', parameters: [{ argumentType: ANY }] },
} as ImplementedFunctions;

// ---------------------------------------------------------------------------------------------
// Wildcards: in Sheets (and Excel) "?" matches exactly one character; HyperFormula 3.5 turns it
// into the regex ".?" (zero or one). Its criteria, MATCH and lookups all build their regex in
// ArithmeticHelper.buildRegex, which gets a wrapper that drops that "?" (patchHyperFormula).

/** Rewrites HyperFormula's wildcard regex: an unescaped ".?" (from "?") becomes ".". */
export function exactlyOneCharacterWildcards(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      out += char + (source[i + 1] ?? '');
      i++;
    } else if (char === '.' && source[i + 1] === '?') {
      out += '.';
      i++;
    } else {
      out += char;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Changes to HyperFormula's own classes, made once per process: the "?" wildcard above, and the
// engine's internal names (engine/names.ts) read as the range in their formula. On the classes,
// not on instances, because HyperFormula evaluates a workbook inside buildFromSheets and
// updateConfig, before an instance could be changed.

let patched = false;

function patchHyperFormula(): void {
  if (patched) return;
  patched = true;
  const probe = HyperFormula.buildEmpty({ licenseKey: 'gpl-v3' });
  const interpreter = (probe as unknown as { _evaluator?: { interpreter?: object } })._evaluator?.interpreter;
  const helper = (interpreter as { arithmeticHelper?: object } | undefined)?.arithmeticHelper;
  probe.destroy();
  if (helper) {
    const helperPrototype = Object.getPrototypeOf(helper) as { buildRegex?: (pattern: string, whole?: boolean) => RegExp };
    const original = helperPrototype.buildRegex;
    if (typeof original === 'function') {
      helperPrototype.buildRegex = function (this: unknown, pattern: string, matchWholeCell = true) {
        const regex = original.call(this, pattern, matchWholeCell);
        return pattern.includes('?') ? new RegExp(exactlyOneCharacterWildcards(regex.source), regex.flags) : regex;
      };
    }
  }
  if (interpreter) {
    const interpreterPrototype = Object.getPrototypeOf(interpreter) as { evaluateAstWithoutPostprocessing?: (ast: { type: string }, state: StateLike) => unknown };
    const original = interpreterPrototype.evaluateAstWithoutPostprocessing;
    if (typeof original === 'function') {
      const evaluate = function (this: never, ast: { type: string; value?: unknown }, state: StateLike): unknown {
        if (ast.type === VALUE_NODE) return ast.value;
        if (ast.type === 'NAMED_EXPRESSION') {
          const range = internalRangeAst(this, ast, state.formulaAddress.sheet);
          if (range) return original.call(this, range, state);
        }
        const vectorized = evaluateVectorized(this, ast as never, state as never, evaluate as never, original as never);
        return vectorized !== undefined ? vectorized : original.call(this, ast, state);
      };
      interpreterPrototype.evaluateAstWithoutPostprocessing = evaluate;
    }
  }
}

patchHyperFormula();

// ---------------------------------------------------------------------------------------------
// The engine.

interface Size { width: number; height: number }
interface Address { sheet: number; row: number; col: number }

function sizeOfResult(result: CustomResult): Size {
  if (!Array.isArray(result)) return { width: 1, height: 1 };
  const height = Math.max(1, result.length);
  const width = result.reduce((widest: number, row) => Math.max(widest, Array.isArray(row) ? row.length : 1), 1);
  return { width, height };
}

function sameSize(one: Size, other: Size): boolean {
  return one.width === other.width && one.height === other.height;
}

/** Identifies a call site: the formula's cell, the function and the call's source arguments. */
function callKey(name: string, ast: ProcedureAstLike, state: StateLike): string {
  const at = state.formulaAddress;
  let args = '';
  try {
    args = JSON.stringify(ast.args);
  } catch {
    args = String(ast.args.length);
  }
  return `${at.sheet}:${at.row}:${at.col}|${name}|${args}`;
}

function argsSignature(args: CustomArg[]): string {
  return JSON.stringify(args, (_key, value) => (value instanceof EngineError ? { e: value.code, m: value.message } : value));
}

/** Below this many cells a write goes through HyperFormula's incremental setCellContents. */
const REBUILD_MIN_CELLS = 20_000;

export class FormulaEngine {
  private instance: HyperFormula;
  private batchDepth = 0;
  private readonly customFunctions = new Map<string, EngineCustomFunction>();
  /** Last result per call site, reused while the arguments are unchanged (Sheets caches too). */
  private readonly resultCache = new Map<string, { signature: string; result: CustomResult }>();
  /** The size each call site's result needs, and the size HyperFormula reserved for it. */
  private readonly neededSize = new Map<string, Size>();
  private readonly reservedSize = new Map<string, Size>();
  /** Formula cells whose custom-function result no longer fits the reserved size. */
  private readonly resizeQueue = new Map<string, Address>();
  /** Whole-column and open-ended references, given to HyperFormula as internal named expressions. */
  private readonly names = new RangeNames(() => this.instance, () => this.tallestContent());
  /** Per sheet, rows up to the last one written with something (see RangeNames: not HyperFormula's height). */
  private readonly contentRows = new Map<number, number>();
  /** Columns read once for COUNTIF(S)/SUMIF(S) and array formulas, invalidated by the writes below. */
  readonly columns = new ColumnCache();

  constructor(private readonly options: EngineOptions = {}) {
    this.instance = HyperFormula.buildEmpty(this.config());
    this.instance.addNamedExpression('TRUE', '=TRUE()');
    this.instance.addNamedExpression('FALSE', '=FALSE()');
    this.listen(this.instance);
  }

  /** Each recalculation is a new epoch for the criteria cache (ranges holding formulas may change). */
  private listen(hf: HyperFormula): void {
    hf.on('valuesUpdated', () => this.columns.bumpEpoch());
  }

  /** The HyperFormula instance (replaced when a large write rebuilds the workbook). */
  get hf(): HyperFormula {
    return this.instance;
  }

  private config(): Partial<ConfigParams> {
    return {
      licenseKey: 'gpl-v3',
      // Sheets spills array results of any formula (its ARRAYFORMULA is implicit for many functions).
      useArrayArithmetic: true,
      dateFormats: this.options.dateFormats ?? US_DATE_FORMATS,
      timeFormats: ['hh:mm', 'hh:mm:ss.sss'],
      nullDate: { year: 1899, month: 12, day: 30 },
      leapYear1900: false,
      functionArgSeparator: ',',
      decimalSeparator: '.',
      thousandSeparator: '',
      arrayColumnSeparator: ',',
      arrayRowSeparator: ';',
      caseSensitive: false,
      accentSensitive: true,
      useWildcards: true,
      useRegularExpressions: false,
      matchWholeCell: true,
      evaluateNullToZero: false,
      // Comparisons keep HyperFormula's epsilon (Sheets: =0.1+0.2=0.3 is TRUE), but exported values
      // keep 15 significant digits: Sheets hands scripts the full double, and a date-time serial
      // rounded to the default 10 digits would be off by tens of milliseconds.
      smartRounding: true,
      precisionRounding: 15,
      currencySymbol: ['$', 'USD'],
      localeLang: 'en-US',
      maxRows: MAX_CELLS,
      maxColumns: MAX_COLUMNS,
      undoLimit: 0,
      ...(this.options.formatText ? { stringifyCurrency: this.options.formatText } : {}),
      functionPlugins: [
        ...BUILT_IN_PLUGINS, SheetsCompatPlugin as unknown as FunctionPluginDefinition, criteriaPlugin(this.columns, ConditionalAggregationBase),
        RangeDependencyPlugin, ...this.clockPlugins(), ...this.customPlugins(),
      ],
    };
  }

  // --- sheets -------------------------------------------------------------------------------

  addSheet(name: string): number {
    const added = this.hf.addSheet(name);
    return this.hf.getSheetId(added)!;
  }

  removeSheet(sheet: number): void {
    this.restructure({ sheet, removed: true }, () => this.hf.removeSheet(sheet));
    this.contentRows.delete(sheet);
    this.settle();
  }

  renameSheet(sheet: number, name: string): void {
    this.restructure({ sheet, renamed: true }, () => this.hf.renameSheet(sheet, name));
  }

  /**
   * Runs a change of rows, columns or sheets: the criteria cache starts again, and typed formula
   * texts and internal names follow (see RangeNames.restructure).
   */
  private restructure(change: Parameters<RangeNames['restructure']>[1], op: () => void): void {
    const before = this.names.size > 0 ? this.names.snapshot() : undefined;
    op();
    this.columns.clear();
    if (before) this.names.restructure(before, change);
  }

  // --- batching -----------------------------------------------------------------------------

  /** Runs writes with evaluation suspended, then recalculates once. */
  batch<T>(fn: () => T): T {
    if (this.batchDepth > 0) return fn();
    this.batchDepth++;
    let result!: T;
    try {
      this.hf.batch(() => {
        result = fn();
      });
    } finally {
      this.batchDepth--;
    }
    this.settle();
    return result;
  }

  private afterWrite(): void {
    this.names.regrow();
    if (this.batchDepth === 0) this.settle();
  }

  /**
   * Tells the criteria cache about a block about to be written: whether it holds a formula or
   * overwrites one (a spilled result may then move), or else which rows of which columns change.
   */
  private noteWrite(sheet: number, row: number, col: number, data: RawContent[][], width: number): void {
    let last = data.length - 1;
    while (last >= 0 && data[last].every((cell) => cell === null || cell === undefined || cell === '')) last--;
    if (last >= 0 && row + last + 1 > (this.contentRows.get(sheet) ?? 0)) this.contentRows.set(sheet, row + last + 1);
    let formulas = false;
    for (const line of data) {
      for (const cell of line) {
        if (typeof cell === 'string' && cell.charCodeAt(0) === 61) {
          formulas = true;
          break;
        }
      }
      if (formulas) break;
    }
    if (!formulas) {
      // Overwriting a formula, or a cell of an array's area (a value there blocks the array, clearing it
      // lets the array spill again), moves other cells' values too.
      const graph = (this.hf as unknown as { _dependencyGraph?: {
        addressMapping?: { getCell(address: Address): unknown };
        arrayMapping?: { count(): number; isFormulaArrayAtAddress(address: Address): boolean };
      } })._dependencyGraph;
      if (!graph?.addressMapping || !graph.arrayMapping || data.length * width > 4096) formulas = true;
      else {
        const arrays = graph.arrayMapping.count() > 0;
        for (let r = 0; r < data.length && !formulas; r++) {
          for (let c = 0; c < width; c++) {
            const at = { sheet, row: row + r, col: col + c };
            const vertex = graph.addressMapping.getCell(at) as { getFormula?: unknown; array?: unknown } | undefined;
            if ((vertex && (typeof vertex.getFormula === 'function' || vertex.array !== undefined)) || (arrays && graph.arrayMapping.isFormulaArrayAtAddress(at))) {
              formulas = true;
              break;
            }
          }
        }
      }
    }
    this.columns.noteWrite(sheet, row, col, data.length, width, formulas);
  }

  private tallestContent(): number {
    let tallest = 0;
    for (const rows of this.contentRows.values()) tallest = Math.max(tallest, rows);
    return tallest;
  }

  // --- contents -----------------------------------------------------------------------------

  /** Writes a block of contents (null clears a cell). */
  setContents(sheet: number, row: number, col: number, data: RawContent[][]): void {
    if (data.length === 0) return;
    // (A loop, not Math.max(...): a spread of 100k+ arguments overflows the stack.)
    const width = data.reduce((widest, line) => Math.max(widest, line.length), 0);
    this.noteWrite(sheet, row, col, data, width);
    data = this.names.rewrite(sheet, row, col, data);
    const cells = data.length * width;
    if (this.batchDepth === 0 && cells >= REBUILD_MIN_CELLS && this.storedCells() <= cells * 1.5) {
      this.rebuildWith(sheet, row, col, data);
    } else {
      this.hf.setCellContents({ sheet, row, col }, data as RawCellContent[][]);
    }
    this.afterWrite();
  }

  /** Upper bound of the cells the workbook stores (used areas of all sheets). */
  private storedCells(): number {
    return this.hf.getSheetNames().reduce((total, name) => {
      const { width, height } = this.hf.getSheetDimensions(this.hf.getSheetId(name)!);
      return total + width * height;
    }, 0);
  }

  /**
   * A large write into a small workbook: HyperFormula builds a workbook from arrays about three
   * times faster than it applies the same cells one by one, so serialise the workbook, lay the
   * block into it and build a new instance. Sheet ids are kept (removed sheets get placeholders
   * while building), and formulas are recalculated from their text.
   */
  private rebuildWith(sheet: number, row: number, col: number, data: RawContent[][]): void {
    const old = this.hf;
    const ids = old.getSheetNames().map((name) => old.getSheetId(name)!);
    const sheets: Record<string, RawCellContent[][]> = {};
    const placeholders: string[] = [];
    for (let id = 0; id <= Math.max(...ids); id++) {
      const name = old.getSheetName(id);
      if (name === undefined) {
        const placeholder = `~removed sheet ${id}~`;
        placeholders.push(placeholder);
        sheets[placeholder] = [];
      } else {
        sheets[name] = old.getSheetSerialized(id);
      }
    }
    const target = sheets[old.getSheetName(sheet)!];
    data.forEach((line, r) => {
      const targetRow = (target[row + r] ??= []);
      while (targetRow.length < col) targetRow.push(null);
      line.forEach((value, c) => { targetRow[col + c] = value; });
    });
    for (let r = 0; r < target.length; r++) target[r] ??= [];
    const named = old.getAllNamedExpressionsSerialized();
    this.columns.clear();
    this.instance = HyperFormula.buildFromSheets(sheets, this.config(), named);
    for (const placeholder of placeholders) this.instance.removeSheet(this.instance.getSheetId(placeholder)!);
    this.listen(this.instance);
    old.destroy();
  }

  /** Fills a block from its top-left cell, moving relative references (like a drag-fill). */
  fill(sheet: number, row: number, col: number, height: number, width: number): void {
    // A formula with whole-column or open-ended references is moved from its typed text (HyperFormula would not move the internal names).
    const typed = this.names.fillSource(sheet, row, col);
    if (typed !== undefined) {
      this.setContents(sheet, row, col, this.names.fillTargets(sheet, row, col, typed, height, width));
      return;
    }
    const source = { start: { sheet, row, col }, end: { sheet, row, col } };
    const target = { start: { sheet, row, col }, end: { sheet, row: row + height - 1, col: col + width - 1 } };
    this.setContents(sheet, row, col, this.hf.getFillRangeData(source, target) as RawContent[][]);
  }

  clear(sheet: number, row: number, col: number, height: number, width: number): void {
    const { height: usedHeight, width: usedWidth } = this.hf.getSheetDimensions(sheet);
    const clearedHeight = Math.min(height, usedHeight - row);
    const clearedWidth = Math.min(width, usedWidth - col);
    if (clearedHeight <= 0 || clearedWidth <= 0) return;
    const nulls = Array.from({ length: clearedHeight }, () => new Array<RawContent>(clearedWidth).fill(null));
    this.setContents(sheet, row, col, nulls);
  }

  getValue(sheet: number, row: number, col: number): EngineValue {
    const value = this.hf.getCellValue({ sheet, row, col });
    return value instanceof DetailedCellError && this.isErroredArrayTail(sheet, row, col) ? null : this.exportValue(value);
  }

  getValues(sheet: number, row: number, col: number, height: number, width: number): EngineValue[][] {
    const raw = this.hf.getRangeValues({ start: { sheet, row, col }, end: { sheet, row: row + height - 1, col: col + width - 1 } });
    raw.forEach((line, r) => {
      for (let c = 0; c < line.length; c++) {
        const value = line[c];
        if (value instanceof DetailedCellError && this.isErroredArrayTail(sheet, row + r, col + c)) line[c] = null;
        else if (value !== null && typeof value === 'object') line[c] = this.exportValue(value) as never;
      }
    });
    return raw as EngineValue[][];
  }

  /**
   * HyperFormula fills the whole area reserved for an array formula with its error when the
   * formula fails (FILTER with no match: #N/A in every reserved cell); Sheets shows the error in
   * the formula's cell only. True for the other cells of such an area.
   */
  private isErroredArrayTail(sheet: number, row: number, col: number): boolean {
    const mapping = (this.hf as unknown as { addressMapping?: { getCell(address: Address): unknown } }).addressMapping;
    const vertex = mapping?.getCell({ sheet, row, col }) as { array?: { error?: unknown; array?: unknown }; cellAddress?: Address } | undefined;
    const corner = vertex?.cellAddress;
    if (!vertex?.array || vertex.array.error === undefined || !corner) return false;
    return corner.sheet !== sheet || corner.row !== row || corner.col !== col;
  }

  private exportValue(value: unknown): EngineValue {
    if (value instanceof DetailedCellError) return errorFromDetailed(value);
    if (value === undefined) return null;
    return value as EngineValue;
  }

  /** How HyperFormula typed the cell's number (a date from DATE(), a parsed "3/31/2026"...). */
  numberKind(sheet: number, row: number, col: number): NumberKind {
    return NUMBER_KINDS[this.hf.getCellValueDetailedType({ sheet, row, col })] ?? 'number';
  }

  /** The formula of a cell ("" when it has none), like Range.getFormula(). */
  getFormula(sheet: number, row: number, col: number): string {
    const formula = this.hf.getCellFormula({ sheet, row, col });
    return formula === undefined ? '' : this.names.typed(sheet, row, col) ?? formula;
  }

  getFormulas(sheet: number, row: number, col: number, height: number, width: number): string[][] {
    const raw = this.hf.getRangeFormulas({ start: { sheet, row, col }, end: { sheet, row: row + height - 1, col: col + width - 1 } });
    if (!this.names.hasTyped(sheet)) return raw.map((line) => line.map((formula) => formula ?? ''));
    return raw.map((line, r) => line.map((formula, c) => (formula === undefined ? '' : this.names.typed(sheet, row + r, col + c) ?? formula)));
  }

  /** The message Sheets would show in the error tooltip of the cell, if it holds an error. */
  errorMessage(sheet: number, row: number, col: number): string | undefined {
    const value = this.getValue(sheet, row, col);
    return value instanceof EngineError ? value.message : undefined;
  }

  isEmpty(sheet: number, row: number, col: number): boolean {
    return this.hf.isCellEmpty({ sheet, row, col });
  }

  /** Whether a cell shows anything (a value, a formula, a spilled result) as Sheets would. */
  hasContent(sheet: number, row: number, col: number): boolean {
    return !this.isEmpty(sheet, row, col) && !this.isErroredArrayTail(sheet, row, col);
  }

  /** Number of rows up to the last one with content (values, formulas or spilled results). */
  usedRows(sheet: number): number {
    const { height, width } = this.hf.getSheetDimensions(sheet);
    for (let r = height - 1; r >= 0; r--) {
      for (let c = 0; c < width; c++) if (this.hasContent(sheet, r, c)) return r + 1;
    }
    return 0;
  }

  /** Number of columns up to the last one with content. */
  usedColumns(sheet: number): number {
    const { height, width } = this.hf.getSheetDimensions(sheet);
    for (let c = width - 1; c >= 0; c--) {
      for (let r = 0; r < height; r++) if (this.hasContent(sheet, r, c)) return c + 1;
    }
    return 0;
  }

  // --- structure ----------------------------------------------------------------------------

  insertRows(sheet: number, index: number, count: number): void {
    if (index >= this.hf.getSheetDimensions(sheet).height) return;
    this.restructure({ sheet, rows: (r) => (r >= index ? r + count : r) }, () => this.hf.addRows(sheet, [index, count]));
    const rows = this.contentRows.get(sheet) ?? 0;
    if (index < rows) this.contentRows.set(sheet, rows + count);
    this.afterWrite();
  }

  deleteRows(sheet: number, index: number, count: number): void {
    if (index >= this.hf.getSheetDimensions(sheet).height) return;
    this.restructure({ sheet, rows: (r) => (r < index ? r : r < index + count ? undefined : r - count) }, () => this.hf.removeRows(sheet, [index, count]));
    const rows = this.contentRows.get(sheet) ?? 0;
    if (index < rows) this.contentRows.set(sheet, Math.max(index, rows - count));
    this.afterWrite();
  }

  insertColumns(sheet: number, index: number, count: number): void {
    if (index >= this.hf.getSheetDimensions(sheet).width) return;
    this.restructure({ sheet, cols: (c) => (c >= index ? c + count : c) }, () => this.hf.addColumns(sheet, [index, count]));
    this.afterWrite();
  }

  deleteColumns(sheet: number, index: number, count: number): void {
    if (index >= this.hf.getSheetDimensions(sheet).width) return;
    this.restructure({ sheet, cols: (c) => (c < index ? c : c < index + count ? undefined : c - count) }, () => this.hf.removeColumns(sheet, [index, count]));
    this.afterWrite();
  }

  // --- named ranges -------------------------------------------------------------------------

  /** Makes `name` usable in formulas; returns false when HyperFormula refuses the name. */
  setNamedRange(name: string, absoluteReference: string): boolean {
    try {
      if (this.hf.isItPossibleToChangeNamedExpression(name, `=${absoluteReference}`)) {
        this.hf.changeNamedExpression(name, `=${absoluteReference}`);
      } else {
        this.hf.addNamedExpression(name, `=${absoluteReference}`);
      }
      this.columns.bumpEpoch();
      this.afterWrite();
      return true;
    } catch {
      return false;
    }
  }

  removeNamedRange(name: string): void {
    try {
      this.columns.bumpEpoch();
      this.hf.removeNamedExpression(name);
      this.afterWrite();
    } catch {
      // Not known to HyperFormula (its name was refused when it was set).
    }
  }

  // --- custom functions ---------------------------------------------------------------------

  /** Names that are HyperFormula or Sheets-compat built-ins (a custom function may not take them). */
  static isBuiltInFunction(name: string): boolean {
    const upper = name.toUpperCase();
    return BUILT_IN_IDS.has(upper) || COMPAT_NAMES.includes(upper) || ['VERSION', 'OFFSET', 'TODAY', 'NOW', RANGE_FUNCTION].includes(upper);
  }

  /**
   * Registers (or replaces) custom functions; existing formulas that call them are re-evaluated.
   * The engine is rebuilt by HyperFormula (updateConfig), which re-parses every formula.
   */
  registerFunctions(functions: Record<string, EngineCustomFunction>): void {
    for (const [rawName, fn] of Object.entries(functions)) {
      const name = rawName.toUpperCase();
      if (!/^[A-Z_][A-Z0-9_.]*$/.test(name)) throw new Error(`Invalid custom function name: ${rawName}`);
      if (FormulaEngine.isBuiltInFunction(name)) throw new Error(`Custom function ${rawName} has the name of a built-in function`);
      this.customFunctions.set(name, fn);
    }
    HyperFormula.getLanguage('enGB').extendFunctions(Object.fromEntries([...this.customFunctions.keys()].map((name) => [name, name])));
    this.resultCache.clear();
    this.columns.clear();
    this.hf.updateConfig({ functionPlugins: this.config().functionPlugins });
    this.settle();
  }

  /** TODAY() and NOW() in the spreadsheet's time zone (they replace HyperFormula's). */
  private clockPlugins(): FunctionPluginDefinition[] {
    const clock = this.options.serialNow;
    if (!clock) return [];
    const serialNow: () => number = clock;
    class ClockPlugin extends FunctionPlugin {
      today(ast: ProcedureAstLike, state: unknown): unknown {
        const self = this as unknown as PluginInternals;
        return self.runFunction(ast.args, state, self.metadata('TODAY'), () => Math.floor(serialNow()));
      }
      now(ast: ProcedureAstLike, state: unknown): unknown {
        const self = this as unknown as PluginInternals;
        return self.runFunction(ast.args, state, self.metadata('NOW'), () => serialNow());
      }
    }
    (ClockPlugin as unknown as FunctionPluginDefinition).implementedFunctions = {
      TODAY: { method: 'today', parameters: [], isVolatile: true, returnNumberType: 'NUMBER_DATE' as never },
      NOW: { method: 'now', parameters: [], isVolatile: true, returnNumberType: 'NUMBER_DATETIME' as never },
    };
    return [ClockPlugin as unknown as FunctionPluginDefinition];
  }

  private customPlugins(): FunctionPluginDefinition[] {
    if (this.customFunctions.size === 0) return [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const engine = this;
    class CustomFunctionsPlugin extends FunctionPlugin {}
    const implemented: ImplementedFunctions = {};
    const pluginPrototype = CustomFunctionsPlugin.prototype as unknown as Record<string, unknown>;
    for (const name of this.customFunctions.keys()) {
      const method = `custom_${name}`;
      implemented[name] = { method, sizeOfResultArrayMethod: `${method}_size` };
      pluginPrototype[method] = function (this: PluginInternals, ast: ProcedureAstLike, state: StateLike) {
        return engine.evaluateCustom(this, name, ast, state);
      };
      pluginPrototype[`${method}_size`] = function (ast: ProcedureAstLike, state: StateLike) {
        return engine.reserveCustomSize(name, ast, state);
      };
    }
    (CustomFunctionsPlugin as unknown as FunctionPluginDefinition).implementedFunctions = implemented;
    return [CustomFunctionsPlugin as unknown as FunctionPluginDefinition];
  }

  /**
   * HyperFormula sizes array results when it parses a formula, before any value is known. The
   * engine reserves the size the call's last result needed (1×1 at first); when a result turns out
   * bigger or smaller, settle() re-enters the formula so it is parsed again with the right size.
   */
  private reserveCustomSize(name: string, ast: ProcedureAstLike, state: StateLike): ArraySize {
    const key = callKey(name, ast, state);
    const size = this.neededSize.get(key) ?? { width: 1, height: 1 };
    this.reservedSize.set(key, size);
    return new ArraySize(size.width, size.height);
  }

  private evaluateCustom(plugin: PluginInternals, name: string, ast: ProcedureAstLike, state: StateLike): unknown {
    const key = callKey(name, ast, state);
    const args = ast.args.map((arg) => this.customArgument(plugin, arg, state));
    const signature = argsSignature(args);
    const cached = this.resultCache.get(key);
    let result: CustomResult;
    if (cached && cached.signature === signature) {
      result = cached.result;
    } else {
      result = this.callCustom(name, args, state.formulaAddress);
      this.resultCache.set(key, { signature, result });
    }
    const needed = sizeOfResult(result);
    this.neededSize.set(key, needed);
    const reserved = this.reservedSize.get(key) ?? { width: 1, height: 1 };
    if (!sameSize(needed, reserved)) {
      const at = state.formulaAddress;
      this.resizeQueue.set(`${at.sheet}:${at.row}:${at.col}`, { sheet: at.sheet, row: at.row, col: at.col });
      // HyperFormula throws on an array result larger than the area it reserved: until the formula
      // is re-entered with the right size (settle), it gets the part that fits.
      if (Array.isArray(result) && (needed.height > reserved.height || needed.width > reserved.width)) {
        result = result.slice(0, reserved.height).map((line) => (Array.isArray(line) ? line.slice(0, reserved.width) : line));
      }
    }
    return this.internalResult(plugin, result);
  }

  private callCustom(name: string, args: CustomArg[], call: Address): CustomResult {
    const fn = this.customFunctions.get(name)!;
    try {
      return fn(args, { sheet: call.sheet, row: call.row, col: call.col });
    } catch (error) {
      const message = error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
        ? String((error as Error).message) : String(error);
      return new EngineError('#ERROR!', message);
    }
  }

  private customArgument(plugin: PluginInternals, arg: AstLike, state: StateLike): CustomArg {
    if (arg.type === 'EMPTY') return { kind: 'omitted' };
    const value = plugin.evaluateAst(arg, state);
    if (value instanceof SimpleRangeValue) {
      const values = value.data.map((line) => line.map(scalarFromInternal));
      const start = (value as unknown as { range?: { start: Address } }).range?.start;
      if (start && value.width() === 1 && value.height() === 1) {
        return { kind: 'cell', sheet: start.sheet, row: start.row, col: start.col, value: values[0][0] };
      }
      return start ? { kind: 'range', sheet: start.sheet, row: start.row, col: start.col, values } : { kind: 'array', values };
    }
    if (arg.type === 'CELL_REFERENCE' && arg.reference) {
      const at = arg.reference.toSimpleCellAddress(state.formulaAddress);
      return { kind: 'cell', sheet: at.sheet, row: at.row, col: at.col, value: scalarFromInternal(value) };
    }
    return { kind: 'value', value: scalarFromInternal(value) };
  }

  private internalResult(plugin: PluginInternals, result: CustomResult): unknown {
    if (!Array.isArray(result)) return internalFromScalar(plugin, result);
    const { width } = sizeOfResult(result);
    if (result.length === 0) return EmptyValue;
    const rows = result.map((line) => {
      const cells = Array.isArray(line) ? line : [line];
      const out = cells.map((scalar) => internalFromScalar(plugin, scalar));
      while (out.length < width) out.push(EmptyValue);
      return out;
    });
    if (rows.length === 1 && width === 1) return rows[0][0];
    return SimpleRangeValue.onlyValues(rows as never);
  }

  /** Re-enters formulas whose custom-function results changed size (a few rounds at most). */
  private settle(): void {
    for (let round = 0; round < 3 && this.resizeQueue.size > 0; round++) {
      const queue = [...this.resizeQueue.values()];
      this.resizeQueue.clear();
      this.hf.batch(() => {
        for (const at of queue) {
          const formula = this.hf.getCellFormula(at);
          if (formula === undefined) continue;
          this.columns.noteWrite(at.sheet, at.row, at.col, 1, 1, true);
          this.hf.setCellContents(at, formula);
        }
      });
    }
    this.resizeQueue.clear();
  }
}
