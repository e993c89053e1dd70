/**
 * A1 notation: "B3", "A1:C10", "A:C" (whole columns), "2:5" (whole rows), "A2:C" (open-ended, as
 * Sheets allows), each optionally prefixed by a sheet name ("Leads!A1:B2", "'My sheet'!A1").
 * Coordinates here are 1-based like Apps Script's.
 */

export interface A1Range {
  sheetName?: string;
  row: number;
  col: number;
  /** Undefined = to the last row of the sheet (whole column / open-ended). */
  endRow?: number;
  /** Undefined = to the last column of the sheet (whole row). */
  endCol?: number;
}

/** 1 → "A", 27 → "AA". */
export function columnLetter(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const rem = (n - 1) % 26;
    s = String.fromCharCode(65 + rem) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** "AA" → 27. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function cellA1(row: number, col: number): string {
  return `${columnLetter(col)}${row}`;
}

export function rangeA1(row: number, col: number, numRows: number, numCols: number): string {
  const start = cellA1(row, col);
  if (numRows === 1 && numCols === 1) return start;
  return `${start}:${cellA1(row + numRows - 1, col + numCols - 1)}`;
}

/** Quotes a sheet name for use in a formula or A1 reference when Sheets would. */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name)
    ? name
    : `'${name.replace(/'/g, "''")}'`;
}

function splitSheet(a1: string): { sheetName?: string; ref: string } {
  const bang = a1.lastIndexOf('!');
  if (bang < 0) return { ref: a1 };
  let sheetName = a1.slice(0, bang);
  if (sheetName.startsWith("'") && sheetName.endsWith("'")) sheetName = sheetName.slice(1, -1).replace(/''/g, "'");
  return { sheetName, ref: a1.slice(bang + 1) };
}

interface Endpoint { row?: number; col?: number }

function parseEndpoint(text: string): Endpoint | undefined {
  const m = /^\$?([A-Za-z]{0,3})\$?(\d*)$/.exec(text);
  if (!m || (!m[1] && !m[2])) return undefined;
  return { col: m[1] ? columnNumber(m[1]) : undefined, row: m[2] ? Number(m[2]) : undefined };
}

/** Parses A1 notation; returns undefined when it is not a valid reference. */
export function parseA1(a1: string): A1Range | undefined {
  const { sheetName, ref } = splitSheet(a1.trim());
  const [startText, endText, extra] = ref.split(':');
  if (extra !== undefined || !startText) return undefined;
  const start = parseEndpoint(startText);
  if (!start) return undefined;
  if (endText === undefined) {
    if (start.row === undefined || start.col === undefined || start.row < 1) return undefined;
    return { sheetName, row: start.row, col: start.col, endRow: start.row, endCol: start.col };
  }
  const end = parseEndpoint(endText);
  if (!end) return undefined;
  // Whole columns "A:C" or open-ended "A2:C": rows run to the end of the sheet.
  if (start.col !== undefined && end.col !== undefined) {
    const row = start.row ?? 1;
    const endRow = start.row === undefined ? undefined : end.row;
    if (row < 1) return undefined;
    return normalise({ sheetName, row, col: start.col, endRow, endCol: end.col });
  }
  // Whole rows "2:5".
  if (start.col === undefined && end.col === undefined && start.row !== undefined && end.row !== undefined) {
    return normalise({ sheetName, row: start.row, col: 1, endRow: end.row, endCol: undefined });
  }
  return undefined;
}

function normalise(r: A1Range): A1Range {
  const out = { ...r };
  if (out.endRow !== undefined && out.endRow < out.row) [out.row, out.endRow] = [out.endRow, out.row];
  if (out.endCol !== undefined && out.endCol < out.col) [out.col, out.endCol] = [out.endCol, out.col];
  return out;
}
