/**
 * Whole-column references ("$G:$G", "'Leads'!G:G") and Sheets' open-ended ranges ("G2:G",
 * "Leads!A2:M") in formula text: finding them, and writing them back as the user typed them.
 *
 * The engine gives HyperFormula each such reference as an internal named expression, one per
 * distinct range (see engine.ts: HyperFormula re-adds a whole column to its dependency graph for
 * every formula that names it, and cannot parse open-ended ranges at all); this module only
 * deals with the text.
 */

export type RangeKind = 'column' | 'open';

/** One whole-column or open-ended reference found in a formula. */
export interface RangeToken {
  /** Offsets of the reference in the formula text (end exclusive). */
  start: number;
  end: number;
  /** The reference as typed, sheet prefix included. */
  text: string;
  /** The sheet prefix as typed ("'Leads'!", "Leads!"), "" for none. */
  prefix: string;
  /** The sheet named by the prefix (quotes removed), undefined for none. */
  sheetName?: string;
  kind: RangeKind;
  /** 0-based columns, first ≤ last. */
  colStart: number;
  colEnd: number;
  /** 0-based first row of an open-ended range (0 for a whole column). */
  rowStart: number;
  /** Where the typed reference had "$": first column, first row, last column. */
  absStartCol: boolean;
  absStartRow: boolean;
  absEndCol: boolean;
}

const MAX_COLUMN = 18_278;

export function columnIndex(letters: string): number {
  let columnNumber = 0;
  for (const ch of letters.toUpperCase()) columnNumber = columnNumber * 26 + (ch.charCodeAt(0) - 64);
  return columnNumber - 1;
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let columnNumber = index + 1; columnNumber > 0; columnNumber = Math.floor((columnNumber - 1) / 26)) letters = String.fromCharCode(65 + ((columnNumber - 1) % 26)) + letters;
  return letters;
}

/** A sheet name as a formula prefix: bare when HyperFormula and Sheets accept it bare, quoted otherwise. */
export function sheetPrefix(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name) && !/^(TRUE|FALSE)$/i.test(name)
    ? `${name}!`
    : `'${name.replace(/'/g, "''")}'!`;
}

/** A sheet name always quoted, as given to HyperFormula's parser. */
export function quotedSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'!`;
}

