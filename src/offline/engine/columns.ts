/**
 * Columns read once: the values of a column as a dictionary (one id per distinct value, one id per
 * row), shared by the criteria functions (engine/criteria.ts) and the array evaluator
 * (engine/vector.ts).
 *
 * Validity: a column holding only values (no formula, no spilled result) changes only when the
 * engine writes to it, so its store is kept across recalculations and patched row by row when a
 * few of its cells are written (the engine reports every write through noteWrite). A range that
 * holds formulas is read from what HyperFormula evaluated and kept for one recalculation only:
 * every formula reading a range is evaluated after all of the range's cells, so within one
 * recalculation every reader sees the same values. A recalculation is a new epoch (each write,
 * and each 'valuesUpdated' event of HyperFormula, starts one).
 */
import { CellError, EmptyValue, SimpleRangeValue } from 'hyperformula';

export type Lambda = (value: unknown) => boolean;

export interface VertexLike {
  parsedValue?: unknown;
  getFormula?: unknown;
  array?: unknown;
  getCellValue?(): unknown;
}

export interface GraphLike {
  addressMapping: { getCell(address: { sheet: number; row: number; col: number }): VertexLike | undefined };
  getSheetHeight(sheet: number): number;
}

export interface RangeLike {
  start: { sheet: number; row: number; col: number };
}

interface RichNumberLike { val: number; format?: string; getDetailedType(): string }

function isRichNumber(value: unknown): value is RichNumberLike {
  return typeof value === 'object' && value !== null && typeof (value as RichNumberLike).val === 'number' && typeof (value as RichNumberLike).getDetailedType === 'function';
}

/** HyperFormula's raw value of an interpreter value: rich numbers (dates, percents...) become numbers. */
export function rawOf(value: unknown): unknown {
  return isRichNumber(value) ? value.val : value;
}

export interface Mask {
  bits: Uint32Array;
  lambda: Lambda;
  /** Whether an empty cell matches (rows past the store are empty). */
  empty: boolean;
}

export interface Criterion {
  key: string;
  lambda: Lambda;
  /** For >, >=, <, <= against a number: true when the lambda holds for large numbers (> and >=). */
  ascending?: boolean;
}

/**
 * A table of distinct values: id 0 is the empty cell. Values keep HyperFormula's types (a date
 * stays a date number); criteria see their raw values.
 */
export class Dictionary {
  readonly vals: unknown[] = [EmptyValue];
  private readonly numbers = new Map<number, number>();
  private readonly keyed = new Map<unknown, number>();
  private sortedNumbers: Int32Array | undefined;
  private numberCount = 0;

  /** `emptyUsed`: whether id 0 (the empty cell) may occur without having been interned (rows past a column's data). */
  constructor(public emptyUsed = true) {}

  intern(value: unknown): number {
    if (value === EmptyValue || value === undefined || value === null) {
      this.emptyUsed = true;
      return 0;
    }
    let id: number | undefined;
    if (typeof value === 'number') {
      id = this.numbers.get(value);
      if (id === undefined) {
        id = this.add(value);
        this.numbers.set(value, id);
        this.numberCount++;
        this.sortedNumbers = undefined;
      }
      return id;
    }
    let key: unknown = value;
    if (isRichNumber(value)) key = `r${value.getDetailedType()}\u0000${value.format ?? ''}\u0000${value.val}`;
    else if (value instanceof CellError) key = `e${value.type}\u0000${value.message ?? ''}`;
    else if (typeof value === 'string') key = `s${value}`;
    id = this.keyed.get(key);
    if (id === undefined) {
      id = this.add(value);
      this.keyed.set(key, id);
      if (isRichNumber(value)) {
        this.numberCount++;
        this.sortedNumbers = undefined;
      }
    }
    return id;
  }

  private add(value: unknown): number {
    this.vals.push(value);
    return this.vals.length - 1;
  }

  /** Ids of the distinct numbers (rich ones too), by increasing raw value. */
  numbersInOrder(): Int32Array {
    if (!this.sortedNumbers || this.sortedNumbers.length !== this.numberCount) {
      const ids: number[] = [...this.numbers.values()];
      for (const id of this.keyed.values()) if (isRichNumber(this.vals[id])) ids.push(id);
      const raw = this.vals.map(rawOf) as number[];
      const out = Int32Array.from(ids);
      out.sort((left, right) => raw[left] - raw[right]);
      this.sortedNumbers = out;
    }
    return this.sortedNumbers;
  }

