/**
 * Whole-column and open-ended references as internal named expressions.
 *
 * HyperFormula re-adds a whole column ("$G:$G") to its dependency graph for every formula naming
 * it (seconds for a few thousand formulas over 100,000 rows) and cannot parse Sheets' open-ended
 * ranges ("G2:G") at all. The engine gives HyperFormula each such reference as one named
 * expression per distinct range: the formula depends on the name, the name on the column, so a
 * formula costs nothing more to add than one with a single cell.
 *
 * - The name's own formula, =LEADFLOW.RANGE('Leads'!$G:$G), only carries the dependency (its
 *   value is a counter, new each time a cell of the column changes, so that its dependents are
 *   recalculated and nothing large is copied).
 * - Where a formula reads the name, the engine's interpreter hook evaluates the range in the
 *   name's formula instead (internalRangeAst): a whole column exactly as HyperFormula always did
 *   (down to the sheet's used height at that moment), an open-ended range down to a bound past
 *   the tallest sheet, as before. The hook needs nothing but the HyperFormula instance, so it also
 *   works while HyperFormula builds a workbook (and evaluates it) in one call.
 * - The text as typed is kept per cell for getFormula(); when rows or columns move, or a sheet is
 *   renamed or removed, the cells whose formula changed are rewritten from HyperFormula's text
 *   with each reference in its typed style at its new place.
 */
import type { HyperFormula } from 'hyperformula';
import type { RangeKind, RangeNow, RangeToken } from './ranges.ts';
import { columnLetters, findRangeTokens, nativeFormula, quotedSheet, renderToken, reopenRanges, replaceTokens } from './ranges.ts';

/** The function of the names' formulas (registered by the engine's internal plugin). */
export const RANGE_FUNCTION = 'LEADFLOW.RANGE';
const NAME_PREFIX = '_LF_R';
const INTERNAL_NAME = /^_LF_R\d+_*$/i;

interface AstLike { type: string; procedureName?: string; args?: AstLike[]; expressionName?: string }
interface InterpreterLike {
  namedExpressions: { nearestNamedExpression(name: string, sheet: number): { address: unknown } | undefined };
  dependencyGraph: { getCell(address: unknown): { getFormula?(service: unknown): AstLike } | undefined; lazilyTransformingAstService: unknown };
}

/**
 * For a NAMED_EXPRESSION node reading one of the internal names: the range of the name's formula
 * (=LEADFLOW.RANGE(range)), to be evaluated in its place; undefined for any other node.
 */
export function internalRangeAst(interpreter: InterpreterLike, ast: AstLike, sheet: number): AstLike | undefined {
  const name = ast.expressionName;
  if (ast.type !== 'NAMED_EXPRESSION' || name === undefined || name.charCodeAt(0) !== 95 /* _ */ || !INTERNAL_NAME.test(name)) return undefined;
  const named = interpreter.namedExpressions.nearestNamedExpression(name, sheet);
  if (!named) return undefined;
  const graph = interpreter.dependencyGraph;
  const formula = graph.getCell(named.address)?.getFormula?.(graph.lazilyTransformingAstService);
  if (formula?.type !== 'FUNCTION_CALL' || formula.procedureName !== RANGE_FUNCTION || formula.args?.length !== 1) return undefined;
  return formula.args[0];
}

/** Smallest bound for open-ended ranges: Sheets gives a new sheet 1,000 rows. */
export const MIN_OPEN_RANGE_ROWS = 1000;

export interface InternalName {
  name: string;
  sheet: number;
  kind: RangeKind;
  colStart: number;
  colEnd: number;
  rowStart: number;
  /** False once the range is gone (its sheet or columns deleted): formulas reading it give #REF!. */
  valid: boolean;
  /** Bumped when the range moves or its sheet is renamed (typed texts using it are rewritten). */
  version: number;
}

interface TypedEntry {
  typed: string;
  tokens: RangeToken[];
  names: InternalName[];
  versions: number[];
}

type RawContent = number | string | boolean | null;

/** Cells are keyed by row * COLS + col within a sheet. */
const COLS = 20_000;

interface ParserLike {
  parse(text: string, address: { sheet: number; row: number; col: number }): { ast: unknown };
}
interface UnparserLike {
  unparse(ast: unknown, address: { sheet: number; row: number; col: number }): string;
}

