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
const BIG = 512;

interface Ast {
  type: string;
  [k: string]: unknown;
}

interface StateLike {
  formulaAddress: { sheet: number; row: number; col: number };
  arraysFlag: boolean;
}

type Op = (a: unknown, b?: unknown) => unknown;

export interface InterpreterLike {
  dependencyGraph: GraphLike;
  functionRegistry: {
    getMetadata(name: string): FunctionMetadata | undefined;
    getFunctionPlugin(name: string): { columnCache?: ColumnCache } | undefined;
  };
  [op: string]: unknown;
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
class Enc {
  private idsForm?: { ids: Int32Array; dict: Dictionary };
  private bitsForm?: { bits: Uint32Array; one: unknown; zero: unknown };

  private constructor(readonly height: number, readonly width: number) {}

  /** The column rows it was read from, when it is a range read from the column cache (results on it are kept there). */
  origin?: { store: ColumnStore; row: number };

  static ofIds(height: number, width: number, ids: Int32Array, dict: Dictionary): Enc {
    const e = new Enc(height, width);
    e.idsForm = { ids, dict };
    return e;
  }

  static ofBits(height: number, width: number, bits: Uint32Array, one: unknown, zero: unknown): Enc {
    const e = new Enc(height, width);
    e.bitsForm = { bits, one, zero };
    return e;
  }

  get length(): number {
    return this.height * this.width;
  }

  sameShape(o: Enc): boolean {
    return this.height === o.height && this.width === o.width;
  }

  get isBits(): boolean {
    return this.bitsForm !== undefined;
  }

  get bits(): { bits: Uint32Array; one: unknown; zero: unknown } {
    return this.bitsForm!;
  }

  get ids(): Int32Array {
    return this.idForm().ids;
  }

  get dict(): Dictionary {
    return this.idForm().dict;
  }

  private idForm(): { ids: Int32Array; dict: Dictionary } {
    if (!this.idsForm) {
      const { bits, one, zero } = this.bitsForm!;
      const dict = new Dictionary(false);
      const [o, z] = [dict.intern(one), dict.intern(zero)];
      const ids = new Int32Array(this.length);
      for (let i = 0; i < ids.length; i++) ids[i] = bits[i >>> 5] & (1 << (i & 31)) ? o : z;
      this.idsForm = { ids, dict };
    }
    return this.idsForm;
  }

