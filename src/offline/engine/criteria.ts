/**
 * COUNTIF, COUNTIFS, SUMIF and SUMIFS for the offline engine: HyperFormula's semantics, computed
 * from cached match masks instead of a scan of every row by every formula.
 *
 * A built LeadFlow sheet holds thousands of COUNTIFS over the same few columns of the leads sheet
 * with a few hundred distinct criteria ("=Closed Won", ">="&DATE(2025,3,1)...). HyperFormula
 * scans every row for every formula. Here each column is read once into a dictionary (one id per
 * distinct value, one id per row); a criterion is decided once per distinct value with
 * HyperFormula's own criterion function (the same lambda its COUNTIFS uses, so case, spaces,
 * wildcards, "~" escapes, numbers held as text, booleans, blanks and errors match exactly as
 * before) and kept as a bitset over the rows; COUNTIFS is then an AND of bitsets and a count.
 *
 * Validity: a column holding only values (no formula, no spilled result) changes only when the
 * engine writes to it, so its dictionary and masks are kept across recalculations and patched row
 * by row when a few cells are written (the engine reports every write through noteWrite). Ranges
 * that hold formulas are read from the argument HyperFormula evaluated and cached for one
 * recalculation only (every formula reading a range is evaluated after all of its cells, so one
 * pass sees one state of it).
 *
 * Anything unusual (an array literal, a 2-D range, ranges starting on different rows, a bad
 * criterion, ranges of different sizes) goes to HyperFormula's implementation unchanged.
 */
import { CellError, SimpleRangeValue } from 'hyperformula';
import type { FunctionPlugin, FunctionPluginDefinition, ImplementedFunctions } from 'hyperformula';
import { rawOf } from './columns.ts';
import type { ColumnCache, ColumnStore, Criterion, GraphLike, Mask, RangeLike } from './columns.ts';