export class RangeNames {
  private readonly byKey = new Map<string, InternalName>();
  private readonly byName = new Map<string, InternalName>();
  private readonly cells = new Map<number, Map<number, TypedEntry>>();
  private openNames = 0;
  /** The row open-ended ranges end at (exclusive): past the tallest sheet, with headroom. */
  private openBound = MIN_OPEN_RANGE_ROWS;

  /**
   * `tallest`: rows of the tallest sheet that hold something written (not HyperFormula's sheet
   * height, which counts the empty cells a range dependency creates: an open-ended range bounded
   * past the data would make the data look taller at each write).
   */
  constructor(private readonly hf: () => HyperFormula, private readonly tallest: () => number) {}

  get size(): number {
    return this.byName.size;
  }

  /** The internal name a formula reads, if it is one. */
  lookup(name: string): InternalName | undefined {
    return this.byName.get(name.toUpperCase());
  }

  private nameFor(token: RangeToken, formulaSheet: number): InternalName | undefined {
    const hf = this.hf();
    const sheet = token.sheetName === undefined ? formulaSheet : hf.getSheetId(token.sheetName);
    if (sheet === undefined) return undefined;
    const key = `${sheet}|${token.kind}|${token.colStart}|${token.colEnd}|${token.kind === 'open' ? token.rowStart : 0}`;
    let internalName = this.byKey.get(key);
    if (internalName?.valid) return internalName;
    if (token.kind === 'open' && this.openNames === 0) {
      // Data loaded before the first open-ended range counts (the bound would stay at a new sheet's 1,000 rows).
      const tallest = this.tallest();
      if (tallest >= this.openBound) this.openBound = Math.max(MIN_OPEN_RANGE_ROWS, Math.ceil(tallest * 1.25));
    }
    internalName = {
      name: `${NAME_PREFIX}${this.byName.size + 1}`, sheet, kind: token.kind, colStart: token.colStart, colEnd: token.colEnd,
      rowStart: token.kind === 'open' ? token.rowStart : 0, valid: true, version: 0,
    };
    // (A user's named range could have taken the name; if HyperFormula refuses it anyway, the reference stays as typed.)
    for (let tries = 0; this.byName.has(internalName.name) || !hf.isItPossibleToAddNamedExpression(internalName.name, this.expression(internalName)); tries++) {
      if (tries === 5) return undefined;
      internalName.name += '_';
    }
    hf.addNamedExpression(internalName.name, this.expression(internalName));
    this.byKey.set(key, internalName);
    this.byName.set(internalName.name, internalName);
    if (internalName.kind === 'open') this.openNames++;
    return internalName;
  }

  /**
   * The name's formula: the cells it depends on. A whole column depends on the whole column; an
   * open-ended range on its rows down to the bound (not the whole column: a formula above the
   * range, "=SUM(G2:G)" in G1, must not depend on itself).
   */
  private expression(internalName: InternalName): string {
    const sheet = quotedSheet(this.hf().getSheetName(internalName.sheet) ?? '');
    const [firstColumn, lastColumn] = [columnLetters(internalName.colStart), columnLetters(internalName.colEnd)];
    const range = internalName.kind === 'column'
      ? `$${firstColumn}:$${lastColumn}`
      : `$${firstColumn}$${internalName.rowStart + 1}:$${lastColumn}$${Math.max(this.openBound, internalName.rowStart + 1)}`;
    return `=${RANGE_FUNCTION}(${sheet}${range})`;
  }

  private sheetCells(sheet: number, create: true): Map<number, TypedEntry>;
  private sheetCells(sheet: number, create?: false): Map<number, TypedEntry> | undefined;
  private sheetCells(sheet: number, create = false): Map<number, TypedEntry> | undefined {
    let cells = this.cells.get(sheet);
    if (!cells && create) this.cells.set(sheet, (cells = new Map()));
    return cells;
  }