  value(i: number): unknown {
    if (this.bitsForm) return this.bitsForm.bits[i >>> 5] & (1 << (i & 31)) ? this.bitsForm.one : this.bitsForm.zero;
    return this.idsForm!.dict.vals[this.idsForm!.ids[i]];
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
/** Functions that pick one of their arguments per element. */
const SELECTORS = new Set(['IF', 'IFERROR', 'IFNA']);
const AGGREGATES = new Set(['MEDIAN']);

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
      const s = ast.start as { row: number; col: number };
      const e = ast.end as { row: number; col: number };
      big = (Math.abs(e.row - s.row) + 1) * (Math.abs(e.col - s.col) + 1) >= BIG;
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
  let k = keyCache.get(ast);
  if (!k) {
    let relative = false;
    const key = computeKey(ast, (r) => {
      if (r.type === 'CELL_REFERENCE_ABSOLUTE' || r.type === 'ABSOLUTE') return r.sheet === undefined ? ((relative = true), null) : `${r.sheet}!${r.col}:${r.row ?? ''}`;
      relative = true;
      return null;
    });
    k = { key: relative ? null : key ?? null, relative: relative && key !== undefined };
    keyCache.set(ast, k);
  }
  if (!k.relative) return k.key;
  const resolved = computeKey(ast, (r) => {
    if (r.toSimpleCellAddress) {
      const a = r.toSimpleCellAddress(at);
      return `${a.sheet}!${a.col}:${a.row}`;
    }
    if (r.toSimpleColumnAddress) {
      const a = r.toSimpleColumnAddress(at);
      return `${a.sheet}!${a.col}:`;
    }
    return null;
  });
  return resolved ?? null;
}

/** The key, with `ref` writing a reference (null: cannot be keyed); undefined when the node is of a kind never keyed. */
function computeKey(ast: Ast, ref: (r: Reference) => string | null): string | null | undefined {
  const all = (asts: Ast[]): string[] | undefined => {
    const out: string[] = [];
    for (const a of asts) {
      const k = computeKey(a, ref);
      if (k === undefined) return undefined;
      out.push(k ?? '?');
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
      const r = ref(ast.reference as Reference);
      return r === null ? null : `C${r}`;
    }
    case 'CELL_RANGE':
    case 'COLUMN_RANGE': {
      const a = ref(ast.start as Reference);
      const b = ref(ast.end as Reference);
      return a === null || b === null ? null : `${ast.type[1]}${a}~${b}`;
    }
    case 'NAMED_EXPRESSION':
      // (Names are per workbook or per sheet; memo keys carry the formula's sheet.)
      return `N${String(ast.expressionName).toUpperCase()}`;
    case 'PARENTHESES':
      return computeKey(ast.expression as Ast, ref);
    default: {
      if (!handled(ast)) return undefined;
      const args = all(children(ast));
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
  const v = new Vectorizer(interpreter, state, evaluate, original, cache).node(ast);
  if (v === FALLBACK) {
    cache.stats.vectorFallbacks++;
    return undefined;
  }
  cache.stats.vectorNodes++;
  return v instanceof Enc ? v.toRange() : v;
}

const isBool = (v: unknown) => v === true || v === false;
const isBit = (v: unknown) => v === 0 || v === 1;

class Vectorizer {
  constructor(
    private readonly interp: InterpreterLike,
    private readonly state: StateLike,
    private readonly evaluate: Evaluate,
    private readonly original: Evaluate,
    private readonly cache: ColumnCache,
  ) {}

  /** HyperFormula's evaluation of a node (internal names and nested array nodes still go through the engine's hook). */
  private hf(ast: Ast): unknown {
    return this.evaluate.call(this.interp, ast, this.state);
  }

  /** HyperFormula's value for a node, as an Enc when it is a big array. */
  private viaHyperFormula(ast: Ast): Value {
    const v = this.hf(ast);
    if (v instanceof SimpleRangeValue && v.width() * v.height() >= BIG) return this.encode(v);
    return v;
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
    if (AGGREGATES.has(name)) return this.median(ast);
    return this.elementwise(ast, name);
  }

  /** A big range as an Enc: from the column cache for one column, else value by value. */
  private encode(v: SimpleRangeValue): Enc {
    const range = (v as unknown as { range?: RangeLike }).range;
    const height = v.height();
    const width = v.width();
    if (range && width === 1) {
      const store = this.cache.store(this.interp.dependencyGraph, v, range);
      const e = Enc.ofIds(height, 1, store.idsOf(range.start.row, height), store.dict);
      e.origin = { store, row: range.start.row };
      return e;
    }
    const dict = new Dictionary(false);
    const ids = new Int32Array(height * width);
    const data = v.data;
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) ids[r * width + c] = dict.intern(data[r][c]);
    return Enc.ofIds(height, width, ids, dict);
  }

  /**
   * An array from a result per distinct id of `e` (`results[id]`): a bitset when the results are
   * TRUE/FALSE or 1/0 only, ids otherwise.
   */
  private fromResults(e: Enc, results: unknown[]): Enc {
    const ids = e.ids;
    let bools = true;
    let bits01 = true;
    // (Id 0, the empty cell, is in every dictionary; only when it may occur does its result count.)
    for (let id = e.dict.emptyUsed ? 0 : 1; id < results.length; id++) {
      bools &&= isBool(results[id]);
      bits01 &&= isBit(results[id]);
    }
    if (bools || bits01) {
      const one = bools ? true : 1;
      const set = new Uint8Array(results.length);
      results.forEach((r, id) => { set[id] = r === one ? 1 : 0; });
      const bits = new Uint32Array((ids.length + 31) >>> 5);
      for (let i = 0; i < ids.length; i++) if (set[ids[i]]) bits[i >>> 5] |= 1 << (i & 31);
      return Enc.ofBits(e.height, e.width, bits, one, bools ? false : 0);
    }
    const out = new Dictionary(false);
    const table = Int32Array.from(results, (r) => out.intern(r));
    const outIds = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) outIds[i] = table[ids[i]];
    return Enc.ofIds(e.height, e.width, outIds, out);
  }

  /** f applied to each distinct value of e. */
  private map(e: Enc, f: (v: unknown, id: number) => unknown): Enc {
    if (e.isBits) {
      const { bits, one, zero } = e.bits;
      const [o, z] = [f(one, 1), f(zero, 0)];
      if (o === one && z === zero) return e;
      if ((isBool(o) && isBool(z) && o !== z) || (isBit(o) && isBit(z) && o !== z)) return Enc.ofBits(e.height, e.width, bits, o, z);
    }
    return this.fromResults(e, e.dict.vals.map((v, id) => f(v, id)));
  }

  private unary(ast: Ast): Value {
    const v = this.node(ast.value as Ast);
    if (v === FALLBACK || v instanceof SimpleRangeValue) return FALLBACK;
    const op = this.interp[UNARY[ast.type]] as Op;
    if (!(v instanceof Enc)) return v instanceof CellError ? v : op(v);
    return this.map(v, (x) => op(x));
  }

  /** Both operands, as HyperFormula's binaryRangeWrapper sees them (an error operand, not an array, is the result). */
  private operands(ast: Ast): [Value, Value] | Value {
    const l = this.node(ast.left as Ast);
    if (l === FALLBACK) return FALLBACK;
    const r = this.node(ast.right as Ast);
    if (r === FALLBACK || l instanceof SimpleRangeValue || r instanceof SimpleRangeValue) return FALLBACK;
    if (l instanceof CellError) return l;
    if (r instanceof CellError) return r;
    return [l, r];
  }

  private binary(ast: Ast): Value {
    const both = this.operands(ast);
    if (!Array.isArray(both)) return both;
    const [l, r] = both;
    const op = this.interp[BINARY[ast.type]] as Op;
    if (l instanceof Enc && r instanceof Enc) return l.sameShape(r) ? this.pairwise(l, r, op) : FALLBACK;
    if (l instanceof Enc) return COMPARISON.has(ast.type) ? this.comparison(l, r, ast.type, false) : this.map(l, (x) => op(x, r));
    if (r instanceof Enc) return COMPARISON.has(ast.type) ? this.comparison(r, l, ast.type, true) : this.map(r, (x) => op(l, x));
    return op(l, r);
  }

  /**
   * a*b*c...: when every factor is TRUE/FALSE or 1/0 (a bitset, or such a value), HyperFormula's
   * product is 1 where all are true and 0 elsewhere, in any order: an AND of bitsets. Otherwise
   * the product is taken pair by pair, left to right, as HyperFormula does.
   */
  private product(ast: Ast): Value {
    const factors: Ast[] = [];
    const flatten = (a: Ast) => {
      if (a.type === 'TIMES_OP') {
        flatten(a.left as Ast);
        flatten(a.right as Ast);
      } else factors.push(a);
    };
    flatten(ast);
    const values: Value[] = [];
    let all01 = true;
    for (const f of factors) {
      const v = this.node(f);
      if (v === FALLBACK || v instanceof SimpleRangeValue) return this.binary(ast);
      values.push(v);
      if (v instanceof Enc) {
        if (!v.isBits || !((isBool(v.bits.one) && isBool(v.bits.zero)) || (isBit(v.bits.one) && isBit(v.bits.zero)))) all01 = false;
      } else if (!isBool(v) && !isBit(v)) all01 = false;
    }
    const encs = values.filter((v): v is Enc => v instanceof Enc);
    if (!all01 || encs.length === 0 || encs.some((e) => !e.sameShape(encs[0]))) return this.binary(ast);
    const shape = encs[0];
    const words = (shape.length + 31) >>> 5;
    const bits = new Uint32Array(words);
    // A constant false/0 factor makes every element 0.
    if (values.every((v) => (v instanceof Enc ? true : v === true || v === 1))) {
      bits.fill(~0 >>> 0);
      for (const e of encs) {
        const { bits: b, one } = e.bits;
        const ones = one === true || one === 1;
        for (let w = 0; w < words; w++) bits[w] &= ones ? b[w] : ~b[w];
      }
      if (shape.length & 31) bits[words - 1] &= (1 << (shape.length & 31)) - 1;
    }
    return Enc.ofBits(shape.height, shape.width, bits, 1, 0);
  }

  /** Two arrays of one shape, element by element: once per distinct pair of values. */
  private pairwise(a: Enc, b: Enc, op: Op): Enc {
    const [av, bv] = [a.dict.vals, b.dict.vals];
    const [aIds, bIds] = [a.ids, b.ids];
    const nb = bv.length;
    const out = new Dictionary(false);
    const ids = new Int32Array(aIds.length);
    if (av.length * nb <= 1 << 22) {
      const table = new Int32Array(av.length * nb).fill(-1);
      for (let i = 0; i < ids.length; i++) {
        const k = aIds[i] * nb + bIds[i];
        let t = table[k];
        if (t < 0) t = table[k] = out.intern(op(av[aIds[i]], bv[bIds[i]]));
        ids[i] = t;
      }
    } else {
      const table = new Map<number, number>();
      for (let i = 0; i < ids.length; i++) {
        const k = aIds[i] * nb + bIds[i];
        let t = table.get(k);
        if (t === undefined) table.set(k, (t = out.intern(op(av[aIds[i]], bv[bIds[i]]))));
        ids[i] = t;
      }
    }
    const result = Enc.ofIds(a.height, a.width, ids, out);
    return out.vals.length <= 3 ? this.map(result, (v) => v) : result;
  }

  /**
   * A comparison of a column read from the cache with one value is kept with the column's rows
   * (until one of them changes): a row of the checklist compares the arrival dates with its
   * period's start and end at every recalculation.
   */
  private comparison(e: Enc, s: unknown, type: string, scalarLeft: boolean): Enc {
    const op = this.interp[BINARY[type]] as Op;
    const key = e.origin && scalarKey(s);
    if (!e.origin || key === undefined) return this.compare(e, s, op, scalarLeft);
    const k = `${type}|${scalarLeft}|${e.origin.row}|${e.length}|${key}`;
    const derived = e.origin.store.derived;
    let r = derived.get(k) as Enc | undefined;
    if (!r) derived.set(k, (r = this.compare(e, s, op, scalarLeft)));
    return r;
  }

  /**
   * A comparison of an array with one value. With a number and many distinct numbers: HyperFormula
   * compares numbers with a relative epsilon, monotonically, so each number's place relative to the
   * value (below, equal, above) is found by bisection with HyperFormula's own > and >=.
   */
  private compare(e: Enc, s: unknown, op: Op, scalarLeft: boolean): Enc {
    const apply = (x: unknown) => (scalarLeft ? op(s, x) : op(x, s));
    if (e.isBits || typeof rawOf(s) !== 'number' || e.dict.vals.length < 64) return this.map(e, apply);
    const vals = e.dict.vals;
    const gt = this.interp.greaterThanOp as Op;
    const geq = this.interp.greaterThanOrEqualOp as Op;
    // Position of x against s in the operands' order: 1 above, 0 equal, -1 below (as HyperFormula's compare).
    const cmp = (x: unknown) => (scalarLeft ? (gt(s, x) === true ? 1 : geq(s, x) === true ? 0 : -1) : (gt(x, s) === true ? 1 : geq(x, s) === true ? 0 : -1));
    const order = e.dict.numbersInOrder();
    // cmp is monotonic along the numbers in order (non-decreasing with s on the right, non-increasing on the left).
    const firstWhere = (pred: (c: number) => boolean) => {
      let lo = 0;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pred(cmp(vals[order[mid]]))) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    const [i0, i1] = scalarLeft ? [firstWhere((c) => c <= 0), firstWhere((c) => c < 0)] : [firstWhere((c) => c >= 0), firstWhere((c) => c > 0)];
    const results: unknown[] = new Array(vals.length);
    const numeric = new Uint8Array(vals.length);
    // One result per class, from the operator itself on one of its numbers.
    const ranges: [number, number][] = [[0, i0], [i0, i1], [i1, order.length]];
    for (const [from, to] of ranges) {
      if (from >= to) continue;
      const r = apply(vals[order[from]]);
      for (let k = from; k < to; k++) {
        results[order[k]] = r;
        numeric[order[k]] = 1;
      }
    }
    for (let id = 0; id < vals.length; id++) if (!numeric[id]) results[id] = apply(vals[id]);
    return this.fromResults(e, results);
  }

  /** The metadata of each argument, as HyperFormula extends it for repeated arguments. */
  private parameters(name: string, count: number): { argumentType: string }[] | undefined {
    const m = this.interp.functionRegistry.getMetadata(name);
    if (!m || m.expandRanges || m.vectorizationForbidden || m.isVolatile || m.doesNotNeedArgumentsToBeComputed) return undefined;
    const params = [...(m.parameters ?? [])];
    if (m.repeatLastArgs) while (count > params.length) params.push(...params.slice(params.length - m.repeatLastArgs));
    if (count > params.length) return undefined;
    for (let i = count; i < params.length; i++) if (!params[i].optionalArg && params[i].defaultValue === undefined) return undefined;
    return params;
  }

  /** A call of the function with these values as its arguments (EMPTY kept as written). */
  private call(ast: Ast, values: unknown[]): unknown {
    const args = (ast.args as Ast[]).map((a, i) => (a.type === 'EMPTY' ? a : { type: VALUE_NODE, value: values[i] }));
    return this.original.call(this.interp, { type: 'FUNCTION_CALL', procedureName: ast.procedureName, args }, this.state);
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
      let v = asts[i].type === 'EMPTY' ? EmptyValue : rangeParam ? this.hf(asts[i]) : this.node(asts[i]);
      if (v === FALLBACK) return FALLBACK;
      if (v instanceof Enc) {
        if (rangeParam) v = v.toRange();
        else vector.push(i);
      } else if (v instanceof SimpleRangeValue && !rangeParam) {
        return FALLBACK;
      }
      values.push(v);
    }
    for (const i of vector) if (!(values[i] as Enc).sameShape(values[vector[0]] as Enc)) return FALLBACK;
    return { values, vector };
  }

