/**
 * Array formulas over whole columns, evaluated on dictionaries instead of cell by cell.
 *
 * LeadFlow's checklist holds ~160 formulas such as
 *   =IFERROR(ARRAYFORMULA(MEDIAN(IF((<stage of each lead>>=$D$3)*('Leads'!$D:$D=$A9)
 *       *('Leads'!$F:$F>=$C9)*('Leads'!$F:$F<$D9+1)*ISNUMBER('Leads'!$J:$J),'Leads'!$J:$J))),"")
 * where <stage of each lead> is two VLOOKUPs of the status column. HyperFormula evaluates each
 * operator and function element by element over 100,000 rows (and each VLOOKUP reads its table
 * again per element): minutes per sheet.
 *
 * Here an array is a column of ids into a table of distinct values (a status column has a few
 * dozen), or, when it holds two values (TRUE/FALSE, 1/0), a bitset. An operator or a function
 * applied element-wise is applied once per distinct value (or pair of values) with HyperFormula's
 * own operator or function, so every result is the one HyperFormula computes; the rows only map
 * ids to ids. Comparisons of many distinct numbers with one number are decided by bisection
 * (HyperFormula's comparison of numbers is monotonic); a product of TRUE/FALSE/1/0 arrays is an AND
 * of bitsets; IF/IFERROR/IFNA decide once per distinct first argument; MEDIAN reads the ids. A
 * sub-expression is computed once per recalculation and shared by every formula holding it (with
 * its relative references resolved: the stage of each lead once, a row's comparisons once per row).
 *
 * Anything else (another function, arrays of other shapes, small ranges) is left to HyperFormula,
 * node by node: the evaluator hands the node back and HyperFormula evaluates it as it always did.
 */
import { CellError, EmptyValue, SimpleRangeValue } from 'hyperformula';
import { ColumnCache, ColumnStore, Dictionary, GraphLike, RangeLike, rawOf } from './columns.ts';

/** A node the engine hands HyperFormula's interpreter: it evaluates to `value` (see engine.ts). */
export const VALUE_NODE = 'LEADFLOW_VALUE';

/** Ranges of at least this many cells go through the dictionary evaluation. */
const BIG_RANGE_CELLS = 512;

interface Ast {
  type: string;
  [field: string]: unknown;
}

interface StateLike {
  formulaAddress: { sheet: number; row: number; col: number };
  arraysFlag: boolean;
}

type Operator = (left: unknown, right?: unknown) => unknown;

export interface InterpreterLike {
  dependencyGraph: GraphLike;
  functionRegistry: {
    getMetadata(name: string): FunctionMetadata | undefined;
    getFunctionPlugin(name: string): { columnCache?: ColumnCache } | undefined;
  };
  [member: string]: unknown;
}

interface FunctionMetadata {
  parameters?: { argumentType: string; optionalArg?: boolean; defaultValue?: unknown }[];
  repeatLastArgs?: number;
  expandRanges?: boolean;
  vectorizationForbidden?: boolean;
  isVolatile?: boolean;
  doesNotNeedArgumentsToBeComputed?: boolean;
}

/**
 * An array value (row-major): either `ids` into `dict`, or, for two values, `bits` (set: `one`,
 * clear: `zero`). Either form is made from the other when needed.
 */
class EncodedArray {
  private idsForm?: { ids: Int32Array; dict: Dictionary };
  private bitsForm?: { bits: Uint32Array; one: unknown; zero: unknown };

  private constructor(readonly height: number, readonly width: number) {}

  /** The column rows it was read from, when it is a range read from the column cache (results on it are kept there). */
  origin?: { store: ColumnStore; row: number };

  static ofIds(height: number, width: number, ids: Int32Array, dict: Dictionary): EncodedArray {
    const array = new EncodedArray(height, width);
    array.idsForm = { ids, dict };
    return array;
  }

  static ofBits(height: number, width: number, bits: Uint32Array, one: unknown, zero: unknown): EncodedArray {
    const array = new EncodedArray(height, width);
    array.bitsForm = { bits, one, zero };
    return array;
  }

  get length(): number {
    return this.height * this.width;
  }

  sameShape(other: EncodedArray): boolean {
    return this.height === other.height && this.width === other.width;
  }

  get isBits(): boolean {
    return this.bitsForm !== undefined;
  }

  get bits(): { bits: Uint32Array; one: unknown; zero: unknown } {
    return this.bitsForm!;
  }

  get ids(): Int32Array {
    return this.ensureIdsForm().ids;
  }

  get dict(): Dictionary {
    return this.ensureIdsForm().dict;
  }

  private ensureIdsForm(): { ids: Int32Array; dict: Dictionary } {
    if (!this.idsForm) {
      const { bits, one, zero } = this.bitsForm!;
      const dict = new Dictionary(false);
      const [oneId, zeroId] = [dict.intern(one), dict.intern(zero)];
      const ids = new Int32Array(this.length);
      for (let i = 0; i < ids.length; i++) ids[i] = bits[i >>> 5] & (1 << (i & 31)) ? oneId : zeroId;
      this.idsForm = { ids, dict };
    }
    return this.idsForm;
  }

  value(index: number): unknown {
    if (this.bitsForm) return this.bitsForm.bits[index >>> 5] & (1 << (index & 31)) ? this.bitsForm.one : this.bitsForm.zero;
    return this.idsForm!.dict.vals[this.idsForm!.ids[index]];
  }

  toRange(): SimpleRangeValue {
    const { height, width } = this;
    const rows = new Array(height);
    for (let r = 0; r < height; r++) {
      const row = new Array(width);
      for (let c = 0; c < width; c++) row[c] = this.value(r * width + c);
      rows[r] = row;
    }
    return SimpleRangeValue.onlyValues(rows as never);
  }
}

