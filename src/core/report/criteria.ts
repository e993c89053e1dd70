/**
 * Cells as COUNTIFS sees them. A built sheet counts leads with COUNTIFS/SUMIFS criteria, and its
 * cached values are counted here, lead by lead, under the same rules, so the two cannot differ:
 * text matches without regard to case but with every space, a blank criterion matches empty
 * cells only, and a date criterion matches date cells (numbers) only, never date text.
 */

/** The key every cell a criterion matches shares: text in lower case, numbers and booleans tagged, "" for an empty cell. */
export function cellKey(cell: unknown): string {
  if (cell === '' || cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return `t${cell.toLowerCase()}`;
  if (typeof cell === 'number') return `n${cell}`;
  if (typeof cell === 'boolean') return `b${cell}`;
  return `t${String(cell).toLowerCase()}`;
}

/** A criterion matching exactly the cells of one key, as formula text: "=Closed Won", "" (empty), 5, TRUE. Wildcards are escaped. */
export function criterionFor(cell: unknown): string {
  if (cell === '' || cell === null || cell === undefined) return '""';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  const escaped = String(cell).replace(/[~*?]/g, '~$&');
  return `"=${escaped.replace(/"/g, '""')}"`;
}

/** A date cell as the formulas see it: its serial number, or NaN for anything else (text included). */
export function serialOf(cell: unknown): number {
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : NaN;
}

/** A SUMIF/COUNTIF criterion on text that must match as written (an exit name with a "*" in it). */
export const exactText = (text: string) => criterionFor(text);