// After an optional unquoted sheet prefix: a whole column (G:G, $A:$C) or an open-ended range
// (G2:G, $A$2:$M). Nothing may follow that would make it part of something longer.
const REFERENCE = /(?:([A-Za-z_][\w.]*)!)?(?:(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})|(\$?)([A-Za-z]{1,3})(\$?)(\d+):(\$?)([A-Za-z]{1,3}))(?![\w$.(!:'])/y;
const QUOTED_REFERENCE = /(?:(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})|(\$?)([A-Za-z]{1,3})(\$?)(\d+):(\$?)([A-Za-z]{1,3}))(?![\w$.(!:'])/y;

function tokenFrom(match: RegExpExecArray, offset: number, start: number, end: number, text: string, prefix: string, sheetName: string | undefined): RangeToken | undefined {
  const group = (index: number) => match[index + offset];
  if (group(2) !== undefined) {
    const firstCol = columnIndex(group(2));
    const lastCol = columnIndex(group(4));
    if (firstCol >= MAX_COLUMN || lastCol >= MAX_COLUMN) return undefined;
    return {
      start, end, text, prefix, sheetName, kind: 'column', colStart: Math.min(firstCol, lastCol), colEnd: Math.max(firstCol, lastCol), rowStart: 0,
      absStartCol: group(1) === '$', absStartRow: false, absEndCol: group(3) === '$',
    };
  }
  const firstCol = columnIndex(group(6));
  const lastCol = columnIndex(group(10));
  const row = Number(group(8));
  if (firstCol >= MAX_COLUMN || lastCol >= MAX_COLUMN || row < 1) return undefined;
  return {
    start, end, text, prefix, sheetName, kind: 'open', colStart: Math.min(firstCol, lastCol), colEnd: Math.max(firstCol, lastCol), rowStart: row - 1,
    absStartCol: group(5) === '$', absStartRow: group(7) === '$', absEndCol: group(9) === '$',
  };
}

/**
 * The whole-column and open-ended references of a formula, outside its string literals and
 * quoted sheet names. Cheap for formulas without ":".
 */
export function findRangeTokens(formula: string): RangeToken[] {
  const out: RangeToken[] = [];
  if (!formula.includes(':')) return out;
  const length = formula.length;
  let i = formula[0] === '=' ? 1 : 0;
  while (i < length) {
    const char = formula[i];
    if (char === '"') {
      i++;
      while (i < length) {
        if (formula[i] === '"') {
          if (formula[i + 1] === '"') i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (char === "'") {
      // A quoted sheet name: 'O''Brien'!
      let j = i + 1;
      while (j < length) {
        if (formula[j] === "'") {
          if (formula[j + 1] === "'") j += 2;
          else break;
        } else j++;
      }
      const quoted = formula.slice(i, j + 1);
      if (formula[j + 1] === '!') {
        QUOTED_REFERENCE.lastIndex = j + 2;
        const match = QUOTED_REFERENCE.exec(formula);
        if (match) {
          const end = j + 2 + match[0].length;
          const token = tokenFrom(match, 0, i, end, formula.slice(i, end), `${quoted}!`, quoted.slice(1, -1).replace(/''/g, "'"));
          if (token) out.push(token);
          i = end;
          continue;
        }
      }
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(char)) {
      REFERENCE.lastIndex = i;
      const match = REFERENCE.exec(formula);
      if (match) {
        const end = i + match[0].length;
        const token = tokenFrom(match, 1, i, end, match[0], match[1] === undefined ? '' : `${match[1]}!`, match[1]);
        if (token) out.push(token);
        i = end;
        continue;
      }
      // Not a reference of ours: skip the whole identifier (a function, a name, a cell, a sheet prefix).
      i++;
      while (i < length && /[\w.$]/.test(formula[i])) i++;
      if (formula[i] === '!') i++;
    } else if (/[0-9]/.test(char)) {
      i++;
      while (i < length && /[\w.$]/.test(formula[i])) i++;
    } else {
      i++;
    }
  }
  return out;
}

/** The formula with each token replaced by `replace(token)`. */
export function replaceTokens(formula: string, tokens: RangeToken[], replace: (token: RangeToken) => string): string {
  let out = '';
  let at = 0;
  for (const token of tokens) {
    out += formula.slice(at, token.start) + replace(token);
    at = token.end;
  }
  return out + formula.slice(at);
}

/** Where a reference now points (after rows or columns moved), for rewriting it in its typed style. */
export interface RangeNow {
  sheetName: string;
  colStart: number;
  colEnd: number;
  rowStart: number;
}

/** A token written again for its range's current place: same style ($, quotes), same sheet spelling while the sheet keeps its name. */
export function renderToken(token: RangeToken, now: RangeNow | undefined): string {
  if (!now) return '#REF!';
  let prefix = token.prefix;
  if (prefix && token.sheetName !== undefined && token.sheetName.toLowerCase() !== now.sheetName.toLowerCase()) prefix = sheetPrefix(now.sheetName);
  const firstColumn = `${token.absStartCol ? '$' : ''}${columnLetters(now.colStart)}`;
  const lastColumn = `${token.absEndCol ? '$' : ''}${columnLetters(now.colEnd)}`;
  if (token.kind === 'column') return `${prefix}${firstColumn}:${lastColumn}`;
  return `${prefix}${firstColumn}${token.absStartRow ? '$' : ''}${now.rowStart + 1}:${lastColumn}`;
}

/** The row an open-ended range is given to HyperFormula's parser with when a formula is filled (then turned back into an open end). */
export const OPEN_END_SENTINEL = 10_000_000;

/** The formula with its open-ended ranges closed at the sentinel row (absolute, so a fill does not move it); whole columns stay. */
export function nativeFormula(formula: string, tokens: RangeToken[]): string {
  return replaceTokens(formula, tokens, (token) => (token.kind === 'column' ? token.text : `${token.text}$${OPEN_END_SENTINEL}`));
}

/** Turns ranges ending at the sentinel row back into open-ended ones (outside string literals). */
export function reopenRanges(formula: string): string {
  const parts = formula.split('"');
  for (let i = 0; i < parts.length; i += 2) {
    parts[i] = parts[i].replace(new RegExp(`(\\$?[A-Za-z]{1,3}\\$?\\d+:\\$?[A-Za-z]{1,3})\\$${OPEN_END_SENTINEL}(?!\\d)`, 'g'), '$1');
  }
  return parts.join('"');
}