/** The parts of HyperFormula's interpreter this module uses. */
interface CriterionBuilderLike {
  fromCellValue(raw: unknown, helper: unknown): { raw: unknown; lambda: (v: unknown) => boolean } | undefined;
  parseCriterion(raw: unknown, helper: unknown): { operator: string; value: unknown } | undefined;
}
interface HelperLike {
  nonstrictadd(a: unknown, b: unknown): unknown;
}
interface PluginSelf {
  interpreter: { criterionBuilder: CriterionBuilderLike };
  arithmeticHelper: HelperLike;
  dependencyGraph: GraphLike;
  runFunction(args: unknown[], state: unknown, metadata: unknown, fn: (...a: any[]) => unknown): unknown;
  metadata(name: string): unknown;
  computeConditionalAggregationFunction(values: unknown, conditions: unknown[], name: string, init: unknown,
    compose: (a: any, b: any) => unknown, map: (v: unknown) => unknown): unknown;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

const NUMERIC_ORDER = new Set(['GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL']);

/** Condition of one call: the store holding the range's rows and the criterion's mask on it. */
interface Part {
  store: ColumnStore;
  mask: Mask;
}

/** HyperFormula's criterion for a criterion argument (its own lambda), cached by kind and text; undefined when HyperFormula rejects it. */
function criterion(cache: ColumnCache, self: PluginSelf, raw: unknown): Criterion | undefined {
  const key = `${typeof raw}:${String(raw)}`;
  let c = cache.criteria.get(key);
  if (c) return c;
  const builder = self.interpreter.criterionBuilder;
  const pkg = builder.fromCellValue(raw, self.arithmeticHelper);
  if (!pkg) return undefined;
  const parsed = builder.parseCriterion(raw, self.arithmeticHelper);
  const numeric = parsed !== undefined && NUMERIC_ORDER.has(parsed.operator) && typeof parsed.value === 'number';
  c = { key, lambda: pkg.lambda, ascending: numeric ? parsed.operator.startsWith('GREATER') : undefined };
  cache.criteria.set(key, c);
  return c;
}

type RangeArg = { value: SimpleRangeValue; range: RangeLike };

function rangeArg(value: unknown): RangeArg | undefined {
  if (!(value instanceof SimpleRangeValue) || value.width() !== 1) return undefined;
  const range = (value as unknown as { range?: RangeLike }).range;
  return range ? { value, range } : undefined;
}

/**
 * The count (no sum range) or the sum of the rows matching every condition ([range, criterion]
 * pairs, as evaluated by HyperFormula); undefined when the call must go to HyperFormula's own
 * implementation (which also gives its errors for bad criteria and ranges of different sizes).
 */
function compute(cache: ColumnCache, self: PluginSelf, conditions: unknown[], sumRange: unknown): number | CellError | undefined {
  const ranges: RangeArg[] = [];
  const crits: Criterion[] = [];
  for (let i = 0; i < conditions.length; i += 2) {
    const arg = rangeArg(conditions[i]);
    const c = arg && criterion(cache, self, conditions[i + 1]);
    if (!arg || !c) return undefined;
    ranges.push(arg);
    crits.push(c);
  }
  if (ranges.length === 0) return undefined;
  const first = ranges[0].range.start.row;
  const height = ranges[0].value.height();
  for (const r of ranges) if (r.range.start.row !== first || r.value.height() !== height) return undefined;
  let sum: RangeArg | undefined;
  if (sumRange !== undefined) {
    sum = rangeArg(sumRange);
    if (!sum || sum.value.height() !== height) return undefined;
  }
  cache.stats.criteriaFast++;
  const graph = self.dependencyGraph;
  const parts: Part[] = ranges.map((r, k) => {
    const store = cache.store(graph, r.value, r.range);
    return { store, mask: store.mask(crits[k]) };
  });
  if (!sum) return countRows(parts, first, first + height);
  const values = cache.store(graph, sum.value, sum.range);
  return sumRows(parts, first, first + height, values, sum.range.start.row - first, self.arithmeticHelper);
}

/** Whether row r (absolute) matches every part. */
function rowMatches(parts: Part[], r: number): boolean {
  for (const { store, mask } of parts) {
    const i = r - store.base;
    if (i < 0) return false;
    if (i >= store.size ? !mask.empty : (mask.bits[i >>> 5] & (1 << (i & 31))) === 0) return false;
  }
  return true;
}

/**
 * Calls fn(w, word) for each 32-row word of [from, to) (rows relative to the common base) with
 * the AND of every mask, edges masked off.
 */
function eachWord(parts: Part[], from: number, to: number, fn: (w: number, word: number) => void): void {
  if (from >= to) return;
  const first = from >>> 5;
  const last = (to - 1) >>> 5;
  const k = parts.length;
  const bits = parts.map((p) => p.mask.bits);
  for (let w = first; w <= last; w++) {
    let x = bits[0][w];
    for (let j = 1; j < k && x !== 0; j++) x &= bits[j][w];
    if (x === 0) continue;
    if (w === first && (from & 31) !== 0) x &= ~0 << (from & 31);
    if (w === last && (to & 31) !== 0) x &= (1 << (to & 31)) - 1;
    if (x !== 0) fn(w, x);
  }
}

/** The rows of [from, to) (absolute) split into: a stretch every store covers from one base, and the rest. */
function split(parts: Part[], from: number, to: number): { base: number; lo: number; hi: number } | undefined {
  const base = parts[0].store.base;
  for (const p of parts) if (p.store.base !== base) return undefined;
  const size = Math.min(...parts.map((p) => p.store.size));
  const lo = Math.max(from, base);
  const hi = Math.min(to, base + size);
  return lo < hi ? { base, lo, hi } : undefined;
}

function countRows(parts: Part[], from: number, to: number): number {
  const s = split(parts, from, to);
  let n = 0;
  let rest: [number, number][] = [[from, to]];
  if (s) {
    eachWord(parts, s.lo - s.base, s.hi - s.base, (_w, x) => { n += popcount(x); });
    rest = [[from, s.lo], [s.hi, to]];
  }
  for (const [a, b] of rest) {
    if (a >= b) continue;
    // Past every store all cells are empty: count them at once.
    const beyond = Math.max(a, ...parts.map((p) => p.store.base + p.store.size));
    for (let r = a; r < Math.min(b, beyond); r++) if (rowMatches(parts, r)) n++;
    if (beyond < b && parts.every((p) => p.mask.empty)) n += b - beyond;
  }
  return n;
}

function sumRows(parts: Part[], from: number, to: number, values: ColumnStore, offset: number, helper: HelperLike): number | CellError {
  let acc: unknown = 0;
  const vals = values.dict.vals;
  const add = (r: number) => {
    const i = r + offset - values.base;
    if (i < 0 || i >= values.size) return;
    const v = rawOf(vals[values.ids[i]]);
    if (typeof v === 'number' || v instanceof CellError) acc = helper.nonstrictadd(acc, v);
  };
  const s = split(parts, from, to);
  const visit = (a: number, b: number) => {
    const beyond = Math.max(a, ...parts.map((p) => p.store.base + p.store.size));
    // Rows past every store are empty in the condition ranges; their values may not be.
    for (let r = a; r < b; r++) if (r < beyond ? rowMatches(parts, r) : parts.every((p) => p.mask.empty)) add(r);
  };
  if (s) {
    visit(from, s.lo);
    eachWord(parts, s.lo - s.base, s.hi - s.base, (w, x) => {
      while (x !== 0) {
        const bit = 31 - Math.clz32(x & -x);
        add(s.base + (w << 5) + bit);
        x &= x - 1;
      }
    });
    visit(s.hi, to);
  } else {
    visit(from, to);
  }
  return acc as number | CellError;
}

/**
 * A function plugin replacing HyperFormula's COUNTIF, COUNTIFS, SUMIF and SUMIFS with the cached
 * computation (their HyperFormula metadata kept); `base` is HyperFormula's ConditionalAggregationPlugin.
 */
export function criteriaPlugin(cache: ColumnCache, base: typeof FunctionPlugin): FunctionPluginDefinition {
  const hfFunctions = (base as unknown as FunctionPluginDefinition).implementedFunctions;
  const count = (a: number, b: number) => a + b;
  const one = () => 1;
  const rawNumber = (arg: unknown) => (arg instanceof CellError ? arg : typeof rawOf(arg) === 'number' ? rawOf(arg) : undefined);
  const fallback = <T>(v: T): T => {
    cache.stats.criteriaFallback++;
    return v;
  };
  class CriteriaPlugin extends (base as unknown as new (...a: any[]) => object) {
    countif(ast: { args: unknown[] }, state: unknown): unknown {
      const self = this as unknown as PluginSelf;
      return self.runFunction(ast.args, state, self.metadata('COUNTIF'), (range: unknown, criterion: unknown) =>
        compute(cache, self, [range, criterion], undefined)
        ?? fallback(self.computeConditionalAggregationFunction(range, [range, criterion], 'COUNTIF', 0, count, one)));
    }

    countifs(ast: { args: unknown[] }, state: unknown): unknown {
      const self = this as unknown as PluginSelf;
      return self.runFunction(ast.args, state, self.metadata('COUNTIFS'), (...args: unknown[]) =>
        compute(cache, self, args, undefined)
        ?? fallback(self.computeConditionalAggregationFunction(args[0], args, 'COUNTIFS', 0, count, one)));
    }

    sumif(ast: { args: unknown[] }, state: unknown): unknown {
      const self = this as unknown as PluginSelf;
      const add = (a: unknown, b: unknown) => self.arithmeticHelper.nonstrictadd(a, b);
      return self.runFunction(ast.args, state, self.metadata('SUMIF'), (range: unknown, criterion: unknown, values: unknown) =>
        compute(cache, self, [range, criterion], values ?? range)
        ?? fallback(self.computeConditionalAggregationFunction(values ?? range, [range, criterion], 'SUMIF', 0, add, rawNumber)));
    }

    sumifs(ast: { args: unknown[] }, state: unknown): unknown {
      const self = this as unknown as PluginSelf;
      const add = (a: unknown, b: unknown) => self.arithmeticHelper.nonstrictadd(a, b);
      return self.runFunction(ast.args, state, self.metadata('SUMIFS'), (values: unknown, ...args: unknown[]) =>
        compute(cache, self, args, values)
        ?? fallback(self.computeConditionalAggregationFunction(values, args, 'SUMIFS', 0, add, rawNumber)));
    }
  }
  // The engine's array evaluator finds the instance's column cache here (engine/vector.ts).
  (CriteriaPlugin as unknown as { columnCache: ColumnCache }).columnCache = cache;
  (CriteriaPlugin as unknown as FunctionPluginDefinition).implementedFunctions = Object.fromEntries(
    ['COUNTIF', 'COUNTIFS', 'SUMIF', 'SUMIFS'].map((name) => [name, hfFunctions[name]]),
  ) as ImplementedFunctions;
  return CriteriaPlugin as unknown as FunctionPluginDefinition;
}