  /** An element-wise function: once per distinct tuple of the vectorized arguments' values. */
  private elementwise(ast: Ast, name: string): Value {
    const a = this.args(ast, name);
    if (a === FALLBACK) return FALLBACK;
    const { values, vector } = a as { values: Value[]; vector: number[] };
    if (vector.length === 0) return this.call(ast, values);
    const encs = vector.map((i) => values[i] as Enc);
    let failed = false;
    const at = (tuple: unknown[]) => {
      const vs = values.slice();
      vector.forEach((i, k) => { vs[i] = tuple[k]; });
      const r = this.call(ast, vs);
      if (r instanceof SimpleRangeValue) failed = true;
      return r;
    };
    let result: Enc;
    if (encs.length === 1) {
      result = this.map(encs[0], (v) => at([v]));
    } else {
      const { ids, tuples } = combine(encs);
      const out = new Dictionary(false);
      const table = tuples.map((t) => out.intern(at(t.map((id, k) => encs[k].dict.vals[id]))));
      const outIds = new Int32Array(ids.length);
      for (let i = 0; i < ids.length; i++) outIds[i] = table[ids[i]];
      result = Enc.ofIds(encs[0].height, encs[0].width, outIds, out);
    }
    return failed ? FALLBACK : result;
  }

  /**
   * IF(condition, a, b), IFERROR(value, alt), IFNA(value, alt): the function itself decides, once
   * per distinct value of its first argument, which argument an element takes (or which value: an
   * error, or the value converted as HyperFormula converts it).
   */
  private selector(ast: Ast, name: string): Value {
    const a = this.args(ast, name);
    if (a === FALLBACK) return FALLBACK;
    const { values, vector } = a as { values: Value[]; vector: number[] };
    if (vector.length === 0) return this.call(ast, values);
    const shape = values[vector[0]] as Enc;
    const n = shape.length;
    const isIf = name === 'IF';
    // Marks standing for the arguments: what the function returns for a first argument x is then
    // the first argument (IFERROR/IFNA returning x), the second, the third, or a value of its own.
    const FIRST = { mark: 1 };
    const SECOND = { mark: 2 };
    const THIRD = { mark: 3 };
    const probe = (x: unknown): unknown => {
      const vs = values.slice();
      vs[0] = x;
      vs[1] = SECOND;
      if (!isIf) {
        const r = this.call(ast, vs);
        return r === x ? FIRST : r;
      }
      if (vs.length > 2) {
        vs[2] = THIRD;
        return this.call(ast, vs);
      }
      // IF(c, a): the omitted third argument is FALSE.
      const r = this.call({ ...ast, args: [...(ast.args as Ast[]), { type: VALUE_NODE }] }, [...vs, THIRD]);
      return r === THIRD ? false : r;
    };
    const out = new Dictionary(false);
    // Per distinct first argument, what an element takes: 0, 1, 2 for that argument, or -2 - id for a value of its own.
    const code = (r: unknown): number => (r === FIRST ? 0 : r === SECOND ? 1 : r === THIRD ? 2 : -2 - out.intern(r));
    // Per argument (made when first needed): its ids, its values, and their ids in the output (-1: not met yet).
    const sources: ({ ids: Int32Array; vals: unknown[]; table: Int32Array } | number)[] = [];
    const source = (k: number) => {
      if (sources[k] === undefined) {
        const v = k < values.length ? values[k] : false;
        sources[k] = v instanceof Enc ? { ids: v.ids, vals: v.dict.vals, table: new Int32Array(v.dict.vals.length).fill(-1) } : out.intern(v);
      }
      return sources[k];
    };
    const ids = new Int32Array(n);
    /** Fills the elements where `pick(i)` holds with what code c says. */
    const fill = (c: number, pick: (i: number) => boolean) => {
      const src = c >= 0 ? source(c) : -2 - c;
      if (typeof src === 'number') {
        for (let i = 0; i < n; i++) if (pick(i)) ids[i] = src;
      } else {
        const { ids: from, vals, table } = src;
        for (let i = 0; i < n; i++) {
          if (!pick(i)) continue;
          const id = from[i];
          const t = table[id];
          ids[i] = t >= 0 ? t : (table[id] = out.intern(vals[id]));
        }
      }
    };
    const first = values[0];
    if (!(first instanceof Enc)) {
      fill(code(probe(first)), () => true);
    } else if (first.isBits) {
      const { bits, one, zero } = first.bits;
      const [c1, c0] = [code(probe(one)), code(probe(zero))];
      const [s1, s0] = [c1 >= 0 ? source(c1) : -2 - c1, c0 >= 0 ? source(c0) : -2 - c0];
      if (typeof s1 === 'number' && typeof s0 === 'number') {
        for (let i = 0; i < n; i++) ids[i] = bits[i >>> 5] & (1 << (i & 31)) ? s1 : s0;
      } else {
        for (let i = 0; i < n; i++) {
          const src = bits[i >>> 5] & (1 << (i & 31)) ? s1 : s0;
          if (typeof src === 'number') ids[i] = src;
          else {
            const sid = src.ids[i];
            const t = src.table[sid];
            ids[i] = t >= 0 ? t : (src.table[sid] = out.intern(src.vals[sid]));
          }
        }
      }
    } else {
      const fids = first.ids;
      const fvals = first.dict.vals;
      const codes = new Int32Array(fvals.length).fill(-1);
      for (let i = 0; i < n; i++) {
        const id = fids[i];
        let c = codes[id];
        if (c === -1) c = codes[id] = code(probe(fvals[id]));
        const src = c >= 0 ? source(c) : -2 - c;
        if (typeof src === 'number') ids[i] = src;
        else {
          const sid = src.ids[i];
          const t = src.table[sid];
          ids[i] = t >= 0 ? t : (src.table[sid] = out.intern(src.vals[sid]));
        }
      }
    }
    const result = Enc.ofIds(shape.height, shape.width, ids, out);
    return out.vals.length <= 3 ? this.map(result, (v) => v) : result;
  }