  /**
   * Formulas of a block about to be written, with their whole-column and open-ended references
   * replaced by internal names (a copy when any is); the typed text is remembered per cell.
   */
  rewrite(sheet: number, row: number, col: number, data: RawContent[][]): RawContent[][] {
    const existing = this.sheetCells(sheet);
    let copy: RawContent[][] | undefined;
    for (let r = 0; r < data.length; r++) {
      const line = data[r];
      for (let c = 0; c < line.length; c++) {
        const key = (row + r) * COLS + col + c;
        if (existing && existing.size > 0) existing.delete(key);
        const formula = line[c];
        if (typeof formula !== 'string' || formula.charCodeAt(0) !== 61 /* = */ || !formula.includes(':')) continue;
        const found = findRangeTokens(formula);
        const names: InternalName[] = [];
        const tokens: RangeToken[] = [];
        for (const token of found) {
          const internalName = this.nameFor(token, sheet);
          if (internalName) {
            tokens.push(token);
            names.push(internalName);
          }
        }
        if (tokens.length === 0) continue;
        copy ??= data.map((dataLine) => dataLine.slice());
        let nameIndex = 0;
        copy[r][c] = replaceTokens(formula, tokens, () => names[nameIndex++].name);
        this.sheetCells(sheet, true).set(key, { typed: formula, tokens, names, versions: names.map((internalName) => internalName.version) });
      }
    }
    return copy ?? data;
  }

  /** The formula as typed (undefined when the cell has no rewritten formula). */
  typed(sheet: number, row: number, col: number): string | undefined {
    return this.cells.get(sheet)?.get(row * COLS + col)?.typed;
  }

  hasTyped(sheet: number): boolean {
    return (this.cells.get(sheet)?.size ?? 0) > 0;
  }

  /**
   * The formula of a cell for a fill: HyperFormula-parsable (whole columns as they are, open-ended
   * ranges closed at a sentinel row), or undefined when the cell has no rewritten formula.
   */
  fillSource(sheet: number, row: number, col: number): string | undefined {
    const entry = this.cells.get(sheet)?.get(row * COLS + col);
    return entry ? nativeFormula(entry.typed, findRangeTokens(entry.typed)) : undefined;
  }

  /** The formula of `source` (from fillSource) moved to each target cell, as a drag-fill moves it. */
  fillTargets(sheet: number, row: number, col: number, source: string, height: number, width: number): RawContent[][] {
    const hf = this.hf() as unknown as { _parser: ParserLike; _unparser: UnparserLike };
    const ast = hf._parser.parse(source, { sheet, row, col }).ast;
    return Array.from({ length: height }, (_, r) => Array.from({ length: width }, (_, c) =>
      reopenRanges(hf._unparser.unparse(ast, { sheet, row: row + r, col: col + c }))));
  }

  /** When the data outgrows the bound of open-ended ranges: a new bound, and their dependents recalculated. */
  regrow(): void {
    if (this.openNames === 0) return;
    const tallest = this.tallest();
    if (tallest < this.openBound) return;
    this.openBound = Math.max(MIN_OPEN_RANGE_ROWS, Math.ceil(tallest * 1.25));
    const hf = this.hf();
    for (const internalName of this.byName.values()) {
      if (internalName.kind === 'open' && internalName.valid) hf.changeNamedExpression(internalName.name, this.expression(internalName));
    }
  }

  // --- structure ----------------------------------------------------------------------------

  /** HyperFormula's text of every rewritten cell, taken before rows, columns or sheets change. */
  snapshot(): Map<TypedEntry, string | undefined> {
    const hf = this.hf();
    const out = new Map<TypedEntry, string | undefined>();
    for (const [sheet, cells] of this.cells) {
      for (const [key, entry] of cells) out.set(entry, hf.getCellFormula({ sheet, row: Math.floor(key / COLS), col: key % COLS }));
    }
    return out;
  }

