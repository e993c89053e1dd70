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
  fromCellValue(raw: unknown, helper: unknown): { raw: unknown; lambda: (value: unknown) => boolean } | undefined;
  parseCriterion(raw: unknown, helper: unknown): { operator: string; value: unknown } | undefined;
}
interface HelperLike {
  nonstrictadd(left: unknown, right: unknown): unknown;
}
interface PluginSelf {
  interpreter: { criterionBuilder: CriterionBuilderLike };
  arithmeticHelper: HelperLike;
  dependencyGraph: GraphLike;
  runFunction(args: unknown[], state: unknown, metadata: unknown, fn: (...args: any[]) => unknown): unknown;
  metadata(name: string): unknown;
  computeConditionalAggregationFunction(values: unknown, conditions: unknown[], name: string, init: unknown,
    compose: (left: any, right: any) => unknown, map: (value: unknown) => unknown): unknown;
}

function popcount(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  word = (word + (word >>> 4)) & 0x0f0f0f0f;
  return Math.imul(word, 0x01010101) >>> 24;
}

const NUMERIC_ORDER = new Set(['GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL']);

/** Condition of one call: the store holding the range's rows and the criterion's mask on it. */
interface Part {
  store: ColumnStore;
  mask: Mask;
}

/** HyperFormula's criterion for a criterion argument (its own lambda), cached by kind and text; undefined when HyperFormula rejects it. */
function criterionFor(cache: ColumnCache, self: PluginSelf, raw: unknown): Criterion | undefined {
  const key = `${typeof raw}:${String(raw)}`;
  let criterion = cache.criteria.get(key);
  if (criterion) return criterion;
  const builder = self.interpreter.criterionBuilder;
  const built = builder.fromCellValue(raw, self.arithmeticHelper);
  if (!built) return undefined;
  const parsed = builder.parseCriterion(raw, self.arithmeticHelper);
  const numeric = parsed !== undefined && NUMERIC_ORDER.has(parsed.operator) && typeof parsed.value === 'number';
  criterion = { key, lambda: built.lambda, ascending: numeric ? parsed.operator.startsWith('GREATER') : undefined };
  cache.criteria.set(key, criterion);
  return criterion;
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
  const criteria: Criterion[] = [];
  for (let i = 0; i < conditions.length; i += 2) {
    const arg = rangeArg(conditions[i]);
    const criterion = arg && criterionFor(cache, self, conditions[i + 1]);
    if (!arg || !criterion) return undefined;
    ranges.push(arg);
    criteria.push(criterion);
  }
  if (ranges.length === 0) return undefined;
  const first = ranges[0].range.start.row;
  const height = ranges[0].value.height();
  for (const arg of ranges) if (arg.range.start.row !== first || arg.value.height() !== height) return undefined;
  let sumArg: RangeArg | undefined;
  if (sumRange !== undefined) {
    sumArg = rangeArg(sumRange);
    if (!sumArg || sumArg.value.height() !== height) return undefined;
  }
  cache.stats.criteriaFast++;
  const graph = self.dependencyGraph;
  const parts: Part[] = ranges.map((arg, index) => {
    const store = cache.store(graph, arg.value, arg.range);
    return { store, mask: store.mask(criteria[index]) };
  });
  if (!sumArg) return countRows(parts, first, first + height);
  const values = cache.store(graph, sumArg.value, sumArg.range);
  return sumRows(parts, first, first + height, values, sumArg.range.start.row - first, self.arithmeticHelper);
}