  /** MEDIAN of one array: its numbers (HyperFormula's manyToExactNumbers: the first error wins, other values are skipped). */
  private median(ast: Ast): Value {
    const asts = ast.args as Ast[];
    if (asts.length !== 1) return FALLBACK;
    const v = this.node(asts[0]);
    if (v === FALLBACK) return FALLBACK;
    if (!(v instanceof Enc)) return this.call(ast, [v]);
    const vals = v.dict.vals;
    const kind = new Int8Array(vals.length); // 1 number, 2 error, 0 skipped
    for (let id = 0; id < vals.length; id++) kind[id] = vals[id] instanceof CellError ? 2 : typeof rawOf(vals[id]) === 'number' ? 1 : 0;
    const numbers: number[] = [];
    const ids = v.ids;
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

/** A key for a scalar operand (its type included: a date and a number are not the same operand); undefined for others. */
function scalarKey(v: unknown): string | undefined {
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  if (v === EmptyValue) return 'e';
  const rich = v as { val?: unknown; format?: string; getDetailedType?: () => string };
  if (rich !== null && typeof rich === 'object' && typeof rich.val === 'number' && typeof rich.getDetailedType === 'function') return `r${rich.getDetailedType()}|${rich.format ?? ''}|${rich.val}`;
  return undefined;
}

/** Distinct tuples of ids of arrays of one shape: per element, its tuple's index. */
function combine(encs: Enc[]): { ids: Int32Array; tuples: number[][] } {
  const n = encs[0].length;
  let ids = Int32Array.from(encs[0].ids);
  let tuples: number[][] = encs[0].dict.vals.map((_v, id) => [id]);
  for (let k = 1; k < encs.length; k++) {
    const e = encs[k].ids;
    const nb = encs[k].dict.vals.length;
    const table = new Map<number, number>();
    const next: number[][] = [];
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = ids[i] * nb + e[i];
      let t = table.get(key);
      if (t === undefined) {
        t = next.length;
        next.push([...tuples[ids[i]], e[i]]);
        table.set(key, t);
      }
      out[i] = t;
    }
    ids = out;
    tuples = next;
  }
  return { ids, tuples };
}