  /** Per id, whether the criterion holds for its value (for >, >=, <, <=: by bisection on the numbers in order). */
  passes(criterion: Criterion): Uint8Array {
    const vals = this.vals;
    const pass = new Uint8Array(vals.length);
    if (criterion.ascending === undefined) {
      for (let id = 0; id < vals.length; id++) pass[id] = criterion.lambda(rawOf(vals[id])) ? 1 : 0;
      return pass;
    }
    // The lambda holds on a contiguous run of the numbers in order (HyperFormula compares with a
    // relative epsilon, which keeps the order): find where it starts or ends with the lambda itself.
    const order = this.numbersInOrder();
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (criterion.lambda(rawOf(vals[order[mid]])) === criterion.ascending) hi = mid;
      else lo = mid + 1;
    }
    const [from, to] = criterion.ascending ? [lo, order.length] : [0, lo];
    const numeric = new Uint8Array(vals.length);
    for (const id of order) numeric[id] = 1;
    for (let rank = from; rank < to; rank++) pass[order[rank]] = 1;
    for (let id = 0; id < vals.length; id++) if (!numeric[id]) pass[id] = criterion.lambda(rawOf(vals[id])) ? 1 : 0;
    return pass;
  }
}

/**
 * The values of rows [base, base + size) of one column, as ids into a dictionary, with the masks
 * computed on them. Rows past `size` are empty cells.
 */
export class ColumnStore {
  readonly ids: Int32Array;
  readonly dict = new Dictionary();
  readonly masks = new Map<string, Mask>();
  /** Other results computed from these rows (engine/vector.ts), forgotten when a row changes. */
  readonly derived = new Map<string, unknown>();
  /** Rows written since the store was read (patched at the next use); null when none. */
  dirty: Set<number> | null = null;

  constructor(readonly sheet: number, readonly col: number, readonly base: number, readonly size: number) {
    this.ids = new Int32Array(size);
  }

  mask(criterion: Criterion): Mask {
    let mask = this.masks.get(criterion.key);
    if (mask) return mask;
    const pass = this.dict.passes(criterion);
    const bits = new Uint32Array((this.size + 31) >>> 5);
    const ids = this.ids;
    for (let r = 0; r < this.size; r++) if (pass[ids[r]]) bits[r >>> 5] |= 1 << (r & 31);
    mask = { bits, lambda: criterion.lambda, empty: pass[0] === 1 };
    this.masks.set(criterion.key, mask);
    return mask;
  }

  /** The ids of rows [row, row + height) (absolute rows; past the store: empty). */
  idsOf(row: number, height: number): Int32Array {
    const from = row - this.base;
    if (from >= 0 && from + height <= this.size) return this.ids.subarray(from, from + height);
    const out = new Int32Array(height);
    for (let r = 0; r < height; r++) {
      const index = from + r;
      if (index >= 0 && index < this.size) out[r] = this.ids[index];
    }
    return out;
  }

  /** Re-reads written rows; false when the store must be read again (a formula appeared). */
  patch(graph: GraphLike): boolean {
    const dirty = this.dirty;
    if (!dirty) return true;
    this.dirty = null;
    for (const row of dirty) {
      const r = row - this.base;
      if (r < 0 || r >= this.size) continue;
      const value = staticValue(graph, this.sheet, row, this.col);
      if (value === DYNAMIC) return false;
      const id = this.dict.intern(value);
      if (this.ids[r] === id) continue;
      this.ids[r] = id;
      this.derived.clear();
      const raw = rawOf(this.dict.vals[id]);
      for (const mask of this.masks.values()) {
        if (mask.lambda(raw)) mask.bits[r >>> 5] |= 1 << (r & 31);
        else mask.bits[r >>> 5] &= ~(1 << (r & 31));
      }
    }
    return true;
  }
}

const DYNAMIC = Symbol('dynamic');

/** The value of a cell that holds a value (or nothing); DYNAMIC for a formula or a spilled result. */
function staticValue(graph: GraphLike, sheet: number, row: number, col: number): unknown {
  const vertex = graph.addressMapping.getCell({ sheet, row, col });
  if (vertex === undefined) return EmptyValue;
  if ('parsedValue' in vertex) return vertex.parsedValue;
  if (typeof vertex.getFormula === 'function' || vertex.array !== undefined || typeof vertex.getCellValue !== 'function') return DYNAMIC;
  return vertex.getCellValue();
}

/** The stores of one HyperFormula instance's columns, with their invalidation. */
export class ColumnCache {
  /** Stores of columns holding only values, by sheet then column. */
  private readonly statics = new Map<number, Map<number, ColumnStore>>();
  /** Columns found to hold formulas (read per recalculation), by "sheet:col". */
  private readonly dynamicColumns = new Set<string>();
  /** Per-recalculation stores of ranges holding formulas, and other per-recalculation results. */
  private dynamics = new Map<string, unknown>();
  private dynamicsEpoch = -1;
  private epochCount = 0;
  /** Criteria by kind and text (their lambdas belong to one HyperFormula instance). */
  readonly criteria = new Map<string, Criterion>();