/** Whether `row` (absolute) matches every part. */
function rowMatches(parts: Part[], row: number): boolean {
  for (const { store, mask } of parts) {
    const index = row - store.base;
    if (index < 0) return false;
    if (index >= store.size ? !mask.empty : (mask.bits[index >>> 5] & (1 << (index & 31))) === 0) return false;
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
  const partCount = parts.length;
  const bits = parts.map((part) => part.mask.bits);
  for (let w = first; w <= last; w++) {
    let word = bits[0][w];
    for (let j = 1; j < partCount && word !== 0; j++) word &= bits[j][w];
    if (word === 0) continue;
    if (w === first && (from & 31) !== 0) word &= ~0 << (from & 31);
    if (w === last && (to & 31) !== 0) word &= (1 << (to & 31)) - 1;
    if (word !== 0) fn(w, word);
  }
}

/** The rows of [from, to) (absolute) split into: a stretch every store covers from one base, and the rest. */
function split(parts: Part[], from: number, to: number): { base: number; lo: number; hi: number } | undefined {
  const base = parts[0].store.base;
  for (const part of parts) if (part.store.base !== base) return undefined;
  const size = Math.min(...parts.map((part) => part.store.size));
  const lo = Math.max(from, base);
  const hi = Math.min(to, base + size);
  return lo < hi ? { base, lo, hi } : undefined;
}

function countRows(parts: Part[], from: number, to: number): number {
  const stretch = split(parts, from, to);
  let count = 0;
  let rest: [number, number][] = [[from, to]];
  if (stretch) {
    eachWord(parts, stretch.lo - stretch.base, stretch.hi - stretch.base, (_w, word) => { count += popcount(word); });
    rest = [[from, stretch.lo], [stretch.hi, to]];
  }
  for (const [restFrom, restTo] of rest) {
    if (restFrom >= restTo) continue;
    // Past every store all cells are empty: count them at once.
    const beyond = Math.max(restFrom, ...parts.map((part) => part.store.base + part.store.size));
    for (let r = restFrom; r < Math.min(restTo, beyond); r++) if (rowMatches(parts, r)) count++;
    if (beyond < restTo && parts.every((part) => part.mask.empty)) count += restTo - beyond;
  }
  return count;
}

function sumRows(parts: Part[], from: number, to: number, values: ColumnStore, offset: number, helper: HelperLike): number | CellError {
  let sum: unknown = 0;
  const vals = values.dict.vals;
  const add = (row: number) => {
    const index = row + offset - values.base;
    if (index < 0 || index >= values.size) return;
    const value = rawOf(vals[values.ids[index]]);
    if (typeof value === 'number' || value instanceof CellError) sum = helper.nonstrictadd(sum, value);
  };
  const stretch = split(parts, from, to);
  const visit = (visitFrom: number, visitTo: number) => {
    const beyond = Math.max(visitFrom, ...parts.map((part) => part.store.base + part.store.size));
    // Rows past every store are empty in the condition ranges; their values may not be.
    for (let r = visitFrom; r < visitTo; r++) if (r < beyond ? rowMatches(parts, r) : parts.every((part) => part.mask.empty)) add(r);
  };
  if (stretch) {
    visit(from, stretch.lo);
    eachWord(parts, stretch.lo - stretch.base, stretch.hi - stretch.base, (w, word) => {
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        add(stretch.base + (w << 5) + bit);
        word &= word - 1;
      }
    });
    visit(stretch.hi, to);
  } else {
    visit(from, to);
  }
  return sum as number | CellError;
}

/**
 * A function plugin replacing HyperFormula's COUNTIF, COUNTIFS, SUMIF and SUMIFS with the cached
 * computation (their HyperFormula metadata kept); `base` is HyperFormula's ConditionalAggregationPlugin.
 */
export function criteriaPlugin(cache: ColumnCache, base: typeof FunctionPlugin): FunctionPluginDefinition {
  const hfFunctions = (base as unknown as FunctionPluginDefinition).implementedFunctions;
  const count = (left: number, right: number) => left + right;
  const one = () => 1;
  const rawNumber = (arg: unknown) => (arg instanceof CellError ? arg : typeof rawOf(arg) === 'number' ? rawOf(arg) : undefined);
  const fallback = <T>(result: T): T => {
    cache.stats.criteriaFallback++;
    return result;
  };
  class CriteriaPlugin extends (base as unknown as new (...args: any[]) => object) {
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
      const add = (left: unknown, right: unknown) => self.arithmeticHelper.nonstrictadd(left, right);
      return self.runFunction(ast.args, state, self.metadata('SUMIF'), (range: unknown, criterion: unknown, values: unknown) =>
        compute(cache, self, [range, criterion], values ?? range)
        ?? fallback(self.computeConditionalAggregationFunction(values ?? range, [range, criterion], 'SUMIF', 0, add, rawNumber)));
    }

    sumifs(ast: { args: unknown[] }, state: unknown): unknown {
      const self = this as unknown as PluginSelf;
      const add = (left: unknown, right: unknown) => self.arithmeticHelper.nonstrictadd(left, right);
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