/** The evaluator hands this back when HyperFormula must evaluate the node itself. */
const FALLBACK = Symbol('fallback');
type Value = unknown;

const BINARY: Record<string, string> = {
  EQUALS_OP: 'equalOp', NOT_EQUAL_OP: 'notEqualOp', GREATER_THAN_OP: 'greaterThanOp', LESS_THAN_OP: 'lessThanOp',
  GREATER_THAN_OR_EQUAL_OP: 'greaterThanOrEqualOp', LESS_THAN_OR_EQUAL_OP: 'lessThanOrEqualOp', CONCATENATE_OP: 'concatOp',
  PLUS_OP: 'plusOp', MINUS_OP: 'minusOp', TIMES_OP: 'timesOp', POWER_OP: 'powerOp', DIV_OP: 'divOp',
};
const UNARY: Record<string, string> = { MINUS_UNARY_OP: 'unaryMinusOp', PLUS_UNARY_OP: 'unaryPlusOp', PERCENT_OP: 'percentOp' };
const COMPARISON = new Set(['EQUALS_OP', 'NOT_EQUAL_OP', 'GREATER_THAN_OP', 'LESS_THAN_OP', 'GREATER_THAN_OR_EQUAL_OP', 'LESS_THAN_OR_EQUAL_OP']);

/** Element-wise functions evaluated once per distinct argument (HyperFormula vectorizes them the same way). */
const ELEMENTWISE = new Set([
  'ISNUMBER', 'ISTEXT', 'ISBLANK', 'ISERROR', 'ISERR', 'ISNA', 'ISLOGICAL', 'ISNONTEXT', 'N', 'NOT', 'VLOOKUP', 'HLOOKUP',
  'MATCH', 'ABS', 'ROUND', 'ROUNDUP', 'ROUNDDOWN', 'INT', 'TRUNC', 'LEN', 'LOWER', 'UPPER', 'TRIM', 'YEAR', 'MONTH', 'DAY',
  'EXACT', 'VALUE', 'LEFT', 'RIGHT', 'MID', 'SIGN', 'MOD',
]);
/**
 * YEAR and MONTH of a serial number, computed here: the serial's day in the 1899-12-30 epoch Sheets
 * and HyperFormula share. From 1 March 1900 on (serial 61), past the day Excel's leap-year bug adds;
 * anything else goes to HyperFormula.
 */
const CALENDAR: Record<string, (day: Date) => number> = { YEAR: (day) => day.getUTCFullYear(), MONTH: (day) => day.getUTCMonth() + 1 };
const FIRST_PLAIN_SERIAL = 61;
const LAST_SERIAL = 2_958_466; // 31 December 9999, the last date HyperFormula reads

/**
 * Functions whose answer for a value that is not an error depends on its kind alone (number, text,
 * boolean, empty): asked once per kind instead of once per distinct value, since a column of dates
 * with their times holds as many distinct values as it has leads. Errors are still asked one by one.
 */
const BY_KIND = new Set(['ISNUMBER', 'ISTEXT', 'ISBLANK', 'ISLOGICAL', 'ISNONTEXT', 'ISERROR', 'ISERR', 'ISNA']);
/** The kind BY_KIND's functions tell apart; undefined for an error or anything else, asked as it is. */
function kindOf(value: unknown): string | undefined {
  if (value instanceof CellError) return undefined;
  if (value === EmptyValue) return 'empty';
  const type = typeof value;
  if (type === 'number' || type === 'string' || type === 'boolean') return type;
  return rawOf(value) !== value ? 'rich number' : undefined;
}

/** Functions that pick one of their arguments per element. */
const SELECTORS = new Set(['IF', 'IFERROR', 'IFNA']);
const AGGREGATES = new Set(['MEDIAN', 'FREQUENCY', 'SUM']);

function handled(ast: Ast): boolean {
  if (ast.type === 'FUNCTION_CALL') {
    const name = String(ast.procedureName);
    return ELEMENTWISE.has(name) || SELECTORS.has(name) || AGGREGATES.has(name);
  }
  return BINARY[ast.type] !== undefined || UNARY[ast.type] !== undefined;
}

function children(ast: Ast): Ast[] {
  switch (ast.type) {
    case 'FUNCTION_CALL':
      return ast.args as Ast[];
    case 'PARENTHESES':
      return [ast.expression as Ast];
    case 'ARRAY':
      return (ast.args as Ast[][]).flat();
    default:
      if (ast.left) return [ast.left as Ast, ast.right as Ast];
      if (UNARY[ast.type]) return [ast.value as Ast];
      return [];
  }
}

const INTERNAL_NAME = /^_LF_R\d+_*$/i;

/** A node without the parentheses around it. */
const unwrapped = (ast: Ast): Ast => (ast.type === 'PARENTHESES' ? unwrapped(ast.expression as Ast) : ast);

/** Whether a node reads a big range (a whole column, an internal name, a long range): worth the dictionary evaluation. */
const bigCache = new WeakMap<Ast, boolean>();
function readsBigRange(ast: Ast): boolean {
  let big = bigCache.get(ast);
  if (big !== undefined) return big;
  switch (ast.type) {
    case 'COLUMN_RANGE':
      big = true;
      break;
    case 'NAMED_EXPRESSION':
      big = INTERNAL_NAME.test(String(ast.expressionName));
      break;
    case 'CELL_RANGE': {
      const start = ast.start as { row: number; col: number };
      const end = ast.end as { row: number; col: number };
      big = (Math.abs(end.row - start.row) + 1) * (Math.abs(end.col - start.col) + 1) >= BIG_RANGE_CELLS;
      break;
    }
    default:
      big = children(ast).some(readsBigRange);
  }
  bigCache.set(ast, big);
  return big;
}