  /** Statistics for tests and the bench. */
  readonly stats = { criteriaFast: 0, criteriaFallback: 0, columnReads: 0, vectorNodes: 0, vectorFallbacks: 0, memoHits: 0 };

  get epoch(): number {
    return this.epochCount;
  }

  /** A new recalculation may see other values in ranges that hold formulas. */
  bumpEpoch(): void {
    this.epochCount++;
  }

  /** Forgets everything (a rebuilt or reconfigured HyperFormula instance, rows or columns moved). */
  clear(): void {
    this.statics.clear();
    this.dynamicColumns.clear();
    this.dynamics = new Map();
    this.criteria.clear();
    this.epochCount++;
  }

  private dropSheet(sheet: number, fromCol: number): void {
    const columns = this.statics.get(sheet);
    if (columns) for (const col of [...columns.keys()]) if (col >= fromCol) columns.delete(col);
    for (const key of [...this.dynamicColumns]) {
      const [keySheet, keyCol] = key.split(':').map(Number);
      if (keySheet === sheet && keyCol >= fromCol) this.dynamicColumns.delete(key);
    }
  }

  /**
   * The engine is about to write a block. `formulas`: the block holds a formula, or overwrites one
   * (a spilled result may then change cells right of and below it): stores from its column on are
   * dropped. Otherwise the written rows are patched at the next use, or the store read again.
   */
  noteWrite(sheet: number, row: number, col: number, height: number, width: number, formulas: boolean): void {
    this.epochCount++;
    if (formulas) {
      this.dropSheet(sheet, col);
      return;
    }
    const columns = this.statics.get(sheet);
    for (let c = col; c < col + width; c++) {
      this.dynamicColumns.delete(`${sheet}:${c}`);
      const store = columns?.get(c);
      if (!store) continue;
      if (row + height > store.size || (store.dirty?.size ?? 0) + height > store.size / 8) {
        columns!.delete(c);
        continue;
      }
      store.dirty ??= new Set();
      for (let r = row; r < row + height; r++) store.dirty.add(r);
    }
  }

  /** A value kept for the current recalculation only. */
  perEpoch<T>(key: string, make: () => T): T {
    if (this.dynamicsEpoch !== this.epochCount) {
      this.dynamics = new Map();
      this.dynamicsEpoch = this.epochCount;
    }
    if (this.dynamics.has(key)) {
      this.stats.memoHits++;
      return this.dynamics.get(key) as T;
    }
    const value = make();
    this.dynamics.set(key, value);
    return value;
  }

  /** The store holding a single-column range argument's rows (`value` is what HyperFormula evaluated for it). */
  store(graph: GraphLike, value: SimpleRangeValue, range: RangeLike): ColumnStore {
    const { sheet, row, col } = range.start;
    const key = `${sheet}:${col}`;
    if (!this.dynamicColumns.has(key)) {
      let columns = this.statics.get(sheet);
      let store = columns?.get(col);
      if (store && !store.patch(graph)) {
        columns!.delete(col);
        store = undefined;
      }
      if (store && graph.getSheetHeight(sheet) <= store.size) return store;
      store = this.readColumn(graph, sheet, col);
      if (store) {
        if (!columns) this.statics.set(sheet, (columns = new Map()));
        columns.set(col, store);
        return store;
      }
      this.dynamicColumns.add(key);
    }
    const height = value.height();
    return this.perEpoch(`store:${key}:${row}:${height}`, () => {
      const store = new ColumnStore(sheet, col, row, height);
      const data = value.data;
      for (let r = 0; r < height; r++) store.ids[r] = store.dict.intern(data[r][0]);
      return store;
    });
  }

  /** Reads a whole column of values (with headroom for rows written later); undefined if it holds a formula. */
  private readColumn(graph: GraphLike, sheet: number, col: number): ColumnStore | undefined {
    this.stats.columnReads++;
    const height = graph.getSheetHeight(sheet);
    const size = Math.max(height + 1024, Math.ceil(height * 1.125));
    const store = new ColumnStore(sheet, col, 0, size);
    const ids = store.ids;
    const dict = store.dict;
    for (let r = 0; r < height; r++) {
      const value = staticValue(graph, sheet, r, col);
      if (value === DYNAMIC) return undefined;
      ids[r] = dict.intern(value);
    }
    return store;
  }
}
