/**
 * Read-only views of per-cell formatting that the Apps Script API the host implements has no
 * two-dimensional getter for (getFontColors, getFontStyles, getHorizontalAlignments), for the
 * local preview, which draws a window of cells as Sheets shows them. Nothing here changes a sheet.
 */
import { implOf } from './context.ts';
import type { GridRange } from './model.ts';

/** How one cell looks beyond its value, number format, weight and fill; fields left out are Sheets' defaults. */
export interface CellLook {
  /** Font colour as #rrggbb (default black). */
  fontColor?: string;
  /** 'italic' (default normal). */
  fontStyle?: string;
  /** 'left', 'center' or 'right' (default: by the value's type). */
  horizontalAlignment?: string;
}

/**
 * The look of each cell of a Range (one the host handed out, e.g. host.spreadsheet...getRange()),
 * row by row; undefined for a cell with Sheets' defaults.
 */
export function cellLooks(range: unknown): (CellLook | undefined)[][] {
  const grid = implOf<{ grid?: GridRange }>(range)?.grid;
  if (!grid) throw new TypeError('cellLooks takes a Range of the offline host.');
  const { sheet, row, col, numRows, numCols } = grid;
  const a = sheet.attributes;
  const hasColor = a.has('fontColor');
  const hasStyle = a.has('fontStyle');
  const hasAlign = a.has('horizontalAlignment');
  const out: (CellLook | undefined)[][] = [];
  for (let r = 0; r < numRows; r++) {
    const line: (CellLook | undefined)[] = new Array(numCols).fill(undefined);
    if (hasColor || hasStyle || hasAlign) {
      for (let c = 0; c < numCols; c++) {
        const [r0, c0] = [row - 1 + r, col - 1 + c];
        const fontColor = hasColor ? (a.get('fontColor', r0, c0) as string | undefined) : undefined;
        const fontStyle = hasStyle ? (a.get('fontStyle', r0, c0) as string | undefined) : undefined;
        const horizontalAlignment = hasAlign ? (a.get('horizontalAlignment', r0, c0) as string | undefined) : undefined;
        if (fontColor || fontStyle || horizontalAlignment) line[c] = { fontColor, fontStyle, horizontalAlignment };
      }
    }
    out.push(line);
  }
  return out;
}