// --- Keys of sub-expressions ----------------------------------------------------------------

interface Reference {
  type: string;
  col: number;
  row?: number;
  sheet?: number;
  toSimpleCellAddress?(base: StateLike['formulaAddress']): { sheet: number; col: number; row: number };
  toSimpleColumnAddress?(base: StateLike['formulaAddress']): { sheet: number; col: number };
}

/** Static keys: null when the node cannot be keyed, `relative` when its references need the formula's address. */
const keyCache = new WeakMap<Ast, { key: string | null; relative: boolean }>();

/**
 * A key for the node's value within one recalculation: the same key means the same value. Only
 * operators, literals, references and the functions above; references resolved against the
 * formula's address when relative.
 */
function keyOf(ast: Ast, at: StateLike['formulaAddress']): string | null {
  let cached = keyCache.get(ast);
  if (!cached) {
    let relative = false;
    const key = computeKey(ast, (reference) => {
      if (reference.type === 'CELL_REFERENCE_ABSOLUTE' || reference.type === 'ABSOLUTE') {
        return reference.sheet === undefined ? ((relative = true), null) : `${reference.sheet}!${reference.col}:${reference.row ?? ''}`;
      }
      relative = true;
      return null;
    });
    cached = { key: relative ? null : key ?? null, relative: relative && key !== undefined };
    keyCache.set(ast, cached);
  }
  if (!cached.relative) return cached.key;
  const resolved = computeKey(ast, (reference) => {
    if (reference.toSimpleCellAddress) {
      const address = reference.toSimpleCellAddress(at);
      return `${address.sheet}!${address.col}:${address.row}`;
    }
    if (reference.toSimpleColumnAddress) {
      const address = reference.toSimpleColumnAddress(at);
      return `${address.sheet}!${address.col}:`;
    }
    return null;
  });
  return resolved ?? null;
}

/** The key, with `writeReference` writing a reference (null: cannot be keyed); undefined when the node is of a kind never keyed. */
function computeKey(ast: Ast, writeReference: (reference: Reference) => string | null): string | null | undefined {
  const keysOf = (asts: Ast[]): string[] | undefined => {
    const out: string[] = [];
    for (const child of asts) {
      const key = computeKey(child, writeReference);
      if (key === undefined) return undefined;
      out.push(key ?? '?');
    }
    return out;
  };
  switch (ast.type) {
    case 'NUMBER':
    case 'STRING':
      return `${ast.type[0]}${JSON.stringify(ast.value)}`;
    case 'EMPTY':
      return 'E';
    case 'CELL_REFERENCE': {
      const reference = writeReference(ast.reference as Reference);
      return reference === null ? null : `C${reference}`;
    }
    case 'CELL_RANGE':
    case 'COLUMN_RANGE': {
      const start = writeReference(ast.start as Reference);
      const end = writeReference(ast.end as Reference);
      return start === null || end === null ? null : `${ast.type[1]}${start}~${end}`;
    }
    case 'NAMED_EXPRESSION':
      // (Names are per workbook or per sheet; memo keys carry the formula's sheet.)
      return `N${String(ast.expressionName).toUpperCase()}`;
    case 'PARENTHESES':
      return computeKey(ast.expression as Ast, writeReference);
    default: {
      if (!handled(ast)) return undefined;
      const args = keysOf(children(ast));
      if (!args) return undefined;
      if (args.includes('?')) return null;
      return `${ast.type === 'FUNCTION_CALL' ? String(ast.procedureName) : ast.type}(${args.join(',')})`;
    }
  }
}

type Evaluate = (this: InterpreterLike, ast: Ast, state: StateLike) => unknown;

/**
 * The value of a node by dictionary evaluation, or undefined when HyperFormula should evaluate it
 * (not an operator or one of the functions above, no big range read, or not an engine instance).
 * `evaluate` is the interpreter's (patched) node evaluation, `original` HyperFormula's own.
 */
export function evaluateVectorized(interpreter: InterpreterLike, ast: Ast, state: StateLike, evaluate: Evaluate, original: Evaluate): unknown {
  if (!handled(ast) || state.arraysFlag !== true || !readsBigRange(ast)) return undefined;
  const cache = interpreter.functionRegistry.getFunctionPlugin('COUNTIFS')?.columnCache;
  if (!cache) return undefined;
  const value = new Vectorizer(interpreter, state, evaluate, original, cache).node(ast);
  if (value === FALLBACK) {
    cache.stats.vectorFallbacks++;
    return undefined;
  }
  cache.stats.vectorNodes++;
  return value instanceof EncodedArray ? value.toRange() : value;
}

const isBool = (value: unknown) => value === true || value === false;
const isBit = (value: unknown) => value === 0 || value === 1;

class Vectorizer {
  constructor(
    private readonly interpreter: InterpreterLike,
    private readonly state: StateLike,
    private readonly evaluate: Evaluate,
    private readonly original: Evaluate,
    private readonly cache: ColumnCache,
  ) {}

  /** HyperFormula's evaluation of a node (internal names and nested array nodes still go through the engine's hook). */
  private hyperFormulaValue(ast: Ast): unknown {
    return this.evaluate.call(this.interpreter, ast, this.state);
  }

  /** HyperFormula's value for a node, as an EncodedArray when it is a big array. */
  private viaHyperFormula(ast: Ast): Value {
    const value = this.hyperFormulaValue(ast);
    if (value instanceof SimpleRangeValue && value.width() * value.height() >= BIG_RANGE_CELLS) return this.encode(value);
    return value;
  }