  /**
   * After rows or columns were inserted or deleted (`move`: how a row or column index of `sheet`
   * moved, undefined when deleted), a sheet renamed or removed: typed texts follow their cells,
   * names take their ranges' new places, and the texts of changed formulas are written again.
   */
  restructure(before: Map<TypedEntry, string | undefined>, change: {
    sheet: number;
    rows?: (row: number) => number | undefined;
    cols?: (col: number) => number | undefined;
    removed?: boolean;
    renamed?: boolean;
  }): void {
    const hf = this.hf();
    // Cells move with their rows and columns.
    const cells = this.cells.get(change.sheet);
    if (cells && (change.rows || change.cols || change.removed)) {
      const moved = new Map<number, TypedEntry>();
      if (!change.removed) {
        for (const [key, entry] of cells) {
          const row = change.rows ? change.rows(Math.floor(key / COLS)) : Math.floor(key / COLS);
          const col = change.cols ? change.cols(key % COLS) : key % COLS;
          if (row !== undefined && col !== undefined) moved.set(row * COLS + col, entry);
        }
      }
      if (moved.size > 0) this.cells.set(change.sheet, moved);
      else this.cells.delete(change.sheet);
    }
    // Names follow their ranges: columns from HyperFormula's own update of the name, rows of open-ended ranges here.
    this.byKey.clear();
    for (const internalName of this.byName.values()) {
      const was = `${internalName.valid}|${internalName.colStart}|${internalName.colEnd}|${internalName.rowStart}`;
      if (internalName.valid) {
        const now = parseRangeExpression(hf.getNamedExpressionFormula(internalName.name) ?? '');
        if (!now || hf.getSheetName(internalName.sheet) === undefined) {
          internalName.valid = false;
          if (internalName.kind === 'open') this.openNames--;
        } else {
          internalName.colStart = now.colStart;
          internalName.colEnd = now.colEnd;
          if (internalName.kind === 'open' && internalName.sheet === change.sheet && change.rows) {
            // HyperFormula moved the first row with the rows; the last one goes back to the bound.
            internalName.rowStart = now.rowStart;
            hf.changeNamedExpression(internalName.name, this.expression(internalName));
          }
        }
      }
      if (`${internalName.valid}|${internalName.colStart}|${internalName.colEnd}|${internalName.rowStart}` !== was
        || (change.renamed && internalName.sheet === change.sheet)) internalName.version++;
      if (internalName.valid) {
        this.byKey.set(
          `${internalName.sheet}|${internalName.kind}|${internalName.colStart}|${internalName.colEnd}|${internalName.kind === 'open' ? internalName.rowStart : 0}`,
          internalName,
        );
      }
    }
    // Formulas HyperFormula changed, or whose names moved: their text as HyperFormula writes it, names in their typed style.
    for (const [sheet, entries] of this.cells) {
      for (const [key, entry] of entries) {
        const text = hf.getCellFormula({ sheet, row: Math.floor(key / COLS), col: key % COLS });
        if (text === undefined) {
          entries.delete(key);
          continue;
        }
        if (before.has(entry) && before.get(entry) === text && entry.names.every((internalName, i) => internalName.version === entry.versions[i])) continue;
        entry.typed = this.render(text, entry);
        entry.versions = entry.names.map((internalName) => internalName.version);
      }
    }
  }

  private rangeNow(internalName: InternalName): RangeNow | undefined {
    const sheetName = this.hf().getSheetName(internalName.sheet);
    return internalName.valid && sheetName !== undefined
      ? { sheetName, colStart: internalName.colStart, colEnd: internalName.colEnd, rowStart: internalName.rowStart }
      : undefined;
  }

  /** HyperFormula's text with each internal name written as the reference it stands for, in its typed style. */
  private render(text: string, entry: TypedEntry): string {
    const used = entry.tokens.map(() => false);
    const parts = text.split('"');
    for (let i = 0; i < parts.length; i += 2) {
      parts[i] = parts[i].replace(/_LF_R\d+_*/gi, (name) => {
        const internalName = this.lookup(name);
        if (!internalName) return name;
        const tokenIndex = entry.names.findIndex((entryName, j) => entryName === internalName && !used[j]);
        if (tokenIndex < 0) return renderToken({ ...defaultToken(internalName) }, this.rangeNow(internalName));
        used[tokenIndex] = true;
        return renderToken(entry.tokens[tokenIndex], this.rangeNow(internalName));
      });
    }
    return parts.join('"');
  }
}

/** A token in absolute style with a sheet prefix, for a name no typed reference stands for. */
function defaultToken(internalName: InternalName): RangeToken {
  return {
    start: 0, end: 0, text: '', prefix: "'?'!", sheetName: '\u0000', kind: internalName.kind, colStart: internalName.colStart, colEnd: internalName.colEnd,
    rowStart: internalName.rowStart, absStartCol: true, absStartRow: true, absEndCol: true,
  };
}

/** The columns of a name's expression as HyperFormula writes it now (undefined once it is #REF!). */
function parseRangeExpression(expression: string): { colStart: number; colEnd: number; rowStart: number } | undefined {
  const match = /!\$?([A-Z]{1,3})(?:\$?(\d+))?:\$?([A-Z]{1,3})(?:\$?\d+)?\)$/i.exec(expression);
  if (!match || expression.includes('#REF!')) return undefined;
  const columnIndexOf = (letters: string) => [...letters.toUpperCase()].reduce((columnNumber, ch) => columnNumber * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return { colStart: columnIndexOf(match[1]), colEnd: columnIndexOf(match[3]), rowStart: match[2] === undefined ? 0 : Number(match[2]) - 1 };
}