  node(ast: Ast): Value {
    if (ast.type === 'PARENTHESES') return this.node(ast.expression as Ast);
    if (!handled(ast) || !readsBigRange(ast)) return this.viaHyperFormula(ast);
    const key = keyOf(ast, this.state.formulaAddress);
    if (key === null) return this.compute(ast);
    return this.cache.perEpoch(`v${this.state.formulaAddress.sheet}|${key}`, () => this.compute(ast));
  }

  private compute(ast: Ast): Value {
    if (ast.type === 'TIMES_OP') return this.product(ast);
    if (BINARY[ast.type]) return this.binary(ast);
    if (UNARY[ast.type]) return this.unary(ast);
    const name = String(ast.procedureName);
    if (SELECTORS.has(name)) return this.selector(ast, name);
    if (name === 'FREQUENCY') return this.frequency(ast);
    if (name === 'SUM') return this.sum(ast);
    if (AGGREGATES.has(name)) return this.median(ast);
    return this.elementwise(ast, name);
  }

  /** A big range as an EncodedArray: from the column cache for one column, else value by value. */
  private encode(rangeValue: SimpleRangeValue): EncodedArray {
    const range = (rangeValue as unknown as { range?: RangeLike }).range;
    const height = rangeValue.height();
    const width = rangeValue.width();
    if (range && width === 1) {
      const store = this.cache.store(this.interpreter.dependencyGraph, rangeValue, range);
      const array = EncodedArray.ofIds(height, 1, store.idsOf(range.start.row, height), store.dict);
      array.origin = { store, row: range.start.row };
      return array;
    }
    const dict = new Dictionary(false);
    const ids = new Int32Array(height * width);
    const data = rangeValue.data;
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) ids[r * width + c] = dict.intern(data[r][c]);
    return EncodedArray.ofIds(height, width, ids, dict);
  }

  /**
   * An array from a result per distinct id of `array` (`results[id]`): a bitset when the results are
   * TRUE/FALSE or 1/0 only, ids otherwise.
   */
  private fromResults(array: EncodedArray, results: unknown[]): EncodedArray {
    const ids = array.ids;
    let bools = true;
    let bits01 = true;
    // (Id 0, the empty cell, is in every dictionary; only when it may occur does its result count.)
    for (let id = array.dict.emptyUsed ? 0 : 1; id < results.length; id++) {
      bools &&= isBool(results[id]);
      bits01 &&= isBit(results[id]);
    }
    if (bools || bits01) {
      const one = bools ? true : 1;
      const isOne = new Uint8Array(results.length);
      results.forEach((result, id) => { isOne[id] = result === one ? 1 : 0; });
      const bits = new Uint32Array((ids.length + 31) >>> 5);
      for (let i = 0; i < ids.length; i++) if (isOne[ids[i]]) bits[i >>> 5] |= 1 << (i & 31);
      return EncodedArray.ofBits(array.height, array.width, bits, one, bools ? false : 0);
    }
    const out = new Dictionary(false);
    const table = Int32Array.from(results, (result) => out.intern(result));
    const outIds = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) outIds[i] = table[ids[i]];
    return EncodedArray.ofIds(array.height, array.width, outIds, out);
  }

  /** `fn` applied to each distinct value of `array`. */
  private map(array: EncodedArray, fn: (value: unknown, id: number) => unknown): EncodedArray {
    if (array.isBits) {
      const { bits, one, zero } = array.bits;
      const [newOne, newZero] = [fn(one, 1), fn(zero, 0)];
      if (newOne === one && newZero === zero) return array;
      if ((isBool(newOne) && isBool(newZero) && newOne !== newZero) || (isBit(newOne) && isBit(newZero) && newOne !== newZero)) {
        return EncodedArray.ofBits(array.height, array.width, bits, newOne, newZero);
      }
    }
    return this.fromResults(array, array.dict.vals.map((value, id) => fn(value, id)));
  }

  private unary(ast: Ast): Value {
    const operand = this.node(ast.value as Ast);
    if (operand === FALLBACK || operand instanceof SimpleRangeValue) return FALLBACK;
    const op = this.interpreter[UNARY[ast.type]] as Operator;
    if (!(operand instanceof EncodedArray)) return operand instanceof CellError ? operand : op(operand);
    return this.map(operand, (x) => op(x));
  }

  /** Both operands, as HyperFormula's binaryRangeWrapper sees them (an error operand, not an array, is the result). */
  private operands(ast: Ast): [Value, Value] | Value {
    const left = this.node(ast.left as Ast);
    if (left === FALLBACK) return FALLBACK;
    const right = this.node(ast.right as Ast);
    if (right === FALLBACK || left instanceof SimpleRangeValue || right instanceof SimpleRangeValue) return FALLBACK;
    if (left instanceof CellError) return left;
    if (right instanceof CellError) return right;
    return [left, right];
  }

  private binary(ast: Ast): Value {
    const both = this.operands(ast);
    if (!Array.isArray(both)) return both;
    const [left, right] = both;
    const op = this.interpreter[BINARY[ast.type]] as Operator;
    if (left instanceof EncodedArray && right instanceof EncodedArray) return left.sameShape(right) ? this.pairwise(left, right, op) : FALLBACK;
    if (left instanceof EncodedArray) return COMPARISON.has(ast.type) ? this.comparison(left, right, ast.type, false) : this.map(left, (x) => op(x, right));
    if (right instanceof EncodedArray) return COMPARISON.has(ast.type) ? this.comparison(right, left, ast.type, true) : this.map(right, (x) => op(left, x));
    return op(left, right);
  }

  /**
   * a*b*c...: when every factor is TRUE/FALSE or 1/0 (a bitset, or such a value), HyperFormula's
   * product is 1 where all are true and 0 elsewhere, in any order: an AND of bitsets. Otherwise
   * the product is taken pair by pair, left to right, as HyperFormula does.
   */
  private product(ast: Ast): Value {
    const factors: Ast[] = [];
    const flatten = (node: Ast) => {
      if (node.type === 'TIMES_OP') {
        flatten(node.left as Ast);
        flatten(node.right as Ast);
      } else factors.push(node);
    };
    flatten(ast);
    const values: Value[] = [];
    let all01 = true;
    for (const factor of factors) {
      const value = this.node(factor);
      if (value === FALLBACK || value instanceof SimpleRangeValue) return this.binary(ast);
      values.push(value);
      if (value instanceof EncodedArray) {
        if (!value.isBits || !((isBool(value.bits.one) && isBool(value.bits.zero)) || (isBit(value.bits.one) && isBit(value.bits.zero)))) all01 = false;
      } else if (!isBool(value) && !isBit(value)) all01 = false;
    }
    const arrays = values.filter((value): value is EncodedArray => value instanceof EncodedArray);
    if (!all01 || arrays.length === 0 || arrays.some((array) => !array.sameShape(arrays[0]))) return this.binary(ast);
    const shape = arrays[0];
    const words = (shape.length + 31) >>> 5;
    const bits = new Uint32Array(words);
    // A constant false/0 factor makes every element 0.
    if (values.every((value) => (value instanceof EncodedArray ? true : value === true || value === 1))) {
      bits.fill(~0 >>> 0);
      for (const array of arrays) {
        const { bits: factorBits, one } = array.bits;
        const ones = one === true || one === 1;
        for (let w = 0; w < words; w++) bits[w] &= ones ? factorBits[w] : ~factorBits[w];
      }
      if (shape.length & 31) bits[words - 1] &= (1 << (shape.length & 31)) - 1;
    }
    return EncodedArray.ofBits(shape.height, shape.width, bits, 1, 0);
  }

  /** Two arrays of one shape, element by element: once per distinct pair of values. */
  private pairwise(left: EncodedArray, right: EncodedArray, op: Operator): EncodedArray {
    const [leftVals, rightVals] = [left.dict.vals, right.dict.vals];
    const [leftIds, rightIds] = [left.ids, right.ids];
    const rightCount = rightVals.length;
    const out = new Dictionary(false);
    const ids = new Int32Array(leftIds.length);
    if (leftVals.length * rightCount <= 1 << 22) {
      const table = new Int32Array(leftVals.length * rightCount).fill(-1);
      for (let i = 0; i < ids.length; i++) {
        const pair = leftIds[i] * rightCount + rightIds[i];
        let outId = table[pair];
        if (outId < 0) outId = table[pair] = out.intern(op(leftVals[leftIds[i]], rightVals[rightIds[i]]));
        ids[i] = outId;
      }
    } else {
      const table = new Map<number, number>();
      for (let i = 0; i < ids.length; i++) {
        const pair = leftIds[i] * rightCount + rightIds[i];
        let outId = table.get(pair);
        if (outId === undefined) table.set(pair, (outId = out.intern(op(leftVals[leftIds[i]], rightVals[rightIds[i]]))));
        ids[i] = outId;
      }
    }
    const result = EncodedArray.ofIds(left.height, left.width, ids, out);
    return out.vals.length <= 3 ? this.map(result, (value) => value) : result;
  }

  /**
   * A comparison of a column read from the cache with one value is kept with the column's rows
   * (until one of them changes): a row of the checklist compares the arrival dates with its
   * period's start and end at every recalculation.
   */
  private comparison(array: EncodedArray, scalar: unknown, type: string, scalarLeft: boolean): EncodedArray {
    const op = this.interpreter[BINARY[type]] as Operator;
    const operandKey = array.origin && scalarKey(scalar);
    if (!array.origin || operandKey === undefined) return this.compare(array, scalar, op, scalarLeft);
    const key = `${type}|${scalarLeft}|${array.origin.row}|${array.length}|${operandKey}`;
    const derived = array.origin.store.derived;
    let result = derived.get(key) as EncodedArray | undefined;
    if (!result) derived.set(key, (result = this.compare(array, scalar, op, scalarLeft)));
    return result;
  }

  /**
   * A comparison of an array with one value. With a number and many distinct numbers: HyperFormula
   * compares numbers with a relative epsilon, monotonically, so each number's place relative to the
   * value (below, equal, above) is found by bisection with HyperFormula's own > and >=.
   */
  private compare(array: EncodedArray, scalar: unknown, op: Operator, scalarLeft: boolean): EncodedArray {
    const apply = (element: unknown) => (scalarLeft ? op(scalar, element) : op(element, scalar));
    if (array.isBits || typeof rawOf(scalar) !== 'number' || array.dict.vals.length < 64) return this.map(array, apply);
    const vals = array.dict.vals;
    const greaterThan = this.interpreter.greaterThanOp as Operator;
    const greaterOrEqual = this.interpreter.greaterThanOrEqualOp as Operator;
    // Position of the element against the scalar in the operands' order: 1 above, 0 equal, -1 below (as HyperFormula's compare).
    const placeOf = (element: unknown) => (scalarLeft
      ? (greaterThan(scalar, element) === true ? 1 : greaterOrEqual(scalar, element) === true ? 0 : -1)
      : (greaterThan(element, scalar) === true ? 1 : greaterOrEqual(element, scalar) === true ? 0 : -1));
    const order = array.dict.numbersInOrder();
    // placeOf is monotonic along the numbers in order (non-decreasing with the scalar on the right, non-increasing on the left).
    const firstWhere = (predicate: (place: number) => boolean) => {
      let lo = 0;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (predicate(placeOf(vals[order[mid]]))) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    // The numbers equal to the scalar are order[equalFrom .. equalTo).
    const [equalFrom, equalTo] = scalarLeft
      ? [firstWhere((place) => place <= 0), firstWhere((place) => place < 0)]
      : [firstWhere((place) => place >= 0), firstWhere((place) => place > 0)];
    const results: unknown[] = new Array(vals.length);
    const numeric = new Uint8Array(vals.length);
    // One result per class, from the operator itself on one of its numbers.
    const ranges: [number, number][] = [[0, equalFrom], [equalFrom, equalTo], [equalTo, order.length]];
    for (const [from, to] of ranges) {
      if (from >= to) continue;
      const result = apply(vals[order[from]]);
      for (let rank = from; rank < to; rank++) {
        results[order[rank]] = result;
        numeric[order[rank]] = 1;
      }
    }
    for (let id = 0; id < vals.length; id++) if (!numeric[id]) results[id] = apply(vals[id]);
    return this.fromResults(array, results);
  }

  /** The metadata of each argument, as HyperFormula extends it for repeated arguments. */
  private parameters(name: string, count: number): { argumentType: string }[] | undefined {
    const metadata = this.interpreter.functionRegistry.getMetadata(name);
    if (!metadata || metadata.expandRanges || metadata.vectorizationForbidden || metadata.isVolatile || metadata.doesNotNeedArgumentsToBeComputed) return undefined;
    const params = [...(metadata.parameters ?? [])];
    if (metadata.repeatLastArgs) while (count > params.length) params.push(...params.slice(params.length - metadata.repeatLastArgs));
    if (count > params.length) return undefined;
    for (let i = count; i < params.length; i++) if (!params[i].optionalArg && params[i].defaultValue === undefined) return undefined;
    return params;
  }

  /** A call of the function with these values as its arguments (EMPTY kept as written). */
  private call(ast: Ast, values: unknown[]): unknown {
    const args = (ast.args as Ast[]).map((arg, i) => (arg.type === 'EMPTY' ? arg : { type: VALUE_NODE, value: values[i] }));
    return this.original.call(this.interpreter, { type: 'FUNCTION_CALL', procedureName: ast.procedureName, args }, this.state);
  }

  /** Arguments evaluated; an array on a range parameter (a VLOOKUP table) is handed over whole. */
  private args(ast: Ast, name: string): { values: Value[]; vector: number[] } | typeof FALLBACK {
    const asts = ast.args as Ast[];
    const params = this.parameters(name, asts.length);
    if (!params) return FALLBACK;
    const values: Value[] = [];
    const vector: number[] = [];
    for (let i = 0; i < asts.length; i++) {
      const rangeParam = params[i].argumentType === 'RANGE' || params[i].argumentType === 'ANY';
      let value = asts[i].type === 'EMPTY' ? EmptyValue : rangeParam ? this.hyperFormulaValue(asts[i]) : this.node(asts[i]);
      if (value === FALLBACK) return FALLBACK;
      if (value instanceof EncodedArray) {
        if (rangeParam) value = value.toRange();
        else vector.push(i);
      } else if (value instanceof SimpleRangeValue && !rangeParam) {
        return FALLBACK;
      }
      values.push(value);
    }
    for (const i of vector) if (!(values[i] as EncodedArray).sameShape(values[vector[0]] as EncodedArray)) return FALLBACK;
    return { values, vector };
  }

  /** An element-wise function: once per distinct tuple of the vectorized arguments' values. */
  private elementwise(ast: Ast, name: string): Value {
    const evaluated = this.args(ast, name);
    if (evaluated === FALLBACK) return FALLBACK;
    const { values, vector } = evaluated as { values: Value[]; vector: number[] };
    if (vector.length === 0) return this.call(ast, values);
    const arrays = vector.map((i) => values[i] as EncodedArray);
    let failed = false;
    const callWith = (tuple: unknown[]) => {
      const callArgs = values.slice();
      vector.forEach((argIndex, tupleIndex) => { callArgs[argIndex] = tuple[tupleIndex]; });
      const value = this.call(ast, callArgs);
      if (value instanceof SimpleRangeValue) failed = true;
      return value;
    };
    let result: EncodedArray;
    const calendar = arrays.length === 1 && values.length === 1 ? CALENDAR[name] : undefined;
    if (calendar) {
      // YEAR and MONTH of a date: arrival dates with their times are as many distinct values as leads.
      result = this.map(arrays[0], (value) => {
        const raw = rawOf(value);
        return typeof raw === 'number' && raw >= FIRST_PLAIN_SERIAL && raw < LAST_SERIAL ? calendar(new Date(Math.round((Math.floor(raw) - 25_569) * 86_400_000))) : callWith([value]);
      });
    } else if (arrays.length === 1 && values.length === 1 && BY_KIND.has(name)) {
      const byKind = new Map<string, unknown>();
      result = this.map(arrays[0], (value) => {
        const kind = kindOf(value);
        if (kind === undefined) return callWith([value]);
        if (!byKind.has(kind)) byKind.set(kind, callWith([value]));
        return byKind.get(kind);
      });
    } else if (arrays.length === 1) {
      result = this.map(arrays[0], (value) => callWith([value]));
    } else {
      const { ids, tuples } = combine(arrays);
      const out = new Dictionary(false);
      const table = tuples.map((tuple) => out.intern(callWith(tuple.map((id, arrayIndex) => arrays[arrayIndex].dict.vals[id]))));
      const outIds = new Int32Array(ids.length);
      for (let i = 0; i < ids.length; i++) outIds[i] = table[ids[i]];
      result = EncodedArray.ofIds(arrays[0].height, arrays[0].width, outIds, out);
    }
    return failed ? FALLBACK : result;
  }

  /**
   * IF(condition, a, b), IFERROR(value, alt), IFNA(value, alt): the function itself decides, once
   * per distinct value of its first argument, which argument an element takes (or which value: an
   * error, or the value converted as HyperFormula converts it).
   */
  private selector(ast: Ast, name: string): Value {
    const evaluated = this.args(ast, name);
    if (evaluated === FALLBACK) return FALLBACK;
    const { values, vector } = evaluated as { values: Value[]; vector: number[] };
    if (vector.length === 0) return this.call(ast, values);
    const shape = values[vector[0]] as EncodedArray;
    const length = shape.length;
    const isIf = name === 'IF';
    // Marks standing for the arguments: what the function returns for a first argument `firstValue`
    // is then the first argument (IFERROR/IFNA returning `firstValue`), the second, the third, or a
    // value of its own.
    const FIRST = { mark: 1 };
    const SECOND = { mark: 2 };
    const THIRD = { mark: 3 };
    const probe = (firstValue: unknown): unknown => {
      const probeArgs = values.slice();
      probeArgs[0] = firstValue;
      probeArgs[1] = SECOND;
      if (!isIf) {
        const result = this.call(ast, probeArgs);
        return result === firstValue ? FIRST : result;
      }
      if (probeArgs.length > 2) {
        probeArgs[2] = THIRD;
        return this.call(ast, probeArgs);
      }
      // IF(condition, a): the omitted third argument is FALSE.
      const result = this.call({ ...ast, args: [...(ast.args as Ast[]), { type: VALUE_NODE }] }, [...probeArgs, THIRD]);
      return result === THIRD ? false : result;
    };
    const out = new Dictionary(false);
    // Per distinct first argument, what an element takes: 0, 1, 2 for that argument, or -2 - id for a value of its own.
    const codeOf = (result: unknown): number => (result === FIRST ? 0 : result === SECOND ? 1 : result === THIRD ? 2 : -2 - out.intern(result));
    // Per argument (made when first needed): its ids, its values, and their ids in the output (-1: not met yet).
    const sources: ({ ids: Int32Array; vals: unknown[]; table: Int32Array } | number)[] = [];
    const sourceOf = (argIndex: number) => {
      if (sources[argIndex] === undefined) {
        const value = argIndex < values.length ? values[argIndex] : false;
        sources[argIndex] = value instanceof EncodedArray
          ? { ids: value.ids, vals: value.dict.vals, table: new Int32Array(value.dict.vals.length).fill(-1) }
          : out.intern(value);
      }
      return sources[argIndex];
    };
    const ids = new Int32Array(length);
    /** Fills the elements where `pick(i)` holds with what `code` says. */
    const fill = (code: number, pick: (i: number) => boolean) => {
      const source = code >= 0 ? sourceOf(code) : -2 - code;
      if (typeof source === 'number') {
        for (let i = 0; i < length; i++) if (pick(i)) ids[i] = source;
      } else {
        const { ids: sourceIds, vals, table } = source;
        for (let i = 0; i < length; i++) {
          if (!pick(i)) continue;
          const id = sourceIds[i];
          const outId = table[id];
          ids[i] = outId >= 0 ? outId : (table[id] = out.intern(vals[id]));
        }
      }
    };
    const first = values[0];
    if (!(first instanceof EncodedArray)) {
      fill(codeOf(probe(first)), () => true);
    } else if (first.isBits) {
      const { bits, one, zero } = first.bits;
      const [codeOne, codeZero] = [codeOf(probe(one)), codeOf(probe(zero))];
      const [sourceOne, sourceZero] = [codeOne >= 0 ? sourceOf(codeOne) : -2 - codeOne, codeZero >= 0 ? sourceOf(codeZero) : -2 - codeZero];
      if (typeof sourceOne === 'number' && typeof sourceZero === 'number') {
        for (let i = 0; i < length; i++) ids[i] = bits[i >>> 5] & (1 << (i & 31)) ? sourceOne : sourceZero;
      } else {
        for (let i = 0; i < length; i++) {
          const source = bits[i >>> 5] & (1 << (i & 31)) ? sourceOne : sourceZero;
          if (typeof source === 'number') ids[i] = source;
          else {
            const sourceId = source.ids[i];
            const outId = source.table[sourceId];
            ids[i] = outId >= 0 ? outId : (source.table[sourceId] = out.intern(source.vals[sourceId]));
          }
        }
      }
    } else {
      const firstIds = first.ids;
      const firstVals = first.dict.vals;
      const codes = new Int32Array(firstVals.length).fill(-1);
      for (let i = 0; i < length; i++) {
        const id = firstIds[i];
        let code = codes[id];
        if (code === -1) code = codes[id] = codeOf(probe(firstVals[id]));
        const source = code >= 0 ? sourceOf(code) : -2 - code;
        if (typeof source === 'number') ids[i] = source;
        else {
          const sourceId = source.ids[i];
          const outId = source.table[sourceId];
          ids[i] = outId >= 0 ? outId : (source.table[sourceId] = out.intern(source.vals[sourceId]));
        }
      }
    }
    const result = EncodedArray.ofIds(shape.height, shape.width, ids, out);
    return out.vals.length <= 3 ? this.map(result, (value) => value) : result;
  }

  /**
   * FREQUENCY of an array over a small range of classes, from the array's distinct values and how
   * often each occurs: a funnel's keys over 100,000 leads are a few hundred distinct numbers.
   */
  private frequency(ast: Ast): Value {
    const asts = ast.args as Ast[];
    // Only an array expression: a plain range is HyperFormula's to read (it knows how far an open-ended one reaches now).
    if (asts.length !== 2 || !handled(unwrapped(asts[0]))) return FALLBACK;
    const data = this.node(asts[0]);
    if (data === FALLBACK || !(data instanceof EncodedArray)) return FALLBACK;
    const classes = this.hyperFormulaValue(asts[1]);
    const bounds: number[] = [];
    for (const value of classes instanceof SimpleRangeValue ? classes.valuesFromTopLeftCorner() : [classes]) {
      if (value instanceof CellError) return value;
      const raw = rawOf(value);
      if (typeof raw === 'number') bounds.push(raw);
    }
    const vals = data.dict.vals;
    const times = new Float64Array(vals.length);
    for (const id of data.ids) times[id]++;
    const numbers: number[] = [];
    const weights: number[] = [];
    for (let id = 0; id < vals.length; id++) {
      if (!times[id]) continue;
      if (vals[id] instanceof CellError) return vals[id];
      const raw = rawOf(vals[id]);
      if (typeof raw === 'number') {
        numbers.push(raw);
        weights.push(times[id]);
      }
    }
    return SimpleRangeValue.onlyNumbers(binCounts(numbers, weights, bounds).map((count) => [count]));
  }

  /** SUM of one array: each distinct number times how often it occurs; text, empty and TRUE/FALSE are skipped, an error is the result. */
  private sum(ast: Ast): Value {
    const asts = ast.args as Ast[];
    if (asts.length !== 1 || !handled(unwrapped(asts[0]))) return FALLBACK;
    const argument = this.node(asts[0]);
    if (argument === FALLBACK) return FALLBACK;
    if (!(argument instanceof EncodedArray)) return this.call(ast, [argument]);
    const vals = argument.dict.vals;
    const times = new Float64Array(vals.length);
    for (const id of argument.ids) times[id]++;
    let total = 0;
    for (let id = 0; id < vals.length; id++) {
      if (!times[id]) continue;
      if (vals[id] instanceof CellError) return vals[id];
      const raw = rawOf(vals[id]);
      if (typeof raw === 'number') total += raw * times[id];
    }
    return total;
  }

  /** MEDIAN of one array: its numbers (HyperFormula's manyToExactNumbers: the first error wins, other values are skipped). */
  private median(ast: Ast): Value {
    const asts = ast.args as Ast[];
    if (asts.length !== 1) return FALLBACK;
    const argument = this.node(asts[0]);
    if (argument === FALLBACK) return FALLBACK;
    if (!(argument instanceof EncodedArray)) return this.call(ast, [argument]);
    const vals = argument.dict.vals;
    const kind = new Int8Array(vals.length); // 1 number, 2 error, 0 skipped
    for (let id = 0; id < vals.length; id++) kind[id] = vals[id] instanceof CellError ? 2 : typeof rawOf(vals[id]) === 'number' ? 1 : 0;
    const numbers: number[] = [];
    const ids = argument.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (kind[id] === 1) numbers.push(rawOf(vals[id]) as number);
      else if (kind[id] === 2) return vals[id];
    }
    // The rest as HyperFormula's MEDIAN does it, on a small array of the numbers (two texts when there are none: its error).
    const rows = numbers.length > 0 ? numbers.map((x) => [x]) : [['', '']];
    return this.call(ast, [SimpleRangeValue.onlyValues(rows as never)]);
  }
}

/**
 * FREQUENCY's counts: per class (in the order given), the values above the next lower class and at
 * most this one, then the values above every class; each value counted `weights[i]` times.
 */
export function binCounts(values: number[], weights: number[] | null, classes: number[]): number[] {
  const sorted = classes.map((bound, at) => ({ bound, at })).sort((a, b) => a.bound - b.bound);
  const counts = new Array<number>(classes.length + 1).fill(0);
  values.forEach((value, i) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (value <= sorted[middle].bound) high = middle;
      else low = middle + 1;
    }
    counts[low === sorted.length ? classes.length : sorted[low].at] += weights ? weights[i] : 1;
  });
  return counts;
}

/** A key for a scalar operand (its type included: a date and a number are not the same operand); undefined for others. */
function scalarKey(value: unknown): string | undefined {
  if (typeof value === 'number') return `n${value}`;
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'boolean') return `b${value}`;
  if (value === EmptyValue) return 'e';
  const rich = value as { val?: unknown; format?: string; getDetailedType?: () => string };
  if (rich !== null && typeof rich === 'object' && typeof rich.val === 'number' && typeof rich.getDetailedType === 'function') return `r${rich.getDetailedType()}|${rich.format ?? ''}|${rich.val}`;
  return undefined;
}

/** Distinct tuples of ids of arrays of one shape: per element, its tuple's index. */
function combine(arrays: EncodedArray[]): { ids: Int32Array; tuples: number[][] } {
  const length = arrays[0].length;
  let ids = Int32Array.from(arrays[0].ids);
  let tuples: number[][] = arrays[0].dict.vals.map((_value, id) => [id]);
  for (let arrayIndex = 1; arrayIndex < arrays.length; arrayIndex++) {
    const nextIds = arrays[arrayIndex].ids;
    const nextCount = arrays[arrayIndex].dict.vals.length;
    const table = new Map<number, number>();
    const nextTuples: number[][] = [];
    const combined = new Int32Array(length);
    for (let i = 0; i < length; i++) {
      const key = ids[i] * nextCount + nextIds[i];
      let tupleIndex = table.get(key);
      if (tupleIndex === undefined) {
        tupleIndex = nextTuples.length;
        nextTuples.push([...tuples[ids[i]], nextIds[i]]);
        table.set(key, tupleIndex);
      }
      combined[i] = tupleIndex;
    }
    ids = combined;
    tuples = nextTuples;
  }
  return { ids, tuples };
}
